"""Find papers whose PDF moved, and move highlights onto a replaced file.

`relocate(library, folder)` scans a folder for PDFs: a missing file found with
the same bytes (SHA-256) is re-linked. A missing paper for which the folder
holds *another copy* of the same document (other bytes: a publisher's copy, a
copy with a cover page) gets that file instead, and its highlights are
re-anchored by their quoted text. "The same document" is decided by the text
of the pages, across the whole document (word 4-gram overlap both ways, at
least SIMILARITY_MIN), never by the title: a file that only shares a title,
DOI or arXiv id is refused with the reason. A highlight whose text cannot be
found is kept where it was and reported; none is deleted.

Every replacement keeps the highlights' original anchors (page, quads, text)
in the library, so `undo()` (`readerapp relocate --undo`) puts them back and
removes the added file.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from readerapp.core import pdftext, textnorm
from readerapp.core.importer import DEFAULT_TIMEOUT, collect_pdfs, ocr_options, precheck
from readerapp.core.workerpool import GuardedPool

log = logging.getLogger(__name__)

SEARCH_CHARS = 120  # a quote longer than this is found by its beginning and end
SIMILARITY_MIN = 0.5  # share of word 4-grams found in the other document, both ways
SHINGLE = 4
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|[^\W_]+")


def fingerprint(pages: Iterable[str]) -> set[int]:
    """Word 4-grams of a document's text (CJK characters count as words)."""
    tokens = _TOKEN.findall(" ".join(pages).lower())
    return {hash(tuple(tokens[i:i + SHINGLE])) for i in range(max(0, len(tokens) - SHINGLE + 1))}


def similarity(a: set[int], b: set[int]) -> float:
    """How much of each document is in the other (the smaller of the two shares), 0..1."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return min(common / len(a), common / len(b))


@dataclass
class RelocateReport:
    relinked: list[tuple[int, str]] = field(default_factory=list)  # (paper_id, new path)
    replaced: list[tuple[int, str]] = field(default_factory=list)
    reanchored: int = 0
    unanchored: list[int] = field(default_factory=list)  # highlight ids kept at their old place
    still_missing: list[int] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (paper_id, path, reason)

    def to_json(self) -> dict:
        return {"relinked": self.relinked, "replaced": self.replaced, "reanchored": self.reanchored,
                "unanchored": self.unanchored, "still_missing": self.still_missing, "refused": self.refused}


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
        # other copies of the same documents: identified by their text, never by the title alone
        wanted = {row["paper_id"]: row for row in missing.values()}
        prints = {pid: fingerprint(text for _page, text in library.pages_text(pid)) for pid in wanted}
        batch = _now()
        with GuardedPool(pdftext.extract_file, workers=pdftext.default_workers(), timeout=timeout,
                         initializer=pdftext.warm_up) as pool:
            for (path, sha), data in pool.run(((p, s), str(p)) for p, s in unmatched):
                if "error" in data or not wanted:
                    continue
                found = fingerprint(data.get("pages") or [])
                scores = {pid: similarity(prints[pid], found) for pid in wanted}
                best = max(scores, key=lambda pid: scores[pid]) if scores else None
                if best is None or scores[best] < SIMILARITY_MIN:
                    look_alike = _same_paper(library, data.get("metadata") or {}, set(wanted))
                    if look_alike is not None:  # what a title match would have taken: say why not
                        report.refused.append((look_alike, str(path), _refusal(path, look_alike,
                                                                               scores[look_alike],
                                                                               bool(prints[look_alike]))))
                    continue
                row = wanted.pop(best)
                missing.pop(row["sha256"], None)
                moved, lost = replace_file(library, best, path, sha, data, batch=batch)
                report.replaced.append((best, str(path)))
                report.reanchored += moved
                report.unanchored += lost
    report.still_missing = sorted(row["paper_id"] for row in missing.values())
    return report


def _refusal(path: Path, paper_id: int, score: float, has_text: bool) -> str:
    if not has_text:
        return (f"{path.name} was not taken for paper {paper_id}: the paper's text is not in the index to compare "
                "with (only a file with the same bytes can be re-linked)")
    return (f"{path.name} was not taken for paper {paper_id}: only {score:.0%} of the text matches "
            f"(at least {SIMILARITY_MIN:.0%} is needed; a shared title is not enough)")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


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


def replace_file(library, paper_id: int, path: Path, sha256: str, data: dict, *,
                 batch: str | None = None) -> tuple[int, list[int]]:
    """Attach another copy of a paper's PDF; re-anchor its highlights on it.

    The highlights' anchors before the move are kept (see undo). Returns
    (number re-anchored, ids of highlights that could not be found)."""
    import pymupdf

    file_id = library.add_file(paper_id, sha256=sha256, path=str(path), size=path.stat().st_size,
                               pages=data["page_count"], text_status=data["text_status"])
    highlights = library.highlights(paper_id)
    with library.transaction() as conn:
        rid = conn.execute("INSERT INTO relocations (batch, paper_id, file_id, path, created) VALUES (?, ?, ?, ?, ?)",
                           (batch or _now(), paper_id, file_id, str(path), _now())).lastrowid
        conn.executemany("INSERT INTO relocation_anchors (relocation_id, highlight_id, page, quads, text)"
                         " VALUES (?, ?, ?, ?, ?)",
                         [(rid, h.id, h.page, json.dumps(h.quads), h.text) for h in highlights])
    library.store_pages(paper_id, sha256, data["pages"], data["text_status"])
    moved, lost = 0, []
    with pymupdf.open(path) as doc:
        for h in highlights:
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


@dataclass
class UndoReport:
    papers: list[int] = field(default_factory=list)
    restored: int = 0           # highlights put back on their original anchors
    removed_files: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"papers": self.papers, "restored": self.restored, "removed_files": self.removed_files}


def undo(library, paper_id: int | None = None) -> UndoReport:
    """Undo the newest re-link by another file: of `paper_id`, or every one of the newest
    relocate run. Highlights go back to their original page and quads; the added file
    row is removed (the PDF itself is not touched) and the paper's index text with it."""
    from readerapp.core.errors import NotFound

    report = UndoReport()
    with library.op() as op:  # read together, as one unit of work
        if paper_id is not None:
            rows = op.execute(
                "SELECT * FROM relocations WHERE paper_id = ? AND undone IS NULL ORDER BY id DESC LIMIT 1",
                (paper_id,)).fetchall()
        else:
            last = op.execute(
                "SELECT batch FROM relocations WHERE undone IS NULL ORDER BY id DESC LIMIT 1").fetchone()
            rows = op.execute("SELECT * FROM relocations WHERE batch = ? AND undone IS NULL",
                              (last[0],)).fetchall() if last else []
    if not rows:
        raise NotFound("nothing to undo: no paper was re-linked to another file"
                       + (f" (paper {paper_id})" if paper_id is not None else ""))
    from readerapp.core.storage.changes import ChangeKind

    for r in rows:
        with library.op() as op:
            conn = op.conn
            anchors = conn.execute("SELECT highlight_id, page, quads FROM relocation_anchors WHERE relocation_id = ?",
                                   (r["id"],)).fetchall()
            for a in anchors:
                conn.execute("UPDATE highlights SET page = ?, quads = ? WHERE id = ?",
                             (a["page"], a["quads"], a["highlight_id"]))
            if r["file_id"] is not None and conn.execute("DELETE FROM files WHERE id = ?", (r["file_id"],)).rowcount:
                report.removed_files.append(r["path"])
            conn.execute("UPDATE relocations SET undone = ? WHERE id = ?", (_now(), r["id"]))
            op.touch(ChangeKind.HIGHLIGHT, r["paper_id"])  # listeners and the paper's own index row, after commit
        library.drop_index(r["paper_id"])  # the pages of the wrong file
        library.refresh_paper_index(r["paper_id"])
        report.papers.append(r["paper_id"])
        report.restored += len(anchors)
    return report


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
    with GuardedPool(pdftext.extract_file, workers=1, timeout=timeout, kwargs=ocr_options(),
                     initializer=pdftext.warm_up) as pool:
        for _key, result in pool.run([(str(path), str(path))], cancel=cancel):
            data = result
    if data is None:
        raise InvalidValue(f"{path.name}: cancelled")
    if "error" in data:
        raise InvalidValue(f"{path.name}: {data['error']}")
    moved, lost = replace_file(library, paper_id, path, check.sha256, data)
    library.apply_extracted_metadata(paper_id, data.get("metadata") or {}, overwrite=False)
    return AttachResult("attached", str(path), moved, lost)
