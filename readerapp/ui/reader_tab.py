"""ReaderTab: one open paper in the main window's tab widget.

STAND-IN. The real ReaderTab (side panel with outline, highlights and the note
editor) is written in another branch and replaces this file at merge. This one
implements exactly the interface MainWindow relies on, around a PdfView:

    titleChanged(str), statusMessage(str), openPaperRequested(int)
    ReaderTab(library, paper_id, parent=None)   never raises for a bad PDF
    paper_id, view (PdfView or None), title(), state(), restore_state(d),
    go_to(page0, bbox=None), shutdown()
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .pdf_view import PdfOpenError, PdfView


class ReaderTab(QWidget):
    titleChanged = Signal(str)
    statusMessage = Signal(str)
    openPaperRequested = Signal(int)

    def __init__(self, library, paper_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.paper_id = int(paper_id)
        self.view: PdfView | None = None
        self._title = ""
        self._error = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        try:
            paper = library.get_paper(self.paper_id)
            self._title = paper.title or (paper.path or "").rsplit("/", 1)[-1]
            path = paper.path
        except Exception as exc:  # unknown id, closed library: show it in the tab
            path, self._error = None, str(exc)
        if path:
            view = PdfView(self)
            try:
                view.open(path)
            except PdfOpenError as exc:
                view.shutdown()
                view.deleteLater()
                self._error = str(exc)
            else:
                self.view = view
                view.pageChanged.connect(lambda p: self.statusMessage.emit(
                    self.tr("Page %1 of %2").replace("%1", str(p + 1)).replace("%2", str(view.page_count()))))
                layout.addWidget(view)
        elif not self._error:
            self._error = self.tr("This paper has no PDF file.")
        if self.view is None:
            label = QLabel(self._error, self)
            label.setWordWrap(True)
            layout.addWidget(label)

    def title(self) -> str:
        return self._title or self.tr("Paper %1").replace("%1", str(self.paper_id))

    def state(self) -> dict:
        return self.view.state() if self.view is not None else {}

    def restore_state(self, d: dict) -> None:
        if self.view is not None and d:
            self.view.restore_state(d)

    def go_to(self, page0: int, bbox=None) -> None:
        if self.view is None:
            return
        self.view.go_to(page0, bbox[1] if bbox else None)
        if bbox:
            self.view.flash_region(page0, tuple(bbox))

    def shutdown(self) -> None:
        if self.view is not None:
            self.view.shutdown()
