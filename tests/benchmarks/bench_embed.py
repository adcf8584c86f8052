"""Embedding pipeline throughput against plain `model.encode` on the same passages.

The passages are those of the real corpus (chunked by readerapp). In the same
run, alternately: (a) sentence-transformers' own `encode` of all passage texts
(batch size 32, the library's default), and (b) readerapp's pipeline
`embedder.embed_missing` on the same library with its vectors cleared (reading
passages from SQLite, encoding with the bulk backend — ONNX Runtime on a
CPU —, float16 + sign codes, writing, progress and cancel checks). Reports
passages/s and the ratio (target >= 1.0), and the cosine between the two.

    .venv/bin/python tests/benchmarks/bench_embed.py [--rounds 2] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import save  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--passages", type=int, default=200, help="passages per round (the first N of the corpus)")
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="readerapp-embed-"))
    workdir.mkdir(parents=True, exist_ok=True)

    import numpy as np
    import torch
    from search_quality import build

    from readerapp.core.library import Library
    from readerapp.core.semantic import embedder
    from readerapp.core.semantic.model import DEFAULT_MODEL, _load_sentence_transformer, load_model

    folder = build(workdir)
    model = load_model(purpose="bulk")
    st = _load_sentence_transformer(DEFAULT_MODEL, "cpu")
    with Library(folder) as lib:
        with lib.lock:
            texts = [r[0] for r in lib.idx.execute("SELECT text FROM chunks ORDER BY id LIMIT ?", (args.passages,))]
            lib.idx.execute("DELETE FROM chunks WHERE id NOT IN (SELECT id FROM chunks ORDER BY id LIMIT ?)",
                            (args.passages,))
            lib.idx.commit()
        model.encode(texts[:64])  # warm up
        st.encode(texts[:64])
        plain, pipeline = [], []
        vectors = {}

        def run_plain():
            t0 = time.perf_counter()
            vectors["plain"] = st.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True,
                                         show_progress_bar=False)
            plain.append(time.perf_counter() - t0)

        def run_pipeline():
            with lib.index_transaction() as conn:
                conn.execute("DELETE FROM vectors")
            t0 = time.perf_counter()
            done = embedder.embed_missing(lib, model, progress=lambda *a: None, cancel=lambda: False)
            pipeline.append(time.perf_counter() - t0)
            assert done == len(texts)

        for r in range(args.rounds):  # ABBA order: drift of the machine's load cancels out
            for step in ((run_plain, run_pipeline) if r % 2 == 0 else (run_pipeline, run_plain)):
                step()
        vectors["backend"] = model.encode(texts)
    n = len(texts)
    cos = (vectors["plain"].astype(np.float64) * vectors["backend"]).sum(axis=1)
    best_plain, best_pipe = min(plain), min(pipeline)
    paired = sorted(p / q for p, q in zip(plain, pipeline))
    save("bench_embed", {
        "passages": n,
        "words_per_passage": round(sum(len(t.split()) for t in texts) / n, 1),
        "device": model.device,
        "backend": model.backend_label,
        "min_cosine_backend_vs_plain": round(float(cos.min()), 6),
        "torch_threads": torch.get_num_threads(),
        "plain_encode_s": [round(t, 2) for t in plain],
        "pipeline_s": [round(t, 2) for t in pipeline],
        "plain_passages_per_s": round(n / best_plain, 1),
        "pipeline_passages_per_s": round(n / best_pipe, 1),
        "ratio_total": round(sum(plain) / sum(pipeline), 3),
        "ratio_best": round(best_plain / best_pipe, 3),
        "ratio_median_paired": round(paired[len(paired) // 2] if len(paired) % 2 else
                                     (paired[len(paired) // 2 - 1] + paired[len(paired) // 2]) / 2, 3),
        "target_ratio": 1.0,
    })


if __name__ == "__main__":
    main()
