"""Start-up: `readerapp search` wall time (target < 0.5 s, no torch/Qt on that
path) and the GUI's time until the main window is shown and idle (target
< 1.5 s, torch and sentence-transformers not imported before it shows).

    .venv/bin/python tests/benchmarks/bench_startup.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, percentile, save  # noqa: E402

GUI_PROBE = r"""
import sys, time, json
t0 = time.perf_counter()
from readerapp import app
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
result = {}
def shown():
    result["shown_s"] = time.perf_counter() - t0
    result["heavy_before_show"] = sorted(m for m in ("torch", "sentence_transformers") if m in sys.modules)
    QApplication.instance().quit()
app.AFTER_SHOW_HOOK = lambda: QTimer.singleShot(0, shown)
app.main(["--library", sys.argv[1]])
print(json.dumps(result))
"""


def main() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    with tempfile.TemporaryDirectory() as tmp:
        lib = Path(tmp) / "lib"
        subprocess.run([sys.executable, "-m", "readerapp", "--library", str(lib), "import", str(CORPUS)],
                       check=False, capture_output=True, env=env)
        cli = []
        for _ in range(10):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "readerapp", "--library", str(lib), "search", "gradient descent"],
                           check=True, capture_output=True, env=env)
            cli.append(time.perf_counter() - t)
        data = {"cli_search_p50_s": round(percentile(cli, 50), 3), "cli_search_max_s": round(max(cli), 3),
                "cli_target_s": 0.5}
        gui = []
        for _ in range(5):
            r = subprocess.run([sys.executable, "-c", GUI_PROBE, str(lib)], capture_output=True, text=True, env=env)
            if r.returncode != 0 or not r.stdout.strip():
                data["gui_error"] = (r.stderr or r.stdout).strip().splitlines()[-1:]
                break
            gui.append(json.loads(r.stdout.strip().splitlines()[-1]))
        if gui:
            data.update({
                "gui_shown_p50_s": round(percentile([g["shown_s"] for g in gui], 50), 3),
                "gui_shown_max_s": round(max(g["shown_s"] for g in gui), 3),
                "gui_heavy_modules_before_show": sorted({m for g in gui for m in g["heavy_before_show"]}),
                "gui_target_s": 1.5,
            })
    save("startup", data)


if __name__ == "__main__":
    main()
