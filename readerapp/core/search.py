"""Keyword search over the FTS5 index, with a small, forgiving query language.

Honoured syntax (documented in the README):

* ``"quoted phrase"``: words in this order (a quote without its partner is text);
* ``atten*``: prefix of a word;
* ``title:``, ``author:``, ``year:``, ``tag:``, ``section:`` filters; a value may be
  quoted (``section:"Prompt tuning"``); ``year:2014-2016`` gives a range.

Everything else — ``AND``/``OR``/``NOT``, parentheses, colons, hyphens, a lone
``*``, control characters — is searched as plain text and is never an error.
All terms must match (implicit AND). English words are stemmed (network finds
networks); CJK text is matched by character bigrams (any word of two or more
characters).
"""

from __future__ import annotations

import html
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field

from readerapp.core import textnorm
from readerapp.core.db import PAGE_STRIDE
from readerapp.core.models import SearchHit

FIELDS = ("title", "author", "year", "tag", "section")
# bm25 weights of the FTS columns: title hits weigh most, then what the user
# wrote (notes, summary, highlights), then metadata, then page text.
BM25 = "bm25(search_fts, 8.0, 3.0, 4.0, 1.0)"
# Above this many indexed rows the ranked MATCH is split into rowid shards
# searched in parallel threads (SQLite releases the GIL): bm25 costs about 2 µs
# per matching row, and a common word matches most pages of a large library.
SHARD_MIN_PAPERS = 1000
MAX_SHARDS = 4
MAX_TERMS = 32
MAX_QUERY_CHARS = 2000
SNIPPET_TOKENS = 24

_TOKEN_RE = re.compile(
    r'(?P<field>\b(?:' + "|".join(FIELDS) + r'):)?(?:"(?P<quoted>[^"]*)"|(?P<word>[^\s"]+))',
    re.IGNORECASE,
)
_WORDCHAR = re.compile(r"\w", re.UNICODE)


@dataclass
class Term:
    text: str
    prefix: bool = False
    phrase: bool = False


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.filters


def parse_query(query: str) -> ParsedQuery:
    """Split user text into terms and field filters; never raises."""
    text = textnorm.clean(query or "")[:MAX_QUERY_CHARS]
    if text.count('"') % 2:  # an unbalanced quote is just a character
        text = text.replace('"', " ")
    parsed = ParsedQuery()
    for m in _TOKEN_RE.finditer(text):
        fieldname = (m.group("field") or "").rstrip(":").lower()
        quoted = m.group("quoted")
        value = quoted if quoted is not None else m.group("word")
        if fieldname:
            value = value.strip()
            if _WORDCHAR.search(value):
                parsed.filters.setdefault(fieldname, []).append(value)
            continue
        if quoted is not None:
            if _WORDCHAR.search(quoted):
                parsed.terms.append(Term(quoted, phrase=True))
            continue
        prefix = value.endswith("*") and len(value.rstrip("*")) >= 1
        core = value.rstrip("*") if prefix else value
        if not _WORDCHAR.search(core):
            continue  # punctuation only: '*', '-', '(' ...
        parsed.terms.append(Term(core, prefix=prefix and bool(re.search(r"\w$", core))))
        if len(parsed.terms) >= MAX_TERMS:
            break
    return parsed


def fts_string(text: str, prefix: bool = False) -> str:
    """A literal FTS5 string for `text` (quoted; CJK turned into bigrams)."""
    body = textnorm.to_index(text).replace('"', '""')
    return f'"{body}"' + ("*" if prefix else "")


def fts_expression(terms: list[Term]) -> str:
    return " AND ".join(fts_string(t.text, t.prefix) for t in terms)


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def filter_paper_ids(library, filters: dict[str, list[str]]) -> set[int] | None:
    """Paper ids allowed by the field filters (None: no filter)."""
    allowed: set[int] | None = None

    def narrow(ids) -> None:
        nonlocal allowed
        ids = set(ids)
        allowed = ids if allowed is None else allowed & ids

    for name, values in filters.items():
        for value in values:
            if name == "year":
                m = re.fullmatch(r"\s*(\d{4})\s*(?:(-|\.\.)\s*(\d{4})?)?\s*", value)
                if not m:
                    narrow([])
                    continue
                lo = int(m.group(1))
                hi = int(m.group(3)) if m.group(3) else (9999 if m.group(2) else lo)
                narrow(library.papers.ids_where(year_range=(lo, hi)))
            elif name == "author":
                narrow(library.papers.ids_where(author_like=_like(value)))
            elif name == "tag":
                narrow(library.tags.paper_ids(value, _like(value)))
            elif name == "section":
                narrow(library.sections.ids_named_like(_like(value)))
            elif name == "title":
                expr = "{title} : " + fts_expression(parse_query(value).terms or [Term(value)])
                try:
                    narrow(library.index.fts_title_papers(expr))
                except sqlite3.OperationalError:
                    narrow([])
    return allowed


def render_snippet(raw: str) -> str:
    """FTS5 snippet (with \\x02/\\x03 markers) to HTML-escaped text with <mark> tags."""
    text = textnorm.normalize_space(textnorm.display_text(textnorm.from_index(raw)))
    text = html.escape(text, quote=False)
    return text.replace(textnorm.MARK_OPEN, "<mark>").replace(textnorm.MARK_CLOSE, "</mark>")


def keyword_search(library, query: str, *, limit: int = 20, paper_id: int | None = None,
                   paper_ids: set[int] | None = None, match_any: bool = False) -> list[SearchHit]:
    """Ranked page-level hits. Title/notes/metadata hits come with page None.
    match_any: rows matching any term (ranked by bm25) instead of all terms;
    hybrid search uses it for natural-language queries."""
    parsed = parse_query(query)
    if parsed.empty:
        return []
    limit = max(1, min(int(limit), 1000))
    allowed = filter_paper_ids(library, parsed.filters)
    if paper_id is not None:
        allowed = {paper_id} if allowed is None else allowed & {paper_id}
    if paper_ids is not None:
        allowed = set(paper_ids) if allowed is None else allowed & set(paper_ids)
    if allowed is not None and not allowed:
        return []

    if not parsed.terms:  # filters only: list the matching papers
        papers = library.papers.by_ids(sorted(allowed or []))[:limit]
        return [SearchHit(p.id, p.title, None, html.escape(p.title, quote=False), 0.0) for p in papers]

    expr = fts_expression(parsed.terms)
    if match_any and len(parsed.terms) > 1:
        expr = " OR ".join(fts_string(t.text, t.prefix) for t in parsed.terms)
    allowed_json = json.dumps(sorted(allowed)) if allowed is not None else None
    try:
        ranked = _ranked_rowids(library, expr, allowed_json, limit)
        if not ranked:
            return []
        snippets = library.index.fts_snippets(expr, [r[0] for r in ranked], SNIPPET_TOKENS)
    except sqlite3.OperationalError:
        # Our quoting should make this unreachable; never show an error for a query.
        return []
    titles = {p.id: p.title for p in library.papers.by_ids({r[0] // PAGE_STRIDE for r in ranked})}
    hits = []
    for rowid, score in ranked:
        pid, page = divmod(rowid, PAGE_STRIDE)
        if pid not in titles:
            continue  # index row of a paper deleted meanwhile
        # index rows number pages from 1 (0 is the paper's own row); the API counts from 0
        hits.append(SearchHit(pid, titles[pid], page - 1 if page else None, render_snippet(snippets.get(rowid, "")), -score))
    return hits


_executor = None


def _pool(n: int):
    global _executor
    if _executor is None:
        from concurrent.futures import ThreadPoolExecutor

        _executor = ThreadPoolExecutor(max_workers=MAX_SHARDS, thread_name_prefix="readerapp-search")
    return _executor


def _ranked_rowids(library, expr: str, allowed_json: str | None, limit: int) -> list[tuple[int, float]]:
    """(rowid, bm25) of the best `limit` rows; above SHARD_MIN_PAPERS papers per
    shard the rowid range is split and searched in parallel threads."""
    top = library.index.fts_top_rowid()
    shards = min(MAX_SHARDS, os.cpu_count() or 1, max(1, top // PAGE_STRIDE // SHARD_MIN_PAPERS))
    bounds = [top * i // shards for i in range(shards + 1)]
    ranges = [(bounds[i] + (1 if i else 0), bounds[i + 1]) for i in range(shards)]
    return library.index.fts_ranked(expr, BM25, allowed_json, limit, ranges, _pool(shards) if shards > 1 else None)
