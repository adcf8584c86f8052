"""The search panel: keyword, semantic and hybrid search with filters.

A self-contained widget: the main window places it (e.g. in a dock), binds
Ctrl+K to show it and call focus_query(), calls set_current_paper() when the
reader shows another paper, and connects hitActivated to open the hit.

Searches run as background jobs (readerapp.ui.workers), never on the GUI thread. The embedding model
loads lazily in the background the first time a semantic or hybrid search
needs it; meanwhile keyword results are shown, and the hybrid results replace
them when the model is ready. Results are grouped by paper.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QCoreApplication, QEvent, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from readerapp.core.models import Status

from .workers import Job, run_in_background
from readerapp.core.passage import locate

log = logging.getLogger(__name__)

HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # (paper_id, page0 or -1, bbox or None)
HTML_ROLE = Qt.ItemDataRole.UserRole + 2
MORE_ROLE = Qt.ItemDataRole.UserRole + 3  # on the "N more in this paper" row: how many are folded
SHOWN_PER_PAPER = 3                       # hits shown per paper; the rest fold under "N more…"
DEBOUNCE_MS = 300
RESULT_LIMIT = 50


class HtmlDelegate(QStyledItemDelegate):
    """Paints an item's HTML_ROLE text (snippets with <mark>) as rich text."""

    def _document(self, option: QStyleOptionViewItem, index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(2)
        doc.setDefaultStyleSheet("mark { background-color: #ffe066; color: #000000; }")
        doc.setHtml(index.data(HTML_ROLE))
        width = option.rect.width() if option.rect.width() > 0 else 400
        doc.setTextWidth(max(80, width))
        return doc

    def paint(self, painter, option, index) -> None:
        if index.data(HTML_ROLE) is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(option, index)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.StateFlag.State_Selected:
            ctx.palette.setColor(QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.HighlightedText))
        else:
            ctx.palette.setColor(QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.Text))
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, option.rect.width(), option.rect.height()))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        if index.data(HTML_ROLE) is None:
            return super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        view = option.widget
        if view is not None and hasattr(view, "viewport"):
            indent = getattr(view, "indentation", lambda: 20)() * 2
            opt.rect.setWidth(max(120, view.viewport().width() - indent))
        doc = self._document(opt, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 2)


class SearchPanel(QWidget):
    """Search field, mode, filters and results grouped by paper."""

    hitActivated = Signal(int, int, object)  # paper_id, page0 or -1, bbox (x0, y0, x1, y1) in PDF points or None

    MODES = (("hybrid", "Hybrid"), ("keyword", "Keyword"), ("semantic", "Semantic"))

    def __init__(self, library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self._jobs: set[Job] = set()
        self._seq = 0
        self._current_paper: int | None = None
        self._model = None
        self._model_error: str | None = None
        self._model_loading = False
        self._pending_semantic: int | None = None  # sequence waiting for the model
        self._shown_kind = ""

        self.query = QLineEdit(self)
        self.query.setPlaceholderText(QCoreApplication.translate("SearchPanel", "Search papers, notes and highlights — words or a description"))
        self.query.setClearButtonEnabled(True)
        self.mode = QComboBox(self)
        labels = {"hybrid": QCoreApplication.translate("SearchPanel", "Hybrid"),
                  "keyword": QCoreApplication.translate("SearchPanel", "Keyword"),
                  "semantic": QCoreApplication.translate("SearchPanel", "Semantic")}
        for key, label in self.MODES:
            self.mode.addItem(labels[key], key)
        self.mode.setToolTip(QCoreApplication.translate("SearchPanel", "Hybrid: words and meaning together; Keyword: exact words; "
                                "Semantic: by meaning"))

        self.section = QComboBox(self)
        self.tag = QComboBox(self)
        self.status_filter = QComboBox(self)
        self.status_filter.addItem(QCoreApplication.translate("SearchPanel", "Any status"), None)
        for key, label in ((Status.TO_READ, QCoreApplication.translate("SearchPanel", "To read")),
                           (Status.READING, QCoreApplication.translate("SearchPanel", "Reading")),
                           (Status.READ, QCoreApplication.translate("SearchPanel", "Read"))):
            self.status_filter.addItem(label, key.value)
        self.year = QLineEdit(self)
        self.year.setPlaceholderText(QCoreApplication.translate("SearchPanel", "Year"))
        self.year.setToolTip(QCoreApplication.translate("SearchPanel", "Only papers of this year or range, e.g. 2017 or 2014-2016"))
        self.year.setMaximumWidth(110)
        self.in_paper = QCheckBox(QCoreApplication.translate("SearchPanel", "In this paper"), self)
        self.in_paper.setEnabled(False)
        self.reload_filters()

        self.message = QLabel(self)
        # a long message (why semantic search is off for a query) wraps; it never widens the panel
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.results = QTreeWidget(self)
        self.results.setHeaderHidden(True)
        self.results.setColumnCount(1)
        self.results.setUniformRowHeights(False)
        self.results.setWordWrap(True)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setVerticalScrollMode(QTreeWidget.ScrollMode.ScrollPerPixel)
        self.results.itemClicked.connect(lambda item, _col: self._activate(item))
        self.results.installEventFilter(self)

        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.mode)
        # two rows: the overlay is ~400 px wide, one row clipped the combo boxes to "Any sect…"
        filters = QVBoxLayout()
        filters.setSpacing(2)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        row1.addWidget(self.section, 1)
        row1.addWidget(self.tag, 1)
        row2.addWidget(self.status_filter, 1)
        row2.addWidget(self.year)
        row2.addWidget(self.in_paper)
        filters.addLayout(row1)
        filters.addLayout(row2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.search(quiet=True))
        self.query.textEdited.connect(lambda _t: self._debounce.start())
        self.query.returnPressed.connect(self.search)
        for combo in (self.mode, self.section, self.tag, self.status_filter):
            combo.currentIndexChanged.connect(self._refilter)
        self.year.editingFinished.connect(self._refilter)
        self.in_paper.toggled.connect(self._refilter)

    # ------------------------------------------------------------ public API
    def focus_query(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def set_current_paper(self, paper_id: int | None) -> None:
        """The paper shown in the reader; enables "In this paper"."""
        self._current_paper = paper_id
        self.in_paper.setEnabled(paper_id is not None)
        if paper_id is None and self.in_paper.isChecked():
            self.in_paper.setChecked(False)
        elif self.in_paper.isChecked():
            self._refilter()

    def set_mode(self, mode: str) -> None:
        self.mode.setCurrentIndex(max(0, self.mode.findData(mode)))

    def reload_filters(self) -> None:
        """Refill the section and tag lists from the library (after they change)."""
        def fill(combo: QComboBox, any_label: str, values: list[tuple[str, str]]) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(any_label, None)
            for label, value in values:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
            combo.blockSignals(False)

        sections: list[tuple[str, str]] = []

        def walk(nodes, depth: int) -> None:
            for s in nodes:
                sections.append(("  " * depth + s.name, s.name))
                walk(s.children, depth + 1)

        walk(self.library.sections(), 0)
        fill(self.section, QCoreApplication.translate("SearchPanel", "Any section"), sections)
        fill(self.tag, QCoreApplication.translate("SearchPanel", "Any tag"), [(f"{name} ({n})", name) for name, n in self.library.tags()])

    def show_similar(self, paper_id: int) -> None:
        """"More like this": the papers closest in meaning to this one."""
        from readerapp.core.hybrid import similar_papers

        seq = self._next_seq()
        title = self._title(paper_id)
        self._similar_title = title
        self._set_message(QCoreApplication.translate("SearchPanel", "Papers like “%1”…").replace("%1", title))
        self._submit(lambda: similar_papers(self.library, paper_id, limit=20), seq, "similar")

    def search(self, quiet: bool = False) -> None:
        """Run the query now (Enter). quiet: typing; an empty query just clears."""
        self._debounce.stop()
        text = self.query.text()
        seq = self._next_seq()
        if not text.strip():
            self.results.clear()
            self._set_message("" if quiet else QCoreApplication.translate("SearchPanel", "The query is empty: type some words to search for."))
            return
        mode = self.mode.currentData()
        opts = self._filters()
        from readerapp.core import hybrid

        def run_keyword():
            hits = hybrid.search(self.library, text, mode="keyword", limit=RESULT_LIMIT, **opts)
            locate(self.library, hits)  # the marked words' box: a click centres it like a passage
            return hits, []

        if mode == "keyword":
            self._submit(run_keyword, seq, "hits")
            return
        if self._model is None:
            if self._model_error is not None:
                if mode == "semantic":
                    self._set_message(self._model_error)
                    self.results.clear()
                    return
                self._submit(run_keyword, seq, "hits", notice=self._model_error)
                return
            # keyword results at once (hybrid), the model loads in the background
            if mode == "hybrid":
                self._submit(run_keyword, seq, "keyword-first")
            self._pending_semantic = seq
            self._set_message(QCoreApplication.translate("SearchPanel", "Loading the embedding model…"))
            self._load_model()
            return
        self._submit_mode(seq, text, mode, opts)

    # ------------------------------------------------------------ internals
    def _filters(self) -> dict:
        year = self.year.text().strip() or None
        paper = self._current_paper if self.in_paper.isChecked() and self.in_paper.isEnabled() else None
        return {"section": self.section.currentData(), "tag": self.tag.currentData(),
                "status": self.status_filter.currentData(), "year": year, "paper_id": paper}

    def _submit_mode(self, seq: int, text: str, mode: str, opts: dict) -> None:
        from readerapp.core import hybrid

        model = self._model

        def run():
            notes: list[str] = []
            hits = hybrid.search(self.library, text, mode=mode, limit=RESULT_LIMIT, model=model,
                                 notice=notes.append, **opts)
            locate(self.library, hits)
            return hits, notes

        self._submit(run, seq, "hits")

    def _submit(self, fn, seq: int, kind: str, notice: str | None = None) -> None:
        if notice is not None:
            inner = fn

            def fn():
                hits, notes = inner()
                return hits, [*notes, notice]
        self._run(fn, seq, kind)

    def _run(self, fn, seq: int, kind: str, *, with_token: bool = False) -> None:
        """fn() (fn(token) with_token) in a background job; its result or error comes back to
        _on_result on the GUI thread."""
        job = run_in_background(fn if with_token else (lambda _token: fn()), name="search", parent=self,
                                on_done=lambda payload: self._on_result(seq, kind, payload),
                                on_error=lambda message: self._on_result(seq, "error", message))
        self._jobs.add(job)
        job.finished.connect(lambda: self._job_ended(job))

    def _job_ended(self, job: Job) -> None:
        self._jobs.discard(job)
        job.deleteLater()

    def preload_model(self) -> None:
        """Load the query model in the background now (the window calls this once it shows), so the
        first semantic search finds it ready; quitting cancels it (a first-use export is stopped)."""
        if self._model is None and self._model_error is None:
            self._load_model()

    def _load_model(self) -> None:
        if self._model_loading:
            return
        self._model_loading = True

        def load(token):
            from readerapp.core.semantic.model import load_model

            return load_model(cancel=token.cancelled)

        self._run(load, 0, "model", with_token=True)

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _refilter(self, *_args) -> None:
        if self.query.text().strip():
            self.search(quiet=True)

    def _on_result(self, seq: int, kind: str, payload) -> None:
        if kind == "model" or (seq == 0 and kind == "error"):
            self._model_loading = False
            if kind == "model":
                self._model = payload
            else:
                self._model_error = payload
            pending, self._pending_semantic = self._pending_semantic, None
            if pending == self._seq:  # the query is still the one typed: run it fully now
                self.search(quiet=True)
            return
        if seq != self._seq:
            return  # an older query finished late
        if kind == "error":
            self._set_message(payload)
            self.results.clear()
            return
        if kind == "similar":
            self._show_hits(payload, similar=True)
            return
        hits, notes = payload
        if kind == "keyword-first" and self._pending_semantic != seq:
            return  # the full results are already there
        self._show_hits(hits)
        if kind == "keyword-first":
            self._set_message(QCoreApplication.translate("SearchPanel", "Keyword results; loading the embedding model for hybrid results…"))
        else:
            self._set_message(" ".join(n[0].upper() + n[1:] + ("" if n.endswith(".") else ".") for n in notes)
                              if notes else self._count_line(hits))

    def _count_line(self, hits) -> str:
        papers = len({h.paper_id for h in hits})
        if not hits:
            return QCoreApplication.translate("SearchPanel", "No matches.")
        return QCoreApplication.translate("SearchPanel", "%1 hit(s) in %2 paper(s)").replace("%1", str(len(hits))).replace("%2", str(papers)) + (f" · {self._model.backend_label}" if self._model is not None and self.mode.currentData() != "keyword" else "")

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setToolTip(text)

    def _title(self, paper_id: int) -> str:
        try:
            return self.library.get_paper(paper_id).title
        except Exception:
            return f"#{paper_id}"

    def _show_hits(self, hits, similar: bool = False) -> None:
        from .theme import secondary_text

        dim = secondary_text().name()  # page numbers and scores: readable in Light and Dark
        self.results.clear()
        groups: dict[int, QTreeWidgetItem] = {}
        for h in hits:
            parent = groups.get(h.paper_id)
            if parent is None:
                parent = QTreeWidgetItem(self.results)
                parent.setData(0, HIT_ROLE, (h.paper_id, -1, None))
                label = html.escape(h.title or f"#{h.paper_id}", quote=False)
                extra = f" <span style='color:{dim}'>({h.score:.2f})</span>" if similar else ""
                parent.setData(0, HTML_ROLE, f"<b>{label}</b>{extra}")
                parent.setToolTip(0, h.title)
                groups[h.paper_id] = parent
                if similar:
                    continue
            if similar:
                continue
            child = QTreeWidgetItem(parent)
            page0 = -1 if h.page is None else h.page
            child.setData(0, HIT_ROLE, (h.paper_id, page0, tuple(h.bbox) if h.bbox else None))
            where = QCoreApplication.translate("SearchPanel", "p. %1").replace("%1", str(h.page + 1)) if h.page is not None else QCoreApplication.translate("SearchPanel", "title/notes")
            child.setData(0, HTML_ROLE, f"<span style='color:{dim}'>{where}</span>&nbsp; {h.snippet}")
        for item in groups.values():
            self._fold(item)
            item.setExpanded(True)
            item.setText(0, "")
        if similar:
            title = getattr(self, "_similar_title", "")
            self._set_message(QCoreApplication.translate("SearchPanel", "%1 paper(s) like “%2”, closest first").replace("%1", str(len(groups)))
                              .replace("%2", title) if groups else QCoreApplication.translate("SearchPanel", "No similar papers found."))
        self.results.doItemsLayout()

    def _fold(self, group: QTreeWidgetItem) -> None:
        """Show the first SHOWN_PER_PAPER hits of a paper; the rest behind one "N more" row."""
        n = group.childCount()
        if n <= SHOWN_PER_PAPER:
            return
        for i in range(SHOWN_PER_PAPER, n):
            group.child(i).setHidden(True)
        more = QTreeWidgetItem(group)
        folded = n - SHOWN_PER_PAPER
        more.setData(0, MORE_ROLE, folded)
        more.setData(0, HTML_ROLE, "<i>" + html.escape(QCoreApplication.translate(
            "SearchPanel", "%n more in this paper…", "", folded)) + "</i>")
        more.setToolTip(0, QCoreApplication.translate("SearchPanel", "Show the other hits in this paper"))

    def unfold(self, group: QTreeWidgetItem) -> None:
        for i in range(group.childCount() - 1, -1, -1):
            child = group.child(i)
            if child.data(0, MORE_ROLE) is not None:
                group.removeChild(child)
            else:
                child.setHidden(False)
        self.results.doItemsLayout()

    def _activate(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        if item.data(0, MORE_ROLE) is not None:
            self.unfold(item.parent())
            return
        data = item.data(0, HIT_ROLE)
        if data:
            paper_id, page0, bbox = data
            self.hitActivated.emit(int(paper_id), int(page0), bbox)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.results and event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.results.currentItem())
            return True
        return super().eventFilter(obj, event)

    def wait_idle(self, msecs: int = 30000) -> bool:
        """Wait for running searches and deliver their results (tests)."""
        import time

        deadline = time.monotonic() + msecs / 1000
        while self._jobs:
            job = next(iter(self._jobs))
            if not job.wait(max(0.0, deadline - time.monotonic())):
                return False
            self._jobs.discard(job)  # wait() delivered its results
        return True

    def closeEvent(self, event) -> None:
        self._seq += 1  # results that arrive later are dropped
        for job in list(self._jobs):
            job.cancel()
        super().closeEvent(event)
