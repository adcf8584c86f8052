"""Importing PDFs off the GUI thread, and the summary shown afterwards."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout)

from .workers import CancelToken, Job, run_in_background

log = logging.getLogger(__name__)

PDF_SUFFIXES = (".pdf",)


def importable_paths(urls) -> list[str]:
    """Local PDF files and folders among dropped URLs (anything else is left out)."""
    out = []
    for url in urls:
        if not url.isLocalFile():
            continue
        path = Path(url.toLocalFile())
        if path.is_dir() or path.suffix.lower() in PDF_SUFFIXES:
            out.append(str(path))
    return out


def start_import_job(library, paths: list[str], *, parent=None, on_progress=None, on_done=None) -> Job:
    """Run readerapp.core.importer.import_paths (which uses worker processes) as a background job.

    on_progress(done, total, file name, status) per file; on_done(results, error message)
    once at the end ("" when none; the results imported before a failure are kept)."""
    from readerapp.core.importer import import_paths

    results: list = []
    token: CancelToken = CancelToken()

    def step(done: int, total: int, r) -> None:
        results.append(r)
        token.progress(done, total, Path(r.path).name, r.status)

    def work(tok: CancelToken) -> tuple[list, str]:
        nonlocal token
        token = tok
        try:
            import_paths(library, list(paths), progress=step, cancel=tok)
        except Exception as exc:  # a failure of the whole batch: one line to the user, details in the log
            log.exception("import failed")
            return list(results), str(exc) or type(exc).__name__
        return list(results), ""

    job = run_in_background(work, name="import", parent=parent, on_progress=on_progress)
    if on_done is not None:
        job.done.connect(lambda payload: on_done(*payload))
        job.failed.connect(lambda message: on_done([], message))
    return job


class ImportSummaryDialog(QDialog):
    """Counts of imported / duplicate / failed files and one line per failed file with its reason."""

    def __init__(self, results: list, cancelled: bool = False, error: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import finished"))
        self.results = results
        counts = {k: 0 for k in ("imported", "duplicate", "failed", "other")}
        for r in results:
            if r.status in ("imported", "duplicate", "failed"):
                counts[r.status] += 1
            else:  # relinked, updated
                counts["other"] += 1
        self.counts = counts
        layout = QVBoxLayout(self)
        text = self.tr("Imported: %1   Already in the library: %2   Failed: %3") \
            .replace("%1", str(counts["imported"])).replace("%2", str(counts["duplicate"])) \
            .replace("%3", str(counts["failed"]))
        if counts["other"]:
            text += "   " + self.tr("Updated: %1").replace("%1", str(counts["other"]))
        self.summary_label = QLabel(text, self)
        layout.addWidget(self.summary_label)
        if cancelled:
            layout.addWidget(QLabel(self.tr("The import was cancelled; the files not listed were not imported."),
                                    self))
        if error:
            err = QLabel(self.tr("The import stopped: %1").replace("%1", error), self)
            err.setWordWrap(True)
            layout.addWidget(err)
        failed = [r for r in results if r.status == "failed"]
        self.failed_list = QTreeWidget(self)
        self.failed_list.setHeaderLabels([self.tr("File"), self.tr("Reason")])
        self.failed_list.setRootIsDecorated(False)
        for r in failed:
            item = QTreeWidgetItem(self.failed_list, [Path(r.path).name, r.reason])
            item.setToolTip(0, r.path)
            item.setToolTip(1, r.reason)
        self.failed_list.setWordWrap(True)
        self.failed_list.setUniformRowHeights(False)
        self.failed_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.failed_list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.failed_list.header().setStretchLastSection(True)
        self.failed_list.setVisible(bool(failed))
        layout.addWidget(self.failed_list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(760, 380 if failed else 120)

    def failed_lines(self) -> list[str]:
        return [f"{self.failed_list.topLevelItem(i).text(0)}: {self.failed_list.topLevelItem(i).text(1)}"
                for i in range(self.failed_list.topLevelItemCount())]
