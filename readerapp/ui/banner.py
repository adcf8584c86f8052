"""A banner across the top of the main window for a problem the user must see
(the library failed its check, so backups are stopped)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolBar, QWidget


class ProblemBanner(QToolBar):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("problemBanner")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self.label = QLabel()
        self.label.setObjectName("problemText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setStyleSheet("QLabel { background: #fff4e5; color: #5f2120; border: 1px solid #e0a060;"
                                 " padding: 6px; }")
        self.addWidget(self.label)
        self.hide()

    def show_problem(self, text: str) -> None:
        self.label.setText(self.tr("Backups are stopped: %1").replace("%1", text))
        self.show()
