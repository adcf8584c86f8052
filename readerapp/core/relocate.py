"""Find papers whose PDF moved, and move highlights onto a replaced file.

`relocate(library, folder)` scans a folder for PDFs: a missing file found with
the same bytes (SHA-256) is re-linked. A missing paper for which the folder
holds *another copy* of the same paper (other bytes: a new arXiv version, a
publisher's copy — matched by arXiv id, DOI or normalized title) gets that file
instead, and its highlights are re-anchored by their quoted text. A highlight
whose text cannot be found is kept where it was and reported; none is deleted.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from readerapp.core import pdftext, textnorm
from readerapp.core.importer import DEFAULT_TIMEOUT, collect_pdfs, precheck
from readerapp.core.workerpool import GuardedPool

log = logging.getLogger(__name__)

SEARCH_CHARS = 120  # a quote longer than this is found by its beginning and end


@dataclass
class RelocateReport:
    relinked: list[tuple[int, str]] = field(default_factory=list)  # (paper_id, new path)
    replaced: list[tuple[int, str]] = field(default_factory=list)
    reanchored: int = 0
    unanchored: list[int] = field(default_factory=list)  # highlight ids kept at their old place
    still_missing: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"relinked": self.relinked, "replaced": self.replaced, "reanchored": self.reanchored,
                "unanchored": self.unanchored, "still_missing": self.still_missing}


def relocate(library, folder: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> RelocateReport:
    report = RelocateReport()
    missing = {row["sha256"]: row for row in library.missing_files()}
    if not missing:
        return report
    files, _ = collect_pdfs([folder])
    unmatched: list[tuple[Path, str]] = []
    for path in files:
        cand, _reason = precheck(path)
        if cand is None:
            continue
        row = missing.pop(cand.sha256, None)
        if row is not None:
            library.relink_file(row["id"], str(path))
            report.relinked.append((row["paper_id"], str(path)))
        elif library.file_by_sha(cand.sha256) is None:
            unmatched.append((path, cand.sha256))
    if missing and unmatched:
        # other copies of the same papers: identify them by their metadata
        wanted = {row["paper_id"]: row for row in missing.values()}
        with GuardedPool(pdftext.extract_file, workers=pdftext.default_workers(), timeout=timeout,
                         initializer=pdftext.warm_up) as pool:
            for (path, sha), data in pool.run(((p, s), str(p)) for p, s in unmatched):
                if "error" in data or not wanted:
                    continue
                pid = _same_paper(library, data.get("metadata") or {}, set(wanted))
                if pid is None:
                    continue
                row = wanted.pop(pid)
                missing.pop(row["sha256"], None)
                moved, lost = replace_file(library, pid, path, sha, data)
                report.replaced.append((pid, str(path)))
                report.reanchored += moved
                report.unanchored += lost
    report.still_missing = sorted(row["paper_id"] for row in missing.values())
    return report


def _same_paper(library, meta: dict, candidates: set[int]) -> int | None:
    for pid in candidates:
        p = library.get_paper(pid)
        if meta.get("arxiv_id") and meta.get("arxiv_id") == p.arxiv_id:
            return pid
        if meta.get("doi") and p.doi and meta["doi"].lower() == p.doi.lower():
            return pid
        key = textnorm.title_key(meta.get("title") or "")
        if len(key) >= 8 and key == textnorm.title_key(p.title):
            return pid
    return None


def replace_file(library, paper_id: int, path: Path, sha256: str, data: dict) -> tuple[int, list[int]]:
    """Attach another copy of a paper's PDF; re-anchor its highlights on it.

    Returns (number re-anchored, ids of highlights that could not be found)."""
    import pymupdf

    library.add_file(paper_id, sha256=sha256, path=str(path), size=path.stat().st_size,
                     pages=data["page_count"], text_status=data["text_status"])
    library.store_pages(paper_id, sha256, data["pages"], data["text_status"])
    moved, lost = 0, []
    with pymupdf.open(path) as doc:
        for h in library.highlights(paper_id):
            if h.kind == "area" or not h.text.strip():
                lost.append(h.id)  # an area has no text to find it by: keep it where it was
                continue
            found = find_quote(doc, h.text, h.page)
            if found is None:
                lost.append(h.id)
                continue
            page, quads = found
            library.move_highlight(h.id, page, quads)
            moved += 1
    return moved, lost


def find_quote(doc, text: str, near_page: int) -> tuple[int, list[list[float]]] | None:
    """(page, quads) of `text` in `doc`, searching the old page first, then outwards."""
    needle = re.sub(r"\s+", " ", text).strip()
    if not needle:
        return None
    order = sorted(range(doc.page_count), key=lambda i: (abs(i - near_page), i))
    for i in order:
        page = doc[i]
        quads = _search(page, needle)
        if quads:
            return i, quads
    return None


def _search(page, needle: str) -> list[list[float]] | None:
    hits = page.search_for(needle, quads=True)
    if not hits and len(needle) > SEARCH_CHARS:
        head = page.search_for(needle[:60], quads=True)
        tail = page.search_for(needle[-60:], quads=True)
        if head and tail and (head[0].rect.y0, head[0].rect.x0) <= (tail[-1].rect.y0, tail[-1].rect.x0):
            hits = [head[0], tail[-1]]
    if not hits:
        return None
    return [[q.ul.x, q.ul.y, q.ur.x, q.ur.y, q.ll.x, q.ll.y, q.lr.x, q.lr.y] for q in hits]


# ---------------------------------------------------------------- one paper, chosen file (GUI "Locate…")
@dataclass
class FileCheck:
    """What a file the user picked for a paper is, before anything is changed.

    kind: "same" (the bytes of the paper's recorded file: re-link it),
    "other-paper" (already the file of another paper), "different" (another
    file: it may be attached as the paper's new file), "bad" (not a readable PDF).
    """
    kind: str
    sha256: str = ""
    reason: str = ""
    file_id: int | None = None      # for "same": the files row to re-link
    other_paper: int | None = None  # for "other-paper"


def check_file_for_paper(library, paper_id: int, path: str | Path) -> FileCheck:
    """Classify `path` as a file for `paper_id` (hashes the file: run off the GUI thread)."""
    path = Path(path)
    library.get_paper(paper_id)  # raises NotFound
    cand, reason = precheck(path)
    if cand is None:
        return FileCheck("bad", reason=f"{path.name}: {reason}")
    for row in library.files_of(paper_id):
        if row["sha256"] == cand.sha256:
            return FileCheck("same", cand.sha256, file_id=row["id"])
    row = library.file_by_sha(cand.sha256)
    if row is not None:
        title = library.get_paper(row["paper_id"]).title or path.name
        return FileCheck("other-paper", cand.sha256, reason=f"{path.name} is already the file of “{title}”",
                         other_paper=row["paper_id"])
    return FileCheck("different", cand.sha256)


@dataclass
class AttachResult:
    status: str                       # relinked | attached
    path: str
    reanchored: int = 0
    unanchored: list[int] = field(default_factory=list)


def attach_file(library, paper_id: int, path: str | Path, *, timeout: float = DEFAULT_TIMEOUT,
                cancel=None) -> AttachResult:
    """Give paper `paper_id` the PDF at `path` (the GUI's "Locate…" / "Attach PDF…").

    The same bytes as one of the paper's files: that file is re-linked. Another
    file: it becomes the paper's current file; its text is extracted (in a
    guarded worker process), empty metadata fields are filled from it and the
    paper's highlights are re-anchored by their quoted text (those that cannot
    be found stay where they were). Raises InvalidValue with a one-line message
    for a file that is not a readable PDF or already belongs to another paper,
    and leaves the library unchanged then. Long: run it off the GUI thread."""
    from readerapp.core.errors import InvalidValue

    path = Path(path).absolute()
    check = check_file_for_paper(library, paper_id, path)
    if check.kind == "bad" or check.kind == "other-paper":
        raise InvalidValue(check.reason)
    if check.kind == "same":
        library.relink_file(check.file_id, str(path))
        return AttachResult("relinked", str(path))
    data = None
    with GuardedPool(pdftext.extract_file, workers=1, timeout=timeout, initializer=pdftext.warm_up) as pool:
        for _key, result in pool.run([(str(path), str(path))], cancel=cancel):
            data = result
    if data is None:
        raise InvalidValue(f"{path.name}: cancelled")
    if "error" in data:
        raise InvalidValue(f"{path.name}: {data['error']}")
    moved, lost = replace_file(library, paper_id, path, check.sha256, data)
    library.apply_extracted_metadata(paper_id, data.get("metadata") or {}, overwrite=False)
    return AttachResult("attached", str(path), moved, lost)
