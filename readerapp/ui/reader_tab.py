"""The reader tab: one paper's PDF with highlights, outline and structured note.

Layout: a toolbar on top; below, a splitter with the PdfView (or a message
panel when the PDF cannot be shown) on the left and a side panel on the right
(Outline, Highlights, Note).

Everything the user makes is stored at once through the core Library API:
highlights when they are made (undo/redo with a QUndoStack), note fields by
the NoteEditor's autosave. Library change events (from this tab, other tabs or
the main window) are marshalled to the GUI thread with a queued signal.

Keys while the page has focus: 1–5 highlight the selection in a colour, U
underlines it, Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) undo/redo highlight changes,
Ctrl+F finds, Delete removes the clicked highlight; the PdfView's own keys
(PgUp/PgDn, Space, Home/End, j/k, +/-, Ctrl+wheel, Alt+Left/Right) stay.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QIntValidator, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMenu,
                               QMessageBox, QProgressBar, QPushButton, QSizePolicy, QSplitter, QStackedWidget,
                               QStyle, QTabWidget, QToolBar, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from readerapp.core.errors import NotFound, ReaderError
from readerapp.core.models import Highlight
from readerapp.core.storage.changes import ChangeKind

from .highlights_panel import (COLORS, AddHighlightCommand, DeleteHighlightCommand, EditHighlightCommand,
                               HighlightList, quote_markdown, swatch_icon)
from .note_editor import NoteEditor
from .pdf_view import PasswordRequiredError, PdfOpenError, PdfView

log = logging.getLogger(__name__)

SIDE_OUTLINE, SIDE_HIGHLIGHTS, SIDE_NOTE = 0, 1, 2
ZOOM_PRESETS = (50, 75, 100, 125, 150, 200, 300, 400)
FIND_DELAY_MS = 250


def _bbox(quads) -> tuple[float, float, float, float] | None:
    xs = [v for q in quads for v in q[0::2]]
    ys = [v for q in quads for v in q[1::2]]
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


class _MessagePanel(QWidget):
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


class ReaderTab(QWidget):
    """One paper: PDF view, highlights, outline and note editor (see module docstring)."""

    titleChanged = Signal(str)
    statusMessage = Signal(str)
    openPaperRequested = Signal(int)
    _libraryChanged = Signal(str, int)   # marshals Library events to the GUI thread
    _attachDone = Signal(object)         # (kind, payload) from the attach worker thread

    def __init__(self, library, paper_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.paper_id = int(paper_id)
        self.view: PdfView | None = None
        self.state_name = "loading"       # pdf | no-pdf | moved | error | password | deleted | attaching
        self._title = ""
        self._path: str | None = None
        self._password: str | None = None
        self._color = COLORS[0][0]
        self._clicked_highlight: int | None = None
        self._attach_thread: threading.Thread | None = None
        self._attach_cancel = threading.Event()
        self._closed = False
        self._pending_state: dict | None = None
        self._outline_items: list[tuple[int, QTreeWidgetItem]] = []

        self.undo_stack = QUndoStack(self)
        self._find_timer = QTimer(self, singleShot=True, interval=FIND_DELAY_MS)
        self._find_timer.timeout.connect(self._start_find)

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
        self.message = _MessagePanel()
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
        self.note = NoteEditor(library, self.paper_id)
        self.note.statusMessage.connect(self.statusMessage)
        self.side.addTab(self.outline_tree, self.tr("Outline"))
        self.side.addTab(self.highlights, self.tr("Highlights"))
        self.side.addTab(self.note, self.tr("Note"))
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
        self._libraryChanged.connect(self._on_library_changed, Qt.ConnectionType.QueuedConnection)
        self._attachDone.connect(self._on_attach_done, Qt.ConnectionType.QueuedConnection)
        self._listener = self._make_listener()
        library.add_listener(self._listener)
        self.destroyed.connect(_remover(library, self._listener))
        self.side.setCurrentIndex(SIDE_HIGHLIGHTS)
        self._load()

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
        # highlight tools
        names = self.highlights.color_names()
        self.color_group = QActionGroup(self)
        self.color_actions: list[QAction] = []
        for n, (c, _en) in enumerate(COLORS, 1):
            a = QAction(swatch_icon(c, 18), names[c], self)
            a.setObjectName(f"color{n}")
            a.setCheckable(True)
            a.setToolTip(self.tr("Highlight the selection in %1 (%2)").replace("%1", names[c].lower())
                         .replace("%2", str(n)))
            a.triggered.connect(lambda _c=False, c=c: self._color_clicked(c))
            self.color_group.addAction(a)
            tb.addAction(a)
            self.color_actions.append(a)
        self.color_actions[0].setChecked(True)
        self.act_underline = self._act(self.tr("Underline"), lambda: self.underline_selection(),
                                       icon=swatch_icon(self._color, 18, underline=True),
                                       tip=self.tr("Underline the selection (U)"), name="underline")
        self.act_area = self._act(self.tr("Area"), self._area_toggled, icon=self._area_icon(),
                                  tip=self.tr("Area highlight: drag a rectangle around a figure or equation"),
                                  checkable=True, name="area")
        tb.addSeparator()
        self.act_night = self._act(self.tr("Night"), lambda on: self.view and self.view.set_night_mode(on),
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
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("findBox")
        self.find_edit.setPlaceholderText(self.tr("Find in document (Ctrl+F)"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setAccessibleName(self.tr("Find in document"))
        self.find_edit.setMinimumWidth(140)
        self.find_edit.setMaximumWidth(240)
        self.find_edit.textEdited.connect(lambda _t: self._find_timer.start())
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_edit.installEventFilter(self)
        tb.addWidget(self.find_edit)
        self.act_find_prev = self._act("▲", self.find_previous, tip=self.tr("Previous hit (Shift+Enter)"),
                                       name="findPrev")
        self.act_find_next = self._act("▼", self.find_next, tip=self.tr("Next hit (Enter)"), name="findNext")
        self.find_label = QLabel()
        self.find_label.setObjectName("findCount")
        self.find_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("000 / 0000") + 8)
        tb.addWidget(self.find_label)
        self.act_find = QAction(self.tr("Find"), self)
        self.act_find.setShortcut(QKeySequence.StandardKey.Find)
        self.act_find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_find.triggered.connect(self.focus_find)
        self.addAction(self.act_find)
        self._view_actions = [self.act_back, self.act_forward, self.act_zoom_out, self.act_zoom_in,
                              self.act_fit_width, self.act_fit_page, self.act_underline, self.act_area,
                              self.act_night, self.act_find_prev, self.act_find_next, *self.color_actions]

    def _area_icon(self) -> QIcon:
        from PySide6.QtGui import QPainter, QPen, QPixmap

        pm = QPixmap(18, 18)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setPen(QPen(QColor("#444444"), 1.5, Qt.PenStyle.DashLine))
        p.setBrush(QColor(self._color).lighter(110))
        p.drawRect(2, 4, 14, 10)
        p.end()
        return QIcon(pm)

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
        self._reload_highlights()
        if not paper.path:
            self._show_no_pdf(paper)
            return
        if not Path(paper.path).is_file():
            self._show_state("moved", self.tr("The file was moved or deleted: %1").replace("%1", paper.path),
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
            wrong = self._password is not None
            self._password = None
            self._show_state("password", self.tr("Wrong password") if wrong else self.tr("This PDF is password-protected"),
                             str(exc), [(self.tr("Enter password…"), self.ask_password)],
                             icon=QStyle.StandardPixmap.SP_MessageBoxQuestion)
            return
        except Exception as exc:  # PdfOpenError, or anything a strange file makes PyMuPDF raise
            if not isinstance(exc, PdfOpenError):
                log.exception("opening %s failed", path)
                exc = PdfOpenError(f"{Path(path).name}: {type(exc).__name__}: {exc}")
            self._drop_view()
            self._show_state("error", self.tr("This PDF cannot be opened"), str(exc),
                             [(self.tr("Try again"), self.reload), (self.tr("Choose another file…"), self.locate_file)],
                             icon=QStyle.StandardPixmap.SP_MessageBoxCritical)
            return
        self.state_name = "pdf"
        self.left.setCurrentWidget(view)
        self.setFocusProxy(view)
        self.toolbar.setVisible(True)
        for a in self._view_actions:
            a.setEnabled(True)
        self.side.setTabVisible(SIDE_OUTLINE, True)
        self.side.setTabVisible(SIDE_HIGHLIGHTS, True)
        self._fill_outline()
        self._reload_highlights()
        self.page_total.setText(f" / {view.page_count()} ")
        self._on_page(view.current_page())
        self._on_zoom(view.zoom())
        if self._pending_state:
            st, self._pending_state = self._pending_state, None
            self.restore_state(st)

    def _make_view(self) -> PdfView:
        v = PdfView()
        v.setObjectName("pdfView")
        v.pageChanged.connect(self._on_page)
        v.zoomChanged.connect(self._on_zoom)
        v.areaSelected.connect(self._on_area)
        v.highlightClicked.connect(self._on_highlight_clicked)
        v.findFinished.connect(self._on_find_finished)
        v.externalLinkClicked.connect(lambda url: self.statusMessage.emit(self.tr("Opening %1").replace("%1", url)))
        v.linkFollowed.connect(lambda p: self.statusMessage.emit(
            self.tr("Jumped to page %1 (Alt+Left to go back)").replace("%1", str(p + 1))))
        v.installEventFilter(self)
        v.viewport().installEventFilter(self)
        self.left.addWidget(v)
        self.view = v
        return v

    def _drop_view(self) -> None:
        if self.view is None:
            return
        v, self.view = self.view, None
        self.setFocusProxy(None)
        v.shutdown()
        self.left.removeWidget(v)
        v.deleteLater()

    def _show_state(self, name: str, headline: str, detail: str, buttons, *,
                    icon=QStyle.StandardPixmap.SP_MessageBoxWarning, busy: bool = False) -> None:
        self.state_name = name
        self._drop_view()
        self.message.show_message(headline, detail, buttons, icon=icon, busy=busy)
        self.left.setCurrentWidget(self.message)
        self.toolbar.setVisible(False)
        self.side.setTabVisible(SIDE_OUTLINE, False)
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
        self._show_state("no-pdf", paper.title or self.tr("Untitled"), "\n".join(lines),
                         [(self.tr("Attach PDF…"), self.attach_pdf)],
                         icon=QStyle.StandardPixmap.SP_FileIcon)
        self.side.setTabVisible(SIDE_HIGHLIGHTS, bool(self.highlights.count()))
        self.side.setCurrentIndex(SIDE_NOTE)

    def _show_deleted(self) -> None:
        self._drop_view()
        self._show_state("deleted", self.tr("This paper was deleted from the library"), "", [])
        self.note.set_read_only(True)
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
        """Check `path` in a worker (hashing), then re-link or attach it (extraction) in a worker.

        For "Locate…" a file with other bytes is attached only after the user agrees
        (`confirm(path) -> bool`, a question box by default)."""
        if self._attach_thread is not None and self._attach_thread.is_alive():
            return
        self._confirm = confirm or self._confirm_different
        self._confirm_different_needed = confirm_different
        self._show_state("attaching", self.tr("Checking %1…").replace("%1", Path(path).name), "", [],
                         icon=QStyle.StandardPixmap.SP_FileIcon, busy=True)
        self._run_worker(self._check_worker, path)

    def _run_worker(self, fn, *args) -> None:
        self._attach_cancel.clear()
        t = threading.Thread(target=fn, args=args, name="readerapp-attach", daemon=True)
        self._attach_thread = t
        t.start()

    def _check_worker(self, path: str) -> None:
        from readerapp.core.relocate import check_file_for_paper

        try:
            res = check_file_for_paper(self.library, self.paper_id, path)
        except Exception as exc:
            res = exc
        self._emit_attach(("checked", path, res))

    def _attach_worker(self, path: str) -> None:
        from readerapp.core.relocate import attach_file

        try:
            res = attach_file(self.library, self.paper_id, path, cancel=self._attach_cancel.is_set)
        except Exception as exc:
            res = exc
        self._emit_attach(("attached", path, res))

    def _emit_attach(self, payload) -> None:
        if not self._closed:
            try:
                self._attachDone.emit(payload)
            except RuntimeError:  # the tab is gone
                pass

    def _confirm_different(self, path: str) -> bool:
        ans = QMessageBox.question(
            self, self.tr("Another file"),
            self.tr("%1 is not the file that was imported (its contents differ).\n\nAttach it as this paper's new "
                    "file? Highlights are moved onto it by their quoted text; those that cannot be found stay "
                    "where they were.").replace("%1", Path(path).name))
        return ans == QMessageBox.StandardButton.Yes

    def _on_attach_done(self, payload) -> None:
        if self._closed:
            return
        self._attach_thread = None
        step, path, res = payload
        if isinstance(res, Exception):
            self._attach_failed(str(res) if isinstance(res, ReaderError) else f"{type(res).__name__}: {res}")
            return
        if step == "checked":
            if res.kind in ("bad", "other-paper"):
                self._attach_failed(res.reason)
                return
            if res.kind == "different" and self._confirm_different_needed and not self._confirm(path):
                self._attach_failed("")
                return
            self._show_state("attaching", self.tr("Attaching %1…").replace("%1", Path(path).name),
                             self.tr("Reading its text and moving your highlights onto it."), [],
                             icon=QStyle.StandardPixmap.SP_FileIcon, busy=True)
            self._run_worker(self._attach_worker, path)
            return
        if res.status == "relinked":
            msg = self.tr("Found the file: %1").replace("%1", res.path)
        else:
            msg = self.tr("Attached %1").replace("%1", Path(res.path).name)
            if res.unanchored:
                msg += self.tr(" (%1 highlight(s) could not be found in it and stay where they were)").replace(
                    "%1", str(len(res.unanchored)))
        self._password = None
        self._load()
        self.note.reload()
        self.statusMessage.emit(msg)

    def _attach_failed(self, msg: str) -> None:
        if msg:
            self.statusMessage.emit(msg)
        self._load()  # back to what it showed
        if msg and self.state_name != "pdf":
            self.message.add_detail(msg)

    def attach_busy(self) -> bool:
        return self._attach_thread is not None

    # ------------------------------------------------------------------ navigation
    def go_to(self, page0: int, bbox=None) -> None:
        """Scroll to `page0` (0-based) and flash `bbox` (PDF points) when given."""
        if self.view is None:
            return
        page0 = max(0, min(int(page0), self.view.page_count() - 1))
        if bbox:
            x0, y0, x1, y1 = (float(v) for v in bbox)
            self.view.go_to(page0, max(0.0, y0 - 40))
            self.view.flash_region(page0, (x0, y0, x1, y1))
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

    # ------------------------------------------------------------------ outline
    def _fill_outline(self) -> None:
        self._outline_items = []
        self.outline_tree.clear()
        entries = self.view.outline() if self.view is not None else []
        parents: list[QTreeWidgetItem] = []
        for level, title, page in entries:
            item = QTreeWidgetItem([title])
            item.setData(0, Qt.ItemDataRole.UserRole, page)
            if page >= 0:
                item.setToolTip(0, self.tr("%1 (p. %2)").replace("%1", title).replace("%2", str(page + 1)))
            level = max(1, level)
            parents = parents[:level - 1]
            (parents[-1].addChild(item) if parents else self.outline_tree.addTopLevelItem(item))
            parents.append(item)
            if page >= 0:
                self._outline_items.append((page, item))
        if not entries:
            item = QTreeWidgetItem([self.tr("This PDF has no table of contents.")])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.outline_tree.addTopLevelItem(item)
        elif len(entries) <= 80:
            self.outline_tree.expandAll()
        else:
            self.outline_tree.expandToDepth(0)

    def _outline_clicked(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        page = item.data(0, Qt.ItemDataRole.UserRole)
        if self.view is not None and isinstance(page, int) and page >= 0:
            self.view.go_to(page)

    def _track_outline(self, page: int) -> None:
        best = None
        for p, item in self._outline_items:
            if p <= page:
                best = item
        if best is not None and self.outline_tree.currentItem() is not best:
            self.outline_tree.blockSignals(True)
            self.outline_tree.setCurrentItem(best)
            self.outline_tree.blockSignals(False)

    # ------------------------------------------------------------------ find
    def focus_find(self) -> None:
        if self.view is None:
            return
        sel = self.view.selected_text()
        if sel and "\n" not in sel and len(sel) < 80:
            self.find_edit.setText(sel)
            self._find_timer.start()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def _start_find(self) -> None:
        if self.view is None:
            return
        text = self.find_edit.text().strip()
        self._find_started_for = text
        if not text:
            self.view.clear_find()
            self.find_label.setText("")
            return
        self.find_label.setText("…")
        self.view.start_find(text)

    def find(self, text: str) -> int:
        """Find `text` now (waits for the worker); returns the number of hits."""
        self.find_edit.setText(text)
        self._find_timer.stop()
        self._find_started_for = text.strip()
        if self.view is None:
            return 0
        n = self.view.find(text.strip())
        self._on_find_finished(n)
        return n

    def find_next(self) -> None:
        self._find_step(forward=True)

    def find_previous(self) -> None:
        self._find_step(forward=False)

    def _find_step(self, forward: bool) -> None:
        if self.view is None:
            return
        if self.find_edit.text().strip() != getattr(self, "_find_started_for", None):
            self._find_timer.stop()
            self._start_find()
            return
        (self.view.find_next if forward else self.view.find_previous)()
        self._update_find_label()

    def _on_find_finished(self, total: int) -> None:
        self._update_find_label()
        if total == 0 and self.find_edit.text().strip():
            self.statusMessage.emit(self.tr("Not found: %1").replace("%1", self.find_edit.text().strip()))

    def _update_find_label(self) -> None:
        if self.view is None or not self.find_edit.text().strip():
            self.find_label.setText("")
            return
        idx, total = self.view.find_position()
        self.find_label.setText(self.tr("No hits") if total == 0 else f"{idx + 1} / {total}")

    # ------------------------------------------------------------------ highlights
    def current_color(self) -> str:
        return self._color

    def set_current_color(self, color: str) -> None:
        self._color = color
        for a, (c, _n) in zip(self.color_actions, COLORS):
            a.setChecked(c == color)
        self.act_underline.setIcon(swatch_icon(color, 18, underline=True))
        self.act_area.setIcon(self._area_icon())

    def _color_clicked(self, color: str) -> None:
        self.set_current_color(color)
        if self.view is not None and self.view.selection():
            self.highlight_selection(color)

    def _area_toggled(self, on: bool) -> None:
        if self.view is not None:
            self.view.set_tool("area" if on else "select")
            if on:
                self.statusMessage.emit(self.tr("Drag a rectangle around a figure or equation to highlight it"))

    def highlight_selection(self, color: str | None = None, kind: str = "highlight") -> int | None:
        """Highlight (or underline) the text selected in the page; returns the new id."""
        if self.view is None:
            return None
        sel = self.view.selection()
        if not sel or not sel[2].strip():
            self.statusMessage.emit(self.tr("Select some text first (or use the area tool for a figure)"))
            return None
        page, quads, text = sel
        color = color or self._color
        if color != self._color:
            self.set_current_color(color)
        h = Highlight(None, self.paper_id, page, [list(q) for q in quads], text, color=color, kind=kind)
        hid = self._add(h, self.tr("Underline") if kind == "underline" else self.tr("Highlight"))
        if hid is not None:
            self.view.clear_selection()
        return hid

    def underline_selection(self) -> int | None:
        return self.highlight_selection(self._color, kind="underline")

    def _on_area(self, page: int, rect: tuple) -> None:
        if self.view is None or self.view.tool() != "area":
            return
        x0, y0, x1, y1 = rect
        if x1 - x0 < 4 or y1 - y0 < 4:
            return
        h = Highlight(None, self.paper_id, page, [[x0, y0, x1, y0, x0, y1, x1, y1]], "", color=self._color,
                      kind="area")
        self._add(h, self.tr("Area highlight"))

    def _add(self, h: Highlight, label: str) -> int | None:
        try:
            h.id = self.library.add_highlight(h)
        except ReaderError as exc:
            self._error(self.tr("Highlight not saved: %1").replace("%1", str(exc)))
            return None
        self.undo_stack.push(AddHighlightCommand(self.library, h, label, self._error, self._reload_highlights))
        self._reload_highlights()
        self.highlights.select_id(h.id)
        self.statusMessage.emit(self.tr("%1 on page %2 saved (Ctrl+Z to undo)").replace("%1", label)
                                .replace("%2", str(h.page + 1)))
        return h.id

    def delete_highlight(self, hid: int) -> bool:
        try:
            h = self.library.delete_highlight(hid)
        except ReaderError as exc:
            self._error(str(exc))
            return False
        self.undo_stack.push(DeleteHighlightCommand(self.library, h, self.tr("Delete highlight"), self._error,
                                                    self._reload_highlights))
        self._reload_highlights()
        self.statusMessage.emit(self.tr("Highlight deleted (Ctrl+Z to undo)"))
        return True

    def _edit(self, hid: int, label: str, **new) -> bool:
        try:
            h = self.library.get_highlight(hid)
            old = {k: getattr(h, k) for k in new}
            if old == new:
                return True
            self.library.update_highlight(hid, **new)
        except ReaderError as exc:
            self._error(str(exc))
            return False
        self.undo_stack.push(EditHighlightCommand(self.library, hid, old, new, label, self._error,
                                                  self._reload_highlights))
        self._reload_highlights()
        return True

    def set_highlight_comment(self, hid: int, comment: str) -> bool:
        return self._edit(hid, self.tr("Edit comment"), comment=comment)

    def set_highlight_color(self, hid: int, color: str) -> bool:
        return self._edit(hid, self.tr("Change colour"), color=color)

    def edit_comment_dialog(self, hid: int) -> None:
        h = self.highlights.highlight(hid)
        if h is None:
            return
        text, ok = QInputDialog.getMultiLineText(self, self.tr("Comment"),
                                                 self.tr("Comment on the highlight on page %1:")
                                                 .replace("%1", str(h.page + 1)), h.comment)
        if ok:
            self.set_highlight_comment(hid, text.strip())

    def send_to_note(self, hid: int, field: str) -> None:
        """Append the highlight as a quote with its page to a note field (and save)."""
        h = self.highlights.highlight(hid)
        if h is None:
            return
        self.note.append_quote(field, quote_markdown(h))
        self.side.setCurrentIndex(SIDE_NOTE)
        names = {"problem": self.tr("Problem"), "method": self.tr("Method"), "results": self.tr("Results"),
                 "notes": self.tr("Notes")}
        self.statusMessage.emit(self.tr("Quote added to %1").replace("%1", names.get(field, field)))

    def jump_to_highlight(self, hid: int) -> None:
        h = self.highlights.highlight(hid)
        if h is None or self.view is None:
            return
        self.go_to(h.page, _bbox(h.quads))

    def _on_highlight_clicked(self, hid) -> None:
        self._clicked_highlight = hid
        h = self.highlights.highlight(hid)
        if h is None:
            return
        self.highlights.select_id(hid)
        if self.side.currentIndex() != SIDE_NOTE:
            self.side.setCurrentIndex(SIDE_HIGHLIGHTS)
        msg = self.tr("Highlight on page %1").replace("%1", str(h.page + 1))
        if h.comment:
            msg += ": " + " ".join(h.comment.split())
        self.statusMessage.emit(msg + self.tr(" — Delete to remove, right-click the list for more"))

    def page_menu(self, pos) -> QMenu | None:
        """Right-click menu at a viewport position: the highlight's menu there, or actions on the selection."""
        if self.view is None:
            return None
        hid = self.view.highlight_at(pos)
        if hid is not None and self.highlights.highlight(hid) is not None:
            self.highlights.select_id(hid)
            self._clicked_highlight = hid
            return self.highlights.build_menu(hid)
        if not self.view.selection():
            return None
        m = QMenu(self)
        names = self.highlights.color_names()
        for n, (c, _en) in enumerate(COLORS, 1):
            m.addAction(swatch_icon(c), self.tr("Highlight in %1").replace("%1", names[c].lower()) + f"\t{n}",
                        lambda c=c: self.highlight_selection(c))
        m.addAction(swatch_icon(self._color, 16, underline=True), self.tr("Underline") + "\tU",
                    self.underline_selection)
        m.addSeparator()
        m.addAction(self.tr("Copy"), self.view.copy_selection)
        m.addAction(self.tr("Find in document"), self.focus_find)
        return m

    def _reload_highlights(self) -> None:
        if self._closed:
            return
        try:
            items = self.library.highlights(self.paper_id)
        except ReaderError:
            items = []
        self.highlights.set_highlights(items)
        if self.view is not None:
            self.view.set_highlights(items)
        self.side.setTabText(SIDE_HIGHLIGHTS, self.tr("Highlights (%1)").replace("%1", str(len(items)))
                             if items else self.tr("Highlights"))

    def _error(self, msg: str) -> None:
        self.statusMessage.emit(msg)

    # ------------------------------------------------------------------ keys
    def eventFilter(self, obj, ev) -> bool:  # noqa: N802
        if self.view is not None and obj is self.view.viewport():
            if ev.type() == QEvent.Type.MouseButtonPress:
                self._clicked_highlight = None  # a click on a highlight sets it again on release
            elif ev.type() == QEvent.Type.ContextMenu:
                menu = self.page_menu(ev.pos())
                if menu is not None:
                    menu.exec(ev.globalPos())
                    return True
            return False
        if ev.type() == QEvent.Type.KeyPress:
            if obj is self.find_edit:
                if ev.key() == Qt.Key.Key_Escape:
                    self.find_edit.clear()
                    self._start_find()
                    if self.view is not None:
                        self.view.setFocus()
                    return True
                if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                        ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                    return True
                return False
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
                and self._clicked_highlight is not None \
                and self.highlights.highlight(self._clicked_highlight) is not None:
            self.delete_highlight(self._clicked_highlight)
            self._clicked_highlight = None
            return True
        if key == Qt.Key.Key_Escape and self.view.tool() == "area":
            self.act_area.setChecked(False)
            return False
        return False

    # ------------------------------------------------------------------ library events
    def _make_listener(self):
        sig = self._libraryChanged
        pid = self.paper_id

        def listener(kind: str, paper_id) -> None:
            if paper_id == pid or paper_id is None:
                sig.emit(kind, -1 if paper_id is None else int(paper_id))
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
            self.note.reload()
        elif kind in (ChangeKind.PAPER, ChangeKind.TAGS):
            self.note.reload()
            try:
                p = self.library.get_paper(self.paper_id)
            except NotFound:
                self._show_deleted()
                return
            self._set_title(p.title or self._title)
            if kind == ChangeKind.PAPER and p.path != self._path and self.state_name not in ("attaching",):
                self._load()  # re-linked or attached elsewhere (relocate, another tab)

    # ------------------------------------------------------------------ state
    def state(self) -> dict:
        d: dict = {"side_tab": self.side.currentIndex(), "splitter": [int(s) for s in self.splitter.sizes()],
                   "note_preview": self.note.previews_on()}
        if self.view is not None:
            vs = self.view.state()
            d.update(page=int(vs["page"]), y=float(vs["offset"]), zoom=float(vs["zoom"]),
                     zoom_mode=str(vs["zoom_mode"]), night=bool(vs["night"]))
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
                self.note.set_previews_on(d["note_preview"])
            if "page" in d:
                if self.view is None:
                    self._pending_state = {k: d[k] for k in ("page", "y", "zoom", "zoom_mode", "night") if k in d}
                    return
                st = {"page": int(d["page"]), "offset": float(d.get("y", 0.0)),
                      "zoom_mode": str(d.get("zoom_mode", "fit_width")), "zoom": float(d.get("zoom", 1.0))}
                if "night" in d:
                    st["night"] = bool(d["night"])
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
        if not self.note.flush():
            saved_to = self.note.rescue_unsaved()
            if saved_to is not None:
                log.warning("note of paper %s could not be saved; kept in %s", self.paper_id, saved_to)
                self.statusMessage.emit(self.tr("The note could not be saved; your text was written to %1")
                                        .replace("%1", str(saved_to)))
        self.note.stop()
        self._closed = True
        self._find_timer.stop()
        self.library.remove_listener(self._listener)
        self._attach_cancel.set()
        t = self._attach_thread
        if t is not None:
            t.join(10.0)
        self._attach_thread = None
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
        self.note.flush()
        super().focusOutEvent(ev)


def _remover(library, listener):
    def remove(*_a) -> None:
        library.remove_listener(listener)
    return remove


__all__ = ["ReaderTab"]
