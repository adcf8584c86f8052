"""Search modes: keyword (FTS5), semantic (by meaning) and hybrid (both, fused).

Hybrid fuses the two ranked lists with weighted reciprocal rank fusion at the
level of (paper, page): a passage found by both rises; a paper found only by
meaning still appears. Filters (section, tag, year, status, one paper) apply
to both. If the embedding model cannot be loaded, hybrid falls back to keyword
search and reports why through `notice`.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable

from readerapp.core.errors import InvalidValue, ReaderError
from readerapp.core.models import SearchHit
from readerapp.core.search import filter_paper_ids, keyword_search, parse_query
from readerapp.core.textnorm import display_text

log = logging.getLogger(__name__)

MODES = ("keyword", "semantic", "hybrid")
MAX_QUERY_CHARS = 2000
RRF_K = 60
KEYWORD_WEIGHT = 1.0
SEMANTIC_WEIGHT = 1.0
SNIPPET_CHARS = 320

_STOP = set("""a an and are as at be by for from has have in is it its of on or that the this to was were will with
what which who whom how when where why do does did not no can could should would may might than then there these
those their them they we our you your i me my he she his her paper papers about using use used over into onto
each all any also only such more most other some very just between through during before after above below up
down out off under again once here both few own same so too if but because until while nor per via""".split())


def _index(library):
    from readerapp.core.semantic.store import index_for

    return index_for(library)


def check_vectors(library, model) -> None:
    """InvalidValue with one line if the stored vectors cannot answer queries of `model`."""
    row = library.index.model_row()
    if row is None or not library.index.has_vectors():
        raise InvalidValue("nothing is embedded yet: run `readerapp embed` (the app does it in the background)")
    if (row[0], row[1]) != (model.name, model.dim):
        raise InvalidValue(f"the passages were embedded with {row[0]}, not {model.name}: "
                           "run `readerapp embed` to embed them again")


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
                    model=None, min_score: float | None = None) -> list[SearchHit]:
    """Passages closest in meaning. Hits below the model's relevance floor (min_score, default
    relevance.floor_for(model)) are dropped; a query in a script the model cannot read raises
    InvalidValue with one line that says so (hybrid then shows keyword results)."""
    from readerapp.core.semantic import relevance
    from readerapp.core.semantic.model import load_model
    from readerapp.core.semantic.store import search as vector_search

    if allowed is not None and not allowed:
        return []
    model = model or load_model()
    script = relevance.uncovered_script(query, model.name)
    if script is not None:
        raise InvalidValue(relevance.uncovered_message(script, model.name))
    check_vectors(library, model)
    qvec = model.encode([query])[0]
    floor = relevance.floor_for(model.name) if min_score is None else min_score
    ranked = [(cid, score) for cid, score in vector_search(library, _index(library), qvec, limit, allowed)
              if score >= floor]
    if not ranked:
        return []
    rows = library.index.chunks_by_ids([cid for cid, _ in ranked])
    titles = {p.id: p.title for p in library.papers_by_ids({rows[c][1] for c, _ in ranked if c in rows})}
    hits = []
    for cid, score in ranked:
        r = rows.get(cid)
        if r is None or r[1] not in titles:
            continue
        bbox = (r[4], r[5], r[6], r[7]) if r[4] is not None else None
        text = re.sub(r"\s+", " ", display_text(r[8])).strip()
        if len(text) > SNIPPET_CHARS:
            text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
        page0 = r[3] - 1 if r[3] else None  # chunks number pages from 1; the API counts from 0
        hits.append(SearchHit(r[1], titles[r[1]], page0, html.escape(text, quote=False), score, "semantic", bbox))
    return hits


# Fusion settings compared by tests/benchmarks/search_quality.py --variants.
# "page": weighted RRF on (paper, page). "paper": the papers are ranked by RRF
# of the two paper rankings, and each paper's hits follow it, best first.
# any_terms: the keyword side also ranks rows that match only some of the
# meaningful words (bm25), not just rows matching all of them.
FUSION_VARIANTS: dict[str, dict] = {
    "page-rrf": {"level": "page", "any_terms": False},
    "page-rrf+any-terms": {"level": "page", "any_terms": True},
    "paper-rrf": {"level": "paper", "any_terms": False},
    "paper-rrf+any-terms": {"level": "paper", "any_terms": True},
    "paper-rrf+any-terms, semantic x2": {"level": "paper", "any_terms": True, "semantic_weight": 2.0},
    "paper-rrf+any-terms, keyword x2": {"level": "paper", "any_terms": True, "keyword_weight": 2.0},
}
DEFAULT_FUSION = {"level": "paper", "any_terms": True}


def _rank_keys(hits: list[SearchHit], key) -> dict:
    """1-based rank of each distinct key, in order of first appearance."""
    ranks: dict = {}
    for hit in hits:
        k = key(hit)
        if k not in ranks:
            ranks[k] = len(ranks) + 1
    return ranks


def fuse(keyword: list[SearchHit], semantic: list[SearchHit], limit: int, *, level: str = "paper",
         keyword_weight: float = KEYWORD_WEIGHT, semantic_weight: float = SEMANTIC_WEIGHT, rrf_k: int = RRF_K,
         any_terms: bool = True) -> list[SearchHit]:
    """Weighted reciprocal rank fusion; see FUSION_VARIANTS for `level`."""
    del any_terms  # used by search()

    def page_key(h: SearchHit):
        return (h.paper_id, -1 if h.page is None else h.page)

    sides = ((keyword_weight, keyword), (semantic_weight, semantic))
    page_scores: dict[tuple[int, int], float] = {}
    merged: dict[tuple[int, int], SearchHit] = {}
    for weight, hits in sides:
        for k, rank in _rank_keys(hits, page_key).items():
            page_scores[k] = page_scores.get(k, 0.0) + weight / (rrf_k + rank)
        for hit in hits:
            k = page_key(hit)
            if k not in merged:
                merged[k] = SearchHit(hit.paper_id, hit.title, hit.page, hit.snippet, 0.0, "hybrid", hit.bbox)
            elif merged[k].bbox is None and hit.bbox is not None:
                merged[k].bbox = hit.bbox  # keep the keyword snippet (marked), take the passage's place
    if level == "paper":
        paper_scores: dict[int, float] = {}
        for weight, hits in sides:
            for pid, rank in _rank_keys(hits, lambda h: h.paper_id).items():
                paper_scores[pid] = paper_scores.get(pid, 0.0) + weight / (rrf_k + rank)
        order = sorted(merged, key=lambda k: (-paper_scores[k[0]], k[0], -page_scores[k]))
        out = [merged[k] for k in order][:limit]
        for h in out:
            h.score = paper_scores[h.paper_id] + page_scores[page_key(h)] / 1000.0
        return out
    order = sorted(merged, key=lambda k: -page_scores[k])
    out = [merged[k] for k in order][:limit]
    for h in out:
        h.score = page_scores[page_key(h)]
    return out


_MARKED = re.compile(r"<mark>([^<]*)</mark>")


def _unmark_common(snippet: str) -> str:
    """No highlight on common words ('a', 'over') in hybrid snippets: they say nothing."""
    return _MARKED.sub(lambda m: m.group(1) if m.group(1).lower() in _STOP else m.group(0), snippet)


def _keyword_side(library, text: str, parsed, allowed, limit: int, any_terms: bool) -> list[SearchHit]:
    hits = _keyword_side_raw(library, text, parsed, allowed, limit, any_terms)
    for h in hits:
        h.snippet = _unmark_common(h.snippet)
    return hits


def _keyword_side_raw(library, text: str, parsed, allowed, limit: int, any_terms: bool) -> list[SearchHit]:
    hits = keyword_search(library, text, limit=limit, paper_ids=allowed)
    if not any_terms or len(hits) >= limit:
        return hits
    words = [t for t in parsed.terms if t.phrase or t.text.lower() not in _STOP]
    if len(words) < 2:
        return hits
    relaxed_query = " ".join(f'"{t.text}"' if t.phrase else t.text + ("*" if t.prefix else "") for t in words)
    relaxed = keyword_search(library, relaxed_query, limit=limit, paper_ids=allowed, match_any=True)
    seen = {(h.paper_id, h.page) for h in hits}
    return hits + [h for h in relaxed if (h.paper_id, h.page) not in seen][:limit - len(hits)]


def search(library, query: str, *, mode: str = "hybrid", limit: int = 20, section=None, tag=None, year=None,
           status=None, paper_id: int | None = None, notice: Callable[[str], None] | None = None,
           model=None, fusion: dict | None = None) -> list[SearchHit]:
    """Search in one of MODES; every mode returns SearchHit with the same JSON.

    Raises InvalidValue (one line) for a query that cannot be searched, and
    ModelError when semantic mode cannot load its model; hybrid then falls
    back to keyword results and says why through `notice`."""
    if mode not in MODES:
        raise InvalidValue(f"mode must be one of {', '.join(MODES)}")
    text = check_query(query)
    if len(query.strip()) > MAX_QUERY_CHARS and notice:
        notice(f"the query was shortened to its first {MAX_QUERY_CHARS} characters")
    limit = max(1, min(int(limit), 1000))
    fusion = {**DEFAULT_FUSION, **(fusion or {})}
    parsed = parse_query(text)
    allowed = allowed_papers(library, section=section, tag=tag, year=year, status=status, paper_id=paper_id,
                             query_filters=parsed.filters)
    free_text = " ".join(t.text for t in parsed.terms)
    if mode == "keyword":
        return keyword_search(library, text, limit=limit, paper_ids=allowed)
    if not parsed.terms and parsed.filters:  # filters only: nothing to embed
        return keyword_search(library, text, limit=limit, paper_ids=allowed)
    if mode == "semantic":
        if not meaningful(free_text):
            raise InvalidValue("the query has only common words (like 'the', 'of'); add a word that carries meaning")
        return semantic_search(library, free_text, limit=limit, allowed=allowed, model=model)
    keyword = _keyword_side(library, text, parsed, allowed, limit * 3, fusion["any_terms"])
    if not meaningful(free_text):
        if notice:
            notice("the query has only common words: showing keyword results")
        return keyword[:limit]
    try:
        semantic = semantic_search(library, free_text, limit=limit * 3, allowed=allowed, model=model)
    except Exception as exc:  # any semantic failure: the keyword results, and one line why
        if not isinstance(exc, ReaderError):
            log.warning("semantic search failed in hybrid mode", exc_info=True)
        if notice:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if not isinstance(exc, ReaderError):
                msg = f"semantic search failed ({msg})"
            notice(msg if "keyword" in msg else f"{msg}; showing keyword results")
        return keyword_search(library, text, limit=limit, paper_ids=allowed)
    return fuse(keyword, semantic, limit, **fusion)


def similar_papers(library, paper_id: int, *, limit: int = 10, model=None) -> list[SearchHit]:
    """Papers most like this one (mean of its passage vectors), best first."""
    import numpy as np

    from readerapp.core.semantic.store import search as vector_search

    blobs = library.index.paper_vectors(paper_id, "page")
    sizes = [len(b) for b in blobs if isinstance(b, bytes)]
    size = max(set(sizes), key=sizes.count) if sizes else 0  # damaged BLOBs (another size) are left out
    blobs = [b for b in blobs if isinstance(b, bytes) and len(b) == size and size]
    if not blobs:
        raise InvalidValue(f"paper {paper_id} has no embedded text yet (run `readerapp embed`)")
    mat = np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), -1).astype(np.float32)
    centroid = mat.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    others = set(library.all_paper_ids()) - {paper_id}
    ranked = vector_search(library, _index(library), centroid, limit * 20, others)
    best: dict[int, float] = {}
    owners = library.index.chunk_owners([c for c, _ in ranked])
    for cid, score in ranked:
        pid = owners.get(cid)
        if pid is not None and score > best.get(pid, -2.0):
            best[pid] = score
    order = sorted(best, key=lambda p: -best[p])[:limit]
    papers = {p.id: p for p in library.papers_by_ids(order)}
    return [SearchHit(pid, papers[pid].title, None, html.escape(papers[pid].title, quote=False), best[pid],
                      "semantic") for pid in order if pid in papers]
