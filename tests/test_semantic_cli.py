"""`readerapp search --mode`, `readerapp embed` and `readerapp similar`, run as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from test_cli import HIT_KEYS, cli_library, run  # noqa: F401  (cli_library: a fixture)
from pdfgen import make_pdf


@pytest.fixture
def embedded_copy(_embedded_corpus_template, tmp_path):
    folder = tmp_path / "lib"
    shutil.copytree(_embedded_corpus_template, folder)
    return folder


def ids_by_file(folder) -> dict[str, int]:
    papers = json.loads(run(["list", "--json"], library=folder).stdout)
    return {p["path"].rsplit("/", 1)[-1]: p["id"] for p in papers}


@pytest.mark.semantic
def test_search_modes_same_json_and_filters(embedded_copy):
    ids = ids_by_file(embedded_copy)
    q = "the paper that normalizes activations over each mini-batch"
    for mode in ("semantic", "hybrid"):
        r = run(["search", q, "--mode", mode, "--json", "--limit", "5"], library=embedded_copy)
        assert r.returncode == 0, r.stderr
        hits = json.loads(r.stdout)
        assert hits and all(list(h) == HIT_KEYS for h in hits)
        assert hits[0]["paper_id"] == ids["ioffe-batch-norm.pdf"] and hits[0]["page"] >= 1
    adam = ids["kingma-adam.pdf"]
    r = run(["search", "bias correction of moving averages", "--mode", "semantic", "--paper", str(adam), "--json"],
            library=embedded_copy)
    assert {h["paper_id"] for h in json.loads(r.stdout)} == {adam}
    r = run(["search", "bias correction of moving averages", "--mode", "hybrid", "--year", "1900"],
            library=embedded_copy)
    assert r.returncode == 0 and "no matches" in r.stderr

    r = run(["similar", str(ids["sutskever-seq2seq.pdf"]), "--json", "--limit", "3"], library=embedded_copy)
    assert r.returncode == 0, r.stderr
    similar = json.loads(r.stdout)
    assert ids["bahdanau-align-and-translate.pdf"] in [h["paper_id"] for h in similar]
    assert all(list(h) == HIT_KEYS for h in similar)


def test_bad_queries_and_a_model_that_cannot_load(cli_library, tmp_path):
    for query, message in (("", "empty"), ("?!... --", "only punctuation"), ("the of and", "only common words")):
        r = run(["search", query, "--mode", "semantic"], library=cli_library)
        assert r.returncode == 2 and message in r.stderr and r.stderr.count("\n") == 1, r.stderr
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "settings.json").write_text(json.dumps({"embedding_model": "no-such-org/no-such-model"}))
    env = {"READERAPP_CONFIG_DIR": str(tmp_path / "cfg")}
    keyword = run(["search", "adaptive moment estimation", "--json"], library=cli_library, env=env)
    hybrid = run(["search", "adaptive moment estimation", "--json", "--mode", "hybrid"], library=cli_library, env=env)
    assert hybrid.returncode == 0 and json.loads(hybrid.stdout) == json.loads(keyword.stdout) != []
    notes = [line for line in hybrid.stderr.splitlines() if line.startswith("readerapp: note:")]
    assert len(notes) == 1 and "no-such-org/no-such-model" in notes[0] and "cannot be loaded" in notes[0]
    r = run(["search", "adaptive moment estimation", "--mode", "semantic"], library=cli_library, env=env)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "cannot be loaded" in r.stderr
    r = run(["embed"], library=cli_library, env=env)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "cannot be loaded" in r.stderr
    query = ("moment " * 1500)[:10000]  # 10,000 characters: shortened, with one notice, and searched
    for mode in ("keyword", "hybrid"):
        long = run(["search", query, "--mode", mode, "--json"], library=cli_library, env=env)
        assert long.returncode == 0 and json.loads(long.stdout)
        assert "readerapp: note: the query was shortened to its first 2000 characters" in long.stderr


def test_keyword_search_never_imports_torch(cli_library):
    code = ("import sys; from readerapp.cli import main; "
            f"main(['--library', {str(cli_library)!r}, 'search', 'adam', '--json']); "
            "print('HEAVY', 'torch' in sys.modules or 'sentence_transformers' in sys.modules, file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY False" in r.stderr, r.stderr


@pytest.mark.semantic
def test_embed_command_status_and_resume(tmp_path):
    lib = tmp_path / "lib"
    text = " ".join(f"passage{i % 40} about embeddings" for i in range(50))
    files = [make_pdf(tmp_path / f"s{i}.pdf", [text, text + " more"], title=f"Small paper {i}") for i in range(2)]
    assert run(["import", *map(str, files)], library=lib).returncode == 0
    status = json.loads(run(["embed", "--status", "--json"], library=lib).stdout)
    assert status["queued"] >= 2 and status["vectors"] == 0
    r = run(["embed", "--json"], library=lib)
    assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)
    assert stats["papers"] == 2 and stats["embedded"] >= 4 and stats["failed"] == []
    status = json.loads(run(["embed", "--status", "--json"], library=lib).stdout)
    assert status["queued"] == 0 and status["vectors"] == status["chunks"] and status["model"] == "all-MiniLM-L6-v2"
    r = run(["embed"], library=lib)  # nothing changed: nothing embedded again
    assert r.returncode == 0 and r.stdout.startswith("embedded 0 passage(s)")


@pytest.mark.semantic
def test_hybrid_search_from_a_cold_process_uses_onnx_without_torch(embedded_copy, embedding_model):
    """`readerapp search --mode hybrid` in a fresh process, once the model is
    exported: semantic hits, and neither torch nor sentence-transformers imported."""
    code = ("import sys; from readerapp.cli import main; "
            f"rc = main(['--library', {str(embedded_copy)!r}, 'search', "
            "'the paper that normalizes activations over each mini-batch', '--mode', 'hybrid', '--json']); "
            "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]; "
            "print('HEAVY', heavy, rc, file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY [] 0" in r.stderr, r.stderr
    hits = json.loads(r.stdout)
    assert hits and "note:" not in r.stderr  # no "keyword results only" notice: the semantic side ran


@pytest.mark.semantic
def test_embed_status_says_which_backend_runs(embedded_copy, embedding_model):
    status = json.loads(run(["embed", "--status", "--json"], library=embedded_copy).stdout)
    backend = status["backend"]
    assert backend["query_backend"] == "onnx" and backend["bulk_backend"] == "onnx"
    assert backend["onnx_export"] and backend["model"] == "all-MiniLM-L6-v2"
    text = run(["embed", "--status"], library=embedded_copy)
    assert text.returncode == 0
    assert "backend: ONNX Runtime (CPU) for queries and embedding; ONNX export in" in text.stdout
    forced = run(["embed", "--status"], library=embedded_copy,
                 env={"READERAPP_EMBEDDING_BACKEND": "torch"})
    assert "backend: sentence-transformers (torch) for queries and embedding" in forced.stdout
