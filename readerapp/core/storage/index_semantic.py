"""The semantic half of IndexStore's SQL: the model row, chunks, vectors and
their tombstones. Only IndexStore (which mixes this in) runs it.

Chunk ids are never reused (AUTOINCREMENT), and a deleted chunk leaves a
tombstone (a trigger), so the in-memory codes follow the index incrementally:
new vectors are appended, tombstoned ones masked out; a full reload happens
only when `embed_model.generation` changes (a new model, a healed index, or
vectors stored below ids already loaded).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

VECTOR_BATCH = 256  # vectors per index transaction (another writer waits a few ms at most)
TOMBSTONES_KEPT = 200_000  # more than this: they are cleared and the codes reload once


def _ids_json(ids) -> str:
    return json.dumps([int(i) for i in ids])


class SemanticSQL:
    # provided by IndexStore
    def _guard(self, fn, *, write: bool): ...  # pragma: no cover
    def reader(self) -> sqlite3.Connection: ...  # pragma: no cover

    # ------------------------------------------------------------ model
    def model_row(self) -> tuple[str, int] | None:
        row = self._guard(lambda c: c.execute("SELECT name, dim FROM embed_model WHERE id = 1").fetchone(),
                          write=False)
        return (row[0], row[1]) if row else None

    def reset_model(self, name: str, dim: int) -> None:
        """A new model: every vector goes, the codes reload."""
        def run(conn):
            conn.execute("DELETE FROM vectors")
            conn.execute("DELETE FROM vector_tombstones")
            conn.execute("INSERT OR REPLACE INTO embed_model (id, name, dim, center, generation) VALUES (1, ?, ?, NULL,"
                         " coalesce((SELECT generation FROM embed_model WHERE id = 1), 0) + 1)", (name, dim))
        self._guard(run, write=True)

    def bump_generation(self) -> None:
        self._guard(lambda c: c.execute("UPDATE embed_model SET generation = generation + 1 WHERE id = 1"), write=True)

    def generation(self) -> int | None:
        row = self._guard(lambda c: c.execute("SELECT generation FROM embed_model WHERE id = 1").fetchone(),
                          write=False)
        return row[0] if row else None

    def center(self) -> bytes | None:
        row = self._guard(lambda c: c.execute("SELECT center FROM embed_model WHERE id = 1").fetchone(), write=False)
        return row[0] if row else None

    def set_center(self, center: bytes) -> None:
        self._guard(lambda c: c.execute("UPDATE embed_model SET center = ? WHERE id = 1", (center,)), write=True)

    def has_vectors(self) -> bool:
        return self._guard(lambda c: c.execute("SELECT 1 FROM vectors LIMIT 1").fetchone() is not None, write=False)

    def semantic_status(self) -> dict:
        def run(c):
            model = c.execute("SELECT name, dim FROM embed_model WHERE id = 1").fetchone()
            return {"chunks": c.execute("SELECT count(*) FROM chunks").fetchone()[0],
                    "vectors": c.execute("SELECT count(*) FROM vectors").fetchone()[0],
                    "queued": c.execute("SELECT count(*) FROM embed_queue").fetchone()[0],
                    "model": model[0] if model else None, "dim": model[1] if model else None}
        return self._guard(run, write=False)

    # ------------------------------------------------------------ chunks
    def chunked_paper_ids(self) -> set[int]:
        return self._guard(lambda c: {r[0] for r in c.execute("SELECT DISTINCT paper_id FROM chunks")}, write=False)

    def delete_chunks(self, paper_id: int) -> int:
        return self._guard(lambda c: c.execute("DELETE FROM chunks WHERE paper_id = ?", (paper_id,)).rowcount,
                           write=True)

    def replace_chunks(self, paper_id: int, kind: str,
                       items: list[tuple[int | None, int | None, tuple | None, str, str]]) -> int:
        """Replace a paper's chunks of one kind, keeping the vectors of unchanged text.
        items: (ref_id, page, bbox, text, content_hash). Nothing is written when the
        chunks are the same as stored (no tombstone, no new id). Returns vectors reused."""
        def key(ref_id, page, bbox, h):
            return (ref_id, page, tuple(round(float(v), 2) for v in bbox) if bbox else None, h)

        def compare(conn):
            stored = conn.execute(
                "SELECT c.ref_id, c.page, c.x0, c.y0, c.x1, c.y1, c.content_hash, v.chunk_id IS NOT NULL"
                " FROM chunks c LEFT JOIN vectors v ON v.chunk_id = c.id WHERE c.paper_id = ? AND c.kind = ?"
                " ORDER BY c.id", (paper_id, kind)).fetchall()
            same = [key(r[0], r[1], None if r[2] is None else (r[2], r[3], r[4], r[5]), r[6]) for r in stored] == \
                [key(i[0], i[1], i[2], i[4]) for i in items]
            if same:  # chunks without a vector yet are embedded by embed_missing
                return True, sum(1 for r in stored if r[7]), {}
            old = {h: (vec, code) for h, vec, code in conn.execute(
                "SELECT c.content_hash, v.vec, v.code FROM chunks c JOIN vectors v ON v.chunk_id = c.id"
                " WHERE c.paper_id = ? AND c.kind = ?", (paper_id, kind))}
            conn.execute("DELETE FROM chunks WHERE paper_id = ? AND kind = ?", (paper_id, kind))
            return False, 0, old

        def insert(conn, batch, old):
            reused = 0
            for ref_id, page, bbox, text, h in batch:
                x0, y0, x1, y1 = bbox if bbox else (None, None, None, None)
                cid = conn.execute(
                    "INSERT INTO chunks (paper_id, kind, ref_id, page, x0, y0, x1, y1, text, content_hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (paper_id, kind, ref_id, page, x0, y0, x1, y1, text, h)
                ).lastrowid
                if h in old:
                    conn.execute("INSERT INTO vectors (chunk_id, vec, code) VALUES (?, ?, ?)", (cid, *old[h]))
                    reused += 1
            return reused

        same, reused, old = self._guard(compare, write=True)
        if same:
            return reused
        # the new chunks in short transactions (a long paper has thousands): another index
        # writer waits a few ms at most; a crash in between leaves the queue job to redo it
        for start in range(0, len(items), VECTOR_BATCH):
            batch = items[start:start + VECTOR_BATCH]
            reused += self._guard(lambda conn, batch=batch: insert(conn, batch, old), write=True)
        return reused

    def chunks_without_vector(self) -> tuple[list[tuple[int, int]], int]:
        """([(chunk id, text length)] of chunks without a vector, in id order), and the
        largest chunk id that has a vector."""
        def run(c):
            todo = c.execute("SELECT id, length(text) FROM chunks WHERE id NOT IN"
                             " (SELECT chunk_id FROM vectors) ORDER BY id").fetchall()
            top = c.execute("SELECT max(chunk_id) FROM vectors").fetchone()[0] or 0
            return [(r[0], r[1]) for r in todo], top
        return self._guard(run, write=False)

    def chunk_texts(self, ids) -> dict[int, str]:
        return self._guard(lambda c: dict(c.execute(
            "SELECT id, text FROM chunks WHERE id IN (SELECT value FROM json_each(?))", (_ids_json(ids),)).fetchall()),
            write=False)

    def chunks_by_ids(self, ids) -> dict[int, tuple]:
        """{chunk id: (id, paper_id, kind, page, x0, y0, x1, y1, text)}."""
        return self._guard(lambda c: {r[0]: tuple(r) for r in c.execute(
            "SELECT id, paper_id, kind, page, x0, y0, x1, y1, text FROM chunks WHERE id IN"
            " (SELECT value FROM json_each(?))", (_ids_json(ids),))}, write=False)

    def chunk_owners(self, ids) -> dict[int, int]:
        return self._guard(lambda c: dict(c.execute(
            "SELECT id, paper_id FROM chunks WHERE id IN (SELECT value FROM json_each(?))", (_ids_json(ids),)
        ).fetchall()), write=False)

    # ------------------------------------------------------------ vectors
    def store_vectors(self, rows: list[tuple[int, bytes, bytes]], *, bump: bool = False) -> int:
        """Write vectors of chunks still present (deleted meanwhile: skipped), in
        ascending chunk id order and short transactions of VECTOR_BATCH rows (ids
        only grow, so the loaded codes still follow by appending)."""
        rows = sorted(rows, key=lambda r: r[0])
        stored = 0

        def run(conn, batch):
            live = {r[0] for r in conn.execute("SELECT id FROM chunks WHERE id IN (SELECT value FROM json_each(?))",
                                               (_ids_json(r[0] for r in batch),))}
            conn.executemany("INSERT OR REPLACE INTO vectors (chunk_id, vec, code) VALUES (?, ?, ?)",
                             [r for r in batch if r[0] in live])
            return len(live)

        for start in range(0, len(rows), VECTOR_BATCH):
            batch = rows[start:start + VECTOR_BATCH]
            stored += self._guard(lambda conn, batch=batch: run(conn, batch), write=True)
        if bump:
            self.bump_generation()
        return stored

    def drop_damaged_vectors(self, dim: int) -> int:
        """Delete vectors whose BLOBs have the wrong size for `dim` (embed makes them again)."""
        words = (dim + 63) // 64
        return self._guard(lambda c: c.execute(
            "DELETE FROM vectors WHERE typeof(vec) <> 'blob' OR typeof(code) <> 'blob'"
            " OR length(vec) <> ? OR length(code) <> ?", (dim * 2, words * 8)).rowcount, write=True)

    def forget_vectors(self, chunk_ids) -> None:
        """Drop these vectors (damaged): their chunks are embedded again by the next `embed`."""
        ids = _ids_json(chunk_ids)

        def run(conn):
            conn.execute("DELETE FROM vectors WHERE chunk_id IN (SELECT value FROM json_each(?))", (ids,))
            conn.execute("INSERT OR IGNORE INTO embed_queue (paper_id, kind, queued_at) SELECT DISTINCT paper_id,"
                         " kind, datetime('now') FROM chunks WHERE id IN (SELECT value FROM json_each(?))", (ids,))
        self._guard(run, write=True)

    def vector_state(self) -> tuple[tuple | None, int, int]:
        """((name, dim, generation, center) or None, largest chunk id with a vector, last tombstone seq)."""
        def run(c):
            row = c.execute("SELECT name, dim, generation, center FROM embed_model WHERE id = 1").fetchone()
            top = c.execute("SELECT max(chunk_id) FROM vectors").fetchone()[0] or 0
            seq = c.execute("SELECT max(seq) FROM vector_tombstones").fetchone()[0] or 0
            return (tuple(row) if row else None), top, seq
        return self._guard(run, write=False)

    def tombstones_after(self, seq: int) -> list[int]:
        return self._guard(lambda c: [r[0] for r in c.execute(
            "SELECT chunk_id FROM vector_tombstones WHERE seq > ?", (seq,))], write=False)

    def prune_tombstones(self) -> bool:
        """Clear a long tombstone list (the codes then reload once). True if cleared."""
        def run(conn):
            if conn.execute("SELECT count(*) FROM vector_tombstones").fetchone()[0] <= TOMBSTONES_KEPT:
                return False
            conn.execute("DELETE FROM vector_tombstones")
            conn.execute("UPDATE embed_model SET generation = generation + 1 WHERE id = 1")
            return True
        return self._guard(run, write=True)

    def iter_codes(self, after: int, batch: int) -> Iterator[list[tuple[int, int, bytes]]]:
        """(chunk_id, paper_id, code) of vectors with chunk_id > after, in batches (read connection)."""
        cur = self.reader().execute(
            "SELECT v.chunk_id, c.paper_id, v.code FROM vectors v JOIN chunks c ON c.id = v.chunk_id"
            " WHERE v.chunk_id > ? ORDER BY v.chunk_id", (after,))
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            yield rows

    def iter_vectors(self, batch: int) -> Iterator[list[tuple[int, bytes]]]:
        cur = self.reader().execute("SELECT chunk_id, vec FROM vectors")
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            yield rows

    def vectors_of(self, chunk_ids) -> list[tuple[int, bytes]]:
        return self._guard(lambda c: [tuple(r) for r in c.execute(
            "SELECT chunk_id, vec FROM vectors WHERE chunk_id IN (SELECT value FROM json_each(?))",
            (_ids_json(chunk_ids),))], write=False)

    def paper_vectors(self, paper_id: int, kind: str = "page") -> list[bytes]:
        return self._guard(lambda c: [r[0] for r in c.execute(
            "SELECT v.vec FROM vectors v JOIN chunks c ON c.id = v.chunk_id WHERE c.paper_id = ? AND c.kind = ?",
            (paper_id, kind))], write=False)
