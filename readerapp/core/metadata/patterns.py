"""Text rules over the extracted page text: arXiv id, venue and year, DOI, code URL."""

from __future__ import annotations

import re
from collections.abc import Callable
import unicodedata

_ARXIV_STAMP = re.compile(
    r"arXiv:\s*(\d{4}\.\d{4,5}|[a-z][a-z.\-]+/\d{7})(?:v\d+)?\s*\[[A-Za-z][\w.\-]*\]", re.I)
_ARXIV_ANY = re.compile(r"arXiv:\s*(\d{4}\.\d{4,5}|[a-z][a-z.\-]+/\d{7})(?:v\d+)?", re.I)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>,;]+)")
_CODE = re.compile(r"(?:https?:\s*)?(?://)?(?:www\.)?((?:github\.com|gitlab\.com|bitbucket\.org)/[\w.\-]+/[\w.\-]+)",
                   re.I)
YEAR = r"(19[0-9]\d|20[0-4]\d)"
MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|" \
         r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"

_CONF_ACRONYMS = ("ICLR", "ICML", "NIPS", "NeurIPS", "CVPR", "ICCV", "ECCV", "ACL", "EMNLP", "NAACL", "COLING",
                  "AAAI", "IJCAI", "KDD", "SIGIR", "WWW", "SIGMOD", "VLDB", "SOSP", "OSDI", "ISMIR", "ICASSP",
                  "INTERSPEECH", "MICCAI", "BMVC", "WACV", "AISTATS", "UAI", "COLT", "CoRL", "RSS", "ICRA", "IROS",
                  "MM", "TPAMI", "TACL", "JMLR")


def full_year(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip("'’")
    if len(text) == 2 and text.isdigit():
        n = int(text)
        return str(2000 + n if n < 50 else 1900 + n)
    return text if re.fullmatch(YEAR, text) else None  # "012" or "3011" is no year


def _neurips(year: str) -> str:
    return "NIPS" if int(year) < 2018 else "NeurIPS"


VENUE_RULES: list[tuple[re.Pattern, Callable[[re.Match], tuple]]] = [
    (re.compile(r"(?:Published as a|Under review as a) (?:conference|workshop) paper at (\w+)\s*'?(\d{2,4})", re.I),
     lambda m: (m.group(1).upper() if m.group(1).upper() != "NEURIPS" else "NeurIPS", full_year(m.group(2)))),
    (re.compile(r"Journal of Machine Learning Research\s+\d+\s*\((\d{4})\)", re.I), lambda m: ("JMLR", m.group(1))),
    (re.compile(r"Advances in Neural Information Processing Systems\s+(\d{1,2})\b", re.I),
     lambda m: (_neurips(str(int(m.group(1)) + 1987)), str(int(m.group(1)) + 1987))),
    (re.compile(r"\b(\d{4})\s+Conference on Neural Information Processing Systems", re.I),
     lambda m: (_neurips(m.group(1)), m.group(1))),
    (re.compile(r"Conference on Neural Information Processing Systems\s*\((?:NIPS|NeurIPS)\s*(\d{4})\)", re.I),
     lambda m: (_neurips(m.group(1)), m.group(1))),
    (re.compile(r"Proceedings of the\s+\d+(?:st|nd|rd|th)\s+International Conference on Machine Learning"
                r".{0,80}?" + YEAR, re.I | re.S), lambda m: ("ICML", m.group(1))),
    (re.compile(r"This (CVPR|ICCV|ECCV|WACV)\s*(\d{4})? paper is the Open Access version", re.I),
     lambda m: (m.group(1).upper(), m.group(2))),
    (re.compile(r"\(Eds\.\):\s*(ECCV|ICCV|MICCAI|ACCV|ICANN)\s*(\d{4})", re.I),
     lambda m: (m.group(1).upper(), m.group(2))),
    (re.compile(r"\d+(?:st|nd|rd|th)\s+VLDB\s+Conference.{0,80}?" + YEAR, re.I | re.S),
     lambda m: ("VLDB", m.group(1))),
    (re.compile(r"\d+(?:st|nd|rd|th)\s+ACM Symposium on Operating Systems? Principles.{0,120}?" + YEAR, re.I | re.S),
     lambda m: ("SOSP", m.group(1))),
    (re.compile(r"(?:Proceedings of |In )?(?:the\s+)?(?:IEEE(?:/CVF)?\s+)?(?:Conference on Computer Vision and Pattern "
                r"Recognition|International Conference on Computer Vision)\s*\((CVPR|ICCV)\)?.{0,40}?" + YEAR,
                re.I | re.S), lambda m: (m.group(1).upper() if m.group(1) else None, m.group(2))),
    (re.compile(r"\bNeural Computation,?\s+\d+(?:\s*\(\d+\))?[,:]\s*\d+\s*[-–]\s*\d+,?\s*\(?" + YEAR),
     lambda m: ("Neural Computation", m.group(1))),
    (re.compile(r"\bMachine Learning,?\s+\d+[,:]\s*\d+\s*[-–]\s*\d+,?\s*\(?" + YEAR),
     lambda m: ("Machine Learning", m.group(1))),
    (re.compile(r"\b(" + "|".join(_CONF_ACRONYMS) + r")[\s'’\-]*(\d{4}|'\d{2})\b"),
     lambda m: (m.group(1), full_year(m.group(2)))),
]

# Journal lines that print a year: "Vol. 79, pp. 2554-2558, April 1982", "Nature 518, 529–533 (2015)",
# "NATURE | VOL 518 | 26 FEBRUARY 2015", "28 JULY 2006 VOL 313 SCIENCE", "Volume 13 / Number 6 / June, 1970"
_JOURNAL_DATES = [
    re.compile(r"\bVol(?:ume|\.)?\s*[\dIVXLC]+\b.{0,60}?\b" + MONTHS + r"\.?,?\s+(?:\d{1,2},?\s+)?" + YEAR,
               re.I | re.S),
    re.compile(r"\b\d{1,2}\s+" + MONTHS + r"\.?\s+" + YEAR + r"\b.{0,30}?\bVOL(?:UME|\.)?\s*\d+", re.I | re.S),
    re.compile(r"\bVOL(?:UME|\.)?\s*\d+\s*(?:\||•|,|\s)\s*(?:ISSUE\s*\d+\s*)?(?:\||•|,)?\s*\d{1,2}\s+" + MONTHS +
               r"\s+" + YEAR, re.I),
    re.compile(r"\b[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+)*,?\s+\d{1,4}(?:\s*\(\d+\))?[,:]\s*\d+\s*[-–]\s*\d+,?\s*\("
               + YEAR + r"\)"),
]


def arxiv_id(page_texts: list[str]) -> str | None:
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


def venue_year(head: str) -> tuple[str | None, int | None]:
    for pattern, build in VENUE_RULES:
        m = pattern.search(head)
        if not m:
            continue
        name, year = build(m)
        if not name:
            continue
        year = year if year and re.fullmatch(YEAR, str(year)) else None
        return (f"{name} {year}" if year else name), (int(year) if year else None)
    return None, None


def year_fallback(head: str, arxiv: str | None) -> int | None:
    """The year printed on the first page (copyright, stamp date, journal dates) or
    of the arXiv id; None when nothing says it."""
    m = re.search(r"(?:©|\(c\)|c⃝|copyright)\s*(?:\d{4}\s*[-–]\s*)?" + YEAR, head, re.I)
    if m:
        return int(m.group(1))
    m = re.search(r"arXiv:\S+\s*\[[^\]]+\]\s*\d{1,2}\s+" + MONTHS + r"\s+" + YEAR, head)
    if m:
        return int(m.group(1))
    for pattern in _JOURNAL_DATES:
        m = pattern.search(head)
        if m:
            return int(m.group(1))
    m = re.search(r"\b" + MONTHS + r"\.?,?\s+(?:\d{1,2},?\s+)?" + YEAR + r"\b", head[:1500], re.I)
    if m:
        return int(m.group(1))
    if arxiv and re.match(r"\d{4}\.", arxiv):
        return 2000 + int(arxiv[:2])
    return None


def creation_year(info: dict) -> int | None:
    """The year of the PDF's creation date ("D:20150312..."), the last resort."""
    m = re.match(r"(?:D:)?" + YEAR, (info or {}).get("creationDate") or "")
    return int(m.group(1)) if m else None


def code_url(page_texts: list[str]) -> str | None:
    for text in page_texts[:4]:
        joined = re.sub(r"(https?:)\s*\n\s*(//)", r"\1\2", text)
        for m in _CODE.finditer(joined):
            url = m.group(1).rstrip(".,;:)]}'\"")
            if url.count("/") >= 2 and not url.lower().endswith((".pdf", ".html")):
                return "https://" + url
    return None


def doi(head: str) -> str | None:
    m = _DOI.search(unicodedata.normalize("NFKC", head))
    return m.group(1).rstrip(".,;:)]}") if m else None
