"""The vector store: float16 vectors in index.sqlite3, 1-bit codes in memory.

Exact search over 1,000,000 float32 vectors of 384 dimensions needs 1.5 GB;
the target is 200 MB. So search runs in two passes: a Hamming-distance scan
over sign codes (centered, 1 bit per dimension: 48 bytes per chunk, 48 MB per
million) picks candidates, and those are rescored exactly by cosine with their
float16 vectors read from SQLite. The candidate pool is large enough that the
top 10 match exact search (recall@10 is measured by tests/benchmarks/bench_semantic.py).
"""

from __future__ import annotations

import json
import threading

import numpy as np

MIN_CANDIDATES = 400
CANDIDATE_FACTOR = 40


def pack_codes(vectors: np.ndarray, center: np.ndarray) -> np.ndarray:
    """Sign bits of (v - center), packed into uint64 words: shape (n, dim/64)."""
    bits = np.packbits((vectors - center) > 0, axis=1)
    pad = (-bits.shape[1]) % 8
    if pad:
        bits = np.pad(bits, ((0, 0), (0, pad)))
    return np.ascontiguousarray(bits).view(np.uint64)


class VectorIndex:
    """In-memory codes of all chunks (loaded from the index on first use)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids = np.zeros(0, dtype=np.int64)
        self.papers = np.zeros(0, dtype=np.int64)
        self.codes = np.zeros((0, 1), dtype=np.uint64)
        self.center: np.ndarray | None = None
        self.dim = 0
        self.loaded_version = None

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.papers.nbytes + self.codes.nbytes

    def load(self, library) -> None:
        version = _data_version(library)
        if version == self.loaded_version:
            return
        with library.lock:
            row = library.idx.execute("SELECT dim, center FROM embed_model WHERE id = 1").fetchone()
            if row is None or row[1] is None:
                self.__init__()
                self.loaded_version = version
                return
            dim, center = row
            rows = library.idx.execute(
                "SELECT v.chunk_id, c.paper_id, v.code FROM vectors v JOIN chunks c ON c.id = v.chunk_id"
                " ORDER BY v.chunk_id").fetchall()
        words = (dim + 63) // 64
        with self.lock:
            self.dim = dim
            self.center = np.frombuffer(center, dtype=np.float32)
            self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            self.papers = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
            buf = b"".join(r[2] for r in rows)
            self.codes = np.frombuffer(buf, dtype=np.uint64).reshape(len(rows), words) if rows else \
                np.zeros((0, words), dtype=np.uint64)
            self.loaded_version = version

    def candidates(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
        """Chunk ids of the `k` nearest codes (optionally only of allowed papers)."""
        with self.lock:
            if not len(self.ids):
                return np.zeros(0, dtype=np.int64)
            q = pack_codes(query[None, :], self.center)[0]
            dist = np.bitwise_count(self.codes ^ q).sum(axis=1, dtype=np.int32)
            if allowed is not None:
                mask = np.isin(self.papers, allowed)
                dist = np.where(mask, dist, np.iinfo(np.int32).max)
                k = min(k, int(mask.sum()))
            if k <= 0:
                return np.zeros(0, dtype=np.int64)
            if k < len(dist):
                top = np.argpartition(dist, k - 1)[:k]
            else:
                top = np.arange(len(dist))
            return self.ids[top]


def _data_version(library) -> tuple:
    with library.lock:
        model = library.idx.execute("SELECT name, dim, generation FROM embed_model WHERE id = 1").fetchone()
    return tuple(model) if model else ()


def rescore(library, query: np.ndarray, chunk_ids: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """Exact cosine of the candidates; best first."""
    if not len(chunk_ids):
        return []
    with library.lock:
        rows = library.idx.execute("SELECT chunk_id, vec FROM vectors WHERE chunk_id IN (SELECT value FROM"
                                   " json_each(?))", (json.dumps([int(i) for i in chunk_ids]),)).fetchall()
    if not rows:
        return []
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(len(rows), -1).astype(np.float32)
    scores = mat @ query
    order = np.argsort(-scores)[:limit]
    return [(int(ids[i]), float(scores[i])) for i in order]


def search(library, index: VectorIndex, query: np.ndarray, limit: int, allowed=None) -> list[tuple[int, float]]:
    index.load(library)
    k = max(MIN_CANDIDATES, CANDIDATE_FACTOR * limit)
    allowed_arr = None if allowed is None else np.fromiter(allowed, dtype=np.int64)
    return rescore(library, query, index.candidates(query, k, allowed_arr), limit)
