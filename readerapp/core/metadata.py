"""Paper metadata from the PDF alone: title, authors, year, venue, arXiv id, DOI, code URL.

Document metadata is usually missing or wrong (only about a third of real
papers carry a usable title there), so the first page's layout decides: the
title is the largest horizontal text in the upper part of page one, skipping
journal headers, arXiv margin stamps and running headers; authors are the
name-shaped pieces between the title and the abstract. The document's own
title is used when it agrees with the layout (its text layer may be damaged,
as in scanned-then-OCRed papers) or when the layout has nothing.

Runs inside the import worker processes: it reads the layout of the first
page only and scans the already-extracted page text with regular
expressions, and it never raises.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field

log = logging.getLogger(__name__)


@dataclass
class ExtractedMetadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    code_url: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------ patterns
_ARXIV_STAMP = re.compile(
    r"arXiv:\s*(\d{4}\.\d{4,5}|[a-z][a-z.\-]+/\d{7})(?:v\d+)?\s*\[[A-Za-z][\w.\-]*\]", re.I)
_ARXIV_ANY = re.compile(r"arXiv:\s*(\d{4}\.\d{4,5}|[a-z][a-z.\-]+/\d{7})(?:v\d+)?", re.I)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>,;]+)")
_CODE = re.compile(r"(?:https?:\s*)?(?://)?(?:www\.)?((?:github\.com|gitlab\.com|bitbucket\.org)/[\w.\-]+/[\w.\-]+)",
                   re.I)
_YEAR = r"(19[5-9]\d|20[0-4]\d)"
_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|" \
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"

_CONF_ACRONYMS = ("ICLR", "ICML", "NIPS", "NeurIPS", "CVPR", "ICCV", "ECCV", "ACL", "EMNLP", "NAACL", "COLING",
                  "AAAI", "IJCAI", "KDD", "SIGIR", "WWW", "SIGMOD", "VLDB", "SOSP", "OSDI", "ISMIR", "ICASSP",
                  "INTERSPEECH", "MICCAI", "BMVC", "WACV", "AISTATS", "UAI", "COLT", "CoRL", "RSS", "ICRA", "IROS",
                  "MM", "TPAMI", "TACL", "JMLR")
_VENUE_RULES: list[tuple[re.Pattern, object]] = [
    (re.compile(r"Published as a (?:conference|workshop) paper at (\w+)\s*'?(\d{2,4})", re.I),
     lambda m: (m.group(1).upper() if m.group(1).upper() != "NEURIPS" else "NeurIPS", _full_year(m.group(2)))),
    (re.compile(r"Journal of Machine Learning Research\s+\d+\s*\((\d{4})\)", re.I), lambda m: ("JMLR", m.group(1))),
    (re.compile(r"Advances in Neural Information Processing Systems\s+(\d{1,2})\b", re.I),
     lambda m: ("NIPS" if int(m.group(1)) + 1987 < 2018 else "NeurIPS", str(int(m.group(1)) + 1987))),
    (re.compile(r"\b(\d{4})\s+Conference on Neural Information Processing Systems", re.I),
     lambda m: ("NIPS" if int(m.group(1)) < 2018 else "NeurIPS", m.group(1))),
    (re.compile(r"Proceedings of the\s+\d+(?:st|nd|rd|th)\s+International Conference on Machine Learning"
                r".{0,80}?" + _YEAR, re.I | re.S), lambda m: ("ICML", m.group(1))),
    (re.compile(r"This (CVPR|ICCV|ECCV|WACV)(?:\s+(\d{4}))? paper is the Open Access version", re.I),
     lambda m: (m.group(1).upper(), m.group(2))),
    (re.compile(r"\d+(?:st|nd|rd|th)\s+VLDB\s+Conference.{0,80}?" + _YEAR, re.I | re.S),
     lambda m: ("VLDB", m.group(1))),
    (re.compile(r"\d+(?:st|nd|rd|th)\s+ACM Symposium on Operating Systems? Principles.{0,120}?" + _YEAR, re.I | re.S),
     lambda m: ("SOSP", m.group(1))),
    (re.compile(r"(?:Proceedings of |In )?(?:the\s+)?(?:IEEE(?:/CVF)?\s+)?(?:Conference on Computer Vision and Pattern "
                r"Recognition|International Conference on Computer Vision)\s*\((CVPR|ICCV)\)?.{0,40}?" + _YEAR,
                re.I | re.S), lambda m: (m.group(1).upper() if m.group(1) else None, m.group(2))),
    (re.compile(r"\b(" + "|".join(_CONF_ACRONYMS) + r")[\s'’\-]*(\d{4}|'\d{2})\b"),
     lambda m: (m.group(1), _full_year(m.group(2)))),
]

_HEADER_LINE = re.compile(
    r"^(published as|proceedings|journal of|submitted|accepted|preprint|under review|workshop|copyright|©|arxiv"
    r"|appears in|to appear|in proceedings|technical report|draft|vol\.|volume)|arxiv:|\bissn\b|^page \d|^\d+$",
    re.I)
_AFFILIATION = re.compile(
    r"universit|institut|college|school|department|dept\.|laborator|research|\blab\b|inc\.|ltd|corp|google|"
    r"microsoft|facebook|openai|deepmind|ibm|xerox|\bcenter\b|centre|academy|\bstreet\b|\broad\b|\bave\b|@|"
    r"\bemail\b|http|www\.|\b[A-Z]{2} \d{5}\b|\d{3,}|d[ée]partement|informatique|abstract|introduction|"
    r"entertainment|foundation|hospital|\bfaculty\b|\bsummit\b|\bcalifornia\b|germany|france|canada|china|\busa\b|"
    r"kingdom|\bunited states\b|\bnew york\b|\bpalo alto\b|\bmontr[ée]al\b|\beditor\b|\bsubmitted\b|\bkeywords\b",
    re.I)
_FOOTNOTE_MARKS = re.compile(r"[∗*†‡§¶‖#♮♯♭⋆✝✉]+|\^\S+|(?<=[a-z])\d+\b")
_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-zA-Z'’`´\-]*\.?|[A-Z]\.(?:-?[A-Z]\.)*|(?:van|von|de|der|den|del|da|di|le|la|"
                         r"du|dos|bin|al)|[A-Z][a-zà-öø-ÿ'’\-]+(?:-[A-Z][a-zà-öø-ÿ'’]+)*)$")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or",
                "over", "the", "to", "via", "vs", "with", "without", "per", "up"}
_JUNK_DOC_TITLE = re.compile(r"^(microsoft word|untitled|document\d*|arxiv:|paper\b)|\.(dvi|docx?|pdf|tex|ps)\b",
                             re.I)
_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})


def _full_year(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip("'’")
    if len(text) == 2:
        n = int(text)
        return str(2000 + n if n < 50 else 1900 + n)
    return text


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(_LIGATURES))
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # hyphenation across line breaks
    return re.sub(r"\s+", " ", text).strip()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", text).lower())


def _title_case(title: str) -> str:
    """ALL-CAPS titles (ICLR style) as title case: NEURAL MACHINE ... -> Neural Machine ..."""
    letters = [c for c in title if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) / len(letters) < 0.9:
        return title
    out = []
    for i, word in enumerate(title.lower().split(" ")):
        core = word.strip(":;,.()")
        if i and core in _SMALL_WORDS and not out[-1].endswith(":"):
            out.append(word)
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(out)


# ------------------------------------------------------------------ layout
@dataclass
class _Line:
    text: str
    size: float
    x0: float
    y0: float
    x1: float
    y1: float


def _first_page_lines(doc) -> tuple[list[_Line], float, float]:
    page = doc[0]
    width, height = page.rect.width, page.rect.height
    lines: list[_Line] = []
    data = page.get_text("dict", flags=0)
    for block in data.get("blocks", []):
        for line in block.get("lines", []):
            if tuple(round(v, 2) for v in line.get("dir", (1, 0))) != (1.0, 0.0):
                continue  # rotated text: margin stamps, watermarks
            spans = [s for s in line.get("spans", []) if s.get("text", "").strip()]
            if not spans:
                continue
            text = "".join(s["text"] for s in line["spans"])
            size = max(s["size"] for s in spans)
            x0, y0, x1, y1 = line["bbox"]
            lines.append(_Line(_clean(text), round(size * 2) / 2, x0, y0, x1, y1))
    lines.sort(key=lambda ln: (round(ln.y0 / 4), ln.x0))  # same row within 4 pt, then left to right
    return lines, width, height


def _running_headers(doc, lines: list[_Line]) -> set[str]:
    """Lines of page one that recur at the top of later pages (running headers)."""
    if doc.page_count < 3:
        return set()
    repeated: set[str] = set()
    try:
        top_texts = set()
        for i in (1, 2):
            page = doc[i]
            clip = page.rect
            clip.y1 = clip.y0 + clip.height * 0.12
            top_texts |= {_clean(t).lower() for t in page.get_text(clip=clip).splitlines() if t.strip()}
        for ln in lines:
            if ln.text.lower() in top_texts and ln.y0 < 0.5 * lines[-1].y1:
                repeated.add(ln.text)
    except Exception:
        pass
    return repeated


def _title_from_layout(lines: list[_Line], height: float, headers: set[str]) -> tuple[str | None, float, int]:
    """(title, its bottom y, index of the last title line)."""
    candidates = [
        (i, ln) for i, ln in enumerate(lines)
        if ln.y0 < height * 0.5 and len(re.findall(r"[^\W\d_]", ln.text)) >= 2
        and not _HEADER_LINE.search(ln.text) and ln.text not in headers
        and not re.fullmatch(r"(abstract|introduction|contents)\W*", ln.text, re.I)
    ]
    if not candidates:
        return None, 0.0, -1
    biggest = max(ln.size for _, ln in candidates)
    body = sorted(ln.size for ln in lines)[len(lines) // 2]
    if biggest <= body:  # nothing stands out: no layout title
        return None, 0.0, -1
    first_i, first = next((i, ln) for i, ln in candidates if ln.size >= biggest - 0.5)
    parts = [first]
    last_i = first_i
    for i in range(first_i + 1, len(lines)):
        ln = lines[i]
        prev = parts[-1]
        same_row = abs(ln.y0 - prev.y0) < prev.size * 0.5
        if ln.size < biggest - 0.75 or (not same_row and ln.y0 - prev.y1 > biggest * 1.2):
            if same_row:
                continue
            break
        if ln.text in headers or _HEADER_LINE.search(ln.text):
            continue
        parts.append(ln)
        last_i = i
    title = _clean(" ".join(p.text for p in parts))
    title = re.sub(r"\s*[∗*†‡§¶]+\s*$", "", title).strip(" *∗†‡")
    return (title or None), max(p.y1 for p in parts), last_i


def _authors_from_layout(lines: list[_Line], after_index: int, title_bottom: float) -> list[str]:
    names: list[str] = []
    for ln in lines[after_index + 1:]:
        if ln.y0 < title_bottom - 1:
            continue
        if re.match(r"(abstract|introduction|1\.?\s+introduction)\b", ln.text, re.I):
            break
        if len(names) >= 30:
            break
        if _AFFILIATION.search(ln.text) and not re.search(r"[,;]|\band\b", ln.text):
            continue  # "University of Toronto", "Palo Alto, CA 94304" as a whole line
        for piece in re.split(r",|;|\band\b|&|\s{2,}|\u2003|\t", ln.text):
            name = _as_name(piece)
            if name and name not in names:
                names.append(name)
        if ln.y0 > title_bottom + 260:
            break
    return names


def _as_name(piece: str) -> str | None:
    piece = _clean(_FOOTNOTE_MARKS.sub(" ", piece.translate(_LIGATURES)))
    piece = re.sub(r"\s*\d+$", "", piece).strip(" .,:;()[]")
    if not piece or _AFFILIATION.search(piece) or any(ch.isdigit() for ch in piece):
        return None
    tokens = piece.split()
    if not 2 <= len(tokens) <= 5:
        return None
    if not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    if not (tokens[0][0].isupper() and tokens[-1][0].isupper()):
        return None
    if tokens[-1].rstrip(".").isupper() and len(tokens[-1]) > 3:
        return None  # ALL CAPS words are headings, not surnames
    if sum(len(t) > 2 for t in tokens) == 0:
        return None
    if tokens[-1].lower() in _SMALL_WORDS or tokens[0].lower() in _SMALL_WORDS:
        return None
    return " ".join(tokens)


# ------------------------------------------------------------------ text rules
def _arxiv_id(page_texts: list[str]) -> str | None:
    for text in page_texts[:3] + page_texts[-1:]:
        m = _ARXIV_STAMP.search(text)
        if m:
            return m.group(1)
    if page_texts:
        # a bare id on the first page above the references ("arXiv:1234.5678v2" footer)
        first = page_texts[0]
        cut = re.search(r"\n\s*references\s*\n", first, re.I)
        m = _ARXIV_ANY.search(first[: cut.start()] if cut else first)
        if m and not re.search(r"preprint\s*$", first[: m.start()][-30:], re.I):
            return m.group(1)
    for text in page_texts:  # footers on later pages
        m = _ARXIV_STAMP.search(text)
        if m:
            return m.group(1)
    return None


def _venue_year(head: str) -> tuple[str | None, int | None]:
    for pattern, build in _VENUE_RULES:
        m = pattern.search(head)
        if not m:
            continue
        name, year = build(m)
        if not name:
            continue
        return (f"{name} {year}" if year else name), (int(year) if year else None)
    return None, None


def _year_fallback(head: str, arxiv_id: str | None) -> int | None:
    m = re.search(r"(?:©|\(c\)|c⃝|copyright)\s*" + _YEAR, head, re.I)
    if m:
        return int(m.group(1))
    m = re.search(r"arXiv:\S+\s*\[[^\]]+\]\s*\d{1,2}\s+" + _MONTHS + r"\s+" + _YEAR, head)
    if m:
        return int(m.group(1))
    m = re.search(r"\b" + _MONTHS + r"\.?\s+(?:\d{1,2},?\s+)?" + _YEAR + r"\b", head[:600])
    if m:
        return int(m.group(1))
    if arxiv_id and re.match(r"\d{4}\.", arxiv_id):
        return 2000 + int(arxiv_id[:2])
    return None


def _code_url(page_texts: list[str]) -> str | None:
    for text in page_texts[:4]:
        joined = re.sub(r"(https?:)\s*\n\s*(//)", r"\1\2", text)
        for m in _CODE.finditer(joined):
            url = m.group(1).rstrip(".,;:)]}'\"")
            if url.count("/") >= 2 and not url.lower().endswith((".pdf", ".html")):
                return "https://" + url
    return None


def _doi(head: str) -> str | None:
    m = _DOI.search(head)
    return m.group(1).rstrip(".,;:)]}") if m else None


# ------------------------------------------------------------------ entry point
def extract_metadata(doc, page_texts: list[str] | None = None) -> ExtractedMetadata:
    meta = ExtractedMetadata()
    try:
        if page_texts is None:
            page_texts = [doc[i].get_text() for i in range(min(doc.page_count, 3))]
        head = _clean(" \n ".join(page_texts[:2]))
    except Exception:
        return meta
    steps = (
        ("layout", lambda: _layout_fields(doc, meta)),
        ("arxiv", lambda: setattr(meta, "arxiv_id", _arxiv_id(page_texts))),
        ("venue", lambda: _set_venue(meta, head)),
        ("doi", lambda: setattr(meta, "doi", _doi(head))),
        ("code", lambda: setattr(meta, "code_url", _code_url(page_texts))),
        ("docinfo", lambda: _doc_info(doc, meta)),
    )
    for name, step in steps:
        try:
            step()
        except Exception:  # one broken rule never loses the others
            log.debug("metadata step %s failed", name, exc_info=True)
    if meta.year is None:
        try:
            meta.year = _year_fallback(head, meta.arxiv_id)
        except Exception:
            pass
    if meta.title:
        meta.title = _title_case(meta.title)
    return meta


def _layout_fields(doc, meta: ExtractedMetadata) -> None:
    if doc.page_count == 0:
        return
    lines, _width, height = _first_page_lines(doc)
    if not lines:
        return
    headers = _running_headers(doc, lines)
    title, bottom, last_i = _title_from_layout(lines, height, headers)
    meta.title = title
    if title:
        meta.authors = _authors_from_layout(lines, last_i, bottom)


def _set_venue(meta: ExtractedMetadata, head: str) -> None:
    venue, year = _venue_year(head)
    meta.venue = venue
    if year:
        meta.year = year


def _doc_info(doc, meta: ExtractedMetadata) -> None:
    info = doc.metadata or {}
    doc_title = _clean(info.get("title") or "")
    usable = len(doc_title) >= 6 and len(doc_title.split()) >= 2 and not _JUNK_DOC_TITLE.search(doc_title)
    if usable:
        if not meta.title:
            meta.title = doc_title
        else:
            layout_words, doc_words = set(_words(meta.title)), set(_words(doc_title))
            overlap = len(layout_words & doc_words) / max(1, len(layout_words | doc_words))
            # The same title: prefer the document's (its text layer may be damaged,
            # and it keeps the author's capitalisation).
            if overlap >= 0.6:
                meta.title = doc_title
    if not meta.authors:
        author = _clean(info.get("author") or "")
        if author and not _AFFILIATION.search(author):
            from readerapp.core.library import parse_authors

            meta.authors = [a for a in parse_authors(author) if _as_name(a)]
