"""Where GUI tests save their screenshots: a temporary folder, never the source tree.

$READERAPP_SCREENSHOTS names it (to keep and look at them); else <tmp>/readerapp-screenshots.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def shots_dir() -> Path:
    folder = Path(os.environ.get("READERAPP_SCREENSHOTS") or Path(tempfile.gettempdir()) / "readerapp-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shot(widget, name: str) -> Path:
    """Save widget.grab() as NAME.png and return the path."""
    path = shots_dir() / f"{name}.png"
    assert widget.grab().save(str(path)), path
    return path


def xwd_to_png(data: bytes, out: Path) -> tuple[int, int]:
    """Convert an `xwd -root` dump (ZPixmap, 24/32 bits per pixel) to PNG; returns (width, height)."""
    import struct

    from PySide6.QtGui import QImage

    fields = struct.unpack(">25I", data[:100])
    header_size, _version, pixmap_format, depth, width, height = fields[:6]
    byte_order, bits_per_pixel, bytes_per_line, ncolors = fields[7], fields[11], fields[12], fields[19]
    if pixmap_format != 2 or bits_per_pixel != 32 or depth not in (24, 32):
        raise ValueError(f"unsupported xwd: format {pixmap_format}, depth {depth}, {bits_per_pixel} bpp")
    start = header_size + 12 * ncolors
    pixels = bytearray(data[start:start + bytes_per_line * height])
    if byte_order == 1:  # MSBFirst: XRGB in memory; QImage.Format_RGB32 is BGRX on little-endian
        for i in range(0, len(pixels), 4):
            pixels[i:i + 4] = pixels[i:i + 4][::-1]
    img = QImage(bytes(pixels), width, height, bytes_per_line, QImage.Format.Format_RGB32).copy()
    assert img.save(str(out)), out
    return width, height
