"""A full disk and a read-only library folder: one clear line, nothing corrupted,
nothing already saved lost, and everything works again once there is room.

The full disk is real where the tests may mount (a 4 MiB tmpfs, as root in CI);
SQLite's max_page_count gives a full database everywhere. Root ignores
permission bits, so the read-only folder is a read-only bind mount as root and
chmod 555 otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pdfgen import make_pdf
from readerapp.core.backup import make_backup
from readerapp.core.errors import LibraryError
from readerapp.core.library import Library
from readerapp.core.models import Highlight
from reliability_helpers import integrity_ok, user_data


def _cli(folder, *args):
    return subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), *args],
                          capture_output=True, text=True, timeout=120)


def _one_clear_line(r: subprocess.CompletedProcess, *words: str) -> None:
    assert r.returncode == 1, r
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("readerapp: error: "), r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    for word in words:
        assert word in r.stderr, r.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB filesystem of its own (tmpfs); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here ({r.stderr.strip() or 'not root'}); "
                    "the max_page_count test covers a full database")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        try:
            while True:
                os.write(fd, b"\0" * 512)
        except OSError:
            pass
    finally:
        os.close(fd)
    return filler


def test_a_real_full_disk_is_one_clear_message_and_nothing_is_lost(small_disk, tmp_path):
    folder = small_disk / "lib"
    inbox = tmp_path / "inbox"
    for i in range(3):
        make_pdf(inbox / f"p{i}.pdf", [f"paper {i} body " * 400 for _ in range(4)], title=f"Paper {i}")
    with Library(folder) as lib:
        pid = lib.add_paper(title="Saved before the disk filled")
        lib.save_note(pid, problem="acknowledged before the disk filled")
        lib.add_highlight(Highlight(None, pid, 0, [[0, 0, 1, 0, 0, 1, 1, 1]], "quote", comment="mine"))
        made = user_data(lib)
    lib = Library(folder)  # open while there is room (as the app would be when the disk fills)
    filler = _fill(small_disk)
    try:
        with pytest.raises(LibraryError, match="disk .* is full") as err:
            for i in range(20):
                lib.save_note(pid, notes="x" * 200_000 + str(i))
        assert "\n" not in str(err.value) and "nothing already saved was lost" in str(err.value)
        assert not lib.conn.in_transaction  # rolled back: the next change starts clean
        with pytest.raises(LibraryError, match="could not write a backup"):
            make_backup(lib)
        assert user_data(lib) == made
    finally:
        lib.close()
    # the command line on a full disk: one line each, no traceback
    _one_clear_line(_cli(folder, "set", str(pid), "note.notes", "y" * 100_000), "disk", "is full")
    _one_clear_line(_cli(folder, "backup"), "could not write a backup")
    r = _cli(folder, "import", str(inbox))  # either refused at open, or each file reported failed
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    if r.stderr.startswith("readerapp: error: "):
        _one_clear_line(r, "is full")
    else:
        lines = r.stdout.strip().splitlines()
        assert len(lines) == 3 and all("is full" in line for line in lines), r.stdout
        assert r.stderr.strip() == "3 file(s): 3 failed"
    _one_clear_line(_cli(small_disk / "new-library", "list"), "is full")  # cannot even create one
    assert integrity_ok(folder)
    filler.unlink()  # room again: everything works, nothing was lost
    with Library(folder) as lib:
        assert {k: v for k, v in user_data(lib).items() if k in made} == made
        lib.save_note(pid, notes="after freeing space")
        assert lib.get_note(pid).notes == "after freeing space"
        assert lib.get_note(pid).problem == "acknowledged before the disk filled"
    assert integrity_ok(folder)


def test_a_full_database_is_one_clear_message_and_nothing_is_corrupted(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title="Safe")
        lib.save_note(pid, problem="saved before the disk filled")
        pages = lib.conn.execute("PRAGMA page_count").fetchone()[0]
        lib.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # the database cannot grow any more
        with pytest.raises(LibraryError, match="reached its size limit") as err:
            for i in range(200):
                lib.save_note(pid, notes="x" * 20000 + str(i))
        assert "\n" not in str(err.value)
        assert "disk" not in str(err.value)  # the disk has room: saying it is full would send the user astray
        assert not lib.conn.in_transaction
        assert lib.get_note(pid).problem == "saved before the disk filled"
        lib.save_note(pid, results="small")  # what fits still saves
        assert lib.get_note(pid).results == "small"
    assert integrity_ok(folder)


def test_read_only_library_folder_is_refused_clearly(tmp_path):
    folder = tmp_path / "ro"
    with Library(folder) as lib:
        pid = lib.add_paper(title="x")
        lib.save_note(pid, notes="kept")
    as_root = os.geteuid() == 0
    if as_root:  # root ignores permission bits: a read-only bind mount
        r = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"running as root without mount rights: {r.stderr.decode().strip()}")
    else:
        folder.chmod(0o555)
    try:
        assert not os.access(folder, os.W_OK)
        with pytest.raises(LibraryError, match="read-only"):
            Library(folder)
        _one_clear_line(_cli(folder, "list"), "read-only")
        _one_clear_line(_cli(folder, "set", str(pid), "note.notes", "lost?"), "read-only")
    finally:
        if as_root:
            subprocess.run(["umount", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)
    assert integrity_ok(folder)
    with Library(folder) as lib:
        assert lib.count_papers() == 1 and lib.get_note(pid).notes == "kept"
