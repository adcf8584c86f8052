"""Semantic relevance: the calibrated floor and queries in a script the model cannot read."""

from __future__ import annotations

from readerapp.core.semantic import relevance


def test_query_script():
    assert relevance.query_script("cross-modal retrieval") == "Latin"
    assert relevance.query_script("跨模态检索") == "Chinese"
    assert relevance.query_script("BERT 跨模态检索") == "Chinese"  # four CJK characters outweigh one acronym
    assert relevance.query_script("трансформер для перевода") == "Cyrillic"
    assert relevance.query_script("トランスフォーマー") == "Japanese"
    assert relevance.query_script("α-β pruning") == "Latin"
    assert relevance.query_script("2017 ???") == "Latin"


def test_uncovered_script_only_for_an_english_only_model():
    assert relevance.uncovered_script("跨模态检索", "all-MiniLM-L6-v2") == "Chinese"
    assert relevance.uncovered_script("跨模态检索", "paraphrase-multilingual-MiniLM-L12-v2") is None
    assert relevance.uncovered_script("跨模态检索", "/models/bge-m3") is None
    assert relevance.uncovered_script("attention is all you need", "all-MiniLM-L6-v2") is None
    assert relevance.uncovered_script("softmax over α and β", "all-MiniLM-L6-v2") is None
    msg = relevance.uncovered_message("Chinese", "all-MiniLM-L6-v2")
    assert "English only" in msg and "multilingual" in msg and relevance.SUGGESTED_MODEL in msg and "\n" not in msg


def test_floor_is_calibrated_for_the_default_model_only():
    assert relevance.floor_for("all-MiniLM-L6-v2") == 0.30
    assert relevance.floor_for("sentence-transformers/all-MiniLM-L6-v2") == 0.30
    assert relevance.floor_for("/home/me/models/all-MiniLM-L6-v2/") == 0.30
    assert relevance.floor_for("some-other-model") < 0  # no floor for an uncalibrated score scale


def test_semantic_search_refuses_an_uncovered_script_before_encoding(library):
    import pytest

    from readerapp.core import hybrid
    from readerapp.core.errors import InvalidValue

    class Model:
        name, dim = "all-MiniLM-L6-v2", 384

        def encode(self, texts):  # never called: the query is refused first
            raise AssertionError("encoded")

    with pytest.raises(InvalidValue, match="English only"):
        hybrid.semantic_search(library, "跨模态检索", model=Model())
