"""Calibrate the relevance floor for semantic hits (readerapp.core.semantic.relevance).

On the real corpus, embedded with the default model: the cosine score of the best passage of the
target paper for the 36 paraphrase queries of search_quality.py (relevant), against the best
passage of any paper for off-topic queries (nothing in the corpus is about them). The floor must
keep every relevant best hit and drop the off-topic ones.

    .venv/bin/python tests/benchmarks/calibrate_floor.py [--workdir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import save  # noqa: E402
from search_quality import QUERIES, build  # noqa: E402

OFF_TOPIC = [
    "recipe for a chocolate cake with buttercream frosting", "who won the football world cup final",
    "best hiking trails in the alps in summer", "how to repot an orchid", "medieval castle architecture in wales",
    "tax deductions for self-employed freelancers", "symptoms of vitamin d deficiency", "knitting a wool scarf",
    "the plot of a famous opera by verdi", "changing the oil of a motorcycle", "birdwatching at the seaside",
    "wedding dress fashion trends", "growing tomatoes on a balcony", "the history of the roman empire",
    "ski resort prices this winter", "training a puppy to sit", "jazz saxophone improvisation",
    "baking sourdough bread at home", "volcano eruptions in iceland", "a poem about autumn leaves",
    "renting an apartment in paris", "yoga poses for back pain", "coffee brewing with a french press",
    "the rules of cricket",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="readerapp-floor-"))
    workdir.mkdir(parents=True, exist_ok=True)
    from readerapp.core.hybrid import semantic_search
    from readerapp.core.library import Library
    from readerapp.core.semantic.model import load_model

    folder = build(workdir)
    model = load_model()
    relevant, off = [], []
    with Library(folder) as lib:
        ids = {Path(r["path"]).name: r["paper_id"] for r in lib.all_files()}
        for fname, query in QUERIES:
            hits = semantic_search(lib, query, limit=50, model=model, min_score=-1.0)
            own = [h.score for h in hits if h.paper_id == ids[fname]]
            relevant.append(round(max(own) if own else 0.0, 4))
        for query in OFF_TOPIC:
            hits = semantic_search(lib, query, limit=5, model=model, min_score=-1.0)
            off.append(round(hits[0].score if hits else 0.0, 4))
    out = {"model": model.name, "relevant_best": sorted(relevant), "off_topic_top": sorted(off),
           "min_relevant": min(relevant), "max_off_topic": max(off)}
    save("calibrate_floor", out)


if __name__ == "__main__":
    main()
