"""File > Export…: write the paper list in the user's style.

Choose a style, a section (or all), the labels' language, a target file and a
notes folder; the dialog shows the list rendered (as GitHub would show it) and
its Markdown, or the unified diff of the target file, before anything is
written; Copy puts the Markdown on the clipboard; after writing, a confirmation
names every file written. The style's line names the columns the list really
has. Rendering and writing run off the GUI thread; the core API does the work
(readerapp.core.export)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from readerapp.core.models import ExportStyle

from readerapp.core.notemarkdown import render_markdown

from .workers import Job, run_in_background


class ExportDialog(QDialog):

    def _style_names(self) -> dict[str, str]:
        # the table's real columns are shown under the style (columns_label), from the rendered list
        return {ExportStyle.TABLE.value: self.tr("Table (one per section)"),
                ExportStyle.DATED.value: self.tr("Dated list (- YYYYMMDD VENUE comment：[Title](url))"),
                ExportStyle.VENUE.value: self.tr("By venue (## VENUE YEAR, ### topic, [【Title】](url))"),
                ExportStyle.DIGEST.value: self.tr("Digest (bold title, tags, summary, paper and code links)")}

    def __init__(self, library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.setWindowTitle(self.tr("Export paper list"))
        self.setObjectName("ExportDialog")
        self.resize(900, 640)
        self._jobs: list[Job] = []  # rendering and writing, one after the other
        self._generation = 0
        self._plan = None
        self._closing = False

        from readerapp.core.export.render import available_styles
        from readerapp.core.settings import load_settings

        try:
            settings = load_settings()
        except Exception:
            from readerapp.core.settings import Settings

            settings = Settings()

        self.style_box = QComboBox()
        for style in available_styles(library):
            self.style_box.addItem(self._style_names().get(style, style), style)
        idx = self.style_box.findData(settings.export_style)
        self.style_box.setCurrentIndex(max(0, idx))

        # sections: check the ones to export; none checked exports them all
        self.section_tree = QTreeWidget()
        self.section_tree.setHeaderHidden(True)
        self.section_tree.setMaximumHeight(130)
        self.section_tree.setToolTip(self.tr("Check the sections to export; with none checked, all are exported"))
        for top in library.sections():
            item = QTreeWidgetItem([top.name])
            item.setData(0, Qt.ItemDataRole.UserRole, [top.name])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate)
            item.setCheckState(0, Qt.CheckState.Unchecked)
            for child in top.children:
                sub = QTreeWidgetItem([child.name])
                sub.setData(0, Qt.ItemDataRole.UserRole, [top.name, child.name])
                sub.setFlags(sub.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                sub.setCheckState(0, Qt.CheckState.Unchecked)
                item.addChild(sub)
            self.section_tree.addTopLevelItem(item)
        self.section_tree.expandAll()

        self.lang_box = QComboBox()
        self.lang_box.addItem("中文", "zh")
        self.lang_box.addItem("English", "en")
        self.lang_box.setCurrentIndex(max(0, self.lang_box.findData(settings.export_language)))

        self.name_box = QComboBox()
        self.name_box.setEditable(True)
        names = library.list_names()
        for name in names:
            self.name_box.addItem(name)
        if not names:
            self.name_box.addItem("papers")
        self.name_box.setToolTip(self.tr("The list's name: the README markers <!-- readerapp:begin NAME --> … "
                                    "<!-- readerapp:end NAME -->, and the layout kept by an imported list"))

        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText(self.tr("README.md to update between the markers (empty: preview only)"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target_edit, 1)
        target_row.addWidget(browse)

        self.notes_check = QCheckBox(self.tr("Write note pages into"))
        self.notes_edit = QLineEdit("notes")
        self.notes_edit.setEnabled(False)
        self.notes_check.toggled.connect(self.notes_edit.setEnabled)
        notes_row = QHBoxLayout()
        notes_row.addWidget(self.notes_check)
        notes_row.addWidget(self.notes_edit, 1)

        self.columns_label = QLabel()
        self.columns_label.setObjectName("exportColumns")
        self.columns_label.setWordWrap(True)
        self.columns_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow(self.tr("Style:"), self.style_box)
        form.addRow("", self.columns_label)
        form.addRow(self.tr("Sections:"), self.section_tree)
        form.addRow(self.tr("Language:"), self.lang_box)
        form.addRow(self.tr("List name:"), self.name_box)
        form.addRow(self.tr("Target file:"), target_row)
        form.addRow(self.tr("Notes:"), notes_row)

        self.preview_label = QLabel(self.tr("Preview"))
        self.rendered = _SafeBrowser()
        self.rendered.setObjectName("exportRendered")
        self.preview = QPlainTextEdit()  # the Markdown, or the diff of the target file
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview_tabs = QTabWidget()
        self.preview_tabs.setObjectName("exportPreviewTabs")
        self.preview_tabs.addTab(self.rendered, self.tr("Rendered"))
        self.preview_tabs.addTab(self.preview, self.tr("Markdown"))
        self.copy_button = QPushButton(self.tr("Copy Markdown"))
        self.copy_button.setObjectName("copyMarkdown")
        self.copy_button.setToolTip(self.tr("Copy the list's Markdown to the clipboard"))
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_markdown)
        self.preview_tabs.setCornerWidget(self.copy_button, Qt.Corner.TopRightCorner)
        self.status = QLabel("")
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.write_button = self.buttons.addButton(self.tr("Write"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.commit_check = QCheckBox(self.tr("Commit with git"))
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.write_button.clicked.connect(self._write)
        self.buttons.rejected.connect(self.reject)

        bottom = QHBoxLayout()
        bottom.addWidget(self.commit_check)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.preview_tabs, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        for box in (self.style_box, self.lang_box):
            box.currentIndexChanged.connect(self._schedule)
        self.section_tree.itemChanged.connect(self._schedule)
        self.name_box.currentTextChanged.connect(self._schedule)
        self.target_edit.textChanged.connect(self._schedule)
        self.notes_edit.textChanged.connect(self._schedule)
        self.notes_check.toggled.connect(self._schedule)
        self.write_button.setEnabled(False)
        self.refresh()

    # ------------------------------------------------------------ options
    def options(self):
        from readerapp.core.export.render import ExportOptions

        return ExportOptions(style=self.style_box.currentData(), lang=self.lang_box.currentData(),
                             name=self.name_box.currentText().strip() or None,
                             section=self.selected_sections() or None,
                             notes_dir=(self.notes_edit.text().strip() or None) if self.notes_check.isChecked()
                             else None)

    def selected_sections(self) -> list[str]:
        """'Parent' for a fully checked section, 'Parent/Child' for checked subsections."""
        out: list[str] = []
        for i in range(self.section_tree.topLevelItemCount()):
            top = self.section_tree.topLevelItem(i)
            state = top.checkState(0)
            if state == Qt.CheckState.Checked:
                out.append(top.text(0))
            elif state == Qt.CheckState.PartiallyChecked or top.childCount() == 0:
                for k in range(top.childCount()):
                    child = top.child(k)
                    if child.checkState(0) == Qt.CheckState.Checked:
                        out.append("/".join(child.data(0, Qt.ItemDataRole.UserRole)))
        return out

    def set_sections(self, paths: list[str]) -> None:
        """Check exactly these sections ('Parent' or 'Parent/Child')."""
        wanted = {tuple(p.split("/")) for p in paths}
        for i in range(self.section_tree.topLevelItemCount()):
            top = self.section_tree.topLevelItem(i)
            if (top.text(0),) in wanted:
                top.setCheckState(0, Qt.CheckState.Checked)
                continue
            for k in range(top.childCount()):
                child = top.child(k)
                on = tuple(child.data(0, Qt.ItemDataRole.UserRole)) in wanted
                child.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            if top.childCount() == 0:
                top.setCheckState(0, Qt.CheckState.Unchecked)

    def target(self) -> str | None:
        return self.target_edit.text().strip() or None

    def _browse(self):
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Update which file?"), self.target_edit.text() or "README.md",
                                              self.tr("Markdown (*.md *.markdown);;All files (*)"))
        if path:
            self.target_edit.setText(path)

    def _schedule(self, *_):
        self.write_button.setEnabled(False)
        self._timer.start()

    # ------------------------------------------------------------ preview (worker thread)
    def refresh(self) -> None:
        """Compute the export (in the worker) and show the Markdown or the diff."""
        self._generation += 1
        gen = self._generation
        opts, target = self.options(), self.target()
        self.status.setText(self.tr("Rendering…"))
        library = self.library

        def plan_job(_token):
            from readerapp.core.errors import ReaderError
            from readerapp.core.export.readme import plan_export

            try:
                plan = plan_export(library, opts, into=target)
                # the rendered view is made here too: a list of 2,000 papers takes a while
                return (plan, render_markdown(plan.markdown)), ""
            except ReaderError as exc:
                return None, str(exc)
            except Exception as exc:  # shown in the dialog, never a crash
                return None, f"{type(exc).__name__}: {exc}"

        self._submit(plan_job, lambda payload: self._on_planned(gen, *payload))

    def _submit(self, fn, on_done) -> None:
        """Run fn in a background job after the ones already queued (one at a time, in order)."""
        def done(payload) -> None:
            if not self._closing and payload is not None:  # None: cancelled before it started
                on_done(payload)

        job = run_in_background(fn, name="export", parent=self, after=list(self._jobs), on_done=done,
                                on_error=lambda message: None if self._closing else self.status.setText(message))
        self._jobs.append(job)
        job.finished.connect(lambda: self._jobs.remove(job) if job in self._jobs else None)

    def _on_planned(self, gen: int, result, error: str) -> None:
        if gen != self._generation:
            return  # an older request
        plan, rendered = result if result is not None else (None, "")
        self._plan = plan
        if plan is None:
            self.preview.setPlainText("")
            self.rendered.setHtml("")
            self.columns_label.clear()
            self.copy_button.setEnabled(False)
            self.status.setText(error)
            self.write_button.setEnabled(False)
            return
        self.rendered.setHtml(rendered)
        self.copy_button.setEnabled(bool(plan.markdown))
        self._show_columns(plan.markdown)
        if self.target() or self.notes_check.isChecked():
            diff = plan.diff()
            self.preview_label.setText(self.tr("Changes to be written (unified diff)"))
            self.preview_tabs.setTabText(1, self.tr("Changes"))
            self.preview.setPlainText(diff or self.tr("No changes: the file is up to date."))
            n = len(plan.changed)
            self.status.setText(self.tr("%n file(s) will change.", "", n) if n else self.tr("Nothing to write."))
            self.write_button.setEnabled(n > 0)
        else:
            self.preview_label.setText(self.tr("Preview"))
            self.preview_tabs.setTabText(1, self.tr("Markdown"))
            self.preview.setPlainText(plan.markdown)
            self.status.setText(self.tr("Choose a target file to write the list into."))
            self.write_button.setEnabled(False)

    # ------------------------------------------------------------ writing (worker thread)
    def _write(self) -> None:
        plan = self._plan
        if plan is None or not plan.changed:
            return
        self.write_button.setEnabled(False)
        self.status.setText(self.tr("Writing…"))
        commit = self.commit_check.isChecked()

        def write_job(_token):
            from readerapp.core.errors import ReaderError
            from readerapp.core.export.readme import apply_plan, git_commit

            try:
                written = apply_plan(plan)
            except (OSError, ReaderError) as exc:
                return None, str(exc)
            message = ""
            if commit:
                try:
                    message = git_commit(written)
                except ReaderError as exc:
                    message = str(exc)
            return written, message

        self._submit(write_job, lambda payload: self._on_written(*payload))

    def _on_written(self, written, message: str) -> None:
        if written is None:
            self.status.setText(self.tr("Nothing was written: ") + message)
            self.write_button.setEnabled(True)
            return
        self.written_paths = [Path(p) for p in written]
        self.status.setText(self.tr("Wrote %n file(s).", "", len(written)) + (" " + message if message else ""))
        self._confirm(self.written_paths, message)
        self.accept()

    def _confirm(self, paths: list[Path], message: str) -> None:
        """A confirmation that names what was written; it stays after the dialog closes."""
        lines = "".join(f"<li>{html.escape(str(p))}</li>" for p in paths)
        text = self.tr("Wrote %n file(s):", "", len(paths))
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Export written"),
                          f"<p>{html.escape(text)}</p><ul>{lines}</ul>"
                          + (f"<p>{html.escape(message)}</p>" if message else ""),
                          QMessageBox.StandardButton.Ok, self.parentWidget())
        box.setObjectName("exportConfirmation")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.confirmation = box

    def copy_markdown(self) -> None:
        plan = self._plan
        if plan is None or not plan.markdown:
            return
        QGuiApplication.clipboard().setText(plan.markdown)
        self.status.setText(self.tr("Copied the Markdown (%n line(s)) to the clipboard.", "",
                                    plan.markdown.count("\n") + 1))

    def _show_columns(self, markdown_text: str) -> None:
        """The table style's real columns, read from the header row of the list's first table."""
        if self.style_box.currentData() != "table":
            self.columns_label.clear()
            self.columns_label.hide()
            return
        header = next((ln for ln in markdown_text.splitlines() if ln.startswith("|") and ln.rstrip().endswith("|")),
                      None)
        if header is None:
            self.columns_label.setText(self.tr("No table yet: the list has no papers in these sections."))
        else:
            cols = [c.strip() for c in header.strip().strip("|").split("|")]
            self.columns_label.setText(self.tr("Columns: %1").replace("%1", " | ".join(cols)))
        self.columns_label.show()

    def done(self, result: int) -> None:
        self._closing = True
        for job in list(self._jobs):
            job.cancel()
            job.wait()  # a write in progress finishes: never half a file list
        super().done(result)


class _SafeBrowser(QTextBrowser):
    """The rendered list: links are not followed and nothing (images) is loaded."""

    def __init__(self):
        super().__init__()
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.refused: list[str] = []
        self.document().setDefaultStyleSheet(
            "table { border-collapse: collapse; } th, td { border: 1px solid #9a9a9a; padding: 3px 6px; }")

    def loadResource(self, kind: int, url):  # noqa: N802 (Qt override)
        self.refused.append(url.toString())
        return None
