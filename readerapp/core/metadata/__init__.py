"""Paper metadata from the PDF alone: title, authors, year, venue, arXiv id, DOI, code URL.

Document metadata is usually missing or wrong (only about a third of real
papers carry a usable title there), so the first page's layout decides: the
title is the largest block in the upper part of page one that is not a
journal banner, a page range, a running header or a list of people; authors
are the name-shaped pieces between the title and the abstract, with
affiliations, places and e-mails left out. The document's own title is used
when it agrees with the layout (its text layer may be damaged, as in
scanned-then-OCRed papers) or when the layout has nothing. The year comes
from the arXiv id, venue banners, copyright lines and journal dates, and only
as a last resort from the PDF's creation date (then marked for review).

Fields the rules are unsure of are listed in ``review`` ({field: reason}); the
library keeps them as the paper's review queue until the user sets the field.

Runs inside the import worker processes: it reads the layout of the first
page only and scans the already-extracted page text with regular
expressions; it never raises, and a page of megabytes of text is cut to a
bounded size first.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from readerapp.core.metadata import layout, patterns
from readerapp.core.metadata.names import AFFILIATION, as_name
from readerapp.core.metadata.text import clean, title_case, words

log = logging.getLogger(__name__)

HEAD_CHARS = 20_000  # characters of the first pages that the text rules look at
MAX_FIRST_PAGE_CHARS = 100_000  # a first page with more text than this is no paper's: no layout analysis
MAX_CONTENT_BYTES = 4_000_000  # nor one whose drawing instructions are this large


@dataclass
class ExtractedMetadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    code_url: str | None = None
    review: dict[str, str] = field(default_factory=dict)  # field -> why it may be wrong

    def as_dict(self) -> dict:
        return asdict(self)


_JUNK_DOC_TITLE = re.compile(r"^(microsoft word|untitled|document\d*|arxiv:|paper\b|slide|title\b)|"
                             r"\.(dvi|docx?|pdf|tex|ps|indd|rtf)\b|^[\w\-]+$|[0-9a-f]{16,}", re.I)


def extract_metadata(doc, page_texts: list[str] | None = None) -> ExtractedMetadata:
    meta = ExtractedMetadata()
    state = {"title_confidence": 0.0, "too_large": False}
    try:
        state["too_large"] = doc.page_count > 0 and _content_bytes(doc[0]) > MAX_CONTENT_BYTES
        if page_texts is None:
            page_texts = [] if state["too_large"] else \
                [doc[i].get_text() for i in range(min(doc.page_count, 3))]
        if page_texts and len(page_texts[0]) > MAX_FIRST_PAGE_CHARS:
            state["too_large"] = True
        page_texts = [t[:HEAD_CHARS] for t in page_texts[:3]] + [t[:HEAD_CHARS] for t in page_texts[-1:]]
        head = clean(" \n ".join(page_texts[:2]))[:2 * HEAD_CHARS]
    except Exception:
        return meta
    steps = (
        ("layout", lambda: None if state["too_large"] else _layout_fields(doc, meta, state)),
        ("arxiv", lambda: setattr(meta, "arxiv_id", patterns.arxiv_id(page_texts[:-1] or page_texts))),
        ("venue", lambda: _set_venue(meta, head)),
        ("doi", lambda: setattr(meta, "doi", patterns.doi(head))),
        ("code", lambda: setattr(meta, "code_url", patterns.code_url(page_texts[:-1] or page_texts))),
        ("docinfo", lambda: _doc_info(doc, meta, state)),
    )
    for name, step in steps:
        try:
            step()
        except Exception:  # one broken rule never loses the others
            log.debug("metadata step %s failed", name, exc_info=True)
    try:
        _year(doc, meta, head)
    except Exception:
        log.debug("metadata step year failed", exc_info=True)
    if meta.title:
        meta.title = title_case(meta.title)[:500]
        if state["title_confidence"] < 0.5 and "title" not in meta.review:
            meta.review["title"] = "the title could not be told apart from other large text"
    if not meta.authors and meta.title:
        meta.review.setdefault("authors", "no author names found under the title")
    if state["too_large"]:
        meta.review["title"] = "the first page holds too much text to find the title on it"
    return meta


def _content_bytes(page) -> int:
    """Size of the page's drawing instructions (decompressed), without laying it out."""
    doc = page.parent
    return sum(len(doc.xref_stream(x) or b"") for x in page.get_contents())


def _layout_fields(doc, meta: ExtractedMetadata, state: dict) -> None:
    if doc.page_count == 0:
        return
    lines, _width, height = layout.first_page_lines(doc)
    if not lines:
        return
    headers = layout.running_headers(doc, lines)
    block, confidence = layout.title_block(lines, height, headers)
    if block is None:
        return
    meta.title = layout.title_text(block) or None
    state["title_confidence"] = confidence
    meta.authors = layout.authors_after(lines, block)


def _set_venue(meta: ExtractedMetadata, head: str) -> None:
    venue, year = patterns.venue_year(head)
    meta.venue = venue
    if year:
        meta.year = year


def _year(doc, meta: ExtractedMetadata, head: str) -> None:
    if meta.year is None:
        meta.year = patterns.year_fallback(head, meta.arxiv_id)
    if meta.year is None:
        # The last resort, and only when the text mentions that year (a scan made
        # decades after the paper carries the scan's date): marked for review.
        created = patterns.creation_year(doc.metadata or {})
        if created is not None and re.search(rf"\b{created}\b", head):
            meta.year = created
            meta.review["year"] = "taken from the PDF's creation date"
        elif meta.title:
            meta.review["year"] = "no year printed on the first pages" + \
                (f" (the PDF was made in {created})" if created else "")


def _doc_info(doc, meta: ExtractedMetadata, state: dict) -> None:
    info = doc.metadata or {}
    doc_title = clean(info.get("title") or "")[:500]
    usable = len(doc_title) >= 6 and len(doc_title.split()) >= 2 and not _JUNK_DOC_TITLE.search(doc_title)
    if usable:
        if not meta.title:
            meta.title = doc_title
            state["title_confidence"] = 0.4  # nothing on the page confirms it
        else:
            layout_words, doc_words = set(words(meta.title)), set(words(doc_title))
            overlap = len(layout_words & doc_words) / max(1, len(layout_words | doc_words))
            # The same title: prefer the document's (its text layer may be damaged,
            # and it keeps the author's capitalisation).
            if overlap >= 0.6:
                meta.title = doc_title
                state["title_confidence"] = max(state["title_confidence"], 0.9)
    if not meta.authors:
        author = clean(info.get("author") or "")[:500]
        if author and not AFFILIATION.search(author):
            parts = author.split(";") if ";" in author else re.split(r",|\band\b", author)
            meta.authors = [n for n in (as_name(p) for p in parts) if n]


# ------------------------------------------------------------------ file names
_HASH_NAME = re.compile(r"[0-9a-f]{32,64}", re.I)


def fallback_title(path, first_page_text: str = "") -> tuple[str, str]:
    """The title when the PDF gave none: the file name cleaned, or, for a hash-like
    name (32-64 hex digits, as downloads are often called), "Untitled — " and the first
    words of page one. Returns (title, why it needs review)."""
    stem = Path(str(path)).stem
    cleaned = re.sub(r"[_\-.+]+", " ", stem)
    cleaned = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", cleaned)  # camelCase
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if re.fullmatch(r"(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})(v\d+)?", stem, re.I):
        return f"arXiv {stem}", "no title found; the file name is an arXiv id"
    if _HASH_NAME.search(stem) or not re.search(r"[^\W\d_]{3}", cleaned):
        found = re.findall(r"[^\W_][\w'’\-:]*", (first_page_text or "")[:4000])[:8]
        tail = " ".join(found)[:80]
        return ("Untitled — " + tail if tail else "Untitled"), "no title found, and the file name is not one"
    return cleaned[:200], "no title found on the first page; the file name was used"
