"""What needs (re-)embedding, persisted in index.sqlite3 so it resumes after a restart.

Library change events enqueue work (cheap SQL, no model): new page text,
a changed note, changed highlights, a deleted paper. The embedder drains it.
"""

from __future__ import annotations

from readerapp.core.library import now_iso

_EVENT_KINDS = {"text": "page", "note": "note", "paper": "note", "highlight": "highlight", "deleted": "deleted"}


def attach(library) -> None:
    """Keep the queue fed from the library's change events."""

    def on_change(kind: str, paper_id: int | None) -> None:
        if paper_id is not None and kind in _EVENT_KINDS:
            enqueue(library, paper_id, _EVENT_KINDS[kind])

    library.add_listener(on_change)


def enqueue(library, paper_id: int, kind: str) -> None:
    with library.index_transaction() as conn:
        if kind == "deleted":
            conn.execute("DELETE FROM embed_queue WHERE paper_id = ?", (paper_id,))
        conn.execute("INSERT OR REPLACE INTO embed_queue (paper_id, kind, queued_at) VALUES (?, ?, ?)",
                     (paper_id, kind, now_iso()))


def enqueue_all(library) -> int:
    """Everything, e.g. after the model changed. Returns the number of papers."""
    ids = library.all_paper_ids()
    ts = now_iso()
    with library.index_transaction() as conn:
        for pid in ids:
            for kind in ("page", "note", "highlight"):
                conn.execute("INSERT OR REPLACE INTO embed_queue (paper_id, kind, queued_at) VALUES (?, ?, ?)",
                             (pid, kind, ts))
    return len(ids)


def pending(library) -> list[tuple[int, int, str]]:
    """(ticket, paper_id, kind), oldest first. A job enqueued again while it is
    being processed gets a new ticket, so its newer change is not lost."""
    with library.lock:
        return [(r[0], r[1], r[2]) for r in library.idx.execute(
            "SELECT rowid, paper_id, kind FROM embed_queue ORDER BY rowid")]


def done(library, ticket: int) -> None:
    with library.index_transaction() as conn:
        conn.execute("DELETE FROM embed_queue WHERE rowid = ?", (ticket,))
