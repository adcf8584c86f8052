"""Storage: migrations, the data model, user corrections, sections, notes, highlights."""

from __future__ import annotations

import sqlite3

import pytest

from readerapp.core import db
from readerapp.core.errors import InvalidValue, LibraryTooNew, NotFound
from readerapp.core.library import Library, parse_authors
from readerapp.core.models import Highlight


def test_new_library_has_both_files_at_latest_schema(library):
    assert library.lib_path.is_file() and library.idx_path.is_file()
    assert db.user_version(library.conn) == db.latest_version("library") >= 1
    assert db.user_version(library.idx) == db.latest_version("index") >= 1
    assert library.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert library.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # user data and derived data are apart
    lib_tables = {r[0] for r in library.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    idx_tables = {r[0] for r in library.idx.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"papers", "files", "sections", "tags", "highlights", "notes", "links"} <= lib_tables
    assert "search_fts" in idx_tables and not ({"papers", "notes", "highlights"} & idx_tables)


def test_library_newer_than_app_is_refused(tmp_path):
    folder = tmp_path / "lib"
    Library(folder).close()
    conn = sqlite3.connect(folder / db.LIBRARY_FILE)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(LibraryTooNew, match="newer readerapp"):
        Library(folder)


def test_split_sql_keeps_triggers_whole():
    script = """
    CREATE TABLE a (x); -- comment; with semicolon
    CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO a VALUES (1); SELECT 1; END;
    """
    stmts = db.split_sql(script)
    assert len(stmts) == 2
    assert stmts[1].startswith("CREATE TRIGGER") and stmts[1].rstrip().endswith("END;")


def test_paper_fields_roundtrip_and_validation(library):
    pid = library.add_paper(title="Attention Is All You Need", authors=["Ashish Vaswani", "Noam Shazeer"],
                            year=2017, venue="NeurIPS 2017", arxiv_id="1706.03762", summary="**Transformer**; 自注意力")
    p = library.get_paper(pid)
    assert (p.title, p.authors, p.year, p.venue, p.arxiv_id) == (
        "Attention Is All You Need", ["Ashish Vaswani", "Noam Shazeer"], 2017, "NeurIPS 2017", "1706.03762")
    assert p.status == "to-read" and p.date_added
    with pytest.raises(InvalidValue):
        library.update_paper(pid, status="done")
    with pytest.raises(InvalidValue):
        library.update_paper(pid, year="soon")
    with pytest.raises(InvalidValue):
        library.set_field(pid, "colour", "red")
    with pytest.raises(NotFound):
        library.get_paper(pid + 100)
    library.update_paper(pid, status="read")
    assert library.get_paper(pid).date_read  # reading finished gets a date


def test_user_corrections_survive_reextraction(library):
    pid = library.add_paper(title="wrong title", year=2014)
    library.set_field(pid, "title", "Right Title")
    library.apply_extracted_metadata(pid, {"title": "Extracted Title", "year": 2015, "venue": "ICLR 2015"},
                                     overwrite=True)
    p = library.get_paper(pid)
    assert p.title == "Right Title"  # corrected by the user: kept
    assert p.year == 2015 and p.venue == "ICLR 2015"  # not corrected: refreshed
    assert "title" in p.user_fields


def test_set_field_parses_text(library):
    pid = library.add_paper(title="T")
    library.set_field(pid, "authors", "Diederik P. Kingma, Jimmy Ba")
    library.set_field(pid, "note.problem", "优化器的学习率难调")
    library.set_field(pid, "tags", "optimizer, 优化")
    library.set_field(pid, "section", "CV/目标检测")
    p = library.get_paper(pid)
    assert p.authors == ["Diederik P. Kingma", "Jimmy Ba"]
    assert library.get_note(pid).problem == "优化器的学习率难调"
    assert sorted(p.tags) == ["optimizer", "优化"]
    (root,) = library.sections()
    assert root.name == "CV" and root.children[0].name == "目标检测"
    assert [x.id for x in library.papers_in_section(root.children[0].id)] == [pid]
    assert parse_authors("A. One; B. Two, Jr.") == ["A. One", "B. Two, Jr."]


def test_sections_have_two_levels(library):
    top = library.create_section("多模态")
    sub = library.create_section("经典模型", top)
    assert library.create_section("经典模型", top) == sub  # idempotent
    with pytest.raises(InvalidValue, match="two levels"):
        library.create_section("deeper", sub)
    assert library.section_path(sub) == ["多模态", "经典模型"]


def test_highlight_delete_and_undo_restores_same_record(library):
    pid = library.add_paper(title="T")
    quad = [72, 100, 200, 100, 72, 112, 200, 112]
    hid = library.add_highlight(Highlight(None, pid, 0, [quad], "a quoted passage", "#ff0000", "underline", "why"))
    h = library.get_highlight(hid)
    assert (h.page, h.quads, h.text, h.kind, h.comment) == (0, [[float(v) for v in quad]], "a quoted passage",
                                                            "underline", "why")
    removed = library.delete_highlight(hid)
    assert library.highlights(pid) == []
    assert library.add_highlight(removed) == hid
    assert library.highlights(pid)[0].text == "a quoted passage"
    with pytest.raises(InvalidValue):
        library.add_highlight(Highlight(None, pid, 0, [[1, 2, 3]], "x"))


def test_note_fields_saved_independently(library):
    pid = library.add_paper(title="T")
    library.save_note(pid, problem="P")
    library.save_note(pid, method="M")
    n = library.get_note(pid)
    assert (n.problem, n.method, n.results) == ("P", "M", "")
    with pytest.raises(NotFound):
        library.save_note(pid + 1, problem="x")


def test_deleting_a_paper_removes_its_user_data_and_index(library):
    pid = library.add_paper(title="Deleted Paper About Zebras")
    library.save_note(pid, problem="zebra stripes")
    library.add_link(pid, "notes", "https://example.org/n")
    assert library.search("zebras")
    library.delete_paper(pid)
    assert library.search("zebras") == []
    assert library.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    assert library.conn.execute("SELECT count(*) FROM links").fetchone()[0] == 0


def test_change_listeners_are_told(library):
    events = []
    library.add_listener(lambda kind, pid: events.append((kind, pid)))
    pid = library.add_paper(title="T")
    library.save_note(pid, problem="x")
    assert ("paper", pid) in events and ("note", pid) in events


def test_backup_is_a_consistent_copy(library, tmp_path):
    pid = library.add_paper(title="Backed Up")
    dest = library.backup_to(tmp_path / "b.sqlite3")
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT title FROM papers WHERE id = ?", (pid,)).fetchone()[0] == "Backed Up"
    conn.close()
