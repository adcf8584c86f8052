"""Editing a paper's bibliographic fields in the window, with undo.

Title, authors, year, venue, arXiv id, DOI, URL and code URL can be edited
inline in the library table and in the reader's side panel (PaperDetailsForm).
Both go through one MetadataEditor per library, whose QUndoStack makes every
change undoable (Ctrl+Z in the table or the form, Edit ▸ Undo). Changes are made
with Library.update_paper as a user edit, so a field set by hand stays protected
from metadata re-extraction; undoing restores the old value (still marked as set
by hand: the user chose it).
"""

from __future__ import annotations

import logging
import weakref

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from readerapp.core.errors import ReaderError

log = logging.getLogger(__name__)

# The bibliographic fields editable in the window, in display order.
EDITABLE_FIELDS = ("title", "authors", "year", "venue", "arxiv_id", "doi", "url", "code_url")


def field_label(name: str) -> str:
    from PySide6.QtCore import QCoreApplication

    # written out per label: lupdate reads QCoreApplication.translate, not an alias of it
    return {
        "title": QCoreApplication.translate("metadata", "Title"),
        "authors": QCoreApplication.translate("metadata", "Authors"),
        "year": QCoreApplication.translate("metadata", "Year"),
        "venue": QCoreApplication.translate("metadata", "Venue"),
        "arxiv_id": QCoreApplication.translate("metadata", "arXiv id"),
        "doi": QCoreApplication.translate("metadata", "DOI"),
        "url": QCoreApplication.translate("metadata", "URL"),
        "code_url": QCoreApplication.translate("metadata", "Code URL"),
    }[name]


def field_text(paper, name: str) -> str:
    """A paper field as the text an editor shows (authors "A; B", year digits, '' for none)."""
    value = getattr(paper, name)
    if name == "authors":
        return "; ".join(value or [])
    return "" if value is None else str(value)


class SetFieldCommand(QUndoCommand):
    """One field of one paper from `old` to `new` (texts as field_text gives them)."""

    def __init__(self, editor: "MetadataEditor", paper_id: int, name: str, old: str, new: str):
        super().__init__(QCoreApplication.translate("MetadataEditor", "Edit %1").replace("%1", field_label(name).lower()))
        self.editor, self.paper_id, self.name, self.old, self.new = editor, paper_id, name, old, new
        self._skip_first_redo = True  # the editor already wrote the new value before pushing

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return 0x4D45

    def mergeWith(self, other) -> bool:  # noqa: N802
        """Autosave while typing writes a field several times: one undo step per field edit."""
        if not isinstance(other, SetFieldCommand) or (other.paper_id, other.name) != (self.paper_id, self.name):
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._write(self.new)

    def undo(self) -> None:
        self._write(self.old)

    def _write(self, text: str) -> None:
        try:
            self.editor.library.update_paper(self.paper_id, **{self.name: text})
        except Exception as exc:  # never raise into Qt: say why, drop the command
            self.setObsolete(True)
            self.editor.report(exc)
            return
        self.editor.fieldChanged.emit(self.paper_id, self.name)


class MetadataEditor(QObject):
    """Writes edited fields through the library and keeps them undoable."""

    fieldChanged = Signal(int, str)   # paper id, field (after a write, undo or redo)
    error = Signal(str)               # one line: why a change was refused

    def __init__(self, library, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.undo_stack = QUndoStack(self)

    def set_field(self, paper_id: int, name: str, text: str) -> str | None:
        """Set a field from text. None when done (or nothing changed); else the one line saying
        why the value was refused (also emitted on `error`)."""
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"not an editable field: {name}")
        try:
            paper = self.library.get_paper(paper_id)
            old = field_text(paper, name)
            if " ".join(text.split()) == " ".join(old.split()):
                return None  # nothing changed: no write, no undo step
            self.library.update_paper(paper_id, **{name: text})
            new = field_text(self.library.get_paper(paper_id), name)
        except Exception as exc:
            return self.report(exc)
        self.undo_stack.push(SetFieldCommand(self, paper_id, name, old, new))
        self.fieldChanged.emit(paper_id, name)
        return None

    def record(self, paper_id: int, name: str, old: str, new: str) -> None:
        """Make a change already written elsewhere (the note's autosaved fields) undoable."""
        if old != new:
            self.undo_stack.push(SetFieldCommand(self, paper_id, name, old, new))
            self.fieldChanged.emit(paper_id, name)

    def report(self, exc: Exception) -> str:
        msg = str(exc) if isinstance(exc, ReaderError) else f"{type(exc).__name__}: {exc}"
        log.warning("metadata edit refused: %s", msg)
        self.error.emit(msg)
        return msg

    def undo_actions(self, widget: QWidget) -> tuple[QAction, QAction]:
        """Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) on this stack while `widget` or a child has focus
        (a line edit being typed in keeps its own undo)."""
        undo = QAction(self.tr("Undo"), widget)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = QAction(self.tr("Redo"), widget)
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for act, slot in ((undo, self.undo_stack.undo), (redo, self.undo_stack.redo)):
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            widget.addAction(act)
        return undo, redo


_EDITORS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def editor_for(library) -> MetadataEditor:
    """The one MetadataEditor (and undo stack) of this library object in this process."""
    ed = _EDITORS.get(library)
    if ed is None:
        ed = MetadataEditor(library)
        _EDITORS[library] = ed
    return ed


class PaperDetailsForm(QWidget):
    """The reader side panel's bibliographic fields: each saved (undoably) when the user
    leaves it or presses Enter; 'set by hand' is shown on fields protected from extraction."""

    statusMessage = Signal(str)

    def __init__(self, library, paper_id: int, parent: QWidget | None = None, *, fields=EDITABLE_FIELDS,
                 load: bool = True):
        super().__init__(parent)
        self.library = library
        self.paper_id = paper_id
        self.editor = editor_for(library)
        self.setObjectName("paperDetails")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.toggle = QToolButton()
        self.toggle.setObjectName("detailsToggle")
        self.toggle.setText(self.tr("Paper details"))
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self.set_expanded)
        lay.addWidget(self.toggle)
        self.body = QWidget()
        form = QFormLayout(self.body)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.edits: dict[str, QLineEdit] = {}
        hints = {"authors": self.tr("A. Author; B. Author"), "year": self.tr("e.g. 2017"),
                 "venue": self.tr("e.g. NeurIPS 2017"), "arxiv_id": self.tr("e.g. 1706.03762"),
                 "doi": self.tr("e.g. 10.1145/…"), "url": self.tr("https://…"),
                 "code_url": self.tr("https://github.com/…")}
        for name in fields:
            e = QLineEdit()
            e.setObjectName(f"meta_{name}")
            e.setPlaceholderText(hints.get(name, ""))
            e.editingFinished.connect(lambda n=name: self.commit(n))
            form.addRow(field_label(name), e)
            self.edits[name] = e
        self.error_label = QLabel()
        self.error_label.setObjectName("detailsError")
        self.error_label.setWordWrap(True)
        from readerapp.ui.theme import error_text, set_text_color

        set_text_color(self.error_label, error_text())
        self.error_label.hide()
        lay.addWidget(self.body)
        lay.addWidget(self.error_label)
        self.body.hide()
        self.editor.undo_actions(self)
        self.editor.fieldChanged.connect(self._changed_elsewhere)
        if load:  # an owner that reads the paper anyway passes load=False and calls reload(paper)
            self.reload()

    def set_expanded(self, on: bool) -> None:
        if self.toggle.isChecked() != on:
            self.toggle.setChecked(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)

    def reload(self, paper=None) -> None:
        """Show the stored values (`paper`: the Paper when the caller has just read it)."""
        if paper is None:
            try:
                paper = self.library.get_paper(self.paper_id)
            except ReaderError:
                return
        user = set(paper.user_fields)
        for name, e in self.edits.items():
            if e.hasFocus() and e.isModified():
                continue  # being typed in: keep the typing
            text = field_text(paper, name)
            if e.text() != text:
                e.setText(text)
                e.setCursorPosition(0)
            e.setModified(False)
            e.setToolTip(self.tr("Set by hand: metadata extraction will not change it") if name in user else "")

    def commit(self, name: str) -> bool:
        e = self.edits[name]
        if not e.isModified():
            return True
        error = self.editor.set_field(self.paper_id, name, e.text())
        if error is None:
            e.setModified(False)
            self.error_label.hide()
            self.reload()
            return True
        # the typed text stays in the field (nothing the user typed is lost)
        self.error_label.setText(self.tr("%1 not saved: %2").replace("%1", field_label(name)).replace("%2", error))
        self.error_label.show()
        return False

    def _changed_elsewhere(self, paper_id: int, _name: str) -> None:
        if paper_id == self.paper_id:
            self.reload()

    def changeEvent(self, ev) -> None:
        from PySide6.QtCore import QEvent

        if ev.type() == QEvent.Type.ApplicationPaletteChange and hasattr(self, "error_label"):
            from readerapp.ui.theme import error_text, set_text_color

            set_text_color(self.error_label, error_text())
        super().changeEvent(ev)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        self.reload()

    def set_read_only(self, ro: bool) -> None:
        for e in self.edits.values():
            e.setReadOnly(ro)

