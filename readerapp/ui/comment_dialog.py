"""The dialog for a highlight's comment: a text box that wraps long lines at its width (Qt's
multi-line input dialog scrolls sideways instead), Ctrl+Enter to accept."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut, QTextOption
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class CommentDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, label: str, text: str = ""):
        super().__init__(parent)
        self.setObjectName("commentDialog")
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        prompt = QLabel(label)
        prompt.setWordWrap(True)
        lay.addWidget(prompt)
        self.edit = QPlainTextEdit(text)
        self.edit.setObjectName("commentEdit")
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.edit.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.edit.setTabChangesFocus(True)
        lay.addWidget(self.edit, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.accept)
        self.resize(460, 260)

    def text(self) -> str:
        return self.edit.toPlainText()


def ask_comment(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """The edited comment, or None when cancelled."""
    dialog = CommentDialog(parent, title, label, text)
    try:
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
