"""Keyword search latency on a generated library of 10,000 papers / 150,000 pages.

Pages are sampled from the word distribution of the real corpus (so term
frequencies look like papers, not like uniform noise). The library is built
once (kept in --workdir), then a fresh process opens it and runs the queries,
so the reported memory is that of a search process.

    .venv/bin/python tests/benchmarks/bench_search.py [--papers 10000] [--pages-per-paper 15]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, percentile, save  # noqa: E402

WORDS_PER_PAGE = 350


def vocabulary() -> tuple[list[str], list[float]]:
    import pymupdf

    counts: Counter[str] = Counter()
    for pdf in CORPUS.glob("*.pdf"):
        with pymupdf.open(pdf) as doc:
            for page in doc:
                counts.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]{1,20}", page.get_text()))
    words, freqs = zip(*counts.most_common())
    total = sum(freqs)
    return list(words), [f / total for f in freqs]


def build(folder: Path, papers: int, pages_per_paper: int, seed: int = 7) -> dict:
    import numpy as np

    from readerapp.core.library import Library

    words, probs = vocabulary()
    rng = np.random.default_rng(seed)
    vocab = np.array(words, dtype=object)
    t = time.perf_counter()
    with Library(folder) as lib:
        for i in range(papers):
            idx = rng.choice(len(vocab), size=(pages_per_paper, WORDS_PER_PAGE), p=probs)
            pages = [" ".join(vocab[row]) for row in idx]
            title = " ".join(vocab[rng.choice(len(vocab), size=8, p=probs)]).title()
            pid = lib.create_paper_with_file(
                {"title": title, "authors": [f"Author {i}"], "year": 1990 + i % 35},
                sha256=f"{i:064x}", path=f"/generated/{i}.pdf", size=1, pages=pages_per_paper, text_status="ok")
            lib.store_pages(pid, f"{i:064x}", pages, "ok")
            if i % 1000 == 999:
                print(f"  {i + 1} papers, {time.perf_counter() - t:.0f} s", file=sys.stderr)
        lib.idx.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
    return {"build_s": round(time.perf_counter() - t, 1), "vocabulary": len(words)}


def queries(n: int, seed: int = 11) -> list[str]:
    import numpy as np

    words, _ = vocabulary()
    rng = np.random.default_rng(seed)
    pool = words[30:5000]  # skip the most common function words, as people do
    out = []
    for i in range(n):
        k = 1 + i % 3
        out.append(" ".join(pool[j] for j in rng.choice(len(pool), size=k, replace=False)))
    return out


def run_queries(folder: str, qs: list[str]) -> dict:
    import resource

    from readerapp.core.library import Library

    times = []
    with Library(folder) as lib:
        lib.search("warm up query")
        for q in qs:
            t = time.perf_counter()
            hits = lib.search(q, limit=20)
            times.append(time.perf_counter() - t)
            assert all(h.snippet for h in hits)
    return {"times": times, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--papers", type=int, default=10_000)
    ap.add_argument("--pages-per-paper", type=int, default=15)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--workdir", default="/tmp/readerapp-bench-search")
    ap.add_argument("--_child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        folder, qfile = args._child
        print(json.dumps(run_queries(folder, json.loads(Path(qfile).read_text()))))
        return
    folder = Path(args.workdir) / f"lib-{args.papers}x{args.pages_per_paper}"
    built = {}
    if not (folder / "index.sqlite3").exists():
        built = build(folder, args.papers, args.pages_per_paper)
    qs = queries(args.queries)
    qfile = Path(args.workdir) / "queries.json"
    qfile.write_text(json.dumps(qs))
    out = subprocess.run([sys.executable, __file__, "--_child", str(folder), str(qfile)], capture_output=True,
                         text=True, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    ms = [t * 1000 for t in data["times"]]
    by_len = {n: [m for q, m in zip(qs, ms) if len(q.split()) == n] for n in (1, 2, 3)}
    save("search", {
        "papers": args.papers, "pages": args.papers * args.pages_per_paper, "queries": len(qs), **built,
        "index_mb": round((folder / "index.sqlite3").stat().st_size / 2**20),
        "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms), 1),
        "p95_ms_by_words": {n: round(percentile(v, 95), 1) for n, v in by_len.items()},
        "search_process_max_rss_mb": round(data["max_rss_mb"]),
        "target": "p95 <= 50 ms with snippets, process < 300 MB",
    })


if __name__ == "__main__":
    main()
