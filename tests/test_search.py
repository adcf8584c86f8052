"""Full-text search: ranking, stemming, phrases, prefixes, fields, CJK, hostile input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from conftest import paper_id_for
from readerapp.core import textnorm
from readerapp.core.search import parse_query


def test_page_level_hits_with_marked_snippets(corpus_library):
    hits = corpus_library.search("internal covariate shift", limit=5)
    bn = paper_id_for(corpus_library, "ioffe-batch-norm.pdf")
    assert hits and all(h.paper_id == bn for h in hits[:3])
    page_hits = [h for h in hits if h.page is not None]
    assert page_hits and all(0 <= h.page <= 10 for h in page_hits)  # 0-based, the paper has 11 pages
    assert all(h.to_json()["page"] == h.page + 1 for h in page_hits)  # the JSON keeps 1-based numbers
    assert all("<mark>" in h.snippet for h in hits)
    assert re.search(r"<mark>[Ii]nternal", hits[0].snippet)
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_stemming_finds_other_word_forms(corpus_library):
    # searching the singular finds pages that only say "networks", and the reverse
    singular = corpus_library.search("network", limit=50)
    assert any("<mark>networks</mark>" in h.snippet.lower() for h in singular)
    plural = corpus_library.search("optimizations", limit=50)
    assert any("<mark>optimization</mark>" in h.snippet.lower() for h in plural)


def test_title_outranks_body_text(library):
    a = library.add_paper(title="Dropout Regularization for Networks")
    b = library.add_paper(title="Something Else")
    library.store_pages(b, "f" * 64, ["We use dropout once in the body. " * 3], "ok")
    hits = library.search("dropout")
    assert hits[0].paper_id == a and hits[0].page is None
    assert any(h.paper_id == b and h.page == 0 for h in hits)


def test_notes_and_highlights_are_searchable_and_weigh_more(library):
    a = library.add_paper(title="Paper A")
    b = library.add_paper(title="Paper B")
    library.store_pages(b, "e" * 64, ["contrastive " * 2 + "learning text " * 50], "ok")
    library.save_note(a, method="contrastive pretraining of image and text encoders")
    hits = library.search("contrastive")
    assert hits[0].paper_id == a and hits[0].page is None


def test_phrase_prefix_and_fields(corpus_library):
    adam = paper_id_for(corpus_library, "kingma-adam.pdf")
    corpus_library.update_paper(adam, year=2015)
    phrase = corpus_library.search('"stochastic optimization"', limit=5)
    assert phrase and phrase[0].paper_id == adam
    assert corpus_library.search("atten*", limit=5)
    in_2015 = corpus_library.search("year:2015 moment", limit=50)
    assert adam in {h.paper_id for h in in_2015}
    assert all(corpus_library.get_paper(h.paper_id).year == 2015 for h in in_2015)
    assert {h.paper_id for h in corpus_library.search("year:2016-2030 moment", limit=50)} == set()
    assert corpus_library.search("year:1900 moment") == []
    assert all(h.paper_id == adam for h in corpus_library.search("title:adam", limit=10))
    corpus_library.set_field(adam, "tags", "optimizer")
    corpus_library.set_field(adam, "section", "Optimization/First-order")
    assert {h.paper_id for h in corpus_library.search("tag:optimizer gradient", limit=20)} == {adam}
    assert {h.paper_id for h in corpus_library.search('section:"First-order" gradient', limit=20)} == {adam}
    assert {h.paper_id for h in corpus_library.search("author:kingma", limit=20)} <= {adam}


def test_chinese_words_of_two_or_more_characters(library, reference_lists):
    # the summaries of a real list are Chinese; every 2+ character word must find its paper
    text = (reference_lists / "table-list.md").read_text(encoding="utf-8")
    summary = "多模态综述（书）。文中首先对NLP和CV方向的SOTA模型进行回顾"
    assert summary in text
    pid = library.add_paper(title="Multimodal Deep Learning", summary=summary)
    other = library.add_paper(title="Other", summary="深度学习综述（书）。麻省理工出版。")
    for word in ("多模态", "模态", "综述", "首先", "SOTA模型", "模型", "进行回顾"):
        ids = [h.paper_id for h in library.search(word)]
        assert pid in ids, word
    assert [h.paper_id for h in library.search("麻省理工")] == [other]
    assert library.search("模态综")[0].paper_id == pid
    hit = library.search("多模态")[0]
    assert "<mark>多模态</mark>" in hit.snippet  # snippet shows the original text, match marked


def test_chinese_in_page_text(library):
    pid = library.add_paper(title="中文论文")
    library.store_pages(pid, "d" * 64, ["本文提出了一种新的注意力机制，用于机器翻译。"], "ok")
    hit = library.search("注意力机制")[0]
    assert hit.paper_id == pid and hit.page == 0 and hit.to_json()["page"] == 1
    assert library.page_text(pid, 1) == "本文提出了一种新的注意力机制，用于机器翻译。"


def test_snippets_show_formula_letters_as_plain_letters_and_drop_glyphs_without_meaning(library):
    """A text layer with styled math letters (U+1D400 block, ℎ, ℓ) and private-use TeX glyphs:
    the snippet reads "x", "θ", "W", "h" (no boxes in the UI font), drops the private-use
    glyphs, and keeps Greek, operators, ℝ and Chinese as they are; the stored page is untouched."""
    pid = library.add_paper(title="Formulas")
    page = ("The weights 𝐖 map 𝑥 ∈ ℝ to 𝜃 with a ℓ2 penalty and ℎ \ue001\uf8ff; "
            "regularisation keeps ∑ 𝜆 ≤ 1 跨模态 stable")
    library.store_pages(pid, "f" * 64, [page], "ok")
    hit = library.search("regularisation")[0]
    text = re.sub(r"</?mark>", "", hit.snippet)
    assert "W map x ∈ ℝ to θ with a l2 penalty and h" in text and "∑ λ ≤ 1 跨模态" in text, text
    assert not re.search("[\U0001d400-\U0001d7ff\ue000-\uf8ff]", hit.snippet)
    assert library.page_text(pid, 1) == page


HOSTILE = ['"unbalanced', "AND", "OR", "NOT", "a OR", "(", ")", "*", "**", ":", "title:", "foo:bar", "-", "--x",
           "R-CNN", "NEAR(a b)", "^x", "{title}: x", '""', '"', "'", "\\", "%", "_", "\x00", "a\x02b", "\u2063",
           "x" * 10000, "AND OR NOT ( ) * : -", "col:umn:s", "year:abc", "year:", "tag:", 'title:"', "😀", "🙂 atten*"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_plain_text_never_errors(corpus_library, query):
    hits = corpus_library.search(query, limit=5)
    assert isinstance(hits, list)


def test_hyphen_and_operator_words_search_as_text(corpus_library):
    rcnn = paper_id_for(corpus_library, "girshick-fast-rcnn.pdf")
    assert corpus_library.search("R-CNN", limit=1)[0].paper_id == rcnn
    # a lone operator is an ordinary word, found in text
    assert corpus_library.search("NOT", limit=1)


def test_parser_keeps_documented_syntax():
    q = parse_query('"deep learning" atten* title:adam year:2014-2016 section:"Prompt tuning" x:y (z)')
    assert [(t.text, t.phrase, t.prefix) for t in q.terms] == [
        ("deep learning", True, False), ("atten", False, True), ("x:y", False, False), ("(z)", False, False)]
    assert q.filters == {"title": ["adam"], "year": ["2014-2016"], "section": ["Prompt tuning"]}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_cjk_transform_is_reversible(text):
    clean = textnorm.clean(text)
    assert textnorm.from_index(textnorm.to_index(text)) == clean


def test_sharded_parallel_search_ranks_like_a_single_query(corpus_library, monkeypatch):
    from readerapp.core import search as search_mod

    queries = ["network", "gradient descent", '"neural network"', "train*", "year:2015 learning"]
    single = {q: [(h.paper_id, h.page, round(h.score, 6)) for h in corpus_library.search(q, limit=15)]
              for q in queries}
    monkeypatch.setattr(search_mod, "SHARD_MIN_PAPERS", 1)
    monkeypatch.setattr(search_mod.os, "cpu_count", lambda: 4, raising=False)
    for q in queries:
        sharded = [(h.paper_id, h.page, round(h.score, 6)) for h in corpus_library.search(q, limit=15)]
        assert sharded == single[q], q
    assert corpus_library.index.shard_reader_count >= 2  # the parallel path really ran
