"""The xcb pre-check: one line naming the packages and exit 1 instead of Qt's abort (exit 134)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from readerapp import xcbcheck

REPO = Path(__file__).resolve().parents[1]


def test_xcb_is_checked_only_where_qt_would_use_it():
    assert xcbcheck.would_use_xcb({"DISPLAY": ":0"}, "linux")
    assert not xcbcheck.would_use_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not xcbcheck.would_use_xcb({}, "linux")
    assert not xcbcheck.would_use_xcb({"DISPLAY": ":0"}, "darwin")
    assert not xcbcheck.would_use_xcb({"DISPLAY": ":0"}, "win32")
    assert not xcbcheck.would_use_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0",
                                       "XDG_SESSION_TYPE": "wayland"}, "linux")


def test_missing_packages_are_named_once_in_table_order():
    libs = {"liba.so.1": "pkg-a", "libb.so.1": "pkg-b", "libb2.so.1": "pkg-b", "libc.so.1": "pkg-c"}
    missing = xcbcheck.missing_packages(libs, loader=lambda name: name == "libc.so.1")
    assert missing == ["pkg-a", "pkg-b"]
    assert "sudo apt-get install pkg-a pkg-b" in xcbcheck.message(missing)


def test_a_missing_xcb_library_gives_one_line_and_exit_1_not_a_qt_abort(tmp_path):
    """The app on a DISPLAY with a library Qt's xcb plugin needs missing (simulated by adding one
    that exists nowhere): exit 1 and one line on stderr naming the package; Qt is never started
    (without the check Qt aborts with 134)."""
    code = ("import sys; from readerapp import xcbcheck; "
            "xcbcheck.XCB_LIBRARIES['libreaderapp-absent.so.7'] = 'libreaderapp-absent7'; "
            "from readerapp.app import main; sys.exit(main(['--library', sys.argv[1]]))")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":93", PYTHONPATH=str(REPO), HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "lib")], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 1, (r.returncode, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    assert "libreaderapp-absent7" in lines[0] and "apt-get install" in lines[0]
