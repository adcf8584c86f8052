"""Markdown helpers shared by the list exporter and importer: escaping of text
for table cells and link labels, URLs in links, GitHub heading anchors, slugs
for note pages, and splitting one `[label](url)` out of a fragment of source."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<(/?[A-Za-z][^<>]*)>")
_ENTITY = re.compile(r"&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|])")


def md_text(text: str | None) -> str:
    """Plain text (a title, a venue, a label) as Markdown that shows exactly that text:
    backslash, backtick, `*`, brackets, `<`, `>` and `|` are escaped, entity-like
    `&name;` is written `&amp;name;`, line breaks become spaces."""
    text = " ".join((text or "").split())
    text = _ENTITY.sub(lambda m: "&amp;" + m.group(0)[1:], text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_inline(text: str | None) -> str:
    """Markdown the user wrote (a summary, a comment) made safe for one line or
    one table cell: a `|` not already escaped becomes `\\|` (also inside code
    spans, as GFM requires), line breaks become `<br>`, HTML tags other than
    `<br>` are shown as text (`&lt;tag&gt;`)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    out = []
    for i, part in enumerate(_BR.split(text)):
        if i:
            out.append("<br>")
        part = _TAG.sub(lambda m: "&lt;" + m.group(1) + "&gt;", part)
        out.append(part)
    text = "".join(out)
    text = re.sub(r"(?<!\\)\|", r"\\|", text)
    text = re.sub(r"\s*\n\s*", "<br>", text)
    return text


_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\||```|~~~|<)")


def hard_breaks(text: str | None) -> str:
    """Markdown the user wrote on several lines, with each line break kept as a break
    (GFM would join the lines of a paragraph into one): a backslash ends a line that is
    followed by more text of the same paragraph. Code blocks, list items, headings,
    quotes and tables are left as they are."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    fence = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (not fence and stripped and nxt.strip() and not _BLOCK_START.match(nxt)
                and not stripped.startswith(("#", "|", "```", "~~~")) and not line.endswith(("\\", "  "))):
            line += "\\"
        out.append(line)
    return "\n".join(out)


def cell(text: str | None) -> str:
    """A table cell: `-` when empty."""
    text = md_inline(text)
    return cell_end(text) if text else "-"


def cell_end(text: str) -> str:
    """A cell ending in a backslash gets a space: GFM would read `\\|` as an escaped pipe."""
    return text + " " if text.endswith("\\") else text


def md_url(url: str | None) -> str:
    """A URL as a Markdown link destination, exactly as given: a URL with spaces or
    unbalanced parentheses is written in the `<...>` form CommonMark and GitHub
    accept (`<` and `>` in it percent-encoded); line breaks are dropped."""
    url = (url or "").strip().replace("\r", "").replace("\n", "")
    depth = 0
    balanced = True
    for ch in url:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                balanced = False
                break
    if depth != 0:
        balanced = False
    if " " in url or "<" in url or ">" in url or not balanced:
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def link(label: str | None, url: str | None) -> str:
    """`[label](url)` with the label escaped as plain text."""
    return f"[{md_text(label)}]({md_url(url)})"


def path_url(path: str) -> str:
    """A relative file path as a link that works on GitHub (spaces, CJK percent-encoded)."""
    return quote(path.replace("\\", "/"), safe="/-._~")


def github_anchor(text: str, seen: dict[str, int] | None = None) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces
    to '-', a '-1', '-2' suffix for repeats (pass the same `seen` dict)."""
    slug = "".join(ch for ch in text.strip().lower()
                   if ch in " -_" or unicodedata.category(ch)[0] in "LNM").replace(" ", "-")
    if seen is None:
        return slug
    n = seen.get(slug, 0)
    seen[slug] = n + 1
    return slug if n == 0 else f"{slug}-{n}"


_UNSAFE_FILE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def slug(text: str, max_len: int = 80) -> str:
    """A file name for a note page: the title with characters no file system
    accepts removed, whitespace collapsed; CJK kept."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _UNSAFE_FILE.sub(" ", text)
    text = " ".join(text.split()).strip(" .")
    text = text[:max_len].rstrip(" .")
    return text or "untitled"


MAX_URL = 4096


def _pairs(src: str, open_ch: str, close_ch: str, *, line_bound: bool = False) -> dict[int, int]:
    """Matching closer for every opener (backslash escapes respected), in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch == open_ch:
            stack.append(i)
        elif ch == close_ch and stack:
            pairs[stack.pop()] = i
        elif ch == "\n" and line_bound:
            stack.clear()
        i += 1
    return pairs


def iter_links(src: str):
    """Every inline link `[label](url)` in a fragment of Markdown source, in order,
    as (start, end, label, url) with label and url as written. Brackets nest in
    the label and parentheses in the URL, as CommonMark allows
    (`[A [B] C](http://x/a_(b))`); `<url with spaces>` is accepted; images
    (`![..](..)`) and links inside a link's label are skipped. Linear in the
    length of `src` (bounded work per candidate)."""
    pairs = _pairs(src, "[", "]")
    parens = _pairs(src, "(", ")", line_bound=True)
    n = len(src)
    pos = 0
    for start in sorted(pairs):
        if start < pos:
            continue  # inside the previous link
        if start > 0 and src[start - 1] in "!\\":
            continue
        close = pairs[start]
        if close + 1 >= n or src[close + 1] != "(":
            continue
        k = close + 2
        if k < n and src[k] == "<":
            gt = src.find(">", k, k + MAX_URL)
            if gt > 0 and gt + 1 < n and src[gt + 1] == ")" and "\n" not in src[k:gt]:
                yield start, gt + 2, src[start + 1:close], src[k + 1:gt]
                pos = gt + 2
            continue
        end = parens.get(close + 1, -1)
        if end - k > MAX_URL:
            end = -1
        if end < 0:
            continue
        yield start, end + 1, src[start + 1:close], src[close + 2:end].strip()
        pos = end + 1


def split_link(src: str) -> tuple[str, str, str, str] | None:
    """The first link in src as (before, label, url, after), or None."""
    for start, end, label, url in iter_links(src):
        return src[:start], label, url, src[end:]
    return None


_UNESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def unescape(text: str) -> str:
    """Markdown backslash escapes and the entities md_text writes, undone."""
    text = _UNESCAPE.sub(r"\1", text)
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
