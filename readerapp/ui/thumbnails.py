"""A column of page thumbnails for a PdfView: the pages' low-resolution images (the ones the
view paints under pages not yet sharp), rendered by the same workers, only for the rows in
sight; a click shows the page, the current page is selected."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from .pdf_view import PdfView

THUMB_W = 110  # logical px


class PageThumbnails(QListWidget):
    def __init__(self, view: PdfView, parent: QWidget | None = None):
        super().__init__(parent)
        self._view = view
        self._loaded: set[int] = set()
        self.setIconSize(QSize(THUMB_W, int(THUMB_W * 1.42)))
        self.setUniformItemSizes(True)
        # one centred column: icon mode (picture above its page number) in a single
        # top-to-bottom run whose cells span the panel's width (see resizeEvent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # the cells' width stays
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._req = QTimer(self, singleShot=True, interval=60)
        self._req.timeout.connect(self._request_visible)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._req.start())
        self.itemClicked.connect(self._clicked)
        view.documentOpened.connect(self._reset)
        view.pageChanged.connect(self._select)
        view.tileRendered.connect(self._on_image)
        view.colorModeChanged.connect(lambda _m: self._reset(view.page_count()))
        if view.page_count():
            self._reset(view.page_count())

    def _reset(self, count: int) -> None:
        self.clear()
        self._loaded.clear()
        blank = QPixmap(self.iconSize())
        blank.fill(QColor("#d0d0d0"))
        icon = QIcon(blank)
        cell = self._cell()
        for i in range(count):
            it = QListWidgetItem(icon, str(i + 1))
            it.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            it.setSizeHint(cell)
            self.addItem(it)
        self._select(self._view.current_page())
        self._req.start()

    def _cell(self) -> QSize:
        """Each page's cell: the panel's width (the picture is drawn in its middle)."""
        h = self.iconSize().height() + self.fontMetrics().height() + 10
        return QSize(max(self.iconSize().width() + 8, self.viewport().width() - 2 * self.spacing()), h)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        cell = self._cell()
        if self.count() and self.item(0).sizeHint() != cell:
            for i in range(self.count()):
                self.item(i).setSizeHint(cell)

    def visible_rows(self) -> range:
        if not self.count():
            return range(0)
        top = self.indexAt(QPoint(4, 4)).row()
        bottom = self.indexAt(QPoint(4, self.viewport().height() - 4)).row()
        top = 0 if top < 0 else top
        bottom = self.count() - 1 if bottom < 0 else bottom
        return range(max(0, top - 2), min(self.count(), bottom + 3))

    def _request_visible(self) -> None:
        rows = [i for i in self.visible_rows() if i not in self._loaded]
        for i in rows:
            self._on_image(i)  # already there (the view painted it)
        rows = [i for i in rows if i not in self._loaded]
        if rows:
            self._view.request_thumbnails(rows)

    def _on_image(self, page: int) -> None:
        if page in self._loaded or not 0 <= page < self.count():
            return
        img = self._view.page_thumbnail(page)
        if img is None:
            return
        pm = QPixmap.fromImage(img.scaled(self.iconSize(), Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
        self.item(page).setIcon(QIcon(pm))
        self._loaded.add(page)

    def thumbnail_loaded(self, page: int) -> bool:
        return page in self._loaded

    def _select(self, page: int) -> None:
        if 0 <= page < self.count():
            self.blockSignals(True)
            self.setCurrentRow(page)
            self.blockSignals(False)
            self.scrollToItem(self.item(page))

    def _clicked(self, item: QListWidgetItem) -> None:
        self._view.go_to(self.row(item))
