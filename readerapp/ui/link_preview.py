"""The link preview: a small popup showing a rendered crop of an internal link's target, and
the PdfView mixin that loads a page's links and asks the render workers for the crop."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget


class LinkPreview(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self._img = QImage()

    def image(self) -> QImage:
        return self._img

    def show_image(self, img: QImage, global_pos: QPoint) -> None:
        self._img = img
        dpr = img.devicePixelRatio() or 1.0
        w, h = int(img.width() / dpr) + 2, int(img.height() / dpr) + 2
        self.resize(w, h)
        x, y = global_pos.x() + 12, global_pos.y() + 18
        screen = QGuiApplication.screenAt(global_pos) or QGuiApplication.primaryScreen()
        if screen is not None:
            avail: QRect = screen.availableGeometry()
            x = max(avail.left(), min(x, avail.right() - w))
            if y + h > avail.bottom():
                y = max(avail.top(), global_pos.y() - h - 8)
        self.move(x, y)
        self.show()
        self.update()

    def paintEvent(self, _ev):
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#ffffff"))
        if not self._img.isNull():
            p.drawImage(QPoint(1, 1), self._img)
        p.setPen(QPen(QColor("#606060"), 1))
        p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        p.end()


def preview_clip(page_size: tuple[float, float], tx: float, ty: float) -> tuple[float, float, float, float]:
    """The part of the target page a link preview shows (PDF coords): from just above and left
    of the link's target point, about 460 x 150 points, inside the page."""
    w, h = page_size
    x0 = max(0.0, min(tx - 12, w - 200))
    x1 = min(w, x0 + max(320.0, min(w - x0, 460.0)))
    y0 = max(0.0, ty - 10)
    y1 = min(h, y0 + 150)
    return (x0, y0, x1, y1)


class LinkPreviewMixin:
    """Links and their preview in PdfView (pdf_view.py holds the state and `_follow`, the one
    place where a clicked link is followed)."""

    def links(self, page: int) -> list[dict] | None:
        """Links of `page` once loaded: dicts with "rect" and either "uri" or "target" (page, x, y)."""
        return self._links.get(page)

    def _on_links(self, token: int, page: int, links: list) -> None:
        if token == self._r.token:
            self._links[page] = links

    def _request_preview(self) -> None:
        ln = self._hover_link
        if ln is None or "target" not in ln or self._r.spec is None:
            return
        page, tx, ty = ln["target"]
        if not 0 <= page < len(self._sizes):
            return
        self._preview_req += 1
        req = self._preview_req
        self._r.submit((0, -1, 0), ("crop", page, preview_clip(self._sizes[page], tx, ty), 1.4 * self._dpr(),
                                    self._mode), lambda img, req=req: self._on_crop(req, img), image=True)

    def show_link_preview(self, link: dict, global_pos: QPoint | None = None) -> None:
        """Show the preview of an internal link now (what hovering does after a delay)."""
        self._hover_link = link
        self._preview_pos = global_pos or self.viewport().mapToGlobal(QPoint(20, 20))
        self._request_preview()

    def _on_crop(self, req_id: int, img) -> None:
        if req_id != self._preview_req or img.isNull() or self._hover_link is None:
            return
        img.setDevicePixelRatio(self._dpr())
        self._preview.show_image(img, self._preview_pos)

    def link_preview(self) -> LinkPreview:
        return self._preview
