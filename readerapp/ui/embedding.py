"""Background embedding for the GUI: drains the embedding queue in a background job.

The main window creates one EmbeddingController, calls start() after start-up
and after every import (it is safe to call while a run is going: the run
drains again when it ends), shows `progress` in its status bar and can
cancel(). The model is loaded inside the job, never on the GUI thread.
"""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import QObject, QTimer, Signal

from .workers import CancelToken, Job, gui_relay, run_in_background

from readerapp.core.storage.changes import ChangeKind

log = logging.getLogger(__name__)


def _embed_job(library, model_name: str | None):
    def work(token: CancelToken):
        from readerapp.core.semantic import embedder
        from readerapp.core.semantic.model import load_model

        token.progress("model", 0, 1)
        model = load_model(model_name, purpose="bulk", cancel=token.cancelled)  # a CUDA GPU when there is one, else ONNX
        token.progress("model", 1, 1)
        abortable = getattr(model, "abortable", None)
        with abortable() if abortable is not None else contextlib.nullcontext() as handle:
            if handle is not None:  # a cancel (quitting) stops the batch being encoded, not only the next
                token.on_cancel(handle.abort)
            return embedder.run(library, model=model, cancel=token,
                                progress=lambda phase, done, total: token.progress(phase, done, total))

    return work


class EmbeddingController(QObject):
    """Runs `readerapp.core.semantic.embedder.run` off the GUI thread.

    Signals: progress(phase, done, total) with phase one of model, queue,
    chunk, embed; finished(EmbedStats); failed(one-line message)."""

    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(str)

    AUTO_KINDS = (ChangeKind.PAPER, ChangeKind.NOTE, ChangeKind.HIGHLIGHT, ChangeKind.TEXT, ChangeKind.DELETED)

    def __init__(self, library, parent: QObject | None = None, *, model_name: str | None = None):
        super().__init__(parent)
        self.library = library
        self.model_name = model_name
        self._job: Job | None = None
        self._again = False
        self._auto = QTimer(self)
        self._auto.setSingleShot(True)
        self._auto.timeout.connect(self.start)
        self._listener = None

    def set_auto_start(self, enabled: bool, delay_ms: int = 3000) -> None:
        """Start by itself `delay_ms` after the library changes (import, note,
        highlight, deleted paper); changes in quick succession start one run."""
        self._auto.setInterval(delay_ms)
        if enabled and self._listener is None:
            relay = gui_relay(self, self._on_changed)  # listeners may run in a worker thread
            auto_kinds = self.AUTO_KINDS

            def listener(kind: str, _paper_id) -> None:
                if kind in auto_kinds:
                    relay()

            self._listener = listener
            self.library.add_listener(listener)
        elif not enabled and self._listener is not None:
            self.library.remove_listener(self._listener)
            self._listener = None
            self._auto.stop()

    def _on_changed(self) -> None:
        if self._listener is not None:
            self._auto.start()

    def is_running(self) -> bool:
        return self._job is not None

    def start(self) -> None:
        """Embed whatever is queued. While running, one more pass follows the current one."""
        if self._job is not None:
            self._again = not self._job.cancelled()
            return
        self._again = False
        self._job = run_in_background(_embed_job(self.library, self.model_name), name="embedding", parent=self,
                                      on_progress=self.progress.emit, on_finished=self._on_job_finished)

    def cancel(self) -> None:
        """Stop after the current batch (the queue keeps the rest for later)."""
        self._again = False
        if self._job is not None:
            self._job.cancel()

    def wait(self, msecs: int = 60000) -> bool:
        """Block until the job ends and its signals are delivered (tests)."""
        job = self._job
        return job.wait(msecs / 1000) if job is not None else True

    def _on_job_finished(self) -> None:
        job, self._job = self._job, None
        if job is None:
            return
        job.deleteLater()
        if job.error is not None:
            self._again = False
            self.failed.emit(job.error_message)
            return
        stats = job.result
        again = self._again and not stats.cancelled
        self.finished.emit(stats)
        if again:
            self.start()
