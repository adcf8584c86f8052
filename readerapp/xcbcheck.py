"""Before Qt starts on X11: are the system libraries its xcb plugin needs there?

Qt aborts the process (exit 134, a core dump) when its xcb platform plugin
cannot load, with a message that names neither the missing library nor the
package to install. On Linux, when Qt would pick xcb (DISPLAY set, no
QT_QPA_PLATFORM override, not a Wayland session), we try to load each library
the plugin links against and, if some are missing, print one line naming the
Debian/Ubuntu packages and exit 1.

No Qt import here: this runs before PySide6 is touched.
"""

from __future__ import annotations

import ctypes
import os
import sys

# soname -> Debian/Ubuntu package. From `ldd` on PySide6's plugins/platforms/libqxcb.so
# and lib/libQt6XcbQpa.so.6 (PySide6 6.6-6.11); libxcb-cursor is loaded by Qt >= 6.5.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}


def would_use_xcb(env=None, platform: str | None = None) -> bool:
    """True when Qt would load its xcb plugin: Linux, DISPLAY set, no QT_QPA_PLATFORM,
    and not a Wayland session (Qt 6 prefers its wayland plugin there)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return False
    if env.get("QT_QPA_PLATFORM"):
        return False
    if not env.get("DISPLAY"):
        return False
    if env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return False
    return True


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_packages(libraries: dict[str, str] | None = None, loader=_loads) -> list[str]:
    """The packages whose library cannot be loaded, in table order, without repeats."""
    libraries = XCB_LIBRARIES if libraries is None else libraries
    out: list[str] = []
    for soname, package in libraries.items():
        if not loader(soname) and package not in out:
            out.append(package)
    return out


def message(packages: list[str]) -> str:
    return ("readerapp: Qt cannot start on X11: missing system libraries; install them with "
            f"`sudo apt-get install {' '.join(packages)}` (Debian/Ubuntu; other systems: the same "
            "libraries under their names), or set QT_QPA_PLATFORM=wayland on Wayland")


def check(env=None, platform: str | None = None) -> str | None:
    """None when Qt can start (or would not use xcb); else the one line to print."""
    if not would_use_xcb(env, platform):
        return None
    packages = missing_packages()
    return message(packages) if packages else None
