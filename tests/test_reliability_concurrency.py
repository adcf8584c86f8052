"""Two readerapp instances on one library: both work, no write is lost.

SQLite's WAL lets both processes read; writes are serialized by BEGIN
IMMEDIATE and the busy timeout; every read-modify-write (a note saved field by
field, a highlight's comment or colour, a tag added) reads inside its own write
transaction, so one process never overwrites what the other just saved.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from readerapp.core.library import Library
from readerapp.core.models import Highlight
from reliability_helpers import integrity_ok

ROUNDS = 150

WRITER = textwrap.dedent("""
    import sys
    from readerapp.core.library import Library
    from readerapp.core.models import Highlight
    folder, me, own, shared, shared_hl, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \\
        int(sys.argv[5]), int(sys.argv[6])
    field = "problem" if me == "A" else "method"
    lib = Library(folder)
    for i in range(rounds):
        lib.add_highlight(Highlight(None, own, i % 5, [[0, 0, 1, 0, 0, 1, 1, 1]], f"{me} quote {i}"))
        lib.save_note(own, notes=f"{me} typed {i}")
        lib.save_note(shared, **{field: f"{me} {field} {i}"})  # other fields of the same note
        if me == "A":
            lib.update_highlight(shared_hl, comment=f"comment {i}")
        else:
            lib.update_highlight(shared_hl, color=f"#{i:06x}")
        if i % 10 == 0:
            lib.add_tag(shared, f"{me}-tag-{i}")
    lib.close()
    print("done", flush=True)
""")


def test_two_processes_writing_at_once_lose_no_write(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        own_a = lib.add_paper(title="Paper typed in window A")
        own_b = lib.add_paper(title="Paper typed in window B")
        shared = lib.add_paper(title="Paper both windows edit")
        shared_hl = lib.add_highlight(Highlight(None, shared, 0, [[0, 0, 1, 0, 0, 1, 1, 1]], "shared quote"))
        lib.save_note(shared, problem="A problem -1", method="B method -1")
        lib.update_highlight(shared_hl, comment="comment -1", color="#ffffff")
        # test-only audit trail: every update of the shared note and highlight, with old and new values,
        # so that a stale overwrite is caught whenever it happens (not only when it is the last write)
        lib.conn.executescript(f"""
            CREATE TABLE audit (what TEXT, old_a TEXT, new_a TEXT, old_b TEXT, new_b TEXT);
            CREATE TRIGGER audit_note AFTER UPDATE ON notes WHEN new.paper_id = {shared} BEGIN
                INSERT INTO audit VALUES ('note', old.problem, new.problem, old.method, new.method); END;
            CREATE TRIGGER audit_hl AFTER UPDATE ON highlights WHEN new.id = {shared_hl} BEGIN
                INSERT INTO audit VALUES ('highlight', old.comment, new.comment, old.color, new.color); END;
        """)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(folder), me, str(own), str(shared), str(shared_hl),
                          str(ROUNDS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for me, own in (("A", own_a), ("B", own_b))
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and out.strip() == "done", err
    assert integrity_ok(folder)
    with Library(folder) as lib:
        for me, own in (("A", own_a), ("B", own_b)):
            quotes = sorted(h.text for h in lib.highlights(own))
            assert quotes == sorted(f"{me} quote {i}" for i in range(ROUNDS))
            assert lib.get_note(own).notes == f"{me} typed {ROUNDS - 1}"
        note = lib.get_note(shared)
        assert note.problem == f"A problem {ROUNDS - 1}"
        assert note.method == f"B method {ROUNDS - 1}"
        h = lib.get_highlight(shared_hl)
        assert h.comment == f"comment {ROUNDS - 1}" and h.color == f"#{ROUNDS - 1:06x}"
        audit = lib.conn.execute("SELECT what, old_a, new_a, old_b, new_b FROM audit").fetchall()
        assert len(audit) >= 2 * ROUNDS

        def number(value: str) -> int:
            return int(value.rsplit(" ", 1)[-1]) if " " in value else int(value.lstrip("#"), 16) % 0xffffff

        for what, old_a, new_a, old_b, new_b in audit:
            # no update ever put back an older value of the field the other process writes
            assert number(new_a) >= number(old_a) and number(new_b) >= number(old_b), (what, old_a, new_a,
                                                                                    old_b, new_b)
        tags = set(lib.get_paper(shared).tags)
        assert tags == {f"{me}-tag-{i}" for me in "AB" for i in range(0, ROUNDS, 10)}
        # what both wrote is searchable too (the derived index followed every change)
        assert lib.search(f'"B method {ROUNDS - 1}"')[0].paper_id == shared
