"""Table layouts: one row per paper, columns understood by their header (the
role table) or, where the header says nothing, by what the cells hold."""

from __future__ import annotations

import re

from readerapp.core.export import markdown as md
from readerapp.core.export.roundtrip import _split_row
from readerapp.core.lists import roles
from readerapp.core.lists.model import Entry, Skipped

_BR_SPLIT = re.compile(r"<br\s*/?>", re.IGNORECASE)
_EMPTY = ("", "-", "—", "/", "无", "暂无", "n/a", "none", "...", "…", "coming soon", "待定")


def _empty(value: str) -> bool:
    return value.strip().lower() in _EMPTY


def source_cells(line: str) -> list[str]:
    """The cells of a table row as written (split on unescaped pipes, padding removed)."""
    cells = _split_row(line.strip())
    if cells and not cells[0].strip() and line.strip().startswith("|"):
        cells = cells[1:]
    if cells and not cells[-1].strip() and line.rstrip().endswith("|") and not line.rstrip().endswith("\\|"):
        cells = cells[:-1]
    return [c.strip() for c in cells]


def _links(value: str) -> list[tuple[str, str]]:
    """(label, url) of the links in a cell, images and anchors left out."""
    return [(label, url) for _s, _e, label, url in md.iter_links(value) if not roles.is_anchor(url)]


def _content_role(cells: list[str]) -> str | None:
    """The role a column's cells show when its header says nothing: code links, paper links or titles."""
    urls = [url for c in cells for _label, url in _links(c)[:1]]
    filled = [c for c in cells if not _empty(c)]
    if not urls or len(urls) * 2 < len(filled):
        return None
    if sum(roles.is_code_url(u) for u in urls) * 2 > len(urls):
        return "code"
    if sum(roles.is_paper_url(u) for u in urls) * 2 > len(urls):
        labels = [roles.clean_title(label) for c in cells for label, _u in _links(c)[:1]]
        if sum(len(x) >= 12 for x in labels) * 2 > len(labels):
            return "title"  # long labels on paper links: the titles themselves
        return "link"
    return None


def _title_from_cell(value: str) -> tuple[str, str | None]:
    """(title, url) of a title cell: `[Title](url)` possibly with badges, `<br>` and bold around it."""
    if value.startswith("[") and not value.startswith("[!"):  # the common case: the cell is one link
        hit = md.split_link(value)
        if hit and not hit[0] and not hit[3].strip() and "](" not in hit[1] and not roles.is_anchor(hit[2]):
            return roles.clean_title(hit[1]), hit[2]
    links = _links(re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", value))
    rest = value
    for _s, _e, label, url in sorted(md.iter_links(value), key=lambda x: -x[0]):
        rest = rest[:_s] + rest[_e:]
    rest = roles.clean_title(re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", rest))
    if len(links) == 1 and not rest:
        return roles.clean_title(links[0][0]), links[0][1]
    if links and not rest:
        label, url = max(links, key=lambda x: len(roles.clean_title(x[0])))
        return roles.clean_title(label), url
    return roles.clean_title(value), None


def table_entries(tokens, i: int, end: int, lines: list[str], skipped: list[Skipped],
                  hints: list[str]) -> list[Entry]:
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    row: list[str] | None = None
    row_line = 0
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
            row = None
    used: set[str] = set()
    found: dict[int, str] = {}
    for k, label in enumerate(header):  # whole synonyms first: "期刊/会议" is the venue, not "发表单位"
        role = roles.column_role(label, used, exact=True)
        if role:
            found[k] = role
            used.add(role)
    for k, label in enumerate(header):
        if k in found:
            continue
        role = roles.column_role(label, used)
        if role is None and roles.word_role(label) is None:
            role = _content_role([r[1][k] if k < len(r[1]) else "" for r in rows])
            role = role if role not in used else None
        if role:
            found[k] = role
            used.add(role)
    columns: list[list[str]] = [[label, found.get(k) or f"col{k}"] for k, label in enumerate(header)]
    head_line = tokens[i].map[0] if tokens[i].map else 0
    aligns = source_cells(lines[head_line + 1]) if head_line + 1 < len(lines) else []
    if len(aligns) == len(columns):  # the alignment row as written (GitHub shows it)
        for col, align in zip(columns, aligns):
            col.append(align)
    if "title" not in used:
        if "link" in used:  # a link column with titles as labels and no title column
            for col in columns:
                if col[1] == "link":
                    col[1] = "title"
                    used.add("title")
                    break
    if "title" not in used:
        hints.append(f"table (line {head_line + 1}, columns {' | '.join(header)}): missing a title column "
                     "(paper, title, 论文, 论文名称, ...)")
        return []
    for label, role, *_align in columns:
        if role.startswith("col"):
            skipped.append(Skipped(head_line + 1, lines[head_line] if head_line < len(lines) else "",
                                   f"column '{roles.plain(label) or '(empty)'}' not understood (kept as written)"))
    entries = []
    for line, cells in rows:
        cells = cells + [""] * (len(columns) - len(cells))
        src = source_cells(lines[line]) if line < len(lines) else []
        if len(src) != len(cells):
            src = [c.replace("|", "\\|") for c in cells]
        if all(_empty(c) for c in cells):
            skipped.append(Skipped(line + 1, lines[line] if line < len(lines) else "",
                                   "a placeholder row, not a paper (kept as text)"))
            continue
        e = Entry(start=line, end=line + 1, columns=columns, style="table")
        for (label, role, *_align), raw, cell_src in zip(columns, cells, src):
            e.parts[role] = cell_src  # as written (escaped pipes included)
            _read_cell(e, role, raw.strip())
        if not e.fields.get("title"):
            skipped.append(Skipped(line + 1, lines[line] if line < len(lines) else "", "table row without a title"))
            continue
        if "url" not in e.fields and e.fields.get("_link"):
            e.fields["url"] = e.fields["_link"]
            e.fields.update(roles.ids_from_url(e.fields["_link"]))
        e.fields.pop("_link", None)
        entries.append(e)
    if entries and tokens[i].map:
        entries[0].start = tokens[i].map[0]  # the header and alignment rows go with the first entry
    return entries


def _read_cell(e: Entry, role: str, value: str) -> None:
    if _empty(value):
        return
    if role == "title":
        title, url = _title_from_cell(value)
        if title:
            e.fields["title"] = title
        if url:
            e.fields["url"] = url
            e.fields.update(roles.ids_from_url(url))
    elif role == "link":
        links = _links(value)
        url = links[0][1] if links else (value if value.startswith("http") else "")
        if url:
            e.fields["_link"] = url
    elif role == "code":
        links = _links(value)
        url = links[0][1] if links else (value if value.startswith("http") else "")
        if url:
            e.fields["code_url"] = url
    elif role == "venue":
        first = roles.plain(_BR_SPLIT.split(value)[0])
        years = roles.YEAR.findall(first)
        if years:
            e.fields["year"] = int(years[-1])
        if first and not re.fullmatch(r"\d{4}", first) and not _empty(first):
            e.fields["venue"] = first
    elif role == "date":
        years = roles.YEAR.findall(roles.plain(value))
        if years:
            e.fields.setdefault("year", int(years[0]))
    elif role == "summary":
        e.fields.update(roles.summary_fields(value))
    elif role == "authors":
        names = [n.strip() for n in re.split(r"[,，、;；]|\band\b", roles.plain(value)) if n.strip()]
        if names:
            e.fields["authors"] = names
    elif role == "tags":
        tags = [t.strip() for t in re.split(r"[,，、;；/]", roles.plain(value)) if t.strip()]
        e.tags += tags[:8]
    elif role in ("notes", "talks"):
        for label_src, url in _links(value):
            label_text = roles.plain(label_src)
            kind = "notes" if role == "notes" else roles.link_kind(label_text, url)
            if role == "talks" and kind in ("notes", "other", "code"):
                kind = "talk"
            e.links.append((kind, label_text, url))
