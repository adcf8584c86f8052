"""readerapp.ui.workers: background jobs, results on the GUI thread, cancel, quit within 1 s."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
import time

import pytest
from PySide6.QtCore import QObject

from readerapp.core.errors import InvalidValue
from readerapp.ui import workers
from readerapp.ui.workers import gui_relay, run_in_background, shutdown_all, wait_all

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks")]


def _wait(qtbot, jobs, timeout_ms=30_000):
    qtbot.waitUntil(lambda: not any(j.is_running() for j in jobs), timeout=timeout_ms)


def test_result_error_and_progress_arrive_on_the_gui_thread(qtbot):
    seen = []

    def on(kind):
        return lambda *a: seen.append((kind, threading.current_thread() is threading.main_thread(), a))

    def ok(token):
        token.progress(1, 2)
        token.progress(2, 2)
        return threading.current_thread().name

    ok_job = run_in_background(ok, name="ok", on_done=on("done"), on_progress=on("progress"),
                               on_finished=on("finished"))
    bad = run_in_background(lambda t: (_ for _ in ()).throw(InvalidValue("year must be a number")), name="bad",
                            on_error=on("error"))
    crash = run_in_background(lambda t: 1 / 0, name="crash", on_error=on("crash"))
    _wait(qtbot, [ok_job, bad, crash])
    qtbot.waitUntil(lambda: any(k == "finished" for k, _m, _a in seen), timeout=5000)
    assert all(main for _k, main, _a in seen), seen  # every callback ran on the GUI thread
    assert [a for k, _m, a in seen if k == "progress"] == [(1, 2), (2, 2)]
    assert [a for k, _m, a in seen if k == "done"] == [("readerapp-ok",)]  # fn ran in its own thread
    assert [a for k, _m, a in seen if k == "error"] == [("year must be a number",)]
    (crash_msg,), = [a for k, _m, a in seen if k == "crash"]
    assert crash_msg.startswith("crash failed: ") and "division" in crash_msg and "\n" not in crash_msg
    order = [k for k, _m, _a in seen if k in ("done", "finished", "progress")]
    assert order == ["progress", "progress", "done", "finished"]


def test_20000_events_from_8_threads_arrive_complete_and_in_order(qtbot):
    """The stress that aborts the interpreter when worker threads emit Qt signals on PySide6 6.12.0
    (render.py): 8 jobs x 2,500 progress events plus 8 x 500 calls posted to the GUI thread. Here
    no worker thread calls Qt; every event arrives, in order per job, on the GUI thread."""
    got: dict[int, list[int]] = {i: [] for i in range(8)}
    posted: list[int] = []
    off_thread = []

    class Owner(QObject):
        pass

    owner = Owner()
    relay = gui_relay(owner, lambda n: posted.append(n))

    def make(i):
        def work(token):
            for n in range(2500):
                token.progress(i, n)
                if n % 5 == 0:
                    relay(n)
            return i
        return work

    def on_progress(i, n):
        if threading.current_thread() is not threading.main_thread():
            off_thread.append(i)
        got[i].append(n)

    jobs = [run_in_background(make(i), name=f"stress{i}", on_progress=on_progress) for i in range(8)]
    _wait(qtbot, jobs, 60_000)
    assert not off_thread
    for i in range(8):
        assert got[i] == list(range(2500)), i
    assert len(posted) == 8 * 500
    del owner


def test_cancel_token_stops_the_job_and_a_deleted_parent_gets_nothing(qtbot):
    started = threading.Event()

    def loop(token):
        started.set()
        while not token.cancelled():
            time.sleep(0.005)
        return "stopped"

    job = run_in_background(loop, name="loop")
    assert started.wait(5)
    assert job.is_running()
    job.cancel()
    _wait(qtbot, [job], 5000)
    assert job.result == "stopped"

    parent = QObject()
    delivered = []
    gate = threading.Event()
    seen_cancel = []

    def slow(token):
        gate.wait(5)
        seen_cancel.append(token.cancelled())
        return 1

    run_in_background(slow, name="orphan", parent=parent, on_done=delivered.append)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not workers.active_jobs() or
                    all(j.name != "orphan" for j in workers.active_jobs()), timeout=5000)
    gate.set()
    assert wait_all(5)
    qtbot.wait(50)
    assert delivered == []  # its parent is gone: the result is dropped, not delivered to a dead object
    assert seen_cancel == [True]  # ... and the job was told so through its token


def test_shutdown_all_cancels_and_returns_within_1_s_even_if_a_job_ignores_cancel(qtbot):
    stop = threading.Event()
    polite = run_in_background(lambda t: t.sleep(30), name="polite")
    stubborn = run_in_background(lambda t: stop.wait(10), name="stubborn")  # never looks at its token
    try:
        t0 = time.monotonic()
        left = shutdown_all()
        elapsed = time.monotonic() - t0
        assert elapsed <= 1.0, elapsed
        assert polite.cancelled() and stubborn.cancelled()
        assert left == ["stubborn"] and not polite.is_running()
    finally:
        stop.set()
        assert wait_all(5)


def test_no_thread_api_in_the_ui_outside_workers_and_the_render_pool():
    """Every background job of the UI goes through readerapp/ui/workers.py; only the render
    helper (ui/render*.py) keeps its own threads and processes."""
    import re
    from pathlib import Path

    import readerapp.ui

    ui = Path(readerapp.ui.__file__).parent
    pattern = re.compile(r"\b(QThread|QRunnable|QThreadPool|ThreadPoolExecutor|ProcessPoolExecutor|"
                         r"threading\.Thread|QtConcurrent)\b|^\s*import (threading|_thread)|from (threading|_thread) import",
                         re.M)
    offenders = []
    for path in sorted(ui.rglob("*.py")):
        if path.name == "workers.py" or path.name.startswith("render"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ui)}:{n}: {line.strip()}")
    assert not offenders, "thread API outside ui/workers.py:\n" + "\n".join(offenders)


def test_cancel_hooks_run_once_from_the_cancelling_thread_also_when_added_late():
    """token.on_cancel(hook): the hook runs when the job is cancelled (once, even if cancel() is
    called again), at once when the token is already cancelled; a failing hook is logged and
    does not stop the others."""
    from readerapp.ui.workers import CancelToken

    token = CancelToken()
    calls: list[str] = []

    def bad():
        raise RuntimeError("a hook that fails")

    token.on_cancel(lambda: calls.append("first"))
    token.on_cancel(bad)
    token.on_cancel(lambda: calls.append("second"))
    assert calls == []
    token.cancel()
    token.cancel()
    assert calls == ["first", "second"] and token.cancelled()
    token.on_cancel(lambda: calls.append("late"))
    assert calls == ["first", "second", "late"]
