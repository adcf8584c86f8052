"""Extraction of arbitrary and mutated PDF bytes: extract_file returns a dict
(text or a one-line reason) and never raises; run in the guarded worker pool,
no input hangs or crashes the caller."""

from __future__ import annotations

import random
import time

import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pdfgen import make_pdf
from readerapp.core.pdftext import extract_file
from readerapp.core.workerpool import GuardedPool

PDF_MUTANTS = 60  # corpus PDFs mutated, through the worker pool
BYTE_EXAMPLES = 150  # hypothesis mutations of a small PDF, in process


def _check(result) -> None:
    assert isinstance(result, dict)
    assert ("error" in result) != ("pages" in result)
    if "error" in result:
        assert isinstance(result["error"], str) and result["error"] and "\n" not in result["error"]
    else:
        assert isinstance(result["metadata"], dict)
        assert len(result["pages"]) == result["page_count"] >= 1
        assert result["text_status"] in ("ok", "no-text", "ocr")


def _mutants(corpus_dir, tmp_path, n: int) -> list:
    rng = random.Random(20261122)
    sources = sorted(p for p in corpus_dir.glob("*.pdf"))
    out = []
    for i in range(n):
        data = bytearray(rng.choice(sources).read_bytes())
        kind = i % 5
        if kind == 0:  # flip bytes
            for _ in range(rng.randint(1, 200)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 1:  # truncate
            data = data[: rng.randrange(16, len(data))]
        elif kind == 2:  # splice a random chunk elsewhere
            a, b = sorted(rng.randrange(len(data)) for _ in range(2))
            pos = rng.randrange(len(data))
            data[pos:pos] = data[a:b][:50_000]
        elif kind == 3:  # random garbage behind a PDF header
            data = bytearray(b"%PDF-1.7\n" + rng.randbytes(rng.randrange(10, 20_000)))
        else:  # break the cross-reference table and object numbers
            text = bytes(data).replace(b" 0 obj", b" 9 obj", rng.randint(1, 50)).replace(b"xref", b"xreF")
            data = bytearray(text)
        path = tmp_path / f"mutant{i:03d}.pdf"
        path.write_bytes(bytes(data))
        out.append(path)
    return out


def test_extraction_of_mutated_corpus_pdfs_never_crashes_or_hangs(corpus_dir, tmp_path):
    mutants = _mutants(corpus_dir, tmp_path, PDF_MUTANTS)
    t = time.perf_counter()
    with GuardedPool(extract_file, workers=2, timeout=60) as pool:
        results = dict(pool.run((p, str(p)) for p in mutants))
    assert len(results) == PDF_MUTANTS
    for path, result in results.items():
        if "crashed" in result.get("error", "") or "longer than" in result.get("error", ""):
            pytest.fail(f"{path.name}: {result['error']}")  # the pool survived it, but extraction should not
        _check(result)
    print(f"{PDF_MUTANTS} mutated PDFs: {sum('error' in r for r in results.values())} refused with a reason, "
          f"{sum('pages' in r for r in results.values())} read; {time.perf_counter() - t:.1f} s")


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory) -> bytes:
    path = make_pdf(tmp_path_factory.mktemp("fuzz") / "seed.pdf",
                    ["Attention is all you need. arXiv:1706.03762v5 [cs.CL] 6 Dec 2017", "第二页：模型"],
                    title="A Seed Paper for Fuzzing")
    return path.read_bytes()


@settings(max_examples=BYTE_EXAMPLES, deadline=10_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_extract_file_on_mutated_bytes_returns_a_dict(small_pdf, tmp_path, data):
    blob = bytearray(small_pdf)
    for _ in range(data.draw(st.integers(0, 12), label="edits")):
        op = data.draw(st.sampled_from(["set", "cut", "insert"]), label="op")
        pos = data.draw(st.integers(0, max(0, len(blob) - 1)), label="pos")
        if op == "set" and blob:
            blob[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del blob[pos:pos + data.draw(st.integers(1, 400))]
        else:
            blob[pos:pos] = data.draw(st.binary(max_size=64))
    path = tmp_path / "m.pdf"
    path.write_bytes(bytes(blob))
    _check(extract_file(str(path)))


@settings(max_examples=60, deadline=10_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=4096))
def test_extract_file_on_arbitrary_bytes_returns_a_dict(tmp_path, blob):
    path = tmp_path / "b.pdf"
    path.write_bytes(b"%PDF-1.4\n" + blob if blob[:1] == b"\x00" else blob)
    _check(extract_file(str(path)))


@pytest.mark.parametrize("blob", [b"", b"%PDF", b"%PDF-1.4\n%%EOF", b"\x00" * 4096, b"%PDF-1.4\n" + b"(" * 100000,
                                  b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>"])
def test_degenerate_files(tmp_path, blob):
    path = tmp_path / "d.pdf"
    path.write_bytes(blob)
    _check(extract_file(str(path)))


def test_empty_and_encrypted_documents(tmp_path):
    from pdfgen import make_encrypted_pdf

    _check(extract_file(str(make_encrypted_pdf(tmp_path / "e.pdf"))))
    assert "password" in extract_file(str(tmp_path / "e.pdf"))["error"]
    doc = pymupdf.open()
    doc.new_page()
    doc.save(str(tmp_path / "blank.pdf"))
    result = extract_file(str(tmp_path / "blank.pdf"))
    _check(result)
    assert result["text_status"] == "no-text"
