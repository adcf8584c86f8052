"""Backups of what users make (SQLite backup API) and a restore that is safe:
the backup is verified first, the current state is backed up, and a library
another readerapp has open is refused."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from readerapp.core import db
from readerapp.core.backup import list_backups, make_backup, maybe_backup, restore, verify_backup
from readerapp.core.errors import LibraryError, LibraryLocked, NotFound
from readerapp.core.library import Library
from readerapp.core.models import Highlight
from readerapp.core.settings import load_settings, save_settings, settings_path
from reliability_helpers import integrity_ok, user_data


def _cli(folder, *args):
    return subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), *args],
                          capture_output=True, text=True, timeout=120)


def test_backup_restore_round_trip(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title="Before")
        lib.save_note(pid, results="kept in the backup")
        hid = lib.add_highlight(Highlight(None, pid, 2, [[1, 2, 3, 2, 1, 4, 3, 4]], "quoted", comment="mine"))
        made = user_data(lib)
        first = make_backup(lib)
        lib.update_paper(pid, title="After")
        lib.save_note(pid, results="changed later")
        lib.delete_highlight(hid)
        later = lib.add_paper(title="Added after the backup")
        after = user_data(lib)
        assert maybe_backup(lib, interval_hours=6) is None  # one is recent enough
    verify_backup(first.path)
    safety = restore(folder, first.path)
    assert integrity_ok(folder)
    with Library(folder) as lib:
        assert user_data(lib) == made
        assert later not in lib.all_paper_ids()
        assert lib.search("Added after the backup") == []  # the index was repaired
        assert lib.search("Before")[0].paper_id == pid
        assert lib.search("kept in the backup")[0].paper_id == pid
    assert "before-restore" in safety.name and safety.exists()
    restore(folder, safety)  # and back again: the state before the restore was not lost
    with Library(folder) as lib:
        assert user_data(lib) == after


def test_backups_are_pruned_and_listed_newest_first(tmp_path):
    with Library(tmp_path / "lib") as lib:
        lib.add_paper(title="x")
        for _ in range(5):
            make_backup(lib, keep=3)
        backups = list_backups(lib.folder)
    assert len(backups) == 3
    assert backups == sorted(backups, key=lambda b: (b.created, b.path.name), reverse=True)
    for b in backups:
        verify_backup(b.path)


def test_automatic_backup_follows_the_interval_and_keep_settings(tmp_path):
    saved = settings_path().read_bytes() if settings_path().exists() else None
    settings = load_settings()
    settings.backup_keep, settings.backup_interval_hours = 2, 3.0
    save_settings(settings)
    try:
        folder = tmp_path / "lib"
        with Library(folder) as lib:
            assert maybe_backup(lib) is None  # an empty library: nothing to back up yet
            lib.add_paper(title="x")
            first = maybe_backup(lib)
            assert first is not None and first.reason == "auto"
            assert maybe_backup(lib) is None  # within the interval
            # the newest backup is now 4 hours old: the next start takes one
            old = datetime.now() - timedelta(hours=4)
            aged = first.path.with_name(f"library-{old:%Y%m%d-%H%M%S}-auto.sqlite3")
            first.path.rename(aged)
            second = maybe_backup(lib)
            assert second is not None and second.path != aged
            old = datetime.now() - timedelta(hours=8)
            second.path.rename(second.path.with_name(f"library-{old:%Y%m%d-%H%M%S}-auto.sqlite3"))
            maybe_backup(lib)
            assert len(list_backups(folder)) == 2  # backup_keep
        # the CLI takes the due backup when it opens the library
        for b in list_backups(folder):
            b.path.unlink()
        assert _cli(folder, "list").returncode == 0
        assert [b.reason for b in list_backups(folder)] == ["auto"]
    finally:
        if saved is None:
            settings_path().unlink()
        else:
            settings_path().write_bytes(saved)


def test_restore_refuses_while_the_library_is_open_and_refuses_bad_backups(tmp_path):
    folder = tmp_path / "lib"
    lib = Library(folder)
    pid = lib.add_paper(title="x")
    lib.save_note(pid, notes="must survive refused restores")
    backup = make_backup(lib)
    with pytest.raises(LibraryLocked, match="open in another readerapp"):
        restore(folder, backup.path)
    # another process has it open
    lib.close()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom readerapp.core.library import Library\n"
                               f"lib = Library({str(folder)!r}); print('open', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(LibraryLocked):
            restore(folder, backup.path)
        r = _cli(folder, "restore", "--latest")
        assert r.returncode == 1 and r.stderr.count("\n") == 1 and "open in another readerapp" in r.stderr
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(LibraryError, match="not a readerapp library backup"):
        restore(folder, junk)
    with pytest.raises(NotFound):
        restore(folder, tmp_path / "missing.sqlite3")
    # a damaged backup: a page in the middle overwritten
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(backup.path.read_bytes())
    page = 4096
    assert len(data) >= 4 * page
    data[2 * page:3 * page] = os.urandom(page)
    damaged.write_bytes(bytes(data))
    with pytest.raises(LibraryError, match="damaged|not a readerapp"):
        restore(folder, damaged)
    # a backup made by a newer readerapp
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(backup.path.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {db.latest_version('library') + 1}")
    conn.close()
    with pytest.raises(LibraryError, match="newer readerapp"):
        restore(folder, newer)
    with Library(folder) as lib:
        assert lib.get_note(pid).notes == "must survive refused restores"
    assert not [b for b in list_backups(folder) if b.reason == "before-restore"]  # nothing was touched


def test_cli_backup_and_restore(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title="Original")
        lib.save_note(pid, problem="问题")
    assert _cli(folder, "backup").returncode == 0
    listed = json.loads(_cli(folder, "backup", "--list", "--json").stdout)
    assert listed and listed[0]["reason"] == "manual"
    assert _cli(folder, "set", str(pid), "title", "Changed").returncode == 0
    r = _cli(folder, "restore", "--latest")
    assert r.returncode == 0 and "restored" in r.stdout
    assert json.loads(_cli(folder, "show", str(pid), "--json").stdout)["title"] == "Original"
    listed = json.loads(_cli(folder, "backup", "--list", "--json").stdout)
    assert any(b["reason"] == "before-restore" for b in listed)
    before_restore = next(b["path"] for b in listed if b["reason"] == "before-restore")
    time.sleep(0.01)
    r = _cli(folder, "restore", before_restore)
    assert r.returncode == 0
    assert json.loads(_cli(folder, "show", str(pid), "--json").stdout)["title"] == "Changed"
    r = _cli(folder, "restore", str(tmp_path / "nope.sqlite3"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
