"""The storage layer (issue 11): operations with typed changes, the index
following exactly what an operation touched, stable ids, and the incremental
vector index. Each test here failed on the storage code before the rebuild."""

from __future__ import annotations

import sqlite3

import pytest

from readerapp.core import hybrid
from readerapp.core.library import ChangeKind
from readerapp.core.semantic import embedder
from readerapp.core.semantic.store import index_for
from reliability_helpers import integrity_ok
from test_semantic import WordModel


# ------------------------------------------------------------------ operations
def test_renamed_or_deleted_section_leaves_no_stale_searchable_name(library):
    pid = library.add_paper(title="Residual Learning")
    other = library.add_paper(title="Batch Normalization")
    top = library.create_section("Quagmire Methods")
    sub = library.create_section("Tortoise Tricks", top)
    library.assign_section(pid, sub)
    library.assign_section(other, top)
    assert {h.paper_id for h in library.search("quagmire")} == {pid, other}
    library.rename_section(top, "Vision Models")
    assert library.search("quagmire") == []  # the old name is gone from both papers' rows
    assert {h.paper_id for h in library.search("section:vision")} == {pid, other}
    assert {h.paper_id for h in library.search("vision")} == {pid, other}
    library.delete_section(top)
    assert library.search("vision") == [] and library.search("tortoise") == []
    assert {p.id for p in library.list_papers()} == {pid, other}  # the papers stay


def test_a_rolled_back_operation_leaves_no_index_row_no_queue_entry_and_tells_nobody(library):
    events = []
    library.add_listener(lambda kind, pid: events.append((kind, pid)))
    with pytest.raises(RuntimeError):
        with library.op():
            pid = library.add_paper(title="Quokka Population Dynamics")
            library.save_note(pid, problem="quokka counts")
            raise RuntimeError("cancelled halfway")
    assert library.all_paper_ids() == []
    assert library.search("quokka") == []
    assert library.index.pending() == []
    assert events == []
    assert integrity_ok(library.folder)


def test_listeners_run_after_the_commit_and_see_it_from_another_connection(library):
    seen = []

    def listener(kind, pid):
        other = sqlite3.connect(library.lib_path)
        try:
            row = other.execute("SELECT title FROM papers WHERE id = ?", (pid,)).fetchone()
        finally:
            other.close()
        seen.append((kind, row[0] if row else None))

    library.add_listener(listener)
    with library.op():  # one operation of two changes: told once, after it commits
        pid = library.add_paper(title="Committed First")
        library.save_note(pid, problem="then told")
    assert seen == [(ChangeKind.PAPER, "Committed First"), (ChangeKind.NOTE, "Committed First")]
    assert all(isinstance(kind, ChangeKind) for kind, _ in seen)


def test_one_operation_publishes_one_typed_change_set(library):
    batches = []
    library.add_changes_listener(batches.append)
    pid = library.add_paper(title="T")
    with library.op():
        library.set_tags(pid, ["a"])
        library.save_note(pid, notes="n")
        library.update_paper(pid, status="read")
    assert len(batches) == 2
    last = batches[-1]
    assert last.kinds == {ChangeKind.TAGS, ChangeKind.NOTE, ChangeKind.PAPER} and last.papers == {pid}
    assert last.embed == {(pid, "note")}  # marking read changes no embedded text


# ------------------------------------------------------------------ stable ids
def test_ids_are_never_reused(library):
    first = library.add_paper(title="First")
    library.delete_paper(first)
    second = library.add_paper(title="Second")
    assert second != first
    h = library.add_highlight(_highlight(second))
    library.delete_highlight(h)
    assert library.add_highlight(_highlight(second)) != h


def _highlight(pid):
    from readerapp.core.models import Highlight

    return Highlight(None, pid, 0, [[0, 0, 1, 0, 0, 1, 1, 1]], "text", "#ffd400", "highlight", "")


def test_deleting_a_paper_drops_its_passages_at_once_and_they_never_come_back(library):
    model = WordModel()
    gone = library.add_paper(title="Zebra Stripes Explained")
    library.save_note(gone, problem="zebra stripe patterns confuse biting flies")
    embedder.run(library, model=model, workers=1)
    assert hybrid.search(library, "zebra stripe patterns", mode="semantic", model=model)[0].paper_id == gone
    library.delete_paper(gone)
    # the same operation removed its chunks, vectors and queue entries: nothing waits for `embed`
    assert library.index.chunk_owners(range(1, 1000)) == {}
    assert all(pid != gone for _t, pid, _k in library.index.pending())
    newcomer = library.add_paper(title="Penguin Huddles")
    assert newcomer != gone
    embedder.run(library, model=model, workers=1)
    hits = hybrid.search(library, "zebra stripe patterns", mode="semantic", model=model)
    assert all(h.paper_id == newcomer and "zebra" not in h.snippet.lower() for h in hits)


# ------------------------------------------------------------------ incremental vectors
def test_a_field_edit_that_changes_no_embedded_text_embeds_nothing(library):
    model = WordModel()
    pid = library.add_paper(title="Attention Is All You Need")
    library.save_note(pid, method="multi-head self attention")
    embedder.run(library, model=model, workers=1)
    hybrid.search(library, "attention", mode="semantic", model=model)
    index = index_for(library)
    loads, generation = index.full_loads, library.index.generation()
    library.update_paper(pid, status="read")
    assert library.index.pending() == []
    stats = embedder.run(library, model=model, workers=1)
    assert stats.chunks_embedded == 0
    assert library.index.generation() == generation
    hybrid.search(library, "attention", mode="semantic", model=model)
    assert index.full_loads == loads


def test_deletions_are_tombstones_and_new_vectors_are_appended(library):
    model = WordModel()
    a = library.add_paper(title="Alpha")
    library.save_note(a, problem="alpha particles scatter")
    b = library.add_paper(title="Beta")
    library.save_note(b, problem="beta decay emits electrons")
    embedder.run(library, model=model, workers=1)
    index = index_for(library)
    index.load(library)
    loads = index.full_loads
    library.save_note(a, problem="alpha particles scatter off gold foil")  # its old passage: a tombstone
    c = library.add_paper(title="Gamma")
    library.save_note(c, problem="gamma rays penetrate lead")
    embedder.run(library, model=model, workers=1)
    library.delete_paper(b)
    index.load(library)
    assert index.full_loads == loads  # appended and masked, not reloaded
    owners = library.index.chunk_owners(index.ids.tolist())
    assert set(owners) == set(index.ids.tolist())  # no code of a deleted passage is left
    assert set(owners.values()) == {a, c}
    top = hybrid.search(library, "gold foil scatter", mode="semantic", model=model)[0]
    assert top.paper_id == a
