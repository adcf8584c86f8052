"""The vector store: float16 vectors in index.sqlite3, 1-bit codes in memory.

Exact search over 1,000,000 float32 vectors of 384 dimensions needs 1.5 GB;
the target is 200 MB. So search runs in three passes: a Hamming-distance scan
over sign codes (centered, 1 bit per dimension: 48 bytes per chunk, 48 MB per
million) keeps 20,000 candidates, an asymmetric estimate (float query against
the bits) keeps the best 1,000, and those are rescored exactly by cosine with
their float16 vectors read from SQLite (only the candidates are read). The candidate
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

MIN_CANDIDATES = 1000  # rescored exactly (float16 from SQLite)
CANDIDATE_FACTOR = 50
PRE_MIN = 20000  # kept by the Hamming pass for the asymmetric re-ranking
PRE_FACTOR = 20
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
        self.codes_t = np.zeros((1, 0), dtype=np.uint64)  # (words, chunks): one row per 64 dimensions
        self.center: np.ndarray | None = None
        self.dim = 0
        self.loaded_version: tuple | None = None
        self.max_id = 0

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.papers.nbytes + self.codes_t.nbytes

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
                self.ids, self.papers, self.codes_t = ids, papers, codes
            else:
                self.ids = np.concatenate([self.ids, ids])
                self.papers = np.concatenate([self.papers, papers])
                self.codes_t = np.concatenate([self.codes_t, codes], axis=1)
            self.loaded_version = version
            self.max_id = int(self.ids[-1]) if len(self.ids) else 0

    def candidates(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
        """Chunk ids of about `k` chunks nearest to `query` (optionally only of allowed papers).

        Two passes over the codes: Hamming distance to the query's own code
        keeps the nearest PRE_FACTOR * k (a threshold found by counting, no
        sort); those are ranked again by the asymmetric estimate
        sum(q_d for each set bit d), which uses the float query and is much
        closer to the true cosine order."""
        with self.lock:
            if not len(self.ids) or self.center is None:
                return np.zeros(0, dtype=np.int64)
            codes_t, ids = self.codes_t, self.ids
            if allowed is not None:
                mask = np.isin(self.papers, allowed)
                codes_t, ids = codes_t[:, mask], ids[mask]
            n = len(ids)
            if n <= k:
                return ids.copy()
            q = np.asarray(query, dtype=np.float32)
            pre = min(n, max(PRE_MIN, PRE_FACTOR * k))
            if pre < n:
                top = _nearest_hamming(codes_t, pack_codes(q[None, :], self.center)[0], pre)
            else:
                top = np.arange(n)
            est = _asymmetric(np.ascontiguousarray(codes_t[:, top].T), q, self.dim)
            best = top[np.argpartition(-est, k - 1)[:k]] if k < len(top) else top
            return ids[best]

    @property
    def codes(self) -> np.ndarray:
        """The codes as (chunks, words)."""
        return self.codes_t.T


def _nearest_hamming(codes_t: np.ndarray, qcode: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` codes nearest in Hamming distance (ties cut arbitrarily).
    Word by word over the transposed codes: no (n, words) temporaries."""
    n = codes_t.shape[1]
    dist = np.zeros(n, dtype=np.uint16)
    tmp = np.empty(n, dtype=np.uint64)
    bits = np.empty(n, dtype=np.uint8)
    for j in range(codes_t.shape[0]):
        np.bitwise_xor(codes_t[j], qcode[j], out=tmp)
        np.bitwise_count(tmp, out=bits)
        dist += bits
    cumulative = np.cumsum(np.bincount(dist))
    threshold = int(np.searchsorted(cumulative, count))
    below = np.flatnonzero(dist < threshold)
    at = np.flatnonzero(dist == threshold)[:max(0, count - len(below))]
    return np.concatenate([below, at])


_BITS = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).astype(np.float32)  # (256, 8), MSB first


def _asymmetric(codes: np.ndarray, query: np.ndarray, dim: int) -> np.ndarray:
    """sum of query[d] over the set bits d of each code, via a per-byte lookup table."""
    nbytes = codes.shape[1] * 8
    q = np.zeros(nbytes * 8, dtype=np.float32)
    q[:dim] = query
    lut = _BITS @ q.reshape(nbytes, 8).T  # (256, nbytes): partial sums of each byte value
    as_bytes = codes.view(np.uint8)
    return lut[as_bytes, np.arange(nbytes)].sum(axis=1)


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
            code_parts.append(np.frombuffer(b"".join(r[2] for r in rows), dtype=np.uint64).reshape(len(rows), words).T)
            del rows
    if not ids_parts:
        return (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((words, 0), dtype=np.uint64))
    return np.concatenate(ids_parts), np.concatenate(paper_parts), np.concatenate(code_parts, axis=1)


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
