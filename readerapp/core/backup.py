"""Backups of what users make (library.sqlite3), with the SQLite backup API.

A backup is taken when the app starts (when the newest is older than the
configured interval) and on demand. Before each backup the library is checked
(``integrity_check`` and ``foreign_key_check``): a damaged library is never
backed up and never causes a prune; the problem is recorded (``library_problem``
gives the one line to show: the CLI prints it, the GUI shows a banner). Each
backup is verified after it is written, and pruning keeps the newest ``keep``
*verified* backups, so good backups cannot be rotated out by bad ones.

Restore checks the backup first (on a private copy, with its ``-wal`` if it has
one), needs the library to itself, moves the current files aside byte for byte
(never opening them in place: they may be garbage, empty or missing) and only
then puts the backup in place; no stale ``-wal`` can be replayed over it. The
derived index is repaired afterwards; it is never backed up.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from readerapp.core import db
from readerapp.core.errors import LibraryDamaged, LibraryError, LibraryLocked, NotFound

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
HEALTH_FILE = "health.json"  # in the backups folder: the last failed check, removed by a good one
_STAMP = "%Y%m%d-%H%M%S"
_SIDE_FILES = ("-wal", "-shm", "-journal")
_REQUIRED_TABLES = {"papers", "files", "notes", "highlights"}


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
            size = path.stat().st_size
        except (IndexError, ValueError, OSError):
            continue
        reason = "-".join(parts[3:]) or "manual"
        out.append(BackupInfo(path, created, size, reason))
    out.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return out


def _new_backup_path(folder: Path, reason: str) -> Path:
    """A new backup name whose time stamp sorts after every existing backup
    (several backups in one second take the following seconds)."""
    when = datetime.now().replace(microsecond=0)
    existing = list_backups(folder)
    if existing and existing[0].created >= when:
        when = existing[0].created + timedelta(seconds=1)
    while True:
        path = backups_dir(folder) / f"library-{when.strftime(_STAMP)}-{reason}.sqlite3"
        if not path.exists() and not path.with_name(path.name + ".part").exists():
            return path
        when += timedelta(seconds=1)


# ---------------------------------------------------------------- checks
def check_connection(conn: sqlite3.Connection, schema: str = "main") -> str | None:
    """None when the database behind `conn` is intact; else a short reason
    (integrity_check, then foreign_key_check)."""
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {schema}.integrity_check(5)").fetchall()]
        if rows != ["ok"]:
            return "integrity check failed: " + "; ".join(str(r) for r in rows)[:200]
        bad = conn.execute(f"PRAGMA {schema}.foreign_key_check").fetchmany(3)
        if bad:
            return "foreign key check failed: " + "; ".join(f"{r[0]} row {r[1]} -> {r[2]}" for r in bad)
    except sqlite3.DatabaseError as exc:
        return f"unreadable ({exc})"
    return None


def _check_schema(conn: sqlite3.Connection, name: str) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not _REQUIRED_TABLES <= tables:
        raise LibraryError(f"{name} is not a readerapp library backup")
    if version > db.latest_version("library"):
        raise LibraryError(f"the backup {name} was made by a newer readerapp")


VERIFIED_FILE = "verified.json"  # in the backups folder: {name: [size, mtime_ns]} of backups that passed
_verified: dict[tuple[str, int, int], bool] = {}


def _file_key(path: Path) -> tuple[str, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path), st.st_size, st.st_mtime_ns


def _verified_record(folder: Path) -> dict:
    try:
        data = json.loads((folder / VERIFIED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember_verified(path: Path) -> None:
    """Note that `path` (as it is now: size and mtime) passed; later processes skip re-checking it."""
    key = _file_key(path)
    if key is None:
        return
    _verified[key] = True
    record = _verified_record(path.parent)
    record = {name: v for name, v in record.items() if (path.parent / name).exists()}
    record[path.name] = [key[1], key[2]]
    try:
        tmp = path.parent / (VERIFIED_FILE + ".tmp")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        tmp.replace(path.parent / VERIFIED_FILE)
    except OSError:
        pass


def is_verified(path: Path) -> bool:
    """Whether `path` passes verify_backup. Remembered per file size and mtime, in this
    process and in the backups folder (a backup is checked once, not at every command)."""
    key = _file_key(path)
    if key is None:
        return False
    if key not in _verified:
        if _verified_record(path.parent).get(path.name) == [key[1], key[2]]:
            _verified[key] = True
            return True
        try:
            verify_backup(path)
        except (LibraryError, NotFound):
            _verified[key] = False
        else:
            _remember_verified(path)
    return _verified[key]


def newest_good_backup(folder: Path) -> BackupInfo | None:
    for b in list_backups(folder):
        if is_verified(b.path):
            return b
    return None


def verify_backup(path: Path) -> None:
    """Raise LibraryError unless `path` is an intact readerapp library this app can open.

    A file with a ``-wal`` beside it is checked on a private copy of both (so the
    log is part of what is checked and nothing is written beside the backup);
    a plain file is opened immutable (no -wal or -shm is created)."""
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"no backup at {path}")
    if any(Path(str(path) + s).exists() for s in ("-wal",)):
        with tempfile.TemporaryDirectory(prefix="readerapp-verify-") as tmp:
            _prepared_copy(path, Path(tmp) / "check.sqlite3")
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        try:
            _check_backup(conn, path.name)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"{path.name} is not a readerapp library backup ({exc})") from exc


def _check_backup(conn: sqlite3.Connection, name: str) -> None:
    """Integrity, references and schema of the backup `name` open on `conn`: LibraryError when it
    is damaged, sqlite3.DatabaseError when it cannot be read at all."""
    problem = check_connection(conn)
    if problem and problem.startswith("unreadable"):
        raise sqlite3.DatabaseError(problem)
    if problem:
        raise LibraryError(f"the backup {name} is damaged ({problem})")
    _check_schema(conn, name)


def _prepared_copy(source: Path, dest: Path) -> None:
    """Copy `source` (and its -wal, if any) to `dest`, fold the log in, check it and
    leave `dest` as one self-contained file (rollback journal mode). Raises LibraryError."""
    for suffix in _SIDE_FILES:
        Path(str(dest) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, dest)
    wal = Path(str(source) + "-wal")
    if wal.exists():
        shutil.copyfile(wal, str(dest) + "-wal")
    try:
        conn = sqlite3.connect(str(dest), isolation_level=None)
        try:
            _check_backup(conn, source.name)
            conn.execute("PRAGMA journal_mode = DELETE")  # folds the log in; no -wal left
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"{source.name} is not a readerapp library backup ({exc})") from exc
    _fsync(dest)


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (best effort)."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


# ---------------------------------------------------------------- health
def _health_path(folder: Path) -> Path:
    return backups_dir(folder) / HEALTH_FILE


def library_problem(folder: Path) -> str | None:
    """The one line describing why backups are stopped (a failed check of the
    library), or None when the last check passed. For the CLI and a GUI banner."""
    try:
        data = json.loads(_health_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("problem") if isinstance(data, dict) else None


def _record_problem(folder: Path, message: str) -> None:
    try:
        backups_dir(folder).mkdir(parents=True, exist_ok=True)
        tmp = _health_path(folder).with_suffix(".tmp")
        tmp.write_text(json.dumps({"problem": message, "checked": datetime.now().isoformat(timespec="seconds")}),
                       encoding="utf-8")
        tmp.replace(_health_path(folder))
    except OSError:
        log.warning("could not record the library problem in %s", backups_dir(folder))


def _clear_problem(folder: Path) -> None:
    try:
        _health_path(folder).unlink(missing_ok=True)
    except OSError:
        pass


def damaged_message(lib_path: Path, detail: str, folder: Path) -> str:
    good = newest_good_backup(folder)
    if good is not None:
        where = (f"the newest good backup is {good.path} ({good.created:%Y-%m-%d %H:%M}); restore it with "
                 f"`readerapp --library {folder} restore {good.path}`")
    else:
        where = f"there is no intact backup: copy {lib_path} somewhere safe before changing anything"
    return (f"the library file {lib_path} is damaged ({detail}); backups are stopped and none was pruned; "
            f"{where}")


# ---------------------------------------------------------------- backing up
def make_backup(library, reason: str = "manual", keep: int | None = None) -> BackupInfo:
    """A checked, verified copy of the user library; then prunes to the newest
    `keep` verified backups. Raises LibraryDamaged (nothing written, nothing
    pruned) when the library fails its check."""
    if keep is None:
        keep = _settings().backup_keep
    folder = backups_dir(library.folder)
    problem = _check_library(library)
    if problem:
        message = damaged_message(library.lib_path, problem, library.folder)
        _record_problem(library.folder, message)
        log.error("%s", message)
        raise LibraryDamaged(message)
    _clear_problem(library.folder)
    path = _new_backup_path(library.folder, reason)
    tmp = path.with_name(path.name + ".part")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            library.copy_into(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            problem = check_connection(target)
        finally:
            target.close()
        if problem:
            raise LibraryError(f"the new backup did not verify ({problem})")
        _fsync(tmp)
        tmp.replace(path)
    except (OSError, sqlite3.Error, LibraryError) as exc:
        for suffix in ("", *_SIDE_FILES):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        raise LibraryError(f"could not write a backup to {folder}: {exc}") from exc
    _remember_verified(path)
    prune(library.folder, keep)
    return next((b for b in list_backups(library.folder) if b.path == path), None) or \
        BackupInfo(path, datetime.now(), path.stat().st_size, reason)


def _check_library(library) -> str | None:
    """check_connection on a connection of its own (WAL: a consistent snapshot), so the
    check never holds the library's lock while the user saves notes."""
    try:
        conn = db.connect_readonly(library.lib_path)
    except sqlite3.Error as exc:
        return f"unreadable ({exc})"
    try:
        return check_connection(conn)
    finally:
        conn.close()


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete backups older than the newest `keep` verified ones. Damaged or
    unreadable backups never count towards `keep`."""
    keep = max(1, keep)
    good = 0
    removed = []
    for b in list_backups(folder):
        if good >= keep:
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError:
                log.warning("could not remove old backup %s", b.path)
        elif is_verified(b.path):
            good += 1
    return removed


def maybe_backup(library, *, interval_hours: float | None = None, keep: int | None = None) -> BackupInfo | None:
    """Back up when the newest backup is older than the interval (or there is none).

    Never raises: a failed backup is logged, and a damaged library is recorded
    (see library_problem)."""
    settings = _settings()
    interval = settings.backup_interval_hours if interval_hours is None else interval_hours
    try:
        if library.count_papers() == 0:
            return None  # nothing made yet
    except LibraryError:
        pass
    except sqlite3.DatabaseError:
        pass  # the check below says what is wrong
    latest = list_backups(library.folder)
    if latest and datetime.now() - latest[0].created < timedelta(hours=interval):
        return None
    try:
        return make_backup(library, "auto", keep if keep is not None else settings.backup_keep)
    except LibraryDamaged:  # logged and recorded by make_backup
        return None
    except LibraryError as exc:  # a failed automatic backup must not stop the app
        log.warning("%s", exc)
        return None


# ---------------------------------------------------------------- restore
def restore(folder: Path, backup: Path) -> Path:
    """Replace the user library in `folder` by `backup`. Returns where the state
    before the restore was saved: a backup file, or (when the library file was
    damaged, empty or missing) a folder holding its files exactly as they were."""
    from readerapp.core import locking
    from readerapp.core.library import LOCK_FILE, Library

    folder = Path(folder).expanduser()
    backup = Path(backup).expanduser()
    verify_backup(backup)
    folder.mkdir(parents=True, exist_ok=True)
    backups_dir(folder).mkdir(parents=True, exist_ok=True)
    live = folder / db.LIBRARY_FILE
    incoming = folder / (db.LIBRARY_FILE + ".restoring")
    try:
        lock = locking.acquire(folder / LOCK_FILE, exclusive=True, wait=0)
    except LibraryLocked:
        pid = locking.holder_pid(folder / LOCK_FILE)
        raise LibraryLocked(f"the library {folder} is open in another readerapp"
                            f"{f' (process {pid})' if pid else ''}; close it, then restore") from None
    try:
        try:
            _prepared_copy(backup, incoming)
        except OSError as exc:
            raise LibraryError(f"could not copy {backup} into {folder} ({exc.strerror or exc}); "
                               "nothing was restored") from exc
        except BaseException:
            for suffix in ("", *_SIDE_FILES):
                Path(str(incoming) + suffix).unlink(missing_ok=True)
            raise
        saved = _move_aside(folder)
        os.replace(incoming, live)
        _fsync(folder)
    finally:
        if lock is not None:
            lock.close()
    _clear_problem(folder)
    # The derived index may describe papers that no longer exist, or miss some.
    from readerapp.core.maintenance import repair

    with Library(folder) as lib:
        repair(lib, refresh_all=True)
    return saved or backup


def _move_aside(folder: Path) -> Path | None:
    """Move library.sqlite3 and its -wal/-shm out of the way, byte for byte, without
    opening them. When the moved files make an intact library, they are turned into
    a before-restore backup file; else they stay in a `backups/damaged-*` folder."""
    live = folder / db.LIBRARY_FILE
    present = [Path(str(live) + s) for s in ("", *_SIDE_FILES) if Path(str(live) + s).exists()]
    if not present:
        return None
    stamp = datetime.now().strftime(_STAMP)
    raw = backups_dir(folder) / f"damaged-{stamp}"
    n = 1
    while raw.exists():
        raw = backups_dir(folder) / f"damaged-{stamp}-{n}"
        n += 1
    raw.mkdir(parents=True)
    for p in present:
        os.replace(p, raw / p.name)
    _fsync(folder)
    moved = raw / db.LIBRARY_FILE
    if not moved.is_file() or moved.stat().st_size == 0:
        return raw
    # a copy of the moved files is checked: the originals in `raw` stay untouched
    safety = _new_backup_path(folder, "before-restore")
    part = safety.with_name(safety.name + ".part")
    try:
        _prepared_copy(moved, part)
        part.replace(safety)
    except (LibraryError, OSError, sqlite3.Error) as exc:
        log.warning("the library moved aside before a restore is not intact (%s); kept as %s", exc, raw)
        for suffix in ("", *_SIDE_FILES):
            Path(str(part) + suffix).unlink(missing_ok=True)
        return raw
    shutil.rmtree(raw, ignore_errors=True)
    return safety


def _settings():
    from readerapp.core.settings import load_settings

    return load_settings()
