"""Semantic and hybrid search: chunking, the persisted queue, the embedding
pipeline, the vector store, search modes and bad input.

Pipeline and store tests use a small deterministic stand-in model (hashed bag
of words), so they run in a fraction of a second; tests marked `semantic` load
the real all-MiniLM-L6-v2 once per session (conftest `embedding_model`)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import paper_id_for
from pdfgen import make_pdf
from readerapp.core import hybrid
from readerapp.core.errors import InvalidValue
from readerapp.core.importer import import_paths
from readerapp.core.models import Highlight
from readerapp.core.semantic import embedder
from readerapp.core.semantic.chunking import MAX_WORDS, MIN_WORDS, chunk_blocks, chunk_pdf_pages
from readerapp.core.semantic.model import ModelError, load_model
from readerapp.core.semantic.store import exact_search, index_for, pack_codes, search as store_search


class WordModel:
    """Stand-in embedding model: hashed bag of words, unit vectors."""

    def __init__(self, name="test-words", dim=128):
        self.name, self.dim, self.calls, self.texts = name, dim, 0, 0

    def encode(self, texts, batch_size=32):
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in re.findall(r"[a-z0-9]{3,}", text.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
            out[i, 0] += 0.01
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def words(n: int, seed: str) -> str:
    vocab = [f"{seed}{i}word" for i in range(40)]
    return " ".join(vocab[i % 40] for i in range(n))


# ------------------------------------------------------------------ chunking
def test_chunks_drop_running_headers_and_references_keep_appendix():
    header = (50, 20, 560, 40, "Journal of Tests, Vol. 3 page 1\n")
    pages = []
    for n in range(4):
        blocks = [(header[0], header[1], header[2], header[3], header[4].replace("1", str(n + 1)))]
        blocks.append((72, 100, 300, 400, words(180, f"p{n}") + "\n"))
        blocks.append((310, 100, 540, 400, words(60, f"q{n}") + "\n"))
        pages.append((792.0, blocks))
    pages[3][1].extend([
        (72, 420, 540, 440, "References\n"),
        (72, 450, 540, 500, "[1] A. Author. A cited paper about citations. 2001.\n"),
        (72, 520, 540, 540, "A Proofs of the main theorem\n"),
        (72, 550, 540, 700, words(80, "appendix") + "\n"),
    ])
    chunks = chunk_blocks(pages)
    text = " ".join(c.text for c in chunks)
    assert "Journal of Tests" not in text  # running header on 4 pages
    assert "cited paper" not in text  # the reference list
    assert "appendix0word" in text  # the appendix after the references is text again
    assert {c.page for c in chunks} == {1, 2, 3, 4}
    for c in chunks:
        assert MIN_WORDS <= len(c.text.split()) <= MAX_WORDS
        x0, y0, x1, y1 = c.bbox
        assert 72 <= x0 < x1 <= 540 and 100 <= y0 < y1 <= 700
    # a page's two blocks merged into chunks whose boxes cover where their words are
    first = [c for c in chunks if c.page == 1]
    assert any("q0" in c.text for c in first) and first[0].bbox[1] == 100


def test_chunks_of_a_real_paper(corpus_dir):
    chunks, textless = chunk_pdf_pages(str(corpus_dir / "ioffe-batch-norm.pdf"))
    assert textless == [] and len(chunks) > 20
    import pymupdf

    with pymupdf.open(corpus_dir / "ioffe-batch-norm.pdf") as doc:
        rects = [p.rect for p in doc]
        ref_page, ref_blocks = None, []
        for i, page in enumerate(doc):
            blocks = [b for b in page.get_text("blocks") if b[6] == 0]
            for j, b in enumerate(blocks):
                if b[4].strip().lower().startswith("references"):
                    ref_page, ref_blocks = i + 1, blocks[j + 1:j + 4]
    assert ref_page is not None and ref_blocks
    joined = " ".join(c.text for c in chunks)
    for b in ref_blocks:  # entries of the reference list are not embedded
        assert " ".join(b[4].split()[:6]) not in joined
    for c in chunks:
        r = rects[c.page - 1]
        assert 0 <= c.bbox[0] < c.bbox[2] <= r.width + 1 and 0 <= c.bbox[1] < c.bbox[3] <= r.height + 1
        assert MIN_WORDS <= len(c.text.split()) <= MAX_WORDS
    assert "normaliz" in joined.lower()


# ------------------------------------------------------------ queue and pipeline
def make_library_with_pdfs(library, tmp_path, n=2):
    paths = [make_pdf(tmp_path / f"p{i}.pdf", [words(150, f"doc{i}page{j}") for j in range(2)],
                      title=f"Paper number {i} about topic{i}") for i in range(n)]
    results = import_paths(library, paths)
    assert all(r.status == "imported" for r in results)
    by_name = {Path(r.path).name: r.paper_id for r in results}
    return [by_name[p.name] for p in paths]


def test_import_enqueues_and_embedding_reuses_unchanged_vectors(library, tmp_path):
    ids = make_library_with_pdfs(library, tmp_path)
    assert embedder.status(library)["queued"] >= 2  # import never waits for the embedder
    model = WordModel()
    stats = embedder.run(library, model=model, workers=1)
    assert stats.papers == 2 and not stats.failed and stats.chunks_embedded > 4
    st = embedder.status(library)
    assert st["queued"] == 0 and st["vectors"] == st["chunks"] == stats.chunks_embedded
    assert (st["model"], st["dim"]) == ("test-words", 128)

    # a note and a highlight are items of their own; only they are embedded now
    library.save_note(ids[0], problem="zebra stripes confuse lions", method="striped paint on horses")
    library.add_highlight(Highlight(None, ids[1], 0, [[72, 100, 300, 100, 72, 112, 300, 112]], "giraffe necks",
                                    comment="long necks reach leaves"))
    texts_before = model.texts
    stats = embedder.run(library, model=model)
    assert stats.chunks_embedded == 2  # the note and the highlight; page text unchanged
    assert model.texts - texts_before == 2
    hits = hybrid.semantic_search(library, "zebra stripes lions", model=model, limit=3)
    assert hits[0].paper_id == ids[0] and hits[0].page is None
    hits = hybrid.semantic_search(library, "giraffe necks leaves", model=model, limit=3)
    assert hits[0].paper_id == ids[1] and hits[0].page == 0 and hits[0].bbox == (72, 100, 300, 112)

    # re-indexing the same text keeps every vector (no encode call)
    library.store_pages(ids[0], "x", [t for _, t in library.pages_text(ids[0])], "ok")
    calls = model.calls
    stats = embedder.run(library, model=model, workers=1)
    assert stats.chunks_embedded == 0 and stats.chunks_reused > 0 and model.calls == calls


def test_queue_survives_restart_and_cancel_resumes(tmp_path):
    from readerapp.core.library import Library

    folder = tmp_path / "lib"
    with Library(folder) as lib:
        make_library_with_pdfs(lib, tmp_path, n=3)
        queued = embedder.status(lib)["queued"]
        assert queued >= 3
    with Library(folder) as lib:  # persisted: a restart resumes
        assert embedder.status(lib)["queued"] == queued
        model = WordModel()
        seen = []

        def progress(phase, done, total):
            seen.append((phase, done, total))

        stats = embedder.run(lib, model=model, progress=progress, cancel=lambda: len(seen) >= 1, workers=1)
        assert stats.cancelled
        left = embedder.status(lib)
        assert left["queued"] > 0 or left["vectors"] < left["chunks"]
    with Library(folder) as lib:
        stats = embedder.run(lib, model=WordModel(), progress=lambda *a: None, workers=1)
        st = embedder.status(lib)
        assert not stats.cancelled and st["queued"] == 0 and st["vectors"] == st["chunks"] > 0
        assert {r[0] for r in lib.idx.execute("SELECT DISTINCT paper_id FROM chunks")} == set(lib.all_paper_ids())


def test_model_change_re_embeds_and_deleting_a_paper_drops_its_vectors(library, tmp_path):
    ids = make_library_with_pdfs(library, tmp_path)
    embedder.run(library, model=WordModel(), workers=1)
    n = embedder.status(library)["vectors"]
    index = index_for(library)
    assert hybrid.semantic_search(library, "doc0page0 words", model=WordModel(), limit=1)
    assert len(index) == n

    other = WordModel(name="other-model", dim=64)
    with pytest.raises(InvalidValue, match="embedded with test-words"):
        hybrid.semantic_search(library, "doc0page0", model=other)
    stats = embedder.run(library, model=other, workers=1)
    assert stats.chunks_embedded == n and embedder.status(library)["dim"] == 64
    hits = hybrid.semantic_search(library, "doc1page1word", model=other, limit=2)
    assert hits and hits[0].paper_id == ids[1] and len(index) == n and index.dim == 64

    library.delete_paper(ids[1])
    embedder.run(library, model=other, workers=1)
    hits = hybrid.semantic_search(library, "doc1page1word", model=other, limit=20)
    assert hits and all(h.paper_id == ids[0] for h in hits)
    assert set(index.papers.tolist()) == {ids[0]}


def test_section_tag_year_status_filters(library, tmp_path):
    ids = make_library_with_pdfs(library, tmp_path, n=3)
    model = WordModel()
    embedder.run(library, model=model, workers=1)
    section = library.create_section("Vision")
    sub = library.create_section("Detection", parent_id=section)
    library.assign_section(ids[0], sub)
    library.add_tag(ids[1], "favourite")
    library.update_paper(ids[2], year=2015, status="reading")
    q = "topic0 topic1 topic2 words"
    for mode in ("semantic", "hybrid"):
        def found(**kw):
            return {h.paper_id for h in hybrid.search(library, q, mode=mode, model=model, limit=50, **kw)}

        assert found() == set(ids)
        assert found(section="Vision") == {ids[0]}  # subsections count
        assert found(tag="favourite") == {ids[1]}
        assert found(year="2014-2016") == found(status="reading") == {ids[2]}
        assert found(tag="favourite", status="reading") == set()
        assert {h.paper_id for h in hybrid.search(library, q + " tag:favourite", mode=mode, model=model)} == {ids[1]}


# ------------------------------------------------------------------ vector store
def test_store_recall_against_exact_search(library, monkeypatch):
    """Clustered vectors, 30,000 of them (above the 20,000 where the Hamming pass starts), searched
    with the production candidate counts: the 3-pass store (Hamming, asymmetric, exact rescoring)
    finds the exact top 10 (recall >= 0.99)."""
    from readerapp.core.semantic import store

    hamming_calls = []
    real_hamming = store._nearest_hamming

    def spy(codes_t, qcode, count):
        out = real_hamming(codes_t, qcode, count)
        hamming_calls.append((codes_t.shape[1], count, len(out)))
        return out

    monkeypatch.setattr(store, "_nearest_hamming", spy)
    rng = np.random.default_rng(3)
    dim, n = 96, 30000
    assert n > store.PRE_MIN
    centers = rng.normal(size=(300, dim))
    vecs = centers[rng.integers(0, 300, n)] + rng.normal(size=(n, dim)) * 0.8
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float16)
    center = vecs.astype(np.float32).mean(axis=0)
    codes = pack_codes(vecs.astype(np.float32), center)
    with library.index_transaction() as conn:
        conn.execute("INSERT INTO embed_model (id, name, dim, center, generation) VALUES (1, 'x', ?, ?, 1)",
                     (dim, center.tobytes()))
        conn.executemany("INSERT INTO chunks (id, paper_id, kind, page, text, content_hash) VALUES (?, ?, 'page', 1,"
                         " 't', '')", ((i + 1, i // 50 + 1) for i in range(n)))
        conn.executemany("INSERT INTO vectors (chunk_id, vec, code) VALUES (?, ?, ?)",
                         ((i + 1, vecs[i].tobytes(), codes[i].tobytes()) for i in range(n)))
    index = index_for(library)
    recalls = []
    for q in rng.normal(size=(40, dim)):
        q = (centers[rng.integers(0, 300)] + q * 0.8)
        q = (q / np.linalg.norm(q)).astype(np.float32)
        exact = [c for c, _ in exact_search(library, q, 10)]
        got = store_search(library, index, q, 10)  # the production candidate counts
        recalls.append(len({c for c, _ in got} & set(exact)) / 10)
        assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
    assert np.mean(recalls) >= 0.99
    # every query ran the Hamming pass over all 30,000 codes and kept PRE_MIN of them
    assert len(hamming_calls) == 40 and all(c == (n, store.PRE_MIN, store.PRE_MIN) for c in hamming_calls)
    assert index.codes_t.nbytes == n * 16  # 96 bits padded to 2 words per chunk

    # filtered to some papers: only their chunks come back
    got = store_search(library, index, q, 10, allowed={3, 4})
    assert got and all((c - 1) // 50 + 1 in (3, 4) for c, _ in got)


def test_index_loads_appended_vectors_incrementally(library, tmp_path):
    make_library_with_pdfs(library, tmp_path, n=1)
    model = WordModel()
    embedder.run(library, model=model, workers=1)
    index = index_for(library)
    index.load(library)
    version, before = index.loaded_version, len(index)
    paths = [make_pdf(tmp_path / "new.pdf", [words(150, "newpaper")], title="A new one")]
    new_id = import_paths(library, paths)[0].paper_id
    embedder.run(library, model=model, workers=1)
    hits = hybrid.semantic_search(library, "newpaper3word", model=model, limit=1)
    assert hits[0].paper_id == new_id
    assert index.loaded_version == version and len(index) > before  # appended, not reloaded


# ------------------------------------------------------------------ bad input (core)
@pytest.mark.parametrize("query, message", [
    ("", "empty"), ("   ", "empty"), ("?!... ---", "only punctuation"), ("the of and", "only common words"),
])
def test_bad_queries_give_one_line(library, query, message):
    with pytest.raises(InvalidValue, match=message) as exc:
        hybrid.search(library, query, mode="semantic", model=WordModel())
    assert "\n" not in str(exc.value)
    if message == "only common words":  # keyword and hybrid still answer (hybrid says why)
        notes = []
        assert hybrid.search(library, query, mode="hybrid", model=WordModel(), notice=notes.append) == []
        assert notes == ["the query has only common words: showing keyword results"]


def test_long_query_is_shortened_with_a_notice(library, tmp_path):
    make_library_with_pdfs(library, tmp_path, n=1)
    model = WordModel()
    embedder.run(library, model=model, workers=1)
    notes = []
    hits = hybrid.search(library, "doc0page0word " * 800, mode="hybrid", model=model, notice=notes.append)
    assert hits and any("shortened" in n for n in notes)


def test_model_that_cannot_load_falls_back_to_keyword(corpus_library, tmp_path, monkeypatch):
    from readerapp.core.settings import Settings, save_settings

    monkeypatch.setenv("READERAPP_CONFIG_DIR", str(tmp_path / "cfg"))
    save_settings(Settings(embedding_model="no-such-org/no-such-model"))
    with pytest.raises(ModelError) as exc:
        load_model()
    assert "no-such-org/no-such-model" in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(ModelError):
        hybrid.search(corpus_library, "adaptive moment estimation", mode="semantic")
    notes = []
    hits = hybrid.search(corpus_library, "adaptive moment estimation", mode="hybrid", notice=notes.append)
    keyword = hybrid.search(corpus_library, "adaptive moment estimation", mode="keyword")
    assert hits and [h.to_json() for h in hits] == [h.to_json() for h in keyword]
    assert len(notes) == 1 and "cannot be loaded" in notes[0]


def test_nothing_embedded_yet_hybrid_says_so(corpus_library):
    notes = []
    hits = hybrid.search(corpus_library, "adaptive moment estimation", mode="hybrid", model=WordModel(),
                         notice=notes.append)
    assert hits and "nothing is embedded yet" in notes[0]
    with pytest.raises(InvalidValue, match="nothing is embedded yet"):
        hybrid.search(corpus_library, "adaptive moment estimation", mode="semantic", model=WordModel())


# ------------------------------------------------------------------ real model
@pytest.mark.semantic
def test_semantic_and_hybrid_find_papers_by_meaning(embedded_corpus_library, embedding_model):
    lib = embedded_corpus_library
    bn = paper_id_for(lib, "ioffe-batch-norm.pdf")
    query = "the paper that normalizes activations over each mini-batch"
    assert hybrid.search(lib, query, mode="keyword") == []  # not all of these words are in one place
    for mode in ("semantic", "hybrid"):
        hits = hybrid.search(lib, query, mode=mode, model=embedding_model, limit=10)
        assert hits[0].paper_id == bn, mode
        assert all(set(h.to_json()) >= {"paper_id", "title", "page", "snippet", "score"} for h in hits)
        assert hits[0].page is not None and hits[0].bbox is not None
        assert "<" not in hits[0].snippet.replace("<mark>", "").replace("</mark>", "")
    # the exact place: the passage's box lies on its page and holds words of the snippet
    import pymupdf

    hit = hybrid.search(lib, query, mode="semantic", model=embedding_model, limit=1)[0]
    path = lib.files_of(bn)[-1]["path"]
    with pymupdf.open(path) as doc:
        page = doc[hit.page]
        inside = page.get_text("text", clip=pymupdf.Rect(*hit.bbox))
    first_words = hit.snippet.split()[:3]
    assert all(w in " ".join(inside.split()) for w in first_words)


@pytest.mark.semantic
def test_filters_scope_and_more_like_this(embedded_corpus_library, embedding_model):
    lib = embedded_corpus_library
    adam = paper_id_for(lib, "kingma-adam.pdf")
    dropout = paper_id_for(lib, "srivastava-dropout.pdf")
    lib.update_paper(adam, status="read")
    q = "randomly switching off units during training"
    hits = hybrid.search(lib, q, mode="hybrid", model=embedding_model, status="read")
    assert hits and {h.paper_id for h in hits} == {adam}
    hits = hybrid.search(lib, q, mode="semantic", model=embedding_model, paper_id=adam, limit=5)
    assert hits and {h.paper_id for h in hits} == {adam}
    hits = hybrid.search(lib, q, mode="semantic", model=embedding_model, year="1900")
    assert hits == []
    similar = hybrid.similar_papers(lib, paper_id_for(lib, "sutskever-seq2seq.pdf"), limit=3)
    assert paper_id_for(lib, "bahdanau-align-and-translate.pdf") in [h.paper_id for h in similar]
    assert hybrid.search(lib, q, mode="semantic", model=embedding_model, limit=1)[0].paper_id == dropout


def test_chunk_boxes_stay_in_their_column():
    left = [(72, 100 + 60 * i, 300, 150 + 60 * i, words(40, f"left{i}") + "\n") for i in range(2)]
    right = [(312, 100 + 60 * i, 540, 150 + 60 * i, words(40, f"right{i}") + "\n") for i in range(2)]
    chunks = chunk_blocks([(792.0, left + right)])
    assert len(chunks) == 2
    assert chunks[0].bbox == (72, 100, 300, 210) and "left1" in chunks[0].text and "right" not in chunks[0].text
    assert chunks[1].bbox == (312, 100, 540, 210)


def test_the_required_numpy_has_bitwise_count():
    """The Hamming pass (libraries over 20,000 passages) calls np.bitwise_count, new in NumPy 2.0:
    pyproject.toml must not allow an older NumPy."""
    import re
    from pathlib import Path

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        pytest.skip("tomllib is Python 3.11+")
    meta = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    (spec,) = [d for d in meta["project"]["dependencies"] if re.match(r"numpy\b", d)]
    low = re.search(r">=\s*(\d+)", spec)
    assert low and int(low.group(1)) >= 2, spec
    assert hasattr(np, "bitwise_count")
