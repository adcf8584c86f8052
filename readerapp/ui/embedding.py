"""Background embedding for the GUI: drains the embedding queue in a QThread.

The main window creates one EmbeddingController, calls start() after start-up
and after every import (it is safe to call while a run is going: the run
drains again when it ends), shows `progress` in its status bar and can
cancel(). The model is loaded inside the thread, never on the GUI thread.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from readerapp.core.storage.changes import ChangeKind

log = logging.getLogger(__name__)


class _EmbedThread(QThread):
    progressed = Signal(str, int, int)
    done = Signal(object)
    error = Signal(str)

    def __init__(self, library, cancel_event: threading.Event, model_name: str | None, parent=None):
        super().__init__(parent)
        self.library = library
        self.cancel_event = cancel_event
        self.model_name = model_name

    def run(self) -> None:
        from readerapp.core.errors import ReaderError

        try:
            from readerapp.core.semantic import embedder
            from readerapp.core.semantic.model import load_model

            self.progressed.emit("model", 0, 1)
            model = load_model(self.model_name)
            self.progressed.emit("model", 1, 1)
            stats = embedder.run(self.library, model=model, cancel=self.cancel_event.is_set,
                                 progress=lambda phase, done, total: self.progressed.emit(phase, done, total))
        except ReaderError as exc:
            self.error.emit(str(exc))
            return
        except Exception as exc:  # never let a worker thread die silently
            log.exception("embedding failed")
            self.error.emit(f"embedding failed: {exc}".splitlines()[0])
            return
        self.done.emit(stats)


class EmbeddingController(QObject):
    """Runs `readerapp.core.semantic.embedder.run` off the GUI thread.

    Signals: progress(phase, done, total) with phase one of model, queue,
    chunk, embed; finished(EmbedStats); failed(one-line message)."""

    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(str)
    _changed = Signal()  # library change events, marshalled to this object's (GUI) thread

    AUTO_KINDS = (ChangeKind.PAPER, ChangeKind.NOTE, ChangeKind.HIGHLIGHT, ChangeKind.TEXT, ChangeKind.DELETED)

    def __init__(self, library, parent: QObject | None = None, *, model_name: str | None = None):
        super().__init__(parent)
        self.library = library
        self.model_name = model_name
        self._thread: _EmbedThread | None = None
        self._cancel = threading.Event()
        self._again = False
        self._auto = QTimer(self)
        self._auto.setSingleShot(True)
        self._auto.timeout.connect(self.start)
        self._listener = None
        self._changed.connect(self._on_changed)

    def set_auto_start(self, enabled: bool, delay_ms: int = 3000) -> None:
        """Start by itself `delay_ms` after the library changes (import, note,
        highlight, deleted paper); changes in quick succession start one run."""
        self._auto.setInterval(delay_ms)
        if enabled and self._listener is None:
            def listener(kind: str, _paper_id) -> None:
                if kind in self.AUTO_KINDS:
                    self._changed.emit()  # may run in a worker thread: queued to the GUI thread

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
        return self._thread is not None

    def start(self) -> None:
        """Embed whatever is queued. While running, one more pass follows the current one."""
        if self._thread is not None:
            self._again = not self._cancel.is_set()
            return
        self._cancel = threading.Event()
        self._again = False
        thread = _EmbedThread(self.library, self._cancel, self.model_name, self)
        thread.progressed.connect(self.progress)
        thread.done.connect(self._on_done)
        thread.error.connect(self._on_error)
        thread.finished.connect(self._on_thread_finished)
        self._thread = thread
        thread.start()

    def cancel(self) -> None:
        """Stop after the current batch (the queue keeps the rest for later)."""
        self._again = False
        self._cancel.set()

    def wait(self, msecs: int = 60000) -> bool:
        """Block until the thread ends (for shutdown and tests)."""
        thread = self._thread
        return thread.wait(msecs) if thread is not None else True

    def _on_done(self, stats) -> None:
        self._last = ("done", stats)

    def _on_error(self, message: str) -> None:
        self._last = ("error", message)

    def _on_thread_finished(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.deleteLater()
        kind, value = getattr(self, "_last", ("error", "embedding stopped"))
        self._last = None
        if kind == "error":
            self._again = False
            self.failed.emit(value)
            return
        again = self._again and not value.cancelled
        self.finished.emit(value)
        if again:
            self.start()
