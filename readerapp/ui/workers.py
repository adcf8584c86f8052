"""One way to run work off the GUI thread: background jobs and GUI-thread calls.

Every background job of the UI (import, embedding, search, export, attach,
start-up maintenance) goes through :func:`run_in_background`, in the spirit of
Anki's ``QueryOp``/``CollectionOp`` and napari's ``create_worker``::

    job = run_in_background(fn, parent=self, name="export",
                            on_done=self._shown, on_error=self._failed, on_progress=self._step)

``fn(token)`` runs in a plain Python thread. ``token.cancelled()`` (also
``token()``, so it can be passed as a ``cancel=`` callable) says whether the
job was cancelled; ``token.progress(*values)`` reports progress. Its return
value goes to ``on_done`` / ``Job.done``, an exception to ``on_error`` /
``Job.failed`` as one line (a ReaderError's own message; anything else is
logged with its traceback and shown as "NAME failed: ..."). ``Job.finished``
comes last, always, unless the job's parent was deleted meanwhile (then
nothing is delivered and the job is cancelled).

How results cross threads. With PySide6 6.12.0 on Python 3.11, any Qt call
made from a non-GUI thread, signal emission included, corrupts the reference
counts of None/False and aborts the interpreter after a few thousand calls
(see ``readerapp/ui/render.py``). So worker threads here never call Qt at all:
they put events on a thread-safe queue and write one byte to a socket pair
(the self-pipe trick asyncio uses for ``call_soon_threadsafe``). A
QSocketNotifier on the GUI thread wakes up on that byte, drains the socket,
then the queue, and emits the jobs' signals from QObjects that live on the
GUI thread. No polling timer runs while nothing happens.

:func:`post_to_gui` uses the same channel for callbacks that fire in any
thread (the Library's change listeners): the call runs later on the GUI
thread, and is dropped if its owner QObject has been deleted by then.

:func:`shutdown_all` cancels every job and waits for them together at most a
given time (QUIT_WAIT_S when the window quits, so that quitting takes at most 1 s); a job still running after that is a
daemon thread and ends with the process.
"""

from __future__ import annotations

import itertools
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QThread, Signal

log = logging.getLogger(__name__)

# Quitting waits this long at most for all jobs together; with the rest of the window's
# shutdown (notes flushed, render threads stopped) quitting stays within 1 s.
QUIT_WAIT_S = 0.8


class CancelToken:
    """Handed to a job's callable: cancelled() / token() and progress(*values)."""

    def __init__(self, job_id: int = 0):
        self._event = threading.Event()
        self._job_id = job_id
        self._hooks: list[Callable[[], None]] = []
        self._hooks_lock = threading.Lock()

    def cancel(self) -> None:
        self._event.set()
        with self._hooks_lock:
            hooks, self._hooks = self._hooks, []
        for hook in hooks:
            try:
                hook()
            except Exception:
                log.exception("a cancel hook failed")

    def on_cancel(self, hook: Callable[[], None]) -> None:
        """Call hook() when the job is cancelled (at once if it already is), from the thread
        that cancels: for work a flag cannot stop, e.g. a running ONNX inference (its abort())."""
        with self._hooks_lock:
            if not self._event.is_set():
                self._hooks.append(hook)
                return
        hook()

    def cancelled(self) -> bool:
        return self._event.is_set()

    __call__ = cancelled

    def sleep(self, seconds: float) -> bool:
        """Wait up to `seconds`; True if cancelled meanwhile."""
        return self._event.wait(seconds)

    def progress(self, *values) -> None:
        """Report progress; delivered on the GUI thread as Job.progress(tuple)."""
        if self._job_id and not self._event.is_set():
            _dispatcher_send((self._job_id, "progress", values))


class Job(QObject):
    """A background job seen from the GUI thread (create it with run_in_background)."""

    progress = Signal(object)   # the tuple given to token.progress(*values)
    done = Signal(object)       # the callable's return value
    failed = Signal(str)        # one line for the user
    finished = Signal()         # last, after done or failed

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.id = next(_ids)
        self.token = CancelToken(self.id)
        self.result: Any = None
        self.error: BaseException | None = None
        self.error_message = ""
        self._thread: threading.Thread | None = None
        self._finished = False
        self.started_at = time.monotonic()

    # ------------------------------------------------------------ GUI-thread API
    def cancel(self) -> None:
        self.token.cancel()

    def cancelled(self) -> bool:
        return self.token.cancelled()

    def is_running(self) -> bool:
        """True until its result (`done` or `failed`) is delivered."""
        return not self._finished

    def thread_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the thread has ended and its events were delivered. True if it ended."""
        t = self._thread
        if t is not None:
            t.join(timeout)
            if t.is_alive():
                return False
        _dispatcher().drain()
        return True


_ids = itertools.count(1)


class _Dispatcher(QObject):
    """Lives on the GUI thread; turns queued events into signals there."""

    def __init__(self):
        super().__init__(None)
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.jobs: dict[int, Job] = {}
        self._rsock, self._wsock = socket.socketpair()
        self._rsock.setblocking(False)
        self._wsock.setblocking(False)
        self._notifier = QSocketNotifier(self._rsock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._wake)
        self.delivered = 0

    def send(self, event: tuple) -> None:
        """Any thread; no Qt call: queue the event, then wake the GUI thread."""
        self.events.put(event)
        try:
            self._wsock.send(b"\0")
        except (BlockingIOError, InterruptedError):
            pass  # the socket buffer is full: a wake-up is pending anyway
        except OSError:
            pass  # closed at exit

    def _wake(self, *_args) -> None:
        try:
            while self._rsock.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            return
        self.drain()

    def drain(self) -> None:
        """Deliver every queued event (GUI thread)."""
        while True:
            try:
                job_id, kind, payload = self.events.get_nowait()
            except queue.Empty:
                return
            self.delivered += 1
            if kind == "call":
                owner, fn, args = payload
                if owner is not None and not shiboken6.isValid(owner):
                    continue
                try:
                    fn(*args)
                except Exception:
                    log.exception("a call posted to the GUI thread failed")
                continue
            job = self.jobs.get(job_id)
            if job is None:
                continue
            if not shiboken6.isValid(job):  # its parent was deleted
                self.jobs.pop(job_id, None)
                continue
            try:
                if kind == "progress":
                    job.progress.emit(payload)
                elif kind == "done":
                    job._finished = True  # is_running() is False in the handlers
                    job.result = payload
                    job.done.emit(payload)
                elif kind == "failed":
                    exc, message = payload
                    job.error, job.error_message = exc, message
                    job._finished = True
                    job.failed.emit(message)
                elif kind == "finished":
                    self.jobs.pop(job_id, None)
                    job._finished = True
                    job.finished.emit()
            except Exception:
                log.exception("a %s handler of job %s failed", kind, job.name)


_instance: _Dispatcher | None = None
_instance_lock = threading.Lock()


def _dispatcher() -> _Dispatcher:
    global _instance
    if _instance is None or not shiboken6.isValid(_instance):
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            raise RuntimeError("the GUI-thread dispatcher must be created on the GUI thread")
        with _instance_lock:
            _instance = _Dispatcher()
            _instance.moveToThread(app.thread())
    return _instance


def _dispatcher_send(event: tuple) -> None:
    inst = _instance
    if inst is not None:
        inst.send(event)


def _one_line(name: str, exc: BaseException) -> str:
    from readerapp.core.errors import ReaderError

    if isinstance(exc, ReaderError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = f"{name} failed: {exc}" if str(exc) else f"{name} failed: {type(exc).__name__}"
    return text.splitlines()[0]


def run_in_background(fn: Callable[[CancelToken], Any], *, name: str, parent: QObject | None = None,
                      on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[str], None] | None = None,
                      on_progress: Callable[..., None] | None = None,
                      on_finished: Callable[[], None] | None = None,
                      after: list[Job] | None = None) -> Job:
    """Run fn(token) in a background thread (call from the GUI thread). See the module docstring.

    after: jobs that must end first (a queue of jobs that run one at a time, in order);
    when this job is cancelled while it waits for them, fn is not called and the result is None."""
    disp = _dispatcher()
    job = Job(name, parent)
    if on_progress is not None:
        job.progress.connect(lambda values: on_progress(*values))
    if on_done is not None:
        job.done.connect(on_done)
    if on_error is not None:
        job.failed.connect(on_error)
    if on_finished is not None:
        job.finished.connect(on_finished)
    token, job_id = job.token, job.id
    job.destroyed.connect(lambda *_: token.cancel())  # its parent went away: nobody wants the result
    disp.jobs[job_id] = job
    send = disp.send
    before = [j._thread for j in (after or []) if shiboken6.isValid(j) and j._thread is not None]

    def body() -> None:
        from readerapp.core.errors import ReaderError

        try:
            for t in before:
                t.join()
            result = None if before and token.cancelled() else fn(token)
        except ReaderError as exc:
            send((job_id, "failed", (exc, _one_line(name, exc))))
        except BaseException as exc:  # never let a worker thread die silently
            log.exception("background job %s failed", name)
            send((job_id, "failed", (exc, _one_line(name, exc))))
        else:
            send((job_id, "done", result))
        finally:
            send((job_id, "finished", None))

    thread = threading.Thread(target=body, name=f"readerapp-{name}", daemon=True)
    job._thread = thread
    thread.start()
    return job


def post_to_gui(fn: Callable, *args, owner: QObject | None = None) -> None:
    """Call fn(*args) later on the GUI thread, from any thread, without a Qt call here.

    Dropped if `owner` (a QObject) has been deleted by then. The dispatcher must
    exist (created by the first job or by gui_relay on the GUI thread)."""
    _dispatcher_send((0, "call", (owner, fn, args)))


def gui_relay(owner: QObject, fn: Callable) -> Callable:
    """A callable for listeners that fire in any thread: each call runs fn on the GUI thread.

    Call this on the GUI thread (it makes sure the dispatcher exists)."""
    _dispatcher()

    def relay(*args) -> None:
        post_to_gui(fn, *args, owner=owner)

    return relay


def active_jobs() -> list[Job]:
    """Jobs whose `finished` has not been delivered yet."""
    inst = _instance
    if inst is None or not shiboken6.isValid(inst):
        return []
    return [j for j in inst.jobs.values() if shiboken6.isValid(j)]


def shutdown_all(timeout: float = QUIT_WAIT_S) -> list[str]:
    """Cancel every job and wait for all of them together at most `timeout` seconds.

    Returns the names of the jobs still running afterwards (daemon threads that
    end with the process). Queued events are delivered before returning."""
    inst = _instance
    if inst is None or not shiboken6.isValid(inst):
        return []
    jobs = list(inst.jobs.values())
    threads = []
    for job in jobs:
        job.token.cancel()
        if job._thread is not None:
            threads.append((job.name, job._thread))
    deadline = time.monotonic() + max(0.0, timeout)
    for _name, t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    inst.drain()
    left = [name for name, t in threads if t.is_alive()]
    if left:
        log.info("quitting with background jobs still running: %s", ", ".join(left))
    return left


def wait_all(timeout: float = 30.0) -> bool:
    """Wait (without cancelling) until every job has ended and its events were delivered (tests)."""
    inst = _instance
    if inst is None or not shiboken6.isValid(inst):
        return True
    deadline = time.monotonic() + timeout
    for job in list(inst.jobs.values()):
        t = job._thread
        if t is not None:
            t.join(max(0.0, deadline - time.monotonic()))
            if t.is_alive():
                return False
    inst.drain()
    return True
