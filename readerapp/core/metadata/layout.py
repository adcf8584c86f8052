"""The first page's layout: the title (the largest block in the upper part of the
page that is not a banner, a running header, a page range or a list of people)
and the author lines under it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from readerapp.core.metadata.names import is_affiliation, looks_like_authors, names_in_line
from readerapp.core.metadata.text import clean

MAX_LINES = 400  # lines of page one looked at (a page of megabytes of text is cut here)
MAX_LINE_CHARS = 2000


def pymupdf_flags() -> int:
    import pymupdf

    return pymupdf.TEXT_MEDIABOX_CLIP


@dataclass
class Line:
    text: str  # the line's text, marks included
    marked: str  # the same with superscripts and wide gaps shown as "¦" (author separators)
    core: str  # the text of the full-size spans only (a title without its footnote marks)
    size: float  # the size most of its characters have (superscripts left out)
    x0: float
    y0: float
    x1: float
    y1: float
    bold: bool
    lead_mark: bool  # starts with a superscript ("1Google Inc.": an affiliation)


def first_page_lines(doc) -> tuple[list[Line], float, float]:
    page = doc[0]
    width, height = page.rect.width, page.rect.height
    lines: list[Line] = []
    # text outside the page box is left out (a page can hide megabytes there)
    data = page.get_text("dict", flags=pymupdf_flags())
    for block in data.get("blocks", []):
        for line in block.get("lines", []):
            if len(lines) >= MAX_LINES:
                break
            if tuple(round(v, 2) for v in line.get("dir", (1, 0))) != (1.0, 0.0):
                continue  # rotated text: margin stamps, watermarks
            ln = _line(line)
            if ln is not None:
                lines.append(ln)
    lines.sort(key=lambda ln: (round(ln.y0 / 4), ln.x0))  # same row within 4 pt, then left to right
    return _merge_rows(lines), width, height


def _line(line: dict) -> Line | None:
    spans = [s for s in line.get("spans", []) if s.get("text", "").strip()]
    if not spans:
        return None
    weights: dict[float, int] = {}
    for s in spans:
        key = round(s["size"] * 2) / 2
        weights[key] = weights.get(key, 0) + len(s["text"].strip())
    size = max(weights.items(), key=lambda kv: (kv[1], kv[0]))[0]
    text_parts, marked_parts, core_parts = [], [], []
    prev_x1 = None
    for s in line.get("spans", []):
        t = s.get("text", "")[:MAX_LINE_CHARS]
        if not t:
            continue
        if not t.strip():  # a space of its own
            text_parts.append(" ")
            marked_parts.append(" ")
            core_parts.append(" ")
            prev_x1 = s["bbox"][2]
            continue
        small = s["size"] < size * 0.8 or (s.get("flags", 0) & 1 and s["size"] < size)
        gap = 0.0 if prev_x1 is None else s["bbox"][0] - prev_x1
        if gap > size * 0.6:
            marked_parts.append(" ¦ ")
        if gap > size * 0.12:
            text_parts.append(" ")
            core_parts.append(" ")
            if gap <= size * 0.6:
                marked_parts.append(" ")
        text_parts.append(t)
        if small:
            marked_parts.append(" ¦ " if re.fullmatch(r"[\s\d,*∗†‡§¶a-e⋆✉()B]+", t) else t)
        else:
            marked_parts.append(t)
            core_parts.append(t)
        prev_x1 = s["bbox"][2]
    x0, y0, x1, y1 = line["bbox"]
    first = spans[0]
    lead_mark = first["size"] < size * 0.8 and bool(re.fullmatch(r"\s*[\d*∗†‡§a-z]{1,3}\s*", first["text"]))
    bold = sum(len(s["text"]) for s in spans if s.get("flags", 0) & 16 or "bold" in s.get("font", "").lower()) \
        > 0.5 * sum(len(s["text"]) for s in spans)
    return Line(clean("".join(text_parts)), re.sub(r"[ \t]*¦[ \t¦]*", " ¦ ", "".join(marked_parts)).strip(" ¦"),
                clean("".join(core_parts)), size, x0, y0, x1, y1, bold, lead_mark)


def _merge_rows(lines: list[Line]) -> list[Line]:
    """Spans MuPDF put in separate lines that sit on one row at one size (a title
    written word by word) become one line; columns side by side stay apart."""
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if prev and abs(ln.y0 - prev.y0) < 0.3 * ln.size and abs(ln.size - prev.size) < 0.6 \
                and 0 <= ln.x0 - prev.x1 < ln.size * 0.8:
            out[-1] = Line(clean(prev.text + " " + ln.text), prev.marked + " " + ln.marked,
                           clean(prev.core + " " + ln.core), prev.size, prev.x0, min(prev.y0, ln.y0), ln.x1,
                           max(prev.y1, ln.y1), prev.bold and ln.bold, prev.lead_mark)
        else:
            out.append(ln)
    return out


def running_headers(doc, lines: list[Line]) -> set[str]:
    """Lines of page one that recur at the top of later pages (running headers)."""
    if doc.page_count < 3:
        return set()
    repeated: set[str] = set()
    try:
        top_texts = set()
        for i in (1, 2):
            page = doc[i]
            clip = page.rect
            clip.y1 = clip.y0 + clip.height * 0.12
            top_texts |= {clean(t).lower() for t in page.get_text(clip=clip).splitlines()[:20] if t.strip()}
        for ln in lines:
            if ln.text.lower() in top_texts and ln.y0 < 0.5 * lines[-1].y1:
                repeated.add(ln.text)
    except Exception:
        pass
    return repeated


# Banners, running journal headers, page numbers and ranges, article kinds, dates.
BANNER = re.compile(
    r"^(published as|proceedings|proc\.|journal of|submitted|accepted|received|revised|published online|preprint|"
    r"under review|workshop|copyright|©|\(c\)|arxiv|appears in|to appear|in proceedings|technical report|draft|"
    r"vol\.|volume|issn|isbn|doi|https?:|www\.|communicated by|editor|this (cvpr|iccv|eccv|wacv)|"
    r"the authoritative version|except for this watermark|letters? to|reprinted|printed in|downloaded from)"
    r"|arxiv:|\bissn\b|^page \d|\bvol(?:ume|\.)?\s*\d+\b.*\b(19|20)\d\d\b|\b(19|20)\d\d\b.*\bvol(?:ume|\.)?\s*\d+"
    r"|\bpp\.\s*\d|sciencemag|nature\.com|\bdoi:|\bdoi\.org",
    re.I)
_KIND = re.compile(r"(letters?|articles?|reviews?|reports?|research articles?|research contributions?|"
                   r"brief communications?|perspectives?|editorial|research|news|essay|original article|"
                   r"short communication|regular paper|full paper|correspondence)\W*\d*", re.I)
_NUMBERS = re.compile(r"[\d\s.\-–—,:;|/()\[\]]+")


def is_banner(text: str) -> bool:
    return bool(BANNER.search(text) or _KIND.fullmatch(text.strip()) or _NUMBERS.fullmatch(text))


@dataclass
class Block:
    lines: list[Line]
    first: int  # index of its first line
    last: int

    @property
    def size(self) -> float:
        return max(ln.size for ln in self.lines)

    @property
    def text(self) -> str:
        return clean(" ".join(ln.text for ln in self.lines))

    @property
    def core(self) -> str:
        return clean(" ".join(ln.core for ln in self.lines))

    @property
    def marked(self) -> str:
        return " ¦ ".join(ln.marked for ln in self.lines)

    @property
    def bottom(self) -> float:
        return max(ln.y1 for ln in self.lines)


def _blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    for i, ln in enumerate(lines):
        if blocks:
            b = blocks[-1]
            prev = b.lines[-1]
            tol = max(0.75, 0.12 * prev.size)
            gap = ln.y0 - prev.y1
            overlap = min(ln.x1, max(x.x1 for x in b.lines)) - max(ln.x0, min(x.x0 for x in b.lines))
            same_row = abs(ln.y0 - prev.y0) < prev.size * 0.5
            if abs(ln.size - prev.size) <= tol and (same_row or (-prev.size * 0.5 < gap < prev.size * 0.9
                                                                  and overlap > -prev.size)):
                b.lines.append(ln)
                b.last = i
                continue
        blocks.append(Block([ln], i, i))
    return blocks


def body_size(lines: list[Line]) -> float:
    weights: dict[float, int] = {}
    for ln in lines:
        key = round(ln.size)
        weights[key] = weights.get(key, 0) + len(ln.text)
    return max(weights.items(), key=lambda kv: kv[1])[0] if weights else 0.0


def title_block(lines: list[Line], height: float, headers: set[str]) -> tuple[Block | None, float]:
    """The title's block and its confidence (0..1)."""
    body = body_size(lines)
    candidates: list[Block] = []
    for b in _blocks(lines):
        text = b.text
        if b.lines[0].y0 > height * 0.6 or len(re.findall(r"[^\W\d_]", text)) < 2:
            continue
        if b.size < body + 0.9:
            continue  # no larger than the body text
        if all(ln.text in headers for ln in b.lines) and b.size < body * 1.25:
            continue  # a running header (a big title repeated as a small header stays a candidate)
        if any(is_banner(ln.text) for ln in b.lines) or len(text.split()) > 40:
            continue
        if re.fullmatch(r"(abstract|introduction|contents|keywords)\W*", text, re.I):
            continue
        if looks_like_authors(text, b.marked):
            continue
        if b.size < body * 1.3 and all(is_affiliation(ln.text) for ln in b.lines):
            continue
        candidates.append(b)
    if not candidates:
        return None, 0.0
    best = max(candidates, key=lambda b: (b.size, -b.lines[0].y0))
    others = sorted((b.size for b in candidates if b is not best), reverse=True)
    confidence = 1.0
    if others and others[0] >= best.size - 0.5:
        confidence -= 0.4  # another block as large: a close call
    if best.size < body * 1.2:
        confidence -= 0.3
    if len(best.text) < 4:
        confidence -= 0.3
    return best, max(0.0, confidence)


def title_text(block: Block) -> str:
    title = block.core or block.text
    title = re.sub(r"\s*[∗*†‡§¶]+\s*$", "", title).strip(" *∗†‡")
    return clean(title)


_STOP = re.compile(r"(abstract|introduction|1\.?\s+introduction|keywords|index terms|summary)\b", re.I)
_SENTENCE_WORDS = re.compile(r"\b(the|of|and|is|are|we|this|that|in|to|with|for|on|by)\b", re.I)


def authors_after(lines: list[Line], block: Block) -> list[str]:
    names: list[str] = []
    title_bottom = block.bottom
    for ln in lines[block.last + 1:]:
        if ln.y0 < title_bottom - 1:
            continue
        if _STOP.match(ln.text) or len(names) >= 40:
            break
        if ln.y0 > title_bottom + 320:
            break
        if ln.lead_mark or is_banner(ln.text):
            continue
        if len(ln.text.split()) >= 8 and len(_SENTENCE_WORDS.findall(ln.text)) >= 3:
            if names:
                break  # the body (or a standfirst) begins
            continue
        if is_affiliation(ln.marked):
            continue
        for name in names_in_line(ln.marked):
            if name not in names:
                names.append(name)
    return names
