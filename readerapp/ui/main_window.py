"""The main window: the library (papers table, sections and tags), readers in
tabs, import by drag-and-drop or menu, settings, and the session restored on
the next start.

What is remembered, and where:
  * per library (``library.set_setting``), because paper ids only mean
    something in their library and this travels with the library folder and
    its backups: the open tabs and the current one (``ui:session``), and every
    paper's last position and zoom (``view:<paper id>``, ReaderTab.state());
  * per machine (``window.ini`` in the user config folder, QSettings): window
    geometry, dock and toolbar layout, table columns, night mode.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QLabel, QLineEdit, QMainWindow,
                               QMenu, QMessageBox, QProgressBar, QPushButton, QStackedWidget, QTabWidget,
                               QVBoxLayout, QWidget)

from readerapp import __version__
from readerapp.core.models import STATUSES
from readerapp.core.storage.changes import ChangeKind

from .import_worker import ImportSummaryDialog
from .workers import Job, gui_relay, shutdown_all
from .color_modes import check_mode
from .main_import import ImportMixin
from .main_search import SearchMixin
from .main_session import SESSION_KEY, WINDOW_SETTINGS_FILE, SessionMixin  # noqa: F401 (re-exported)
from .metadata_edit import editor_for
from .lookup_dialog import look_up_online
from .library_view import PAPER_ID_ROLE, PaperFilterProxy, PaperTable, PaperTableModel, SidebarTree, _status_label
from .reader_tab import ReaderTab

log = logging.getLogger(__name__)

VIEW_KEY = "view:{}"


def _keys(primary: str, standard: QKeySequence.StandardKey) -> list[QKeySequence]:
    """The README's shortcut first (the menu shows it), then the platform's own. Some standard keys
    are empty on X11 without KDE (Preferences, Quit), so a shortcut by name alone did nothing there."""
    first = QKeySequence(primary)
    return [first] + [k for k in QKeySequence.keyBindings(standard) if k != first]


class MainWindow(ImportMixin, SessionMixin, SearchMixin, QMainWindow):
    importFinished = Signal(list)   # ImportResults of the last import (tests, integration)

    def __init__(self, library, parent: QWidget | None = None, *, url_opener=None):
        super().__init__(parent)
        self.library = library
        self.url_opener = url_opener or QDesktopServices.openUrl
        self.setObjectName("MainWindow")
        self.setWindowTitle("readerapp")
        self.setAcceptDrops(True)
        self.resize(1280, 820)
        self._color_mode = "normal"   # normal / night / sepia: one state for the window and every tab
        self._import: Job | None = None
        self._opening: Job | None = None
        self._open_after_import = False
        self.import_summary: ImportSummaryDialog | None = None
        self._closing = False
        self.search_panel = None
        self.embedding = None

        # Library change listeners fire in whatever thread made the change (the
        # import job, for one): the relay runs the handler later on the GUI thread.
        self._listener = gui_relay(self, self._on_library_changed)
        library.add_listener(self._listener)
        self._reload_timer = QTimer(self, singleShot=True, interval=150)
        self._reload_timer.timeout.connect(self.reload_papers)
        self._sidebar_dirty = False

        self._build_library_tab()
        self._build_tabs()
        self._build_sidebar()
        self._build_menus()
        self._build_status_bar()
        self.reload_papers()
        self._restore_window()

    # ================================================================== building
    def _build_library_tab(self) -> None:
        self.metadata = editor_for(self.library)  # inline metadata edits, undoable (one stack per library)
        self.model = PaperTableModel(self)
        self.model.editor = self.metadata
        self.model.editRefused.connect(self.show_error, Qt.ConnectionType.QueuedConnection)  # after the editor closes
        self.proxy = PaperFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = PaperTable()
        self.table.setModel(self.proxy)
        self.table.setup_columns()
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(5, Qt.SortOrder.DescendingOrder)
        self.table.activatedPaper.connect(self.open_paper)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_counts())

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(self.tr("Filter by title, author, venue or tag"))
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.filter_edit.returnPressed.connect(self.table.setFocus)

        self.empty_label = QLabel(self.tr(
            "<h3>Your library is empty</h3><p>Drop PDF files or folders on this window, "
            "or use <b>File ▸ Import Files…</b> or <b>Import Folder…</b>.</p>"))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.no_match_label = QLabel()
        self.no_match_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.no_match_label)

        self.library_page = QWidget()
        self.library_page.setObjectName("libraryPage")
        lay = QVBoxLayout(self.library_page)
        lay.setContentsMargins(6, 6, 6, 0)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        lay.addLayout(top)
        lay.addWidget(self.stack, 1)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.addTab(self.library_page, self.tr("Library"))
        bar = self.tabs.tabBar()
        for side in (bar.ButtonPosition.RightSide, bar.ButtonPosition.LeftSide):
            if bar.tabButton(0, side) is not None:
                bar.tabButton(0, side).hide()
                bar.setTabButton(0, side, None)
        bar.tabMoved.connect(self._keep_library_first)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._current_tab_changed)
        self.setCentralWidget(self.tabs)

    def _build_sidebar(self) -> None:
        self.sidebar = SidebarTree(self.library)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.filterChanged.connect(self._sidebar_filter)
        self.sidebar.papersDropped.connect(lambda ids, sid: self.statusBar().showMessage(
            self.tr("%n paper(s) added to “%1”", "", len(ids)).replace("%1", " / ".join(
                self.library.section_path(sid))), 4000))
        self.sidebar.errorMessage.connect(self.show_error)
        self.sidebar_dock = QDockWidget(self.tr("Sections and Tags"), self)
        self.sidebar_dock.setObjectName("sidebarDock")
        self.sidebar_dock.setWidget(self.sidebar)
        self.sidebar_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                                      | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.sidebar_dock)
        self.resizeDocks([self.sidebar_dock], [230], Qt.Orientation.Horizontal)

    def _action(self, text: str, slot, shortcut=None, *, checkable=False, name=None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        act.setCheckable(checkable)
        act.triggered.connect(slot)
        if name:
            act.setObjectName(name)
        self.addAction(act)  # shortcuts work with the menu bar hidden (full screen)
        return act

    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.file_menu = mb.addMenu(self.tr("&File"))
        self.act_import_files = self._action(self.tr("&Import Files…"), self.import_files_dialog, "Ctrl+I")
        self.act_import_folder = self._action(self.tr("Import &Folder…"), self.import_folder_dialog,
                                              "Ctrl+Shift+I")
        self.act_open_pdf = self._action(self.tr("&Open PDF…"), self.open_pdf_dialog, QKeySequence.StandardKey.Open)
        self.act_export = self._action(self.tr("&Export Notes…"), self.show_export_dialog, "Ctrl+E")
        # Ctrl+, by name: QKeySequence.Preferences is empty on X11 (and other non-KDE Linux desktops),
        # so the shortcut did nothing there and the menu showed none
        self.act_settings = self._action(self.tr("&Settings…"), self.show_settings,
                                         _keys("Ctrl+,", QKeySequence.StandardKey.Preferences))
        self.act_close_tab = self._action(self.tr("&Close Tab"), lambda: self.close_tab(self.tabs.currentIndex()),
                                          _keys("Ctrl+W", QKeySequence.StandardKey.Close))
        self.act_quit = self._action(self.tr("&Quit"), self.close, _keys("Ctrl+Q", QKeySequence.StandardKey.Quit))
        self.act_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.act_settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        for a in (self.act_import_files, self.act_import_folder, None, self.act_open_pdf, self.act_close_tab, None,
                  self.act_export, None, self.act_settings, None, self.act_quit):
            self.file_menu.addSeparator() if a is None else self.file_menu.addAction(a)

        self.view_menu = mb.addMenu(self.tr("&View"))
        self.act_library = self._action(self.tr("&Library"), self.show_library, "Ctrl+L")
        self.act_filter = self._action(self.tr("&Filter Papers"), self.focus_filter, QKeySequence.StandardKey.Find)
        # Ctrl+F filters the library only while it is shown; in a reader tab it is the reader's find.
        self.removeAction(self.act_filter)
        self.act_filter.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.library_page.addAction(self.act_filter)
        self.act_delete = QAction(self.tr("Delete Papers…"), self.table)
        self.act_delete.setShortcut(QKeySequence.StandardKey.Delete)
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_delete.triggered.connect(lambda: self.delete_papers(self.table.selected_paper_ids()))
        self.table.addAction(self.act_delete)
        self.table.undo_stack = self.metadata.undo_stack  # Ctrl+Z / Ctrl+Shift+Z undo inline edits in the table
        self.act_sidebar = self.sidebar_dock.toggleViewAction()
        self.act_sidebar.setText(self.tr("&Sections and Tags Pane"))
        self.act_sidebar.setShortcut(QKeySequence("F9"))
        self.addAction(self.act_sidebar)
        self.act_night = self._action(self.tr("&Night Mode"), self.set_night_mode, "Ctrl+Shift+N", checkable=True)
        self.act_sepia = self._action(self.tr("&Sepia Pages"), lambda on: self.set_color_mode(
            "sepia" if on else "normal"), checkable=True, name="sepia")
        self.act_facing = self._action(self.tr("&Two Pages Side by Side"), self.set_facing_pages, checkable=True,
                                       name="facingPages")
        self.act_facing.setEnabled(False)  # until a reader is shown (_sync_reader_actions)
        self.act_fullscreen = self._action(self.tr("F&ull Screen"), self.set_full_screen,
                                           [QKeySequence("F11")], checkable=True)
        self.act_next_tab = self._action(self.tr("Next Tab"), lambda: self._cycle_tab(1), "Ctrl+Tab")
        self.act_prev_tab = self._action(self.tr("Previous Tab"), lambda: self._cycle_tab(-1), "Ctrl+Shift+Tab")
        for a in (self.act_library, self.act_filter, self.act_sidebar, None, self.act_next_tab, self.act_prev_tab,
                  None, self.act_facing, None, self.act_night, self.act_sepia, self.act_fullscreen):
            self.view_menu.addSeparator() if a is None else self.view_menu.addAction(a)
        self.view_menu.aboutToShow.connect(self._sync_reader_actions)

        self.edit_menu = QMenu(self.tr("&Edit"), self)
        mb.insertMenu(self.view_menu.menuAction(), self.edit_menu)
        self.act_undo_meta = self.metadata.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.act_redo_meta = self.metadata.undo_stack.createRedoAction(self, self.tr("Redo"))
        self.edit_menu.addAction(self.act_undo_meta)
        self.edit_menu.addAction(self.act_redo_meta)
        self.edit_menu.addSeparator()
        # F2 is the table's own edit key (a window shortcut would take it from every other widget)
        self.act_edit_cell = self.edit_menu.addAction(self.tr("Edit the Selected Paper's Cell") + "\tF2",
                                                      self._edit_current_cell)

        self.go_menu = mb.addMenu(self.tr("&Go"))
        self.act_back = self._action(self.tr("&Back"), self.go_back, QKeySequence.StandardKey.Back)
        self.act_forward = self._action(self.tr("&Forward"), self.go_forward, QKeySequence.StandardKey.Forward)
        self.go_menu.addAction(self.act_back)
        self.go_menu.addAction(self.act_forward)

        self.help_menu = mb.addMenu(self.tr("&Help"))
        self.act_about = self._action(self.tr("&About readerapp"), self.show_about)
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.help_menu.addAction(self.act_about)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.path_label = QLabel()
        self.path_label.setObjectName("libraryPath")
        self.path_label.setText(self.tr("Library: %1").replace("%1", str(self.library.folder)))
        self.path_label.setToolTip(str(self.library.folder))
        self.count_label = QLabel()
        self.count_label.setObjectName("paperCount")
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.cancel_import)
        self.progress.hide()
        self.cancel_button.hide()
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)
        sb.addPermanentWidget(self.count_label)
        sb.addPermanentWidget(self.path_label)

    # ================================================================== library pane
    def reload_papers(self) -> None:
        """Re-read the papers from the library, keeping the selection."""
        if self.table.state() == PaperTable.State.EditingState:
            self._reload_timer.start()  # a cell is being edited: a model reset would drop the typing
            return
        selected = self.table.selected_paper_ids()
        papers = self.library.list_papers()
        self.model.set_papers(papers)
        self.sidebar.set_review_count(sum(1 for p in papers if p.review))
        self._apply_sidebar_filter()
        if selected:
            sel = self.table.selectionModel()
            for pid in selected:
                row = self.model.row_of(pid)
                if row >= 0:
                    idx = self.proxy.mapFromSource(self.model.index(row, 0))
                    if idx.isValid():
                        sel.select(idx, sel.SelectionFlag.Select | sel.SelectionFlag.Rows)
        self._update_counts()
        if self._sidebar_dirty:
            self._sidebar_dirty = False
            self.sidebar.reload()

    def _on_library_changed(self, kind: ChangeKind, _paper_id) -> None:
        if self._closing:
            return
        if self.search_panel is not None and kind in (ChangeKind.SECTIONS, ChangeKind.TAGS, ChangeKind.LISTS):
            self.search_panel.reload_filters()
        if kind in (ChangeKind.SECTIONS, ChangeKind.TAGS, ChangeKind.LISTS, ChangeKind.DELETED):
            self._sidebar_dirty = True
        if kind in (ChangeKind.PAPER, ChangeKind.DELETED, ChangeKind.TAGS, ChangeKind.SECTIONS, ChangeKind.TEXT):
            # while an import adds papers, refresh the table about once a second, not per file
            self._reload_timer.setInterval(1000 if self.import_running() else 150)
            if not self._reload_timer.isActive():
                self._reload_timer.start()
        if kind == ChangeKind.INDEX:  # the search index was damaged and recreated: rebuild its page text
            self.library.rebuild_index_in_background()
        if kind == ChangeKind.DELETED and _paper_id is not None:
            idx = self.tab_index_of(int(_paper_id))
            if idx > 0:
                self._remove_tab(idx, save=False)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_counts()

    def _sidebar_filter(self, kind: str, value) -> None:
        self._apply_sidebar_filter()
        self._update_counts()
        if self.tabs.currentIndex() != 0:
            self.tabs.setCurrentIndex(0)

    def _apply_sidebar_filter(self) -> None:
        kind, value = self.sidebar.selection()
        if kind == "section":
            ids = [p.id for p in self.library.list_papers(section_id=int(value))]
        elif kind == "tag":
            ids = [p.id for p in self.library.list_papers(tag=str(value))]
        elif kind == "review":
            ids = [p.id for p in self.library.papers_needing_review()]
        else:
            ids = None
        self.proxy.set_paper_ids(ids)

    def _update_counts(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        text = self.tr("%n paper(s)", "", total)
        if shown != total:
            text += " · " + self.tr("%n shown", "", shown)
        nsel = len(self.table.selectionModel().selectedRows())
        if nsel > 1:
            text += " · " + self.tr("%n selected", "", nsel)
        self.count_label.setText(text)
        if total == 0:
            self.stack.setCurrentWidget(self.empty_label)
        elif shown == 0:
            self.no_match_label.setText(self.tr("No paper matches “%1”.").replace("%1", self.filter_edit.text())
                                        if self.filter_edit.text() else self.tr("No paper here yet."))
            self.stack.setCurrentWidget(self.no_match_label)
        else:
            self.stack.setCurrentWidget(self.table)

    def visible_paper_ids(self) -> list[int]:
        return [int(self.proxy.index(r, 0).data(PAPER_ID_ROLE)) for r in range(self.proxy.rowCount())]

    def focus_filter(self) -> None:
        self.show_library()
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def show_library(self) -> None:
        self.tabs.setCurrentIndex(0)

    def _table_menu(self, pos) -> None:
        menu = self.table_menu(self.table.selected_paper_ids())
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def table_menu(self, ids: list[int]) -> QMenu | None:
        """The papers table's context menu for these papers (None without papers)."""
        if not ids:
            return None
        menu = QMenu(self)
        menu.addAction(self.tr("&Open"), lambda: [self.open_paper(pid) for pid in ids])
        status_menu = menu.addMenu(self.tr("Set &Status"))
        for st in STATUSES:
            status_menu.addAction(_status_label(st), lambda st=st: self.set_status(ids, st))
        sections = self.library.sections()
        if sections:
            sec_menu = menu.addMenu(self.tr("Add to Se&ction"))
            for sec in sections:
                sec_menu.addAction(sec.name, lambda sid=sec.id: self.sidebar.assign(ids, sid))
                for child in sec.children:
                    sec_menu.addAction(f"{sec.name} / {child.name}", lambda sid=child.id: self.sidebar.assign(ids, sid))
        member_of = sorted({sid for pid in ids for sid in self.library.sections_of(pid)},
                           key=lambda sid: self.library.section_path(sid))
        if member_of:
            out_menu = menu.addMenu(self.tr("&Remove from Section"))
            for sid in member_of:
                out_menu.addAction(" / ".join(self.library.section_path(sid)),
                                   lambda sid=sid: self.remove_from_section(ids, sid))
        act = menu.addAction(self.tr("Show in &Folder"), lambda: self.show_in_folder(ids[0]))
        act.setEnabled(len(ids) == 1)
        act = menu.addAction(self.tr("Look &Up Online…"), lambda: look_up_online(self, ids[0]))
        act.setEnabled(len(ids) == 1)
        menu.addSeparator()
        menu.addAction(self.tr("&Delete…"), lambda: self.delete_papers(ids))
        return menu

    def remove_from_section(self, paper_ids: list[int], section_id: int) -> None:
        """Take the papers out of one section (they stay in the library and their other sections)."""
        try:
            for pid in paper_ids:
                if section_id in self.library.sections_of(pid):
                    self.library.unassign_section(pid, section_id)
        except Exception as exc:
            self.show_error(str(exc))
        self.reload_papers()
        self.sidebar.reload()

    def _edit_current_cell(self) -> None:
        self.show_library()
        idx = self.table.currentIndex()
        if not idx.isValid() and self.proxy.rowCount():
            idx = self.proxy.index(0, 0)
        if idx.isValid():
            self.table.setCurrentIndex(idx)
            self.table.edit(idx)

    def set_status(self, paper_ids: list[int], status: str) -> None:
        try:
            for pid in paper_ids:
                self.library.update_paper(pid, status=status)
        except Exception as exc:
            self.show_error(str(exc))
        self.reload_papers()

    def delete_papers(self, paper_ids: list[int], confirm: bool = True) -> bool:
        if not paper_ids:
            return False
        if confirm:
            if len(paper_ids) == 1:
                title = self.library.get_paper(paper_ids[0]).title
                text = self.tr("Delete “%1” from the library, with its notes and highlights?").replace("%1", title)
            else:
                text = self.tr("Delete %n papers from the library, with their notes and highlights?", "",
                               len(paper_ids))
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete Papers"), text,
                              QMessageBox.StandardButton.Cancel, self)
            delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            box.deleteLater()
            if box.clickedButton() is not delete:
                return False
        for pid in paper_ids:
            idx = self.tab_index_of(pid)
            if idx > 0:
                self._remove_tab(idx, save=False)
            try:
                self.library.delete_paper(pid)
            except Exception as exc:
                self.show_error(str(exc))
        self.reload_papers()
        return True

    def show_in_folder(self, paper_id: int) -> None:
        try:
            path = self.library.get_paper(paper_id).path
        except Exception as exc:
            self.show_error(str(exc))
            return
        if not path:
            self.show_error(self.tr("This paper has no PDF file."))
            return
        folder = Path(path).parent
        if not folder.is_dir():
            self.show_error(self.tr("The folder %1 does not exist any more.").replace("%1", str(folder)))
            return
        self.url_opener(QUrl.fromLocalFile(str(folder)))

    # ================================================================== reader tabs
    def reader_tabs(self) -> list[ReaderTab]:
        return [self.tabs.widget(i) for i in range(1, self.tabs.count())]

    def tab_index_of(self, paper_id: int) -> int:
        for i in range(1, self.tabs.count()):
            if getattr(self.tabs.widget(i), "paper_id", None) == paper_id:
                return i
        return -1

    def current_reader(self) -> ReaderTab | None:
        w = self.tabs.currentWidget()
        return w if isinstance(w, ReaderTab) else None

    def open_paper(self, paper_id: int, page0: int | None = None, bbox=None, *, focus: bool = True):
        """Open the paper in a tab (or focus its tab) and go to page0 / bbox if given."""
        paper_id = int(paper_id)
        idx = self.tab_index_of(paper_id)
        if idx < 0:
            tab = ReaderTab(self.library, paper_id)
            tab.titleChanged.connect(lambda t, tab=tab: self._retitle(tab, t))
            tab.statusMessage.connect(lambda m: self.statusBar().showMessage(m, 3000))
            tab.openPaperRequested.connect(self.open_paper)
            tab.color_mode_owner = self.set_color_mode  # its Night button changes the window's mode
            idx = self.tabs.addTab(tab, self._short(tab.title()))
            self.tabs.setTabToolTip(idx, tab.title())
            saved = self.library.get_setting(VIEW_KEY.format(paper_id))
            if isinstance(saved, dict) and page0 is None:
                saved = {k: v for k, v in saved.items() if k != "night"}  # the window's mode, not the paper's
                tab.restore_state(saved)
            tab.set_color_mode(self._color_mode)
        tab = self.tabs.widget(idx)
        if focus:
            self.tabs.setCurrentIndex(idx)
        if page0 is not None and page0 >= 0:
            tab.go_to(int(page0), bbox)
        return tab

    def _short(self, title: str) -> str:
        return title if len(title) <= 32 else title[:30].rstrip() + "…"

    def _retitle(self, tab, title: str) -> None:
        idx = self.tabs.indexOf(tab)
        if idx > 0:
            self.tabs.setTabText(idx, self._short(title))
            self.tabs.setTabToolTip(idx, title)

    def close_tab(self, index: int) -> None:
        if index <= 0 or index >= self.tabs.count():
            return
        self._remove_tab(index, save=True)
        self.save_session()

    def _remove_tab(self, index: int, *, save: bool) -> None:
        tab = self.tabs.widget(index)
        if save:
            self._save_view(tab)
        self.tabs.removeTab(index)
        tab.shutdown()
        tab.setParent(None)
        tab.deleteLater()

    def _save_view(self, tab) -> None:
        try:
            st = tab.state()
            if st:
                self.library.set_setting(VIEW_KEY.format(tab.paper_id), st)
        except Exception:  # a closed or read-only library must not block closing a tab
            log.warning("could not save the view of paper %s", getattr(tab, "paper_id", "?"), exc_info=True)

    def _keep_library_first(self, _from: int, _to: int) -> None:
        idx = self.tabs.indexOf(self.library_page)
        if idx > 0:
            self.tabs.tabBar().moveTab(idx, 0)

    def _cycle_tab(self, step: int) -> None:
        n = self.tabs.count()
        if n > 1:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % n)

    def _current_tab_changed(self, index: int) -> None:
        tab = self.tabs.widget(index)
        self.setWindowTitle(f"{tab.title()} — readerapp" if isinstance(tab, ReaderTab) else "readerapp")
        has_view = isinstance(tab, ReaderTab) and tab.view is not None
        if self.search_panel is not None:
            self.search_panel.set_current_paper(tab.paper_id if isinstance(tab, ReaderTab) else None)
        self.act_back.setEnabled(has_view)
        self.act_forward.setEnabled(has_view)
        self._sync_reader_actions()

    def _sync_reader_actions(self) -> None:
        """The View menu's page layout as the current reader has it (disabled without one)."""
        tab = self.current_reader()
        view = tab.view if tab is not None else None
        self.act_facing.setEnabled(view is not None)
        self.act_facing.blockSignals(True)
        self.act_facing.setChecked(view is not None and view.page_layout() == "facing")
        self.act_facing.blockSignals(False)

    def set_facing_pages(self, on: bool) -> None:
        """Two pages side by side (on) or one page per row in the current reader."""
        tab = self.current_reader()
        if tab is not None and tab.view is not None:
            tab.view.set_page_layout("facing" if on else "single")
        self._sync_reader_actions()

    def go_back(self) -> None:
        tab = self.current_reader()
        if tab is not None and tab.view is not None:
            tab.view.back()

    def go_forward(self) -> None:
        tab = self.current_reader()
        if tab is not None and tab.view is not None:
            tab.view.forward()

    def closeEvent(self, ev) -> None:
        if self.import_running():
            self.statusBar().showMessage(self.tr("Cancelling the import…"))
        self.save_session()
        self.save_window()
        self.shutdown()
        super().closeEvent(ev)

    def shutdown(self) -> None:
        """Stop everything that runs in the background (idempotent)."""
        if self._closing:
            return
        self._closing = True
        self.library.remove_listener(self._listener)
        if self.embedding is not None:
            self.embedding.set_auto_start(False)
        for tab in self.reader_tabs():
            tab.shutdown()
        # every background job (import, embedding, searches, attach, maintenance) is
        # cancelled; quitting waits for all of them together at most workers.QUIT_WAIT_S
        shutdown_all()

    # ================================================================== dialogs
    def show_library_problem(self, message: str) -> None:
        """A banner above the tabs that stays: the library failed its check (core.backup.library_problem)."""
        from readerapp.ui.banner import ProblemBanner

        if getattr(self, "problem_banner", None) is None:
            self.problem_banner = ProblemBanner(self)
            self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.problem_banner)
        self.problem_banner.show_problem(message)
        log.warning("%s", message)

    def show_error(self, message: str) -> None:
        """One line in the status bar and a warning box (not blocking the tests: see app.py)."""
        log.warning("%s", message)
        self.statusBar().showMessage(message, 8000)
        box = QMessageBox(QMessageBox.Icon.Warning, "readerapp", message, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_error_box = box

    def show_export_dialog(self):
        from .export_dialog import ExportDialog  # imported when first used: Jinja2 is not needed at start

        dialog = ExportDialog(self.library, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_settings(self):
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(parent=self, current_library=self.library.folder)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.settings, dialog.changed))
        dialog.open()
        return dialog

    def apply_settings(self, settings, changed: set[str]) -> None:
        from .theme import apply_theme

        if "theme" in changed:
            apply_theme(settings.theme)
        restart = changed & {"language", "library_path"}
        if restart:
            self.statusBar().showMessage(
                self.tr("Restart readerapp to use the new language or library folder."), 10000)
        if "embedding_model" in changed:
            self.statusBar().showMessage(self.tr("The new embedding model is used for the next semantic indexing."),
                                         8000)

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About readerapp"), self.tr(
            "<h3>readerapp %1</h3><p>Read, annotate, search and list research papers, offline.</p>"
            "<p>Library: %2</p>").replace("%1", __version__).replace("%2", str(self.library.folder)))

    def set_color_mode(self, mode: str) -> None:
        """normal / night / sepia for every tab; the View menu and each tab's Night button follow."""
        self._color_mode = check_mode(mode)
        for act, on in ((self.act_night, mode == "night"), (self.act_sepia, mode == "sepia")):
            act.blockSignals(True)
            act.setChecked(on)
            act.blockSignals(False)
        for tab in self.reader_tabs():
            tab.set_color_mode(mode)

    def color_mode(self) -> str:
        return self._color_mode

    def set_night_mode(self, on: bool) -> None:
        self.set_color_mode("night" if on else "normal")

    def night_mode(self) -> bool:
        return self._color_mode == "night"

    def set_full_screen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
        if self.act_fullscreen.isChecked() != bool(on):
            self.act_fullscreen.setChecked(bool(on))
