"""Render the application icon set from resources/icons/readerapp.svg.

Writes, next to the SVG:
  readerapp-<N>.png   N in ICON_SIZES (16 ... 512), RGBA, for Qt and Linux hicolor themes
  readerapp.ico       Windows icon (PNG-compressed entries 16 ... 256), for PyInstaller
  readerapp.icns      macOS icon (PNG entries 16 ... 1024), for PyInstaller's BUNDLE

Run from the repository root after editing the SVG:

    .venv/bin/python packaging/render_icons.py

Only PyMuPDF is needed (it renders SVG through MuPDF); no Pillow, no Inkscape.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns entry types holding PNG data, by pixel size (Apple's IconFamily types).
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512), (b"ic10", 1024))

ICON_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICON_DIR / "readerapp.svg"


def render_png(svg: Path, size: int) -> bytes:
    """The SVG rendered to a size x size RGBA PNG."""
    import pymupdf

    with pymupdf.open(svg) as doc:
        page = doc[0]
        matrix = pymupdf.Matrix(size / page.rect.width, size / page.rect.height)
        pix = page.get_pixmap(matrix=matrix, alpha=True)
    if (pix.width, pix.height) != (size, size):
        raise RuntimeError(f"rendered {pix.width}x{pix.height}, expected {size}x{size}")
    return pix.tobytes("png")


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose entries are PNG images (supported since Windows Vista)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns whose entries are PNG images (supported since OS X 10.7)."""
    body = b""
    for kind, size in ICNS_TYPES:
        data = pngs[size]
        body += kind + struct.pack(">I", len(data) + 8) + data
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    if not SVG.is_file():
        print(f"render_icons: {SVG} is missing", file=sys.stderr)
        return 1
    pngs = {size: render_png(SVG, size) for size in sorted(set(ICON_SIZES + ICO_SIZES) | {1024})}
    for size in ICON_SIZES:
        (ICON_DIR / f"readerapp-{size}.png").write_bytes(pngs[size])
    (ICON_DIR / "readerapp.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    (ICON_DIR / "readerapp.icns").write_bytes(icns_bytes(pngs))
    print(f"wrote {len(ICON_SIZES)} PNGs, readerapp.ico and readerapp.icns to {ICON_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
