"""BibTeX of papers: unique citation keys like ``kingma2015adam``, LaTeX
escaping of special characters, arXiv ``eprint`` fields."""

from __future__ import annotations

import re
import unicodedata

from readerapp.core.models import Paper

_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "via", "from", "towards", "toward", "is",
         "are", "by", "at", "as"}
_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_CONFERENCE_WORDS = ("conference", "proceedings", "workshop", "symposium", "cvpr", "iccv", "eccv", "neurips", "nips",
                     "icml", "iclr", "acl", "emnlp", "naacl", "aaai", "ijcai", "sigir", "kdd", "www", "mm", "icme",
                     "coling", "interspeech", "icassp", "wacv", "bmvc")


def latex_escape(text: str | None) -> str:
    """Text safe inside a BibTeX field: LaTeX specials escaped, control characters dropped."""
    text = "".join(ch for ch in (text or "") if ch in "\t\n" or unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    return "".join(_LATEX.get(ch, ch) for ch in text)


def _ascii_word(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum()).lower()


def base_key(p: Paper) -> str:
    """author surname + year + first meaningful title word: kingma2015adam."""
    surname = ""
    if p.authors:
        first = p.authors[0].strip()
        parts = first.split(",")[0].split() if "," in first else first.split()
        surname = _ascii_word(parts[-1] if parts and "," not in first else (parts[0] if parts else ""))
    word = ""
    for w in re.split(r"[\s\-:,.;!?()\[\]/]+", p.title or ""):
        aw = _ascii_word(w)
        if aw and aw not in _STOP:
            word = aw
            break
    key = f"{surname or 'anon'}{p.year or ''}{word}"
    return key or f"paper{p.id}"


def unique_keys(papers: list[Paper]) -> dict[int, str]:
    """A key per paper, unique in the selection (kingma2015adam, kingma2015adamb, ...)."""
    keys: dict[int, str] = {}
    used: set[str] = set()
    for p in papers:
        key = base_key(p)
        candidate, n = key, 0
        while candidate in used:
            n += 1
            candidate = key + (chr(ord("a") + n) if n < 26 else str(n))
        used.add(candidate)
        keys[p.id] = candidate
    return keys


def entry_type(p: Paper) -> str:
    venue = (p.venue or "").lower()
    if p.arxiv_id and (not venue or "arxiv" in venue):
        return "misc"
    if any(re.search(rf"\b{w}\b", venue) for w in _CONFERENCE_WORDS):
        return "inproceedings"
    if venue:
        return "article"
    return "misc"


def bibtex_entry(p: Paper, key: str) -> str:
    kind = entry_type(p)
    fields: list[tuple[str, str]] = [("title", "{" + latex_escape(p.title) + "}")]
    if p.authors:
        fields.append(("author", latex_escape(" and ".join(p.authors))))
    if p.venue and kind == "inproceedings":
        fields.append(("booktitle", latex_escape(p.venue)))
    elif p.venue and kind == "article":
        fields.append(("journal", latex_escape(p.venue)))
    if p.year:
        fields.append(("year", str(p.year)))
    if p.doi:
        fields.append(("doi", latex_escape(p.doi)))
    if p.arxiv_id:
        fields += [("eprint", latex_escape(p.arxiv_id)), ("archivePrefix", "arXiv")]
    url = p.url or (f"https://arxiv.org/abs/{p.arxiv_id}" if p.arxiv_id else "")
    if url:
        fields.append(("url", url.replace("%", r"\%").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")))
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def to_bibtex(papers: list[Paper]) -> str:
    keys = unique_keys(papers)
    return "\n".join(bibtex_entry(p, keys[p.id]) for p in papers)
