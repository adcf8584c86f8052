"""Opening an external link from the GUI under the core link policy
(readerapp.core.links): open, ask first, or refuse with the reason.

The PDF view and the note preview call open_external(); `ask` and `tell` are
module attributes so tests can answer the dialogs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtWidgets import QMessageBox, QWidget

from readerapp.core.links import LinkAction, decide


def _ask(parent: QWidget | None, url: str, reason: str) -> bool:
    # literal translate() calls, so that lupdate extracts the strings
    title = QCoreApplication.translate("LinkPolicy", "Open this link?")
    text = QCoreApplication.translate("LinkPolicy", "This link is not a web page: %1.\n\n%2\n\nOpen it?")
    box = QMessageBox(QMessageBox.Icon.Question, title, text.replace("%1", reason).replace("%2", url[:300]),
                      QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel, parent)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Open


def _tell(parent: QWidget | None, url: str, reason: str) -> None:
    title = QCoreApplication.translate("LinkPolicy", "Link not opened")
    text = QCoreApplication.translate("LinkPolicy", "readerapp did not open this link: %1.\n\n%2")
    QMessageBox.information(parent, title, text.replace("%1", reason).replace("%2", url[:300]))


ask = _ask
tell = _tell


def open_external(parent: QWidget | None, url: str, opener) -> bool:
    """Open `url` with `opener(QUrl)` when the policy allows (asking first where it says so).
    Returns whether it was opened."""
    d = decide(url)
    if d.action is LinkAction.REFUSE:
        tell(parent, d.url, d.reason)
        return False
    if d.action is LinkAction.ASK and not ask(parent, d.url, d.reason):
        return False
    opener(QUrl(d.url))
    return True
