"""First pages of real papers, re-created with PyMuPDF in their layout classes.

The truth (title, authors as printed, year, banners) is in
tests/fixtures/heldout/papers.json (sources named in SOURCES.md beside it);
this module lays each record out the way its class prints a first page and
writes a three-page PDF (pages two and three carry the running header and body
text). Everything is deterministic: the same record gives the same bytes'
text and layout on every run (random choices are seeded by the record's key).

Classes:
  conf2col    two-column conference (CVPR / NIPS / ICML): centred title,
              authors with superscript affiliation marks, e-mails, banner
  journal1col single-column journal (JMLR header and author blocks with
              e-mails on the right; Neural Computation "LETTER" heading)
  science     Science / Nature: page number and running header above the
              title, long author lists with superscript marks, footer with
              volume, date and copyright
  ocr         an old paper scanned then OCRed: a noisy page image under an
              invisible text layer whose line sizes and positions jitter
  arxiv       preprint with the arXiv stamp rotated in the left margin,
              author grid with e-mails
  emails      ICLR / ICML author blocks: name, affiliation, e-mail
  bracketed   Springer LNCS: "Wei Liu1(B), Dragomir Anguelov2, ..." with
              bracketed corresponding-author marks, footer with the volume
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

import pymupdf

DATA = Path(__file__).parent / "fixtures" / "heldout" / "papers.json"

_FONTS: dict[str, pymupdf.Font] = {}


def font(name: str) -> pymupdf.Font:
    if name not in _FONTS:
        _FONTS[name] = pymupdf.Font(name)
    return _FONTS[name]


def load_records(split: str | None = None) -> list[dict]:
    records = json.loads(DATA.read_text(encoding="utf-8"))
    return [r for r in records if split is None or r["split"] == split]


def hashed_name(record: dict) -> str:
    """The name a browser download often has: 40 hex digits."""
    return hashlib.sha1(record["key"].encode()).hexdigest() + ".pdf"


@dataclass
class Item:
    x: float
    y: float  # baseline
    text: str
    font: str = "tiro"
    size: float = 10.0
    role: str = "body"  # title | author | body | header | stamp ...
    rotate: int = 0
    color: tuple = (0, 0, 0)


_SENTENCES = [
    "We study the problem of learning representations from large collections of data.",
    "The method is simple to implement and requires little memory.",
    "Our experiments show that the approach improves on the state of the art on several benchmarks.",
    "In this paper we describe the model, the training procedure and the results in detail.",
    "Previous work has shown that deep networks are hard to train without careful initialization.",
    "We evaluate the model on three standard data sets and report the error on the test set.",
    "The results suggest that the learned features transfer well to other tasks.",
    "A key property of this approach is that it can be trained end to end by gradient descent.",
    "We also analyse the effect of each component of the system in an ablation study.",
    "The code and the trained models are available to other researchers.",
    "This allows us to scale the method to problems that were out of reach before.",
    "Section 2 reviews related work, and Section 3 introduces our method.",
]


_ADVANCE: dict[tuple[str, str], float] = {}


def _width(text: str, fnt: str, size: float) -> float:
    """Text width from cached glyph advances (Font.text_length is slow per call)."""
    total = 0.0
    for ch in text:
        adv = _ADVANCE.get((fnt, ch))
        if adv is None:
            adv = _ADVANCE[(fnt, ch)] = font(fnt).glyph_advance(ord(ch))
        total += adv
    return total * size


def _wrap(text: str, fnt: str, size: float, width: float) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and _width(trial, fnt, size) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines


class Page:
    """Items laid out on one page, with helpers for centred and wrapped text."""

    def __init__(self, width: float = 612, height: float = 792):
        self.width, self.height = width, height
        self.items: list[Item] = []
        self.rules: list[tuple[float, float, float]] = []  # horizontal rules (x0, x1, y)

    def put(self, x, y, text, fnt="tiro", size=10.0, role="body", **kw) -> float:
        self.items.append(Item(x, y, text, fnt, size, role, **kw))
        return x + _width(text, fnt, size)

    def centred(self, y, text, fnt="tiro", size=10.0, role="body", x0=None, x1=None) -> None:
        x0 = 0 if x0 is None else x0
        x1 = self.width if x1 is None else x1
        self.put(x0 + (x1 - x0 - _width(text, fnt, size)) / 2, y, text, fnt, size, role)

    def para(self, x, y, width, text, fnt="tiro", size=10.0, role="body", centre=False, leading=1.22) -> float:
        for line in _wrap(text, fnt, size, width):
            if centre:
                self.centred(y, line, fnt, size, role, x, x + width)
            else:
                self.put(x, y, line, fnt, size, role)
            y += size * leading
        return y

    def marked_names(self, y, names, marks, *, fnt, size, x0, x1, sep=", ", last_sep=None, centre=True,
                     role="author") -> float:
        """Names each followed by a superscript mark, wrapped between x0 and x1."""
        pieces = []
        for i, (name, mark) in enumerate(zip(names, marks)):
            joiner = "" if i == len(names) - 1 else (last_sep if (last_sep and i == len(names) - 2) else sep)
            pieces.append((name, mark, joiner))
        rows, row, w = [], [], 0.0
        for name, mark, joiner in pieces:
            pw = _width(name + joiner, fnt, size) + _width(mark, fnt, size * 0.65)
            if row and w + pw > x1 - x0:
                rows.append((row, w))
                row, w = [], 0.0
            row.append((name, mark, joiner))
            w += pw
        if row:
            rows.append((row, w))
        for row, w in rows:
            x = x0 + ((x1 - x0 - w) / 2 if centre else 0)
            for name, mark, joiner in row:
                x = self.put(x, y, name, fnt, size, role)
                if mark:
                    x = self.put(x, y - size * 0.35, mark, fnt, size * 0.65, role + "-mark")
                if joiner:
                    x = self.put(x, y, joiner, fnt, size, role)
            y += size * 1.3
        return y

    def body(self, y, rng, columns=2, x0=72, x1=540, size=10.0, bottom=None, fnt="tiro") -> None:
        bottom = bottom or self.height - 72
        gap = 18
        colw = (x1 - x0 - gap * (columns - 1)) / columns
        for c in range(columns):
            x = x0 + c * (colw + gap)
            yy = y
            while yy < bottom - size:
                text = " ".join(rng.choice(_SENTENCES) for _ in range(4))
                for line in _wrap(text, fnt, size, colw):
                    if yy >= bottom - size:
                        break
                    self.put(x, yy, line, fnt, size)
                    yy += size * 1.2
                yy += size * 0.6


# ------------------------------------------------------------------ classes
def _marks(record, rng) -> list[str]:
    n = max(1, len(record["affils"]))
    out = []
    for i, _ in enumerate(record["authors"]):
        mark = str(1 + (i * 7 + rng.randrange(3)) % n) if n > 1 else ""
        if i == 0 and rng.random() < 0.5:
            mark = (mark + ",∗") if mark else "∗"
        out.append(mark)
    return out


def conf2col(record, rng) -> Page:
    p = Page()
    y = 22
    for line in record["header"]:
        p.centred(y, line, "helv", 7, "header")
        y += 9
    icml = any("International Conference on Machine Learning" in f for f in record["footer"])
    size = 17 if not icml and not record["header"] else 14
    y = 100
    if icml:
        p.rules.append((72, 540, 80))
    y = p.para(90, y, 432, record["title"], "tibo", size, "title", centre=True, leading=1.2)
    if icml:
        p.rules.append((72, 540, y - size + 4))
    y += 12
    marks = _marks(record, rng)
    if rng.random() < 0.5 or len(record["authors"]) > 6:
        y = p.marked_names(y, record["authors"], marks, fnt="tiro", size=11, x0=80, x1=532, sep="   ")
    else:
        y = p.marked_names(y, record["authors"], marks, fnt="tibo", size=10.5, x0=80, x1=532, sep=", ",
                           last_sep=", and ")
    for i, aff in enumerate(record["affils"]):
        mark = str(i + 1) if len(record["affils"]) > 1 else ""
        x = (612 - _width(mark + aff, "tiro", 10)) / 2
        if mark:
            x = p.put(x, y - 3.5, mark, "tiro", 6.5, "affil-mark")
        p.put(x, y, aff, "tiro", 10, "affil")
        y += 12
    for em in record["emails"][:3]:
        p.centred(y, em, "cour", 9, "email")
        y += 11
    if len(record["emails"]) > 3:
        p.centred(y, ", ".join(record["emails"][3:]), "cour", 8, "email")
        y += 11
    y += 14
    p.centred(y, "Abstract", "tibo", 12, "heading", 72, 297)
    bottom = 792 - 72 - 12 * len(record["footer"]) - 20
    p.body(y + 16, rng, 2, bottom=bottom)
    fy = 792 - 72 - 10 * len(record["footer"])
    if record["footer"]:
        p.rules.append((72, 200, fy - 10))
    for line in record["footer"]:
        fy = p.para(72, fy, 225, line, "tiro", 8, "footer")
    return p


def journal1col(record, rng) -> Page:
    p = Page()
    jmlr = bool(record["header"]) and record["header"][0].startswith("Journal of")
    if jmlr:
        p.put(72, 60, record["header"][0], "tiro", 9, "header")
        if len(record["header"]) > 1:
            p.put(540 - _width(record["header"][1], "tiro", 9), 60, record["header"][1], "tiro", 9, "header")
        y = p.para(100, 110, 412, record["title"], "tibo", 14, "title", centre=True) + 14
        for i, name in enumerate(record["authors"]):
            p.put(90, y, name, "tibo", 11, "author")
            if i < len(record["emails"]):
                em = record["emails"][i]
                p.put(522 - _width(em, "cour", 9), y, em, "cour", 9, "email")
            y += 12
            if i < len(record["affils"]) and (i == len(record["authors"]) - 1 or len(record["affils"]) > 1):
                for part in [s.strip() for s in record["affils"][i].split(",")]:
                    p.put(90, y, part, "tiro", 10, "affil")
                    y += 11.5
                y += 6
        for aff in record["affils"][len(record["authors"]):]:
            y = p.para(90, y, 400, aff, "tiro", 10, "affil")
        y += 8
        p.put(90, y, "Editor: " + rng.choice(["John Lafferty", "Leslie Pack Kaelbling", "Mikio Braun"]),
              "tiro", 10, "editor")
        y += 26
        p.centred(y, "Abstract", "tibo", 11, "heading")
        p.body(y + 16, rng, 1, x0=100, x1=512, bottom=792 - 110)
        fy = 792 - 80
        for line in record["footer"]:
            fy = p.para(72, fy, 468, line, "tiro", 9, "footer")
        p.centred(792 - 50, str(rng.randrange(1, 3000)), "tiro", 10, "pageno")
        return p
    # Neural Computation: kind of article at the top left, title left-aligned
    y = 66
    for i, line in enumerate(record["header"]):
        if i == 0 and line.isupper():
            p.put(72, y, line, "hebo", 10, "header")
        else:
            p.put(540 - _width(line, "tiro", 9), y, line, "tiro", 9, "header")
        y += 14
    y = p.para(72, 130, 440, record["title"], "tibo", 14, "title") + 16
    for i, name in enumerate(record["authors"]):
        p.put(72, y, name, "tiro", 10, "author")
        y += 11.5
        if i < len(record["emails"]) and len(record["authors"]) <= 3:
            p.put(72, y, record["emails"][i], "tiit", 9, "email")
            y += 11
        if len(record["authors"]) <= 3 and i < len(record["affils"]):
            y = p.para(72, y, 440, record["affils"][i], "tiit", 9, "affil") + 4
    if len(record["authors"]) > 3:
        for aff in record["affils"]:
            y = p.para(72, y, 440, aff, "tiit", 9, "affil")
    y += 18
    p.body(y, rng, 1, x0=72, x1=540, bottom=792 - 100)
    fy = 792 - 70
    for line in record["footer"]:
        p.put(72, fy, line, "tiro", 8, "footer")
        fy += 10
    return p


def science(record, rng) -> Page:
    p = Page()
    nature = any("NATURE" in f.upper() for f in record["footer"] + record["header"]) and \
        not record["header"][0].startswith("NATURE VOL")
    y = 40
    for i, line in enumerate(record["header"]):
        if i == 0 and line.isdigit():
            p.put(40, y + 6, line, "hebo", 14, "header")  # page number set large, as Science prints it
            y += 16
            continue
        fnt, size = ("hebo", 11) if line.isupper() and len(line) < 20 else ("helv", 7.5)
        p.put(40, y, line, fnt, size, "header")
        y += size + 5
    y = max(y + 30, 110)
    title_size = 22 if nature else 16
    y = p.para(40, y, 520 if nature else 460, record["title"], "hebo", title_size, "title",
               centre=not nature) + 8
    marks = []
    for i, _ in enumerate(record["authors"]):
        m = str(1 + i % max(1, len(record["affils"])))
        if i < 3 and nature:
            m += "*"
        marks.append(m if len(record["affils"]) > 1 or nature else ("*" if i == 0 else ""))
    y = p.marked_names(y, record["authors"], marks, fnt="hebo" if nature else "tibo", size=9.5, x0=40, x1=560,
                       sep=", ", last_sep=" & " if nature else " and ", centre=not nature)
    y += 10
    abstract = " ".join(rng.choice(_SENTENCES) for _ in range(6))
    y = p.para(40, y, 520, abstract, "hebo" if nature else "tibo", 9, "standfirst") + 10
    p.body(y, rng, 3 if nature else 2, x0=40, x1=572, size=9, bottom=792 - 140, fnt="tiro")
    fy = 792 - 130
    p.rules.append((40, 200, fy - 8))
    for i, aff in enumerate(record["affils"]):
        mark = str(i + 1) if (len(record["affils"]) > 1 or nature) else ""
        x = p.put(40, fy - 2, mark, "helv", 5, "affil-mark") if mark else 40
        fy = p.para(x + 1, fy, 250, aff, "helv", 6.5, "affil", leading=1.15)
    if record["emails"]:
        fy = p.para(40, fy, 250, "*To whom correspondence should be addressed. E-mail: " + record["emails"][0],
                    "helv", 6.5, "affil")
    fy = 792 - 40
    for line in record["footer"]:
        p.put(40, fy, line, "helv", 7, "footer")
        fy += 9
    return p


def ocr_page(record, rng) -> Page:
    """An old paper's page as printed: caps title, "By" author line, journal lines."""
    p = Page()
    y = 60
    for line in record["header"]:
        p.centred(y, line, "tiro", 9 if len(line) > 20 else 11, "header")
        y += 13
    y += 30
    title = record["title"].upper() if record.get("title_caps") else record["title"]
    y = p.para(110, y, 392, title, "tibo", 15, "title", centre=True, leading=1.3) + 10
    names = record["authors"]
    line = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    if rng.random() < 0.5:
        line = "By " + line.upper()
    p.centred(y, line, "tiro", 11, "author")
    y += 14
    for aff in record["affils"]:
        y = p.para(110, y, 392, aff, "tiit", 9.5, "affil", centre=True)
    y += 18
    p.body(y, rng, 1 if rng.random() < 0.5 else 2, x0=80, x1=532, size=10, bottom=792 - 90)
    fy = 792 - 60
    for line in record["footer"]:
        fy = p.para(80, fy, 452, line, "tiro", 8, "footer")
    return p


_OCR_CONFUSIONS = [("rn", "m"), ("l", "1"), ("e", "c"), ("h", "b"), ("i", "í"), ("o", "0"), ("fi", "ﬁ"), ("t", "f")]


def _ocr_noise(text: str, rng: random.Random, rate: float) -> str:
    words = text.split(" ")
    for i, w in enumerate(words):
        if rng.random() < rate:
            a, b = rng.choice(_OCR_CONFUSIONS)
            words[i] = w.replace(a, b, 1)
    return " ".join(words)


def arxiv(record, rng) -> Page:
    p = Page()
    if record["header"]:
        p.put(108, 52, record["header"][0], "tiro", 10, "header")
    caps = record.get("title_caps")
    title = record["title"].upper() if caps else record["title"]
    y = 110
    p.rules.append((108, 504, y - 18))
    y = p.para(108, y, 396, title, "tibo", 17 if not caps else 14, "title", centre=True, leading=1.2)
    p.rules.append((108, 504, y - 6))
    y += 18
    emails = record["emails"]
    per_row = 4 if len(record["authors"]) > 6 else 3
    rows = [record["authors"][i:i + per_row] for i in range(0, len(record["authors"]), per_row)]
    k = 0
    for row in rows:
        colw = 396 / len(row)
        for j, name in enumerate(row):
            x0 = 108 + j * colw
            mark = "∗" if k < 3 and rng.random() < 0.6 else ("†" if rng.random() < 0.2 else "")
            w = _width(name, "tibo", 10) + _width(mark, "tibo", 6.5)
            x = p.put(x0 + (colw - w) / 2, y, name, "tibo", 10, "author")
            if mark:
                p.put(x, y - 3.5, mark, "tibo", 6.5, "author-mark")
            aff = record["affils"][k % len(record["affils"])] if record["affils"] else ""
            p.centred(y + 11, aff, "tiro", 9, "affil", x0, x0 + colw)
            if k < len(emails) and len(emails) == len(record["authors"]):
                p.centred(y + 21, emails[k], "cour", 8, "email", x0, x0 + colw)
            k += 1
        y += 36
    if emails and len(emails) != len(record["authors"]):
        for em in emails:
            p.centred(y, em, "cour", 8, "email")
            y += 10
    y += 16
    p.centred(y, "ABSTRACT" if caps else "Abstract", "tibo", 12, "heading")
    bottom = 792 - 80 - 10 * len(record["footer"])
    p.body(y + 16, rng, 1, x0=144, x1=468, bottom=bottom)
    fy = 792 - 70
    for line in record["footer"]:
        fy = p.para(108, fy, 396, line, "tiro", 8, "footer")
    _stamp(p, record)
    return p


def _stamp(p: Page, record) -> None:
    if record.get("stamp"):
        p.items.append(Item(32, 640, record["stamp"], "tiro", 20, "stamp", rotate=90, color=(0.5, 0.5, 0.5)))


def emails(record, rng) -> Page:
    icml = any("International Conference on Machine Learning" in f for f in record["footer"])
    if icml:
        p = Page()
        p.rules.append((72, 540, 82))
        y = p.para(90, 104, 432, record["title"], "tibo", 14, "title", centre=True)
        p.rules.append((72, 540, y - 6))
        y += 14
        for i, name in enumerate(record["authors"]):
            p.put(90, y, name, "tibo", 10, "author")
            if i < len(record["emails"]):
                em = record["emails"][i]
                p.put(522 - _width(em, "cour", 9), y, em, "cour", 9, "email")
            y += 12
        for aff in record["affils"]:
            y = p.para(90, y, 430, aff, "tiro", 10, "affil")
        y += 20
        p.centred(y, "Abstract", "tibo", 11, "heading", 72, 297)
        bottom = 792 - 72 - 30
        p.body(y + 16, rng, 2, bottom=bottom)
        fy = 792 - 84
        p.rules.append((72, 200, fy - 10))
        for line in record["footer"]:
            fy = p.para(72, fy, 225, line, "tiro", 8, "footer")
        return p
    # ICLR: header at the top left, title left-aligned, author blocks side by side
    p = Page()
    if record["header"]:
        p.put(108, 52, record["header"][0], "tiro", 10, "header")
    caps = record.get("title_caps")
    title = record["title"].upper() if caps else record["title"]
    y = p.para(108, 100, 396, title, "tibo", 17 if not caps else 14, "title") + 10
    names = record["authors"]
    per_row = 2 if len(names) <= 4 else 3
    colw = 396 / per_row
    for r in range(0, len(names), per_row):
        for j, name in enumerate(names[r:r + per_row]):
            k = r + j
            x0 = 108 + j * colw
            mark = "∗" if k == 0 and rng.random() < 0.5 else ""
            x = p.put(x0, y, name, "tibo", 10, "author")
            if mark:
                p.put(x, y - 3.5, mark, "tibo", 6.5, "author-mark")
            aff = record["affils"][k % len(record["affils"])] if record["affils"] else ""
            yy = y + 11
            for part in _wrap(aff, "tiro", 9.5, colw - 8):
                p.put(x0, yy, part, "tiro", 9.5, "affil")
                yy += 11
            if len(record["emails"]) == len(names):
                p.put(x0, yy, record["emails"][k], "cour", 8.5, "email")
        y += 14 + 11 * (1 + len(_wrap(record["affils"][0] if record["affils"] else "", "tiro", 9.5, colw - 8)))
    if record["emails"] and len(record["emails"]) != len(names):
        p.put(108, y, " ".join(record["emails"]), "cour", 8.5, "email")
        y += 12
    y += 20
    p.centred(y, "ABSTRACT", "tibo", 12, "heading")
    p.body(y + 16, rng, 1, x0=144, x1=468, bottom=792 - 80)
    _stamp(p, record)
    return p


def bracketed(record, rng) -> Page:
    p = Page(439, 666)
    y = p.para(50, 100, 339, record["title"], "tibo", 14, "title", centre=True, leading=1.25) + 10
    n = max(1, len(record["affils"]))
    marks = []
    for i, _ in enumerate(record["authors"]):
        m = str(1 + min(i, n - 1) if n > 1 else "") if n > 1 else ""
        if i == 0:
            m += "(B)"
        marks.append(m)
    y = p.marked_names(y, record["authors"], marks, fnt="tiro", size=10, x0=50, x1=389, sep=", ",
                       last_sep=", and " if len(record["authors"]) > 2 else " and ")
    y += 6
    for i, aff in enumerate(record["affils"]):
        mark = str(i + 1) if n > 1 else ""
        x = (439 - _width(mark + " " + aff, "tiro", 9)) / 2
        if mark:
            x = p.put(x, y - 3, mark, "tiro", 6, "affil-mark") + 2
        p.put(x, y, aff, "tiro", 9, "affil")
        y += 11
        if i < len(record["emails"]):
            p.centred(y, record["emails"][i], "cour", 8, "email")
            y += 11
    y += 14
    x = p.put(62, y, "Abstract. ", "tibo", 9, "heading")
    y = p.para(62, y + 11, 315, " ".join(rng.choice(_SENTENCES) for _ in range(5)), "tiro", 9) + 6
    p.put(62, y, "Keywords: Deep learning", "tiro", 9, "keywords")
    p.body(y + 24, rng, 1, x0=50, x1=389, size=10, bottom=666 - 110)
    fy = 666 - 90
    p.rules.append((50, 150, fy - 10))
    for line in record["footer"]:
        p.put(50, fy, line, "tiro", 8, "footer")
        fy += 9.5
    return p


LAYOUTS = {"conf2col": conf2col, "journal1col": journal1col, "science": science, "ocr": ocr_page,
           "arxiv": arxiv, "emails": emails, "bracketed": bracketed}


# ------------------------------------------------------------------ writing
def _write(page: pymupdf.Page, items: list[Item], *, render_mode: int = 0) -> None:
    for it in items:
        writer = pymupdf.TextWriter(page.rect, color=it.color)
        writer.append((it.x, it.y), it.text, font=font(it.font), fontsize=it.size)
        if it.rotate:
            writer.write_text(page, morph=(pymupdf.Point(it.x, it.y), pymupdf.Matrix(it.rotate)),
                              render_mode=render_mode)
        else:
            writer.write_text(page, render_mode=render_mode)


def _running_header(record) -> str:
    if record["cls"] in ("journal1col", "bracketed"):
        names = [a.split()[-1] for a in record["authors"]]
        return (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else names[0]
    return record["title"]


def build(record: dict, path: Path) -> Path:
    rng = random.Random(record["key"])
    layout = LAYOUTS[record["cls"]](record, rng)
    doc = pymupdf.open()
    page = doc.new_page(width=layout.width, height=layout.height)
    if record["cls"] == "ocr":
        _scanned(page, layout, rng)
    else:
        for x0, x1, y in layout.rules:
            page.draw_line((x0, y), (x1, y), width=0.6)
        _write(page, layout.items)
    for n in (2, 3):
        later = Page(layout.width, layout.height)
        later.centred(40, _running_header(record), "tiit", 9, "running")
        later.body(70, rng, 2 if record["cls"] in ("conf2col", "science") else 1, x0=60, x1=layout.width - 60,
                   bottom=layout.height - 60)
        pg = doc.new_page(width=layout.width, height=layout.height)
        if record["cls"] == "ocr":
            _scanned(pg, later, rng)
        else:
            _write(pg, later.items)
    # The document's own title: missing, junk from the authoring tool, or right.
    choice = rng.random()
    info_title = "" if choice < 0.4 else (rng.choice(["Microsoft Word - paper.docx", "main.dvi", "untitled",
                                                       "Paper " + str(rng.randrange(1, 999))])
                                          if choice < 0.7 else record["title"])
    doc.set_metadata({"title": info_title, "author": "", "creationDate": "D:20230105120000"})
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path), garbage=3, deflate=True)
    doc.close()
    return path


def _scanned(page: pymupdf.Page, layout: Page, rng: random.Random) -> None:
    """A noisy page image (the scan) under an invisible OCR text layer."""
    tmp = pymupdf.open()
    clean = tmp.new_page(width=layout.width, height=layout.height)
    _write(clean, layout.items)
    pix = clean.get_pixmap(dpi=72, colorspace=pymupdf.csGRAY)
    samples = bytearray(pix.samples)
    for _ in range(len(samples) // 40):  # speckle
        samples[rng.randrange(len(samples))] = rng.randrange(90, 200)
    noisy = pymupdf.Pixmap(pymupdf.csGRAY, pix.width, pix.height, bytes(samples), False)
    page.insert_image(page.rect, pixmap=noisy)
    tmp.close()
    jittered = []
    for it in layout.items:
        text = it.text if it.role in ("title", "author") else _ocr_noise(it.text, rng, 0.04)
        size = max(4.0, it.size + rng.uniform(-0.8, 0.8))  # OCR estimates each line's size from its box
        jittered.append(Item(it.x + rng.uniform(-1.5, 1.5), it.y + rng.uniform(-1.0, 1.0), text, "tiro",
                             size, it.role))
    _write(page, jittered, render_mode=3)


def build_all(folder: Path, split: str | None = None) -> list[tuple[dict, Path]]:
    return [(r, build(r, folder / hashed_name(r))) for r in load_records(split)]


if __name__ == "__main__":  # write the set to a folder to look at it: python tests/heldout_gen.py OUT
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "heldout-pdfs")
    for rec, pth in build_all(out):
        print(rec["cls"], pth)
