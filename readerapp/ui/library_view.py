"""The library pane: the table of papers (model, filter proxy, view) and the
sections and tags tree. Data comes from the core Library API only."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import (QAbstractTableModel, QByteArray, QMimeData, QModelIndex, QSortFilterProxyModel, Qt,
                            Signal)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QInputDialog, QMenu, QMessageBox, QTableView,
                               QTreeWidget, QTreeWidgetItem, QWidget)

from readerapp.core.models import STATUSES, Status

PAPER_IDS_MIME = "application/x-readerapp-paper-ids"
PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _status_label(status: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        Status.TO_READ.value: QCoreApplication.translate("PaperTableModel", "To read"),
        Status.READING.value: QCoreApplication.translate("PaperTableModel", "Reading"),
        Status.READ.value: QCoreApplication.translate("PaperTableModel", "Read"),
    }.get(status, status)


class PaperTableModel(QAbstractTableModel):
    """Papers as rows: title, authors, year, venue, status, date added, and (hidden until
    shown from the header's menu) arXiv id, DOI, URL, code URL.

    Sorting is done here on precomputed keys (one Python sort, not one Python
    call per comparison), and every row keeps a lower-cased haystack of
    title, authors, venue and tags for the filter proxy.

    The bibliographic columns are editable in place when an `editor` (a
    ui.metadata_edit.MetadataEditor, which writes through the library with undo) is set."""

    editRefused = Signal(str)   # one line: why an inline edit was not saved

    COLUMNS = ("title", "authors", "year", "venue", "status", "date_added", "arxiv_id", "doi", "url", "code_url")
    OPTIONAL_COLUMNS = (6, 7, 8, 9)   # hidden by default

    def __init__(self, parent=None):
        super().__init__(parent)
        self._papers: list = []
        self._rows: list[tuple] = []      # display tuples
        self.haystacks: list[str] = []
        self._row_of: dict[int, int] = {}
        self._sort = (5, Qt.SortOrder.DescendingOrder)
        self.editor = None                # MetadataEditor: makes the bibliographic columns editable

    def headers(self) -> list[str]:
        return [self.tr("Title"), self.tr("Authors"), self.tr("Year"), self.tr("Venue"), self.tr("Status"),
                self.tr("Added"), self.tr("arXiv id"), self.tr("DOI"), self.tr("URL"), self.tr("Code URL")]

    # --------------------------------------------------------------- data
    def set_papers(self, papers: list) -> None:
        self.beginResetModel()
        self._papers = list(papers)
        self._build()
        self._apply_sort()
        self.endResetModel()

    def _build(self) -> None:
        labels = {st: _status_label(st) for st in STATUSES}
        rows, hay = [], []
        for p in self._papers:
            row, h = self._row_for(p, labels)
            rows.append(row)
            hay.append(h)
        self._rows, self.haystacks = rows, hay

    @staticmethod
    def _row_for(p, labels) -> tuple[tuple, str]:
        authors = ", ".join(p.authors)
        venue = p.venue or ""
        row = (p.title or "", authors, "" if p.year is None else str(p.year), venue,
               labels.get(p.status) or _status_label(p.status), (p.date_added or "")[:10],
               p.arxiv_id or "", p.doi or "", p.url or "", p.code_url or "")
        return row, f"{p.title}\n{authors}\n{venue}\n{' '.join(p.tags)}".casefold()

    def update_paper(self, paper) -> None:
        """Show a changed paper in its row at once (the full reload follows the change event)."""
        row = self._row_of.get(paper.id, -1)
        if row < 0:
            return
        self._papers[row] = paper
        self._rows[row], self.haystacks[row] = self._row_for(paper, {st: _status_label(st) for st in STATUSES})
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def paper_at(self, row: int):
        return self._papers[row]

    def paper_ids(self) -> list[int]:
        return [p.id for p in self._papers]

    def row_of(self, paper_id: int) -> int:
        return self._row_of.get(paper_id, -1)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.EditRole:
            from readerapp.ui.metadata_edit import field_text

            return field_text(self._papers[index.row()], self.COLUMNS[index.column()])
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._rows[index.row()][index.column()] if index.column() in (0, 1) else ""
            if self.COLUMNS[index.column()] in self._papers[index.row()].user_fields:
                text += ("\n" if text else "") + self.tr("Set by hand: metadata extraction will not change it")
            return text or None
        if role == PAPER_ID_ROLE:
            return self._papers[index.row()].id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (2, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def flags(self, index):
        f = super().flags(index)
        if not index.isValid():
            return f
        f |= Qt.ItemFlag.ItemIsDragEnabled
        if self.editor is not None and self.is_editable_column(index.column()):
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def is_editable_column(self, column: int) -> bool:
        from readerapp.ui.metadata_edit import EDITABLE_FIELDS

        return 0 <= column < len(self.COLUMNS) and self.COLUMNS[column] in EDITABLE_FIELDS

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """An inline edit: written through the MetadataEditor (undoable); a refused value
        (e.g. year "soon") is reported by the editor and the row keeps the stored value."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.editor is None \
                or not self.is_editable_column(index.column()):
            return False
        paper = self._papers[index.row()]
        name = self.COLUMNS[index.column()]
        error = self.editor.set_field(paper.id, name, str(value))
        if error is not None:
            from readerapp.ui.metadata_edit import field_label

            self.editRefused.emit(self.tr("%1 not saved: %2").replace("%1", field_label(name)).replace("%2", error))
            return False
        self.update_paper(self.editor.library.get_paper(paper.id))
        return True

    # --------------------------------------------------------------- sorting
    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old = [p.id for p in self._papers]
        self._sort = (column, order)
        self._apply_sort()
        # keep persistent indexes (selection, current) on their papers
        new_row = self._row_of
        old_pers = self.persistentIndexList()
        self.changePersistentIndexList(
            old_pers, [self.index(new_row[old[i.row()]], i.column()) for i in old_pers])
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, order = self._sort
        name = self.COLUMNS[column] if 0 <= column < len(self.COLUMNS) else "date_added"
        papers = self._papers
        if name == "year":
            keys = [(p.year is None, p.year or 0, p.id) for p in papers]
        elif name == "authors":
            keys = [(p.authors[0].casefold() if p.authors else "", p.id) for p in papers]
        elif name == "status":
            rank = {st: i for i, st in enumerate(STATUSES)}
            keys = [(rank.get(p.status, 9), p.id) for p in papers]
        elif name == "date_added":
            keys = [(p.date_added or "", p.id) for p in papers]
        else:
            keys = [((getattr(p, name) or "").casefold(), p.id) for p in papers]
        order_idx = sorted(range(len(papers)), key=keys.__getitem__,
                           reverse=order == Qt.SortOrder.DescendingOrder)
        if order_idx != list(range(len(papers))):
            self._papers = [papers[i] for i in order_idx]
            self._rows = [self._rows[i] for i in order_idx]
            self.haystacks = [self.haystacks[i] for i in order_idx]
        self._row_of = {p.id: i for i, p in enumerate(self._papers)}

    # --------------------------------------------------------------- drag
    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME]

    def mimeData(self, indexes) -> QMimeData:
        ids = list(dict.fromkeys(self._papers[i.row()].id for i in indexes if i.isValid()))
        mime = QMimeData()
        mime.setData(PAPER_IDS_MIME, QByteArray(json.dumps(ids).encode()))
        return mime

    def supportedDragActions(self):
        return Qt.DropAction.LinkAction | Qt.DropAction.CopyAction


class PaperFilterProxy(QSortFilterProxyModel):
    """Filters the rows as the user types: every word of the text must occur in
    the title, authors, venue or tags (case-insensitive); optionally restricted
    to a set of paper ids (the section or tag chosen in the tree).

    The match runs once over the model's precomputed haystacks; Qt's per-row
    callback only looks the answer up."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self._ids: set[int] | None = None
        self._accept: list[bool] | None = None
        self._last: tuple | None = None   # (ids, rows in model, words, matching rows) of the last match
        self.last_filter_ms = 0.0

    def setSourceModel(self, model) -> None:
        super().setSourceModel(model)
        model.modelReset.connect(self._source_changed)
        model.layoutChanged.connect(self._source_changed)

    def filter_text(self) -> str:
        return self._text

    def set_filter_text(self, text: str) -> None:
        text = " ".join(text.split())
        if text != self._text:
            self._text = text
            self._refilter()

    def set_paper_ids(self, ids) -> None:
        self._ids = None if ids is None else set(ids)
        self._refilter()

    MAX_ROW_RUNS = 40

    def _refilter(self) -> None:
        t0 = time.perf_counter()
        accept, last = self._compute()
        if not hasattr(self, "beginFilterChange"):  # Qt < 6.9
            self._accept, self._last = accept, last
            self.invalidateRowsFilter()
        elif self._change_runs(self._accept, accept) > self.MAX_ROW_RUNS:
            # Many scattered rows come and go: one layoutChanged costs less than the
            # rowsRemoved/rowsInserted signal per run of rows that a filter change emits.
            self._accept, self._last = accept, last
            self.invalidate()
        else:
            self.beginFilterChange()
            self._accept, self._last = accept, last
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.last_filter_ms = (time.perf_counter() - t0) * 1000

    @staticmethod
    def _change_runs(old: list[bool] | None, new: list[bool] | None) -> int:
        """How many runs of consecutive rows change visibility between two results (None: all rows)."""
        n = len(new if new is not None else old or [])
        old = old if old is not None else [True] * n
        new = new if new is not None else [True] * n
        if len(old) != len(new):
            return 1 << 30
        runs, prev = 0, False
        for a, b in zip(old, new):
            ch = a != b
            if ch and not prev:
                runs += 1
            prev = ch
        return runs

    def _source_changed(self) -> None:
        # rows moved or changed: no incremental narrowing from the old match
        # (Qt's handler for the source change may have mapped rows with the old answers: filter again.)
        self._accept, self._last = None, None
        self._accept, self._last = self._compute()
        if self._accept is not None:
            self.invalidate()

    def _compute(self) -> tuple[list[bool] | None, tuple | None]:
        """The accepted rows for the current text and ids, and what narrowing needs next time."""
        model = self.sourceModel()
        if model is None or (not self._text and self._ids is None):
            return None, None
        words = self._text.casefold().split()
        hay = model.haystacks
        n = len(hay)
        last = self._last
        if last is not None and last[0] is self._ids and last[1] == n and len(words) >= len(last[2]) \
                and all(old in new for old, new in zip(last[2], words)):
            # Typing on: every row that matches now matched before, so only those are tested.
            rows = last[3]
        elif self._ids is not None:
            ids = self._ids
            rows = [i for i, pid in enumerate(model.paper_ids()) if pid in ids]
        else:
            rows = range(n)
        for w in words:
            rows = [i for i in rows if w in hay[i]]
        rows = list(rows)
        accept = [False] * n
        for i in rows:
            accept[i] = True
        return accept, (self._ids, n, words, rows)

    def filterAcceptsRow(self, row: int, parent) -> bool:
        acc = self._accept
        return True if acc is None or row >= len(acc) else acc[row]

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        # Sort the source (one Python sort); the proxy keeps the source order.
        self.sourceModel().sort(column, order)


class PaperTable(QTableView):
    """The papers table: sortable, multi-selection, drag papers onto a section."""

    activatedPaper = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # double-click and Enter open the paper; F2 or a click on the selected row's cell edits it
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        # one row height for all: no per-row size bookkeeping when 10,000 rows come and go
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.doubleClicked.connect(self._activated)

    def _header_menu(self, pos) -> None:
        """Show or hide columns (the arXiv id, DOI, URL and code URL columns start hidden)."""
        header = self.horizontalHeader()
        model = self.model()
        menu = QMenu(self)
        for col in range(1, model.columnCount()):  # the title column always stays
            act = menu.addAction(str(model.headerData(col, Qt.Orientation.Horizontal)))
            act.setCheckable(True)
            act.setChecked(not header.isSectionHidden(col))
            act.toggled.connect(lambda on, c=col: self.setColumnHidden(c, not on))
        menu.exec(header.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def setup_columns(self) -> None:
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 220), (2, 60), (3, 140), (4, 90), (5, 100), (6, 100), (7, 160), (8, 200),
                           (9, 200)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(col, width)
        for col in PaperTableModel.OPTIONAL_COLUMNS:
            self.setColumnHidden(col, True)

    def _activated(self, index) -> None:
        if index.isValid():
            self.activatedPaper.emit(int(index.data(PAPER_ID_ROLE)))

    undo_stack = None  # the metadata edits' QUndoStack: Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) here undo/redo them

    def keyPressEvent(self, ev) -> None:
        if self.undo_stack is not None and self.state() != self.State.EditingState:
            ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            if ev.matches(QKeySequence.StandardKey.Undo):
                self.undo_stack.undo()
                return
            if ev.matches(QKeySequence.StandardKey.Redo) or (ev.key() == Qt.Key.Key_Z and ev.modifiers() == ctrl_shift):
                self.undo_stack.redo()
                return
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() == self.State.EditingState:
            ev.accept()  # Enter in a cell editor (passed on by the line edit) commits the edit; it opens nothing
            return
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            for pid in self.selected_paper_ids() or [int(self.currentIndex().data(PAPER_ID_ROLE))]:
                self.activatedPaper.emit(pid)
            return
        super().keyPressEvent(ev)

    def selected_paper_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        model = self.model()
        return [int(model.index(r, 0).data(PAPER_ID_ROLE)) for r in rows]


# ---------------------------------------------------------------- sections and tags tree
KIND_ROLE = Qt.ItemDataRole.UserRole + 10
VALUE_ROLE = Qt.ItemDataRole.UserRole + 11


class SidebarTree(QTreeWidget):
    """All papers / Sections (two levels) / Tags (with counts). Selecting an
    item filters the table; papers dropped on a section are assigned to it."""

    filterChanged = Signal(str, object)     # kind ("all", "section", "tag", "review"), value
    papersDropped = Signal(list, int)       # paper ids, section id
    errorMessage = Signal(str)

    def __init__(self, library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.currentItemChanged.connect(self._current_changed)
        self._selection = ("all", None)
        self.reload()

    # --------------------------------------------------------------- content
    def reload(self) -> None:
        kind, value = self._selection
        self.blockSignals(True)
        self.clear()
        self.all_item = self._item(self, self.tr("All papers"), "all", None)
        self.review_item = self._item(self, "", "review", None)
        self.set_review_count(len(self.library.papers_needing_review()))
        self.review_item.setToolTip(0, self.tr("Papers whose title, authors or year may be wrong; "
                                               "correcting a field takes it off this list"))
        self.sections_item = self._item(self, self.tr("Sections"), "sections_root", None)
        self.sections_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.sections_item.setToolTip(0, self.tr("Right-click to add a section; drag papers onto a section"))
        for sec in self.library.sections():
            top = self._item(self.sections_item, sec.name, "section", sec.id)
            for child in sec.children:
                self._item(top, child.name, "section", child.id)
        self.tags_item = self._item(self, self.tr("Tags"), "tags_root", None)
        self.tags_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        bold = self.font()
        bold.setBold(True)
        for item in (self.all_item, self.sections_item, self.tags_item):
            item.setFont(0, bold)
        for name, count in self.library.tags():
            self._item(self.tags_item, f"{name} ({count})", "tag", name)
        self.expandAll()
        target = self.find_item(kind, value) or self.all_item
        self.setCurrentItem(target)
        self.blockSignals(False)
        if target is self.all_item and kind != "all":
            self._selection = ("all", None)
            self.filterChanged.emit("all", None)

    def set_review_count(self, count: int) -> None:
        self.review_item.setText(0, self.tr("Needs review (%n)", "", count))

    def _item(self, parent, text, kind, value) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setData(0, KIND_ROLE, kind)
        item.setData(0, VALUE_ROLE, value)
        return item

    def find_item(self, kind: str, value) -> QTreeWidgetItem | None:
        it = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while it:
            item = it.pop(0)
            if item.data(0, KIND_ROLE) == kind and item.data(0, VALUE_ROLE) == value:
                return item
            it.extend(item.child(i) for i in range(item.childCount()))
        return None

    def selection(self) -> tuple[str, object]:
        return self._selection

    def _current_changed(self, item, _prev) -> None:
        if item is None:
            return
        kind = item.data(0, KIND_ROLE)
        if kind not in ("all", "section", "tag", "review"):
            return
        self._selection = (kind, item.data(0, VALUE_ROLE))
        self.filterChanged.emit(*self._selection)

    # --------------------------------------------------------------- sections menu
    def _context_menu(self, pos) -> None:
        item = self.itemAt(pos)
        kind = item.data(0, KIND_ROLE) if item else None
        menu = QMenu(self)
        if kind in ("sections_root", None, "all"):
            menu.addAction(self.tr("New section…"), lambda: self.new_section(None))
        elif kind == "section":
            sid = item.data(0, VALUE_ROLE)
            if item.parent() is self.sections_item:
                menu.addAction(self.tr("New subsection…"), lambda: self.new_section(sid))
            menu.addAction(self.tr("Rename…"), lambda: self.rename_section(sid))
            menu.addAction(self.tr("Delete section"), lambda: self.delete_section(sid))
        if not menu.isEmpty():
            menu.exec(self.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def new_section(self, parent_id: int | None, name: str | None = None) -> int | None:
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("New section"), self.tr("Section name:"))
            if not ok:
                return None
        try:
            sid = self.library.create_section(name, parent_id)
        except Exception as exc:
            self.errorMessage.emit(str(exc))
            return None
        self.reload()
        return sid

    def rename_section(self, section_id: int, name: str | None = None) -> None:
        if name is None:
            item = self.find_item("section", section_id)
            name, ok = QInputDialog.getText(self, self.tr("Rename section"), self.tr("Section name:"),
                                            text=item.text(0) if item else "")
            if not ok:
                return
        try:
            self.library.rename_section(section_id, name)
        except Exception as exc:
            self.errorMessage.emit(str(exc))
            return
        self.reload()

    def delete_section(self, section_id: int, confirm: bool = True) -> None:
        if confirm:
            item = self.find_item("section", section_id)
            answer = QMessageBox.question(
                self, self.tr("Delete section"),
                self.tr("Delete the section “%1” and its subsections? The papers stay in the library.")
                .replace("%1", item.text(0) if item else ""))
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.library.delete_section(section_id)
        except Exception as exc:
            self.errorMessage.emit(str(exc))
            return
        self.reload()

    # --------------------------------------------------------------- drop papers on a section
    def _drop_section(self, pos) -> int | None:
        item = self.itemAt(pos)
        if item is not None and item.data(0, KIND_ROLE) == "section":
            return int(item.data(0, VALUE_ROLE))
        return None

    def dragEnterEvent(self, ev) -> None:
        if ev.mimeData().hasFormat(PAPER_IDS_MIME):
            ev.acceptProposedAction()
        else:
            ev.ignore()  # files: let the main window import them

    def dragMoveEvent(self, ev) -> None:
        if ev.mimeData().hasFormat(PAPER_IDS_MIME) and self._drop_section(ev.position().toPoint()) is not None:
            ev.setDropAction(Qt.DropAction.LinkAction)
            ev.accept()
        else:
            ev.ignore()

    def dropEvent(self, ev) -> None:
        sid = self._drop_section(ev.position().toPoint())
        if sid is None or not ev.mimeData().hasFormat(PAPER_IDS_MIME):
            ev.ignore()
            return
        ids = [int(i) for i in json.loads(bytes(ev.mimeData().data(PAPER_IDS_MIME)).decode() or "[]")]
        ev.setDropAction(Qt.DropAction.LinkAction)
        ev.accept()
        self.assign(ids, sid)

    def assign(self, paper_ids: list[int], section_id: int) -> None:
        try:
            for pid in paper_ids:
                self.library.assign_section(pid, section_id)
        except Exception as exc:
            self.errorMessage.emit(str(exc))
        self.papersDropped.emit(paper_ids, section_id)


__all__ = ["PaperTableModel", "PaperFilterProxy", "PaperTable", "SidebarTree", "PAPER_ID_ROLE", "PAPER_IDS_MIME"]
