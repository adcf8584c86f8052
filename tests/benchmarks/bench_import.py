"""Import throughput: our import (extraction in worker processes, metadata,
FTS indexing, commits) against plain single-process PyMuPDF `page.get_text()`
over the same files, in the same run.

    .venv/bin/python tests/benchmarks/bench_import.py [--copies 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, distinct_copies, save  # noqa: E402


def plain_get_text(files: list[Path]) -> tuple[int, float]:
    import pymupdf

    t = time.perf_counter()
    pages = 0
    for f in files:
        with pymupdf.open(f) as doc:
            for page in doc:
                page.get_text()
                pages += 1
    return pages, time.perf_counter() - t


def our_import(files: list[Path], folder: Path) -> tuple[int, float, int]:
    from readerapp.core.importer import Importer
    from readerapp.core.library import Library

    t = time.perf_counter()
    with Library(folder) as lib:
        results = Importer(lib, ocr=False).import_paths(files)
    elapsed = time.perf_counter() - t
    failed = sum(r.status == "failed" for r in results)
    return sum(r.pages for r in results), elapsed, failed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=10, help="distinct copies of each corpus PDF")
    args = ap.parse_args()
    sources = sorted(p for p in CORPUS.glob("*.pdf") if "scanned" not in p.name)
    with tempfile.TemporaryDirectory() as tmp:
        files = distinct_copies(sources, Path(tmp) / "pdfs", args.copies)
        plain_get_text(files[:3])  # warm the page cache and the import of PyMuPDF
        base_pages, base_s = plain_get_text(files)
        pages, ours_s, failed = our_import(files, Path(tmp) / "lib")
        base_pages2, base_s2 = plain_get_text(files)  # again, to bracket machine noise
    baseline = min(base_s, base_s2)
    save("import", {
        "files": len(files),
        "pages": pages,
        "failed": failed,
        "plain_get_text_pages_per_s": round(base_pages / baseline, 1),
        "readerapp_import_pages_per_s": round(pages / ours_s, 1),
        "ratio": round((pages / ours_s) / (base_pages / baseline), 2),
        "target_ratio": 1.0,
    })


if __name__ == "__main__":
    main()
