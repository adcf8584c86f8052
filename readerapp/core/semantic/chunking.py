"""PDF pages to passages for embedding, keeping page and bounding box."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

TARGET_WORDS = 150  # MiniLM reads 256 word pieces; ~150 English words fit
MAX_WORDS = 220
MIN_WORDS = 12
COLUMN_MIN_WORDS = 60  # at a column change, a chunk this long ends (its box stays in one column)
EDGE = 0.08  # top/bottom fraction of the page where running headers and footers live

_REFERENCES = re.compile(r"^\s*(\d+\.?\s*)?(references|bibliography|literature cited|参考文献)\s*$", re.I)
_APPENDIX = re.compile(r"^\s*([A-Z]\.?\s+|appendix\b|supplementary\b)", re.I)


@dataclass
class Chunk:
    page: int  # 1-based
    bbox: tuple[float, float, float, float] | None
    text: str


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text)).strip().lower()


def chunk_pdf_pages(path: str) -> tuple[list[Chunk], list[int]]:
    """(chunks, 1-based pages without any text layer, e.g. scanned pages)."""
    import pymupdf

    with pymupdf.open(path) as doc:
        pages = []
        for page in doc:
            try:
                blocks = [b for b in page.get_text("blocks") if b[6] == 0 and b[4].strip()]
            except Exception:
                blocks = []
            pages.append((page.rect.height, blocks))
    return chunk_blocks(pages), [n for n, (_, blocks) in enumerate(pages, start=1) if not blocks]


def chunk_plain_pages(pages: list[tuple[int, str]]) -> list[Chunk]:
    """Chunks of page text without layout (OCR text of scanned pages): windows of
    about TARGET_WORDS words; the box is the whole page (None)."""
    chunks: list[Chunk] = []
    for number, text in pages:
        words = text.split()
        step = TARGET_WORDS
        for start in range(0, len(words), step):
            part = words[start:start + step]
            if len(part) < MIN_WORDS and start:
                chunks[-1].text += " " + " ".join(part)
            elif len(part) >= MIN_WORDS:
                chunks.append(Chunk(number, None, " ".join(part)))
    return chunks


def chunk_blocks(pages: list[tuple[float, list[tuple]]]) -> list[Chunk]:
    """pages: [(page height, [(x0, y0, x1, y1, text, ...), ...]), ...]."""
    # running headers/footers: the same text (digits ignored) near an edge on 3+ pages
    edge_texts: Counter[str] = Counter()
    for height, blocks in pages:
        seen = set()
        for b in blocks:
            if b[1] < height * EDGE or b[3] > height * (1 - EDGE):
                seen.add(_norm(b[4]))
        edge_texts.update(seen)
    running = {t for t, n in edge_texts.items() if n >= 3}

    chunks: list[Chunk] = []
    in_references = False
    for number, (height, blocks) in enumerate(pages, start=1):
        words: list[str] = []
        box: list[float] | None = None

        def flush() -> None:
            nonlocal words, box
            if len(words) >= MIN_WORDS and box is not None:
                chunks.append(Chunk(number, (box[0], box[1], box[2], box[3]), " ".join(words)))  # noqa: B023 (called in this iteration only)
            words, box = [], None

        for b in blocks:
            text = b[4].strip()
            if (b[1] < height * EDGE or b[3] > height * (1 - EDGE)) and _norm(text) in running:
                continue
            first_line = text.splitlines()[0] if text else ""
            if _REFERENCES.match(first_line):
                flush()
                in_references = True
                continue
            if in_references:
                if _APPENDIX.match(first_line) and len(first_line) < 80 and not re.match(r"^\[\d+\]", first_line):
                    in_references = False  # an appendix after the references is text again
                else:
                    continue
            block_words = re.sub(r"-\n(?=[a-z])", "", text).split()
            if words and len(words) + len(block_words) > MAX_WORDS:
                flush()
            elif box is not None and len(words) >= COLUMN_MIN_WORDS and b[0] >= box[2] - 2 and b[1] < box[3]:
                flush()  # the next column starts: a box spanning both columns would point at neither
            words.extend(block_words)
            x0, y0, x1, y1 = b[:4]
            box = [x0, y0, x1, y1] if box is None else [min(box[0], x0), min(box[1], y0), max(box[2], x1),
                                                         max(box[3], y1)]
            while len(words) > MAX_WORDS:  # one very long block: split it
                rest = words[TARGET_WORDS:]
                words = words[:TARGET_WORDS]
                kept_box = box
                flush()
                words, box = rest, kept_box
            if len(words) >= TARGET_WORDS:
                flush()
        flush()
    return chunks
