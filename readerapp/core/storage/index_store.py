"""IndexStore: the only code that speaks SQL to ``index.sqlite3``.

The derived index (page text, the FTS5 table, the embedding queue, chunks and
vectors) is rebuilt from the PDFs and the user library, so it never blocks
what users made:

* it has its own writer connection and its own lock: a long index write
  (import indexing, reindex, embedding) never holds the lock the user-library
  writes take, and index writes are short batches;
* reads go through a read connection per thread (WAL: never wait for a writer);
* it heals itself: a file that is not a database, or a damaged page met at
  any time, moves the file aside (kept, named in the log), recreates it empty,
  rewrites every paper's own row at once (titles, notes and highlights are
  searchable again) and marks the page text for a rebuild, which the start-up
  maintenance or ``readerapp reindex`` does in the background.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from readerapp.core import db, textnorm
from readerapp.core.errors import LibraryError, LibraryTooNew
from readerapp.core.storage.changes import OpChanges
from readerapp.core.storage.index_semantic import SemanticSQL
from readerapp.core.storage.ops import ThreadReaders, begin_immediate, connect_reader, storage_error

log = logging.getLogger(__name__)

PAGE_STRIDE = db.PAGE_STRIDE
MAX_PAGES_INDEXED = PAGE_STRIDE - 1
FTS_INSERT_BATCH = 32  # pages per index transaction: another index writer waits a few ms at most
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26

# (paper_id, title, meta, annot) of papers, from the user library
OwnRows = Callable[[list[int] | None], list[tuple[int, str, str, str]]]


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def is_damage(exc: BaseException) -> bool:
    """True for SQLite's 'the file is damaged / not a database' errors (not for busy, full, ...)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "file is encrypted" in text


class IndexStore(SemanticSQL):
    def __init__(self, path: Path, folder: Path, own_rows: OwnRows):
        self.path = path
        self.folder = folder
        self._own_rows = own_rows
        self.lock = threading.RLock()  # index writes only
        self._local = threading.local()
        self.readers = ThreadReaders(lambda: connect_reader(self.path))
        self._shard_readers: list[sqlite3.Connection] = []
        self._shard_lock = threading.Lock()
        self.moved_aside: list[Path] = []  # damaged files kept beside the library
        self.rebuild_needed = False
        self.on_heal: Callable[[], None] | None = None  # told after a heal while open
        self.writer = self._open_or_heal()

    # ------------------------------------------------------------ opening and healing
    def _open(self) -> sqlite3.Connection:
        conn = db.connect(self.path, synchronous="NORMAL")
        try:
            db.migrate(conn, "index", label=f"index {self.path}")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA wal_autocheckpoint = 0")  # the Library's checkpointer thread does it
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_or_heal(self) -> sqlite3.Connection:
        try:
            return self._open()
        except LibraryTooNew:
            raise
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            self._move_aside(str(exc))
            return self._open()

    def _move_aside(self, reason: str) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        dest = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                try:
                    src.replace(Path(str(dest) + suffix))
                except OSError as exc:
                    raise LibraryError(f"the search index {self.path} is damaged ({reason}) and cannot be moved "
                                       f"aside: {exc.strerror or exc}") from exc
        self.moved_aside.append(dest)
        self.rebuild_needed = True
        log.warning("the search index %s was damaged (%s): kept as %s and recreated empty; "
                    "the page text is rebuilt in the background (or by `readerapp reindex`)",
                    self.path, reason, dest)
        return dest

    def heal(self, reason: str) -> None:
        """Move a damaged index aside, recreate it and rewrite every paper's own row."""
        with self.lock:
            self.readers.close()
            for conn in self._shard_readers:
                conn.close()
            self._shard_readers = []
            try:
                self.writer.close()
            except sqlite3.Error:
                pass
            self._move_aside(reason)
            self.writer = self._open()
        self.refresh_own_rows(None)
        if self.on_heal is not None:
            self.on_heal()

    def _guard(self, fn, *, write: bool):
        """Run fn(conn) (in a write transaction when `write`); a damaged file is
        healed and fn runs once more on the new one."""
        for attempt in (0, 1):
            try:
                if write:
                    with self.write() as conn:
                        return fn(conn)
                return fn(self.reader())
            except sqlite3.DatabaseError as exc:
                if attempt or not is_damage(exc):
                    raise
                self.heal(str(exc))
        raise AssertionError("unreachable")

    # ------------------------------------------------------------ connections
    def reader(self) -> sqlite3.Connection:
        """This thread's read connection (the writer inside one of its index transactions)."""
        return self.writer if getattr(self._local, "writing", False) else self.readers.get()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction on the index (nested use joins the outer)."""
        with self.lock:
            conn = self.writer
            if getattr(self._local, "writing", False):
                yield conn
                return
            try:
                begin_immediate(conn)
            except sqlite3.OperationalError as exc:
                if is_damage(exc):
                    raise
                raise storage_error(exc, self.folder) from exc
            self._local.writing = True
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._local.writing = False

    def shard_readers(self, n: int) -> list[sqlite3.Connection]:
        """`n` read-only connections, for searching shards in parallel threads."""
        with self.lock:
            while len(self._shard_readers) < n:
                self._shard_readers.append(db.connect_readonly(self.path))
            return self._shard_readers[:n]

    @property
    def shard_reader_count(self) -> int:
        return len(self._shard_readers)

    def close(self) -> None:
        with self.lock:
            self.readers.close(final=True)
            for conn in self._shard_readers:
                # a search may still run on it in another thread: interrupt it and let the
                # connection close when the last reference goes (closing it now could crash)
                try:
                    conn.interrupt()
                except sqlite3.Error:
                    pass
            self._shard_readers = []
            try:
                self.writer.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self.writer.close()

    def checkpoint(self) -> None:
        with self.lock:
            self.writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ------------------------------------------------------------ after an operation
    def apply(self, changes: OpChanges) -> None:
        """Bring the index in line with a committed operation: drop deleted papers'
        rows (pages, FTS, chunks, vectors, queue), rewrite the touched papers' own
        rows, queue the embedding jobs. One short index transaction."""
        rows = self._own_rows(sorted(changes.reindex)) if changes.reindex else []
        ts = now_iso()

        def run(conn: sqlite3.Connection) -> None:
            for pid in changes.deleted:
                self._drop_paper(conn, pid)
            self._write_own_rows(conn, rows)
            conn.executemany("INSERT OR REPLACE INTO embed_queue (paper_id, kind, queued_at) VALUES (?, ?, ?)",
                             [(pid, job, ts) for pid, job in sorted(changes.embed)])

        self._guard(run, write=True)

    def refresh_own_rows(self, paper_ids: Iterable[int] | None) -> None:
        """Rewrite the own rows of these papers (None: every paper), in short batches."""
        ids = None if paper_ids is None else sorted(set(paper_ids))
        rows = self._own_rows(ids)
        for start in range(0, len(rows), 512):
            batch = rows[start:start + 512]
            self._guard(lambda conn, batch=batch: self._write_own_rows(conn, batch), write=True)

    @staticmethod
    def _write_own_rows(conn: sqlite3.Connection, rows: list[tuple[int, str, str, str]]) -> None:
        conn.executemany(
            "INSERT OR REPLACE INTO search_fts (rowid, title, meta, annot, body) VALUES (?, ?, ?, ?, '')",
            [(pid * PAGE_STRIDE, textnorm.to_index(title), textnorm.to_index(meta), textnorm.to_index(annot))
             for pid, title, meta, annot in rows])

    @staticmethod
    def _drop_paper(conn: sqlite3.Connection, paper_id: int) -> None:
        base = paper_id * PAGE_STRIDE
        conn.execute("DELETE FROM search_fts WHERE rowid BETWEEN ? AND ?", (base, base + MAX_PAGES_INDEXED))
        conn.execute("DELETE FROM indexed_files WHERE paper_id = ?", (paper_id,))
        conn.execute("DELETE FROM chunks WHERE paper_id = ?", (paper_id,))  # vectors go with them (cascade)
        conn.execute("DELETE FROM embed_queue WHERE paper_id = ?", (paper_id,))

    def drop_paper(self, paper_id: int) -> None:
        self._guard(lambda conn: self._drop_paper(conn, paper_id), write=True)

    # ------------------------------------------------------------ page text
    def store_pages(self, paper_id: int, sha256: str, pages: list[str], text_status: str) -> None:
        """Replace the indexed page text of a paper (in short batches; the marker row last,
        so a crash in between leaves the paper listed by unindexed_papers)."""
        base = paper_id * PAGE_STRIDE
        pages = pages[:MAX_PAGES_INDEXED]

        def clear(conn):
            conn.execute("DELETE FROM indexed_files WHERE paper_id = ?", (paper_id,))
            conn.execute("DELETE FROM search_fts WHERE rowid BETWEEN ? AND ?", (base + 1, base + MAX_PAGES_INDEXED))

        self._guard(clear, write=True)
        for start in range(0, len(pages), FTS_INSERT_BATCH):
            rows = [(base + start + i + 1, textnorm.to_index(text))
                    for i, text in enumerate(pages[start:start + FTS_INSERT_BATCH]) if text.strip()]
            self._guard(lambda conn, rows=rows: conn.executemany(
                "INSERT INTO search_fts (rowid, title, meta, annot, body) VALUES (?, '', '', '', ?)", rows), write=True)
        self._guard(lambda conn: conn.execute(
            "INSERT OR REPLACE INTO indexed_files (paper_id, sha256, pages, text_status, indexed_at)"
            " VALUES (?, ?, ?, ?, ?)", (paper_id, sha256, len(pages), text_status, now_iso())), write=True)

    def page_text(self, paper_id: int, page: int) -> str:
        row = self._guard(lambda c: c.execute("SELECT body FROM search_fts WHERE rowid = ?",
                                              (paper_id * PAGE_STRIDE + page,)).fetchone(), write=False)
        return textnorm.from_index(row[0]) if row else ""

    def pages_text(self, paper_id: int) -> list[tuple[int, str]]:
        base = paper_id * PAGE_STRIDE
        rows = self._guard(lambda c: c.execute(
            "SELECT rowid, body FROM search_fts WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
            (base + 1, base + MAX_PAGES_INDEXED)).fetchall(), write=False)
        return [(r[0] - base, textnorm.from_index(r[1])) for r in rows]

    def indexed_paper_ids(self) -> set[int]:
        """Papers that have any row in the index."""
        def run(c):
            ids = {r[0] for r in c.execute("SELECT paper_id FROM indexed_files")}
            return ids | {r[0] // PAGE_STRIDE for r in c.execute("SELECT rowid FROM search_fts")}
        return self._guard(run, write=False)

    def papers_with_own_row(self) -> set[int]:
        return self._guard(lambda c: {r[0] // PAGE_STRIDE for r in c.execute(
            f"SELECT rowid FROM search_fts WHERE rowid % {PAGE_STRIDE} = 0")}, write=False)

    def indexed_files(self) -> dict[int, str]:
        """{paper_id: sha256 of the file whose text is indexed}."""
        return self._guard(lambda c: {r[0]: r[1] for r in c.execute(
            "SELECT paper_id, sha256 FROM indexed_files")}, write=False)

    # ------------------------------------------------------------ keyword search
    def fts_top_rowid(self) -> int:
        return self._guard(lambda c: c.execute("SELECT max(rowid) FROM search_fts").fetchone()[0] or 0, write=False)

    def fts_title_papers(self, expr: str) -> set[int]:
        """Papers whose title matches the FTS5 expression `expr` (already a column filter)."""
        rows = self._guard(lambda c: c.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?",
                                               (expr,)).fetchall(), write=False)
        return {r[0] // PAGE_STRIDE for r in rows if r[0] % PAGE_STRIDE == 0}

    def fts_snippets(self, expr: str, rowids: list[int], tokens: int) -> dict[int, str]:
        """{rowid: snippet with \x02/\x03 around the matches} of these rows."""
        return self._guard(lambda c: dict(c.execute(
            "SELECT rowid, snippet(search_fts, -1, char(2), char(3), '…', ?) FROM search_fts"
            " WHERE search_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
            (tokens, expr, json.dumps(rowids))).fetchall()), write=False)

    def fts_ranked(self, expr: str, rank: str, allowed_json: str | None, limit: int,
                   shards: list[tuple[int, int]], pool=None) -> list[tuple[int, float]]:
        """(rowid, rank) of the best `limit` rows, ranked by the SQL expression `rank`
        (bm25 weights). The MATCH runs alone, ordered with a LIMIT, before any join
        (joining first is a known way to make FTS5 slow); with several rowid
        `shards` they are searched in parallel threads (SQLite releases the GIL)."""
        sql = f"SELECT rowid, {rank} AS score FROM search_fts WHERE search_fts MATCH ?"
        if allowed_json is not None:
            sql += f" AND rowid / {PAGE_STRIDE} IN (SELECT value FROM json_each(?))"
        sql += " AND rowid BETWEEN ? AND ? ORDER BY score LIMIT ?"
        param_sets = [[expr, *([allowed_json] if allowed_json is not None else []), lo, hi, limit]
                      for lo, hi in shards]

        def run(conn):
            if len(param_sets) == 1 or pool is None:
                return [tuple(r) for p in param_sets for r in conn.execute(sql, p).fetchall()]
            with self._shard_lock:
                readers = self.shard_readers(len(param_sets))
                futures = [pool.submit(lambda c, p: c.execute(sql, p).fetchall(), readers[i], params)
                           for i, params in enumerate(param_sets)]
                return [tuple(r) for f in futures for r in f.result()]
        rows = self._guard(run, write=False)
        rows.sort(key=lambda r: r[1])
        return rows[:limit]

    def optimize_fts(self) -> None:
        self._guard(lambda c: c.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')"), write=True)

    # ------------------------------------------------------------ embedding queue
    def enqueue(self, paper_id: int, job: str) -> None:
        def run(conn):
            if job == "deleted":
                conn.execute("DELETE FROM embed_queue WHERE paper_id = ?", (paper_id,))
            conn.execute("INSERT OR REPLACE INTO embed_queue (paper_id, kind, queued_at) VALUES (?, ?, ?)",
                         (paper_id, job, now_iso()))
        self._guard(run, write=True)

    def enqueue_many(self, jobs: Iterable[tuple[int, str]]) -> None:
        rows = [(pid, job, now_iso()) for pid, job in jobs]
        for start in range(0, len(rows), 2048):
            batch = rows[start:start + 2048]
            self._guard(lambda conn, batch=batch: conn.executemany(
                "INSERT OR REPLACE INTO embed_queue (paper_id, kind, queued_at) VALUES (?, ?, ?)", batch), write=True)

    def pending(self) -> list[tuple[int, int, str]]:
        return self._guard(lambda c: [(r[0], r[1], r[2]) for r in c.execute(
            "SELECT rowid, paper_id, kind FROM embed_queue ORDER BY rowid")], write=False)

    def done(self, ticket: int) -> None:
        self._guard(lambda c: c.execute("DELETE FROM embed_queue WHERE rowid = ?", (ticket,)), write=True)
