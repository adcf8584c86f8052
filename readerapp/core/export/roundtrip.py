"""Judging a round trip. The judge is :func:`render_html`: an imported list exported in its
own style must render to the same HTML as the original, as GitHub shows it; and
:func:`table_problems` finds table rows that would not render as rows. :func:`normalize`
below is a cheaper, text-level comparison used to decide quickly whether an entry's
text differs from what its style writes.

The normalization, whitespace and table padding only:

Whitespace and table padding only, nothing else:

1. a byte-order mark at the start is dropped, CRLF/CR line ends become LF;
2. trailing whitespace at the end of every line is dropped (this includes the
   two-space Markdown hard break; the exporter writes it where the style has it);
3. a run of blank lines counts as one; a blank line next to a heading, a
   table row, a line holding only an image, or before a list item is dropped
   (those stay separate blocks or items with or without it; before a list
   item it changes only the list's spacing). A blank line between two
   paragraphs is kept: without it they would render as one;
4. in a table row (a line starting with ``|``) the spaces around each cell are
   dropped (cell padding), and in a table's alignment row each cell is written
   ``:-:`` (alignment row).

Nothing inside a line's text changes: words, punctuation, links, Markdown
markup and indentation are compared as they are.
"""

from __future__ import annotations

import re

_ALIGN_CELL = re.compile(r"^\s*:?-+:?\s*$")


def _split_row(line: str) -> list[str]:
    cells, buf, i = [], "", 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            buf += line[i:i + 2]
            i += 2
            continue
        if ch == "|":
            cells.append(buf)
            buf = ""
        else:
            buf += ch
        i += 1
    cells.append(buf)
    return cells


def normalize_table_row(line: str) -> str:
    cells = [c.strip() for c in _split_row(line)]
    inner = cells[1:-1] if len(cells) > 2 else cells
    if inner and all(_ALIGN_CELL.match(c) for c in inner):
        cells = [cells[0], *[":-:" for _ in inner], cells[-1]] if len(cells) > 2 else [":-:" for _ in inner]
    return "|".join(cells)


_IMAGE_LINE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def _self_delimiting(line: str) -> bool:
    """A line that starts and ends its own block whatever blank lines surround it."""
    return line.startswith(("#", "|")) or bool(_IMAGE_LINE.match(line))


def normalize(text: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        line = line.rstrip()
        if line.startswith("|"):
            line = normalize_table_row(line)
        lines.append(line)
    following = [""] * len(lines)  # the next non-blank line after each line
    for i in range(len(lines) - 2, -1, -1):
        following[i] = lines[i + 1] or following[i + 1]
    out: list[str] = []
    for line, nxt in zip(lines, following):
        if not line:
            if (not out or out[-1] == "" or not nxt or _self_delimiting(out[-1]) or _self_delimiting(nxt)
                    or _LIST_ITEM.match(nxt)):
                continue
        out.append(line)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- the judge: what GitHub shows

def render_html(text: str) -> str:
    """The HTML a GitHub-flavoured Markdown renderer makes of `text` (markdown-it-py's
    "gfm-like" preset: CommonMark, tables, strikethrough, autolinked URLs; raw HTML kept).
    Two lists are the same for a reader when this is the same: padding, a blank line more
    or less between blocks do not count; a hard line break, a loose list item, a table
    row turned into text do."""
    from markdown_it import MarkdownIt

    try:
        md = MarkdownIt("gfm-like", {"html": True})
    except ModuleNotFoundError:  # linkify-it-py missing: everything but bare-URL autolinks
        md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.render(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))


def table_problems(text: str) -> list[str]:
    """What is wrong with the tables of `text`, one line each (empty when nothing):
    a line written as a table row that GFM does not read as part of a table (text
    between rows, a row after a break), or a row whose cell count is not the header's."""
    from markdown_it import MarkdownIt

    src = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = src.split("\n")
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(src)
    in_table: set[int] = set()
    in_code: set[int] = set()
    problems: list[str] = []
    for i, t in enumerate(tokens):
        if t.type in ("fence", "code_block", "html_block") and t.map:
            in_code.update(range(*t.map))
        if t.type == "table_open" and t.map:
            start, end = t.map
            in_table.update(range(start, end))
            width = len(_cells(lines[start]))
            for n in range(start + 2, end):
                if lines[n].strip() and len(_cells(lines[n])) != width:
                    problems.append(f"line {n + 1}: a row of {len(_cells(lines[n]))} cells in a table of {width} "
                                    "columns")
    for n, line in enumerate(lines):
        if line.lstrip().startswith("|") and line.count("|") >= 2 and n not in in_table and n not in in_code:
            problems.append(f"line {n + 1}: written as a table row but not part of a table: {line[:60]}")
    return problems


def _cells(line: str) -> list[str]:
    cells = _split_row(line.strip())
    if cells and not cells[0].strip() and line.strip().startswith("|"):
        cells = cells[1:]
    if cells and not cells[-1].strip() and line.rstrip().endswith("|") and not line.rstrip().endswith("\\|"):
        cells = cells[:-1]
    return cells
