"""The pool of render worker processes, seen from the GUI thread.

PyMuPDF holds the GIL for the whole of a call, so rendering in a thread of the GUI
process makes the GUI wait, and leaves the other cores idle. Here every PyMuPDF job
of the PDF view (tiles, low-resolution pages, link-preview crops, page text, links,
find) runs in worker processes (render_worker.py), two on a 2-core machine and up to
six where there are more cores. Workers are started with ``spawn`` (never ``fork``: the
GUI process has Qt threads running), lazily, and ``Process.start`` does not wait for
the child, so the window never waits for them.

Each worker has a shared-memory block of DEPTH slots; a request that makes pixels
names a free slot, the worker writes BGRA rows there and answers with the size; the
GUI thread wraps the slot in a QImage and copies it once (a 512 x 512 tile is a 1 MB
memcpy), which frees the slot. Answers arrive through the worker's pipe, watched by a
QSocketNotifier (a polling timer where pipes cannot be watched), so the GUI thread only
composes: it never waits for a worker.

Jobs have a priority; the view replaces its queued jobs wholesale whenever it moves
(stale requests are dropped before they are sent, and those already sent are cancelled:
the worker skips them if it has not started them). Jobs carry an affinity (document,
page): they go to the worker that already interpreted that page, unless what is on
screen would wait behind a busy worker. A worker that dies (crash, killed) is replaced
and its requests are sent again; the request it was running when it died is tried once
more, and fails with one line if it takes a second worker down (or hangs past HUNG_S).
"""

from __future__ import annotations

import atexit
import bisect
import contextlib
import itertools
import multiprocessing as mp
import os
import sys
import time
import types
from collections.abc import Callable
from multiprocessing import shared_memory

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtGui import QImage

from . import render_worker as rw

_CTX = mp.get_context("spawn")
DEPTH = 4           # requests in flight per worker: it never waits for the GUI thread to send the next
                    # (stale ones are cancelled before the worker reaches them)
HUNG_S = 30.0       # a request running longer than this kills its worker
READ_BUDGET_S = 0.008  # answers taken per wake-up of the GUI thread, then back to the event loop
VISIBLE_CLASS = 1   # jobs whose priority starts with 0 or 1 are for what is on screen now
_tokens = itertools.count(1)


def new_token() -> int:
    """A document token unique in this process (workers key their open documents by it)."""
    return next(_tokens)


def default_workers() -> int:
    return max(2, min((os.cpu_count() or 2) - 1, 6))


class Job:
    """One request. `msg` is the request without its id (and slot): (kind, args...)."""

    __slots__ = ("key", "prio", "msg", "on_result", "on_error", "owner", "image", "crashes", "req", "sent",
                 "seq", "group", "affinity", "cancel_sent")

    def __init__(self, key, prio: tuple, msg: tuple, on_result: Callable | None, on_error: Callable | None = None,
                 *, owner=None, image: bool = False, affinity=None):
        self.key, self.prio, self.msg = key, prio, msg
        self.affinity = affinity  # e.g. (doc token, page): jobs with the same one go to the same worker
        self.cancel_sent = False
        self.on_result, self.on_error, self.owner, self.image = on_result, on_error, owner, image
        self.crashes = 0
        self.req = 0
        self.sent = 0.0
        self.seq = 0
        self.group = None

    def sort_key(self) -> tuple:
        return self.prio, self.seq


@contextlib.contextmanager
def _main_module_hidden():
    """``spawn`` runs the parent's main module again in the child (to find functions defined
    there). The worker needs nothing from it, and whatever started the GUI (a script without
    a ``__name__ == "__main__"`` guard, a test runner) must not run again in each worker, so
    the child is started with a bare main module."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class _Proc:
    def __init__(self, pool: RenderPool, idx: int, shm: shared_memory.SharedMemory):
        self.idx = idx
        self.shm = shm
        self.conn, child = _CTX.Pipe()
        self.proc = _CTX.Process(target=rw.worker_main, args=(child, shm.name), daemon=True,
                                 name=f"readerapp-render-{idx}")
        with _main_module_hidden():
            self.proc.start()
        child.close()
        self.pid = self.proc.pid
        self.ready = False
        self.inflight: dict[int, tuple[Job, int]] = {}  # req -> (job, slot)
        self.free_slots = list(range(DEPTH))
        self.dead = False
        self.notifier: QSocketNotifier | None = None
        if os.name == "posix":
            self.notifier = QSocketNotifier(self.conn.fileno(), QSocketNotifier.Type.Read)
            self.notifier.activated.connect(lambda *_: pool._on_readable(self))

    def dispose(self) -> None:
        self.dead = True
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = None
        try:
            self.conn.close()
        except OSError:
            pass
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(1.0)


class RenderPool(QObject):
    """Worker processes, a priority queue of jobs, answers routed to callbacks on the GUI thread."""

    workerRestarted = Signal(int)  # pid of the replacement

    _shared: RenderPool | None = None

    @classmethod
    def shared(cls) -> RenderPool:
        if cls._shared is None or cls._shared._closed:
            cls._shared = RenderPool()
        return cls._shared

    @classmethod
    def shutdown_shared(cls) -> None:
        if cls._shared is not None:
            cls._shared.shutdown()
            cls._shared = None

    def __init__(self, workers: int | None = None):
        super().__init__(QCoreApplication.instance())
        self.size = workers or default_workers()
        self._procs: list[_Proc | None] = [None] * self.size
        self._shms: list[shared_memory.SharedMemory | None] = [None] * self.size
        self._groups: dict[tuple, list[Job]] = {}   # (owner, group) -> jobs, most important first
        self._inflight_keys: dict = {}               # key -> job, for jobs sent and not answered
        self._affinity: dict = {}                    # job affinity -> index of the worker holding it
        self._everywhere: set = set()                # affinities every worker holds (prepared pages)
        self._req = itertools.count(1)
        self._seq = itertools.count()
        self._closed = False
        self._started = False
        self.restarts = 0
        self.crash_times: list[float] = []
        self.longest_job_ms = 0.0   # longest request in a worker (wall clock there)
        self.longest_read_ms = 0.0  # longest stretch the GUI thread spent taking answers
        self.images = 0             # images rendered, and the workers' CPU time for them
        self.images_cpu_ms = 0.0
        self._poll = QTimer(self, interval=3)   # platforms where the pipes cannot be watched
        self._poll.timeout.connect(self._poll_all)
        self._watch = QTimer(self, interval=1000)  # hung requests
        self._watch.timeout.connect(self._check_hung)
        self._restart_timer = QTimer(self, singleShot=True)
        self._restart_timer.timeout.connect(self._restart_missing)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        atexit.register(self.shutdown)

    # ------------------------------------------------------------------ processes
    def start(self) -> None:
        """Start the workers (returns at once: they get ready in the background)."""
        if self._started or self._closed:
            return
        self._started = True
        for i in range(self.size):
            self._spawn(i)
        self._watch.start()

    def _spawn(self, i: int) -> None:
        if self._shms[i] is None:
            self._shms[i] = shared_memory.SharedMemory(create=True, size=rw.SLOT_BYTES * DEPTH)
        self._procs[i] = _Proc(self, i, self._shms[i])

    def ready(self) -> bool:
        """At least one worker has started and said so."""
        return any(p is not None and p.ready and not p.dead for p in self._procs)

    def worker_pids(self) -> list[int]:
        return [p.pid for p in self._procs if p is not None and not p.dead]

    def busy(self) -> bool:
        return bool(self._inflight_keys) or any(self._groups.values())

    def _on_dead(self, p: _Proc) -> None:
        if p.dead:
            return
        p.dispose()
        self.crash_times = [t for t in self.crash_times if time.monotonic() - t < 10] + [time.monotonic()]
        failed: list[Job] = []
        running = min(p.inflight) if p.inflight else None  # a worker takes its requests in order
        for req, (job, _slot) in sorted(p.inflight.items()):
            self._inflight_keys.pop(job.key, None)
            if job.cancel_sent:
                continue
            if req == running:
                job.crashes += 1  # the suspect; the others had not started
            if job.crashes >= 2:
                failed.append(job)
            elif job.owner is not None or job.on_result is not None:
                self._queue_job(job)  # sent again to the replacement (or the other workers)
        p.inflight.clear()
        self._affinity = {a: i for a, i in self._affinity.items() if i != p.idx}
        if self._procs[p.idx] is p:
            self._procs[p.idx] = None
        # Replace it; if workers keep dying, take a breath first.
        self._restart_timer.start(0 if len(self.crash_times) < 5 else 1000)
        for job in failed:
            if job.on_error is not None:
                job.on_error(QCoreApplication.translate("RenderPool", "the renderer crashed on this page"))
        self._dispatch()

    def _restart_missing(self) -> None:
        if self._closed:
            return
        for i, p in enumerate(self._procs):
            if p is None:
                self._spawn(i)
                self.restarts += 1
                self.workerRestarted.emit(self._procs[i].pid)
        self._dispatch()

    def _check_hung(self) -> None:
        now = time.monotonic()
        for p in list(self._procs):
            if p is None or p.dead or not p.inflight:
                continue
            job = p.inflight[min(p.inflight)][0]  # the one the worker is on
            if now - job.sent > HUNG_S:
                job.crashes = max(job.crashes, 1)  # with the kill below: not tried again
                self._on_dead(p)

    # ------------------------------------------------------------------ jobs
    def _queue_job(self, job: Job) -> None:
        job.seq = next(self._seq)
        gk = job.group if job.group is not None else (job.owner, "misc")
        job.group = gk
        lst = self._groups.setdefault(gk, [])
        keys = [j.sort_key() for j in lst]
        lst.insert(bisect.bisect_right(keys, job.sort_key()), job)

    def submit(self, job: Job) -> None:
        """Queue a one-off job (runs once, in priority order with everything else)."""
        self.start()
        job.group = (job.owner, "misc")
        self._queue_job(job)
        self._dispatch()

    def set_jobs(self, owner, group: str, jobs: list[Job]) -> None:
        """Replace `owner`'s queued jobs of `group` (most important first). Jobs whose key is
        already on its way to a worker are not sent again."""
        self.start()
        gk = (owner, group)
        self._cancel_sent(gk, {job.key for job in jobs})
        lst = []
        for job in jobs:
            if job.key in self._inflight_keys:
                continue
            job.group = gk
            job.seq = next(self._seq)
            lst.append(job)
        lst.sort(key=Job.sort_key)
        self._groups[gk] = lst
        self._dispatch()

    def _cancel_sent(self, gk: tuple, keep: set) -> None:
        """Sent jobs of group `gk` no longer wanted: the worker skips them if not started yet."""
        for p in self._procs:
            if p is None or p.dead:
                continue
            stale = [req for req, (job, _) in p.inflight.items()
                     if job.group == gk and job.key not in keep and not job.cancel_sent]
            if stale:
                for req in stale:
                    p.inflight[req][0].cancel_sent = True
                try:
                    p.conn.send(("cancel", stale))
                except (OSError, ValueError):
                    pass

    def pending(self, owner) -> int:
        """Jobs of `owner` queued or on their way to a worker."""
        n = sum(len(lst) for gk, lst in self._groups.items() if gk[0] is owner)
        return n + sum(1 for p in self._procs if p is not None
                       for job, _ in p.inflight.values() if job.owner is owner)

    def in_flight(self, key) -> bool:
        return key in self._inflight_keys

    def cancel(self, owner, group: str | None = None, pred: Callable[[Job], bool] | None = None) -> None:
        """Drop queued jobs of `owner` (of one group, or those `pred` accepts)."""
        for gk in list(self._groups):
            if gk[0] is owner and (group is None or gk[1] == group):
                if pred is None:
                    del self._groups[gk]
                else:
                    self._groups[gk] = [j for j in self._groups[gk] if not pred(j)]

    def release(self, owner) -> None:
        """`owner` is going away: drop its queued jobs; answers to its sent ones are ignored."""
        self.cancel(owner)
        for p in self._procs:
            if p is not None:
                for job, _ in p.inflight.values():
                    if job.owner is owner:
                        job.on_result = job.on_error = None
                        job.owner = None

    def forget_document(self, token: int) -> None:
        """Workers close their copy of document `token`."""
        self._broadcast(("forget", token))
        self._everywhere = {a for a in self._everywhere if a[0] != token}

    def prepare_document(self, spec: tuple, page: int) -> None:
        """Workers open the document and interpret `page` now, before the first requests."""
        self.start()
        self._broadcast(("prepare", spec, page))
        # every worker interprets that page: its tiles go to any free worker (the first page of
        # a paper just opened comes from both workers at once)
        self._everywhere.add((spec[0], page))
        while len(self._everywhere) > 64:
            self._everywhere.pop()

    def _broadcast(self, msg: tuple) -> None:
        for p in self._procs:
            if p is not None and not p.dead:
                try:
                    p.conn.send(msg)
                except (OSError, ValueError):
                    pass

    def _next_job(self, p: _Proc) -> Job | None:
        """The most important job for worker `p` among those for pages it already holds (a page's
        display list is built once, by one worker) or that no worker holds yet; failing that,
        the most important of all (a free worker does not idle)."""
        best = best_any = None
        for gk, lst in self._groups.items():
            if not lst:
                continue
            if best_any is None or lst[0].sort_key() < best_any[2].sort_key():
                best_any = (gk, 0, lst[0])
            for n, job in enumerate(lst):
                if best is not None and job.sort_key() >= best[2].sort_key():
                    break
                holder = self._affinity.get(job.affinity) if job.affinity is not None else None
                if holder is None or holder == p.idx or job.affinity in self._everywhere or (job.prio[0] <= VISIBLE_CLASS
                                                         and self._busy(holder) >= 2):
                    # (what is on screen goes to a free worker rather than wait behind a busy one)
                    best = (gk, n, job)
                    break
        pick = best or best_any
        if pick is None:
            return None
        job = self._groups[pick[0]].pop(pick[1])
        if job.affinity is not None:
            self._affinity.pop(job.affinity, None)
            self._affinity[job.affinity] = p.idx
            while len(self._affinity) > 256:
                self._affinity.pop(next(iter(self._affinity)))
        return job

    def _busy(self, idx: int) -> int:
        p = self._procs[idx] if 0 <= idx < len(self._procs) else None
        return len(p.inflight) if p is not None and not p.dead else 0

    def _dispatch(self) -> None:
        if self._closed:
            return
        while True:
            free = [p for p in self._procs if p is not None and not p.dead and len(p.inflight) < DEPTH]
            if not free:
                return
            # the least loaded worker (ties: the first)
            p = min(free, key=lambda q: len(q.inflight))
            job = self._next_job(p)
            if job is None:
                return
            req = next(self._req)
            job.req = req
            job.sent = time.monotonic()
            slot = p.free_slots.pop() if job.image else -1
            msg = (job.msg[0], req, *job.msg[1:]) + ((slot,) if job.image else ())
            try:
                p.conn.send(msg)
            except (OSError, ValueError):
                if job.image:
                    p.free_slots.append(slot)
                self._queue_job(job)
                self._on_dead(p)
                return
            p.inflight[req] = (job, slot)
            self._inflight_keys[job.key] = job
            if self._notifier_less():
                self._poll.start()

    @staticmethod
    def _notifier_less() -> bool:
        return os.name != "posix"

    # ------------------------------------------------------------------ answers
    def _poll_all(self) -> None:
        for p in list(self._procs):
            if p is not None and not p.dead:
                self._on_readable(p)
        if not self._inflight_keys:
            self._poll.stop()

    def _on_readable(self, p: _Proc) -> None:
        if p.dead:
            return
        t0 = time.perf_counter()
        while True:
            try:
                if not p.conn.poll(0):
                    break
                msg = p.conn.recv()
            except (EOFError, OSError, ValueError):
                self._on_dead(p)
                return
            self._handle(p, msg)
            if p.dead or time.perf_counter() - t0 > READ_BUDGET_S:
                break
        self._dispatch()
        self.longest_read_ms = max(self.longest_read_ms, (time.perf_counter() - t0) * 1000)

    def _handle(self, p: _Proc, msg: tuple) -> None:
        kind = msg[0]
        if kind == "ready":
            p.ready = True
            return
        ent = p.inflight.pop(msg[1], None)
        if ent is None:
            return
        job, slot = ent
        if self._inflight_keys.get(job.key) is job:
            del self._inflight_keys[job.key]
        if job.image and slot >= 0:
            p.free_slots.append(slot)
        if kind == "img":
            _, _, slot, w, h, ms, cpu_ms = msg
            self.longest_job_ms = max(self.longest_job_ms, ms)
            self.images_cpu_ms += cpu_ms
            self.images += 1
            img = self._image(p, slot, w, h) if w and h else QImage()
            if job.on_result is not None:
                job.on_result(img)
        elif kind == "data":
            if job.on_result is not None:
                job.on_result(msg[2])
        elif kind == "err":
            if job.on_error is not None:
                job.on_error(msg[2])
        # "cancelled": nothing to deliver

    @staticmethod
    def _image(p: _Proc, slot: int, w: int, h: int) -> QImage:
        off = slot * rw.SLOT_BYTES
        mv = p.shm.buf[off: off + w * h * 4]
        try:
            if sys.byteorder == "little":
                img = QImage(mv, w, h, w * 4, QImage.Format.Format_RGB32).copy()
            else:  # B, G, R, A bytes read as RGBA: swap red and blue
                img = QImage(mv, w, h, w * 4, QImage.Format.Format_RGBA8888).rgbSwapped()
        finally:
            mv.release()
        return img

    # ------------------------------------------------------------------ shutdown
    def shutdown(self) -> None:
        """Stop the workers (at most a few hundred ms) and free the shared memory."""
        if self._closed:
            return
        self._closed = True
        self._poll.stop()
        self._watch.stop()
        self._restart_timer.stop()
        self._groups.clear()
        self._inflight_keys.clear()
        procs = [p for p in self._procs if p is not None]
        for p in procs:
            try:
                p.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 0.3
        for p in procs:
            p.proc.join(max(0.0, deadline - time.monotonic()))
            p.dispose()
        self._procs = [None] * self.size
        for shm in self._shms:
            if shm is not None:
                try:
                    shm.close()
                    shm.unlink()
                except (BufferError, FileNotFoundError, OSError):
                    pass
        self._shms = [None] * self.size
