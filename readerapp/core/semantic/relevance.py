"""When semantic hits mean something: a relevance floor, and queries in a script the model does not cover.

- An embedding model always answers: even a query about cake recipes gets "nearest" passages.
  Semantic hits whose cosine score is below the model's floor are dropped. The floor of the default
  model (all-MiniLM-L6-v2) was calibrated on the corpus with tests/benchmarks/calibrate_floor.py:
  the best passage of the right paper for 36 paraphrase queries against the best passage of any
  paper for 24 off-topic queries: relevant best scores 0.355-0.726 (two queries on the scanned paper
  find nothing without OCR), off-topic 0.101-0.263; the floor 0.30 sits between them.
- An English-only model maps text in another script (Chinese, Japanese, Korean, Cyrillic, Arabic…)
  to noise. Such a query is not sent to the model; the caller says so and suggests a multilingual
  model (the `embedding_model` setting).
"""

from __future__ import annotations

import unicodedata

# Calibrated floors (cosine) per model name. A model nobody calibrated has its own score scale: no
# floor for it (DEFAULT_FLOOR), rather than a guess that could drop its good hits.
FLOORS = {"all-MiniLM-L6-v2": 0.30, "sentence-transformers/all-MiniLM-L6-v2": 0.30}
DEFAULT_FLOOR = -1.0

# Models that read many scripts. Anything else named here or by a folder is taken as English-only
# unless its name says "multilingual" (or m3/LaBSE/xlm), as the sentence-transformers family names do.
MULTILINGUAL_MARKERS = ("multilingual", "labse", "xlm", "bge-m3", "m3e", "multi-qa-mpnet-base-dot-v1-ml",
                        "distiluse-base", "-zh", "chinese", "e5-m")
SUGGESTED_MODEL = "paraphrase-multilingual-MiniLM-L12-v2"


def floor_for(model_name: str) -> float:
    base = model_name.rstrip("/").rsplit("/", 1)[-1]
    return FLOORS.get(model_name, FLOORS.get(base, DEFAULT_FLOOR))


def is_multilingual(model_name: str) -> bool:
    name = model_name.lower()
    return any(m in name for m in MULTILINGUAL_MARKERS)


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    o = ord(ch)
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF:
        return "Chinese"
    if 0x3040 <= o <= 0x30FF:
        return "Japanese"
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF:
        return "Korean"
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "DEVANAGARI", "THAI"):
        if name.startswith(script):
            return script.capitalize()
    return "other"


def query_script(text: str) -> str:
    """The main script of a query's letters ('Latin', 'Chinese', …); 'Latin' for a query without letters."""
    counts: dict[str, int] = {}
    for ch in text:
        s = _script(ch)
        if s is not None:
            # a CJK character carries a word's worth of meaning: weigh it like a short Latin word
            counts[s] = counts.get(s, 0) + (3 if s in ("Chinese", "Japanese", "Korean") else 1)
    if not counts:
        return "Latin"
    return max(counts, key=lambda k: (counts[k], k == "Latin"))


def uncovered_script(text: str, model_name: str) -> str | None:
    """The script of the query when the model cannot read it (an English-only model and a query
    mostly in another script); else None. Greek letters alone (α, β in formulas) do not count."""
    script = query_script(text)
    if script in ("Latin", "Greek") or is_multilingual(model_name):
        return None
    return script


def uncovered_message(script: str, model_name: str) -> str:
    return (f"the embedding model {model_name} reads English only and this query is in {script}, so search by "
            f"meaning would return noise; for {script} set a multilingual embedding model (Settings ▸ Embedding "
            f"model, or `readerapp config set embedding_model {SUGGESTED_MODEL}`)")
