"""What needs (re-)embedding, persisted in index.sqlite3 so it resumes after a restart.

Committed operations queue their jobs (cheap SQL, no model) through
:meth:`IndexStore.apply`: new page text, a changed note, changed highlights; a
deleted paper's passages go in the same operation. The embedder drains it.
"""

from __future__ import annotations


def enqueue(library, paper_id: int, kind: str) -> None:
    library.index.enqueue(paper_id, kind)


def enqueue_all(library) -> int:
    """Everything, e.g. after the model changed. Returns the number of papers."""
    ids = library.papers.all_ids()
    library.index.enqueue_many((pid, kind) for pid in ids for kind in ("page", "note", "highlight"))
    return len(ids)


def pending(library) -> list[tuple[int, int, str]]:
    """(ticket, paper_id, kind), oldest first. A job enqueued again while it is
    being processed gets a new ticket, so its newer change is not lost."""
    return library.index.pending()


def done(library, ticket: int) -> None:
    library.index.done(ticket)
