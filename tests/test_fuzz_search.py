"""Property tests on the search query parser and keyword search: any text a user
can type parses, searches without an exception and in bounded time."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings, strategies as st

from readerapp.core.search import MAX_TERMS, fts_expression, parse_query

QUERY_EXAMPLES = 400  # reported in docs/reliability.md
PARSER_EXAMPLES = 1500
MAX_SECONDS_PER_QUERY = 5.0

_pieces = st.sampled_from(['"', "*", ":", "-", "(", ")", "AND", "OR", "NOT", "NEAR", "NEAR(", "title:", "year:",
                           "tag:", "section:", "author:", "^", "{", "}", "多模态", "模型", "注意力", "x", " ", "\x00",
                           "\u2063", "\u200b", "'", "+", "\\", "%", "_", "2015", "adam", "attention*", "ｔｉｔｌｅ：",
                           "\ud7ff", "\U0001f600", "\n", "\t", "col:", "rank", "bm25(", ";", "--", "/*"])
query_text = st.one_of(
    st.text(max_size=300),
    st.lists(_pieces, max_size=40).map("".join),
    st.lists(_pieces, max_size=12).map(" ".join),
)


@settings(max_examples=PARSER_EXAMPLES, deadline=1000)
@given(query=query_text)
def test_query_parser_never_raises_and_builds_valid_terms(query):
    parsed = parse_query(query)
    assert len(parsed.terms) <= MAX_TERMS
    for term in parsed.terms:
        assert term.text.strip()
    if parsed.terms:
        expr = fts_expression(parsed.terms)
        assert expr and expr.count('"') % 2 == 0  # every literal is quoted: no FTS syntax leaks through


@settings(max_examples=QUERY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=query_text)
def test_keyword_search_never_fails_on_the_corpus(corpus_library, query):
    """search() turns an FTS5 error into no hits, so that alone would pass with the query escaping
    gone: the escaped expression itself must also be valid FTS5 on the corpus index."""
    t = time.perf_counter()
    hits = corpus_library.search(query, limit=5)
    assert isinstance(hits, list) and len(hits) <= 5
    ids = set(corpus_library.all_paper_ids())
    assert all(h.paper_id in ids for h in hits)
    assert time.perf_counter() - t < MAX_SECONDS_PER_QUERY
    terms = parse_query(query).terms
    if terms:
        with corpus_library.lock:  # raises sqlite3.OperationalError for FTS syntax that leaked through
            corpus_library.idx.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?",
                                       (fts_expression(terms),)).fetchone()


def test_keyword_search_finds_what_is_there_with_syntax_around_it(corpus_library):
    """Quotes, parentheses, operators and stray stars around a word are text, not FTS syntax."""
    for query in ('"internal covariate shift"', "(covariate)", "covariate-shift", "covariate AND shift",
                  "NOT covariate", "covariate*", '"covariate', "covariate:", "covariate)"):
        assert corpus_library.search(query, limit=5), query


def test_a_huge_query_is_bounded(corpus_library):
    t = time.perf_counter()
    corpus_library.search("attention " * 50_000 + '"' * 10_001 + "模型" * 20_000, limit=5)
    assert time.perf_counter() - t < MAX_SECONDS_PER_QUERY
