"""Backups of what users make (library.sqlite3), with the SQLite backup API.

A backup is taken when the app starts (when the newest is older than the
configured interval) and on demand; the newest N are kept. Restore checks the
backup first, takes a backup of the current state, needs the library to
itself (no other readerapp may have it open), and repairs the derived index
afterwards. The derived index is never backed up: it is rebuilt from the PDFs.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from readerapp.core import db
from readerapp.core.errors import LibraryError, LibraryLocked, NotFound

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
_STAMP = "%Y%m%d-%H%M%S"


@dataclass
class BackupInfo:
    path: Path
    created: datetime
    size: int
    reason: str

    def to_json(self) -> dict:
        return {"path": str(self.path), "created": self.created.isoformat(timespec="seconds"),
                "size": self.size, "reason": self.reason}


def backups_dir(folder: Path) -> Path:
    return Path(folder) / BACKUP_DIR


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups of the library in `folder`, newest first."""
    out = []
    for path in backups_dir(folder).glob("library-*.sqlite3"):
        parts = path.stem.split("-")
        try:
            created = datetime.strptime(f"{parts[1]}-{parts[2]}", _STAMP)
        except (IndexError, ValueError):
            continue
        reason = "-".join(parts[3:]) or "manual"
        out.append(BackupInfo(path, created, path.stat().st_size, reason))
    out.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return out


def _new_backup_path(folder: Path, reason: str) -> Path:
    stamp = datetime.now().strftime(_STAMP)
    path = backups_dir(folder) / f"library-{stamp}-{reason}.sqlite3"
    n = 1
    while path.exists():  # two backups in one second
        path = backups_dir(folder) / f"library-{stamp}-{reason}{n}.sqlite3"
        n += 1
    return path


def make_backup(library, reason: str = "manual", keep: int | None = None) -> BackupInfo:
    """A consistent copy of the user library; prunes to the newest `keep` backups."""
    if keep is None:
        keep = _settings().backup_keep
    now = datetime.now()
    folder = backups_dir(library.folder)
    path = _new_backup_path(library.folder, reason)
    try:
        library.backup_to(path)
    except (OSError, sqlite3.Error) as exc:
        raise LibraryError(f"could not write a backup to {folder}: {exc}") from exc
    for old in list_backups(library.folder)[max(1, keep):]:
        try:
            old.path.unlink()
        except OSError:
            log.warning("could not remove old backup %s", old.path)
    return list_backups(library.folder)[0] if list_backups(library.folder) else BackupInfo(path, now, 0, reason)


def maybe_backup(library, *, interval_hours: float | None = None, keep: int | None = None) -> BackupInfo | None:
    """Back up when the newest backup is older than the interval (or there is none)."""
    settings = _settings()
    interval = settings.backup_interval_hours if interval_hours is None else interval_hours
    if library.count_papers() == 0:
        return None  # nothing made yet
    latest = list_backups(library.folder)
    if latest and datetime.now() - latest[0].created < timedelta(hours=interval):
        return None
    try:
        return make_backup(library, "auto", keep if keep is not None else settings.backup_keep)
    except LibraryError as exc:  # a failed automatic backup must not stop the app
        log.warning("%s", exc)
        return None


def verify_backup(path: Path) -> None:
    """Raise LibraryError unless `path` is an intact readerapp library this app can open."""
    if not path.is_file():
        raise NotFound(f"no backup at {path}")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise LibraryError(f"the backup {path.name} is damaged (integrity check failed)")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"{path.name} is not a readerapp library backup ({exc})") from exc
    if not {"papers", "files", "notes", "highlights"} <= tables:
        raise LibraryError(f"{path.name} is not a readerapp library backup")
    if version > db.latest_version("library"):
        raise LibraryError(f"the backup {path.name} was made by a newer readerapp")


def restore(folder: Path, backup: Path) -> Path:
    """Replace the user library in `folder` by `backup`. Returns the safety backup
    taken of the state before the restore."""
    import fcntl

    from readerapp.core.library import LOCK_FILE, Library

    folder = Path(folder)
    backup = Path(backup)
    verify_backup(backup)
    lock_path = folder / LOCK_FILE
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise LibraryLocked(f"the library {folder} is open in another readerapp; close it, then restore") \
                from None
        safety = None
        if (folder / db.LIBRARY_FILE).exists():
            conn = db.connect(folder / db.LIBRARY_FILE)
            try:
                safety = _new_backup_path(folder, "before-restore")
                try:
                    safety.parent.mkdir(parents=True, exist_ok=True)
                    target = sqlite3.connect(str(safety))
                    try:
                        conn.backup(target)
                    finally:
                        target.close()
                except (OSError, sqlite3.Error) as exc:
                    safety.unlink(missing_ok=True)
                    raise LibraryError(f"could not back up the current library before restoring ({exc}); "
                                       "nothing was restored") from exc
                source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    source.backup(conn)  # page by page, inside SQLite's own locking: never half a file
                finally:
                    source.close()
            finally:
                conn.close()
        else:
            folder.mkdir(parents=True, exist_ok=True)
            conn = db.connect(folder / db.LIBRARY_FILE)
            source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
            try:
                source.backup(conn)
            finally:
                source.close()
                conn.close()
        fcntl.flock(lock, fcntl.LOCK_UN)
    # The derived index may describe papers that no longer exist, or miss some.
    from readerapp.core.maintenance import repair

    with Library(folder) as lib:
        repair(lib, refresh_all=True)
    return safety or backup


def _settings():
    from readerapp.core.settings import load_settings

    return load_settings()
