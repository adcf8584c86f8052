"""Text normalisation shared by indexing, search and matching.

CJK text: SQLite's unicode61 tokenizer treats a run of Chinese characters as a
single token, so "多模态综述" could only be found by the whole run. We index CJK
runs as overlapping character bigrams (the approach of Lucene's CJKAnalyzer and
Zotero's newer index) so any word of two or more characters matches. The bigrams
are joined by U+2063 (INVISIBLE SEPARATOR, a format character unicode61 treats
as a separator), which keeps the transform reversible: stored text can be turned
back into what the PDF or the user wrote, snippets included.
"""

from __future__ import annotations

import re
import unicodedata

SEP = "\u2063"
# Markers FTS5 puts around matches in snippets before we HTML-escape them.
MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"

_CJK_CHARS = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK Extension A
    "\u4e00-\u9fff"  # CJK Unified Ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK Compatibility Ideographs
    "\U00020000-\U0002ebef"  # Extensions B-F
)
_CJK_RUN = re.compile(f"[{_CJK_CHARS}]+")
_HAS_CJK = re.compile(f"[{_CJK_CHARS}]")
# Control characters (other than tab/newline) and our private separators are
# dropped from incoming text so they cannot collide with SEP or the markers.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2063]")
_TOKEN = f"{MARK_OPEN}?[{_CJK_CHARS}]+{MARK_CLOSE}?"
_CJK_TOKENS = re.compile(f"{SEP}?({_TOKEN}(?:{SEP}{_TOKEN})*){SEP}?")
_WS = re.compile(r"\s+")


def has_cjk(text: str) -> bool:
    return bool(_HAS_CJK.search(text))


def clean(text: str) -> str:
    """Drop control characters and our reserved separator from outside text."""
    return _CONTROL.sub("", text)


def _bigrams(match: re.Match) -> str:
    run = match.group(0)
    if len(run) == 1:
        return SEP + run + SEP
    return SEP + SEP.join(run[i : i + 2] for i in range(len(run) - 1)) + SEP


def to_index(text: str) -> str:
    """Text as stored in the full-text index (CJK runs as bigrams)."""
    text = clean(text or "")
    if not _HAS_CJK.search(text):
        return text
    return _CJK_RUN.sub(_bigrams, text)


def _merge_tokens(match: re.Match) -> str:
    tokens = match.group(1).split(SEP)
    chars: list[str] = []
    marked: list[bool] = []
    for i, tok in enumerate(tokens):
        is_marked = tok.startswith(MARK_OPEN) or tok.endswith(MARK_CLOSE)
        plain = tok.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
        if i == 0:
            chars.extend(plain)
            marked.extend([is_marked] * len(plain))
        else:
            # each further bigram overlaps the previous one by one character
            if marked and is_marked:
                marked[-1] = True
            chars.extend(plain[1:] if len(plain) > 1 else plain)
            marked.extend([is_marked] * (len(plain) - 1 if len(plain) > 1 else 1))
    out: list[str] = []
    open_ = False
    for ch, m in zip(chars, marked):
        if m and not open_:
            out.append(MARK_OPEN)
            open_ = True
        elif not m and open_:
            out.append(MARK_CLOSE)
            open_ = False
        out.append(ch)
    if open_:
        out.append(MARK_CLOSE)
    return "".join(out)


def from_index(text: str) -> str:
    """Inverse of :func:`to_index`; also accepts snippets with match markers."""
    if SEP not in text:
        return text
    return _CJK_TOKENS.sub(_merge_tokens, text).replace(SEP, "")


def normalize_space(text: str) -> str:
    return _WS.sub(" ", text or "").strip()


def normalize_title(text: str) -> str:
    """Title as compared: NFKC (ligatures), case-folded, whitespace collapsed."""
    return normalize_space(unicodedata.normalize("NFKC", text or "").casefold())


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def title_key(text: str) -> str:
    """A key for matching the same paper across sources: words only."""
    return _NON_WORD.sub(" ", normalize_title(text)).strip()


# What a PDF's text layer gives for formulas, shown in a snippet, would be boxes in most UI
# fonts: mathematical alphanumerics (𝑥, 𝜃, 𝐖: U+1D400-1D7FF) and the script letters of the
# letterlike block (ℎ, ℓ, ℯ) read as the plain letters they are styled from (ℝ, ℕ, which
# common fonts have, stay); private-use code points (glyphs of TeX fonts
# with no Unicode meaning), the replacement character and non-characters say nothing to a
# reader and are dropped.
_STYLED = re.compile("[\\U0001d400-\\U0001d7ff\\u210a\\u210e\\u2113\\u212f\\u2134]")
_NO_GLYPH = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff\ufffd\ufdd0-\ufdef\ufffe\uffff]")


def _plain_letter(match: re.Match) -> str:
    ch = match.group(0)
    plain = unicodedata.normalize("NFKC", ch)
    return plain if len(plain) <= 2 else ch  # ℀ (a/c) and the like stay as they are


def display_text(text: str) -> str:
    """Text as shown in a snippet: styled math letters as plain ones, glyphs with no meaning
    dropped (see above); everything else (CJK, Greek, ∑, ≤, full-width punctuation) kept."""
    if not text:
        return text
    text = _STYLED.sub(_plain_letter, text)
    return _NO_GLYPH.sub("", text)

