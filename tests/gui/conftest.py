"""GUI test helpers: a leak check for QThreads, Python threads and top-level widgets
(in the spirit of napari's `make_napari_viewer` checks). Opt-in per module:

    pytestmark = pytest.mark.usefixtures("no_qt_leaks")
"""

from __future__ import annotations

import gc
import threading
import time

import pytest

# Qt keeps a few top-level helpers alive by design (tooltips, the drag pixmap window).
_IGNORED_TOPLEVEL = {"QTipLabel", "QShapedPixmapWidget", "QComboBoxPrivateContainer"}


def _running_qthreads() -> list:
    from PySide6.QtCore import QThread

    return [o for o in gc.get_objects() if isinstance(o, QThread) and o.isRunning()
            and o is not QThread.currentThread()]


@pytest.fixture
def no_qt_leaks(qapp):
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    before_widgets = {id(w) for w in QApplication.topLevelWidgets()}
    before_threads = set(threading.enumerate())
    yield
    # pytest-qt has closed the widgets registered with qtbot by now; let deleteLater() run.
    deadline = time.monotonic() + 5
    while True:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
        leaked_widgets = [w for w in QApplication.topLevelWidgets()
                          if id(w) not in before_widgets and type(w).__name__ not in _IGNORED_TOPLEVEL
                          and w.metaObject().className() not in _IGNORED_TOPLEVEL]
        leaked_threads = [t for t in threading.enumerate() if t not in before_threads and t.is_alive()
                          and not t.daemon or (t not in before_threads and t.name.startswith("readerapp-"))]
        qthreads = _running_qthreads()
        if not (leaked_widgets or leaked_threads or qthreads) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not qthreads, f"QThreads still running after the test: {qthreads}"
    assert not leaked_threads, f"threads left running: {[t.name for t in leaked_threads]}"
    assert not leaked_widgets, f"top-level widgets leaked: {[type(w).__name__ for w in leaked_widgets]}"
