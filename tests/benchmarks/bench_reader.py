"""Reader tab: time from ReaderTab(...) to the first page drawn (target < 300 ms), against raw
PyMuPDF opening the file and rendering the same page at the same scale in the same run; and
the GUI-thread cost of the writes a user triggers (note autosave, a new highlight; target < 20 ms p95).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_reader.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, percentile, save  # noqa: E402


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pymupdf
    from PySide6.QtWidgets import QApplication

    from readerapp.core.importer import import_paths
    from readerapp.core.library import Library
    from readerapp.core.models import Highlight
    from readerapp.ui.reader_tab import ReaderTab

    app = QApplication.instance() or QApplication([])
    rows = []
    saves, adds = [], []
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "lib")
        import_paths(lib, [CORPUS])
        for row in lib.all_files():
            pid, path = row["paper_id"], row["path"]
            t0 = time.perf_counter()
            tab = ReaderTab(lib, pid)
            tab.resize(1300, 900)
            tab.show()
            while not tab.view.visible_tiles_ready():
                app.processEvents()
                time.sleep(0.001)
            tab_ms = (time.perf_counter() - t0) * 1000
            scale = tab.view.zoom() * 96 / 72 * tab.view.devicePixelRatioF()
            t0 = time.perf_counter()
            with pymupdf.open(path) as doc:
                doc[0].get_pixmap(matrix=pymupdf.Matrix(scale, scale))
            raw_ms = (time.perf_counter() - t0) * 1000
            for i in range(20):
                tab.note.edits["notes"].setPlainText(f"note text {i} " * 100)
                t0 = time.perf_counter()
                tab.note.flush()
                saves.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                tab._add(Highlight(None, pid, 0, [[72, 72 + i, 300, 72 + i, 72, 84 + i, 300, 84 + i]], f"quote {i}"),
                         "Highlight")
                adds.append((time.perf_counter() - t0) * 1000)
            tab.shutdown()
            tab.deleteLater()
            app.processEvents()
            rows.append({"file": Path(path).name, "pages": row["pages"], "tab_first_page_ms": round(tab_ms, 1),
                         "raw_pymupdf_render_ms": round(raw_ms, 1)})
        lib.close()
    tab_ms = [r["tab_first_page_ms"] for r in rows]
    save("reader", {
        "papers": rows,
        "tab_first_page_ms": {"p50": round(percentile(tab_ms, 50), 1), "max": round(max(tab_ms), 1)},
        "raw_render_ms_p50": round(percentile([r["raw_pymupdf_render_ms"] for r in rows], 50), 1),
        "note_save_ms": {"p50": round(percentile(saves, 50), 2), "p95": round(percentile(saves, 95), 2)},
        "highlight_add_ms": {"p50": round(percentile(adds, 50), 2), "p95": round(percentile(adds, 95), 2)},
        "targets": {"tab_first_page_ms_max": 300, "write_ms_p95": 20},
    })


if __name__ == "__main__":
    main()
