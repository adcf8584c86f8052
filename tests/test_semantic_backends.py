"""The embedding backends: ONNX Runtime (export once, verified), the torch
batching pipeline, and what happens with models that cannot be exported,
damaged exports and folders that are not sentence-transformers models."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from readerapp.core.semantic import model as model_mod
from readerapp.core.semantic.onnx_backend import OnnxEmbedder, pool
from readerapp.core.semantic.torch_backend import pad_batch, plan_batches

REPO = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ helpers
def _st_modules():
    try:
        from sentence_transformers.base.modules import Dense, Normalize, Transformer
        from sentence_transformers.sentence_transformer.modules import Pooling
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Dense, Normalize, Pooling, Transformer
    return Transformer, Pooling, Dense, Normalize


def make_tiny_model(folder: Path, *, pooling="mean", normalize=True, dense=False) -> Path:
    """A small random BERT as a sentence-transformers model, with the default
    model's tokenizer: exports in a few seconds."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import BertConfig, BertModel

    Transformer, Pooling, Dense, Normalize = _st_modules()
    base = folder.parent / (folder.name + "-hf")
    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=128)).save_pretrained(base)
    src = model_mod.local_folder(model_mod.DEFAULT_MODEL)
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        shutil.copy(src / name, base / name)
    tr = Transformer(str(base), max_seq_length=48)
    pl = Pooling(32, pooling_mode=pooling)
    mods = [tr, pl]
    if dense:
        mods.append(Dense(pl.get_embedding_dimension(), 16))
    if normalize:
        mods.append(Normalize())
    SentenceTransformer(modules=mods, device="cpu").save(str(folder))
    shutil.rmtree(base)
    return folder


def corpus_passages(corpus_dir: Path, limit: int = 100) -> list[str]:
    from readerapp.core.semantic.chunking import chunk_pdf_pages

    texts: list[str] = []
    for pdf in sorted(corpus_dir.glob("*.pdf")):
        chunks, _ = chunk_pdf_pages(str(pdf))
        texts.extend(c.text for c in chunks[:10])
    assert len(texts) >= limit
    return texts[:limit]


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("READERAPP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(model_mod, "_cache", {})
    return tmp_path / "cache" / "embedding-onnx"


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    base = tmp_path_factory.mktemp("tinymodels")
    return {
        "cls+max": make_tiny_model(base / "cls-max", pooling=("cls", "max"), normalize=False),
        "dense": make_tiny_model(base / "dense", dense=True),
        "mean": make_tiny_model(base / "mean"),
    }


# ------------------------------------------------------------------ pure logic (no model)
def test_pooling_modes_follow_sentence_transformers():
    import torch

    _Transformer, Pooling, _Dense, _Normalize = _st_modules()
    rng = np.random.default_rng(1)
    hidden = rng.normal(size=(3, 7, 5)).astype(np.float32)
    for side in ("right", "left"):
        mask = np.zeros((3, 7), dtype=np.int64)
        for row, n in enumerate((7, 4, 1)):
            if side == "right":
                mask[row, :n] = 1
            else:
                mask[row, 7 - n:] = 1
        for modes in (["mean"], ["cls"], ["max"], ["mean_sqrt_len_tokens"], ["weightedmean"], ["lasttoken"],
                      ["cls", "max", "mean"]):
            ref = Pooling(5, pooling_mode=tuple(modes) if len(modes) > 1 else modes[0])
            want = ref({"token_embeddings": torch.from_numpy(hidden),
                        "attention_mask": torch.from_numpy(mask)})["sentence_embedding"].numpy()
            got = pool(hidden, mask, modes)
            assert np.allclose(got, want, atol=1e-5), (side, modes)


def test_plan_batches_groups_by_length_and_covers_every_index_once():
    lengths = [5, 300, 17, 300, 1, 80, 80, 2, 999, 40]
    batches = plan_batches(lengths, 3)
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)  # longest first, little padding
    assert plan_batches([], 4) == []


def test_pad_batch_right_and_left():
    encs = [([1, 2, 3], [0, 0, 1]), ([4], [0])]
    right = pad_batch(encs, pad_id=9, pad_type_id=0)
    assert right["input_ids"].tolist() == [[1, 2, 3], [4, 9, 9]]
    assert right["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert right["token_type_ids"].tolist() == [[0, 0, 1], [0, 0, 0]]
    left = pad_batch(encs, pad_id=9, pad_type_id=0, left=True)
    assert left["input_ids"].tolist() == [[1, 2, 3], [9, 9, 4]]
    assert left["attention_mask"].tolist() == [[1, 1, 1], [0, 0, 1]]
    assert all(a.dtype == np.int64 for a in right.values())


# ------------------------------------------------------------------ the default model
@pytest.mark.semantic
def test_onnx_vectors_equal_sentence_transformers_on_corpus_passages(corpus_dir, embedding_model):
    """cosine >= 0.9999 for each of 100 real passages and 12 queries, and the
    same top-10 neighbours for each query: switching backends re-embeds nothing."""
    assert isinstance(embedding_model, OnnxEmbedder)  # the default query path
    st = model_mod.load_model(backend="torch")
    assert st.backend == "sentence-transformers" and st.name == embedding_model.name
    assert st.dim == embedding_model.dim
    texts = corpus_passages(corpus_dir)
    a = embedding_model.encode(texts)
    b = st.encode(texts)
    cos = (a.astype(np.float64) * b).sum(axis=1)
    assert a.dtype == np.float32 and a.shape == b.shape
    assert cos.min() >= 0.9999, cos.min()
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    queries = ["normalizing layer inputs over a mini-batch", "randomly dropping units during training",
               "adaptive learning rates from moment estimates", "garbage collection of list structures",
               "attention instead of recurrence", "processing large data sets on clusters",
               "residual connections for very deep networks", "word vectors from context",
               "consensus in distributed systems", "tokenizing text into subwords",
               "convolutional networks for images", "a log-structured file system"]
    qa, qb = embedding_model.encode(queries), st.encode(queries)
    assert ((qa.astype(np.float64) * qb).sum(axis=1)).min() >= 0.9999
    for i in range(len(queries)):
        top_a = np.argsort(-(a @ qa[i]))[:10].tolist()
        top_b = np.argsort(-(b @ qb[i]))[:10].tolist()
        assert top_a == top_b, queries[i]


@pytest.mark.semantic
def test_torch_pipeline_on_cpu_keeps_order_and_vectors(corpus_dir, embedding_model):
    """The CUDA pipeline's batching, threaded tokenization and reordering, run on
    the CPU: every vector comes back at its caller's position."""
    from readerapp.core.semantic.torch_backend import TorchEmbedder

    texts = corpus_passages(corpus_dir, limit=60)
    rng = np.random.default_rng(3)
    texts = [texts[i] for i in rng.permutation(len(texts))] + ["short", "", "a bit longer text here"]
    st = model_mod._load_sentence_transformer(model_mod.DEFAULT_MODEL, "cpu")
    pipe = TorchEmbedder(model_mod.DEFAULT_MODEL, st, "cpu", tokenizer_threads=2, batch_size=7)
    try:
        got = pipe.encode(texts)
    finally:
        pipe.close()
    want = embedding_model.encode(texts)
    assert got.shape == want.shape and got.dtype == np.float32
    assert ((got.astype(np.float64) * want).sum(axis=1)).min() >= 0.9999


def test_query_path_imports_neither_torch_nor_sentence_transformers(embedding_model, tmp_path):
    """Once the export exists, loading the model and encoding a query in a
    fresh process imports no torch, sentence-transformers or transformers."""
    code = ("import sys, json; from readerapp.core.semantic.model import load_model; m = load_model(); "
            "v = m.encode(['normalizing activations per mini-batch']); "
            "print(json.dumps({'backend': m.backend, 'dim': int(v.shape[1]), "
            "'heavy': [k for k in ('torch', 'sentence_transformers', 'transformers') if k in sys.modules]}))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out == {"backend": "onnx", "dim": 384, "heavy": []}


# ------------------------------------------------------------------ bad input and the cache
@pytest.mark.semantic
def test_pooling_of_the_model_config_is_used(tiny_models, own_cache):
    """A model with CLS + max pooling and no Normalize runs on ONNX with its own
    pooling: the vectors equal sentence-transformers'."""
    folder = tiny_models["cls+max"]
    manifest_modes = None
    onnx = model_mod.load_model(str(folder))
    assert onnx.backend == "onnx" and onnx.dim == 64
    manifest_modes = onnx.manifest["pooling_modes"]
    assert manifest_modes == ["cls", "max"] and onnx.manifest["normalize"] is False
    st = model_mod.load_model(str(folder), backend="torch")
    texts = ["a first sentence", "another, longer sentence about pooling tokens", "x"]
    cos = (onnx.encode(texts).astype(np.float64) * st.encode(texts)).sum(axis=1)
    assert cos.min() >= 0.9999


@pytest.mark.semantic
def test_damaged_or_partial_export_is_deleted_and_exported_again(tiny_models, own_cache, caplog):
    folder = tiny_models["mean"]
    first = model_mod.load_model(str(folder))
    export = first.folder
    good = first.encode(["check sentence"])
    onnx_file = export / "model.onnx"
    # a flipped byte in the weights: same size, caught by the SHA-256
    data = bytearray(onnx_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    onnx_file.write_bytes(bytes(data))
    model_mod._cache.clear()
    with caplog.at_level(logging.WARNING, logger="readerapp"):
        again = model_mod.load_model(str(folder))
    assert again.backend == "onnx"
    assert any("damaged" in r.getMessage() and "SHA-256" in r.getMessage() for r in caplog.records)
    assert np.allclose(again.encode(["check sentence"]), good, atol=1e-6)
    # a partial export (no manifest: the exporter was killed before the end)
    (export / "manifest.json").unlink()
    model_mod._cache.clear()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="readerapp"):
        third = model_mod.load_model(str(folder))
    assert third.backend == "onnx" and (export / "manifest.json").is_file()
    assert any("no manifest" in r.getMessage() for r in caplog.records)


@pytest.mark.semantic
def test_model_that_cannot_be_exported_runs_on_sentence_transformers_with_one_log_line(tiny_models, own_cache,
                                                                                       caplog):
    folder = tiny_models["dense"]  # a Dense layer after pooling: not on the ONNX path
    with caplog.at_level(logging.INFO, logger="readerapp"):
        m = model_mod.load_model(str(folder))
    assert m.backend == "sentence-transformers" and m.dim == 16
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "using sentence-transformers" in lines[0].getMessage()
    assert "\n" not in lines[0].getMessage() and "Dense" in lines[0].getMessage()
    assert m.encode(["still embeds"]).shape == (1, 16)
    # remembered: the next process does not try the export again (until the files change)
    model_mod._cache.clear()
    caplog.clear()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="readerapp"):
        assert model_mod.load_model(str(folder)).backend == "sentence-transformers"
    assert [r for r in caplog.records if "earlier attempt" in r.getMessage()]
    status = model_mod.backend_status(str(folder))
    assert status["query_backend"] == "sentence-transformers" and "Dense" in status["detail"]
    assert time.monotonic() - started < 30


def test_folder_that_is_not_a_sentence_transformers_model_gives_one_line(corpus_library, tmp_path, monkeypatch,
                                                                         own_cache):
    from readerapp.core import hybrid
    from readerapp.core.settings import Settings, save_settings

    plain = tmp_path / "plain-hf-model"
    plain.mkdir()
    (plain / "config.json").write_text('{"model_type": "bert"}')
    monkeypatch.setenv("READERAPP_CONFIG_DIR", str(tmp_path / "cfg"))
    save_settings(Settings(embedding_model=str(plain)))
    with pytest.raises(model_mod.ModelError) as exc:
        model_mod.load_model()
    msg = str(exc.value)
    assert "not a sentence-transformers model" in msg and "\n" not in msg and "keyword search still works" in msg
    assert "torch" not in msg
    notes = []
    hits = hybrid.search(corpus_library, "adaptive moment estimation", mode="hybrid", notice=notes.append)
    keyword = hybrid.search(corpus_library, "adaptive moment estimation", mode="keyword")
    assert hits and [h.to_json() for h in hits] == [h.to_json() for h in keyword]
    assert len(notes) == 1 and "not a sentence-transformers model" in notes[0]
    assert not own_cache.exists() or not any(own_cache.glob("*.failed.json"))


@pytest.mark.semantic
def test_preload_runs_in_the_background_and_abandon_stops_a_first_export(tiny_models, own_cache, tmp_path,
                                                                         monkeypatch):
    from readerapp.core.settings import Settings, save_settings

    folder = tmp_path / "copy"
    shutil.copytree(tiny_models["mean"], folder)  # a key of its own: a fresh export starts
    monkeypatch.setenv("READERAPP_CONFIG_DIR", str(tmp_path / "cfg"))
    save_settings(Settings(embedding_model=str(folder)))
    started = time.monotonic()
    thread = model_mod.preload()
    assert time.monotonic() - started < 0.5 and thread.daemon
    from readerapp.core.semantic import export_onnx

    deadline = time.monotonic() + 30
    while not export_onnx._children and time.monotonic() < deadline:
        time.sleep(0.05)
    assert export_onnx._children, "the export did not start in a child process"
    stop = time.monotonic()
    model_mod.abandon()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - stop < 5
    # stopping is not a failure of the model: nothing remembered, no half export left
    assert not list(own_cache.glob("*.failed.json"))
    assert not [p for p in own_cache.iterdir() if p.is_dir() and p.name != "keys"]
    assert not any(t.name == "readerapp-model-preload" for t in threading.enumerate())


@pytest.mark.semantic
def test_a_crashed_export_falls_back_and_is_tried_again_next_time(tiny_models, own_cache, tmp_path, monkeypatch,
                                                                  caplog):
    """An exporter that dies (a crash, the OOM killer) is not the model's fault:
    one log line, sentence-transformers for now, and no failure remembered."""
    folder = tmp_path / "crashy"
    shutil.copytree(tiny_models["mean"], folder)
    crash = tmp_path / "crashing-python"
    crash.write_text("#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n")
    crash.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(crash))
    with caplog.at_level(logging.WARNING, logger="readerapp"):
        m = model_mod.load_model(str(folder))
    assert m.backend == "sentence-transformers"
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "exited with status 139" in lines[0] and "Segmentation fault" in lines[0]
    assert not list(own_cache.glob("*.failed.json"))
    assert not [p for p in own_cache.iterdir() if p.is_dir() and p.name != "keys"]  # no half export left
    monkeypatch.undo()
    monkeypatch.setenv("READERAPP_CACHE_DIR", str(own_cache.parent))
    monkeypatch.setattr(model_mod, "_cache", {})
    assert model_mod.load_model(str(folder)).backend == "onnx"  # tried again: the export works now


def test_abort_stops_the_inference_running_now_and_only_that_threads(embedding_model):
    """handle.abort() from another thread (a cancelled background run, quitting) stops the
    encode() of the thread inside `abortable()` in the batch it is running (a batch of 64 long
    passages takes about 2 s here), within 300 ms: no ONNX inference is left running when the
    process exits. A search waiting meanwhile in another thread, and the same thread after the
    block, get their vectors."""
    from readerapp.core.semantic.onnx_backend import EncodeAborted

    model = embedding_model
    long_texts = ["dropout prevents co-adaptation of feature detectors " * 40] * 256
    box: dict = {}
    started = threading.Event()

    def bulk():
        with model.abortable() as handle:
            box["handle"] = handle
            started.set()
            try:
                model.encode(long_texts, batch_size=64)
                box["result"] = "finished"
            except EncodeAborted:
                box["result"] = "aborted"
            box["ended"] = time.perf_counter()
        box["later"] = model.encode(["the same thread after the block"]).shape

    def search():
        box["query"] = model.encode(["a query typed meanwhile"]).shape

    t = threading.Thread(target=bulk)
    t.start()
    assert started.wait(30)
    time.sleep(0.5)  # inside the first batch
    q = threading.Thread(target=search)
    q.start()  # waits for the batch
    aborted_at = time.perf_counter()
    box["handle"].abort()
    t.join(30)
    q.join(30)
    assert not t.is_alive() and not q.is_alive()
    assert box["result"] == "aborted" and box["ended"] - aborted_at < 0.3, (box, aborted_at)
    assert box["query"] == (1, model.dim) and box["later"] == (1, model.dim)


def test_a_late_abort_after_the_block_does_not_stop_later_work_of_a_reused_thread_id(embedding_model):
    """A job cancelled after its `abortable()` block ended (quitting cancels every job, finished
    ones included) must not mark its thread id: ids are reused by later threads, whose searches
    would fail with "the embedding was cancelled"."""
    model = embedding_model
    with model.abortable() as handle:
        assert model.encode(["inside the block"]).shape == (1, model.dim)
    handle.abort()  # late
    assert model.encode(["the same thread id, later"]).shape == (1, model.dim)
    with model.abortable():
        assert model.encode(["a new block"]).shape == (1, model.dim)
