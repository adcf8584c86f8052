"""The reader tab's states and the message panel it shows instead of a page."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QStyle, QVBoxLayout, QWidget

SIDE_OUTLINE, SIDE_HIGHLIGHTS, SIDE_NOTE, SIDE_PAGES = 0, 1, 2, 3  # the side panel's tabs


class TabState(str, Enum):
    """What a ReaderTab shows. A str, so `tab.state_name == "pdf"` keeps working."""

    LOADING = "loading"      # before the first load
    PDF = "pdf"              # the page view
    NO_PDF = "no-pdf"        # an entry from a paper list, without a file yet
    MOVED = "moved"          # the file is gone: Locate…
    ERROR = "error"          # the file cannot be opened
    PASSWORD = "password"    # the file needs a password
    DELETED = "deleted"      # the paper was deleted from the library
    ATTACHING = "attaching"  # a file is being checked or attached (background job)

    def __str__(self) -> str:
        return self.value


class MessagePanel(QWidget):
    """What the left side shows instead of the page: an error or a paper without a PDF."""

    MAX_W = 640

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("readerMessage")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(30, 30, 30, 30)
        outer.addStretch(1)
        self.box = QWidget()
        lay = QVBoxLayout(self.box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(12)
        top = QHBoxLayout()
        top.setSpacing(12)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        f = self.headline.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.headline.setFont(f)
        top.addWidget(self.headline, 1)
        lay.addLayout(top)
        self.detail = QLabel()
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.detail)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        lay.addWidget(self.progress)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        lay.addLayout(self.buttons)
        outer.addWidget(self.box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self._buttons: list[QPushButton] = []
        self._headline = ""
        self._detail = ""

    def _fit_box(self) -> None:
        # word-wrapped labels: give the box an explicit width and the height its layout needs for it
        w = max(220, min(self.MAX_W, self.width() - 60))
        self.box.setFixedWidth(w)
        wrap = int(Qt.TextFlag.TextWordWrap)
        sp = self.box.layout().spacing()
        head_w = w - 40 - 12
        h = max(40, self.headline.fontMetrics().boundingRect(0, 0, head_w, 100000, wrap,
                                                             self.headline.text()).height() + 4)
        if self.detail.isVisibleTo(self):
            h += sp + self.detail.fontMetrics().boundingRect(0, 0, w, 100000, wrap, self.detail.text()).height() + 4
        if self.progress.isVisibleTo(self):
            h += sp + self.progress.sizeHint().height()
        if self._buttons:
            h += sp + max(b.sizeHint().height() for b in self._buttons)
        self.box.setFixedHeight(h + 4)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._fit_box()

    @staticmethod
    def _breakable(text: str) -> str:
        # long paths have no spaces: let them wrap after each separator (zero-width space, display only)
        return text.replace("/", "/\u200b").replace("\\", "\\\u200b")

    def headline_text(self) -> str:
        return self._headline

    def detail_text(self) -> str:
        return self._detail

    def show_message(self, headline: str, detail: str, buttons: list[tuple[str, object]],
                     icon: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_MessageBoxWarning,
                     busy: bool = False) -> None:
        self._headline, self._detail = headline, detail
        self.icon.setPixmap(self.style().standardIcon(icon).pixmap(40, 40))
        self.headline.setText(self._breakable(headline))
        self.detail.setText(self._breakable(detail))
        self.detail.setVisible(bool(detail))
        self.progress.setVisible(busy)
        for b in self._buttons:
            self.buttons.removeWidget(b)
            b.deleteLater()
        self._buttons = []
        for n, (text, slot) in enumerate(buttons):
            b = QPushButton(text)
            b.setObjectName(f"messageButton{n}")
            b.clicked.connect(slot)
            b.setEnabled(not busy)
            if n == 0:
                b.setDefault(True)
            self.buttons.addWidget(b)
            self._buttons.append(b)
        self._fit_box()

    def add_detail(self, text: str) -> None:
        self._detail = text + ("\n\n" + self._detail if self._detail else "")
        self.detail.setText(self._breakable(self._detail))
        self.detail.setVisible(True)
        self._fit_box()

    def button(self, text: str) -> QPushButton | None:
        return next((b for b in self._buttons if b.text() == text), None)

    def button_texts(self) -> list[str]:
        return [b.text() for b in self._buttons]
