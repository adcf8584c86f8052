"""The search pane as an overlay over the right part of the window's tabs.

A dock would take its width from the reader: the page shrank to ~200 px and fit-width dropped to
28 %. The overlay floats above the tabs instead, so the reader keeps its size and its zoom. Ctrl+K
shows it with the last query and results; Esc or the close button hides it; a click on a hit opens
the passage and hides the overlay (a palette), unless "Keep open" is checked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

MIN_WIDTH = 380
MAX_WIDTH = 640
WIDTH_SHARE = 0.42   # of the area it floats over


class SearchOverlay(QFrame):
    """Holds a search panel; placed over `anchor` (the main window's central widget)."""

    visibilityChanged = Signal(bool)

    def __init__(self, panel: QWidget, anchor: QWidget, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("searchOverlay")
        self.panel = panel
        self.anchor = anchor
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.backgroundRole().Window)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 4, 4)
        lay.setSpacing(2)
        head = QHBoxLayout()
        title = QLabel(self.tr("<b>Search</b>"))
        self.keep_open = QCheckBox(self.tr("Keep open"))
        self.keep_open.setObjectName("keepSearchOpen")
        self.keep_open.setToolTip(self.tr("Keep the search open after opening a hit (it hides by default so the "
                                          "page is not covered; Ctrl+K brings it back with the same results)"))
        close = QToolButton()
        close.setObjectName("closeSearch")
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Close (Esc)"))
        close.clicked.connect(self.hide)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.keep_open)
        head.addWidget(close)
        lay.addLayout(head)
        lay.addWidget(panel, 1)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.hide)
        anchor.installEventFilter(self)
        self.hide()

    def place(self) -> None:
        """Over the right part of the anchor, full height: the widgets under it keep their size."""
        a = self.anchor.geometry()
        if self.anchor.parentWidget() is not self.parentWidget():
            top_left = self.anchor.mapTo(self.parentWidget(), self.anchor.rect().topLeft())
            a = QRect(top_left, self.anchor.size())
        width = int(min(MAX_WIDTH, max(MIN_WIDTH, a.width() * WIDTH_SHARE)))
        width = min(width, a.width())
        self.setGeometry(a.right() + 1 - width, a.top(), width, a.height())

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if obj is self.anchor and ev.type() in (QEvent.Type.Resize, QEvent.Type.Move) and self.isVisible():
            self.place()
        return super().eventFilter(obj, ev)

    def showEvent(self, ev) -> None:
        self.place()
        self.raise_()
        super().showEvent(ev)
        self.visibilityChanged.emit(True)

    def hideEvent(self, ev) -> None:
        super().hideEvent(ev)
        self.visibilityChanged.emit(False)
        # give the keyboard back to what is under the overlay
        if self.anchor.isVisible() and self.window().isActiveWindow():
            self.anchor.setFocus(Qt.FocusReason.OtherFocusReason)

    def hit_opened(self) -> None:
        if not self.keep_open.isChecked():
            self.hide()
