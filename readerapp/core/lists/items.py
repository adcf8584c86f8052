"""Bullet-list layouts: dated items (`- YYYYMMDD VENUE comment：[Title](url)`),
plain linked items (`- comment：[Title](url)`, `- [A](..), [B](..)` for two
papers, `[Title](..)[【code】](github..)`), venue items (post link then
`[【Title】](url)`). Items whose links all point into the page (`#Backbone`)
are a table of contents, never papers."""

from __future__ import annotations

import re

from readerapp.core.export import markdown as md
from readerapp.core.lists import roles
from readerapp.core.lists.model import Entry, Skipped

_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_VENUE_TOKEN = re.compile(r"^[A-Za-z][A-Za-z&/]*(?:[- ]?'?\d{2,4})$")
_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s?")
_SEPARATORS = re.compile(r"^[\s,，、;；&/|和及]*(?:and|or)?[\s,，、;；&/|和及]*$", re.IGNORECASE)
_EXTRA_ROLES = ("code", "notes", "talks", "link", "project")


def strip_blank_tail(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def find_close(tokens, i: int) -> int:
    """Index of the token closing tokens[i] (same level, nesting -1)."""
    level = tokens[i].level
    for j in range(i + 1, len(tokens)):
        if tokens[j].level == level and tokens[j].nesting == -1:
            return j
    return len(tokens) - 1


def all_links(src: str) -> list[tuple[str, str, str]]:
    """Every link in src as (text between it and the previous link, label, url)."""
    out = []
    prev = 0
    for start, end, label, url in md.iter_links(src):
        out.append((src[prev:start], label, url))
        prev = end
    return out


def _is_extra(label: str) -> bool:
    """A link next to a title that is not a paper: [【code】], [pdf], [笔记], [【汉】]."""
    key = roles.role_key(label)
    if roles.word_role(label) in _EXTRA_ROLES:
        return True
    inner = roles.plain(label).strip()
    return inner.startswith("【") and inner.endswith("】") and len(key) <= 4


def item_parts(tokens, i: int, close: int, lines: list[str]):
    """(head source, head map, nested list tokens range) of a list item."""
    head_src, head_map, nested = None, None, None
    j = i + 1
    while j < close:
        t = tokens[j]
        if t.type == "paragraph_open" and head_src is None and t.level == tokens[i].level + 1:
            head_map = t.map
            src_lines = lines[t.map[0]:t.map[1]]
            if src_lines:
                first = src_lines[0]
                if t.map[0] == tokens[i].map[0]:
                    first = _MARKER.sub("", first, count=1)
                src_lines = [first, *src_lines[1:]]
            head_src = "\n".join(src_lines)
        elif t.type in ("bullet_list_open", "ordered_list_open") and nested is None:
            nested = (j, find_close(tokens, j))
            j = nested[1]
        j += 1
    return head_src, head_map, nested


def _split_head(text: str):
    """(text before the papers, [(label, url) of the papers], extra links) of an item head,
    or None when it is not an entry: the head must end with its links."""
    spans = list(md.iter_links(text))
    if not spans or text[spans[-1][1]:].strip():
        return None
    extras: list[tuple[str, str]] = []
    while len(spans) > 1 and _is_extra(spans[-1][2]) and not text[spans[-2][1]:spans[-1][0]].strip():
        _s, _e, label, url = spans.pop()
        extras.insert(0, (label, url))
    papers = [spans[-1]]
    k = len(spans) - 1
    while (k > 0 and _SEPARATORS.match(text[spans[k - 1][1]:spans[k][0]]) and not _is_extra(spans[k - 1][2])
           and text[spans[k - 1][1]:spans[k][0]].strip()):
        k -= 1
        papers.insert(0, spans[k])
    if any(roles.is_anchor(url) for _s, _e, _l, url in papers):
        return None
    return text[:papers[0][0]], [(label, url) for _s, _e, label, url in papers], extras


def dated_entries(tokens, i: int, close: int, lines: list[str], require_date: bool) -> list[Entry]:
    head_src, head_map, nested = item_parts(tokens, i, close, lines)
    if head_src is None:
        return []
    text = head_src.strip()
    date = None
    m = re.match(r"^(\d{8})\s+", text)
    m8 = _DATE8.match(m.group(1)) if m else None
    if m and m8:
        y, mo, d = m8.groups()
        if 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
            date = f"{y}-{mo}-{d}"
            text = text[m.end():]
    if require_date and date is None:
        return []
    split = _split_head(text)
    if split is None:
        return []
    before, papers, extras = split
    out = []
    for n, (label, url) in enumerate(papers):
        e = Entry(start=tokens[i].map[0], end=tokens[i].map[1], style="dated")
        e.fields["title"] = roles.clean_title(label)
        if not e.fields["title"]:
            return []
        if url:
            e.fields["url"] = url
            e.fields.update(roles.ids_from_url(url))
        if date:
            e.fields["date_read"] = date
        out.append(e)
    lead = out[0]
    before = before.strip()
    if date and before:
        first, _, rest = before.partition(" ")
        two = " ".join(before.split(" ")[:2])
        if " " in two and _VENUE_TOKEN.match(two):  # "ICCV 2015"
            first, rest = two, before[len(two):]
        if _VENUE_TOKEN.match(first):
            for e in out:
                e.fields["venue"] = first
            years = roles.YEAR.findall(first)
            if years:
                year = int(years[-1])
            elif re.search(r"\d{2}$", first):
                year = 2000 + int(first[-2:]) if int(first[-2:]) < 50 else 1900 + int(first[-2:])
            else:
                year = None
            if year:
                for e in out:
                    e.fields["year"] = year
            before = rest.strip()
    comment = re.sub(r"[：:]\s*$", "", before).strip()
    if comment and len(out) == 1:
        lead.fields.update(roles.summary_fields(comment))
    for label, url in extras:
        _extra_link(lead, label, url)
    lead.parts["head"] = head_src
    if nested:
        for j in range(nested[0], nested[1]):
            t = tokens[j]
            if t.type == "inline":
                for prefix, label_src, link_url in all_links(t.content)[:1]:
                    if roles.is_anchor(link_url):
                        continue
                    label_text = roles.plain(prefix + label_src) if prefix.strip() else roles.plain(label_src)
                    _extra_link(lead, label_text, link_url)
        start = tokens[nested[0]].map[0]
        lead.parts["links"] = "\n".join(strip_blank_tail(lines[start:tokens[i].map[1]]))
    else:
        lead.parts["links"] = ""
    end = tokens[i].map[0] + len(strip_blank_tail(lines[tokens[i].map[0]:tokens[i].map[1]]))
    for n, e in enumerate(out):
        e.end = end
        if n:
            e.fields["_joined"] = True  # written by the lead entry's text in the list's own style
    return out


def _extra_link(e: Entry, label: str, url: str) -> None:
    text = roles.plain(label)
    kind = roles.link_kind(text, url)
    if (kind == "code" or roles.word_role(text) == "code") and "code_url" not in e.fields:
        e.fields["code_url"] = url
        return
    e.links.append((kind if kind != "code" else "other", text, url))


def venue_entry(tokens, i: int, close: int, lines: list[str]) -> Entry | None:
    head_src, head_map, nested = item_parts(tokens, i, close, lines)
    if head_src is None:
        return None
    links = [x for x in all_links(head_src) if not roles.is_anchor(x[2])]
    paper = None
    post = None
    for before, label, url in links:
        if label.strip().startswith("【") and paper is None and roles.word_role(label) not in _EXTRA_ROLES:
            paper = (label, url)
        elif post is None and paper is None:
            post = (label, url)
    if paper is None:
        return None
    title = roles.clean_title(paper[0])
    if not title:
        return None
    e = Entry(start=tokens[i].map[0], end=tokens[i].map[1], style="venue")
    e.fields.update(title=title, url=paper[1], **roles.ids_from_url(paper[1]))
    if post:
        e.links.append(("blog", roles.plain(post[0]), post[1]))
    for before, label, url in links:
        if (label, url) not in (paper, post):
            _extra_link(e, label, url)
    # "VENUE · [code](..) · **Model**; summary" (the line the venue style writes under the title)
    for line in head_src.split("\n"):
        if " · " not in line or "【" in line:
            continue
        for seg in (x.strip() for x in line.strip().split(" · ")):
            if seg.startswith("**"):
                e.fields.update(roles.summary_fields(seg))
            elif seg and "](" not in seg and "venue" not in e.fields:
                e.fields["venue"] = roles.plain(seg)
                years = roles.YEAR.findall(seg)
                if years:
                    e.fields["year"] = int(years[-1])
            elif seg and "](" not in seg:
                e.fields.update(roles.summary_fields(seg))
    item_lines = strip_blank_tail(lines[tokens[i].map[0]:tokens[i].map[1]])
    e.end = e.start + len(item_lines)
    e.parts["entry"] = "\n".join(item_lines)
    return e


def is_toc(tokens, i: int, close: int) -> bool:
    """A list whose every link points into the page: a table of contents."""
    n = anchors = 0
    for t in tokens[i:close]:
        if t.type == "inline":
            for _s, _e, _label, url in md.iter_links(t.content):
                n += 1
                anchors += roles.is_anchor(url)
    return n > 0 and anchors * 10 >= n * 9


def list_entries(tokens, i: int, end: int, lines: list[str], style: str) -> list[Entry]:
    out: list[Entry] = []
    level = tokens[i].level + 1
    j = i + 1
    while j < end:
        t = tokens[j]
        if t.type == "list_item_open" and t.level == level and t.map:
            close = find_close(tokens, j)
            if style == "venue":
                e = venue_entry(tokens, j, close, lines)
                out += [e] if e is not None else []
            else:
                out += dated_entries(tokens, j, close, lines, require_date=(style == "dated"))
            j = close
        j += 1
    return out


def toc_lines(tokens, i: int, close: int, skipped: list[Skipped], lines: list[str]) -> None:
    """Report each line of a table of contents (the list tokens[i:close])."""
    t = tokens[i]
    if t.map:
        for n in range(t.map[0], min(t.map[1], len(lines))):
            if lines[n].strip():
                skipped.append(Skipped(n + 1, lines[n], "a table of contents, not papers (kept as text)"))
