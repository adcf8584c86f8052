"""The user library file and the one way to change it: operations.

One writer connection behind one lock does every write, each in a short
``BEGIN IMMEDIATE`` transaction. Reads go through a read connection per thread
(WAL: a reader never waits for a writer, in this process or another); a thread
inside an operation reads through the writer, so it sees its own changes.

An operation (:meth:`Database.op`) is the unit of work: it yields an
:class:`Op` whose ``conn`` runs the statements and whose ``touch`` records a
typed change. Operations nest (the inner one joins the outer). When the
outermost one commits, ``on_commit(changes)`` runs once, outside the write
lock: it refreshes the derived index for exactly the touched papers and then
tells listeners. A rolled-back operation tells nobody and changes no index.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from readerapp.core import db
from readerapp.core.errors import LibraryError
from readerapp.core.storage.changes import ChangeKind, OpChanges

log = logging.getLogger(__name__)


class Op:
    """One running operation: its connection and the changes it recorded."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.changes = OpChanges()

    def touch(self, kind: ChangeKind, paper_id: int | None = None, **kw) -> None:
        self.changes.add(kind, paper_id, **kw)

    def execute(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, tuple(params))


BEGIN_POLL_S = 0.001  # how often a waiting writer retries BEGIN IMMEDIATE


def begin_immediate(conn: sqlite3.Connection, timeout_s: float = db.BUSY_TIMEOUT_MS / 1000) -> None:
    """BEGIN IMMEDIATE, retried every millisecond while another connection writes.

    SQLite's own busy handler sleeps ever longer (up to 100 ms) between tries, so a
    writer committing batch after batch (an import in another process) can starve a
    short GUI write for seconds; polling takes the lock in the first gap between two
    batches."""
    deadline = time.monotonic() + timeout_s
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise
                time.sleep(BEGIN_POLL_S)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")


class Checkpointer:
    """Checkpoints the WAL files in a background thread, so a commit on the GUI
    thread never pays for copying the log into the database (the writers run with
    wal_autocheckpoint off)."""

    PAGES = 1000  # the SQLite default threshold

    def __init__(self, paths: list[Path], interval_s: float = 0.5):
        self._paths = paths
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="readerapp-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            for path in self._paths:
                try:
                    wal = Path(str(path) + "-wal")
                    if not wal.exists() or wal.stat().st_size < self.PAGES * 4096:
                        continue
                    conn = sqlite3.connect(str(path), isolation_level=None, timeout=0.1)
                    try:
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    finally:
                        conn.close()
                except (sqlite3.Error, OSError):
                    pass  # busy, or the file is being replaced: the next round

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def connect_reader(path: Path) -> sqlite3.Connection:
    """A read connection (query_only) for one thread."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                           timeout=db.BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA query_only = ON")
    return conn


class ThreadReaders:
    """A read connection per thread, all closed together (those of finished
    threads are closed as new threads come)."""

    def __init__(self, opener: Callable[[], sqlite3.Connection]):
        self._opener = opener
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._lock = threading.Lock()
        self.generation = 0  # bumped when the file behind is replaced: readers reopen
        self.closed = False

    def get(self) -> sqlite3.Connection:
        if self.closed:
            raise sqlite3.ProgrammingError("the library is closed")
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.generation != self.generation:
            conn = self._opener()
            with self._lock:
                dead = [c for t, c in self._all if not t.is_alive()]
                self._all = [(t, c) for t, c in self._all if t.is_alive()]
                self._all.append((threading.current_thread(), conn))
            for c in dead:
                c.close()
            self._local.conn, self._local.generation = conn, self.generation
        return conn

    def close(self, *, final: bool = False) -> None:
        """Close the readers (all of them once more when `final`: the library is closing).

        A connection is closed only by its own thread or once that thread has ended:
        closing one while another thread runs a query on it crashes the process. A
        live thread's query is interrupted instead (sqlite3_interrupt is thread-safe);
        its connection closes when the thread lets go of it (reopened on its next get)."""
        with self._lock:
            conns, self._all = self._all, []
            self.generation += 1
            self.closed = self.closed or final
        me = threading.current_thread()
        for thread, conn in conns:
            try:
                if thread is me or not thread.is_alive():
                    conn.close()
                elif final:
                    conn.interrupt()
            except sqlite3.Error:
                pass


class Database:
    """library.sqlite3: the writer, the per-thread readers and operations."""

    def __init__(self, path: Path, folder: Path, writer: sqlite3.Connection):
        self.path = path
        self.folder = folder
        self.writer = writer
        self.lock = threading.RLock()  # only user-library writes take it
        self._local = threading.local()
        self.readers = ThreadReaders(lambda: connect_reader(path))
        self.on_commit: Callable[[OpChanges], None] | None = None

    def current_op(self) -> Op | None:
        return getattr(self._local, "op", None)

    def reader(self) -> sqlite3.Connection:
        """The connection this thread reads through (the writer inside an operation)."""
        return self.writer if self.current_op() is not None else self.readers.get()

    def query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        return self.reader().execute(sql, tuple(params)).fetchall()

    @contextmanager
    def op(self) -> Iterator[Op]:
        """A unit of work: one short write transaction, then the index refresh
        and the listeners (after the commit, once). Nested use joins the outer."""
        outer = self.current_op()
        if outer is not None:
            yield outer
            return
        with self.lock:
            conn = self.writer
            try:
                begin_immediate(conn)
            except sqlite3.OperationalError as exc:
                raise storage_error(exc, self.folder) from exc
            op = Op(conn)
            self._local.op = op
            try:
                yield op
                conn.execute("COMMIT")
            except BaseException as exc:
                self._local.op = None
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):
                    raise storage_error(exc, self.folder) from exc
                raise
            self._local.op = None
        if op.changes and self.on_commit is not None:
            self.on_commit(op.changes)

    def close(self) -> None:
        self.readers.close(final=True)
        with self.lock:  # a write running in another thread finishes first
            try:
                self.writer.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self.writer.close()


def disk_full(folder: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(folder).free < 256 * 1024
    except OSError:
        return False


def storage_error(exc: sqlite3.OperationalError, folder: Path) -> Exception:
    """SQLite's low-level failures as one clear sentence; the change was rolled back."""
    text = str(exc).lower()
    if "full" in text and not disk_full(folder):  # the disk has room: SQLite's own size cap (max_page_count)
        return LibraryError(f"the library database in {folder} reached its size limit: the change was not "
                            "saved (nothing already saved was lost)")
    if "full" in text:
        return LibraryError(f"the disk holding {folder} is full: the change was not saved "
                            "(nothing already saved was lost); free some space and try again")
    if "readonly" in text or "read-only" in text:
        return LibraryError(f"the library {folder} is read-only: the change was not saved")
    if "locked" in text or "busy" in text:
        return LibraryError(f"the library {folder} stayed busy (another readerapp is writing): "
                            "the change was not saved; try again")
    return LibraryError(f"the library {folder} could not save the change: {exc}")
