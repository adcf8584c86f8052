"""Import of an existing paper list (a GitHub README) into the library.

The file is parsed with markdown-it-py (CommonMark plus the GFM table rule):
headings, tables, bullet lists and paragraphs come from its token stream, with
their source line ranges; small regular expressions only look inside one cell
or one entry (an arXiv id in a URL, a YYYYMMDD date, a year in a venue).

Four styles are understood (see resources/templates): ``table`` (one table per
section), ``dated`` (``- YYYYMMDD VENUE comment：[Title](url)`` with links as
sub-bullets), ``venue`` (``## VENUE YEAR`` / ``### topic`` / post link and
``[【title】](url)``) and ``digest`` (bold title, tag, summary, paper and code
links). The style is detected from which one reads the most entries.

Entries become papers (without a PDF; a PDF imported later fills the entry),
placed in two-level sections in the list's order. Everything that is not an
entry (the preamble, text between sections, a table of talks) is kept in the
list's stored layout, and where an entry's text differs from what the style
would write from the paper's fields, that text is kept with the entry (see
:mod:`readerapp.core.export.render`): exporting the list again gives it back.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from readerapp.core import textnorm
from readerapp.core.errors import InvalidValue
from readerapp.core.export import markdown as md

log = logging.getLogger(__name__)

STYLES = ("table", "dated", "venue", "digest")
MAX_LIST_BYTES = 20 * 1024 * 1024

_ARXIV = re.compile(r"arxiv(?:-vanity)?\.(?:org|com)/(?:abs|pdf|papers)/(\d{4}\.\d{4,5})", re.IGNORECASE)
_DOI = re.compile(r"doi\.org/(10\.\d{4,9}/[^\s?#]+)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_VENUE_TOKEN = re.compile(r"^[A-Za-z][A-Za-z&/]*(?:[- ]?'?\d{2,4})$")
_BR_SPLIT = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s?")

_ROLE_WORDS = {
    "title": ("paper", "papers", "论文", "title", "标题", "文章", "name", "题目"),
    "code": ("源码", "code", "github", "代码", "repo", "repository"),
    "venue": ("收录", "venue", "会议", "收录&作者", "conference", "期刊", "会议/论坛", "published", "year"),
    "summary": ("简介", "summary", "介绍", "概述", "description", "abstract", "摘要"),
    "notes": ("笔记", "notes", "note", "解读"),
    "talks": ("讲解", "talks", "talk", "视频", "参考资料", "video", "videos", "blog", "资料", "links"),
}


def column_role(label: str, used: set[str]) -> str | None:
    key = textnorm.normalize_space(md.unescape(label)).lower()
    for role, words in _ROLE_WORDS.items():
        if role not in used and key in words:
            return role
    return None


def link_kind(label: str) -> str:
    low = label.lower()
    if any(w in low for w in ("笔记", "解读", "note")):
        return "notes"
    if any(w in low for w in ("博客", "知乎", "blog", "csdn", "公众号")):
        return "blog"
    if any(w in low for w in ("视频", "讲解", "talk", "video", "bilibili", "slides", "youtube")):
        return "talk"
    return "other"


@dataclass
class Skipped:
    line: int  # 1-based
    text: str
    reason: str


@dataclass
class Entry:
    start: int  # 0-based first line
    end: int  # 0-based line after the entry
    fields: dict = field(default_factory=dict)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, label, url)
    parts: dict[str, str] = field(default_factory=dict)  # part -> source text
    tags: list[str] = field(default_factory=list)
    columns: list[list[str]] | None = None  # table: [label, role] per column


@dataclass
class Heading:
    line: int
    level: int
    text: str
    raw: str


@dataclass
class ParsedList:
    style: str
    lines: list[str]
    headings: list[Heading]
    entries: list[Entry]
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class ListImportResult:
    path: str
    name: str
    style: str
    added: int = 0
    matched: int = 0
    sections: int = 0
    entries: int = 0
    paper_ids: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        data["skipped"] = [asdict(s) for s in self.skipped]
        return data


# ---------------------------------------------------------------- parsing

def _parser():
    from markdown_it import MarkdownIt

    # block structure only: entries are read from each inline token's source (.content),
    # so the inline rules (the costly part) do not run
    return MarkdownIt("commonmark", {"html": True}).enable("table").disable(["inline", "text_join"],
                                                                              ignoreInvalid=True)


def _last_link(src: str):
    """The last `[label](url)` in src: (before, label, url, after) or None."""
    last = None
    for last in md.iter_links(src):
        pass
    if last is None:
        return None
    start, end, label, url = last
    return src[:start], label, url, src[end:]


def _all_links(src: str) -> list[tuple[str, str, str]]:
    """Every link in src as (text between it and the previous link, label, url)."""
    out = []
    prev = 0
    for start, end, label, url in md.iter_links(src):
        out.append((src[prev:start], label, url))
        prev = end
    return out


def _ids_from_url(url: str) -> dict:
    out = {}
    m = _ARXIV.search(url or "")
    if m:
        out["arxiv_id"] = m.group(1)
    m = _DOI.search(url or "")
    if m:
        out["doi"] = m.group(1).rstrip(".")
    return out


def _plain(src: str) -> str:
    return textnorm.normalize_space(md.unescape(src))


def _strip_blank_tail(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _find_close(tokens, i: int) -> int:
    """Index of the token closing tokens[i] (same level, nesting -1)."""
    level = tokens[i].level
    for j in range(i + 1, len(tokens)):
        if tokens[j].level == level and tokens[j].nesting == -1:
            return j
    return len(tokens) - 1


def _source_cells(line: str) -> list[str]:
    """The cells of a table row as written (split on unescaped pipes, padding removed)."""
    from readerapp.core.export.roundtrip import _split_row

    cells = _split_row(line.strip())
    if cells and not cells[0].strip() and line.strip().startswith("|"):
        cells = cells[1:]
    if cells and not cells[-1].strip() and line.rstrip().endswith("|") and not line.rstrip().endswith("\\|"):
        cells = cells[:-1]
    return [c.strip() for c in cells]


def _table_entries(tokens, i: int, end: int, lines: list[str], skipped: list[Skipped]) -> list[Entry]:
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    row: list[str] | None = None
    row_line = 0
    sources: dict[int, list[str]] = {}
    for t in tokens[i:end]:
        if t.type == "tr_open":
            row = []
            row_line = t.map[0] if t.map else row_line
        elif t.type == "inline" and row is not None:
            row.append(t.content.strip())
        elif t.type == "tr_close" and row is not None:
            if not header:
                header = row
            else:
                rows.append((row_line, row))
                sources[row_line] = _source_cells(lines[row_line] if row_line < len(lines) else "")
            row = None
    used: set[str] = set()
    columns: list[list[str]] = []
    for k, label in enumerate(header):
        role = column_role(label, used)
        if role:
            used.add(role)
        columns.append([label, role or f"col{k}"])
    if "title" not in used:
        return []
    entries = []
    for line, cells in rows:
        cells = cells + [""] * (len(columns) - len(cells))
        src = sources.get(line) or []
        if len(src) != len(cells):
            src = [c.replace("|", "\\|") for c in cells]
        e = Entry(start=line, end=line + 1, columns=columns)
        for (label, role), raw, cell_src in zip(columns, cells, src):
            e.parts[role] = cell_src  # as written (escaped pipes included)
            value = raw.strip()  # the cell's Markdown (GFM has turned \| into |)
            empty = value in ("", "-", "—", "/")
            if role == "title":
                hit = md.split_link(value)
                if hit and not hit[0].strip() and not hit[3].strip():
                    e.fields["title"] = _plain(hit[1])
                    e.fields["url"] = hit[2]
                    e.fields.update(_ids_from_url(hit[2]))
                elif not empty:
                    e.fields["title"] = _plain(re.sub(r"(?<!\\)<[A-Za-z/][^<>]*(?<!\\)>", " ", value))
            elif role == "code" and not empty:
                links = _all_links(value)
                if links:
                    e.fields["code_url"] = links[0][2]
            elif role == "venue" and not empty:
                first = _plain(_BR_SPLIT.split(value)[0])
                years = _YEAR.findall(first)
                if years:
                    e.fields["year"] = int(years[-1])
                if first and not re.fullmatch(r"\d{4}", first):
                    e.fields["venue"] = first
            elif role == "summary" and not empty:
                if value.startswith("**"):
                    close = value.find("**", 2)
                    if close > 2:
                        e.fields["model_name"] = _plain(value[2:close])
                        rest = value[close + 2:].lstrip()
                        rest = re.sub(r"^[;；,，:：]\s*", "", rest)
                        if rest:
                            e.fields["summary"] = rest
                    else:
                        e.fields["summary"] = value
                else:
                    e.fields["summary"] = value
            elif role in ("notes", "talks") and not empty:
                for _before, label_src, url in _all_links(value):
                    label_text = _plain(label_src)
                    kind = "notes" if role == "notes" else (link_kind(label_text) if link_kind(label_text) != "notes"
                                                            else "other")
                    if role == "talks" and kind == "other":
                        kind = "talk"
                    e.links.append((kind, label_text, url))
        if not e.fields.get("title"):
            skipped.append(Skipped(line + 1, lines[line] if line < len(lines) else "", "table row without a title"))
            continue
        entries.append(e)
    if entries and tokens[i].map:
        entries[0].start = tokens[i].map[0]  # the header and alignment rows go with the first entry
    return entries


def _item_parts(tokens, i: int, close: int, lines: list[str]):
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
            nested = (j, _find_close(tokens, j))
            j = nested[1]
        j += 1
    return head_src, head_map, nested


def _dated_entry(tokens, i: int, close: int, lines: list[str], require_date: bool) -> Entry | None:
    head_src, head_map, nested = _item_parts(tokens, i, close, lines)
    if head_src is None:
        return None
    text = head_src.strip()
    date = None
    m = re.match(r"^(\d{8})\s+", text)
    if m and _DATE8.match(m.group(1)):
        y, mo, d = _DATE8.match(m.group(1)).groups()
        if 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
            date = f"{y}-{mo}-{d}"
            text = text[m.end():]
    if require_date and date is None:
        return None
    hit = _last_link(text)
    if hit is None:
        return None
    before, label, url, after = hit
    if after.strip():
        return None
    e = Entry(start=tokens[i].map[0], end=tokens[i].map[1])
    e.fields["title"] = _plain(label)
    if not e.fields["title"]:
        return None
    e.fields["url"] = url
    e.fields.update(_ids_from_url(url))
    if date:
        e.fields["date_read"] = date
    before = before.strip()
    if date and before:
        first, _, rest = before.partition(" ")
        if _VENUE_TOKEN.match(first):
            e.fields["venue"] = first
            years = _YEAR.findall(first)
            if years:
                e.fields["year"] = int(years[-1])
            elif re.search(r"\d{2}$", first):
                e.fields["year"] = 2000 + int(first[-2:]) if int(first[-2:]) < 50 else 1900 + int(first[-2:])
            before = rest.strip()
    comment = re.sub(r"[：:]\s*$", "", before).strip()
    if comment:
        e.fields["summary"] = comment
    e.parts["head"] = head_src
    if nested:
        for j in range(nested[0], nested[1]):
            t = tokens[j]
            if t.type == "inline":
                for prefix, label_src, link_url in _all_links(t.content)[:1]:
                    label_text = _plain(prefix + label_src) if prefix.strip() else _plain(label_src)
                    e.links.append((link_kind(label_text), label_text, link_url))
        start = tokens[nested[0]].map[0]
        e.parts["links"] = "\n".join(_strip_blank_tail(lines[start:tokens[i].map[1]]))
    else:
        e.parts["links"] = ""
    e.end = tokens[i].map[0] + len(_strip_blank_tail(lines[tokens[i].map[0]:tokens[i].map[1]]))
    return e


def _venue_entry(tokens, i: int, close: int, lines: list[str]) -> Entry | None:
    head_src, head_map, nested = _item_parts(tokens, i, close, lines)
    if head_src is None:
        return None
    links = _all_links(head_src)
    paper = None
    post = None
    for before, label, url in links:
        if label.strip().startswith("【") and paper is None:
            paper = (label, url)
        elif post is None and paper is None:
            post = (label, url)
    if paper is None:
        return None
    title = _plain(paper[0]).strip()
    title = title[1:] if title.startswith("【") else title
    title = title[:-1] if title.endswith("】") else title
    if not title.strip():
        return None
    e = Entry(start=tokens[i].map[0], end=tokens[i].map[1])
    e.fields.update(title=title.strip(), url=paper[1], **_ids_from_url(paper[1]))
    if post:
        e.links.append(("blog", _plain(post[0]), post[1]))
    for before, label, url in links:
        if (label, url) not in (paper, post):
            e.links.append((link_kind(_plain(label)), _plain(label), url))
    item_lines = _strip_blank_tail(lines[tokens[i].map[0]:tokens[i].map[1]])
    e.end = e.start + len(item_lines)
    e.parts["entry"] = "\n".join(item_lines)
    return e


def _list_entries(tokens, i: int, end: int, lines: list[str], style: str) -> list[Entry]:
    out = []
    level = tokens[i].level + 1
    j = i + 1
    while j < end:
        t = tokens[j]
        if t.type == "list_item_open" and t.level == level and t.map:
            close = _find_close(tokens, j)
            if style == "venue":
                e = _venue_entry(tokens, j, close, lines)
            else:
                e = _dated_entry(tokens, j, close, lines, require_date=(style == "dated"))
            if e is not None:
                out.append(e)
            j = close
        j += 1
    return out


def _is_title_line(line: str) -> bool:
    s = line.strip()
    if not (s.startswith("**") and s.endswith("**") and len(s) > 4 and "**" not in s[2:-2]):
        return False
    inner = s[2:-2].strip()
    return bool(inner) and not inner.startswith("@") and not inner.endswith("推荐") and inner not in ("▲",)


def _digest_entries(tokens, lines: list[str]) -> list[Entry]:
    """Bold-title blocks: **Title** / **@x 推荐** / \\#Tag / summary ... 论文链接 URL 代码链接 URL.

    A title is a line that is bold as a whole, followed by a recommender line
    (**@name 推荐**) or a tag line (\\#Tag)."""
    starts: list[tuple[int, int]] = []  # (title line, end line of its paragraph)
    for t in tokens:
        if t.type == "inline" and t.map and t.level == 1:
            body = t.content.split("\n")
            for k, line in enumerate(body[:-1]):
                nxt = body[k + 1].strip()
                if _is_title_line(line) and (nxt.startswith("**@") or nxt.startswith("\\#")):
                    starts.append((t.map[0] + k, t.map[1]))
    out = []
    for n, (start, para_end) in enumerate(starts):
        stop_line = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        e = Entry(start=start, end=stop_line)
        e.fields["title"] = _plain(lines[start].strip()[2:-2])
        summary = []
        for line in lines[start + 1:min(para_end, stop_line)]:
            s = line.strip()
            if s.startswith("**@") or not s:
                continue
            if s.startswith("!["):
                break
            if s.startswith("\\#"):
                e.tags += [_plain(x) for x in s.replace("\\#", "#").split("#") if x.strip()]
                continue
            summary.append(s)
        if summary:
            text = re.split(r"!\[", "\n".join(summary), maxsplit=1)[0].strip()
            if text:
                e.fields["summary"] = text
        label = None
        last = start
        for k in range(para_end, stop_line):
            s = lines[k].strip()
            if s in ("论文链接", "Paper", "paper", "论文", "Paper link"):
                label, last = "paper", k
            elif s in ("代码链接", "Code", "code", "代码", "Code link"):
                label, last = "code", k
            elif label and s.startswith("http"):
                if label == "paper" and "url" not in e.fields:
                    e.fields["url"] = s
                    e.fields.update(_ids_from_url(s))
                elif label == "code" and "code_url" not in e.fields:
                    e.fields["code_url"] = s
                label, last = None, k
        e.end = max(last + 1, para_end) if last > start else stop_line
        e.end = start + len(_strip_blank_tail(lines[start:e.end]))
        e.parts["entry"] = "\n".join(lines[start:e.end])
        if e.fields["title"]:
            out.append(e)
    return out


def parse_list(text: str, style: str | None = None) -> ParsedList:
    """Parse a list's text; `style` forces one of STYLES (default: detected)."""
    if style is not None and style not in STYLES:
        raise InvalidValue(f"unknown list style {style!r} (styles: {', '.join(STYLES)})")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    tokens = _parser().parse(text)
    headings: list[Heading] = []
    found: dict[str, list[Entry]] = {s: [] for s in (*STYLES, "links")}
    skipped_by: dict[str, list[Skipped]] = {s: [] for s in found}
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.level != 0 or t.nesting == -1:
            i += 1
            continue
        close = _find_close(tokens, i) if t.nesting == 1 else i
        if t.type == "heading_open" and t.map:
            inline = tokens[i + 1]
            headings.append(Heading(t.map[0], int(t.tag[1]), inline.content.strip(),
                                    "\n".join(lines[t.map[0]:t.map[1]])))
        elif t.type == "table_open":
            found["table"] += _table_entries(tokens, i, close, lines, skipped_by["table"])
        elif t.type in ("bullet_list_open", "ordered_list_open"):
            for s in ("dated", "venue", "links"):
                if style in (None, s) or (style == "dated" and s == "links"):
                    found[s] += _list_entries(tokens, i, close, lines, s)
        i = close + 1
    if style in (None, "digest"):
        found["digest"] = _digest_entries(tokens, lines)
    if style is None:
        counts = {s: len(found[s]) for s in STYLES}
        style = max(STYLES, key=lambda s: (counts[s], -STYLES.index(s)))
        if counts[style] == 0:
            style = "dated"  # "text：[title](url)" items, the simplest readable form
    entries = found[style]
    if style == "dated":
        # items without a date are read too (as "comment：[title](url)"), unless dated ones exist
        dated_lines = {e.start for e in entries}
        if not entries:
            entries = found["links"]
        else:
            entries = sorted(entries + [e for e in found["links"] if e.start not in dated_lines
                                        and not any(d.start <= e.start < d.end for d in entries)],
                             key=lambda e: e.start)
    entries.sort(key=lambda e: e.start)
    return ParsedList(style=style, lines=lines, headings=headings, entries=entries, skipped=skipped_by[style])


# ---------------------------------------------------------------- structure

@dataclass
class _Section:
    path: list[str]
    heading: Heading | None
    level: int
    entries: list[Entry] = field(default_factory=list)
    before: str = ""
    after: str = ""


def _chunk(lines: list[str], start: int, end: int) -> str:
    """Source lines [start, end) without leading and trailing blank lines."""
    part = lines[start:end]
    while part and not part[0].strip():
        part = part[1:]
    return "\n".join(_strip_blank_tail(part))


def structure(parsed: ParsedList, implicit_name: str):
    """Split the parsed list into preamble, sections (with their entries and the
    text between them) and postamble."""
    lines, entries, headings = parsed.lines, parsed.entries, parsed.headings
    if not entries:
        return _chunk(lines, 0, len(lines)), [], "", [2, 3]

    import bisect

    head_lines = [h.line for h in headings]  # headings come in line order
    entry_starts = sorted(e.start for e in entries)

    def heading_before(line: int) -> Heading | None:
        k = bisect.bisect_left(head_lines, line)
        return headings[k - 1] if k else None

    # where each heading's region ends: the next heading of the same or a higher level
    region_end: dict[int, int] = {}
    open_heads: list[Heading] = []
    for h in headings:
        while open_heads and open_heads[-1].level >= h.level:
            region_end[id(open_heads.pop())] = h.line
        open_heads.append(h)

    def region_has_entry(h: Heading) -> bool:
        end = region_end.get(id(h), len(lines))
        k = bisect.bisect_right(entry_starts, h.line)
        return k < len(entry_starts) and entry_starts[k] < end

    # section levels: the levels of headings right above entries, and of repeated headings
    # holding entries further down (a lone title heading like "# My list" is not a section)
    direct = {h.level for e in entries if (h := heading_before(e.start)) is not None}
    per_level: dict[int, int] = {}
    for h in headings:
        per_level[h.level] = per_level.get(h.level, 0) + 1
    holding = {h.level for h in headings if per_level[h.level] > 1 and region_has_entry(h)}
    owning = (holding | direct) if holding else direct
    owning = {lv for lv in owning if lv >= min(direct, default=lv) or lv in holding}
    implicit = any(heading_before(e.start) is None for e in entries) or not owning
    levels = sorted(owning)
    top = levels[0] if levels else 2
    sub = max(direct) if direct and max(direct) > top else (levels[1] if len(levels) > 1 else None)
    sec_heads = [h for h in headings if h.level in (top, sub) and not (sub is None and h.level != top)]
    first_entry, last_entry_end = entries[0].start, max(e.end for e in entries)

    # the preamble ends at the first section heading whose region holds an entry
    start_line = first_entry
    if not implicit:
        sec_end: dict[int, int] = {}
        stack: list[Heading] = []
        for h in sec_heads:
            while stack and stack[-1].level >= h.level:
                sec_end[id(stack.pop())] = h.line
            stack.append(h)
        for h in sec_heads:
            end = sec_end.get(id(h), len(lines))
            k = bisect.bisect_right(entry_starts, h.line)
            if k < len(entry_starts) and entry_starts[k] < end:
                start_line = h.line
                break
    end_line = next((h.line for h in sec_heads if h.line >= last_entry_end), len(lines))
    if implicit:
        start_line = first_entry  # no headings above the entries: the text before them is the preamble
    preamble = _chunk(lines, 0, start_line)
    postamble = _chunk(lines, end_line, len(lines))

    sections: list[_Section] = []
    current_top: str | None = None
    if implicit:
        sections.append(_Section(path=[implicit_name], heading=None, level=1))
    body_heads = [h for h in sec_heads if start_line <= h.line < end_line]
    events: list[tuple[int, int, object]] = [(h.line, 0, h) for h in body_heads]
    events += [(e.start, 1, e) for e in entries]
    events.sort(key=lambda ev: (ev[0], ev[1]))
    cursor = start_line
    last_entry: Entry | None = None
    raw_after: dict[int, str] = {}
    for line, kind, obj in events:
        gap = _chunk(lines, cursor, line)
        if kind == 0:
            h: Heading = obj  # type: ignore[assignment]
            if gap and sections:
                if last_entry is not None and sections[-1].entries:
                    sections[-1].after = gap
                else:
                    sections[-1].before = (sections[-1].before + "\n\n" + gap).strip("\n")
            name = textnorm.normalize_space(md.unescape(h.text)) or "-"
            if h.level == top or sub is None:
                current_top = name
                path = [name]
            else:
                path = [current_top, name] if current_top else [name]
            sections.append(_Section(path=path, heading=h, level=len(path)))
            last_entry = None
            cursor = h.line + (h.raw.count("\n") + 1)
        else:
            e: Entry = obj  # type: ignore[assignment]
            if not sections:
                sections.append(_Section(path=[implicit_name], heading=None, level=1))
            if gap:
                if last_entry is not None:
                    raw_after[id(last_entry)] = gap
                else:
                    sections[-1].before = (sections[-1].before + "\n\n" + gap).strip("\n")
            sections[-1].entries.append(e)
            last_entry = e
            cursor = max(e.end, line + 1)
    gap = _chunk(lines, cursor, end_line)
    if gap and sections:
        if sections[-1].entries:
            sections[-1].after = gap
        else:
            sections[-1].before = (sections[-1].before + "\n\n" + gap).strip("\n")
    for s in sections:
        for e in s.entries:
            e.fields.setdefault("_after", raw_after.get(id(e), ""))
    return preamble, sections, postamble, [top, sub or top + 1]


# ---------------------------------------------------------------- into the library

class _Matcher:
    """Library.find_paper_for_entry for many entries: the same rules (arXiv id, then
    DOI, then a normalized title of 8+ characters), with the keys read once."""

    def __init__(self, lib):
        self.arxiv: dict[str, int] = {}
        self.doi: dict[str, int] = {}
        self.title: dict[str, int] = {}
        for row in lib.papers.identity_keys():
            self.add(row[0], {"arxiv_id": row[1], "doi": row[2], "title": row[3]})

    def add(self, pid: int, fields: dict) -> None:
        if fields.get("arxiv_id"):
            self.arxiv[fields["arxiv_id"]] = pid
        if fields.get("doi"):
            self.doi[fields["doi"].lower()] = pid
        key = textnorm.title_key(fields.get("title") or "")
        if len(key) >= 8:
            self.title[key] = pid

    def find(self, fields: dict) -> int | None:
        if fields.get("arxiv_id") and fields["arxiv_id"] in self.arxiv:
            return self.arxiv[fields["arxiv_id"]]
        if fields.get("doi") and fields["doi"].lower() in self.doi:
            return self.doi[fields["doi"].lower()]
        key = textnorm.title_key(fields.get("title") or "")
        return self.title.get(key) if len(key) >= 8 else None


_PAPER_KEYS = ("title", "url", "arxiv_id", "doi", "code_url", "venue", "year", "model_name", "summary", "date_read")


BATCH = 16  # list entries written per operation


def _in_batches(lib, items, size: int = BATCH):
    """Yield the items, each batch of `size` inside one operation (committed before the
    next batch; rolled back if the loop stops with an exception)."""
    items = list(items)
    for start in range(0, len(items), size):
        if start:
            time.sleep(0.003)  # a gap between batches: a waiting writer (the GUI) goes first
        with lib.op():
            yield from items[start:start + size]


def import_list(lib, path: str | Path, *, style: str | None = None, name: str | None = None,
                text: str | None = None) -> ListImportResult:
    """Import a list file into `lib`; returns what was added, matched and skipped."""
    from readerapp.core.export.render import EntryView, PARTS
    from readerapp.core.export.roundtrip import normalize

    path = Path(path)
    if text is None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InvalidValue(f"cannot read {path}: {exc.strerror or exc}") from None
        if size > MAX_LIST_BYTES:
            raise InvalidValue(f"{path} is {size // (1024 * 1024)} MiB: too large for a paper list")
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidValue(f"{path} is not UTF-8 text") from None
        except OSError as exc:
            raise InvalidValue(f"cannot read {path}: {exc.strerror or exc}") from None
    name = textnorm.normalize_space(name or path.stem) or "list"
    parsed = parse_list(text, style)
    preamble, sections, postamble, levels = structure(parsed, name)
    result = ListImportResult(path=str(path), name=name, style=parsed.style, skipped=list(parsed.skipped))

    # lines that are neither entries nor section headings: reported, kept as text
    covered: set[int] = set()
    for s in sections:
        if s.heading:
            covered.update(range(s.heading.line, s.heading.line + s.heading.raw.count("\n") + 1))
        for e in s.entries:
            covered.update(range(e.start, e.end))
    entry_lines = [e.start for s in sections for e in s.entries]
    lo = min(entry_lines, default=len(parsed.lines))
    lo = min([lo] + [s.heading.line for s in sections if s.heading])
    hi = max((e.end for s in sections for e in s.entries), default=0)
    for n, line in enumerate(parsed.lines):
        if n in covered or not line.strip():
            continue
        if not sections:
            reason = "not a paper entry"
        elif n < lo:
            reason = "before the list (kept as text)"
        elif n >= hi:
            reason = "after the list (kept as text)"
        else:
            reason = "not a paper entry (kept as text)"
        result.skipped.append(Skipped(n + 1, line, reason))
    result.skipped.sort(key=lambda s: s.line)

    placements: list[tuple[int, int, Entry]] = []
    placed: set[tuple[int, int]] = set()
    matcher = _Matcher(lib)
    layout_sections = []
    # Short operations of BATCH entries each (not one long transaction): the GUI's writes
    # wait for one batch at most. A failure keeps the batches before it; importing the
    # same list again adds only what is missing.
    for s in sections:
        sid = lib.ensure_section_path(s.path)
        spec: dict = {"path": lib.section_path(sid)}
        if s.heading is None:
            spec["heading"] = None
        else:
            hashes = "#" * (levels[0] if s.level == 1 else levels[1])
            default = f"{hashes} {spec['path'][-1]}"
            if s.heading.raw != default:
                spec["heading"] = s.heading.raw
        if s.before:
            spec["before"] = s.before
        if s.after:
            spec["after"] = s.after
        if s.entries and s.entries[0].columns:
            spec["columns"] = s.entries[0].columns
        layout_sections.append(spec)
        venue_from_heading = None
        if parsed.style == "venue" and s.path:
            head = s.path[0]
            years = _YEAR.findall(head)
            if years:
                venue_from_heading = (head, int(years[-1]))
        last_placed: Entry | None = None
        for e in _in_batches(lib, s.entries):
            fields = {k: v for k, v in e.fields.items() if k in _PAPER_KEYS and v not in (None, "")}
            if venue_from_heading and "venue" not in fields:
                fields["venue"] = venue_from_heading[0]
                fields.setdefault("year", venue_from_heading[1])
            pid = matcher.find(fields)
            if pid is None:
                pid = lib.add_paper(user_fields=list(fields), **fields)
                matcher.add(pid, fields)
                result.added += 1
            else:
                paper = lib.get_paper(pid)
                fill = {k: v for k, v in fields.items() if getattr(paper, k, None) in (None, "", [])}
                if fill:
                    lib.update_paper(pid, **fill)
                result.matched += 1
            have = {(link.kind, link.url) for link in lib.links(pid)}
            for kind, label, url in e.links:
                if url.strip() and (kind, url.strip()) not in have:
                    lib.add_link(pid, kind, url, label)
                    have.add((kind, url.strip()))
            if e.tags:
                current = lib.get_paper(pid).tags
                lib.set_tags(pid, [*current, *e.tags])
            if (pid, sid) in placed and last_placed is not None:
                # the same paper twice in one section: its links were added to the paper;
                # the repeated entry's text is kept after the entry before it
                repeat = "\n".join(parsed.lines[e.start:e.end])
                prev = last_placed.fields.get("_after") or ""
                last_placed.fields["_after"] = "\n\n".join(x for x in (prev, repeat, e.fields.get("_after"))
                                                             if x)
                result.skipped.append(Skipped(e.start + 1, parsed.lines[e.start],
                                              "the same paper again in this section (kept as text)"))
                continue
            lib.assign_section(pid, sid)
            placed.add((pid, sid))
            last_placed = e
            placements.append((pid, sid, e))
            if pid not in result.paper_ids:
                result.paper_ids.append(pid)
            result.entries += 1
    # the entries' own formatting, measured against the final state of each paper
    for pid, sid, e in _in_batches(lib, placements):
        view = EntryView(p=lib.get_paper(pid), links=lib.links(pid), style=parsed.style, lang="zh")
        kept = {}
        for part, raw in e.parts.items():
            if part in PARTS.get(parsed.style, {}) and normalize(view.default(part)) == normalize(raw):
                continue  # the style writes this part the same way (up to whitespace): nothing to keep
            kept[part] = {"raw": raw, "fp": view.fingerprint(part), "style": parsed.style}
        entry = {}
        if kept:
            entry["parts"] = kept
        if e.fields.get("_after"):
            entry["after"] = e.fields["_after"]
        lib.set_placement_entry(pid, sid, entry)
    layout = {"preamble": preamble, "postamble": postamble, "levels": levels, "toc": False,
              "sections": layout_sections}
    lib.save_list(name, parsed.style, layout, source=str(path))
    result.sections = len(sections)
    return result
