"""The structured note editor of the reader tab, with a safe Markdown preview.

NoteEditor edits one paper's note (Problem, Method, Results, Notes; Markdown)
and its reading fields (summary, model/dataset, tags, status, venue, code URL).
Every change is saved by itself: ~500 ms after typing stops, when a field
loses focus, when the editor is hidden and on ``flush()`` (tab close, app
quit). Saves are short library transactions on the GUI thread.

The preview renders with the ``markdown`` package into a QTextBrowser that
never loads a resource (no network, no local files: ``loadResource`` refuses
everything and images are shown as their alt text) and shows raw HTML in the
source as text. A click on a link goes through the link policy
(readerapp.core.links: web, mail, DOI and arXiv links open; others are asked
about or refused). The Markdown is converted in a worker thread, debounced,
and only its first PREVIEW_CAP characters: a note of megabytes never stalls
the GUI. A long note is loaded into its field in slices between events
(read-only until complete, never saved half-loaded).
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextCursor, QTextOption
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QFormLayout, QFrame, QLabel, QLineEdit,
                               QScrollArea, QSizePolicy, QTextBrowser, QTextEdit, QVBoxLayout, QWidget)

from readerapp.core import paths
from readerapp.core.errors import ReaderError
from readerapp.core.models import NOTE_FIELDS, STATUSES
from readerapp.core.notemarkdown import PREVIEW_CAP, capped, render_markdown  # noqa: F401 (re-exported)
from readerapp.ui.theme import error_text, preview_style, secondary_text, set_text_color
from readerapp.ui.metadata_edit import EDITABLE_FIELDS, PaperDetailsForm, editor_for, field_text

log = logging.getLogger(__name__)

HIGHLIGHT_MIME = "application/x-readerapp-quote"  # a highlight dragged from the list: its Markdown quote
AUTOSAVE_MS = 500
RETRY_MS = 3000
PAPER_EDIT_FIELDS = ("summary", "model_name", "venue", "code_url")


# ---------------------------------------------------------------- Markdown
SYNC_PREVIEW_CHARS = 2_000  # shorter notes render at once, on the GUI thread (well under a millisecond per 100)
LOAD_AT_ONCE = 65_536       # a note field longer than this is loaded in slices
LOAD_SLICE = 8_192
LOAD_BUDGET_S = 0.006       # GUI time per event-loop turn spent loading slices (a slice takes ~1.6 ms)


PREVIEW_CSS = """
h1 { font-size: 15pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }
h1, h2, h3, h4 { margin-top: 4px; margin-bottom: 4px; }
table { border-collapse: collapse; }
"""


class MarkdownPreview(QTextBrowser):
    """Read-only rendered Markdown that loads no resources; links open only under the link policy."""

    linkHovered = Signal(str)
    rendered = Signal()

    def __init__(self, parent: QWidget | None = None, *, url_opener=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet(PREVIEW_CSS)
        self.refused: list[str] = []  # resources asked for and refused (tests, debugging)
        self.url_opener = url_opener or QDesktopServices.openUrl
        self.highlighted.connect(lambda url: self.linkHovered.emit(url.toString()))
        self.anchorClicked.connect(self._link_clicked)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # visibly not an input field: a tinted card with a bar on the left, in the theme's colours
        self._restyle()
        self.setToolTip(self.tr("Preview (images are not loaded; links open after a safety check)"))
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._markdown = ""
        self._generation = 0
        self.pending = False  # a render is running in the worker thread

    def _restyle(self) -> None:
        widget_css, doc_css = preview_style()
        if self.styleSheet() != widget_css:
            self.setStyleSheet(widget_css)
            self.document().setDefaultStyleSheet(PREVIEW_CSS + doc_css)
            if getattr(self, "_markdown", ""):
                self.setHtml(render_markdown(self._markdown))

    def changeEvent(self, ev) -> None:
        if ev.type() == QEvent.Type.ApplicationPaletteChange:
            self._restyle()
        super().changeEvent(ev)

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 (Qt override)
        self.refused.append(url.toString())
        return None

    def _link_clicked(self, url: QUrl) -> None:
        from readerapp.ui.link_policy import open_external

        open_external(self, url.toString(), self.url_opener)

    def set_markdown(self, text: str) -> None:
        """Show `text` rendered: short text at once, longer text from a worker thread
        (the newest request wins), at most PREVIEW_CAP characters of it."""
        self._markdown = text
        self._generation += 1
        shown, cut = capped(text)
        if len(shown) <= SYNC_PREVIEW_CHARS:
            self.pending = False
            self._show_rendered(self._generation, render_markdown(shown), cut)
            return
        self.pending = True
        generation = self._generation
        from readerapp.ui.workers import run_in_background

        # a job whose parent (this preview) is deleted meanwhile delivers nothing
        run_in_background(lambda token: render_markdown(shown), name="note-preview", parent=self,
                          on_done=lambda html: self._show_rendered(generation, html, cut))

    def _show_rendered(self, generation: int, html: str, cut: bool) -> None:
        if generation != self._generation:
            return  # an older render: a newer one is on its way
        self.pending = False
        if cut:
            html += "<p><i>" + self.tr("The preview shows the first %1 characters of this field.").replace(
                "%1", f"{PREVIEW_CAP:,}") + "</i></p>"
        self.setHtml(html)
        self._fit()
        self.rendered.emit()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._fit()

    def _fit(self) -> None:
        self.document().setTextWidth(self.viewport().width())
        h = int(self.document().size().height()) + 2 * self.frameWidth() + 4
        self.setFixedHeight(max(28, min(h, 900)))


class NoteTextEdit(QTextEdit):
    """Plain-text Markdown field that grows with its text and takes dropped highlights as quotes."""

    focusLost = Signal()
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None, min_lines: int = 3):
        super().__init__(parent)
        self._pending: str | None = None  # the whole text while it is being loaded in slices
        self._loaded_to = 0
        self._read_only_after = False
        self._load_timer = QTimer(self, interval=0)
        self._load_timer.timeout.connect(self._load_more)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._min_h = self.fontMetrics().lineSpacing() * min_lines + 12
        self.document().contentsChanged.connect(self._fit)
        self._fit()

    def _fit(self) -> None:
        h = int(self.document().size().height()) + 2 * self.frameWidth() + 6
        self.setFixedHeight(max(self._min_h, min(h, 480)))

    # a long text is loaded in slices between events, read-only meanwhile
    @property
    def loading(self) -> bool:
        return self._pending is not None

    def full_text(self) -> str:
        """The field's whole text, also while it is still being loaded."""
        return self._pending if self._pending is not None else self.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text; a long one is loaded in slices (see LOAD_AT_ONCE)."""
        if self._pending is not None:
            self._load_timer.stop()
            self._pending = None
            super().setReadOnly(self._read_only_after)
            self.setUndoRedoEnabled(True)
        if len(text) <= LOAD_AT_ONCE:
            self.setPlainText(text)
            return
        self._read_only_after = self.isReadOnly()
        super().setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self._pending = text
        self._loaded_to = LOAD_SLICE
        self.setPlainText(text[:LOAD_SLICE])
        # the slices start one event-loop turn later: the turn that shows and paints the new
        # editor must not also pay for a slice
        QTimer.singleShot(0, self, self._start_loading)

    def _start_loading(self) -> None:
        if self._pending is not None:
            self._load_timer.start()

    def finish_loading(self) -> None:
        """Load the rest now (before a change that needs the whole text)."""
        while self._pending is not None:
            self._load_more(budget=None)

    def _load_more(self, budget: float | None = LOAD_BUDGET_S) -> None:
        text = self._pending
        if text is None:
            self._load_timer.stop()
            return
        deadline = time.perf_counter() + budget if budget is not None else None
        cur = QTextCursor(self.document())
        cur.movePosition(QTextCursor.MoveOperation.End)
        while self._loaded_to < len(text):
            cur.insertText(text[self._loaded_to:self._loaded_to + LOAD_SLICE])
            self._loaded_to += LOAD_SLICE
            if deadline is not None and time.perf_counter() > deadline:
                return
        self._load_timer.stop()
        self._pending = None
        super().setReadOnly(self._read_only_after)
        self.setUndoRedoEnabled(True)
        self.loaded.emit()

    def setReadOnly(self, ro: bool) -> None:  # noqa: N802 (Qt override)
        if self._pending is not None:
            self._read_only_after = ro  # applied when loading ends
        else:
            super().setReadOnly(ro)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._fit()

    def focusOutEvent(self, ev) -> None:
        super().focusOutEvent(ev)
        self.focusLost.emit()

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802
        return source.hasFormat(HIGHLIGHT_MIME) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802
        if not source.hasFormat(HIGHLIGHT_MIME):
            super().insertFromMimeData(source)
            return
        quote = bytes(source.data(HIGHLIGHT_MIME).data()).decode("utf-8")
        cur = self.textCursor()
        cur.beginEditBlock()
        if cur.positionInBlock() > 0:  # dropped inside a line: the quote gets its own paragraph
            cur.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            cur.insertText("\n\n")
        elif cur.block().previous().isValid() and cur.block().previous().text().strip():
            cur.insertText("\n")
        cur.insertText(quote + "\n")
        cur.endEditBlock()
        self.setTextCursor(cur)


# ---------------------------------------------------------------- the editor
class NoteEditor(QScrollArea):
    """Note + reading fields of one paper, saved automatically."""

    statusMessage = Signal(str)
    saved = Signal()

    def __init__(self, library, paper_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.paper_id = paper_id
        self._loading = False
        self._dirty_note: set[str] = set()
        self._dirty_paper: set[str] = set()
        self._dirty_tags = False
        self._error = ""
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self._preview_timer = QTimer(self, singleShot=True, interval=150)
        self._preview_timer.timeout.connect(self._update_previews)
        self._preview_dirty: set[str] = set()

        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("noteBody")
        lay = QVBoxLayout(body)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)

        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        f = self.title_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        f.setBold(True)
        self.title_label.setFont(f)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.byline = QLabel()
        self.byline.setWordWrap(True)
        self._save_error = False
        self.save_label = QLabel()
        self.save_label.setWordWrap(True)
        self.save_label.hide()
        self._restyle()
        lay.addWidget(self.title_label)
        lay.addWidget(self.byline)
        lay.addWidget(self.save_label)
        # title, authors, year, ids and URL: edited with undo (venue and code URL are in the form below,
        # autosaved like the note, and undoable through the same stack)
        self.details = PaperDetailsForm(library, paper_id,
                                        fields=[f for f in EDITABLE_FIELDS if f not in ("venue", "code_url")],
                                        load=False)  # reload() below fills it
        self.details.statusMessage.connect(self.statusMessage)
        lay.addWidget(self.details)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.fields: dict[str, QLineEdit] = {}
        placeholders = {
            "summary": self.tr("One-line summary for paper lists"),
            "model_name": self.tr("e.g. ResNet, ImageNet"),
            "venue": self.tr("e.g. NeurIPS 2017"),
            "code_url": self.tr("https://github.com/…"),
        }
        labels = {"summary": self.tr("Summary"), "model_name": self.tr("Model / dataset"),
                  "venue": self.tr("Venue"), "code_url": self.tr("Code")}
        for name in ("summary", "model_name"):
            self._add_line(form, name, labels[name], placeholders[name])
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText(self.tr("comma-separated, e.g. vision, transformer"))
        self.tags_edit.textEdited.connect(self._tags_edited)
        self.tags_edit.editingFinished.connect(self.flush)
        self._tag_completer = QCompleter([], self.tags_edit)
        self._tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._tag_completer.setWidget(self.tags_edit)
        self._tag_completer.activated.connect(self._complete_tag)
        form.addRow(self.tr("Tags"), self.tags_edit)
        self.tags_edit.textEdited.connect(self._update_tag_completion)
        self.status_combo = QComboBox()
        for st, label in zip(STATUSES, (self.tr("To read"), self.tr("Reading"), self.tr("Read"))):
            self.status_combo.addItem(label, st)
        self.status_combo.currentIndexChanged.connect(self._status_changed)
        form.addRow(self.tr("Status"), self.status_combo)
        for name in ("venue", "code_url"):
            self._add_line(form, name, labels[name], placeholders[name])
        lay.addLayout(form)

        self.preview_box = QCheckBox(self.tr("Show Markdown preview"))
        self.preview_box.setChecked(True)
        self.preview_box.toggled.connect(self._toggle_previews)
        lay.addWidget(self.preview_box)

        self.edits: dict[str, NoteTextEdit] = {}
        self.previews: dict[str, MarkdownPreview] = {}
        self.headers: dict[str, QLabel] = {}
        titles = {"problem": self.tr("Problem"), "method": self.tr("Method"), "results": self.tr("Results"),
                  "notes": self.tr("Notes")}
        hints = {"problem": self.tr("What problem does the paper address? (Markdown)"),
                 "method": self.tr("How do they solve it? (Markdown)"),
                 "results": self.tr("What did they find? (Markdown)"),
                 "notes": self.tr("Anything else: ideas, questions, related work (Markdown)")}
        for name in NOTE_FIELDS:
            head = QLabel(titles[name])
            hf = head.font()
            hf.setBold(True)
            head.setFont(hf)
            head.setContentsMargins(0, 6, 0, 0)
            edit = NoteTextEdit(min_lines=4 if name == "notes" else 3)
            edit.setObjectName(f"note_{name}")
            edit.setPlaceholderText(hints[name])
            edit.textChanged.connect(lambda n=name: self._note_edited(n))
            edit.focusLost.connect(self._focus_lost)
            prev = MarkdownPreview()
            prev.setObjectName(f"preview_{name}")
            prev.linkHovered.connect(lambda url: self.statusMessage.emit(url) if url else None)
            lay.addWidget(head)
            lay.addWidget(edit)
            lay.addWidget(prev)
            self.headers[name], self.edits[name], self.previews[name] = head, edit, prev
        lay.addStretch(1)
        self.setWidget(body)
        self.reload()

    def _add_line(self, form: QFormLayout, name: str, label: str, placeholder: str) -> None:
        e = QLineEdit()
        e.setObjectName(f"field_{name}")
        e.setPlaceholderText(placeholder)
        e.textEdited.connect(lambda _t, n=name: self._paper_edited(n))
        e.editingFinished.connect(self.flush)
        form.addRow(label, e)
        self.fields[name] = e

    # ------------------------------------------------------------ loading
    def reload(self) -> None:
        """Show what the library holds; fields with unsaved typing are kept as typed."""
        try:
            paper = self.library.get_paper(self.paper_id)
            note = self.library.get_note(self.paper_id)
        except ReaderError as exc:
            self._set_save_label(str(exc), error=True)
            return
        self.details.reload(paper)
        self._loading = True
        try:
            self.title_label.setText(paper.title or self.tr("Untitled"))
            bits = []
            if paper.authors:
                a = ", ".join(paper.authors[:4]) + (" et al." if len(paper.authors) > 4 else "")
                bits.append(a)
            if paper.year:
                bits.append(str(paper.year))
            self.byline.setText(" · ".join(bits))
            self.byline.setVisible(bool(bits))
            for name, e in self.fields.items():
                # a field being typed in keeps its text: the stored value may be normalised
                # (stripped) and must not eat the space the user just typed
                if name not in self._dirty_paper and not e.hasFocus():
                    value = getattr(paper, name) or ""
                    if e.text() != value:
                        e.setText(value)
            if not self._dirty_tags and not self.tags_edit.hasFocus():
                text = ", ".join(paper.tags)
                if self.tags_edit.text() != text:
                    self.tags_edit.setText(text)
            self._tag_completer.model().setStringList([t for t, _n in self.library.tags()])
            idx = self.status_combo.findData(paper.status)
            if "status" not in self._dirty_paper and idx >= 0:
                self.status_combo.setCurrentIndex(idx)
            for name in NOTE_FIELDS:
                if name in self._dirty_note or self.edits[name].hasFocus():
                    continue
                value = getattr(note, name)
                edit = self.edits[name]
                if edit.full_text() != value:
                    edit.set_text(value)  # a long note is loaded in slices
                    self._preview_dirty.add(name)
        finally:
            self._loading = False
        self._update_previews()

    # ------------------------------------------------------------ editing
    def _note_edited(self, name: str) -> None:
        if self._loading or self.edits[name].loading:  # slices of a long note arriving: not an edit
            return
        self._dirty_note.add(name)
        self._preview_dirty.add(name)
        self._preview_timer.start()
        self._changed()

    def _paper_edited(self, name: str) -> None:
        if not self._loading:
            self._dirty_paper.add(name)
            self._changed()

    def _tags_edited(self, _text: str) -> None:
        if not self._loading:
            self._dirty_tags = True
            self._changed()

    def _status_changed(self, _idx: int) -> None:
        if not self._loading:
            self._dirty_paper.add("status")
            self.flush()

    def _changed(self) -> None:
        if not self._error:
            self._set_save_label(self.tr("Editing…"))
        self._timer.start()

    def _update_tag_completion(self, text: str) -> None:
        prefix = text.split(",")[-1].strip()
        if not prefix:
            self._tag_completer.popup().hide()
            return
        self._tag_completer.setCompletionPrefix(prefix)
        if self._tag_completer.completionCount():
            self._tag_completer.complete()

    def _complete_tag(self, tag: str) -> None:
        parts = [p.strip() for p in self.tags_edit.text().split(",")]
        parts[-1] = tag
        self.tags_edit.setText(", ".join(p for p in parts if p) + ", ")
        self._tags_edited(self.tags_edit.text())

    def _focus_lost(self) -> None:
        if self.flush():
            self.reload()  # a change made elsewhere while the field was being typed in shows now

    def is_dirty(self) -> bool:
        return bool(self._dirty_note or self._dirty_paper or self._dirty_tags)

    def flush(self) -> bool:
        """Save what changed now. Returns False (and keeps the text) when the library refused."""
        self._timer.stop()
        if not self.is_dirty():
            return True
        note = {n: self.edits[n].full_text() for n in self._dirty_note}
        paper = {n: self.fields[n].text() for n in self._dirty_paper if n in self.fields}
        if "status" in self._dirty_paper:
            paper["status"] = self.status_combo.currentData()
        tags = [t.strip() for t in self.tags_edit.text().split(",") if t.strip()] if self._dirty_tags else None
        try:
            if note:
                self.library.save_note(self.paper_id, **note)
                self._dirty_note.clear()
            if paper:
                before = self.library.get_paper(self.paper_id)
                self.library.update_paper(self.paper_id, **paper)
                self._dirty_paper.clear()
                after = self.library.get_paper(self.paper_id)
                for name in set(paper) & set(EDITABLE_FIELDS):  # venue, code URL: undoable like the details
                    editor_for(self.library).record(self.paper_id, name, field_text(before, name),
                                                    field_text(after, name))
            if tags is not None:
                self.library.set_tags(self.paper_id, tags)
                self._dirty_tags = False
        except Exception as exc:  # disk full, read-only, bad value: keep the text, say why, retry
            msg = str(exc) if isinstance(exc, ReaderError) else f"{type(exc).__name__}: {exc}"
            log.warning("note not saved: %s", msg)
            self._error = msg
            self._set_save_label(self.tr("Not saved: %1. Your text is kept here; saving again…")
                                 .replace("%1", msg), error=True)
            self.statusMessage.emit(self.tr("Note not saved: %1").replace("%1", msg))
            self._timer.start(RETRY_MS)
            return False
        self._error = ""
        self._set_save_label(self.tr("All changes saved"))
        self.saved.emit()
        return True

    def stop(self) -> None:
        """No more saves from timers (the tab is closing)."""
        self._timer.stop()
        self._preview_timer.stop()

    def rescue_unsaved(self) -> Path | None:
        """Write what could not be saved to a Markdown file (user data folder, else the temp folder)
        so that nothing typed is lost when the tab closes while the library refuses writes."""
        if not self.is_dirty():
            return None
        names = {"problem": "Problem", "method": "Method", "results": "Results", "notes": "Notes",
                 "summary": "Summary", "model_name": "Model / dataset", "venue": "Venue", "code_url": "Code",
                 "status": "Status"}
        parts = [f"# Unsaved note of paper {self.paper_id}: {self.title_label.text()}", ""]
        for n in NOTE_FIELDS:
            if n in self._dirty_note:
                parts += [f"## {names[n]}", "", self.edits[n].full_text(), ""]
        for n in sorted(self._dirty_paper):
            value = self.status_combo.currentData() if n == "status" else self.fields[n].text()
            parts.append(f"- {names.get(n, n)}: {value}")
        if self._dirty_tags:
            parts.append(f"- Tags: {self.tags_edit.text()}")
        text = "\n".join(parts) + "\n"
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for base in (paths.user_data_dir() / "unsaved", Path(tempfile.gettempdir()) / "readerapp-unsaved"):
            try:
                base.mkdir(parents=True, exist_ok=True)
                out = base / f"paper-{self.paper_id}-{stamp}.md"
                out.write_text(text, encoding="utf-8")
                return out
            except OSError:
                continue
        return None

    def _set_save_label(self, text: str, error: bool = False) -> None:
        self.save_label.setText(text)
        self.save_label.setVisible(bool(text))
        self._save_error = error
        self._restyle()

    def _restyle(self) -> None:
        """Colours that follow the theme (readable in Light and Dark: WCAG >= 4.5:1)."""
        set_text_color(self.byline, secondary_text())
        set_text_color(self.save_label, error_text() if self._save_error else secondary_text())

    # ------------------------------------------------------------ quotes
    def append_quote(self, field: str, quote: str) -> None:
        """Append a Markdown quote as a new paragraph of `field` and save at once (undo: Ctrl+Z in the field)."""
        edit = self.edits[field]
        edit.finish_loading()  # the quote goes after the whole text
        text = edit.toPlainText()
        trailing = len(text) - len(text.rstrip("\n"))
        prefix = "\n" * max(0, 2 - trailing) if text.strip() else ""
        cur = QTextCursor(edit.document())
        cur.movePosition(QTextCursor.MoveOperation.End)
        cur.insertText(prefix + quote + "\n")
        edit.setTextCursor(cur)
        edit.ensureCursorVisible()
        self.ensureWidgetVisible(edit)
        self.flush()

    # ------------------------------------------------------------ preview
    def _toggle_previews(self, on: bool) -> None:
        if on:
            self._preview_dirty |= set(NOTE_FIELDS)
        self._update_previews()

    def _update_previews(self) -> None:
        on = self.preview_box.isChecked()
        for name in NOTE_FIELDS:
            prev = self.previews[name]
            text = self.edits[name].full_text()
            prev.setVisible(on and bool(text) and not text.isspace())  # isspace stops at the first letter
            if on and name in self._preview_dirty:
                prev.set_markdown(text)
        if on:
            self._preview_dirty.clear()

    def previews_on(self) -> bool:
        return self.preview_box.isChecked()

    def set_previews_on(self, on: bool) -> None:
        self.preview_box.setChecked(bool(on))

    def set_read_only(self, ro: bool) -> None:
        for e in self.edits.values():
            e.setReadOnly(ro)
        for e in self.fields.values():
            e.setReadOnly(ro)
        self.tags_edit.setReadOnly(ro)
        self.status_combo.setEnabled(not ro)
        self.details.set_read_only(ro)

    def hideEvent(self, ev) -> None:
        self.flush()
        super().hideEvent(ev)

    def changeEvent(self, ev) -> None:
        if ev.type() == QEvent.Type.FontChange:
            self._update_previews()
        if ev.type() == QEvent.Type.ApplicationPaletteChange and hasattr(self, "byline"):
            self._restyle()
        super().changeEvent(ev)


