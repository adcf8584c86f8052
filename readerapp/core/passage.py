"""Where a keyword hit is on its page: the box of its first marked words, so that the reader can
centre and flash it as it does a semantic passage (a keyword hit knows only its page).

Runs in the search worker, never on the GUI thread: each PDF is opened once per call."""

from __future__ import annotations

import html
import logging
from typing import Any
import re

log = logging.getLogger(__name__)

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
MAX_PAPERS = 25   # PDFs opened per call at most (the first hits matter; the rest open at the page)


def marked_terms(snippet: str) -> list[str]:
    """The marked words of a snippet, in order, without repeats."""
    out: list[str] = []
    for m in _MARK.findall(snippet or ""):
        term = " ".join(html.unescape(re.sub(r"<[^>]*>", "", m)).split())
        if len(term) >= 2 and term not in out:
            out.append(term)
    return out


def locate(library, hits) -> int:
    """Give page-level hits without a box the box of their first marked words found on the page.
    Returns how many hits got one. Files that cannot be opened are skipped silently."""
    need = [h for h in hits if h.bbox is None and h.page is not None and "<mark>" in (h.snippet or "")]
    if not need:
        return 0
    import pymupdf

    paths = {p.id: p.path for p in library.papers_by_ids({h.paper_id for h in need}) if p.path}
    docs: dict[str, Any] = {}  # path -> open document, or None where it cannot be opened
    found = 0
    try:
        for h in need:
            path = paths.get(h.paper_id)
            if not path:
                continue
            if path not in docs:
                if len(docs) >= MAX_PAPERS:
                    continue
                try:
                    doc = pymupdf.open(path)
                except Exception as exc:  # moved, damaged, encrypted: the hit opens at its page
                    log.debug("cannot open %s to place a hit: %s", path, exc)
                    doc = None
                docs[path] = doc
            doc = docs[path]
            if not doc or not 0 <= h.page < doc.page_count:  # SearchHit.page is 0-based
                continue
            page = doc[h.page]
            for term in marked_terms(h.snippet):
                try:
                    rects = page.search_for(term)
                except Exception:
                    rects = []
                if rects:
                    r = rects[0]
                    h.bbox = (float(r.x0), float(r.y0), float(r.x1), float(r.y1))
                    found += 1
                    break
    finally:
        for doc in docs.values():
            if doc:
                doc.close()
    return found
