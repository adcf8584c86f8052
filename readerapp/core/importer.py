"""Import PDFs into the library: files and folders, recursively.

Files are identified by the SHA-256 of their bytes: the same bytes already in
the library are a duplicate, or a re-link when the recorded path is gone.
Extraction runs in guarded worker processes (PyMuPDF holds the GIL; a hostile
file can only fail its own import). Each paper is written in short
transactions, so a GUI on the same library stays usable during a long import.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from readerapp.core import pdftext
from readerapp.core.metadata import fallback_title
from readerapp.core.models import ImportResult
from readerapp.core.workerpool import GuardedPool

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0  # seconds for one file's extraction
HASH_CHUNK = 1 << 20

ProgressCallback = Callable[[int, int, ImportResult], None]


@dataclass
class Candidate:
    path: Path
    size: int = 0
    sha256: str = ""


def collect_pdfs(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[ImportResult]]:
    """PDF files under the given paths (folders recursively), and failures for bad paths."""
    files: list[Path] = []
    failures: list[ImportResult] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            found: list[Path] = []
            for root, dirs, names in os.walk(p, onerror=lambda e: failures.append(
                    ImportResult(str(e.filename), "failed", reason=f"cannot read folder: {e.strerror}"))):
                dirs.sort()
                found.extend(Path(root) / n for n in sorted(names) if n.lower().endswith(".pdf"))
            candidates = found
        elif p.exists():
            candidates = [p]
        else:
            failures.append(ImportResult(str(p), "failed", reason="no such file or folder"))
            continue
        for f in candidates:
            key = f.absolute()
            if key not in seen:
                seen.add(key)
                files.append(key)
    return files, failures


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def precheck(path: Path) -> tuple[Candidate | None, str]:
    """Cheap checks before extraction; returns (candidate, '') or (None, reason)."""
    try:
        if not path.is_file():
            return None, "not a regular file"
        size = path.stat().st_size
        if size == 0:
            return None, "empty file (0 bytes)"
        with open(path, "rb") as fh:
            head = fh.read(1024)
        if b"%PDF-" not in head:
            return None, "not a PDF (no %PDF header)"
        return Candidate(path, size, sha256_file(path)), ""
    except PermissionError:
        return None, "no permission to read the file"
    except OSError as exc:
        return None, f"cannot read the file: {exc.strerror or exc}"


def ocr_options(ocr: bool | None = None, language: str | None = None) -> dict:
    """The OCR keyword arguments of pdftext.extract_file: OCR when Tesseract is
    installed (unless `ocr` says otherwise), in the `ocr_language` setting's
    language(s) unless `language` is given."""
    if language is None:
        from readerapp.core.settings import load_settings

        try:
            language = load_settings().ocr_language
        except Exception:  # an unreadable settings file never stops an import
            language = "eng"
    return {"ocr": pdftext.tesseract_available() if ocr is None else bool(ocr), "ocr_language": language}


class Importer:
    def __init__(self, library, *, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT,
                 ocr: bool | None = None, ocr_language: str | None = None):
        self.library = library
        self.workers = workers or pdftext.default_workers()
        self.timeout = timeout
        self.ocr_kwargs = ocr_options(ocr, ocr_language)
        self.ocr = self.ocr_kwargs["ocr"]

    def import_paths(self, paths: Iterable[str | os.PathLike], *, progress: ProgressCallback | None = None,
                     cancel: Callable[[], bool] | None = None) -> list[ImportResult]:
        files, results = collect_pdfs(paths)
        total = len(files) + len(results)
        done = 0

        def report(result: ImportResult) -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, total, result)

        for r in list(results):
            report(r)

        batch_hashes: dict[str, Path] = {}

        def tasks():
            # Pulled lazily by the pool: hashing and dedupe of the next files
            # overlap the extraction of earlier ones.
            for path in files:
                if cancel is not None and cancel():
                    return
                cand, reason = precheck(path)
                res = ImportResult(str(path), "failed", reason=reason) if cand is None \
                    else self._known_file(cand, batch_hashes)
                if res is not None:
                    results.append(res)
                    report(res)
                    continue
                batch_hashes[cand.sha256] = cand.path
                yield cand, str(cand.path)

        with GuardedPool(pdftext.extract_file, workers=min(self.workers, max(1, len(files))),
                         timeout=self.timeout, kwargs=self.ocr_kwargs, initializer=pdftext.warm_up) as pool:
            for cand, data in pool.run(tasks(), cancel=cancel):
                res = self._store(cand, data)
                results.append(res)
                report(res)
        return results

    def _known_file(self, cand: Candidate, batch_hashes: dict[str, Path]) -> ImportResult | None:
        if cand.sha256 in batch_hashes:
            return ImportResult(str(cand.path), "duplicate",
                                reason=f"same file as {batch_hashes[cand.sha256]} in this import")
        row = self.library.files.by_sha(cand.sha256)
        if row is None:
            return None
        old = Path(row["path"])
        if old == cand.path:
            return ImportResult(str(cand.path), "duplicate", row["paper_id"], "already in the library",
                                row["pages"])
        if old.is_file():
            return ImportResult(str(cand.path), "duplicate", row["paper_id"], f"same file as {old}", row["pages"])
        self.library.files.relink(row["id"], str(cand.path))
        return ImportResult(str(cand.path), "relinked", row["paper_id"], f"was at {old}", row["pages"])

    def _store(self, cand: Candidate, data: dict) -> ImportResult:
        if "error" in data:
            return ImportResult(str(cand.path), "failed", reason=data["error"])
        try:
            return self._store_extracted(cand, data)
        except Exception as exc:  # e.g. disk full: report it, keep importing the rest
            log.exception("storing %s failed", cand.path)
            return ImportResult(str(cand.path), "failed", reason=f"could not store it: {exc}")

    def _store_extracted(self, cand: Candidate, data: dict) -> ImportResult:
        lib = self.library
        meta = dict(data.get("metadata") or {})
        pages = data["pages"]
        if not (meta.get("title") or "").strip():
            meta["title"], reason = fallback_title(cand.path, pages[0] if pages else "")
            meta["review"] = {**(meta.get("review") or {}), "title": reason}
        text_status = data["text_status"]
        # One operation: another readerapp importing the same file at the same time
        # commits first or finds this one's file (then it is a duplicate, not a failure).
        with lib.op():
            row = lib.files.by_sha(cand.sha256)
            if row is not None:
                return ImportResult(str(cand.path), "duplicate", row["paper_id"],
                                    f"imported by another readerapp at the same time ({row['path']})", row["pages"])
            # A later import of a PDF fills the entry a paper list created (no file yet).
            match = lib.papers.find_for_entry(arxiv_id=meta.get("arxiv_id"), doi=meta.get("doi"),
                                              title=meta.get("title"), without_file=True)
            if match is not None:
                lib.files.add(match, sha256=cand.sha256, path=str(cand.path), size=cand.size,
                              pages=data["page_count"], text_status=text_status)
                lib.papers.apply_extracted_metadata(match, meta, overwrite=False)
                paper_id, note = match, "filled the existing entry"
            else:
                paper_id = lib.papers.create_with_file(meta, sha256=cand.sha256, path=str(cand.path),
                                                       size=cand.size, pages=data["page_count"],
                                                       text_status=text_status)
                note = ""
        lib.papers.store_pages(paper_id, cand.sha256, pages, text_status)  # the index, after the commit
        reasons = [note] if note else []
        if text_status == "no-text":
            reasons.append("no text layer (scanned?): imported without searchable text")
        elif text_status == "ocr":
            reasons.append("no text layer: text recognised by OCR")
        elif text_status == "garbled":
            reasons.append("garbled text layer (wrong glyphs): imported without usable text; OCR needs Tesseract")
        if data.get("page_errors"):
            reasons.append(f"{data['page_errors']} damaged page(s) skipped")
        return ImportResult(str(cand.path), "imported", paper_id, "; ".join(reasons), data["page_count"])


def import_paths(library, paths, **kwargs) -> list[ImportResult]:
    """Convenience wrapper: Importer(library).import_paths(paths)."""
    progress = kwargs.pop("progress", None)
    cancel = kwargs.pop("cancel", None)
    return Importer(library, **kwargs).import_paths(paths, progress=progress, cancel=cancel)


def reindex(library, paper_ids: Iterable[int] | None = None, *, metadata: bool = False,
            progress: ProgressCallback | None = None, workers: int | None = None,
            timeout: float = DEFAULT_TIMEOUT) -> list[ImportResult]:
    """Rebuild the derived index (page text, FTS) of papers from their PDFs.

    With metadata=True, extracted fields are refreshed too (never the ones the
    user corrected). Papers whose file is missing are reported as failed.
    """
    if paper_ids is None:
        # every paper's own row (title, notes, highlights), papers without a PDF included
        library.index.refresh_own_rows(None)
        ids = [r["paper_id"] for r in library.files.all()]
    else:
        ids = list(paper_ids)
    ids = list(dict.fromkeys(ids))
    results: list[ImportResult] = []
    tasks = []
    for pid in ids:
        files = library.files.of(pid)
        if not files:
            continue
        row = files[-1]
        path = Path(row["path"])
        if not path.is_file():
            results.append(ImportResult(str(path), "failed", pid, "file is missing (use `readerapp relocate`)"))
            continue
        tasks.append(((pid, row), str(path)))
    total = len(tasks) + len(results)
    for i, r in enumerate(results, 1):
        if progress:
            progress(i, total, r)
    with GuardedPool(pdftext.extract_file, workers=min(workers or pdftext.default_workers(), max(1, len(tasks))),
                     timeout=timeout, kwargs=ocr_options(), initializer=pdftext.warm_up) as pool:
        for (pid, row), data in pool.run(tasks):
            if "error" in data:
                res = ImportResult(row["path"], "failed", pid, data["error"])
            else:
                library.papers.store_pages(pid, row["sha256"], data["pages"], data["text_status"])
                if data["text_status"] != row["text_status"]:
                    library.files.set_text_status(pid, data["text_status"])
                if metadata:
                    meta = dict(data.get("metadata") or {})
                    if not (meta.get("title") or "").strip():  # the title stays; so does its review flag
                        reason = fallback_title(Path(row["path"]), data["pages"][0] if data["pages"] else "")[1]
                        meta["review"] = {**(meta.get("review") or {}), "title": reason}
                    library.papers.apply_extracted_metadata(pid, meta, overwrite=True)
                res = ImportResult(row["path"], "updated", pid, "", data["page_count"])
            results.append(res)
            if progress:
                progress(len(results), total, res)
    return results
