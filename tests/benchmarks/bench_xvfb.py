"""Start-up and first page on a real X server (Xvfb, the xcb platform plugin), not offscreen.

Each run is a fresh process on a copy of a corpus library: launch -> window shown (app.AFTER_SHOW_HOOK)
-> first idle turn; then MainWindow.open_paper(dropout, 30 pages) -> its visible tiles rendered.
Targets (issue 14): window interactive <= 1.5 s, first page <= 300 ms. The same probe runs offscreen,
alternating with the xcb runs, as the baseline of the same moment (the machine may be shared).

    .venv/bin/python tests/benchmarks/bench_xvfb.py [--runs 5]     (needs Xvfb)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, percentile, save  # noqa: E402

PROBE = r"""
import sys, time, json
t0 = time.perf_counter()
from readerapp import app
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
res = {}
def after_show():
    res["shown_s"] = time.perf_counter() - t0
    def idle():
        res["interactive_s"] = time.perf_counter() - t0
        from readerapp.ui.main_window import MainWindow
        w = next(x for x in QApplication.topLevelWidgets() if isinstance(x, MainWindow))
        pid = next(r["paper_id"] for r in w.library.all_files() if r["path"].endswith("srivastava-dropout.pdf"))
        t1 = time.perf_counter()
        tab = w.open_paper(pid)
        def poll():
            if tab.view is not None and tab.view.visible_tiles_ready():
                res["first_page_ms"] = (time.perf_counter() - t1) * 1000
                print(json.dumps(res), flush=True)
                w.close()
            else:
                QTimer.singleShot(2, poll)
        poll()
    QTimer.singleShot(0, idle)
app.AFTER_SHOW_HOOK = after_show
sys.exit(app.main(["--library", sys.argv[1]]))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="readerapp-xvfb-"))
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    display = ":" + os.fdopen(read).readline().strip()
    try:
        from readerapp.core.importer import import_paths
        from readerapp.core.library import Library

        template = work / "template"
        with Library(template) as lib:
            import_paths(lib, [CORPUS])
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        env.update(DISPLAY=display, HOME=str(work), XDG_CONFIG_HOME=str(work / "cfg"), XDG_DATA_HOME=str(work / "d"),
                   PYTHONPATH=str(Path(__file__).resolve().parents[2]))
        runs: dict[str, list] = {"xcb": [], "offscreen": []}
        for i in range(args.runs):
            for platform in ("xcb", "offscreen"):
                lib = work / f"lib{i}-{platform}"
                shutil.copytree(template, lib)
                r = subprocess.run([sys.executable, "-c", PROBE, str(lib)], capture_output=True, text=True,
                                   env=dict(env, QT_QPA_PLATFORM=platform), timeout=120)
                line = next((ln for ln in r.stdout.splitlines() if ln.startswith("{")), None)
                if r.returncode != 0 or line is None:
                    raise SystemExit(f"run {i} ({platform}) failed ({r.returncode}): {r.stderr[-2000:]}")
                runs[platform].append(json.loads(line))
    finally:
        xvfb.terminate()
        shutil.rmtree(work, ignore_errors=True)
    out: dict = {"load_average_at_end": os.getloadavg()[0]}
    for platform, rs in runs.items():
        out[platform] = {key: {"p50": round(percentile([r[key] for r in rs], 50), 3),
                               "max": round(max(r[key] for r in rs), 3)}
                         for key in ("shown_s", "interactive_s", "first_page_ms")}
    save("bench_xvfb", out)


if __name__ == "__main__":
    main()
