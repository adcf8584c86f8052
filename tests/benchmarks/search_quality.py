"""Search quality per mode on the real corpus (paper level).

36 natural-language queries describe the idea of one of the corpus papers in
other words (the whole query never occurs verbatim in the paper; the harness
checks that). For each mode we report MRR@10 and recall@5 of the target paper
among the distinct papers of the ranked hits.

    .venv/bin/python tests/benchmarks/search_quality.py [--workdir DIR] [--variants]

--variants also scores the fusion variants that were compared when tuning
hybrid (the chosen one is the default of readerapp.core.hybrid).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, save  # noqa: E402

QUERIES: list[tuple[str, str]] = [
    ("bahdanau-align-and-translate.pdf", "translation model that learns where to look in the source sentence while "
                                         "producing each output word"),
    ("bahdanau-align-and-translate.pdf", "soft search over encoder states instead of squeezing the whole sentence "
                                         "into one fixed vector"),
    ("bahdanau-align-and-translate.pdf", "bidirectional recurrent encoder with a learned alignment for English to "
                                         "French"),
    ("girshick-fast-rcnn.pdf", "faster object detector that pools features for each proposal region from one shared "
                               "convolutional map"),
    ("girshick-fast-rcnn.pdf", "single-stage training that jointly learns to classify objects and refine their boxes"),
    ("girshick-fast-rcnn.pdf", "speeding up region-based detectors by sharing computation across object proposals"),
    ("goodfellow-gan.pdf", "two networks play a minimax game where one forges samples and the other tries to spot "
                           "the fakes"),
    ("goodfellow-gan.pdf", "generative model trained by pitting a generator against a discriminator"),
    ("goodfellow-gan.pdf", "learning to synthesize images without Markov chains or approximate inference"),
    ("ioffe-batch-norm.pdf", "the paper that normalizes activations over each mini-batch"),
    ("ioffe-batch-norm.pdf", "reducing the drift of layer input distributions during training to allow higher "
                             "learning rates"),
    ("ioffe-batch-norm.pdf", "making each layer's inputs zero mean and unit variance inside the network"),
    ("johnson-2q.pdf", "cache eviction policy for database pages that filters out pages referenced only once"),
    ("johnson-2q.pdf", "improving on least recently used replacement with two queues that is cheap to run"),
    ("johnson-2q.pdf", "buffer pool replacement scheme approaching LRU/2 hit rates at constant cost per access"),
    ("kingma-adam.pdf", "optimizer that adapts per-parameter step sizes from running estimates of the first and "
                        "second moments of gradients"),
    ("kingma-adam.pdf", "first-order gradient method that corrects the bias of its moving averages"),
    ("kingma-adam.pdf", "stochastic optimization that copes with noisy and sparse gradients with little tuning"),
    ("lampson-hints.pdf", "advice and rules of thumb for designing computer systems, drawn from experience"),
    ("lampson-hints.pdf", "slogans about interfaces: keep it simple, do one thing well, use brute force when in doubt"),
    ("lampson-hints.pdf", "lessons on speed, fault tolerance and functionality when building operating systems"),
    ("scanned-lisp2-gc.pdf", "reclaiming unused memory in a list processing language by marking and compacting "
                             "storage"),
    ("scanned-lisp2-gc.pdf", "an early memory reclamation scheme that relocates live cells and updates the pointers "
                             "to them"),
    ("scanned-lisp2-gc.pdf", "storage management for LISP that slides the active data together"),
    ("srivastava-dropout.pdf", "randomly switching off units during training so that they do not co-adapt"),
    ("srivastava-dropout.pdf", "regularizing big neural nets by sampling thinned subnetworks and averaging them at "
                               "test time"),
    ("srivastava-dropout.pdf", "preventing overfitting by omitting hidden neurons at random"),
    ("sutskever-seq2seq.pdf", "one LSTM reads the input sentence into a vector and another LSTM writes the "
                              "translation"),
    ("sutskever-seq2seq.pdf", "reversing the order of the source words makes learning translation with recurrent "
                              "nets easier"),
    ("sutskever-seq2seq.pdf", "a general end-to-end approach mapping variable-length input sequences to output "
                              "sequences"),
    ("vinyals-show-and-tell.pdf", "generating natural-language descriptions of photos with a CNN encoder and an RNN "
                                  "decoder"),
    ("vinyals-show-and-tell.pdf", "automatic captioning of pictures trained end to end"),
    ("vinyals-show-and-tell.pdf", "describe the content of an image in a sentence using neural networks"),
    ("wang-shazam.pdf", "identifying a song from a short noisy phone recording using spectrogram peak fingerprints"),
    ("wang-shazam.pdf", "music recognition robust to noise by hashing pairs of time-frequency landmarks"),
    ("wang-shazam.pdf", "fast lookup of short audio clips in a large database of tracks"),
]


def _flat(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def check_not_verbatim(lib, ids: dict[str, int]) -> None:
    """No query occurs verbatim (punctuation and case ignored) in its paper."""
    import pymupdf

    for fname, query in QUERIES:
        with pymupdf.open(CORPUS / fname) as doc:
            text = _flat(" ".join(page.get_text() for page in doc))
        assert _flat(query) not in text, f"query occurs verbatim in {fname}: {query}"


def paper_ranking(hits) -> list[int]:
    out: list[int] = []
    for h in hits:
        if h.paper_id not in out:
            out.append(h.paper_id)
    return out


def score(rankings: list[tuple[int, list[int]]]) -> dict:
    mrr = recall5 = 0.0
    for target, ranked in rankings:
        top = ranked[:10]
        if target in top:
            mrr += 1.0 / (top.index(target) + 1)
        recall5 += target in ranked[:5]
    n = len(rankings)
    return {"mrr@10": round(mrr / n, 4), "recall@5": round(recall5 / n, 4)}


def build(workdir: Path) -> Path:
    from readerapp.core.importer import import_paths
    from readerapp.core.library import Library
    from readerapp.core.semantic import embedder

    folder = workdir / "quality-lib"
    if (folder / "ready").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    with Library(folder) as lib:
        import_paths(lib, [CORPUS])
        embedder.run(lib)
    (folder / "ready").write_text("ok")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--variants", action="store_true")
    ap.add_argument("--limit", type=int, default=20)
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="readerapp-quality-"))
    workdir.mkdir(parents=True, exist_ok=True)

    from readerapp.core import hybrid
    from readerapp.core.library import Library
    from readerapp.core.semantic.model import load_model

    folder = build(workdir)
    model = load_model()
    with Library(folder) as lib:
        ids = {Path(r["path"]).name: r["paper_id"] for r in lib.all_files()}
        check_not_verbatim(lib, ids)
        results: dict[str, dict] = {}
        per_query: dict[str, list] = {}
        modes = list(hybrid.MODES)
        timings: dict[str, float] = {}
        for mode in modes:
            rankings = []
            t0 = time.perf_counter()
            for fname, query in QUERIES:
                hits = hybrid.search(lib, query, mode=mode, limit=args.limit, model=model)
                ranked = paper_ranking(hits)
                rankings.append((ids[fname], ranked))
                per_query.setdefault(query, []).append(ranked.index(ids[fname]) + 1 if ids[fname] in ranked
                                                       else None)
            timings[mode] = round((time.perf_counter() - t0) / len(QUERIES) * 1000, 1)
            results[mode] = score(rankings)
        variants = {}
        if args.variants:
            for name, kwargs in hybrid.FUSION_VARIANTS.items():
                rankings = []
                for fname, query in QUERIES:
                    hits = hybrid.search(lib, query, mode="hybrid", limit=args.limit, model=model, fusion=kwargs)
                    rankings.append((ids[fname], paper_ranking(hits)))
                variants[name] = score(rankings)
    out = {"queries": len(QUERIES), "papers": len(ids), "model": model.name, "modes": results,
           "ms_per_query": timings,
           "rank_of_target_per_query": {q: dict(zip(modes, r)) for q, r in per_query.items()}}
    if variants:
        out["hybrid_variants"] = variants
    save("search_quality", out)
    best = max(results["keyword"]["mrr@10"], results["semantic"]["mrr@10"])
    if results["hybrid"]["mrr@10"] < best:
        print(f"WARNING: hybrid MRR@10 {results['hybrid']['mrr@10']} < best single mode {best}")


if __name__ == "__main__":
    main()
