"""Text selection on a page: pure functions over the characters a worker extracted.

A page's characters are tuples ``(x0, y0, x1, y1, c, line_no, block_no)`` in PDF
coordinates, in reading order (render_worker.page_chars). Quads are 8-float tuples in
the corner order of ``pymupdf.Quad`` (ul, ur, ll, lr).
"""

from __future__ import annotations

from array import array


class PageChars:
    """A page's characters, compact: one string and two flat arrays (a few objects instead of
    one tuple per character: cheap to send between processes, nothing for the garbage
    collector to walk). Indexing gives the tuple (x0, y0, x1, y1, c, line_no, block_no)."""

    __slots__ = ("text", "boxes", "lines")

    def __init__(self, text: str = "", boxes: array | None = None, lines: array | None = None):
        self.text = text
        self.boxes = boxes if boxes is not None else array("f")   # x0, y0, x1, y1 per character
        self.lines = lines if lines is not None else array("i")   # line_no, block_no per character

    @classmethod
    def from_tuples(cls, chars) -> PageChars:
        text, boxes, lines = [], array("f"), array("i")
        for x0, y0, x1, y1, c, line, block in chars:
            text.append(c[:1] or " ")
            boxes.extend((x0, y0, x1, y1))
            lines.extend((line, block))
        return cls("".join(text), boxes, lines)

    def __len__(self) -> int:
        return len(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __getitem__(self, n: int) -> tuple:
        if n < 0:
            n += len(self.text)
        b, ln = self.boxes, self.lines
        i, j = 4 * n, 2 * n
        return (b[i], b[i + 1], b[i + 2], b[i + 3], self.text[n], ln[j], ln[j + 1])

    def __iter__(self):
        for n in range(len(self.text)):
            yield self[n]

    def __reduce__(self):
        return (PageChars, (self.text, self.boxes, self.lines))


def quad8(q) -> tuple:
    """Normalise a quad-like (8 floats, 4 points, pymupdf.Quad/Rect, or a 4-float rect) to 8 floats."""
    if hasattr(q, "ul") and hasattr(q, "lr"):  # pymupdf.Quad
        return tuple(q.ul) + tuple(q.ur) + tuple(q.ll) + tuple(q.lr)
    if hasattr(q, "x0") and hasattr(q, "y1"):  # pymupdf.Rect
        q = (q.x0, q.y0, q.x1, q.y1)
    q = list(q)
    if len(q) == 4 and all(isinstance(v, (int, float)) for v in q):
        x0, y0, x1, y1 = q
        return (x0, y0, x1, y0, x0, y1, x1, y1)
    if len(q) == 4:  # four points
        return tuple(float(c) for pt in q for c in pt)
    if len(q) == 8:
        return tuple(float(v) for v in q)
    raise ValueError(f"not a quad: {q!r}")


def quad_bbox(q: tuple) -> tuple:
    xs, ys = q[0::2], q[1::2]
    return (min(xs), min(ys), max(xs), max(ys))


def build_lines(chars: list) -> list[list]:
    """Lines of a page: [x0, y0, x1, y1, first char, end char, block, line_no]."""
    lines: list[list] = []
    for n, c in enumerate(chars):
        if lines and lines[-1][7] == c[5]:
            ln = lines[-1]
            ln[0], ln[1], ln[2], ln[3] = min(ln[0], c[0]), min(ln[1], c[1]), max(ln[2], c[2]), max(ln[3], c[3])
            ln[5] = n + 1
        else:
            lines.append([c[0], c[1], c[2], c[3], n, n + 1, c[6], c[5]])
    return lines


def caret(lines: list, chars: list, x: float, y: float) -> int:
    """Character boundary index nearest to (x, y)."""
    if not lines:
        return 0
    best, bd = None, None
    for ln in lines:
        dx = 0.0 if ln[0] <= x <= ln[2] else min(abs(x - ln[0]), abs(x - ln[2]))
        dy = 0.0 if ln[1] <= y <= ln[3] else min(abs(y - ln[1]), abs(y - ln[3]))
        d = dy * 3 + dx  # prefer the line at this height
        if bd is None or d < bd:
            best, bd = ln, d
    assert best is not None
    for n in range(best[4], best[5]):
        c = chars[n]
        if x < (c[0] + c[2]) / 2:
            return n
    return best[5]


def selection(chars: list, a: int, b: int) -> tuple[list[tuple], str]:
    """(one quad per line, the text as a copy wants it) of characters [a, b).

    Lines of a block are joined with a space, a hyphen at a line end before a lower-case
    letter is dropped, blocks are separated by a newline."""
    quads, parts = [], []
    prev_line = prev_block = None
    cur = None
    for n in range(a, b):
        x0, y0, x1, y1, c, line, block = chars[n]
        if line != prev_line:
            if cur is not None:
                quads.append(cur)
            cur = [x0, y0, x1, y1]
            if prev_line is not None:
                last = parts[-1] if parts else ""
                if block != prev_block:
                    parts.append("\n")
                elif last.endswith("-") and c.islower():
                    parts[-1] = last[:-1]
                elif not last.endswith(" "):
                    parts.append(" ")
            prev_line, prev_block = line, block
            parts.append(c)
        elif cur is not None:
            cur = [min(cur[0], x0), min(cur[1], y0), max(cur[2], x1), max(cur[3], y1)]
            parts[-1] += c
    if cur is not None:
        quads.append(cur)
    return [quad8(q) for q in quads], "".join(parts).strip()


def word_at(chars: list, x: float, y: float) -> tuple[int, int] | None:
    """[a, b) of the word under (x, y), or None."""
    idx = next((n for n, c in enumerate(chars) if c[0] <= x <= c[2] and c[1] <= y <= c[3]), None)
    if idx is None or chars[idx][4].isspace():
        return None
    a = idx
    while a > 0 and chars[a - 1][5] == chars[idx][5] and not chars[a - 1][4].isspace():
        a -= 1
    b = idx + 1
    while b < len(chars) and chars[b][5] == chars[idx][5] and not chars[b][4].isspace():
        b += 1
    return a, b
