"""Look a paper's metadata up online from the window (the GUI side of `readerapp lookup`).

Off by default (setting lookup_online): the first use asks whether to turn it on. The
request runs as a background job (ui/workers.py) with the lookup's own time-outs; the
dialog then shows each field that would change (old → new) and writes only what the user
keeps checked. Fields set by hand are never proposed (core.lookup.proposed_changes).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout,
                               QWidget)

from .workers import run_in_background


def _show(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "–"
    return "–" if value in (None, "") else str(value)


class LookupDialog(QDialog):
    """The changes a source proposes for one paper, each with a check box."""

    def __init__(self, title: str, source: str, changes: dict[str, tuple], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lookupDialog")
        self.setWindowTitle(self.tr("Look Up Online"))
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("%1 has other metadata for “%2”. Keep the changes to write:")
                      .replace("%1", source).replace("%2", title))
        head.setWordWrap(True)
        lay.addWidget(head)
        from .metadata_edit import field_label

        self.boxes: dict[str, QCheckBox] = {}
        for name, (old, new) in changes.items():
            box = QCheckBox(f"{field_label(name)}: {_show(old)}  →  {_show(new)}")
            box.setChecked(True)
            box.setObjectName(f"lookup_{name}")
            lay.addWidget(box)
            self.boxes[name] = box
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Write"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.setMinimumWidth(520)

    def kept(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.isChecked()]


def look_up_online(window, paper_id: int, *, ask=None) -> object | None:
    """Start a lookup for one paper from `window` (a MainWindow: library, statusBar, show_error,
    reload_papers); returns the background job, or None when the user kept lookups off.
    `ask(dialog) -> bool` replaces the modal exec (tests)."""
    from readerapp.core import lookup
    from readerapp.core.settings import load_settings, save_settings

    settings = load_settings()
    if not settings.lookup_online:
        answer = QMessageBox.question(
            window, QCoreApplication.translate("LookupDialog", "Look Up Online"),
            QCoreApplication.translate("LookupDialog", "Online lookup is off: readerapp works offline unless you allow it. Turn it on, so that "
                      "readerapp may ask arXiv, Crossref and DBLP about this paper's title, authors, year and "
                      "venue?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return None
        settings.lookup_online = True
        save_settings(settings)
    library = window.library
    paper = library.get_paper(paper_id)
    window.statusBar().showMessage(QCoreApplication.translate("LookupDialog", "Looking up “%1” online…").replace("%1", paper.title or str(paper_id)))

    def work(_token):
        found = lookup.lookup_paper(paper)
        return found, (lookup.proposed_changes(paper, found) if found else {})

    def done(result) -> None:
        found, changes = result
        if found is None:
            window.statusBar().showMessage(QCoreApplication.translate("LookupDialog", "No source knows this paper by its arXiv id, DOI or title."),
                                           8000)
            return
        if not changes:
            window.statusBar().showMessage(QCoreApplication.translate("LookupDialog", "%1 agrees with what the library has.")
                                           .replace("%1", found.source), 8000)
            return
        dialog = LookupDialog(paper.title, found.source, changes, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        accepted = ask(dialog) if ask is not None else dialog.exec() == QDialog.DialogCode.Accepted
        if not accepted:
            window.statusBar().clearMessage()
            return
        keep = {k: v for k, v in changes.items() if k in dialog.kept()}
        try:
            lookup.apply_changes(library, paper_id, keep)
        except Exception as exc:  # shown, never a crash
            window.show_error(str(exc))
            return
        window.statusBar().showMessage(QCoreApplication.translate("LookupDialog", "Updated %n field(s) from %1.", "", len(keep))
                                       .replace("%1", found.source), 8000)
        window.reload_papers()

    def failed(message: str) -> None:
        window.statusBar().showMessage(QCoreApplication.translate("LookupDialog", "Lookup failed: %1").replace("%1", message), 10000)

    return run_in_background(work, name="lookup", parent=window, on_done=done, on_error=failed)
