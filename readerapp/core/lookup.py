"""Optional online lookup of a paper's metadata (off unless the setting
`lookup_online` is true): the arXiv API by arXiv id, Crossref by DOI, and a
title search on Crossref, then DBLP.

Only the standard library (urllib, json, xml) with strict timeouts: a
machine without network gets one line (LookupUnavailable) quickly, never a
hang. What a source returns is only proposed: `proposed_changes` lists, per
field the user has not set by hand, the old and the new value; the caller
shows them and writes them (`apply_changes`) when asked to.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any
from collections.abc import Callable
from dataclasses import dataclass, field

from readerapp.core.textnorm import title_key

TIMEOUT_S = 8.0  # per request (connect and each read)
MAX_BYTES = 2_000_000  # a response larger than this is not a metadata record
ARXIV_API = "https://export.arxiv.org/api/query?id_list={id}"
CROSSREF_WORK = "https://api.crossref.org/works/{doi}"
CROSSREF_SEARCH = "https://api.crossref.org/works?query.bibliographic={q}&rows=5"
DBLP_SEARCH = "https://dblp.org/search/publ/api?q={q}&format=json&h=5"
LOOKUP_FIELDS = ("title", "authors", "year", "venue", "doi", "arxiv_id")

Fetcher = Callable[[str], bytes]


class LookupUnavailable(Exception):
    """The source could not be reached (offline, timeout, HTTP error): one line for the user."""


@dataclass
class Found:
    source: str  # "arXiv", "Crossref", "DBLP"
    fields: dict = field(default_factory=dict)


def fetch(url: str, timeout: float = TIMEOUT_S) -> bytes:
    """GET `url`; LookupUnavailable with a one-line reason on any network failure."""
    from readerapp import __version__

    request = urllib.request.Request(url, headers={"User-Agent": f"readerapp/{__version__} (metadata lookup)",
                                                   "Accept": "application/json, application/atom+xml"})
    host = urllib.parse.urlsplit(url).hostname
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https only)
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return b""
        raise LookupUnavailable(f"{host} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LookupUnavailable(f"{host} could not be reached ({reason}); are you offline?") from None
    if len(data) > MAX_BYTES:
        raise LookupUnavailable(f"{host} sent more than {MAX_BYTES // 1_000_000} MB; ignored")
    return data


# ------------------------------------------------------------------ parsers
_ATOM = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


def _space(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def parse_arxiv(body: bytes) -> dict | None:
    """Fields of the first entry of an arXiv API Atom feed (None for an error entry or none)."""
    if not body:
        return None
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    entry = root.find("a:entry", _ATOM)
    if entry is None:
        return None
    entry_id = entry.findtext("a:id", "", _ATOM)
    m = re.search(r"arxiv\.org/abs/(.+?)(v\d+)?$", entry_id)
    title = _space(entry.findtext("a:title", "", _ATOM))
    if not m or not title or title.lower() == "error":
        return None
    out = {"title": title, "arxiv_id": m.group(1),
           "authors": [_space(a.findtext("a:name", "", _ATOM)) for a in entry.findall("a:author", _ATOM)]}
    published = entry.findtext("a:published", "", _ATOM)
    if re.match(r"\d{4}-", published):
        out["year"] = int(published[:4])
    doi = _space(entry.findtext("arxiv:doi", "", _ATOM))
    if doi:
        out["doi"] = doi
    return out


def _crossref_fields(work: dict) -> dict:
    out: dict = {}
    titles = work.get("title") or []
    if titles and isinstance(titles[0], str):
        out["title"] = _space(titles[0])
    authors = []
    for a in work.get("author") or []:
        if not isinstance(a, dict):
            continue
        name = _space(" ".join(p for p in (a.get("given"), a.get("family")) if isinstance(p, str)))
        name = name or _space(a.get("name") if isinstance(a.get("name"), str) else "")
        if name:
            authors.append(name)
    if authors:
        out["authors"] = authors
    for key in ("published-print", "published-online", "issued", "created"):
        parts = (work.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and isinstance(parts[0][0], int):
            out["year"] = parts[0][0]
            break
    container = work.get("container-title") or []
    if container and isinstance(container[0], str):
        out["venue"] = _space(container[0]) + (f" {out['year']}" if "year" in out else "")
    if isinstance(work.get("DOI"), str):
        out["doi"] = work["DOI"]
    return out


def _parse_crossref_work(body: bytes) -> dict | None:
    try:
        message = json.loads(body or b"null")["message"]
    except (ValueError, KeyError, TypeError):
        return None
    return _crossref_fields(message) if isinstance(message, dict) else None


def _same_title(a: str, b: str) -> bool:
    ka, kb = set(title_key(a).split()), set(title_key(b).split())
    return bool(ka) and len(ka & kb) / len(ka | kb) >= 0.85


def _parse_crossref_search(body: bytes, title: str) -> dict | None:
    """The first search hit whose title is the paper's (others are never taken)."""
    try:
        items = json.loads(body or b"null")["message"]["items"]
    except (ValueError, KeyError, TypeError):
        return None
    for work in items if isinstance(items, list) else []:
        if isinstance(work, dict):
            found = _crossref_fields(work)
            if _same_title(found.get("title", ""), title):
                return found
    return None


def _parse_dblp(body: bytes, title: str) -> dict | None:
    try:
        hits = json.loads(body or b"null")["result"]["hits"].get("hit") or []
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    for hit in hits if isinstance(hits, list) else []:
        info = hit.get("info") if isinstance(hit, dict) else None
        if not isinstance(info, dict):
            continue
        found_title = _space(str(info.get("title", ""))).rstrip(".")
        if not _same_title(found_title, title):
            continue
        authors = (info.get("authors") or {}).get("author") or []
        if isinstance(authors, dict):  # one author is an object, not a list
            authors = [authors]
        names = [re.sub(r"\s+\d{4}$", "", _space(a.get("text") if isinstance(a, dict) else str(a)))
                 for a in authors]  # "Wei Liu 0005": DBLP's number for people of the same name
        out: dict[str, Any] = {"title": found_title, "authors": [n for n in names if n]}
        if str(info.get("year", "")).isdigit():
            out["year"] = int(info["year"])
        if isinstance(info.get("venue"), str) and info["venue"] != "CoRR":
            out["venue"] = re.sub(r"\s*\(.*?\)", "", info["venue"]) + (f" {out['year']}" if "year" in out else "")
        if isinstance(info.get("doi"), str):
            out["doi"] = info["doi"]
        return out
    return None


def _guarded(parse):
    """A body in an unexpected shape is no record (None), never an exception."""
    def run(*args):
        try:
            return parse(*args)
        except (TypeError, AttributeError, KeyError, IndexError, ValueError):
            return None
    run.__doc__ = parse.__doc__
    return run


parse_crossref_work = _guarded(_parse_crossref_work)
parse_crossref_search = _guarded(_parse_crossref_search)
parse_dblp = _guarded(_parse_dblp)


# ------------------------------------------------------------------ lookup
def lookup_paper(paper, fetcher: Fetcher | None = None) -> Found | None:
    """Ask the sources in order: arXiv (by id), Crossref (by DOI), Crossref then DBLP (by title).
    None when nothing matched; LookupUnavailable when a source could not be reached."""
    fetcher = fetcher or fetch
    if paper.arxiv_id:
        body = fetcher(ARXIV_API.format(id=urllib.parse.quote(paper.arxiv_id)))
        if body.strip().startswith(b"Rate exceeded"):
            raise LookupUnavailable("arXiv asks to slow down (rate exceeded); try again in a minute")
        found = parse_arxiv(body)
        if found:
            return Found("arXiv", found)
    if paper.doi:
        found = parse_crossref_work(fetcher(CROSSREF_WORK.format(doi=urllib.parse.quote(paper.doi, safe="/"))))
        if found:
            return Found("Crossref", found)
    title = (paper.title or "").strip()
    if len(title_key(title)) < 8 or title.startswith("Untitled"):
        return None
    q = urllib.parse.quote(title)
    found = parse_crossref_search(fetcher(CROSSREF_SEARCH.format(q=q)), title)
    if found:
        return Found("Crossref", found)
    found = parse_dblp(fetcher(DBLP_SEARCH.format(q=q)), title)
    return Found("DBLP", found) if found else None


def proposed_changes(paper, found: Found) -> dict[str, tuple]:
    """{field: (old, new)} for the fields the user has not set, where the source says something
    else. An arXiv preprint's year and a search hit's venue only fill empty fields (a paper's
    year is its publication's, often later than its first arXiv version)."""
    changes: dict[str, tuple] = {}
    for name in LOOKUP_FIELDS:
        new = found.fields.get(name)
        if new in (None, "", []) or name in paper.user_fields:
            continue
        if name == "year" and not (isinstance(new, int) and 1000 <= new <= 2200):
            continue  # a source's typo is no year
        old = getattr(paper, name)
        if old == new or (name == "title" and title_key(old or "") == title_key(new) and old):
            continue
        fill_only = (found.source == "arXiv" and name == "year") or (name == "venue" and found.source != "Crossref")
        if fill_only and old not in (None, "", []):
            continue
        changes[name] = (old, new)
    return changes


def apply_changes(library, paper_id: int, changes: dict[str, tuple]) -> None:
    """Write the new values (not marked as set by hand: a later lookup or re-extraction may
    still improve them) and take the fields off the review queue."""
    if not changes:
        return
    library.update_paper(paper_id, by_user=False, **{k: new for k, (_old, new) in changes.items()})
    for name in changes:
        library.set_review(paper_id, name, None)
