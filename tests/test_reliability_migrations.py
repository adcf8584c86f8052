"""Migrations: fixture libraries of every schema version open with today's app;
an upgrade runs after a backup, in one transaction, and a failing one leaves
the library exactly as it was; a library from a newer app is refused."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from readerapp.core import db, paths
from readerapp.core.errors import LibraryError, LibraryTooNew
from readerapp.core.library import Library
from readerapp.core.maintenance import startup
from reliability_helpers import integrity_ok, user_data

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"

# a plausible next schema version, used to exercise the upgrade path
MIGRATION_2 = ("CREATE TABLE reading_sessions (id INTEGER PRIMARY KEY, paper_id INTEGER NOT NULL"
               " REFERENCES papers(id) ON DELETE CASCADE, started TEXT);\n"
               "ALTER TABLE papers ADD COLUMN rating INTEGER;\n"
               "UPDATE papers SET rating = 3;\n")


def _fixture_library(fixture: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    conn = sqlite3.connect(folder / db.LIBRARY_FILE)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.close()
    return folder


def _migrations_with(tmp_path: Path, monkeypatch, extra: str) -> None:
    """A temporary migrations folder: today's migrations plus `extra` as the next library version."""
    root = tmp_path / "migrations"
    shutil.copytree(REPO / "db", root)
    (root / "library" / f"{db.latest_version('library') + 1:04d}_test.sql").write_text(extra)
    monkeypatch.setattr(paths, "migrations_dir", lambda: root)
    monkeypatch.setattr(db, "migrations_dir", lambda: root)


def _fixtures() -> list[Path]:
    found = sorted(FIXTURES.glob("library-schema*.sql"), key=lambda p: int(p.stem.removeprefix("library-schema")))
    # one fixture per schema version this app has ever had, none missing
    assert [f.name for f in found] == [f"library-schema{v}.sql" for v in range(1, db.latest_version("library") + 1)]
    return found


@pytest.mark.parametrize("fixture", _fixtures(), ids=lambda p: p.stem)
def test_fixture_library_opens_with_its_data(tmp_path, fixture):
    folder = _fixture_library(fixture, tmp_path / fixture.stem)
    with Library(folder) as lib:
        assert db.user_version(lib.conn) == db.latest_version("library")
        (pid,) = lib.all_paper_ids()
        p = lib.get_paper(pid)
        assert p.title == "Batch Normalization" and p.authors == ["Sergey Ioffe", "Christian Szegedy"]
        assert lib.get_note(pid).problem == "问题：梯度消失"
        (h,) = lib.highlights(pid)
        assert (h.text, h.comment, h.color) == ("covariate shift", "key idea", "#ffd400")
        assert p.tags == ["normalization"]
        assert [lib.section_path(s) for s in lib.sections_of(pid)] == [["CV", "经典模型"]]
        assert [(link.url, link.label) for link in lib.links(pid)] == [("https://example.org/bn.html", "笔记")]
        # it comes without its derived index: the start-up repair builds the paper's row
        assert lib.search("经典模型") == []
        assert startup(lib, backup=False).refreshed == [pid]
        assert lib.search("经典模型")[0].paper_id == pid
    assert integrity_ok(folder)


def test_upgrade_runs_after_a_backup_and_keeps_everything(tmp_path, monkeypatch):
    newest = _fixtures()[-1]
    folder = _fixture_library(newest, tmp_path / "lib")
    with Library(folder) as lib:
        before = user_data(lib)
        old_version = db.user_version(lib.conn)
    _migrations_with(tmp_path, monkeypatch, MIGRATION_2)
    with Library(folder) as lib:
        assert db.user_version(lib.conn) == old_version + 1
        assert user_data(lib) == before
        assert lib.conn.execute("SELECT rating FROM papers").fetchone()[0] == 3
    (backup,) = (folder / "backups").glob(f"library-schema{old_version}-*.sqlite3")
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old_version  # taken before the upgrade
    assert conn.execute("SELECT title FROM papers").fetchone()[0] == "Batch Normalization"
    conn.close()
    assert integrity_ok(folder)


def test_a_failing_migration_rolls_back_whole(tmp_path, monkeypatch):
    folder = _fixture_library(_fixtures()[-1], tmp_path / "lib")
    with Library(folder) as lib:
        before = user_data(lib)
    version = db.latest_version("library")
    # the statements before the failing one ran inside the migration's transaction
    _migrations_with(tmp_path, monkeypatch, MIGRATION_2 + "INSERT INTO no_such_table VALUES (1);\n")
    with pytest.raises(LibraryError, match="no_such_table"):
        Library(folder)
    conn = sqlite3.connect(folder / db.LIBRARY_FILE)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert "rating" not in {r[1] for r in conn.execute("PRAGMA table_info(papers)")}
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'reading_sessions'").fetchone() is None
    conn.close()
    monkeypatch.undo()
    with Library(folder) as lib:  # today's app still opens it, all there
        assert user_data(lib) == before
    assert integrity_ok(folder)


def test_a_library_from_a_newer_readerapp_is_refused_clearly(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title="Written by the future")
    conn = sqlite3.connect(folder / db.LIBRARY_FILE)
    future = db.latest_version("library") + 1
    conn.execute(f"PRAGMA user_version = {future}")
    conn.close()
    with pytest.raises(LibraryTooNew, match=f"newer readerapp \\(schema {future}"):
        Library(folder)
    r = subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), "list"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "update readerapp" in r.stderr
    assert "Traceback" not in r.stderr
    conn = sqlite3.connect(folder / db.LIBRARY_FILE)  # untouched
    assert conn.execute("PRAGMA user_version").fetchone()[0] == future
    assert conn.execute("SELECT title FROM papers WHERE id = ?", (pid,)).fetchone()[0] == "Written by the future"
    conn.close()
    # the derived index of a newer app is refused too (it could be rebuilt, but not by guessing)
    idx = tmp_path / "lib2"
    with Library(idx):
        pass
    conn = sqlite3.connect(idx / db.INDEX_FILE)
    conn.execute(f"PRAGMA user_version = {db.latest_version('index') + 1}")
    conn.close()
    with pytest.raises(LibraryTooNew):
        Library(idx)
