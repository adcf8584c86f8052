"""The vector store: float16 vectors in index.sqlite3, 1-bit codes in memory.

Exact search over 1,000,000 float32 vectors of 384 dimensions needs 1.5 GB;
the target is 200 MB. So search runs in two passes: a Hamming-distance scan
over sign codes (centered, 1 bit per dimension: 48 bytes per chunk, 48 MB per
million) picks candidates, and those are rescored exactly by cosine with their
float16 vectors read from SQLite (only the candidates are read). The candidate
pool is large enough that the top 10 match exact search: recall@10 against
exact search is measured by tests/benchmarks/bench_vectors.py.

The in-memory codes follow the index cheaply: `embed_model.generation` is
bumped whenever chunks are removed or renumbered (a full reload), and vectors
appended by the embedder (always with larger chunk ids) are loaded
incrementally by comparing the largest chunk id.
"""

from __future__ import annotations

import json
import threading
import weakref

import numpy as np

MIN_CANDIDATES = 1000
CANDIDATE_FACTOR = 50
LOAD_BATCH = 65536


def pack_codes(vectors: np.ndarray, center: np.ndarray) -> np.ndarray:
    """Sign bits of (v - center), packed into uint64 words: shape (n, ceil(dim/64))."""
    bits = np.packbits((np.asarray(vectors, dtype=np.float32) - center) > 0, axis=1)
    pad = (-bits.shape[1]) % 8
    if pad:
        bits = np.pad(bits, ((0, 0), (0, pad)))
    return np.ascontiguousarray(bits).view(np.uint64)


class VectorIndex:
    """In-memory codes of all chunks of one library (loaded on first use)."""

    def __init__(self):
        self.lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.papers = np.zeros(0, dtype=np.int64)
        self.codes = np.zeros((0, 1), dtype=np.uint64)
        self.center: np.ndarray | None = None
        self.dim = 0
        self.loaded_version: tuple | None = None
        self.max_id = 0

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.papers.nbytes + self.codes.nbytes

    def __len__(self) -> int:
        return len(self.ids)

    def load(self, library) -> None:
        """Bring the codes up to date with the index (full or incremental)."""
        with library.lock:
            row = library.idx.execute("SELECT name, dim, generation, center FROM embed_model WHERE id = 1").fetchone()
            top = library.idx.execute("SELECT max(chunk_id) FROM vectors").fetchone()[0] or 0
        with self.lock:
            if row is None or row[3] is None:
                self._reset()
                return
            version = (row[0], row[1], row[2])
            if version == self.loaded_version and top == self.max_id:
                return
            full = version != self.loaded_version or top < self.max_id
            after = 0 if full else self.max_id
            ids, papers, codes = _read_codes(library, after, (row[1] + 63) // 64)
            if full:
                self.dim = row[1]
                self.center = np.frombuffer(row[3], dtype=np.float32).copy()
                self.ids, self.papers, self.codes = ids, papers, codes
            else:
                self.ids = np.concatenate([self.ids, ids])
                self.papers = np.concatenate([self.papers, papers])
                self.codes = np.concatenate([self.codes, codes])
            self.loaded_version = version
            self.max_id = int(self.ids[-1]) if len(self.ids) else 0

    def candidates(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
        """Chunk ids of the `k` nearest codes (optionally only of allowed papers)."""
        with self.lock:
            if not len(self.ids) or self.center is None:
                return np.zeros(0, dtype=np.int64)
            codes, ids = self.codes, self.ids
            if allowed is not None:
                mask = np.isin(self.papers, allowed)
                codes, ids = codes[mask], ids[mask]
            if not len(ids):
                return np.zeros(0, dtype=np.int64)
            q = pack_codes(query[None, :], self.center)[0]
            dist = np.bitwise_count(codes ^ q).sum(axis=1, dtype=np.int32)
            if k < len(dist):
                top = np.argpartition(dist, k - 1)[:k]
                return ids[top]
            return ids.copy()


def _read_codes(library, after: int, words: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of vectors with chunk_id > after, streamed in batches (no big Python lists)."""
    ids_parts, paper_parts, code_parts = [], [], []
    with library.lock:
        cur = library.idx.execute(
            "SELECT v.chunk_id, c.paper_id, v.code FROM vectors v JOIN chunks c ON c.id = v.chunk_id"
            " WHERE v.chunk_id > ? ORDER BY v.chunk_id", (after,))
        while True:
            rows = cur.fetchmany(LOAD_BATCH)
            if not rows:
                break
            ids_parts.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
            paper_parts.append(np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)))
            code_parts.append(np.frombuffer(b"".join(r[2] for r in rows), dtype=np.uint64).reshape(len(rows), words))
            del rows
    if not ids_parts:
        return (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, words), dtype=np.uint64))
    return np.concatenate(ids_parts), np.concatenate(paper_parts), np.concatenate(code_parts)


_indexes: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_indexes_lock = threading.Lock()


def index_for(library) -> VectorIndex:
    """The in-memory index of this library (one per open Library)."""
    with _indexes_lock:
        index = _indexes.get(library)
        if index is None:
            index = _indexes[library] = VectorIndex()
        return index


def rescore(library, query: np.ndarray, chunk_ids: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """Exact cosine of the candidates (float16 vectors read from SQLite); best first."""
    if not len(chunk_ids):
        return []
    with library.lock:
        rows = library.idx.execute("SELECT chunk_id, vec FROM vectors WHERE chunk_id IN (SELECT value FROM"
                                   " json_each(?))", (json.dumps([int(i) for i in chunk_ids]),)).fetchall()
    if not rows:
        return []
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(len(rows), -1).astype(np.float32)
    scores = mat @ np.asarray(query, dtype=np.float32)
    order = np.argsort(-scores, kind="stable")[:limit]
    return [(int(ids[i]), float(scores[i])) for i in order]


def search(library, index: VectorIndex | None, query: np.ndarray, limit: int, allowed=None,
           candidates: int | None = None) -> list[tuple[int, float]]:
    """The `limit` chunks nearest to the unit vector `query`: [(chunk_id, cosine)], best first."""
    index = index or index_for(library)
    index.load(library)
    k = candidates or max(MIN_CANDIDATES, CANDIDATE_FACTOR * limit)
    allowed_arr = None if allowed is None else np.fromiter(allowed, dtype=np.int64)
    return rescore(library, query, index.candidates(query, k, allowed_arr), limit)


def exact_search(library, query: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """Brute-force cosine over every stored vector (for measuring recall)."""
    best_ids = np.zeros(0, dtype=np.int64)
    best_scores = np.zeros(0, dtype=np.float32)
    q = np.asarray(query, dtype=np.float32)
    with library.lock:
        cur = library.idx.execute("SELECT chunk_id, vec FROM vectors")
        while True:
            rows = cur.fetchmany(LOAD_BATCH)
            if not rows:
                break
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(len(rows), -1)
            scores = mat.astype(np.float32) @ q
            best_ids = np.concatenate([best_ids, ids])
            best_scores = np.concatenate([best_scores, scores])
            if len(best_ids) > limit:
                keep = np.argpartition(-best_scores, limit - 1)[:limit]
                best_ids, best_scores = best_ids[keep], best_scores[keep]
    order = np.argsort(-best_scores, kind="stable")[:limit]
    return [(int(best_ids[i]), float(best_scores[i])) for i in order]
