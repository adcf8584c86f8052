"""The reader tab: one paper's PDF with highlights, outline and structured note.

Layout: a toolbar on top; below, a splitter with the PdfView (or a message
panel when the PDF cannot be shown) on the left and a side panel on the right
(Outline, Highlights, Note).

Everything the user makes is stored at once through the core Library API:
highlights when they are made (undo/redo with a QUndoStack), note fields by
the NoteEditor's autosave. Library change events (from this tab, other tabs or
the main window) are relayed to the GUI thread (readerapp.ui.workers.gui_relay).

The tab is a shell: what it shows is a TabState (reader_states), and three
controllers do the work: AttachController (reader_attach: Locate / Attach in
background jobs), FindBar (reader_find) and HighlightTools (reader_highlights).

Keys while the page has focus: 1–5 highlight the selection in a colour, U
underlines it, Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) undo/redo highlight changes,
Ctrl+F finds, Delete removes the clicked highlight; the PdfView's own keys
(PgUp/PgDn, Space, Home/End, j/k, +/-, Ctrl+wheel, Alt+Left/Right) stay.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QIntValidator, QUndoStack
from PySide6.QtWidgets import (QComboBox, QFileDialog, QInputDialog, QLabel, QLineEdit, QMenu, QSizePolicy,
                               QSplitter, QStackedWidget, QStyle, QTabWidget, QToolBar, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from readerapp.core.errors import NotFound
from readerapp.core.models import Highlight
from readerapp.core.storage.changes import ChangeKind

from .highlights_panel import COLORS, HighlightList
from .note_editor import NoteEditor
from .pdf_view import PasswordRequiredError, PdfOpenError, PdfView
from .reader_attach import AttachController
from .reader_find import FIND_DELAY_MS, FindBar  # noqa: F401  (FIND_DELAY_MS: tests import it from here)
from .reader_highlights import HighlightTools
from .reader_outline import OutlineMixin
from .reader_states import SIDE_HIGHLIGHTS, SIDE_NOTE, SIDE_OUTLINE, SIDE_PAGES, MessagePanel, TabState
from .workers import gui_relay

log = logging.getLogger(__name__)

ZOOM_PRESETS = (50, 75, 100, 125, 150, 200, 300, 400)


class ReaderTab(OutlineMixin, QWidget):
    """One paper: PDF view, highlights, outline and note editor (see module docstring)."""

    titleChanged = Signal(str)
    statusMessage = Signal(str)
    openPaperRequested = Signal(int)

    def __init__(self, library, paper_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.paper_id = int(paper_id)
        self.view: PdfView | None = None
        self.state_name: TabState = TabState.LOADING
        self._title = ""
        self._path: str | None = None
        self._password: str | None = None
        self._closed = False
        self._pending_state: dict | None = None
        self._outline_items: list[tuple[int, QTreeWidgetItem]] = []
        self._outline_due = False

        self.undo_stack = QUndoStack(self)
        self.attacher = AttachController(self)
        self.finder = FindBar(self)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("readerToolbar")
        self.toolbar.setIconSize(QSize(18, 18))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        lay.addWidget(self.toolbar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.left = QStackedWidget()
        self.message = MessagePanel()
        self.left.addWidget(self.message)
        self.splitter.addWidget(self.left)

        self.side = QTabWidget()
        self.side.setObjectName("readerSide")
        self.side.setDocumentMode(True)
        self.outline_tree = QTreeWidget()
        self.outline_tree.setHeaderHidden(True)
        self.outline_tree.setObjectName("outline")
        self.outline_tree.itemClicked.connect(self._outline_clicked)
        self.outline_tree.itemActivated.connect(self._outline_clicked)
        self.highlights = HighlightList()
        self.highlights.setObjectName("highlights")
        self.tools = HighlightTools(self)
        # the note editor is built when first needed (its tab shown, a quote sent, a test's look):
        # opening a paper, which shows the highlights, does not pay for it
        self._note: NoteEditor | None = None
        self._note_read_only = False
        self._note_previews: bool | None = None
        self.note_box = QWidget()
        self.note_box.setObjectName("noteBox")
        QVBoxLayout(self.note_box).setContentsMargins(0, 0, 0, 0)
        self.side.addTab(self.outline_tree, self.tr("Outline"))
        self.side.addTab(self.highlights, self.tr("Highlights"))
        self.side.addTab(self.note_box, self.tr("Note"))
        # page thumbnails of the open PDF (the pages' low-resolution images, from the render workers)
        self.pages_box = QWidget()
        self.pages_box.setObjectName("pagesBox")
        QVBoxLayout(self.pages_box).setContentsMargins(0, 0, 0, 0)
        self.thumbnails = None
        self.side.addTab(self.pages_box, self.tr("Pages"))
        self.side.setTabVisible(SIDE_PAGES, False)
        self.side.setMinimumWidth(260)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([700, 420])
        lay.addWidget(self.splitter, 1)

        self.highlights.activated_highlight.connect(self.jump_to_highlight)
        self.highlights.deleteRequested.connect(self.delete_highlight)
        self.highlights.editCommentRequested.connect(self.edit_comment_dialog)
        self.highlights.colorRequested.connect(self.set_highlight_color)
        self.highlights.sendRequested.connect(self.send_to_note)
        self.highlights.installEventFilter(self)

        self._build_toolbar()
        self._listener = self._make_listener()
        library.add_listener(self._listener)
        self.destroyed.connect(_remover(library, self._listener))
        self.side.setCurrentIndex(SIDE_HIGHLIGHTS)
        self.side.currentChanged.connect(self._side_changed)
        self._load()

    @property
    def note(self) -> NoteEditor:
        """The paper's note editor (built on first use)."""
        if self._note is None:
            ed = NoteEditor(self.library, self.paper_id)
            ed.statusMessage.connect(self.statusMessage)
            if self._note_read_only:
                ed.set_read_only(True)
            if self._note_previews is not None:
                ed.set_previews_on(self._note_previews)
            self.note_box.layout().addWidget(ed)
            ed.show()  # at once (a layout shows a new child only on the next event-loop turn)
            self._note = ed
        return self._note

    def _side_changed(self, index: int) -> None:
        if index == SIDE_NOTE and not self._closed:
            self.note  # noqa: B018 (builds it)
        elif index == SIDE_OUTLINE:
            self._fill_outline_if_due()

    def reload_note(self) -> None:
        """Show the stored note again (when the editor has been built)."""
        if self._note is not None:
            self._note.reload()

    # ------------------------------------------------------------------ toolbar
    def _act(self, text: str, slot, *, icon: QIcon | None = None, tip: str = "", checkable: bool = False,
             name: str = "") -> QAction:
        a = QAction(icon or QIcon(), text, self)
        if tip:
            a.setToolTip(tip)
        a.setCheckable(checkable)
        if name:
            a.setObjectName(name)
        (a.toggled if checkable else a.triggered).connect(slot)
        self.toolbar.addAction(a)
        return a

    def _build_toolbar(self) -> None:
        st = self.style()
        tb = self.toolbar
        self.act_back = self._act(self.tr("Back"), self.back, icon=st.standardIcon(QStyle.StandardPixmap.SP_ArrowBack),
                                  tip=self.tr("Back (Alt+Left)"), name="back")
        self.act_forward = self._act(self.tr("Forward"), self.forward,
                                     icon=st.standardIcon(QStyle.StandardPixmap.SP_ArrowForward),
                                     tip=self.tr("Forward (Alt+Right)"), name="forward")
        tb.addSeparator()
        self.page_edit = QLineEdit()
        self.page_edit.setObjectName("pageBox")
        self.page_edit.setFixedWidth(self.fontMetrics().horizontalAdvance("00000") + 12)
        self.page_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.page_edit.setValidator(QIntValidator(1, 999999, self.page_edit))
        self.page_edit.setToolTip(self.tr("Page number (Enter to go)"))
        self.page_edit.setAccessibleName(self.tr("Page number"))
        self.page_edit.returnPressed.connect(self._page_entered)
        tb.addWidget(self.page_edit)
        self.page_total = QLabel(" / 0 ")
        tb.addWidget(self.page_total)
        tb.addSeparator()
        self.act_zoom_out = self._act("−", lambda: self.view and self.view.zoom_out(),
                                      tip=self.tr("Zoom out (-)"), name="zoomOut")
        self.zoom_box = QComboBox()
        self.zoom_box.setObjectName("zoomBox")
        self.zoom_box.setEditable(True)
        self.zoom_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for z in ZOOM_PRESETS:
            self.zoom_box.addItem(f"{z}%", z)
        self.zoom_box.setMinimumContentsLength(5)
        self.zoom_box.setToolTip(self.tr("Zoom"))
        self.zoom_box.setAccessibleName(self.tr("Zoom"))
        self.zoom_box.activated.connect(lambda i: self._zoom_entered(self.zoom_box.itemText(i)))
        self.zoom_box.lineEdit().returnPressed.connect(lambda: self._zoom_entered(self.zoom_box.currentText()))
        tb.addWidget(self.zoom_box)
        self.act_zoom_in = self._act("+", lambda: self.view and self.view.zoom_in(),
                                     tip=self.tr("Zoom in (+)"), name="zoomIn")
        self.act_fit_width = self._act(self.tr("Fit width"), lambda on: on and self.view and self.view.fit_width(),
                                       tip=self.tr("Fit the page width to the window"), checkable=True,
                                       name="fitWidth")
        self.act_fit_page = self._act(self.tr("Fit page"), lambda on: on and self.view and self.view.fit_page(),
                                      tip=self.tr("Show whole pages"), checkable=True, name="fitPage")
        for a in (self.act_fit_width, self.act_fit_page, self.act_zoom_in, self.act_zoom_out):
            tb.widgetForAction(a).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.addSeparator()
        self.tools.build(tb)
        self.color_group, self.color_actions = self.tools.color_group, self.tools.color_actions
        self.act_underline, self.act_area = self.tools.act_underline, self.tools.act_area
        tb.addSeparator()
        self.act_night = self._act(self.tr("Night"), self._night_toggled,
                                   tip=self.tr("Night mode: light text on a dark page"), checkable=True,
                                   name="night")
        tb.widgetForAction(self.act_night).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.act_undo = self._act(self.tr("Undo"), self.undo_stack.undo, name="undo")
        self.act_redo = self._act(self.tr("Redo"), self.undo_stack.redo, name="redo")
        self.undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda t: self.act_undo.setToolTip(
            self.tr("Undo: %1 (Ctrl+Z)").replace("%1", t)))
        self.undo_stack.redoTextChanged.connect(lambda t: self.act_redo.setToolTip(
            self.tr("Redo: %1 (Ctrl+Shift+Z)").replace("%1", t)))
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        for a in (self.act_undo, self.act_redo):
            tb.widgetForAction(a).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tb.addWidget(spacer)
        self.finder.build(tb)
        self.find_edit, self.find_label = self.finder.find_edit, self.finder.find_label
        self.act_find_prev, self.act_find_next = self.finder.act_find_prev, self.finder.act_find_next
        self.act_find = self.finder.act_find
        self._view_actions = [self.act_back, self.act_forward, self.act_zoom_out, self.act_zoom_in,
                              self.act_fit_width, self.act_fit_page, self.act_underline, self.act_area,
                              self.act_night, self.act_find_prev, self.act_find_next, *self.color_actions]

    # ------------------------------------------------------------------ loading
    def _load(self) -> None:
        """Show the paper: its PDF, or a message that says why not and what to do."""
        try:
            paper = self.library.get_paper(self.paper_id)
        except NotFound:
            self._show_deleted()
            return
        self._set_title(paper.title or (Path(paper.path).name if paper.path else "") or self.tr("Untitled"))
        self._path = paper.path
        # the highlights list: here for a tab without its PDF; an opened PDF loads them with its view
        if not paper.path:
            self._reload_highlights()
            self._show_no_pdf(paper)
            return
        if not Path(paper.path).is_file():
            self._reload_highlights()
            self._show_state(TabState.MOVED, self.tr("The file was moved or deleted: %1").replace("%1", paper.path),
                             self.tr("Your highlights and notes are kept. Locate the file to read it again; "
                                     "if you pick another copy of the paper, the highlights are moved onto it."),
                             [(self.tr("Locate…"), self.locate_file)])
            return
        self._open_pdf(paper.path)

    def _open_pdf(self, path: str) -> None:
        view = self.view or self._make_view()
        try:
            view.open(path, password=self._password)
        except PasswordRequiredError as exc:
            self._drop_view()
            self._reload_highlights()
            wrong = self._password is not None
            self._password = None
            self._show_state(TabState.PASSWORD, self.tr("Wrong password") if wrong else self.tr("This PDF is password-protected"),
                             str(exc), [(self.tr("Enter password…"), self.ask_password)],
                             icon=QStyle.StandardPixmap.SP_MessageBoxQuestion)
            return
        except Exception as exc:  # PdfOpenError, or anything a strange file makes PyMuPDF raise
            if not isinstance(exc, PdfOpenError):
                log.exception("opening %s failed", path)
                exc = PdfOpenError(f"{Path(path).name}: {type(exc).__name__}: {exc}")
            self._drop_view()
            self._reload_highlights()
            self._show_state(TabState.ERROR, self.tr("This PDF cannot be opened"), str(exc),
                             [(self.tr("Try again"), self.reload), (self.tr("Choose another file…"), self.locate_file)],
                             icon=QStyle.StandardPixmap.SP_MessageBoxCritical)
            return
        self.state_name = TabState.PDF
        self.left.setCurrentWidget(view)
        self.setFocusProxy(view)
        self.toolbar.setVisible(True)
        for a in self._view_actions:
            a.setEnabled(True)
        self.side.setTabVisible(SIDE_OUTLINE, True)
        self.side.setTabVisible(SIDE_HIGHLIGHTS, True)
        # the outline (reading it takes up to 10 ms) on the next event-loop turn, or at once if
        # its tab is shown first: the turn that opens the paper shows its first page sooner
        self._outline_due = True
        QTimer.singleShot(0, self, self._fill_outline_if_due)
        self._reload_highlights()
        self.page_total.setText(f" / {view.page_count()} ")
        self._on_page(view.current_page())
        self._on_zoom(view.zoom())
        if self._pending_state:
            st, self._pending_state = self._pending_state, None
            self.restore_state(st)

    # One colour mode per window: the Night button asks the window (color_mode_owner), which sets
    # every tab and its View menu; a tab on its own applies it to itself.
    color_mode_owner = None
    _color_mode = "normal"

    def _night_toggled(self, on: bool) -> None:
        mode = "night" if on else "normal"
        if self.color_mode_owner is not None:
            self.color_mode_owner(mode)
        else:
            self.set_color_mode(mode)

    def set_color_mode(self, mode: str) -> None:
        self._color_mode = mode
        if self.view is not None:
            self.view.set_color_mode(mode)
        self.act_night.blockSignals(True)
        self.act_night.setChecked(mode == "night")
        self.act_night.blockSignals(False)

    def _make_view(self) -> PdfView:
        v = PdfView()
        if self._color_mode != "normal":
            v.set_color_mode(self._color_mode)
        v.setObjectName("pdfView")
        v.pageChanged.connect(self._on_page)
        v.zoomChanged.connect(self._on_zoom)
        v.areaSelected.connect(self.tools._on_area)
        v.highlightClicked.connect(self.tools._on_highlight_clicked)
        v.findFinished.connect(self.finder._on_find_finished)
        v.externalLinkClicked.connect(lambda url: self.statusMessage.emit(self.tr("Opening %1").replace("%1", url)))
        v.linkFollowed.connect(lambda p: self.statusMessage.emit(
            self.tr("Jumped to page %1 (Alt+Left to go back)").replace("%1", str(p + 1))))
        v.installEventFilter(self)
        v.viewport().installEventFilter(self)
        self.left.addWidget(v)
        self.view = v
        from .thumbnails import PageThumbnails

        self.thumbnails = PageThumbnails(v)
        self.thumbnails.setObjectName("pageThumbnails")
        self.pages_box.layout().addWidget(self.thumbnails)
        self.side.setTabVisible(SIDE_PAGES, True)
        return v

    def _drop_view(self) -> None:
        if self.view is None:
            return
        v, self.view = self.view, None
        if self.thumbnails is not None:
            thumbs, self.thumbnails = self.thumbnails, None
            self.side.setTabVisible(SIDE_PAGES, False)
            self.pages_box.layout().removeWidget(thumbs)
            thumbs.deleteLater()
        self.setFocusProxy(None)
        v.shutdown()
        self.left.removeWidget(v)
        v.deleteLater()

    def _show_state(self, name: TabState, headline: str, detail: str, buttons, *,
                    icon=QStyle.StandardPixmap.SP_MessageBoxWarning, busy: bool = False) -> None:
        self.state_name = name
        self._drop_view()
        self.message.show_message(headline, detail, buttons, icon=icon, busy=busy)
        self.left.setCurrentWidget(self.message)
        self.toolbar.setVisible(False)
        self.side.setTabVisible(SIDE_OUTLINE, False)
        self._outline_due = False
        self._outline_items = []
        self.outline_tree.clear()
        if self.side.currentIndex() == SIDE_OUTLINE or not self.highlights.count():
            self.side.setCurrentIndex(SIDE_HIGHLIGHTS if self.highlights.count() else SIDE_NOTE)

    def _show_no_pdf(self, paper) -> None:
        lines = []
        if paper.authors:
            lines.append(", ".join(paper.authors))
        meta = [str(v) for v in (paper.venue, paper.year) if v]
        if meta:
            lines.append(" · ".join(meta))
        for label, v in ((self.tr("arXiv"), paper.arxiv_id), (self.tr("DOI"), paper.doi),
                         (self.tr("URL"), paper.url), (self.tr("Code"), paper.code_url)):
            if v:
                lines.append(f"{label}: {v}")
        lines.append("")
        lines.append(self.tr("This entry has no PDF yet (it came from a paper list). Its note and fields are on the "
                             "right; attach the PDF to read and highlight it here."))
        self._show_state(TabState.NO_PDF, paper.title or self.tr("Untitled"), "\n".join(lines),
                         [(self.tr("Attach PDF…"), self.attach_pdf)],
                         icon=QStyle.StandardPixmap.SP_FileIcon)
        self.side.setTabVisible(SIDE_HIGHLIGHTS, bool(self.highlights.count()))
        self.side.setCurrentIndex(SIDE_NOTE)

    def _show_deleted(self) -> None:
        self._drop_view()
        self._show_state(TabState.DELETED, self.tr("This paper was deleted from the library"), "", [])
        if self._note is not None:
            self._note.set_read_only(True)
        self._note_read_only = True
        self.side.setTabVisible(SIDE_HIGHLIGHTS, False)

    def reload(self) -> None:
        """Open the paper again (after a relink, a password, a retry)."""
        if self._closed:
            return
        self._load()

    def _set_title(self, title: str) -> None:
        if title != self._title:
            self._title = title
            self.titleChanged.emit(title)

    def title(self) -> str:
        return self._title

    # ------------------------------------------------------------------ bad files
    def ask_password(self) -> None:
        pw, ok = QInputDialog.getText(self, self.tr("Password"),
                                      self.tr("Password for %1:").replace("%1", Path(self._path or "").name),
                                      QLineEdit.EchoMode.Password)
        if ok:
            self.open_with_password(pw)

    def open_with_password(self, password: str) -> None:
        self._password = password
        self.reload()

    def locate_file(self) -> None:
        start = str(Path(self._path).parent) if self._path and Path(self._path).parent.is_dir() else ""
        path, _f = QFileDialog.getOpenFileName(self, self.tr("Locate the PDF"), start, self.tr("PDF files (*.pdf)"))
        if path:
            self.use_file(path, confirm_different=True)

    def attach_pdf(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, self.tr("Attach a PDF"), "", self.tr("PDF files (*.pdf)"))
        if path:
            self.use_file(path, confirm_different=False)

    def use_file(self, path: str, *, confirm_different: bool = True, confirm=None) -> None:
        """Check `path` in a background job (hashing), then re-link or attach it (extraction) in a job.

        For "Locate…" a file with other bytes is attached only after the user agrees
        (`confirm(path) -> bool`, a question box by default)."""
        self.attacher.use_file(path, confirm_different=confirm_different, confirm=confirm)

    def attach_busy(self) -> bool:
        return self.attacher.busy()

    def closed(self) -> bool:
        return self._closed


    # ------------------------------------------------------------------ navigation
    def go_to(self, page0: int, bbox=None) -> None:
        """Scroll to `page0` (0-based) and flash `bbox` (PDF points) when given."""
        if self.view is None:
            return
        page0 = max(0, min(int(page0), self.view.page_count() - 1))
        if bbox:  # a passage: centred at the current zoom, flashed, its page shown in the counter
            self.view.show_passage(page0, tuple(float(v) for v in bbox))
        else:
            self.view.go_to(page0)

    def back(self) -> None:
        if self.view is not None and not self.view.back():
            self.statusMessage.emit(self.tr("Nothing to go back to"))

    def forward(self) -> None:
        if self.view is not None:
            self.view.forward()

    def _page_entered(self) -> None:
        if self.view is None:
            return
        try:
            n = int(self.page_edit.text())
        except ValueError:
            return
        if not 1 <= n <= self.view.page_count():
            self.statusMessage.emit(self.tr("There is no page %1 (1–%2)").replace("%1", str(n))
                                    .replace("%2", str(self.view.page_count())))
            self._on_page(self.view.current_page())
            return
        self.view.go_to(n - 1)
        self.view.setFocus()

    def _on_page(self, page: int) -> None:
        if self.view is None:
            return
        if not self.page_edit.hasFocus():
            self.page_edit.setText(str(page + 1))
        self._track_outline(page)

    def _zoom_entered(self, text: str) -> None:
        if self.view is None:
            return
        try:
            z = float(text.strip().rstrip("%").strip())
        except ValueError:
            self._on_zoom(self.view.zoom())
            return
        self.view.set_zoom(z / 100.0)
        self.view.setFocus()

    def _on_zoom(self, z: float) -> None:
        self.zoom_box.setEditText(f"{round(z * 100)}%")
        if self.view is not None:
            mode = self.view.zoom_mode()
            for a, m in ((self.act_fit_width, "fit_width"), (self.act_fit_page, "fit_page")):
                a.blockSignals(True)
                a.setChecked(mode == m)
                a.blockSignals(False)

    # ------------------------------------------------------------------ find (reader_find.FindBar)
    def focus_find(self) -> None:
        self.finder.focus_find()

    def find(self, text: str) -> int:
        """Find `text` now (waits for the worker); returns the number of hits."""
        return self.finder.find(text)

    def find_next(self) -> None:
        self.finder.find_next()

    def find_previous(self) -> None:
        self.finder.find_previous()

    # ------------------------------------------------------------------ highlights (reader_highlights.HighlightTools)
    def current_color(self) -> str:
        return self.tools.current_color()

    def set_current_color(self, color: str) -> None:
        self.tools.set_current_color(color)

    def highlight_selection(self, color: str | None = None, kind: str = "highlight") -> int | None:
        """Highlight (or underline) the text selected in the page; returns the new id."""
        return self.tools.highlight_selection(color, kind)

    def underline_selection(self) -> int | None:
        return self.tools.underline_selection()

    def _add(self, h: Highlight, label: str) -> int | None:
        return self.tools._add(h, label)

    def delete_highlight(self, hid: int) -> bool:
        return self.tools.delete_highlight(hid)

    def set_highlight_comment(self, hid: int, comment: str) -> bool:
        return self.tools.set_highlight_comment(hid, comment)

    def set_highlight_color(self, hid: int, color: str) -> bool:
        return self.tools.set_highlight_color(hid, color)

    def edit_comment_dialog(self, hid: int) -> None:
        self.tools.edit_comment_dialog(hid)

    def send_to_note(self, hid: int, field: str) -> None:
        """Append the highlight as a quote with its page to a note field (and save)."""
        self.tools.send_to_note(hid, field)

    def jump_to_highlight(self, hid: int) -> None:
        self.tools.jump_to_highlight(hid)

    def page_menu(self, pos) -> QMenu | None:
        """Right-click menu at a viewport position: the highlight's menu there, or actions on the selection."""
        return self.tools.page_menu(pos)

    def _reload_highlights(self) -> None:
        self.tools._reload_highlights()

    # ------------------------------------------------------------------ keys
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802
        if self.view is not None and obj is self.view.viewport():
            if ev.type() == QEvent.Type.MouseButtonPress:
                self.tools._clicked_highlight = None  # a click on a highlight sets it again on release
            elif ev.type() == QEvent.Type.ContextMenu:
                menu = self.page_menu(ev.pos())
                if menu is not None:
                    menu.exec(ev.globalPos())
                    return True
            return False
        if ev.type() == QEvent.Type.KeyPress:  # the find box has its own filter (FindBar)
            if obj is self.view or obj is self.highlights:
                return self._view_key(ev)
        return super().eventFilter(obj, ev)

    def _view_key(self, ev) -> bool:
        key, mods = ev.key(), ev.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if ctrl and key == Qt.Key.Key_Z:
            (self.undo_stack.redo if shift else self.undo_stack.undo)()
            return True
        if ctrl and key == Qt.Key.Key_Y:
            self.undo_stack.redo()
            return True
        if ctrl and key == Qt.Key.Key_F:
            self.focus_find()
            return True
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier |
                   Qt.KeyboardModifier.MetaModifier):
            return False
        if self.view is None:
            return False
        if key == Qt.Key.Key_F3:
            (self.find_previous if shift else self.find_next)()
            return True
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_5:
            color = COLORS[key - Qt.Key.Key_1][0]
            current = self.highlights.current_id() if self.highlights.hasFocus() else None
            if current is not None:  # in the list: recolour the selected highlight
                self.set_highlight_color(current, color)
            elif self.view.selection():
                self.highlight_selection(color)
            else:
                self.set_current_color(color)
            return True
        if key == Qt.Key.Key_U and self.view.selection():
            self.underline_selection()
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not self.highlights.hasFocus() \
                and self.tools._clicked_highlight is not None \
                and self.highlights.highlight(self.tools._clicked_highlight) is not None:
            self.delete_highlight(self.tools._clicked_highlight)
            self.tools._clicked_highlight = None
            return True
        if key == Qt.Key.Key_Escape and self.view.tool() == "area":
            self.act_area.setChecked(False)
            return False
        return False

    # ------------------------------------------------------------------ library events
    def _make_listener(self):
        relay = gui_relay(self, self._on_library_changed)  # listeners fire in whatever thread changed it
        pid = self.paper_id

        def listener(kind: str, paper_id) -> None:
            if paper_id == pid or paper_id is None:
                relay(kind, -1 if paper_id is None else int(paper_id))
        return listener

    def _on_library_changed(self, kind: str, _paper_id: int) -> None:
        if self._closed:
            return
        if kind == ChangeKind.DELETED:
            self._show_deleted()
            return
        if kind == ChangeKind.HIGHLIGHT:
            self._reload_highlights()
        elif kind == ChangeKind.NOTE:
            self.reload_note()
        elif kind in (ChangeKind.PAPER, ChangeKind.TAGS):
            self.reload_note()
            try:
                p = self.library.get_paper(self.paper_id)
            except NotFound:
                self._show_deleted()
                return
            self._set_title(p.title or self._title)
            if kind == ChangeKind.PAPER and p.path != self._path and self.state_name is not TabState.ATTACHING:
                self._load()  # re-linked or attached elsewhere (relocate, another tab)

    # ------------------------------------------------------------------ state
    def state(self) -> dict:
        d: dict = {"side_tab": self.side.currentIndex(), "splitter": [int(s) for s in self.splitter.sizes()],
                   "note_preview": self._note.previews_on() if self._note is not None
                   else self._note_previews is not False}
        if self.view is not None:
            vs = self.view.state()
            d.update(page=int(vs["page"]), y=float(vs["offset"]), zoom=float(vs["zoom"]),
                     zoom_mode=str(vs["zoom_mode"]), night=bool(vs["night"]),
                     page_layout=str(vs.get("page_layout", "single")))
        return d

    def restore_state(self, d: dict) -> None:
        if not isinstance(d, dict):
            return
        try:
            tab = d.get("side_tab")
            if isinstance(tab, int) and 0 <= tab < self.side.count() and self.side.isTabVisible(tab):
                self.side.setCurrentIndex(tab)
            sizes = d.get("splitter")
            if isinstance(sizes, list) and len(sizes) == 2 and all(isinstance(s, int) and s > 0 for s in sizes):
                self.splitter.setSizes(sizes)
            if isinstance(d.get("note_preview"), bool):
                self._note_previews = d["note_preview"]
                if self._note is not None:
                    self._note.set_previews_on(d["note_preview"])
            if "page" in d:
                if self.view is None:
                    self._pending_state = {k: d[k] for k in ("page", "y", "zoom", "zoom_mode", "night", "page_layout")
                                           if k in d}
                    return
                st = {"page": int(d["page"]), "offset": float(d.get("y", 0.0)),
                      "zoom_mode": str(d.get("zoom_mode", "fit_width")), "zoom": float(d.get("zoom", 1.0))}
                if "night" in d:
                    st["night"] = bool(d["night"])
                if d.get("page_layout") in ("single", "facing"):
                    st["page_layout"] = d["page_layout"]
                self.view.restore_state(st)
                self.act_night.blockSignals(True)
                self.act_night.setChecked(self.view.night_mode())
                self.act_night.blockSignals(False)
                self._on_zoom(self.view.zoom())
                self._on_page(self.view.current_page())
        except (TypeError, ValueError) as exc:
            log.warning("ignoring a bad saved reader state: %s", exc)

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Save the note, stop the render threads and any attach work. Safe to call twice."""
        if self._closed:
            return
        note = self._note
        if note is not None and not note.flush():
            saved_to = note.rescue_unsaved()
            if saved_to is not None:
                log.warning("note of paper %s could not be saved; kept in %s", self.paper_id, saved_to)
                self.statusMessage.emit(self.tr("The note could not be saved; your text was written to %1")
                                        .replace("%1", str(saved_to)))
        if note is not None:
            note.stop()
        self._closed = True
        self.finder.stop()
        self.library.remove_listener(self._listener)
        self.attacher.cancel()  # attach_file stops at its next check; nothing half-attached stays
        if self.view is not None:
            self.view.shutdown()

    def closeEvent(self, ev) -> None:
        self.shutdown()
        super().closeEvent(ev)

    def hideEvent(self, ev) -> None:
        # another tab came to the front: its tiles should not keep this tab's share of memory
        if not ev.spontaneous() and self.view is not None:
            self.view.release_cache()
        super().hideEvent(ev)

    def focusOutEvent(self, ev) -> None:
        if self._note is not None:
            self._note.flush()
        super().focusOutEvent(ev)

    def changeEvent(self, ev) -> None:
        # the theme changed: the underline tool's U is drawn in the toolbar's text colour
        if ev.type() == QEvent.Type.ApplicationPaletteChange and hasattr(self, "act_underline"):
            self.tools.set_current_color(self.tools.current_color())
        super().changeEvent(ev)


def _remover(library, listener):
    def remove(*_a) -> None:
        library.remove_listener(listener)
    return remove


__all__ = ["ReaderTab"]
