"""Where GUI tests save their screenshots: the one folder of tests/conftest.py (SCREENSHOTS), never the
source tree: $READERAPP_SCREENSHOTS when set, else a temporary folder removed after a passing run.
"""

from __future__ import annotations

from pathlib import Path


def shots_dir() -> Path:
    from conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def shot(widget, name: str) -> Path:
    """Save widget.grab() as NAME.png and return the path."""
    from conftest import save_screenshot

    return save_screenshot(widget, name)


def xwd_to_png(data: bytes, out: Path) -> tuple[int, int]:
    """Convert an `xwd -root` dump (ZPixmap, 24/32 bits per pixel) to PNG; returns (width, height)."""
    import struct

    from PySide6.QtGui import QImage

    fields = struct.unpack(">25I", data[:100])
    header_size, _version, pixmap_format, depth, width, height = fields[:6]
    byte_order, bits_per_pixel, bytes_per_line, ncolors = fields[7], fields[11], fields[12], fields[19]
    if pixmap_format != 2 or bits_per_pixel not in (24, 32) or depth not in (24, 32):
        raise ValueError(f"unsupported xwd: format {pixmap_format}, depth {depth}, {bits_per_pixel} bpp")
    start = header_size + 12 * ncolors
    pixels = bytearray(data[start:start + bytes_per_line * height])
    if bits_per_pixel == 24:  # packed: B, G, R in memory (LSBFirst) or R, G, B (MSBFirst)
        fmt = QImage.Format.Format_RGB888 if byte_order == 1 else QImage.Format.Format_BGR888
        img = QImage(bytes(pixels), width, height, bytes_per_line, fmt).copy()
        assert img.save(str(out)), out
        return width, height
    if byte_order == 1:  # MSBFirst: XRGB in memory; QImage.Format_RGB32 is BGRX on little-endian
        for i in range(0, len(pixels), 4):
            pixels[i:i + 4] = pixels[i:i + 4][::-1]
    img = QImage(bytes(pixels), width, height, bytes_per_line, QImage.Format.Format_RGB32).copy()
    assert img.save(str(out)), out
    return width, height
