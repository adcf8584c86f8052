"""Issue 12, cases 1-3: backups that cannot rot, and a restore that works when
the library file is damaged, empty or missing (and never a silent empty library)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from readerapp.core import db
from readerapp.core import backup as backup_mod
from readerapp.core.backup import list_backups, make_backup, maybe_backup, restore, verify_backup
from readerapp.core.errors import LibraryError
from readerapp.core.library import Library
from reliability_helpers import integrity_ok, user_data


def _cli(folder, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), *args],
                          capture_output=True, text=True, timeout=timeout)


def _make_library(folder: Path, papers: int = 400) -> dict:
    with Library(folder) as lib:
        for i in range(papers):
            pid = lib.add_paper(title=f"Paper number {i}", year=1990 + i % 30,
                                doi=f"10.1234/a-rather-long-digital-object-identifier.{i:06d}")
            if i % 50 == 0:
                lib.save_note(pid, notes=f"note {i}")
        data = user_data(lib)
    return data


def _damage_two_index_pages(folder: Path) -> None:
    """Change the keys stored in two leaf pages of the papers_doi index (bit rot: the
    tables stay readable, `list` and `search` work, integrity_check fails)."""
    path = folder / db.LIBRARY_FILE
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = [r[0] for r in conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'papers_doi' AND pagetype = 'leaf' ORDER BY pageno")]
    conn.close()
    assert len(pages) >= 3, pages
    with open(path, "r+b") as fh:
        for pageno in pages[1:3]:
            fh.seek((pageno - 1) * size)
            page = fh.read(size)
            assert b"digital" in page
            fh.seek((pageno - 1) * size)
            fh.write(page.replace(b"digital", b"DIGITAL"))


def _rename_to(b, when: datetime, reason: str) -> Path:
    new = b.path.with_name(f"library-{when:%Y%m%d-%H%M%S}-{reason}.sqlite3")
    b.path.rename(new)
    return new


def test_a_damaged_library_stops_backups_and_never_prunes_a_good_one(tmp_path):
    """Case 1: two damaged index pages; 12 manual + automatic backups keep all 3 good ones."""
    folder = tmp_path / "lib"
    made = _make_library(folder)
    now = datetime.now()
    with Library(folder) as lib:  # three good backups, the newest older than the 6 h interval
        good = [_rename_to(make_backup(lib, keep=10), now - timedelta(hours=h), "auto") for h in (9, 8, 7)]
    _damage_two_index_pages(folder)
    assert not integrity_ok(folder)
    r = _cli(folder, "list")  # still works, but says why backups stopped
    assert r.returncode == 0
    warning = [ln for ln in r.stderr.splitlines() if "warning" in ln]
    assert len(warning) == 1 and str(folder / db.LIBRARY_FILE) in warning[0] and "damaged" in warning[0]
    assert str(good[-1]) in warning[0]
    with Library(folder) as lib:
        for _ in range(12):
            with pytest.raises(LibraryError, match="damaged"):
                make_backup(lib, keep=10)
            assert maybe_backup(lib, interval_hours=0, keep=10) is None
        assert str(good[-1]) in backup_mod.library_problem(folder)
    r = _cli(folder, "backup")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and str(good[-1]) in r.stderr
    kept = list_backups(folder)
    assert sorted(b.path for b in kept) == sorted(good)
    for b in kept:
        verify_backup(b.path)
    r = _cli(folder, "restore", "--latest")
    assert r.returncode == 0, r.stderr
    assert integrity_ok(folder)
    with Library(folder) as lib:
        assert user_data(lib) == made
    assert backup_mod.library_problem(folder) is None


def test_pruning_keeps_the_newest_verified_backups(tmp_path):
    """Case 1: 5 damaged backups newer than the 3 good ones; keep=3 keeps the good ones."""
    folder = tmp_path / "lib"
    _make_library(folder, papers=5)
    now = datetime.now()
    with Library(folder) as lib:
        good = []
        for hours in (3, 2, 1):
            b = make_backup(lib, keep=10)
            good.append(_rename_to(b, now - timedelta(hours=hours), "auto"))
        data = good[-1].read_bytes()
        bad = []
        for minutes in range(50, 0, -10):
            p = folder / "backups" / f"library-{now - timedelta(minutes=minutes):%Y%m%d-%H%M%S}-auto.sqlite3"
            p.write_bytes(data[:4096] + os.urandom(len(data) - 4096))
            bad.append(p)
        newest = make_backup(lib, keep=3)
    left = {b.path for b in list_backups(folder)}
    assert newest.path in left and good[2] in left and good[1] in left  # the 3 newest verified
    assert good[0] not in left
    assert set(bad) <= left  # newer than a kept good one: not pruned either


def test_restore_works_when_the_library_file_is_garbage(tmp_path):
    """Case 2: library.sqlite3 replaced by garbage; restore puts the backup back and keeps the garbage."""
    folder = tmp_path / "lib"
    made = _make_library(folder, papers=8)
    with Library(folder) as lib:
        backup = make_backup(lib)
    garbage = os.urandom(3 * 4096)
    (folder / db.LIBRARY_FILE).write_bytes(garbage)
    r = _cli(folder, "list")
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert str(folder / db.LIBRARY_FILE) in r.stderr and "restore" in r.stderr
    assert (folder / db.LIBRARY_FILE).read_bytes() == garbage  # nothing changed
    r = _cli(folder, "restore", str(backup.path))
    assert r.returncode == 0, r.stderr
    kept = list((folder / "backups").glob("damaged-*/" + db.LIBRARY_FILE))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage  # byte for byte
    assert integrity_ok(folder)
    with Library(folder) as lib:
        assert user_data(lib) == made


def test_restore_does_not_replay_a_stale_wal_and_leaves_no_wal_beside_backups(tmp_path):
    """Case 2: a -wal beside the library is never replayed over the restored backup."""
    folder = tmp_path / "lib"
    _make_library(folder, papers=3)
    with Library(folder) as lib:
        pid = lib.add_paper(title="In the backup")
        backup = make_backup(lib)
    # another process writes and is killed with its changes only in the -wal
    code = ("import os, sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')\n"
            "c.execute(\"UPDATE papers SET title = 'stale wal' WHERE id = ?\", (int(sys.argv[2]),))\n"
            "os.kill(os.getpid(), 9)\n")
    subprocess.run([sys.executable, "-c", code, str(folder / db.LIBRARY_FILE), str(pid)])
    assert (folder / (db.LIBRARY_FILE + "-wal")).stat().st_size > 0
    restore(folder, backup.path)
    with Library(folder) as lib:
        assert lib.get_paper(pid).title == "In the backup"
    # the state before the restore (with its -wal) was saved, as one file
    before = [b for b in list_backups(folder) if b.reason == "before-restore"]
    assert len(before) == 1
    conn = sqlite3.connect(f"{before[0].path.as_uri()}?mode=ro", uri=True)
    assert conn.execute("SELECT title FROM papers WHERE id = ?", (pid,)).fetchone()[0] == "stale wal"
    conn.close()
    restore(folder, before[0].path)
    assert not [p.name for p in (folder / "backups").iterdir() if p.name.endswith(("-wal", "-shm", "-journal"))]


@pytest.mark.parametrize("state", ["empty", "missing"])
def test_an_empty_or_missing_library_is_refused_not_replaced(tmp_path, state):
    """Case 3: a zero-byte or missing library.sqlite3 beside an index and backups is refused."""
    folder = tmp_path / "lib"
    made = _make_library(folder, papers=6)
    with Library(folder) as lib:
        make_backup(lib)
    path = folder / db.LIBRARY_FILE
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    if state == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
    for args in (("list",), ("import", str(tmp_path)), ("show", "1")):
        r = _cli(folder, *args)
        assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
        assert str(path) in r.stderr and "restore --latest" in r.stderr
    with pytest.raises(LibraryError, match="restore"):
        Library(folder)
    assert (path.stat().st_size == 0) if state == "empty" else not path.exists()
    r = _cli(folder, "restore", "--latest")
    assert r.returncode == 0, r.stderr
    with Library(folder) as lib:
        assert user_data(lib) == made


def test_a_new_folder_still_becomes_a_new_library(tmp_path):
    with Library(tmp_path / "fresh") as lib:
        assert lib.count_papers() == 0
