"""A small process pool that survives bad inputs.

``concurrent.futures.ProcessPoolExecutor`` gives up on the whole pool when one
worker dies, and cannot stop one task that hangs. Extraction of a hostile PDF
must not hang or crash the app, so each task here has a deadline: a worker
that overruns it, or dies, is killed and replaced, and only that task fails.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

_CTX = mp.get_context("spawn")  # safe with threads (the GUI imports from a worker thread)


def _worker_main(conn: Connection, func: Callable, kwargs: dict, initializer: Callable | None) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl+C
    if initializer is not None:
        try:
            initializer()
        except Exception:  # the task itself will report a broken environment
            pass
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result = func(task, **kwargs)
        except BaseException as exc:  # report, keep serving
            result = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, func: Callable, kwargs: dict, initializer: Callable | None = None):
        self.conn, child = _CTX.Pipe()
        self.process = _CTX.Process(target=_worker_main, args=(child, func, kwargs, initializer), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[Any, Any] | None = None
        self.deadline = 0.0
        self.served = 0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


class GuardedPool:
    """Run func(item, **kwargs) over items in worker processes; yields (key, result).

    A result is whatever func returned, or {"error": reason} when the task timed
    out or its worker died.
    """

    def __init__(self, func: Callable, *, workers: int, timeout: float, kwargs: dict | None = None,
                 max_tasks_per_worker: int = 200, initializer: Callable | None = None):
        self.func = func
        self.kwargs = kwargs or {}
        self.n = max(1, workers)
        self.timeout = timeout
        self.max_tasks = max_tasks_per_worker
        self.initializer = initializer
        self.workers: list[_Worker] = []

    def __enter__(self) -> "GuardedPool":
        return self

    def start(self) -> None:
        """Start the workers now, so their start-up overlaps the caller's own work."""
        while len(self.workers) < self.n:
            self.workers.append(self._new_worker())

    def _new_worker(self) -> _Worker:
        return _Worker(self.func, self.kwargs, self.initializer)

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.workers = []

    def run(self, tasks: Iterable[tuple[Any, Any]], cancel: Callable[[], bool] | None = None
            ) -> Iterator[tuple[Any, dict]]:
        """Tasks are pulled lazily, one per idle worker, so the caller's iterator
        may do work (hashing, dedupe) while earlier tasks are extracted."""
        source = iter(tasks)
        pending: deque = deque()

        def refill() -> bool:
            if pending:
                return True
            try:
                pending.append(next(source))
            except StopIteration:
                return False
            return True

        while refill() or any(w.task for w in self.workers):
            if cancel is not None and cancel():
                for w in self.workers:
                    if w.task is not None:
                        w.kill()
                self.workers = [w for w in self.workers if w.task is None]
                return
            # hand out work
            while refill():
                idle = next((w for w in self.workers if w.task is None), None)
                if idle is None:
                    if len(self.workers) >= self.n:
                        break
                    idle = self._new_worker()
                    self.workers.append(idle)
                key, item = pending.popleft()
                try:
                    idle.conn.send(item)
                except (OSError, ValueError):
                    self._replace(idle)
                    pending.appendleft((key, item))
                    continue
                idle.task = (key, item)
                idle.deadline = time.monotonic() + self.timeout
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                continue
            now = time.monotonic()
            wait_for = max(0.0, min(w.deadline for w in busy) - now)
            if cancel is not None:
                wait_for = min(wait_for, 0.2)
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_for)
            for w in busy:
                key = w.task[0]
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        result = {"error": "the extractor crashed on this file"}
                        self._replace(w)
                    else:
                        w.task = None
                        w.served += 1
                        if w.served >= self.max_tasks:
                            self._replace(w)
                    yield key, result
                elif w.process.sentinel in ready and not w.process.is_alive():
                    code = w.process.exitcode
                    self._replace(w)
                    yield key, {"error": f"the extractor crashed on this file (exit code {code})"}
                elif time.monotonic() >= w.deadline:
                    self._replace(w)
                    yield key, {"error": f"extraction took longer than {self.timeout:g} s and was stopped"}

    def _replace(self, w: _Worker) -> None:
        w.kill()
        if w in self.workers:
            self.workers.remove(w)
