"""readerapp.app.main: the real start (subprocess), opening papers from the
command line, light imports, a library that cannot be opened."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from readerapp import app as gui_app

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks"),
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

REPO = Path(__file__).resolve().parents[2]


def _env(**extra) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), **extra)
    env[gui_app.EXIT_AFTER_SHOW_ENV] = extra.get(gui_app.EXIT_AFTER_SHOW_ENV, "300")
    return env


def test_the_app_starts_and_exits_cleanly_as_a_subprocess(tmp_path):
    lib = tmp_path / "lib"
    r = subprocess.run([sys.executable, "-m", "readerapp", "--library", str(lib)], capture_output=True, text=True,
                       env=_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert (lib / "library.sqlite3").exists()


def test_readerapp_open_opens_the_paper_in_the_window(corpus_library, tmp_path):
    pid = next(r["paper_id"] for r in corpus_library.all_files() if Path(r["path"]).name == "lampson-hints.pdf")
    folder = corpus_library.folder
    corpus_library.close()  # the subprocess opens the library itself
    r = subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), "open", str(pid)],
                       capture_output=True, text=True, env=_env(**{gui_app.EXIT_AFTER_SHOW_ENV: "1500"}),
                       timeout=120)
    assert r.returncode == 0, r.stderr
    from readerapp.core.library import Library

    with Library(folder) as lib:  # the window saved its session on quit: the paper was open in a tab
        assert lib.get_setting("ui:session") == {"tabs": [pid], "current": pid}
        assert lib.get_setting(f"view:{pid}")["page"] == 0


def test_main_in_process_shows_the_window_without_heavy_imports_and_opens_a_pdf(qtbot, library, corpus_dir,
                                                                               monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from readerapp.ui.main_window import MainWindow

    folder = library.folder
    library.close()
    seen = {}

    def check():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["windows"] = len(windows)
        if windows and not windows[0].import_running() and windows[0].current_reader() is not None:
            seen["paper"] = windows[0].current_reader().title()
            windows[0].close()
        elif seen.setdefault("tries", 0) < 200:
            seen["tries"] += 1
            QTimer.singleShot(100, check)
        else:
            windows[0].close() if windows else QApplication.instance().quit()

    def after_show():
        seen["heavy"] = sorted(m for m in ("torch", "sentence_transformers") if m in sys.modules)
        QTimer.singleShot(0, check)

    if "torch" in sys.modules or "sentence_transformers" in sys.modules:
        pytest.skip("an earlier test in this process imported torch")
    monkeypatch.setattr(gui_app, "AFTER_SHOW_HOOK", after_show)
    monkeypatch.delenv(gui_app.EXIT_AFTER_SHOW_ENV, raising=False)
    code = gui_app.main(["--library", str(folder), str(corpus_dir / "wang-shazam.pdf")])
    assert code == 0
    assert seen["heavy"] == [] and seen["windows"] == 1
    assert "Audio Search" in seen.get("paper", "")


def test_a_library_from_a_newer_readerapp_shows_one_message_and_exits(qtbot, tmp_path, monkeypatch):
    from readerapp.core import db
    from readerapp.core.library import Library

    folder = tmp_path / "lib"
    with Library(folder) as lib:
        lib.add_paper(title="Kept")
    conn = sqlite3.connect(folder / db.LIBRARY_FILE)
    conn.execute(f"PRAGMA user_version = {db.latest_version('library') + 1}")
    conn.close()
    shown = []
    monkeypatch.setattr(gui_app, "_show_error", lambda title, msg: shown.append((title, msg)))
    assert gui_app.main(["--library", str(folder)]) == 1
    assert len(shown) == 1
    title, msg = shown[0]
    assert "cannot open the library" in title
    assert "newer readerapp" in msg and "\n" not in msg
    conn = sqlite3.connect(folder / db.LIBRARY_FILE)  # untouched
    assert conn.execute("SELECT title FROM papers").fetchone()[0] == "Kept"
    conn.close()


def test_a_library_in_a_file_path_shows_a_message(qtbot, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    shown = []
    monkeypatch.setattr(gui_app, "_show_error", lambda title, msg: shown.append(msg))
    assert gui_app.main(["--library", str(blocker / "lib")]) == 1
    assert len(shown) == 1 and str(blocker) in shown[0]


@pytest.mark.semantic  # the real background embedding (ONNX) runs in the subprocess
def test_sigterm_while_the_embedding_runs_quits_within_1_s_and_exits_cleanly(corpus_library):
    """SIGTERM (a logout, `kill`) closes the window like Ctrl+Q. Sent while the background
    embedding encodes the corpus (569 passages, well over 10 s on two cores): the process exits
    with 0 within 1 s, without ONNX Runtime's "terminate called" abort (exit 134) that a daemon
    thread still inside an inference caused at interpreter exit, and the run was really cut
    short (fewer vectors than passages)."""
    import signal
    import time

    folder = corpus_library.folder
    corpus_library.close()
    env = _env(**{gui_app.EXIT_AFTER_SHOW_ENV: "120000"})
    proc = subprocess.Popen([sys.executable, "-m", "readerapp", "--library", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def counts() -> tuple[int, int]:
        try:
            with sqlite3.connect(f"file:{folder / 'index.sqlite3'}?mode=ro", uri=True, timeout=1) as db:
                return (db.execute("SELECT count(*) FROM chunks").fetchone()[0],
                        db.execute("SELECT count(*) FROM vectors").fetchone()[0])
        except sqlite3.Error:
            return (0, 0)

    try:
        end = time.monotonic() + 120
        while counts()[0] == 0 and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.2)  # the passages are cut, the encoding starts
        assert counts()[0] > 0, "the embedding never started"
        time.sleep(1.5)  # inside an inference
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        elapsed = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0 and "terminate called" not in err, (proc.returncode, err[-2000:])
    chunks, vectors = counts()
    assert vectors < chunks, (vectors, chunks)
    assert elapsed <= 1.0, f"quitting took {elapsed:.2f} s"


def test_a_job_that_cannot_be_interrupted_at_quit_ends_the_process_without_finalizing(corpus_library):
    """The window closes while a background job cannot be interrupted (here the embedding's model
    load, made to block; in real use ONNX Runtime building its session): the process exits with
    0 right after the bounded wait, through os._exit once the output is flushed, so no C++
    destructor runs under that thread (ONNX Runtime's "terminate called", exit 134, seen in 1 of
    10 quick start-and-quit runs of bench_xvfb.py). An atexit handler registered before the app
    never runs: finalization was skipped; what was printed before is there."""
    folder = corpus_library.folder
    corpus_library.close()
    probe = (
        "import atexit, sys, time\n"
        "atexit.register(lambda: print('FINALIZED', flush=True))\n"
        "import readerapp.core.semantic.model as model\n"
        "def blocked(*a, **k):\n"
        "    time.sleep(60)\n"
        "model.load_model = blocked\n"
        "from readerapp import app\n"
        "code = app.main(['--library', sys.argv[1]])\n"
        "print('main returned', code)\n"
        "sys.exit(code)\n")
    import time

    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-c", probe, str(folder)], capture_output=True, text=True,
                       env=_env(**{gui_app.EXIT_AFTER_SHOW_ENV: "1500"}), timeout=120)
    elapsed = time.monotonic() - t0
    assert r.returncode == 0, r.stderr[-2000:]
    assert "main returned 0" in r.stdout and "FINALIZED" not in r.stdout, r.stdout
    assert elapsed < 30  # not the 60 s of the blocked load
