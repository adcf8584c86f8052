"""Vector store at scale: query latency (end to end, query encoding included),
recall@10 against exact search, and memory, at 250,000 and 1,000,000 chunks.

Synthetic vectors follow the real embedding distribution: each one mixes a few
real MiniLM passage vectors of the corpus (centered) with Gaussian weights plus
isotropic noise of the real residual size, then is normalized; the real corpus
vectors are planted among them. Queries are the 36 paraphrase queries of
search_quality.py and 64 real passages. Exact top 10 comes from a brute-force
float32 scan of every vector in the build process; a fresh process then opens
the library, loads the model, measures recall@10 of the store for all 100
query vectors, then times the 36 text queries three times end to end through
the same code as the app (readerapp.core.hybrid.semantic_search: query
encoding, vector search, passages and titles), so the reported memory is that
of a search process.

    .venv/bin/python tests/benchmarks/bench_vectors.py [--sizes 250000,1000000] [--workdir DIR]
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
from _common import percentile, save  # noqa: E402

CHUNKS_PER_PAPER = 40
N_QUERIES = 100


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def real_vectors(workdir: Path):
    """Real passage vectors of the corpus and the quality query vectors."""
    import numpy as np

    from readerapp.core.library import Library
    from readerapp.core.semantic.model import load_model
    from search_quality import QUERIES, build

    folder = build(workdir)
    with Library(folder) as lib:
        with lib.lock:
            rows = lib.idx.execute("SELECT vec FROM vectors").fetchall()
    passages = np.frombuffer(b"".join(r[0] for r in rows), dtype=np.float16).reshape(len(rows), -1)
    queries = load_model().encode([q for _, q in QUERIES])
    return passages.astype(np.float32), queries


def synthetic(real, n: int, rng):
    import numpy as np

    mu = real.mean(axis=0)
    centered = real - mu
    resid = float(np.sqrt((centered ** 2).sum(axis=1).mean()))
    out = np.empty((n, real.shape[1]), dtype=np.float16)
    step = 50000
    for start in range(0, n, step):
        m = min(step, n - start)
        idx = rng.integers(0, len(real), size=(m, 4))
        w = rng.normal(size=(m, 4, 1)).astype(np.float32) * 0.5
        v = mu + (centered[idx] * w).sum(axis=1)
        v += rng.normal(size=v.shape).astype(np.float32) * (0.5 * resid / np.sqrt(real.shape[1]))
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        out[start:start + m] = v
    return out


def build_library(folder: Path, vectors, real_count: int) -> float:
    """A library whose index holds `vectors` (float16, unit) as page chunks."""
    import numpy as np

    from readerapp.core.library import Library, now_iso
    from readerapp.core.semantic.model import DEFAULT_MODEL
    from readerapp.core.semantic.store import pack_codes

    t0 = time.perf_counter()
    n, dim = vectors.shape
    papers = (n + CHUNKS_PER_PAPER - 1) // CHUNKS_PER_PAPER
    center = vectors[:20000].astype(np.float32).mean(axis=0)
    with Library(folder) as lib:
        ts = now_iso()
        with lib.transaction() as conn:
            conn.executemany("INSERT INTO papers (id, title, date_added, date_modified) VALUES (?, ?, ?, ?)",
                             ((p + 1, f"Synthetic paper {p + 1}", ts, ts) for p in range(papers)))
        with lib.index_transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO embed_model (id, name, dim, center, generation)"
                         " VALUES (1, ?, ?, ?, 1)", (DEFAULT_MODEL, dim, center.tobytes()))
            conn.execute("DELETE FROM embed_queue")
        step = 50000
        for start in range(0, n, step):
            block = vectors[start:start + step]
            codes = pack_codes(block.astype(np.float32), center)
            with lib.index_transaction() as conn:
                conn.executemany(
                    "INSERT INTO chunks (id, paper_id, kind, page, x0, y0, x1, y1, text, content_hash)"
                    " VALUES (?, ?, 'page', ?, 72, 72, 540, 300, ?, '')",
                    ((start + i + 1, (start + i) // CHUNKS_PER_PAPER + 1, (start + i) % CHUNKS_PER_PAPER // 4 + 1,
                      "synthetic passage" if start + i >= real_count else f"real passage {start + i}")
                     for i in range(len(block))))
                conn.executemany("INSERT INTO vectors (chunk_id, vec, code) VALUES (?, ?, ?)",
                                 ((start + i + 1, block[i].tobytes(), codes[i].tobytes()) for i in range(len(block))))
        lib.idx.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - t0


def exact_top10(vectors, queries) -> list[list[int]]:
    import numpy as np

    best = [np.zeros(0, dtype=np.int64)] * len(queries)
    best_s = [np.zeros(0, dtype=np.float32)] * len(queries)
    q = queries.astype(np.float32).T
    for start in range(0, len(vectors), 100000):
        scores = vectors[start:start + 100000].astype(np.float32) @ q  # (m, Q)
        for j in range(len(queries)):
            top = np.argpartition(-scores[:, j], 9)[:10]
            best[j] = np.concatenate([best[j], top + start + 1])
            best_s[j] = np.concatenate([best_s[j], scores[top, j]])
    out = []
    for j in range(len(queries)):
        order = np.argsort(-best_s[j])[:10]
        out.append([int(i) for i in best[j][order]])
    return out


def measure(folder: Path, cases_file: Path) -> dict:
    """Run in a fresh process: model load, index load, queries."""
    import numpy as np

    base = rss_mb()
    from readerapp.core import hybrid
    from readerapp.core.library import Library
    from readerapp.core.semantic.model import load_model
    from readerapp.core.semantic.store import index_for

    cases = json.loads(cases_file.read_text())
    model = load_model()
    model.encode(["warm up"])
    with Library(folder) as lib:
        after_model = rss_mb()
        t0 = time.perf_counter()
        index = index_for(lib)
        index.load(lib)
        load_s = time.perf_counter() - t0
        after_load = rss_mb()
        from readerapp.core.semantic.store import search

        times, text_times, recalls = [], [], []
        for case in cases:
            qv = np.asarray(case["vector"], dtype=np.float32)
            t0 = time.perf_counter()
            got = [cid for cid, _ in search(lib, index, qv, 10)]
            times.append((time.perf_counter() - t0) * 1000)
            recalls.append(len(set(got) & set(case["exact"])) / 10)
        texts = [case["text"] for case in cases if case["text"] is not None]
        for _ in range(3):  # end to end as the app runs it: encode the query, search, fetch the passages
            for text in texts:
                t0 = time.perf_counter()
                hits = hybrid.semantic_search(lib, text, limit=10, model=model)
                text_times.append((time.perf_counter() - t0) * 1000)
                assert hits
        after = rss_mb()
    return {
        "index_load_s": round(load_s, 2),
        "codes_mb": round(index.nbytes / 2**20, 1),
        "rss_start_mb": round(base, 1),
        "rss_model_loaded_mb": round(after_model, 1),
        "rss_index_loaded_mb": round(after_load, 1),
        "rss_after_queries_mb": round(after, 1),
        "vector_memory_mb": round(after - after_model, 1),
        "end_to_end_ms_p50": round(percentile(text_times, 50), 1),
        "end_to_end_ms_p95": round(percentile(text_times, 95), 1),
        "end_to_end_ms_max": round(max(text_times), 1),
        "end_to_end_queries": len(text_times),
        "vector_search_ms_p50": round(percentile(times, 50), 1),
        "vector_search_ms_p95": round(percentile(times, 95), 1),
        "recall@10": round(float(np.mean(recalls)), 4),
        "recall@10_min": round(float(np.min(recalls)), 2),
        "recall_queries": len(cases),
    }


def run_measure(folder: Path, cases_file: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, __file__, "--measure", str(folder), str(cases_file)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="250000,1000000")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--reuse", action="store_true", help="measure libraries left in --workdir by an earlier run")
    ap.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), Path(args.measure[1]))))
        return
    import numpy as np

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="readerapp-vectors-"))
    workdir.mkdir(parents=True, exist_ok=True)
    real, query_vecs = real_vectors(workdir)
    from search_quality import QUERIES

    rng = np.random.default_rng(7)
    held = rng.choice(len(real), size=N_QUERIES - len(QUERIES), replace=False)
    results = {}
    for n in (int(s) for s in args.sizes.split(",")):
        folder = workdir / f"lib-{n}"
        cases_file = workdir / f"cases-{n}.json"
        if args.reuse and (folder / "ready").exists() and cases_file.exists():
            results[str(n)] = run_measure(folder, cases_file)
            print(n, results[str(n)], file=sys.stderr)
            continue
        t0 = time.perf_counter()
        vectors = synthetic(real, n, rng)
        vectors[:len(real)] = real.astype(np.float16)  # the real passages are among them
        gen_s = time.perf_counter() - t0
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
        build_s = build_library(folder, vectors, len(real))
        queries = [(q, query_vecs[i]) for i, (_, q) in enumerate(QUERIES)]
        queries += [(None, real[i] + rng.normal(size=real.shape[1]).astype(np.float32) * 0.02) for i in held]
        qmat = np.stack([v / np.linalg.norm(v) for _, v in queries])
        exact = exact_top10(vectors, qmat)
        cases = [{"text": text, "vector": [float(x) for x in qmat[i]], "exact": exact[i]}
                 for i, (text, _) in enumerate(queries)]
        cases_file.write_text(json.dumps(cases))
        (folder / "ready").write_text("ok")
        del vectors
        res = run_measure(folder, cases_file)
        res.update({"generate_s": round(gen_s, 1), "build_db_s": round(build_s, 1),
                    "db_mb": round(sum(f.stat().st_size for f in folder.glob("index.sqlite3*")) / 2**20)})
        results[str(n)] = res
        print(n, res, file=sys.stderr)
    save("bench_vectors", {"chunks": results, "dim": int(real.shape[1]),
                           "targets": {"p95_ms_250k": 100, "p95_ms_1m": 200, "mb_1m": 200, "recall@10": 0.99}})


if __name__ == "__main__":
    main()
