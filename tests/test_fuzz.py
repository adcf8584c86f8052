"""Property tests: hostile input never crashes or hangs the query parser, the
search, or PDF extraction (bounded examples, bounded time per input)."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from readerapp.core.pdftext import extract_file
from readerapp.core.search import fts_expression, parse_query
from readerapp.core.workerpool import GuardedPool

QUERY_EXAMPLES = 400
PDF_MUTANTS = 60

query_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(['"', "*", ":", "-", "(", ")", "AND", "OR", "NOT", "NEAR", "title:", "year:", "tag:",
                              "section:", "^", "{", "}", "多模态", "模型", "x", " ", "\x00", "\u2063", "'", "+"]),
             max_size=40).map("".join),
)


@settings(max_examples=QUERY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=query_text)
def test_query_parser_and_search_never_fail(corpus_library, query):
    t = time.perf_counter()
    parsed = parse_query(query)
    if parsed.terms:
        assert fts_expression(parsed.terms)
    hits = corpus_library.search(query, limit=5)
    assert isinstance(hits, list)
    assert time.perf_counter() - t < 5.0


def _mutants(corpus_dir, tmp_path, n: int) -> list:
    rng = random.Random(20261122)
    sources = sorted(p for p in corpus_dir.glob("*.pdf"))
    out = []
    for i in range(n):
        data = bytearray(rng.choice(sources).read_bytes())
        kind = i % 4
        if kind == 0:  # flip bytes
            for _ in range(rng.randint(1, 200)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 1:  # truncate
            data = data[: rng.randrange(16, len(data))]
        elif kind == 2:  # splice a random chunk elsewhere
            a, b = sorted(rng.randrange(len(data)) for _ in range(2))
            pos = rng.randrange(len(data))
            data[pos:pos] = data[a:b][:50_000]
        else:  # random garbage behind a PDF header
            data = bytearray(b"%PDF-1.7\n" + rng.randbytes(rng.randrange(10, 20_000)))
        path = tmp_path / f"mutant{i:03d}.pdf"
        path.write_bytes(bytes(data))
        out.append(path)
    return out


def test_extraction_of_mutated_pdfs_never_crashes_or_hangs(corpus_dir, tmp_path):
    mutants = _mutants(corpus_dir, tmp_path, PDF_MUTANTS)
    t = time.perf_counter()
    with GuardedPool(extract_file, workers=2, timeout=60) as pool:
        results = dict(pool.run((p, str(p)) for p in mutants))
    assert len(results) == PDF_MUTANTS
    for path, result in results.items():
        assert isinstance(result, dict), path
        assert ("error" in result) != ("pages" in result), path
        if "error" in result:
            assert "\n" not in result["error"]
        else:
            assert isinstance(result["metadata"], dict)
    print(f"{PDF_MUTANTS} mutated PDFs: {sum('error' in r for r in results.values())} refused with a reason, "
          f"{sum('pages' in r for r in results.values())} read; {time.perf_counter() - t:.1f} s")


@pytest.mark.parametrize("blob", [b"", b"%PDF", b"%PDF-1.4\n%%EOF", b"\x00" * 4096, b"%PDF-1.4\n" + b"(" * 100000])
def test_degenerate_files(tmp_path, blob):
    path = tmp_path / "d.pdf"
    path.write_bytes(blob)
    result = extract_file(str(path))
    assert "error" in result or "pages" in result
