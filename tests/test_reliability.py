"""Never lose a note: kills, concurrent writers, backups, restore, migrations,
moved and replaced files, hostile PDFs, full disks and read-only folders."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pdfgen import make_pdf
from readerapp.core import db, paths
from readerapp.core.backup import list_backups, make_backup, maybe_backup, restore, verify_backup
from readerapp.core.errors import LibraryError, LibraryLocked
from readerapp.core.importer import import_paths
from readerapp.core.library import Library
from readerapp.core.maintenance import repair
from readerapp.core.models import Highlight
from readerapp.core.relocate import relocate
from readerapp.core.workerpool import GuardedPool

REPO = Path(__file__).resolve().parents[1]


def integrity_ok(folder: Path) -> bool:
    for name in (db.LIBRARY_FILE, db.INDEX_FILE):
        conn = sqlite3.connect(folder / name)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return False
        finally:
            conn.close()
    return True


def no_half_imported_paper(lib: Library, exempt: set[int]) -> None:
    """Every file has its paper and every imported paper its file (one transaction each)."""
    orphans = lib.conn.execute("SELECT count(*) FROM files WHERE paper_id NOT IN (SELECT id FROM papers)").fetchone()
    assert orphans[0] == 0
    fileless = {r[0] for r in lib.conn.execute("SELECT id FROM papers WHERE id NOT IN (SELECT paper_id FROM files)")}
    assert fileless <= exempt


def test_sigkill_during_import_loses_nothing_and_leaves_no_half_paper(tmp_path):
    inbox = tmp_path / "inbox"
    for i in range(40):
        make_pdf(inbox / f"p{i:02d}.pdf", [f"paper {i} page {p} " * 60 for p in range(8)], title=f"Paper {i}")
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        keep = lib.add_paper(title="Made before the crash")
        lib.save_note(keep, problem="acknowledged note")
    proc = subprocess.Popen([sys.executable, "-m", "readerapp", "--library", str(folder), "import", str(inbox)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        conn = sqlite3.connect(folder / db.LIBRARY_FILE, timeout=5)
        n = conn.execute("SELECT count(*) FROM files").fetchone()[0]
        conn.close()
        if n >= 5:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert integrity_ok(folder)
    with Library(folder) as lib:
        assert lib.get_note(keep).problem == "acknowledged note"
        imported = lib.conn.execute("SELECT count(*) FROM files").fetchone()[0]
        assert 5 <= imported < 40
        no_half_imported_paper(lib, exempt={keep})
        repair(lib)
        assert lib.unindexed_papers() == []
        results = import_paths(lib, [inbox])
        assert sum(r.status == "imported" for r in results) == 40 - imported
        assert lib.count_papers() == 41
        assert lib.search("paper 39 page 7")


def test_sigkill_while_typing_keeps_every_acknowledged_keystroke(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title="Typing")
    script = textwrap.dedent(f"""
        import sys
        from readerapp.core.library import Library
        lib = Library({str(folder)!r})
        text = ""
        i = 0
        while True:
            text += "字" if i % 3 else "a"
            lib.save_note({pid}, method=text)
            print(len(text), flush=True)
            i += 1
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    acked = 0
    while acked < 150:
        line = proc.stdout.readline()
        assert line, "the typing process died"
        acked = int(line)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert integrity_ok(folder)
    with Library(folder) as lib:
        saved = lib.get_note(pid).method
    assert len(saved) >= acked  # everything acknowledged is there (one more may have committed)
    assert saved.startswith("a字字a")


def test_two_processes_writing_at_once_lose_no_write(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        ids = [lib.add_paper(title=f"P{i}") for i in range(2)]
    script = textwrap.dedent("""
        import sys
        from readerapp.core.library import Library
        from readerapp.core.models import Highlight
        lib = Library(sys.argv[1]); pid = int(sys.argv[2]); other = int(sys.argv[3])
        for i in range(150):
            lib.add_highlight(Highlight(None, pid, 0, [[0, 0, 1, 0, 0, 1, 1, 1]], f"h{i}"))
            lib.save_note(pid, notes=f"n{i}")
            lib.set_tags(other, [f"t{sys.argv[2]}-{i}"]) if i % 10 == 0 else None
        print("done")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(folder), str(a), str(b)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for a, b in ((ids[0], ids[1]), (ids[1], ids[0]))]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and out.strip() == "done", err
    with Library(folder) as lib:
        for pid in ids:
            assert len(lib.highlights(pid)) == 150
            assert lib.get_note(pid).notes == "n149"
    assert integrity_ok(folder)


def test_backup_restore_round_trip(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title="Before")
        lib.save_note(pid, results="kept in the backup")
        first = make_backup(lib)
        lib.update_paper(pid, title="After")
        lib.save_note(pid, results="changed later")
        later = lib.add_paper(title="Added after the backup")
        assert maybe_backup(lib, interval_hours=6) is None  # one is recent enough
    verify_backup(first.path)
    safety = restore(folder, first.path)
    with Library(folder) as lib:
        assert lib.get_paper(pid).title == "Before"
        assert lib.get_note(pid).results == "kept in the backup"
        assert later not in lib.all_paper_ids()
        assert lib.search("Added after the backup") == []  # the index was repaired
        assert lib.search("Before")[0].paper_id == pid
    assert "before-restore" in safety.name and safety.exists()
    restore(folder, safety)  # and back again
    with Library(folder) as lib:
        assert lib.get_paper(pid).title == "After"


def test_backups_are_pruned_and_listed_newest_first(tmp_path):
    with Library(tmp_path / "lib") as lib:
        lib.add_paper(title="x")
        for _ in range(5):
            make_backup(lib, keep=3)
        backups = list_backups(lib.folder)
    assert len(backups) == 3
    assert backups == sorted(backups, key=lambda b: (b.created, b.path.name), reverse=True)


def test_restore_refuses_while_the_library_is_open_and_refuses_bad_backups(tmp_path):
    folder = tmp_path / "lib"
    lib = Library(folder)
    lib.add_paper(title="x")
    backup = make_backup(lib)
    with pytest.raises(LibraryLocked, match="open in another readerapp"):
        restore(folder, backup.path)
    lib.close()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(LibraryError, match="not a readerapp library backup"):
        restore(folder, junk)
    with Library(folder) as lib:
        assert lib.count_papers() == 1


def test_cli_backup_and_restore(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title="Original")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), *args],
                              capture_output=True, text=True, timeout=120)

    assert run("backup").returncode == 0
    listed = json.loads(run("backup", "--list", "--json").stdout)
    assert listed and listed[0]["reason"] == "manual"
    assert run("set", str(pid), "title", "Changed").returncode == 0
    r = run("restore", "--latest")
    assert r.returncode == 0 and "restored" in r.stdout
    assert json.loads(run("show", str(pid), "--json").stdout)["title"] == "Original"


MIGRATION_2 = "CREATE TABLE reading_sessions (id INTEGER PRIMARY KEY, paper_id INTEGER NOT NULL);\n" \
              "ALTER TABLE papers ADD COLUMN rating INTEGER;\n"


def _migrations_with(tmp_path, monkeypatch, extra: str) -> None:
    root = tmp_path / "migrations"
    shutil.copytree(REPO / "db", root)
    (root / "library" / "0002_test.sql").write_text(extra)
    monkeypatch.setattr(paths, "migrations_dir", lambda: root)
    monkeypatch.setattr(db, "migrations_dir", lambda: root)


def test_fixture_libraries_of_every_schema_open_and_upgrade_after_a_backup(tmp_path, monkeypatch):
    fixtures = sorted((REPO / "tests" / "fixtures").glob("library-schema*.sql"))
    assert [f.name for f in fixtures] == [f"library-schema{v}.sql" for v in range(1, db.latest_version("library") + 1)]
    for fixture in fixtures:
        folder = tmp_path / fixture.stem
        folder.mkdir()
        conn = sqlite3.connect(folder / db.LIBRARY_FILE)
        conn.executescript(fixture.read_text(encoding="utf-8"))
        conn.close()
        with Library(folder) as lib:  # today's schema
            assert lib.get_note(1).problem == "问题：梯度消失"
            assert lib.highlights(1)[0].text == "covariate shift"
    # a future migration applied to the newest fixture: one transaction, after a backup
    _migrations_with(tmp_path, monkeypatch, MIGRATION_2)
    folder = tmp_path / fixtures[-1].stem
    with Library(folder) as lib:
        assert db.user_version(lib.conn) == 2
        assert lib.get_note(1).problem == "问题：梯度消失"
        cols = {r[1] for r in lib.conn.execute("PRAGMA table_info(papers)")}
        assert "rating" in cols
    assert list((folder / "backups").glob("library-schema1-*.sqlite3"))


def test_a_failing_migration_rolls_back_whole(tmp_path, monkeypatch):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        lib.add_paper(title="Survivor")
    _migrations_with(tmp_path, monkeypatch, MIGRATION_2 + "INSERT INTO no_such_table VALUES (1);\n")
    with pytest.raises(LibraryError):
        Library(folder)
    conn = sqlite3.connect(folder / db.LIBRARY_FILE)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "rating" not in {r[1] for r in conn.execute("PRAGMA table_info(papers)")}
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'reading_sessions'").fetchone() is None
    assert conn.execute("SELECT title FROM papers").fetchone()[0] == "Survivor"
    conn.close()


def test_moved_files_are_relinked_and_a_replaced_copy_keeps_highlights(tmp_path, corpus_dir):
    folder = tmp_path / "lib"
    a = tmp_path / "old" / "adam.pdf"
    b = tmp_path / "old" / "bn.pdf"
    a.parent.mkdir()
    shutil.copy(corpus_dir / "kingma-adam.pdf", a)
    shutil.copy(corpus_dir / "ioffe-batch-norm.pdf", b)
    with Library(folder) as lib:
        by_path = {r.path: r for r in import_paths(lib, [a, b])}  # results come in completion order
        ra, rb = by_path[str(a)], by_path[str(b)]
        h_ok = lib.add_highlight(Highlight(None, rb.paper_id, 1, [[0, 0, 1, 0, 0, 1, 1, 1]],
                                           "internal covariate shift"))
        h_lost = lib.add_highlight(Highlight(None, rb.paper_id, 0, [[0, 0, 1, 0, 0, 1, 1, 1]],
                                             "a sentence this paper never says", comment="keep me"))
    new_home = tmp_path / "new"
    new_home.mkdir()
    a.rename(new_home / "adam moved.pdf")  # same bytes: re-link
    # another copy of the BN paper (different bytes): re-saved by PyMuPDF
    import pymupdf

    with pymupdf.open(b) as doc:
        doc.save(str(new_home / "bn-v2.pdf"), garbage=3, deflate=True)
    b.unlink()
    with Library(folder) as lib:
        report = relocate(lib, new_home)
        assert report.relinked == [(ra.paper_id, str(new_home / "adam moved.pdf"))]
        assert report.replaced == [(rb.paper_id, str(new_home / "bn-v2.pdf"))]
        assert report.still_missing == [] and lib.missing_files() == []
        moved = lib.get_highlight(h_ok)
        assert moved.quads != [[0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0]] and moved.quads[0][2] > moved.quads[0][0]
        assert report.unanchored == [h_lost]
        assert lib.get_highlight(h_lost).comment == "keep me"  # kept, never deleted
        assert lib.get_paper(rb.paper_id).path == str(new_home / "bn-v2.pdf")


def test_hung_and_crashing_extraction_workers_fail_alone():
    import poolfuncs

    tasks = [(n, n) for n in ("a", "hang", "b", "die", "c", "segfault", "d")]
    with GuardedPool(poolfuncs.behave_by_name, workers=2, timeout=3) as pool:
        results = dict(pool.run(tasks))
    assert results["a"] == {"value": "a"} and results["d"] == {"value": "d"}
    assert "longer than" in results["hang"]["error"]
    assert "crashed" in results["die"]["error"] and "crashed" in results["segfault"]["error"]


def test_disk_full_is_one_clear_message_and_nothing_is_corrupted(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid = lib.add_paper(title="Safe")
        lib.save_note(pid, problem="saved before the disk filled")
        pages = lib.conn.execute("PRAGMA page_count").fetchone()[0]
        lib.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk is now (nearly) full
        with pytest.raises(LibraryError, match="disk .* is full") as err:
            for i in range(200):
                lib.save_note(pid, notes="x" * 20000 + str(i))
        assert "\n" not in str(err.value)
        assert lib.get_note(pid).problem == "saved before the disk filled"
    assert integrity_ok(folder)


def test_read_only_library_folder_is_refused_clearly(tmp_path):
    folder = tmp_path / "ro"
    with Library(folder) as lib:
        lib.add_paper(title="x")
    if os.geteuid() == 0:
        # root ignores permission bits; a read-only bind mount needs mount rights
        r = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"running as root without mount rights: {r.stderr.decode().strip()}")
    else:
        folder.chmod(0o555)
    try:
        with pytest.raises(LibraryError, match="read-only"):
            Library(folder)
        r = subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), "list"],
                           capture_output=True, text=True)
        assert r.returncode == 1 and r.stderr.count("\n") == 1 and "read-only" in r.stderr
        assert "Traceback" not in r.stderr
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)
    with Library(folder) as lib:
        assert lib.count_papers() == 1


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract (tesseract-ocr) is not installed")
def test_scanned_paper_becomes_searchable_with_ocr(tmp_path, corpus_dir):
    with Library(tmp_path / "lib") as lib:
        (r,) = import_paths(lib, [corpus_dir / "scanned-lisp2-gc.pdf"])
        assert r.status == "imported" and lib.get_paper(r.paper_id).text_status == "ocr"
        assert lib.search("garbage collector", limit=3)[0].paper_id == r.paper_id
