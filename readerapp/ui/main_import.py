"""The main window's import: drag and drop, the import dialogs, opening a PDF file by path,
and the background import job with its progress, cancel and summary. A mixin of MainWindow
(main_window.py), which holds the widgets; strings keep MainWindow's translation context."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog

from .import_worker import ImportSummaryDialog, importable_paths, start_import_job
from .workers import Job, run_in_background


class ImportMixin:
    def dragEnterEvent(self, ev) -> None:
        if ev.mimeData().hasUrls() and importable_paths(ev.mimeData().urls()):
            ev.acceptProposedAction()
        else:
            ev.ignore()

    def dragMoveEvent(self, ev) -> None:
        self.dragEnterEvent(ev)

    def dropEvent(self, ev) -> None:
        paths = importable_paths(ev.mimeData().urls()) if ev.mimeData().hasUrls() else []
        if not paths:
            ev.ignore()
            return
        ev.acceptProposedAction()
        self.start_import(paths)

    def import_files_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, QCoreApplication.translate("MainWindow", "Import PDF Files"), str(Path.home()),
                                                QCoreApplication.translate("MainWindow", "PDF files (*.pdf)"))
        if files:
            self.start_import(files)

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, QCoreApplication.translate("MainWindow", "Import a Folder of PDFs"), str(Path.home()))
        if folder:
            self.start_import([folder])

    def open_pdf_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, QCoreApplication.translate("MainWindow", "Open PDF"), str(Path.home()),
                                              QCoreApplication.translate("MainWindow", "PDF files (*.pdf)"))
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> Job | None:
        """Open a PDF file: its paper if the library has it, else import it and open it.

        The file is hashed in a background job (returned); None if there is no such file."""
        p = Path(path)
        if not p.is_file():
            self.show_error(QCoreApplication.translate("MainWindow", "File not found: %1").replace("%1", str(path)))
            return None
        from readerapp.core.importer import sha256_file

        library, cannot_read = self.library, QCoreApplication.translate("MainWindow", "Cannot read %1: %2")

        def find(_token):  # hashing a large file takes a while: never on the GUI thread
            try:
                return library.file_by_sha(sha256_file(p)), ""
            except OSError as exc:
                return None, cannot_read.replace("%1", p.name).replace("%2", exc.strerror or str(exc))

        def found(payload) -> None:
            row, error = payload
            if self._closing:
                return
            if error:
                self.show_error(error)
            elif row is not None:
                self.open_paper(row["paper_id"])
            else:
                self.start_import([str(p)], open_after=True)

        self._opening = run_in_background(find, name="open-file", parent=self, on_done=found,
                                          on_error=self.show_error)
        return self._opening

    def start_import(self, paths: list[str], *, open_after: bool = False) -> Job | None:
        if self.import_running():
            self.show_error(QCoreApplication.translate("MainWindow", "An import is already running; wait for it to finish or cancel it."))
            return None
        if self._import is not None:
            self._import.deleteLater()
        self._open_after_import = open_after
        job = start_import_job(self.library, paths, parent=self, on_progress=self._import_progress,
                               on_done=self._import_finished)
        self._import = job
        self.progress.setRange(0, 0)
        self.progress.setFormat(QCoreApplication.translate("MainWindow", "Importing…"))
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Importing…"))
        return job

    def cancel_import(self) -> None:
        if self.import_running():
            self._import.cancel()
            self.cancel_button.setEnabled(False)
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Cancelling the import…"))

    def import_running(self) -> bool:
        return self._import is not None and self._import.is_running()

    def _import_progress(self, done: int, total: int, name: str, status: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total}")
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Importing %1 (%2 of %3)").replace("%1", name)
                                     .replace("%2", str(done)).replace("%3", str(total)))

    def _import_finished(self, results: list, error: str) -> None:
        job = self._import
        cancelled = bool(job and job.cancelled())
        self.progress.hide()
        self.cancel_button.hide()
        self.statusBar().clearMessage()
        self.reload_papers()
        self.sidebar.reload()
        self.importFinished.emit(results)
        if self._closing:
            return
        opened = False
        if self._open_after_import and len(results) == 1 and results[0].paper_id is not None \
                and results[0].status != "failed":
            self.open_paper(results[0].paper_id)
            opened = True
        if not opened or any(r.status == "failed" for r in results) or error:
            if self.import_summary is not None:
                self.import_summary.close()
                self.import_summary.deleteLater()
            self.import_summary = ImportSummaryDialog(results, cancelled=cancelled, error=error, parent=self)
            self.import_summary.show()
        self._select_imported(results)

    def _select_imported(self, results: list) -> None:
        ids = [r.paper_id for r in results if r.status == "imported" and r.paper_id is not None]
        if not ids:
            return
        self.table.clearSelection()
        sel = self.table.selectionModel()
        first = None
        for pid in ids:
            row = self.model.row_of(pid)
            idx = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else None
            if idx is not None and idx.isValid():
                sel.select(idx, sel.SelectionFlag.Select | sel.SelectionFlag.Rows)
                first = first or idx
        if first is not None:
            self.table.scrollTo(first)
