"""SQLite plumbing: opening, pragmas, migrations.

The library is a folder with two SQLite files:

* ``library.sqlite3``: what users make (papers, files, sections, tags,
  highlights, notes, links, settings). Backed up; never rebuilt.
* ``index.sqlite3``: what can be rebuilt from the PDFs (page text, the FTS
  index, chunks, vectors, the embedding queue). Attached as schema ``idx``.

Each file has its own numbered migrations in ``db/library`` and ``db/index``,
applied by ``PRAGMA user_version`` inside one exclusive transaction, rolled
back whole on error. A file newer than this app is refused.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from readerapp.core.errors import LibraryError, LibraryTooNew
from readerapp.core.paths import migrations_dir

log = logging.getLogger(__name__)

LIBRARY_FILE = "library.sqlite3"
INDEX_FILE = "index.sqlite3"
BUSY_TIMEOUT_MS = 10_000
# Rows of the FTS table: rowid = paper_id * PAGE_STRIDE + page (page 0: the paper's own row).
PAGE_STRIDE = 100_000

_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    def statements(self) -> list[str]:
        return split_sql(self.path.read_text(encoding="utf-8"))


def split_sql(script: str) -> list[str]:
    """Split a script into complete statements (triggers with BEGIN..END stay whole).

    ``Connection.executescript`` would COMMIT first, which breaks the
    one-transaction promise of a migration, so statements run one by one.
    """
    statements: list[str] = []
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            stmt = _strip_comments(buf).strip()
            if stmt.rstrip(";").strip():
                statements.append(stmt)
            buf = ""
    if _strip_comments(buf).strip(" \n\t;"):
        raise LibraryError(f"incomplete SQL statement in migration: {buf.strip()[:60]}")
    return statements


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))


def migrations(kind: str) -> list[Migration]:
    """Numbered migrations for 'library' or 'index', checked to be 1..N without gaps."""
    folder = migrations_dir() / kind
    found: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if not m:
            raise LibraryError(f"bad migration file name: {path.name}")
        found.append(Migration(int(m.group(1)), path))
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise LibraryError(f"migrations in {folder} are not numbered 1..N ({mig.path.name})")
    return found


def latest_version(kind: str) -> int:
    migs = migrations(kind)
    return migs[-1].version if migs else 0


def connect(path: Path, *, synchronous: str = "NORMAL") -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, foreign keys on."""
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = _switch_to_wal(conn)
    if mode.lower() != "wal":
        log.warning("could not switch %s to WAL (journal_mode=%s)", path, mode)
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """PRAGMA journal_mode = WAL. Two processes switching a rollback-journal file at
    once can deadlock on the lock upgrade, and SQLite then answers "locked" at once
    (no busy wait) to one of them: it retries until the other has switched."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection (extra readers for parallel search)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                           check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def user_version(conn: sqlite3.Connection, schema: str = "main") -> int:
    return conn.execute(f"PRAGMA {schema}.user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, kind: str, *, label: str, before_upgrade=None) -> tuple[int, int]:
    """Bring the database behind `conn` to the newest schema of `kind`.

    Returns (old_version, new_version). Raises LibraryTooNew for a newer file.
    The version is read again inside the exclusive transaction that migrates,
    so processes opening an old file at once wait for each other: one migrates
    (and runs `before_upgrade(old_version)`, e.g. a backup, exactly once), the
    others find the new version. Foreign keys are off while the migration runs
    (SQLite's procedure for rebuilding a table) and checked before the commit.
    """
    migs = migrations(kind)
    target = migs[-1].version if migs else 0
    current = user_version(conn)
    if current > target:
        raise LibraryTooNew(
            f"{label} was written by a newer readerapp (schema {current}, this app knows {target}); "
            "update readerapp to open it"
        )
    if current == target:
        return current, current
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN EXCLUSIVE")
        try:
            current = user_version(conn)  # another process may have migrated while we waited
            if current > target:
                raise LibraryTooNew(f"{label} was written by a newer readerapp (schema {current}, "
                                    f"this app knows {target}); update readerapp to open it")
            if current < target:
                if current > 0 and before_upgrade is not None:
                    before_upgrade(current)
                for mig in migs:
                    if mig.version <= current:
                        continue
                    log.info("applying %s migration %s", kind, mig.path.name)
                    for stmt in mig.statements():
                        conn.execute(stmt)
                bad = conn.execute("PRAGMA foreign_key_check").fetchall()
                if bad:
                    raise LibraryError(f"{label}: migration to schema {target} broke {len(bad)} reference(s) "
                                       f"(first in table {bad[0][0]}); nothing was changed")
                conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    if current == 0 and target > 0:
        # a new file: the tables later migrations rebuilt left free pages; start compact
        try:
            conn.execute("VACUUM")
        except sqlite3.OperationalError as exc:  # another process is using it already: stay as is
            log.info("not compacting the new %s: %s", label, exc)
    return current, target
