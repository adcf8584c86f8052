"""Packaging: the wheel and its data, a fresh install used from outside the source tree,
the Linux desktop files, the icon set and `readerapp install-desktop`."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import struct
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

import readerapp
from conftest import REPO

APP_ID = "io.github.readerapp.ReaderApp"
LINUX = REPO / "packaging" / "linux"
ICONS = REPO / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def read_desktop(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def project_files(*folders: str) -> list[str]:
    """Files under `folders` that belong to the project: tracked or not ignored by git."""
    r = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *folders],
                       cwd=REPO, capture_output=True, text=True)
    if r.returncode != 0:  # not a git checkout (an unpacked sdist): every file on disk
        return sorted(str(p.relative_to(REPO)) for f in folders for p in (REPO / f).rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)
    return sorted(f for f in r.stdout.splitlines() if (REPO / f).is_file())


# --- desktop entry, metainfo, icons ---------------------------------------------------------------


def test_desktop_entry_declares_the_pdf_association():
    entry = read_desktop(LINUX / f"{APP_ID}.desktop")
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert "application/pdf" in entry["MimeType"].split(";") and entry["MimeType"].endswith(";")
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == "readerapp-gui" and entry["Exec"].split()[-1] in ("%f", "%F", "%u", "%U")
    assert entry["Categories"].endswith(";") and "Office" in entry["Categories"].split(";")
    assert "zh_CN" in " ".join(entry)  # translated name/comment for Chinese desktops


def test_desktop_entry_validates():
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    r = subprocess.run([tool, str(LINUX / f"{APP_ID}.desktop")], capture_output=True, text=True)
    assert r.returncode == 0 and "error" not in r.stdout.lower(), r.stdout + r.stderr


def test_metainfo_matches_the_desktop_entry():
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    assert root.findtext("project_license") == "MIT" and root.findtext("metadata_license") == "CC0-1.0"
    assert "application/pdf" in [m.text for m in root.iter("mediatype")]
    versions = [r.get("version") for r in root.iter("release")]
    assert readerapp.__version__ in versions, "add a <release> for the current version to the metainfo"


def test_metainfo_validates():
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed (apt-get install appstream)")
    r = subprocess.run([tool, "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_icon_set_is_complete_and_rendered_from_the_svg():
    import pymupdf

    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import render_icons
    finally:
        sys.path.remove(str(REPO / "packaging"))
    assert render_icons.ICON_SIZES == SIZES
    svg = ICONS / "readerapp.svg"
    assert ET.parse(svg).getroot().get("viewBox") == "0 0 512 512"
    for size in SIZES:
        png = ICONS / f"readerapp-{size}.png"
        assert png_size(png) == (size, size), png
        shipped = pymupdf.Pixmap(str(png))
        fresh = pymupdf.Pixmap(render_icons.render_png(svg, size))
        assert shipped.n == fresh.n == 4  # RGBA: transparent corners
        a, b = shipped.samples, fresh.samples
        diff = sum(abs(x - y) for x, y in zip(a, b)) / len(a)
        assert diff < 2.0, f"readerapp-{size}.png is stale: run packaging/render_icons.py ({diff:.2f})"
        assert shipped.pixel(0, 0)[3] == 0 and shipped.pixel(size // 2, size // 2)[3] == 255


def test_windows_ico_and_macos_icns():
    ico = (ICONS / "readerapp.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = []
    for i in range(count):
        w, h, _, _, _, bpp, length, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i: 22 + 16 * i])
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and bpp == 32
        assert offset + length <= len(ico)
        sizes.append(w or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]

    icns = (ICONS / "readerapp.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    pos, kinds = 8, []
    while pos < len(icns):
        kind, length = icns[pos:pos + 4], struct.unpack(">I", icns[pos + 4:pos + 8])[0]
        assert icns[pos + 8:pos + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind)
        pos += length
    assert pos == len(icns) and b"ic10" in kinds and b"icp4" in kinds


def test_pyinstaller_spec_ships_the_data_and_leaves_torch_out_by_default():
    spec = (REPO / "packaging" / "readerapp.spec").read_text(encoding="utf-8")
    compile(spec, "readerapp.spec", "exec")
    for needle in ('"readerapp/_data/db"', '"readerapp/_data/resources"', '"readerapp/_data/linux"',
                   'collect_submodules("readerapp")', "READERAPP_SEMANTIC", '"torch"'):
        assert needle in spec, needle
    launcher = (REPO / "packaging" / "launcher.py").read_text(encoding="utf-8")
    assert "freeze_support()" in launcher  # the importer's spawn workers need it in a frozen build


# --- readerapp install-desktop ---------------------------------------------------------------------


def test_exec_arguments_are_quoted_per_the_spec():
    from readerapp.core.desktop import quote_exec_arg, render_desktop_entry

    assert quote_exec_arg("/usr/bin/readerapp-gui") == "/usr/bin/readerapp-gui"
    # spaces: quoted; a literal backslash is escaped for Exec and again for the string value
    assert quote_exec_arg("/home/a b/bin/readerapp-gui") == '"/home/a b/bin/readerapp-gui"'
    assert quote_exec_arg('/opt/$x"y/app') == '"/opt/\\\\$x\\\\"y/app"'
    assert quote_exec_arg("/opt/100%/app") == '"/opt/100%%/app"'
    out = render_desktop_entry("[Desktop Entry]\nExec=readerapp-gui %f\nTryExec=readerapp-gui\n", "/a b/gui")
    assert 'Exec="/a b/gui" %f' in out and "TryExec=/a b/gui" in out


@pytest.mark.skipif(sys.platform != "linux", reason="freedesktop.org integration")
def test_install_desktop_into_xdg_data_home_and_remove(tmp_path):
    xdg = tmp_path / "xdg-data"
    (xdg / "applications").mkdir(parents=True)
    other = xdg / "applications" / "someone-else.desktop"
    other.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n", encoding="utf-8")
    env = dict(os.environ, XDG_DATA_HOME=str(xdg))
    r = subprocess.run([sys.executable, "-m", "readerapp", "install-desktop", "--json"], env=env,
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["data_home"] == str(xdg)

    desktop = xdg / "applications" / f"{APP_ID}.desktop"
    entry = read_desktop(desktop)
    launcher = Path(entry["TryExec"])
    assert launcher.is_absolute() and launcher.is_file() and os.access(launcher, os.X_OK)
    assert launcher.name == "readerapp-gui" and launcher.parent == Path(sys.executable).parent
    assert entry["Exec"] == f"{launcher} %f"
    template = read_desktop(LINUX / f"{APP_ID}.desktop")
    assert {k: v for k, v in entry.items() if k not in ("Exec", "TryExec")} == \
        {k: v for k, v in template.items() if k not in ("Exec", "TryExec")}
    if shutil.which("desktop-file-validate"):
        v = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert v.returncode == 0, v.stdout
    if shutil.which("update-desktop-database"):
        cache = (xdg / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
        assert f"application/pdf={APP_ID}.desktop;" in cache

    for size in SIZES:
        icon = xdg / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png_size(icon) == (size, size)
        assert icon.read_bytes() == (ICONS / f"readerapp-{size}.png").read_bytes()
    assert (xdg / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").read_bytes() == \
        (ICONS / "readerapp.svg").read_bytes()
    assert (xdg / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert len(report["written"]) == 2 + len(SIZES) + 1

    # Installing twice is harmless; removing takes away exactly what was written.
    assert subprocess.run([sys.executable, "-m", "readerapp", "install-desktop"], env=env,
                          capture_output=True, timeout=120).returncode == 0
    r = subprocess.run([sys.executable, "-m", "readerapp", "install-desktop", "--remove", "--json"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert sorted(json.loads(r.stdout)["removed"]) == sorted(report["written"])
    assert not desktop.exists() and other.read_text(encoding="utf-8").startswith("[Desktop Entry]")
    assert not list(xdg.rglob(f"{APP_ID}*"))


@pytest.mark.skipif(sys.platform != "linux", reason="freedesktop.org integration")
def test_install_desktop_with_a_missing_launcher_is_one_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "readerapp", "install-desktop", "--data-home", str(tmp_path),
                        "--exec", str(tmp_path / "nowhere" / "readerapp-gui")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "does not exist" in r.stderr
    assert not (tmp_path / "applications").exists()


# --- the wheel, installed into a fresh virtual environment ---------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    wheels = list(out.glob("readerapp-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@pytest.mark.slow
def test_wheel_contains_the_code_migrations_and_every_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert wheel.name == f"readerapp-{readerapp.__version__}-py3-none-any.whl"
    data_files = project_files("db", "resources")
    assert any(f.startswith("db/library/") for f in data_files) and any(f.startswith("db/index/") for f in data_files)
    assert any(f.startswith("resources/icons/") for f in data_files)
    missing = [f for f in data_files if f"readerapp/_data/{f}" not in names]
    assert not missing, f"not in the wheel: {missing}"
    linux = [f"readerapp/_data/linux/{p.name}" for p in LINUX.iterdir() if p.is_file()]
    assert set(linux) <= names
    code = [f for f in project_files("readerapp") if f.endswith(".py")]
    assert code and not [f for f in code if f not in names]
    assert not [n for n in names if n.startswith(("tests/", ".venv/", "packaging/")) or "__pycache__" in n]
    meta = zipfile.ZipFile(wheel).read(f"readerapp-{readerapp.__version__}.dist-info/entry_points.txt").decode()
    assert "readerapp = readerapp.cli:main" in meta and "readerapp-gui = readerapp.app:main" in meta


@pytest.mark.slow
def test_fresh_install_runs_outside_the_source_tree(wheel, tmp_path, corpus_dir):
    """A plain new venv with only the wheel installed. The heavy dependencies (PySide6, PyMuPDF...)
    are not downloaded again: a .pth file appends this environment's site-packages *after* the
    new venv's own, so readerapp itself can only come from the wheel."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index",
                        "--quiet", str(wheel)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    venv_site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                    capture_output=True, text=True, check=True).stdout.strip())
    (venv_site / "_readerapp_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "READERAPP_LIBRARY")}
    bin_dir = py.parent

    def sh(*args, **kw):
        return subprocess.run([*args], capture_output=True, text=True, cwd=outside, env=env, timeout=300, **kw)

    r = sh(str(bin_dir / "readerapp"), "--version")
    assert r.returncode == 0 and r.stdout.strip() == f"readerapp {readerapp.__version__}", r.stderr
    assert (bin_dir / "readerapp-gui").is_file()

    probe = ("import json, readerapp; from readerapp.core import paths; "
             "print(json.dumps([readerapp.__file__, str(paths.migrations_dir()), str(paths.resources_dir())]))")
    r = sh(str(py), "-c", probe)
    assert r.returncode == 0, r.stderr
    pkg_file, migrations, resources = (Path(p) for p in json.loads(r.stdout))
    assert venv in pkg_file.parents and REPO not in pkg_file.parents
    assert migrations == pkg_file.parent / "_data" / "db" and (migrations / "library").is_dir()
    assert resources == pkg_file.parent / "_data" / "resources" and (resources / "icons" / "readerapp.svg").is_file()

    lib = tmp_path / "library"
    pdf = corpus_dir / "kingma-adam.pdf"
    r = sh(str(bin_dir / "readerapp"), "--library", str(lib), "import", "--no-progress", str(pdf))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("imported") and "15 pages" in r.stdout
    r = sh(str(bin_dir / "readerapp"), "--library", str(lib), "search", "adaptive moment estimation", "--json")
    hits = json.loads(r.stdout)
    assert hits and "Adam" in hits[0]["title"]

    r = sh(str(py), "-m", "readerapp", "--library", str(lib), "list", "--json")
    assert [p["pages"] for p in json.loads(r.stdout)] == [15]

    if sys.platform == "linux":  # the wheel carries the desktop files too
        r = sh(str(bin_dir / "readerapp"), "install-desktop", "--data-home", str(tmp_path / "xdg"), "--json")
        assert r.returncode == 0, r.stderr
        entry = read_desktop(tmp_path / "xdg" / "applications" / f"{APP_ID}.desktop")
        assert entry["TryExec"] == str(bin_dir / "readerapp-gui")
