"""Linux desktop integration: the application-menu entry, the PDF file association
and the icons, installed for the current user under $XDG_DATA_HOME (~/.local/share).

What `install_desktop` writes (APP_ID = io.github.readerapp.ReaderApp):

  applications/APP_ID.desktop                 menu entry, MimeType=application/pdf;
                                              Exec/TryExec are the absolute launcher path
  icons/hicolor/NxN/apps/APP_ID.png           N = 16 ... 512
  icons/hicolor/scalable/apps/APP_ID.svg
  metainfo/APP_ID.metainfo.xml                AppStream data for software centres

The templates are the files in packaging/linux (packaged into the wheel as
readerapp/_data/linux). Nothing outside those paths is touched, except the
optional `set_default_pdf` which asks xdg-mime to make ReaderApp the default
PDF viewer. `uninstall_desktop` removes exactly the files listed above.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from readerapp.core.errors import ReaderError
from readerapp.core.paths import resources_dir

log = logging.getLogger(__name__)

APP_ID = "io.github.readerapp.ReaderApp"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
GUI_LAUNCHER = "readerapp-gui"


class DesktopError(ReaderError):
    pass


@dataclass
class DesktopInstall:
    data_home: Path
    exec_path: str
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def linux_data_dir() -> Path:
    """packaging/linux in a checkout, readerapp/_data/linux in a wheel or a frozen build."""
    base = resources_dir().parent
    for candidate in (base / "linux", base / "packaging" / "linux"):
        if (candidate / f"{APP_ID}.desktop").is_file():
            return candidate
    raise DesktopError(f"The desktop entry template {APP_ID}.desktop is missing from this installation "
                       f"(looked in {base / 'linux'} and {base / 'packaging' / 'linux'}).")


def icons_dir() -> Path:
    return resources_dir() / "icons"


def xdg_data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (platformdirs' rule for the user data folder)."""
    import platformdirs

    return Path(platformdirs.PlatformDirs(appname=None).user_data_dir)


def find_gui_launcher() -> Path | None:
    """The executable that starts the GUI: the frozen build's sibling, or the
    `readerapp-gui` script installed next to this Python or this command."""
    suffix = ".exe" if os.name == "nt" else ""
    candidates = []
    if getattr(sys, "frozen", False):
        candidates.append(Path(sys.executable).with_name(GUI_LAUNCHER + suffix))
    if sys.argv and sys.argv[0]:
        candidates.append(Path(sys.argv[0]).absolute().parent / (GUI_LAUNCHER + suffix))
    candidates.append(Path(sys.executable).parent / (GUI_LAUNCHER + suffix))
    found = shutil.which(GUI_LAUNCHER)
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path.absolute()
    return None


_EXEC_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def quote_exec_arg(arg: str) -> str:
    """One argument quoted per the Desktop Entry spec ("The Exec key"), then
    escaped for a desktop-file string value (backslashes doubled)."""
    if arg and not (_EXEC_RESERVED & set(arg)) and "%" not in arg:
        return arg
    quoted = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg).replace("%", "%%")
    return ('"' + quoted + '"').replace("\\", "\\\\")


def render_desktop_entry(template: str, exec_path: str) -> str:
    """The template with Exec and TryExec pointing at `exec_path`."""
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            code = line.split("=", 1)[1].split()
            fields = [c for c in code[1:] if c.startswith("%")]
            line = "Exec=" + " ".join([quote_exec_arg(exec_path), *fields])
        elif line.startswith("TryExec="):
            # TryExec is a plain string, not an Exec command line: only escape backslashes.
            line = "TryExec=" + exec_path.replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


def _targets(data_home: Path) -> dict[str, Path]:
    t = {
        "desktop": data_home / "applications" / f"{APP_ID}.desktop",
        "metainfo": data_home / "metainfo" / f"{APP_ID}.metainfo.xml",
        "svg": data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
    }
    for size in ICON_SIZES:
        t[f"png{size}"] = data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    return t


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _run_quietly(cmd: list[str]) -> str | None:
    """Run a desktop helper if present; its failure is a note, never an error."""
    if not shutil.which(cmd[0]):
        return None
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{cmd[0]} failed: {exc}"
    if r.returncode != 0:
        return f"{cmd[0]} exited with status {r.returncode}: {(r.stderr or r.stdout).strip()[:200]}"
    return None


def _check_platform() -> None:
    if sys.platform.startswith(("win", "darwin")) or os.name == "nt":
        raise DesktopError("Desktop integration files are for Linux and other freedesktop.org desktops; on "
                           "Windows and macOS use the installer or app bundle described in packaging/README.md.")


def install_desktop(data_home: Path | None = None, exec_path: str | os.PathLike | None = None,
                    *, set_default_pdf: bool = False, refresh_caches: bool = True) -> DesktopInstall:
    """Install the menu entry, icons and metainfo for the current user."""
    _check_platform()
    data_home = Path(data_home) if data_home else xdg_data_home()
    if exec_path is None:
        found = find_gui_launcher()
        if found is None:
            raise DesktopError(f"Could not find the {GUI_LAUNCHER} launcher next to {sys.executable}; "
                               f"install readerapp with pip, or give its path with --exec.")
        exec_path = found
    exec_path = str(Path(exec_path).expanduser().absolute())
    if not os.path.isfile(exec_path):
        raise DesktopError(f"The launcher {exec_path} does not exist.")

    src = linux_data_dir()
    icons = icons_dir()
    targets = _targets(data_home)
    sources = {"svg": icons / "readerapp.svg", **{f"png{s}": icons / f"readerapp-{s}.png" for s in ICON_SIZES}}
    missing = [str(p) for p in sources.values() if not p.is_file()]
    if missing:
        raise DesktopError(f"Icon files are missing from this installation: {', '.join(missing)}.")

    result = DesktopInstall(data_home=data_home, exec_path=exec_path)
    template = (src / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    _write(targets["desktop"], render_desktop_entry(template, exec_path).encode("utf-8"))
    result.written.append(targets["desktop"])
    _write(targets["metainfo"], (src / f"{APP_ID}.metainfo.xml").read_bytes())
    result.written.append(targets["metainfo"])
    for key, path in sources.items():
        _write(targets[key], path.read_bytes())
        result.written.append(targets[key])

    if refresh_caches:
        # Menus and file managers pick up the MIME association from mimeinfo.cache. No
        # icon-theme.cache is written: a per-user cache goes stale when other programs add
        # icons without refreshing it; theme watchers look at the folder's mtime instead.
        note = _run_quietly(["update-desktop-database", str(targets["desktop"].parent)])
        if note:
            result.notes.append(note)
        try:
            os.utime(data_home / "icons" / "hicolor")
        except OSError:
            pass
    if set_default_pdf:
        if not shutil.which("xdg-mime"):
            result.notes.append("xdg-mime is not installed: choose ReaderApp as the PDF viewer in your "
                                "file manager (Open With) instead.")
        else:
            note = _run_quietly(["xdg-mime", "default", f"{APP_ID}.desktop", "application/pdf"])
            result.notes.append(note or "ReaderApp is now the default application for PDF files.")
    log.info("desktop integration installed in %s (Exec=%s)", data_home, exec_path)
    return result


def uninstall_desktop(data_home: Path | None = None, *, refresh_caches: bool = True) -> DesktopInstall:
    """Remove exactly the files install_desktop writes; leave everything else alone."""
    _check_platform()
    data_home = Path(data_home) if data_home else xdg_data_home()
    result = DesktopInstall(data_home=data_home, exec_path="")
    for path in _targets(data_home).values():
        try:
            path.unlink()
            result.removed.append(path)
        except FileNotFoundError:
            pass
    if refresh_caches and result.removed:
        note = _run_quietly(["update-desktop-database", str(data_home / "applications")])
        if note:
            result.notes.append(note)
    log.info("desktop integration removed from %s (%d files)", data_home, len(result.removed))
    return result
