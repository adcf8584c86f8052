"""Checks before a library is opened, so a damaged, empty or missing user
library never silently becomes a new empty one.

A new library is created only in a folder that holds nothing of an earlier
one: when ``library.sqlite3`` is missing or empty but backups or an index are
there, or when it is not a SQLite file at all, opening is refused with one line
naming the file and the restore command. Nothing is changed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from readerapp.core import db
from readerapp.core.errors import LibraryDamaged

SQLITE_HEADER = b"SQLite format 3\x00"


def _restore_hint(folder: Path) -> str:
    from readerapp.core.backup import list_backups

    if list_backups(folder):
        return (f"restore the newest backup with `readerapp --library {folder} restore --latest` "
                f"(backups are in {folder / 'backups'})")
    return f"there are no backups in {folder / 'backups'}; copy the folder somewhere safe before changing anything"


def _traces(folder: Path) -> list[str]:
    """What is left in `folder` of an earlier library."""
    from readerapp.core.backup import list_backups

    found = []
    if list_backups(folder):
        found.append("backups")
    idx = folder / db.INDEX_FILE
    if idx.is_file() and idx.stat().st_size > 0:
        found.append("an index")
    wal = folder / (db.LIBRARY_FILE + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        found.append("a write-ahead log")
    return found


def check_before_open(folder: Path) -> None:
    """Raise LibraryDamaged when opening `folder` would hide a lost or damaged library."""
    folder = Path(folder)
    path = folder / db.LIBRARY_FILE
    try:
        size = path.stat().st_size if path.exists() else None
    except OSError:
        return  # an unreadable file: SQLite's own error follows, with the file named
    if size is None or size == 0:
        traces = _traces(folder)
        if traces:
            state = "is missing" if size is None else "is empty (0 bytes)"
            raise LibraryDamaged(f"the library file {path} {state}, but {' and '.join(traces)} of a library "
                                 f"are still there; readerapp will not start an empty library over it: "
                                 f"{_restore_hint(folder)}")
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        return
    if head != SQLITE_HEADER:
        raise LibraryDamaged(f"the library file {path} is damaged (not a SQLite database); nothing was changed: "
                             f"{_restore_hint(folder)}")


def open_failure(folder: Path, exc: sqlite3.DatabaseError) -> LibraryDamaged:
    """SQLite could not open the library: one line naming the file and pointing to the backups."""
    path = Path(folder) / db.LIBRARY_FILE
    return LibraryDamaged(f"cannot open the library file {path} ({exc}); nothing was changed: "
                          f"{_restore_hint(Path(folder))}")
