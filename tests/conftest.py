"""Shared fixtures. No test touches the real user folders: data, config and log
folders are redirected to a temp dir for the whole session."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
REFERENCE_LISTS = SHARED / "reference-lists"


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_dirs(tmp_path_factory):
    base = tmp_path_factory.mktemp("userdirs")
    saved = {k: os.environ.get(k) for k in ("READERAPP_DATA_DIR", "READERAPP_CONFIG_DIR", "READERAPP_LOG_DIR",
                                            "READERAPP_LIBRARY")}
    os.environ["READERAPP_DATA_DIR"] = str(base / "data")
    os.environ["READERAPP_CONFIG_DIR"] = str(base / "config")
    os.environ["READERAPP_LOG_DIR"] = str(base / "log")
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

    folder = tmp_path_factory.mktemp("corpuslib") / "lib"
    with Library(folder) as lib:
        results = import_paths(lib, [corpus_dir])
        assert all(r.status == "imported" for r in results), [r for r in results if r.status != "imported"]
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        lib.idx.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


@pytest.fixture
def corpus_library(_corpus_library_template, tmp_path):
    """A library holding the twelve corpus papers (a private copy per test)."""
    from readerapp.core.library import Library

    folder = tmp_path / "corpuslib"
    shutil.copytree(_corpus_library_template, folder)
    lib = Library(folder)
    yield lib
    lib.close()


def paper_id_for(lib, filename: str) -> int:
    """Id of the corpus paper imported from `filename`."""
    for row in lib.all_files():
        if Path(row["path"]).name == filename:
            return row["paper_id"]
    raise KeyError(filename)


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
def embedded_corpus_library(_embedded_corpus_template, tmp_path):
    """The twelve corpus papers, imported and embedded (a private copy per test)."""
    from readerapp.core.library import Library

    folder = tmp_path / "embeddedlib"
    shutil.copytree(_embedded_corpus_template, folder)
    lib = Library(folder)
    yield lib
    lib.close()
