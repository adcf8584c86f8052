"""A first start on a real X server: `readerapp` from the installed script, under Xvfb, on a fresh
library (temporary HOME and XDG folders). Real window, real keyboard (xdotool through XTEST): import a
corpus paper with Ctrl+I and the file dialog, screenshot the screen (xwd), quit with Ctrl+Q.

Fails if the process aborts (Qt's exit 134 when its xcb plugin cannot load), if the window does not
appear, or if the paper is not imported. Skipped, with the reason, only where Xvfb, xdotool or xwd are
missing (`.ci/run` installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.gui.shots import shots_dir, xwd_to_png

pytestmark = [pytest.mark.gui, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "xdotool", "xwd")
PAPER = "goodfellow-gan.pdf"


def _script() -> Path:
    script = Path(sys.executable).parent / "readerapp"
    if not script.exists():
        pytest.skip(f"no installed readerapp script beside {sys.executable} (pip install -e . first)")
    return script


@pytest.fixture
def xserver():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (Debian/Ubuntu: apt-get install xvfb xdotool x11-apps)")
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as fh:
        number = fh.readline().strip()
    assert number.isdigit(), "Xvfb did not report a display"
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


def _env(tmp_path: Path, display: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("READERAPP_") and k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, PYTHONPATH=str(REPO), HOME=str(tmp_path / "home"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    for key in ("home", "data", "config", "cache", "state"):
        (tmp_path / key).mkdir()
    return env


def _xdo(env, *args: str, check: bool = True) -> str:
    r = subprocess.run(["xdotool", *args], capture_output=True, text=True, env=env, timeout=30)
    if check:
        assert r.returncode == 0, (args, r.stderr)
    return r.stdout.strip()


def _wait_window(env, name: str, proc, timeout: float) -> str:
    """The id of the first visible window whose title contains NAME; fails if the app exits first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, f"readerapp exited with {proc.returncode} before '{name}' appeared"
        out = _xdo(env, "search", "--onlyvisible", "--name", name, check=False)
        if out:
            return out.splitlines()[0]
        time.sleep(0.05)
    raise AssertionError(f"no window '{name}' within {timeout} s")


def _press(env, window: str, *keys: str) -> None:
    _xdo(env, "windowfocus", "--sync", window)
    _xdo(env, "key", "--clearmodifiers", *keys)


def test_first_start_under_xvfb_imports_a_paper_through_the_window(xserver, tmp_path, corpus_dir):
    script = _script()
    env = _env(tmp_path, xserver)
    pdf = corpus_dir / PAPER
    log = open(tmp_path / "app.log", "w+")
    t0 = time.monotonic()
    proc = subprocess.Popen([str(script)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        main = _wait_window(env, "readerapp", proc, timeout=60)
        shown = time.monotonic() - t0
        _xdo(env, "mousemove", "--window", main, "400", "300", "click", "1")  # no window manager: focus by click
        _press(env, main, "ctrl+i")
        dialog = _wait_window(env, "Import PDF Files", proc, timeout=20)
        _xdo(env, "windowfocus", "--sync", dialog)
        _xdo(env, "type", "--delay", "5", str(pdf))
        _xdo(env, "key", "Return")
        summary = _wait_window(env, "Import finished", proc, timeout=120)
        shot = shots_dir() / "xvfb-first-start-import.png"
        dump = subprocess.run(["xwd", "-root", "-silent"], capture_output=True, env=env, timeout=30).stdout
        assert xwd_to_png(dump, shot) == (1280, 800)
        _press(env, summary, "Return")
        _press(env, main, "ctrl+q")
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert code == 0, f"readerapp exited with {code}:\n{output}"
    listing = subprocess.run([str(script), "list", "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert listing.returncode == 0, listing.stderr
    papers = json.loads(listing.stdout)
    assert [Path(p["path"]).name for p in papers] == [PAPER], papers
    print(f"window shown {shown:.2f} s after launch under Xvfb; screenshot {shot}")
