"""Faults the storage layer (issue 11) survives: a damaged derived index heals
itself, damaged vectors are skipped and embedded again, and processes racing
on the same library (a migration, an import of the same files) all succeed.
After each: integrity_check is ok and nothing a user made is lost."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from pdfgen import make_pdf
from readerapp.core import db, hybrid
from readerapp.core.importer import import_paths
from readerapp.core.library import ChangeKind, Library
from readerapp.core.maintenance import repair
from readerapp.core.semantic import embedder
from reliability_helpers import integrity_ok, user_data
from test_semantic import WordModel

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


def _library_with_text(tmp_path: Path) -> tuple[Path, int, dict]:
    folder = tmp_path / "lib"
    pdf = make_pdf(tmp_path / "pdfs" / "okapi.pdf",
                   [f"Page {i}: the okapi is a giraffid of the Ituri rainforest. " * 20 for i in range(12)],
                   title="Okapi Field Notes")
    with Library(folder) as lib:
        [res] = import_paths(lib, [pdf], workers=1)
        pid = res.paper_id
        lib.save_note(pid, problem="marmalade habitat survey")
        lib.set_tags(pid, ["fieldwork"])
        made = user_data(lib)
        assert any(h.page for h in lib.search("rainforest"))
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        lib.idx.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder, pid, made


def _check_healed(folder: Path, pid: int, made: dict, *, rebuilt: bool = False) -> None:
    with Library(folder) as lib:
        assert user_data(lib) == made
        assert {h.paper_id for h in lib.search("okapi")} == {pid}  # the title, at once
        assert {h.paper_id for h in lib.search("marmalade")} == {pid}  # the note, at once
        report = repair(lib)  # what the start-up maintenance and `readerapp reindex` run
        assert report.reindexed == ([] if rebuilt else [pid]) and not report.failed
        assert any(h.page for h in lib.search("rainforest"))  # the page text is back
    kept = sorted(folder.glob(db.INDEX_FILE + ".damaged-*"))
    assert kept and not kept[0].name.endswith(("-wal", "-shm"))  # the damaged file is kept beside
    assert integrity_ok(folder)


def test_a_garbage_index_file_is_moved_aside_and_rebuilt(tmp_path, caplog):
    folder, pid, made = _library_with_text(tmp_path)
    garbage = os.urandom(64 * 1024)
    (folder / db.INDEX_FILE).write_bytes(garbage)
    for suffix in ("-wal", "-shm"):
        (folder / (db.INDEX_FILE + suffix)).unlink(missing_ok=True)
    caplog.set_level("WARNING")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), "search", "okapi", "--json"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr  # the command line works on it too (it heals on open)
    assert [h["paper_id"] for h in json.loads(r.stdout)] == [pid]
    (folder / db.INDEX_FILE).write_bytes(garbage)  # damaged again, for the in-process checks
    for suffix in ("-wal", "-shm"):
        (folder / (db.INDEX_FILE + suffix)).unlink(missing_ok=True)
    _check_healed(folder, pid, made)
    kept = sorted(folder.glob(db.INDEX_FILE + ".damaged-*"))
    assert len(kept) == 2 and all(k.read_bytes() == garbage for k in kept)
    assert kept[-1].name in caplog.text  # named in the log


def test_an_index_with_damaged_pages_heals_when_the_damage_is_met(tmp_path):
    folder, pid, made = _library_with_text(tmp_path)
    path = folder / db.INDEX_FILE
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    assert len(data) >= 4 * page
    for offset in range(page, len(data), page):  # every page but the first (header and schema)
        data[offset:offset + page] = b"\xa5" * min(page, len(data) - offset)
    path.write_bytes(bytes(data))
    with Library(folder) as lib:  # opens: the damage is not met yet
        events = []
        lib.add_listener(lambda kind, p: events.append((kind, p)))
        assert lib.get_note(pid).problem == "marmalade habitat survey"
        hits = lib.search("okapi")  # meets it: moved aside, recreated, titles and notes rewritten
        assert {h.paper_id for h in hits} == {pid}
        assert (ChangeKind.INDEX, None) in events  # the GUI starts the rebuild when told
        lib.rebuild_index_in_background().join(timeout=120)
        assert any(h.page for h in lib.search("rainforest"))
    _check_healed(folder, pid, made, rebuilt=True)


def test_three_damaged_vector_blobs_are_skipped_and_embedded_again(library):
    model = WordModel()
    ids = []
    for i, animal in enumerate(["aardvark", "badger", "capybara", "dingo", "echidna"]):
        pid = library.add_paper(title=f"The {animal} study")
        library.save_note(pid, problem=f"{animal} burrows and {animal} diets", method=f"counting {animal} tracks")
        ids.append(pid)
    embedder.run(library, model=model, workers=1)
    chunk_ids = sorted(library.index.chunk_owners(range(1, 100)))
    damaged = chunk_ids[:3]
    with library.index_transaction() as conn:
        conn.execute("UPDATE vectors SET vec = x'0102' WHERE chunk_id = ?", (damaged[0],))
        conn.execute("UPDATE vectors SET code = x'01' WHERE chunk_id = ?", (damaged[1],))
        conn.execute("UPDATE vectors SET vec = x'', code = x'' WHERE chunk_id = ?", (damaged[2],))
    notices = []
    hits = hybrid.search(library, "echidna burrows", mode="hybrid", model=model, notice=notices.append)
    assert hits and hits[0].paper_id == ids[4]
    assert hybrid.search(library, "dingo diets", mode="semantic", model=model)[0].paper_id == ids[3]
    stats = embedder.run(library, model=model, workers=1)
    assert stats.chunks_embedded == 3  # embed mends exactly the damaged ones
    status = embedder.status(library)
    assert status["vectors"] == status["chunks"] == len(chunk_ids)
    assert hybrid.search(library, "aardvark tracks", mode="semantic", model=model)[0].paper_id == ids[0]
    assert integrity_ok(library.folder)


def test_any_semantic_failure_in_hybrid_mode_gives_keyword_results_and_one_line(library, monkeypatch):
    pid = library.add_paper(title="Gradient Descent Revisited")
    model = WordModel()
    embedder.run(library, model=model, workers=1)

    def broken(*a, **k):
        raise ValueError("cannot reshape array of size 7 into shape (3)")

    monkeypatch.setattr(hybrid, "vector_search", broken, raising=False)
    monkeypatch.setattr("readerapp.core.semantic.store.search", broken)
    notices = []
    hits = hybrid.search(library, "gradient descent", mode="hybrid", model=model, notice=notices.append)
    assert [h.paper_id for h in hits] == [pid]
    assert len(notices) == 1 and "\n" not in notices[0] and "keyword" in notices[0]


OPENER = """
import sys
from readerapp.core.library import ChangeKind, Library
with Library(sys.argv[1]) as lib:
    print(len(lib.all_paper_ids()))
"""


def test_three_processes_opening_an_old_library_at_once_all_succeed_with_one_backup(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    conn = sqlite3.connect(folder / db.LIBRARY_FILE)
    conn.executescript((FIXTURES / "library-schema1.sql").read_text(encoding="utf-8"))
    conn.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(folder)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1][-400:] for o in outs]
    assert [o[0].strip() for o in outs] == ["1", "1", "1"]
    assert len(list((folder / "backups").glob("library-schema1-*.sqlite3"))) == 1
    with Library(folder) as lib:
        assert db.user_version(lib.conn) == db.latest_version("library")
        assert lib.get_note(lib.all_paper_ids()[0]).problem  # the fixture's note survived
    assert integrity_ok(folder)


def test_two_imports_of_the_same_folder_at_once_import_each_file_once(tmp_path):
    pdfs = tmp_path / "pdfs"
    for i in range(8):
        make_pdf(pdfs / f"paper{i}.pdf", [f"Distinct body text number {i} about topic {i * 7}."],
                 title=f"Concurrent Paper {i}")
    folder = tmp_path / "lib"
    Library(folder).close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "readerapp", "--library", str(folder), "import", str(pdfs), "--json",
           "--workers", "1", "--no-progress"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-600:] for o in outs]
    statuses: dict[str, list[str]] = {}
    for out, _err in outs:
        for r in json.loads(out):
            statuses.setdefault(Path(r["path"]).name, []).append(r["status"])
    assert len(statuses) == 8
    for name, got in statuses.items():
        assert sorted(got) == ["duplicate", "imported"], (name, got)
    with Library(folder) as lib:
        assert lib.count_papers() == 8 and len(lib.all_files()) == 8
    assert integrity_ok(folder)
    shutil.rmtree(pdfs)
