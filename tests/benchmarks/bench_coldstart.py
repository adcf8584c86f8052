"""Semantic search from a cold process: `readerapp search QUERY --mode hybrid`
wall time (process start to exit) with the ONNX backend (the default) against
the plain library path (sentence-transformers + torch, forced with
READERAPP_EMBEDDING_BACKEND=torch), alternating in the same run on the same
embedded corpus library. Target: <= 1.5 s with ONNX. Also checks that both
give the same hits, and times the first-use export once (in a fresh cache).

    .venv/bin/python tests/benchmarks/bench_coldstart.py [--rounds 3] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, percentile, save  # noqa: E402

QUERIES = ["normalizing activations per mini-batch", "randomly dropping units while training",
           "garbage collection of list structures"]


def _search(lib: Path, query: str, env: dict) -> tuple[float, list]:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "readerapp", "--library", str(lib), "search", query, "--mode", "hybrid",
                        "--json"], capture_output=True, text=True, env=env, cwd=REPO)
    wall = time.perf_counter() - t
    if r.returncode != 0 or "note:" in r.stderr:
        raise SystemExit(f"search failed or fell back to keywords: {r.stderr.strip()}")
    return wall, json.loads(r.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="readerapp-coldstart-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cache = workdir / "cache"
    env = dict(os.environ, READERAPP_CACHE_DIR=str(cache), PYTHONPATH=str(REPO))

    os.environ["READERAPP_CACHE_DIR"] = str(cache)
    from search_quality import build

    lib = build(workdir)  # the corpus, imported and embedded
    # first use: the export (once per model and machine)
    fresh = dict(env, READERAPP_CACHE_DIR=str(workdir / "fresh-cache"))
    first_use, _ = _search(lib, QUERIES[0], fresh)
    onnx, plain = [], []
    same = True
    for r in range(args.rounds):  # ABBA: drift of the machine's load cancels out
        for q in QUERIES:
            order = (("onnx", env), ("torch", dict(env, READERAPP_EMBEDDING_BACKEND="torch")))
            results = {}
            for name, e in (order if r % 2 == 0 else order[::-1]):
                wall, hits = _search(lib, q, e)
                (onnx if name == "onnx" else plain).append(wall)
                results[name] = [(h["paper_id"], h["page"]) for h in hits]
            same &= results["onnx"] == results["torch"]
    keyword = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "readerapp", "--library", str(lib), "search", QUERIES[0]],
                       capture_output=True, env=env, cwd=REPO, check=True)
        keyword.append(time.perf_counter() - t)
    save("bench_coldstart", {
        "library": "the 12 corpus papers, embedded",
        "runs_per_backend": len(onnx),
        "hybrid_onnx_s": {"p50": round(percentile(onnx, 50), 2), "max": round(max(onnx), 2)},
        "hybrid_sentence_transformers_s": {"p50": round(percentile(plain, 50), 2), "max": round(max(plain), 2)},
        "speedup_p50": round(percentile(plain, 50) / percentile(onnx, 50), 1),
        "keyword_s_p50": round(percentile(keyword, 50), 2),
        "same_hits_both_backends": same,
        "first_use_with_export_s": round(first_use, 1),
        "target_s": 1.5,
    })


if __name__ == "__main__":
    main()
