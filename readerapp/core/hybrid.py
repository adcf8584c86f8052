"""Search modes: keyword (FTS5), semantic (by meaning) and hybrid (both, fused).

Hybrid fuses the two ranked lists with weighted reciprocal rank fusion at the
level of (paper, page): a passage found by both rises; a paper found only by
meaning still appears. Filters (section, tag, year, status, one paper) apply
to both. If the embedding model cannot be loaded, hybrid falls back to keyword
search and reports why through `notice`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

from readerapp.core.errors import InvalidValue
from readerapp.core.models import SearchHit
from readerapp.core.search import filter_paper_ids, keyword_search, parse_query

MODES = ("keyword", "semantic", "hybrid")
MAX_QUERY_CHARS = 2000
RRF_K = 60
KEYWORD_WEIGHT = 1.0
SEMANTIC_WEIGHT = 1.0
SNIPPET_CHARS = 320

_STOP = set("""a an and are as at be by for from has have in is it its of on or that the this to was were will with
what which who whom how when where why do does did not no can could should would may might than then there these
those their them they we our you your i me my he she his her paper papers about using use used""".split())
_vector_index = None


def _index():
    global _vector_index
    if _vector_index is None:
        from readerapp.core.semantic.store import VectorIndex

        _vector_index = VectorIndex()
    return _vector_index


def check_query(query: str) -> str:
    """The query to search, or InvalidValue with a one-line reason."""
    text = (query or "").strip()
    if not text:
        raise InvalidValue("the query is empty: type some words to search for")
    if not re.search(r"\w", text):
        raise InvalidValue("the query has no words, only punctuation")
    return text[:MAX_QUERY_CHARS]


def meaningful(query: str) -> bool:
    words = re.findall(r"\w+", query.lower())
    return any(w not in _STOP for w in words)


def allowed_papers(library, *, section=None, tag=None, year=None, status=None, paper_id=None,
                   query_filters: dict | None = None) -> set[int] | None:
    filters: dict[str, list[str]] = {k: list(v) for k, v in (query_filters or {}).items()}
    if section:
        filters.setdefault("section", []).append(str(section))
    if tag:
        filters.setdefault("tag", []).append(str(tag))
    if year:
        filters.setdefault("year", []).append(str(year))
    allowed = filter_paper_ids(library, filters) if filters else None
    if status:
        ids = {p.id for p in library.list_papers(status=status)}
        allowed = ids if allowed is None else allowed & ids
    if paper_id is not None:
        allowed = {paper_id} if allowed is None else allowed & {paper_id}
    return allowed


def semantic_search(library, query: str, *, limit: int = 20, allowed: set[int] | None = None,
                    model=None) -> list[SearchHit]:
    from readerapp.core.semantic.model import load_model
    from readerapp.core.semantic.store import search as vector_search

    if allowed is not None and not allowed:
        return []
    model = model or load_model()
    qvec = model.encode([query])[0]
    ranked = vector_search(library, _index(), qvec, limit, allowed)
    if not ranked:
        return []
    with library.lock:
        rows = {r[0]: r for r in library.idx.execute(
            "SELECT id, paper_id, kind, page, x0, y0, x1, y1, text FROM chunks WHERE id IN"
            " (SELECT value FROM json_each(?))", (json.dumps([cid for cid, _ in ranked]),))}
    titles = {p.id: p.title for p in library.papers_by_ids({rows[c][1] for c, _ in ranked if c in rows})}
    hits = []
    for cid, score in ranked:
        r = rows.get(cid)
        if r is None or r[1] not in titles:
            continue
        bbox = (r[4], r[5], r[6], r[7]) if r[4] is not None else None
        text = re.sub(r"\s+", " ", r[8]).strip()
        if len(text) > SNIPPET_CHARS:
            text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
        hits.append(SearchHit(r[1], titles[r[1]], r[3], html.escape(text, quote=False), score, "semantic", bbox))
    return hits


def fuse(keyword: list[SearchHit], semantic: list[SearchHit], limit: int) -> list[SearchHit]:
    """Weighted reciprocal rank fusion on (paper, page)."""
    merged: dict[tuple[int, int], SearchHit] = {}
    scores: dict[tuple[int, int], float] = {}
    for weight, hits in ((KEYWORD_WEIGHT, keyword), (SEMANTIC_WEIGHT, semantic)):
        seen: set[tuple[int, int]] = set()
        rank = 0
        for hit in hits:
            key = (hit.paper_id, hit.page or 0)
            if key in seen:
                continue
            seen.add(key)
            rank += 1
            scores[key] = scores.get(key, 0.0) + weight / (RRF_K + rank)
            if key not in merged:
                merged[key] = SearchHit(hit.paper_id, hit.title, hit.page, hit.snippet, 0.0, "hybrid", hit.bbox)
            elif merged[key].bbox is None and hit.bbox is not None:
                merged[key].bbox = hit.bbox  # keep the keyword snippet (marked), take the passage's place
    out = sorted(merged.values(), key=lambda h: -scores[(h.paper_id, h.page or 0)])[:limit]
    for h in out:
        h.score = scores[(h.paper_id, h.page or 0)]
    return out


def search(library, query: str, *, mode: str = "hybrid", limit: int = 20, section=None, tag=None, year=None,
           status=None, paper_id: int | None = None, notice: Callable[[str], None] | None = None,
           model=None) -> list[SearchHit]:
    """Search in one of MODES; every mode returns SearchHit with the same JSON."""
    if mode not in MODES:
        raise InvalidValue(f"mode must be one of {', '.join(MODES)}")
    text = check_query(query)
    if len(query.strip()) > MAX_QUERY_CHARS and notice:
        notice(f"the query was shortened to its first {MAX_QUERY_CHARS} characters")
    parsed = parse_query(text)
    allowed = allowed_papers(library, section=section, tag=tag, year=year, status=status, paper_id=paper_id,
                             query_filters=parsed.filters)
    free_text = " ".join(t.text for t in parsed.terms)
    if mode == "keyword":
        return keyword_search(library, text, limit=limit, paper_ids=allowed)
    if mode == "semantic" and not meaningful(free_text):
        raise InvalidValue("the query has only common words (like 'the', 'of'); add a word that carries meaning")
    if mode == "semantic":
        return semantic_search(library, free_text, limit=limit, allowed=allowed, model=model)
    keyword = keyword_search(library, text, limit=limit * 3, paper_ids=allowed)
    semantic: list[SearchHit] = []
    if meaningful(free_text):
        try:
            semantic = semantic_search(library, free_text, limit=limit * 3, allowed=allowed, model=model)
        except Exception as exc:  # the model could not load: keyword search keeps working
            if notice:
                notice(f"{exc}" if str(exc) else "semantic search is unavailable; showing keyword results")
            return keyword[:limit]
    return fuse(keyword, semantic, limit)


def similar_papers(library, paper_id: int, *, limit: int = 10, model=None) -> list[SearchHit]:
    """Papers most like this one (mean of its passage vectors), best first."""
    import numpy as np

    from readerapp.core.semantic.store import search as vector_search

    with library.lock:
        rows = library.idx.execute(
            "SELECT v.vec FROM vectors v JOIN chunks c ON c.id = v.chunk_id WHERE c.paper_id = ? AND c.kind = 'page'",
            (paper_id,)).fetchall()
    if not rows:
        raise InvalidValue(f"paper {paper_id} has no embedded text yet (run `readerapp embed`)")
    mat = np.frombuffer(b"".join(r[0] for r in rows), dtype=np.float16).reshape(len(rows), -1).astype(np.float32)
    centroid = mat.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    others = set(library.all_paper_ids()) - {paper_id}
    ranked = vector_search(library, _index(), centroid, limit * 20, others)
    best: dict[int, float] = {}
    with library.lock:
        owners = dict(library.idx.execute("SELECT id, paper_id FROM chunks WHERE id IN (SELECT value FROM"
                                          " json_each(?))", (json.dumps([c for c, _ in ranked]),)).fetchall())
    for cid, score in ranked:
        pid = owners.get(cid)
        if pid is not None and score > best.get(pid, -2.0):
            best[pid] = score
    order = sorted(best, key=lambda p: -best[p])[:limit]
    papers = {p.id: p for p in library.papers_by_ids(order)}
    return [SearchHit(pid, papers[pid].title, None, html.escape(papers[pid].title, quote=False), best[pid],
                      "semantic") for pid in order if pid in papers]
