"""Issue 12, case 9: the CLI with hostile text, odd arguments, bad values and a held lock,
and the GUI entry point's log file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from readerapp.core.library import LOCK_FILE, Library

HOSTILE = "Evil\x1b]0;owned\x07 title\x1b[2J\x9b31m\u202egnp.exe\x08\x7f end"
CONTROL = ("\x1b", "\x07", "\x9b", "\u202e", "\x08", "\x7f")


def _cli(folder, *args, timeout=120, env=None):
    cmd = [sys.executable, "-m", "readerapp", "--library", os.fsencode(folder), *args]
    r = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
    r.stdout, r.stderr = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    return r


def test_terminal_escapes_in_untrusted_text_are_not_printed(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title=HOSTILE, authors=["Mallory\x1b[8m"])
        lib.save_note(pid, notes="hidden\x1b[8m text\r\x1b[1Aup")
        lib.set_tags(pid, ["tag\x1b[31m"])
    for args in (("list",), ("show", str(pid)), ("search", "Evil")):
        r = _cli(folder, *args)
        assert r.returncode == 0, r.stderr
        for c in CONTROL:
            assert c not in r.stdout and c not in r.stderr, (args, c, r.stdout)
        assert "Evil" in r.stdout
    r = _cli(folder, "show", str(pid), "--json")  # JSON keeps the data, escaped
    for c in CONTROL:
        assert c not in r.stdout
    assert json.loads(r.stdout)["title"] == HOSTILE.strip()


def test_out_of_range_ids_and_undecodable_arguments_get_one_line(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        lib.add_paper(title="x")
    for args in (("show", "99999999999999999999"), ("set", "99999999999999999999", "title", "y"),
                 ("search", "x", "--paper", "99999999999999999999"), ("show", b"\xff\xfe"),
                 ("search", b"caf\xe9")):
        r = _cli(folder, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.count("\n") <= 2 and "unexpected" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = _cli(folder, "search", b"caf\xe9")
    assert "UTF-8" in r.stderr and r.stderr.count("\n") == 1


def test_set_validates_dates_and_titles(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title="Kept title")
    for field, value in (("date_read", "notadate"), ("date_read", "2024-13-45"), ("title", ""), ("title", "   ")):
        r = _cli(folder, "set", str(pid), field, value)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, (field, value, r.stderr)
    assert _cli(folder, "set", str(pid), "date_read", "2024-05-01").returncode == 0
    with Library(folder) as lib:
        p = lib.get_paper(pid)
        assert p.title == "Kept title" and p.date_read == "2024-05-01"


def test_a_held_library_lock_gives_one_line_naming_the_holder(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        lib.add_paper(title="x")
    code = ("import fcntl, sys, time\nfh = open(sys.argv[1], 'a+')\nfcntl.flock(fh, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\ntime.sleep(120)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(folder / LOCK_FILE)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        start = time.monotonic()
        try:
            r = _cli(folder, "list", timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("`readerapp list` waited for the lock for 30 s without a word")
        took = time.monotonic() - start
        assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
        assert f"process {holder.pid}" in r.stderr and str(folder) in r.stderr
        assert took < 20
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_the_gui_entry_point_writes_the_log_file(tmp_path):
    logs = tmp_path / "logs"
    env = dict(os.environ, READERAPP_LOG_DIR=str(logs), READERAPP_EXIT_AFTER_SHOW_MS="300",
               QT_QPA_PLATFORM="offscreen")
    code = "import sys\nfrom readerapp.app import main\nsys.exit(main(['--library', sys.argv[1]]))\n"
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "lib")], capture_output=True, text=True,
                       timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    text = (logs / "readerapp.log").read_text(encoding="utf-8")
    assert "window starting" in text
