"""The normalization under which an imported list exports back to the same text.

Whitespace and table padding only, nothing else:

1. a byte-order mark at the start is dropped, CRLF/CR line ends become LF;
2. trailing whitespace at the end of every line is dropped (this includes the
   two-space Markdown hard break; the exporter writes it where the style has it);
3. blank lines are dropped (how many blank lines separate two blocks);
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


def normalize(text: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for line in text.split("\n"):
        line = line.rstrip()
        if not line:
            continue
        if line.startswith("|"):
            line = normalize_table_row(line)
        out.append(line)
    return "\n".join(out) + "\n"
