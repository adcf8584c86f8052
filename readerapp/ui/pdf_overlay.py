"""What the PDF view paints over the rendered pages: highlights, find hits, the
selection, the flash of a jumped-to region, the area band, the error page.

Highlight colours are adapted to the colour mode (color_modes.highlight_fill) so the
page's ink stays readable on them.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from .color_modes import highlight_fill

_COMPOSITION = {"multiply": QPainter.CompositionMode.CompositionMode_Multiply,
                "lighten": QPainter.CompositionMode.CompositionMode_Lighten}


def quad_polygon(pr: QRectF, ppp: float, q: tuple) -> QPolygonF:
    return QPolygonF([QPointF(pr.x() + q[0] * ppp, pr.y() + q[1] * ppp),
                      QPointF(pr.x() + q[2] * ppp, pr.y() + q[3] * ppp),
                      QPointF(pr.x() + q[6] * ppp, pr.y() + q[7] * ppp),
                      QPointF(pr.x() + q[4] * ppp, pr.y() + q[5] * ppp)])


def pdf_rect(pr: QRectF, ppp: float, r: tuple) -> QRectF:
    return QRectF(pr.x() + r[0] * ppp, pr.y() + r[1] * ppp, (r[2] - r[0]) * ppp, (r[3] - r[1]) * ppp)


class OverlayPainter:
    """Paints the overlays of one page; the view hands it what to draw."""

    def __init__(self):
        self._fills: dict[tuple, tuple] = {}

    def _fill(self, color: str, mode: str) -> tuple[QColor, QPainter.CompositionMode]:
        key = (color, mode)
        got = self._fills.get(key)
        if got is None:
            c, comp = highlight_fill(color, mode)
            got = self._fills[key] = (QColor(c), _COMPOSITION[comp])
        return got

    def paint_highlights(self, p: QPainter, pr: QRectF, ppp: float, zoom: float, items: list, mode: str) -> None:
        for h in items:
            c = QColor(h["color"])
            if h["kind"] == "underline":
                p.setPen(QPen(c, max(1.5, 1.2 * zoom)))
                for q in h["quads"]:
                    p.drawLine(QPointF(pr.x() + q[4] * ppp, pr.y() + q[5] * ppp),
                               QPointF(pr.x() + q[6] * ppp, pr.y() + q[7] * ppp))
                p.setPen(Qt.PenStyle.NoPen)
            elif h["kind"] == "area":
                fill = QColor(c)
                fill.setAlpha(40)
                p.setBrush(fill)
                p.setPen(QPen(c, 2))
                for q in h["quads"]:
                    p.drawPolygon(quad_polygon(pr, ppp, q))
                p.setPen(Qt.PenStyle.NoPen)
            else:
                fill, comp = self._fill(h["color"], mode)
                p.setCompositionMode(comp)
                p.setBrush(fill)
                for q in h["quads"]:
                    p.drawPolygon(quad_polygon(pr, ppp, q))
                p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)

    def paint(self, p: QPainter, pr: QRectF, ppp: float, zoom: float, *, highlights: list, mode: str,
              hits: list | None, current_hit: int | None, selection: list | None, flash: tuple | None) -> None:
        """flash: (rect in PDF coords, alpha 0-255) or None."""
        p.save()
        p.setPen(Qt.PenStyle.NoPen)
        self.paint_highlights(p, pr, ppp, zoom, highlights, mode)
        if hits:
            p.setBrush(QColor(255, 200, 0, 110))
            for n, q in enumerate(hits):
                if n != current_hit:
                    p.drawPolygon(quad_polygon(pr, ppp, q))
            if current_hit is not None:
                p.setBrush(QColor(255, 100, 0, 150))
                p.setPen(QPen(QColor(220, 60, 0), 1.5))
                p.drawPolygon(quad_polygon(pr, ppp, hits[current_hit]))
                p.setPen(Qt.PenStyle.NoPen)
        if selection:
            p.setBrush(QColor(40, 110, 230, 80))
            for q in selection:
                p.drawPolygon(quad_polygon(pr, ppp, q))
        if flash is not None and flash[1] > 0:
            rect, alpha = flash
            p.setBrush(QColor(255, 140, 0, alpha))
            p.setPen(QPen(QColor(230, 90, 0, min(255, alpha + 60)), 2))
            p.drawRect(pdf_rect(pr, ppp, rect).adjusted(-3, -3, 3, 3))
        p.restore()

    @staticmethod
    def paint_area_band(p: QPainter, pr: QRectF, ppp: float, rect: tuple) -> None:
        p.save()
        p.setBrush(QColor(40, 110, 230, 40))
        p.setPen(QPen(QColor(40, 110, 230), 1.5, Qt.PenStyle.DashLine))
        p.drawRect(pdf_rect(pr, ppp, rect))
        p.restore()

    @staticmethod
    def paint_error(p: QPainter, pr: QRectF, msg: str) -> None:
        p.fillRect(pr, QColor("#9e9e9e"))
        p.setPen(QColor("#202020"))
        p.drawText(pr.adjusted(12, 12, -12, -12), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, msg)
