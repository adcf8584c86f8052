"""Scoring of metadata extraction on the re-created first pages (tests/heldout_gen.py).

`python tests/heldout_eval.py tune` prints the misses of the tuning half; the
held-out half is scored by tests/test_metadata_heldout.py (and by
`python tests/heldout_eval.py heldout --summary`, which prints only the
per-class figures).
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import pymupdf

sys.path.insert(0, str(Path(__file__).parent))
from heldout_gen import build_all  # noqa: E402

from readerapp.core.metadata import extract_metadata, fallback_title  # noqa: E402
from readerapp.core.textnorm import normalize_title  # noqa: E402

HEX_NAME = re.compile(r"\b[0-9a-f]{32,64}\b", re.I)


def extract_all(folder: Path, split: str) -> list[tuple[dict, object, str]]:
    """(record, ExtractedMetadata, title as the importer would store it) per paper."""
    out = []
    for record, path in build_all(folder, split):
        with pymupdf.open(path) as doc:
            pages = [p.get_text() for p in doc]
            meta = extract_metadata(doc, pages)
        shown = meta.title or fallback_title(path, pages[0] if pages else "")[0]
        out.append((record, meta, shown))
    return out


def score(results) -> dict:
    per = defaultdict(lambda: {"n": 0, "title": 0, "first_author": 0, "year": 0, "hash": 0})
    for record, meta, shown in results:
        for key in (record["cls"], "all"):
            row = per[key]
            row["n"] += 1
            row["title"] += normalize_title(shown) == normalize_title(record["title"])
            row["first_author"] += bool(meta.authors) and meta.authors[0] == record["authors"][0]
            row["year"] += meta.year == record["year"]
            row["hash"] += bool(HEX_NAME.search(shown))
    return dict(per)


def misses(results) -> list[str]:
    lines = []
    for record, meta, shown in results:
        if normalize_title(shown) != normalize_title(record["title"]):
            lines.append(f"TITLE  {record['key']:28} {shown!r}")
        if not meta.authors or meta.authors[0] != record["authors"][0]:
            lines.append(f"AUTHOR {record['key']:28} {meta.authors[:3]!r}")
        if meta.year != record["year"]:
            lines.append(f"YEAR   {record['key']:28} {meta.year!r} (want {record['year']})")
    return lines


def table(per: dict) -> str:
    rows = ["| class | papers | title | first author | year |", "|---|---|---|---|---|"]
    for key in sorted(per, key=lambda k: (k == "all", k)):
        r = per[key]
        rows.append(f"| {key} | {r['n']} | {r['title']}/{r['n']} | {r['first_author']}/{r['n']} | "
                    f"{r['year']}/{r['n']} |")
    return "\n".join(rows)


if __name__ == "__main__":
    split = sys.argv[1] if len(sys.argv) > 1 else "tune"
    with tempfile.TemporaryDirectory() as tmp:
        res = extract_all(Path(tmp), split)
    if "--summary" not in sys.argv:
        print("\n".join(misses(res)))
    print(table(score(res)))
