"""The vector store: float16 vectors in index.sqlite3, 1-bit codes in memory.

Exact search over 1,000,000 float32 vectors of 384 dimensions needs 1.5 GB;
the target is 200 MB. So search runs in three passes: a Hamming-distance scan
over sign codes (centered, 1 bit per dimension: 48 bytes per chunk, 48 MB per
million) keeps 20,000 candidates, an asymmetric estimate (float query against
the bits) keeps the best 1,000, and those are rescored exactly by cosine with
their float16 vectors read from SQLite (only the candidates are read). The candidate
pool is large enough that the top 10 match exact search: recall@10 against
exact search is measured by tests/benchmarks/bench_vectors.py.

The in-memory codes follow the index cheaply: chunk ids are never reused, so
vectors appended by the embedder (larger chunk ids) are loaded incrementally,
and deleted chunks leave tombstones that are masked out; a full reload happens
only when `embed_model.generation` changes (a new model, a healed index).
A damaged code BLOB is skipped and its vector dropped, so `embed` makes it
again. All SQL goes through the library's IndexStore.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

MIN_CANDIDATES = 1000  # rescored exactly (float16 from SQLite)
CANDIDATE_FACTOR = 50
PRE_MIN = 20000  # kept by the Hamming pass for the asymmetric re-ranking
PRE_FACTOR = 20
LOAD_BATCH = 16384


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
        self.tomb_seq = 0
        self.full_loads = 0  # how many times the codes were read in full (tests, benchmarks)

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.papers.nbytes + self.codes_t.nbytes

    def __len__(self) -> int:
        return len(self.ids)

    def load(self, library) -> None:
        """Bring the codes up to date with the index (full, or appended and tombstoned)."""
        row, top, seq = library.index.vector_state()
        with self.lock:
            if row is None or row[3] is None:
                self._reset()
                return
            version = (row[0], row[1], row[2])
            if version == self.loaded_version and top == self.max_id and seq == self.tomb_seq:
                return
            full = version != self.loaded_version  # chunk ids only grow: anything else is incremental
            words = (row[1] + 63) // 64
            if full:
                ids, papers, codes, damaged = _read_codes(library, 0, words)
                self.dim = row[1]
                self.center = np.frombuffer(row[3], dtype=np.float32).copy()
                self.ids, self.papers, self.codes_t = ids, papers, codes
                self.full_loads += 1
            else:
                gone = library.index.tombstones_after(self.tomb_seq)
                if gone:
                    keep = ~np.isin(self.ids, np.asarray(gone, dtype=np.int64))
                    self.ids, self.papers, self.codes_t = self.ids[keep], self.papers[keep], self.codes_t[:, keep]
                ids, papers, codes, damaged = _read_codes(library, self.max_id, words)
                self.ids = _concat([self.ids, ids])
                self.papers = _concat([self.papers, papers])
                self.codes_t = _concat([self.codes_t, codes])
            self.loaded_version = version
            self.max_id = top if full else max(top, self.max_id)
            self.tomb_seq = seq
        if damaged:
            library.index.forget_vectors(damaged)

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


def _read_codes(library, after: int, words: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """Codes of vectors with chunk_id > after, streamed in batches (no big Python lists),
    and the chunk ids whose code BLOB is damaged (wrong size: skipped)."""
    ids_parts, paper_parts, code_parts = [], [], []
    damaged: list[int] = []
    size = words * 8
    for rows in library.index.iter_codes(after, LOAD_BATCH):
        # column-wise with C-level calls (zip, join, np.array), no Python loop per row:
        # a GUI thread waiting for the GIL gets it within milliseconds
        ids, papers, codes = zip(*rows)
        try:
            sound = set(map(len, codes)) == {size}
        except TypeError:  # a NULL or a number where a BLOB belongs
            sound = False
        if not sound:
            damaged += [r[0] for r in rows if not isinstance(r[2], bytes) or len(r[2]) != size]
            rows = [r for r in rows if isinstance(r[2], bytes) and len(r[2]) == size]
            if not rows:
                continue
            ids, papers, codes = zip(*rows)
        ids_parts.append(np.array(ids, dtype=np.int64))
        paper_parts.append(np.array(papers, dtype=np.int64))
        code_parts.append(np.frombuffer(b"".join(codes), dtype=np.uint64).reshape(len(rows), words).T)
        del rows, ids, papers, codes
    if not ids_parts:
        return (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((words, 0), dtype=np.uint64),
                damaged)
    return _concat(ids_parts), _concat(paper_parts), _concat(code_parts), damaged


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    """np.concatenate along the last axis, copied part by part: one copy of a million
    codes would hold the GIL for a long time; small copies let a GUI thread in between."""
    total = sum(p.shape[-1] for p in parts)
    out = np.empty(parts[0].shape[:-1] + (total,), dtype=parts[0].dtype)
    pos = 0
    for part in parts:
        for start in range(0, part.shape[-1], LOAD_BATCH):
            piece = part[..., start:start + LOAD_BATCH]
            out[..., pos:pos + piece.shape[-1]] = piece
            pos += piece.shape[-1]
    return out


def _float_rows(rows: list, dim: int | None) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(ids, float32 matrix) of (chunk_id, float16 BLOB) rows; damaged BLOBs are left out and listed."""
    sizes = {len(r[1]) for r in rows if isinstance(r[1], bytes)}
    size = dim * 2 if dim else (max(sizes, key=lambda n: sum(1 for r in rows if len(r[1]) == n)) if sizes else 0)
    good = [r for r in rows if isinstance(r[1], bytes) and len(r[1]) == size and size]
    damaged = [r[0] for r in rows if not (isinstance(r[1], bytes) and len(r[1]) == size and size)]
    ids = np.fromiter((r[0] for r in good), dtype=np.int64, count=len(good))
    mat = (np.frombuffer(b"".join(r[1] for r in good), dtype=np.float16).reshape(len(good), -1).astype(np.float32)
           if good else np.zeros((0, max(1, size // 2)), dtype=np.float32))
    return ids, mat, damaged


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
    """Exact cosine of the candidates (float16 vectors read from SQLite); best first.
    A damaged vector is skipped and dropped (the next `embed` makes it again)."""
    if not len(chunk_ids):
        return []
    rows = library.index.vectors_of(chunk_ids)
    if not rows:
        return []
    q = np.asarray(query, dtype=np.float32)
    ids, mat, damaged = _float_rows(rows, len(q))
    if damaged:
        library.index.forget_vectors(damaged)
    if not len(ids):
        return []
    scores = mat @ q
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
    for rows in library.index.iter_vectors(LOAD_BATCH):
        ids, mat, _damaged = _float_rows(rows, len(q))
        scores = mat @ q
        best_ids = np.concatenate([best_ids, ids])
        best_scores = np.concatenate([best_scores, scores])
        if len(best_ids) > limit:
            keep = np.argpartition(-best_scores, limit - 1)[:limit]
            best_ids, best_scores = best_ids[keep], best_scores[keep]
    order = np.argsort(-best_scores, kind="stable")[:limit]
    return [(int(best_ids[i]), float(best_scores[i])) for i in order]
