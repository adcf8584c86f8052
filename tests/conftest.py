"""Shared fixtures. No test touches the real user folders: data, config and log
folders are redirected to a temp dir for the whole session."""

from __future__ import annotations

import csv
import gc
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
REFERENCE_LISTS = SHARED / "reference-lists"

# GUI screenshots: never into the source tree. $READERAPP_SCREENSHOTS when set (CI keeps that folder as an
# artifact when a test fails); else a temporary folder, removed after a run where every test passed and
# kept (its path printed) after a failure.
SCREENSHOTS = Path(os.environ.get("READERAPP_SCREENSHOTS") or
                   Path(tempfile.gettempdir()) / f"readerapp-screenshots-{os.getpid()}")


def save_screenshot(widget, name: str) -> Path:
    """Grab `widget` into SCREENSHOTS/name.png and return the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def pytest_sessionfinish(session, exitstatus):
    if not SCREENSHOTS.is_dir() or os.environ.get("READERAPP_SCREENSHOTS"):
        return
    if exitstatus == 0:
        shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    else:
        print(f"\nscreenshots of this run: {SCREENSHOTS}")


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_dirs(tmp_path_factory):
    base = tmp_path_factory.mktemp("userdirs")
    saved = {k: os.environ.get(k) for k in ("READERAPP_DATA_DIR", "READERAPP_CONFIG_DIR", "READERAPP_LOG_DIR",
                                            "READERAPP_LIBRARY", "READERAPP_CACHE_DIR")}
    os.environ["READERAPP_DATA_DIR"] = str(base / "data")
    os.environ["READERAPP_CONFIG_DIR"] = str(base / "config")
    os.environ["READERAPP_LOG_DIR"] = str(base / "log")
    os.environ["READERAPP_CACHE_DIR"] = str(base / "cache")  # the ONNX export of the model: once per session
    os.environ.pop("READERAPP_LIBRARY", None)
    yield base
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(scope="session")
def manifest(corpus_dir) -> list[dict]:
    with open(corpus_dir / "manifest.tsv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="session")
def reference_lists() -> Path:
    if not REFERENCE_LISTS.is_dir():
        pytest.skip("../shared/reference-lists is not present")
    return REFERENCE_LISTS


@pytest.fixture
def library(tmp_path):
    """An empty library in a temp folder, closed after the test."""
    from readerapp.core.library import Library

    lib = Library(tmp_path / "lib")
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def _corpus_library_template(tmp_path_factory, corpus_dir) -> Path:
    """The corpus imported once per session; tests get copies."""
    from readerapp.core.importer import import_paths
    from readerapp.core.library import Library

    base = tmp_path_factory.mktemp("corpuslib")
    pdfs = base / "pdfs"  # a copy: no test can ever change or delete a file in ../shared
    shutil.copytree(corpus_dir, pdfs)
    folder = base / "lib"
    with Library(folder) as lib:
        results = import_paths(lib, [pdfs])
        assert all(r.status == "imported" for r in results), [r for r in results if r.status != "imported"]
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        lib.idx.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


@pytest.fixture
def corpus_library(_corpus_library_template, tmp_path):
    """A library holding the twelve corpus papers (a private copy per test, with
    private copies of the PDFs, so a test may move or delete a paper's file)."""
    lib = _private_copy(_corpus_library_template, _corpus_library_template, tmp_path / "corpuslib")
    yield lib
    lib.close()


def _private_copy(library_template: Path, corpus_template: Path, folder: Path):
    """Open a copy of `library_template` whose papers point at private copies of the corpus PDFs."""
    from readerapp.core.library import Library

    shutil.copytree(library_template, folder)
    pdfs = folder.parent / "corpus-pdfs"
    shutil.copytree(corpus_template.parent / "pdfs", pdfs)
    lib = Library(folder)
    for row in lib.all_files():
        lib.relink_file(row["id"], str(pdfs / Path(row["path"]).name))
    return lib


def paper_id_for(lib, filename: str) -> int:
    """Id of the corpus paper imported from `filename`."""
    for row in lib.all_files():
        if Path(row["path"]).name == filename:
            return row["paper_id"]
    raise KeyError(filename)


# ---- GUI: a leak check for QThreads, Python threads and top-level widgets (in the spirit of napari's
# `make_napari_viewer` checks). Opt-in per module: pytestmark = pytest.mark.usefixtures("no_qt_leaks").
# (Kept here, not in tests/gui/conftest.py: a second conftest module would shadow `from conftest import ...`.)

# Qt keeps a few top-level helpers alive by design (tooltips, the drag pixmap window).
_IGNORED_TOPLEVEL = {"QTipLabel", "QShapedPixmapWidget", "QComboBoxPrivateContainer"}


def _running_qthreads() -> list:
    from PySide6.QtCore import QThread

    import warnings

    with warnings.catch_warnings():  # isinstance() on every object touches torch's deprecated attributes
        warnings.simplefilter("ignore")
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


# ------------------------------------------------------------ semantic search
@pytest.fixture(scope="session")
def embedding_model():
    """The default embedding model, loaded once per session (seconds)."""
    from readerapp.core.semantic.model import load_model

    return load_model()


@pytest.fixture(scope="session")
def _embedded_corpus_template(_corpus_library_template, tmp_path_factory, embedding_model) -> Path:
    """The corpus library with every passage embedded, once per session."""
    from readerapp.core.library import Library
    from readerapp.core.semantic import embedder

    folder = tmp_path_factory.mktemp("embeddedlib") / "lib"
    shutil.copytree(_corpus_library_template, folder)
    with Library(folder) as lib:
        stats = embedder.run(lib, model=embedding_model)
        assert not stats.failed and stats.chunks_embedded > 300, stats
        lib.idx.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


@pytest.fixture
def embedded_corpus_library(_embedded_corpus_template, _corpus_library_template, tmp_path):
    """The twelve corpus papers, imported and embedded (a private copy per test)."""
    lib = _private_copy(_embedded_corpus_template, _corpus_library_template, tmp_path / "embeddedlib")
    yield lib
    lib.close()


@pytest.fixture
def new_window(qtbot):
    """make(library, size=(1100, 760)): a shown MainWindow, starting without a saved window layout."""
    from readerapp.core.paths import user_config_dir
    from readerapp.ui.main_window import WINDOW_SETTINGS_FILE, MainWindow

    (user_config_dir() / WINDOW_SETTINGS_FILE).unlink(missing_ok=True)

    def make(lib, size: tuple[int, int] = (1100, 760)) -> MainWindow:
        w = MainWindow(lib, url_opener=lambda url: None)
        qtbot.addWidget(w)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        return w
    return make
