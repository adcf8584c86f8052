"""The page colour modes of the reader: normal, night (light text on a dark page) and sepia.

One mode for the whole window (View ▸ Night Mode / Sepia Pages, Ctrl+Shift+N, and each reader tab's
Night button show and change the same state); it is kept in the window settings, never per paper.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

COLOR_MODES = ("normal", "night", "sepia")

# Sepia: the page multiplied by a warm paper colour (white becomes #f4ecd8, black stays black:
# text contrast 17:1), drawn over the rendered tiles and under the highlights.
SEPIA_PAPER = QColor("#f4ecd8")


def check_mode(mode: str) -> str:
    if mode not in COLOR_MODES:
        raise ValueError(f"colour mode must be one of {', '.join(COLOR_MODES)}, not {mode!r}")
    return mode


def paint_page_filter(p: QPainter, page_rect: QRectF, mode: str) -> None:
    """Tint a page already drawn in normal colours (no re-render needed)."""
    if mode != "sepia":
        return
    p.save()
    p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
    p.fillRect(page_rect, SEPIA_PAPER)
    p.restore()
