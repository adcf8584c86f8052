"""Small text helpers shared by the metadata rules."""

from __future__ import annotations

import re
import unicodedata

LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or",
               "over", "the", "to", "via", "vs", "with", "without", "per", "up"}


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(LIGATURES))
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # hyphenation across line breaks
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", text).lower())


def title_case(title: str) -> str:
    """ALL-CAPS titles (ICLR style) as title case: NEURAL MACHINE ... -> Neural Machine ...
    Words with digits or symbols ("50X", "<0.5MB") keep their capitals."""
    letters = [c for c in title if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) / len(letters) < 0.9:
        return title
    out = []
    for i, word in enumerate(title.lower().split(" ")):
        core = word.strip(":;,.()")
        if re.search(r"\d", word):
            out.append(word.upper() if re.search(r"\d[a-z]{2,}$", word) else word)
        elif i and core in SMALL_WORDS and not out[-1].endswith(":"):
            out.append(word)
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(out)
