"""The reader tab's attach controller: "Locate…" and "Attach PDF…".

Checking a file (hashing) and attaching it (text extraction, moving the
highlights onto it) run as background jobs (readerapp.ui.workers); the tab
shows the ATTACHING state meanwhile and its previous state afterwards.
Strings use the "ReaderTab" translation context, as they did in the tab.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QMessageBox, QStyle

from .reader_states import TabState
from .workers import Job, run_in_background


class AttachController(QObject):
    """Runs check_file_for_paper, then attach_file, for one ReaderTab."""

    def __init__(self, tab):
        super().__init__(tab)
        self.tab = tab
        self._job: Job | None = None
        self._confirm = self.confirm_different
        self._confirm_needed = True

    def busy(self) -> bool:
        return self._job is not None

    def use_file(self, path: str, *, confirm_different: bool = True, confirm=None) -> None:
        """Check `path` in a job (hashing), then re-link or attach it (extraction) in a job.

        For "Locate…" a file with other bytes is attached only after the user agrees
        (`confirm(path) -> bool`, a question box by default)."""
        if self._job is not None:
            return
        self._confirm = confirm or self.confirm_different
        self._confirm_needed = confirm_different
        self.tab._show_state(TabState.ATTACHING,
                             QCoreApplication.translate("ReaderTab", "Checking %1…").replace("%1", Path(path).name),
                             "", [], icon=QStyle.StandardPixmap.SP_FileIcon, busy=True)
        library, paper_id = self.tab.library, self.tab.paper_id

        def check(_token):
            from readerapp.core.relocate import check_file_for_paper

            return check_file_for_paper(library, paper_id, path)

        self._start(check, "checked", path)

    def _start(self, fn, step: str, path: str) -> None:
        self._job = run_in_background(fn, name="attach", parent=self,
                                      on_done=lambda res: self._done(step, path, res),
                                      on_error=self._failed_job)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def confirm_different(self, path: str) -> bool:
        ans = QMessageBox.question(
            self.tab, QCoreApplication.translate("ReaderTab", "Another file"),
            QCoreApplication.translate(
                "ReaderTab",
                "%1 is not the file that was imported (its contents differ).\n\nAttach it as this paper's new "
                "file? Highlights are moved onto it by their quoted text; those that cannot be found stay "
                "where they were.").replace("%1", Path(path).name))
        return ans == QMessageBox.StandardButton.Yes

    def _failed_job(self, message: str) -> None:
        self._job = None
        if not self.tab.closed():
            self.failed(message)

    def _done(self, step: str, path: str, res) -> None:
        self._job = None
        tab = self.tab
        if tab.closed():
            return
        if step == "checked":
            if res.kind in ("bad", "other-paper"):
                self.failed(res.reason)
                return
            if res.kind == "different" and self._confirm_needed and not self._confirm(path):
                self.failed("")
                return
            tab._show_state(TabState.ATTACHING,
                            QCoreApplication.translate("ReaderTab", "Attaching %1…").replace("%1", Path(path).name),
                            QCoreApplication.translate("ReaderTab",
                                                       "Reading its text and moving your highlights onto it."),
                            [], icon=QStyle.StandardPixmap.SP_FileIcon, busy=True)
            library, paper_id = tab.library, tab.paper_id

            def attach(token):
                from readerapp.core.relocate import attach_file

                return attach_file(library, paper_id, path, cancel=token)

            self._start(attach, "attached", path)
            return
        if res.status == "relinked":
            msg = QCoreApplication.translate("ReaderTab", "Found the file: %1").replace("%1", res.path)
        else:
            msg = QCoreApplication.translate("ReaderTab", "Attached %1").replace("%1", Path(res.path).name)
            if res.unanchored:
                msg += QCoreApplication.translate(
                    "ReaderTab", " (%1 highlight(s) could not be found in it and stay where they were)").replace(
                    "%1", str(len(res.unanchored)))
        tab._password = None
        tab._load()
        tab.reload_note()
        tab.statusMessage.emit(msg)

    def failed(self, msg: str) -> None:
        """Back to what the tab showed before, with `msg` (if any) in the status bar and the message."""
        tab = self.tab
        if msg:
            tab.statusMessage.emit(msg)
        tab._load()
        if msg and tab.state_name != TabState.PDF:
            tab.message.add_detail(msg)
