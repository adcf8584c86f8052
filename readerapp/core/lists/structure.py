"""The structure of a parsed list: the preamble, the sections (two levels,
from the headings right above entries) with their entries and the text
between them, and the postamble."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from readerapp.core import textnorm
from readerapp.core.export import markdown as md
from readerapp.core.lists.items import strip_blank_tail as _strip_blank_tail
from readerapp.core.lists.model import Entry, Heading, ParsedList


@dataclass
class _Section:
    path: list[str]
    heading: Heading | None
    level: int
    entries: list[Entry] = field(default_factory=list)
    before: str = ""
    after: str = ""
    tight_before: bool = False  # the text before the first entry runs into its block


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
        return _chunk(lines, 0, len(lines)), [], "", [2, 3], False


    head_lines = [h.line for h in headings]  # headings come in line order
    entry_starts = sorted(e.start for e in entries)

    def heading_before(line: int) -> Heading | None:
        k = bisect.bisect_left(head_lines, line)
        return headings[k - 1] if k else None

    # where each heading's region ends: the next heading of the same or a higher level
    region_end: dict[int, int] = {}
    open_heads: list[Heading] = []
    for head in headings:
        while open_heads and open_heads[-1].level >= head.level:
            region_end[id(open_heads.pop())] = head.line
        open_heads.append(head)

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

    def rows_after(entry: Entry | None, start: int, limit: int) -> int:
        """Table rows right below a table entry that are not entries (a `| ... |` placeholder): they
        stay with the entry, so they are written inside its table."""
        k = start
        while entry is not None and entry.columns and k < limit and lines[k].lstrip().startswith("|"):
            k += 1
        if k > start and entry is not None:
            raw_after[id(entry)] = "\n".join(lines[start:k])
        return k

    for line, kind, obj in events:
        if kind == 0:
            cursor = rows_after(last_entry, cursor, line)
        gap = _chunk(lines, cursor, line)
        if kind == 0:
            assert isinstance(obj, Heading)
            h = obj
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
                    # a blank line between the entry and the text after it is kept: it decides
                    # whether that text continues the entry's block or starts its own
                    blank = cursor < len(lines) and not lines[cursor].strip()
                    raw_after[id(last_entry)] = ("\n" if blank else "") + gap
                    if line > 0 and lines[line - 1].strip():
                        last_entry.fields["_tight"] = True  # the text runs into this entry's block
                else:
                    sections[-1].before = (sections[-1].before + "\n\n" + gap).strip("\n")
                    sections[-1].tight_before = line > 0 and bool(lines[line - 1].strip())
            elif last_entry is not None and sections[-1].entries and line > 0 and lines[line - 1].strip():
                last_entry.fields["_tight"] = True  # the next entry follows without a blank line (a tight list)
            sections[-1].entries.append(e)
            last_entry = e
            cursor = max(e.end, line + 1)
    cursor = rows_after(last_entry, cursor, end_line)
    gap = _chunk(lines, cursor, end_line)
    if gap and sections:
        if sections[-1].entries:
            sections[-1].after = gap
        else:
            sections[-1].before = (sections[-1].before + "\n\n" + gap).strip("\n")
    for s in sections:
        for e in s.entries:
            e.fields.setdefault("_after", raw_after.get(id(e), ""))
    tight = bool(preamble) and start_line > 0 and bool(lines[start_line - 1].strip())
    return preamble, sections, postamble, [top, sub or top + 1], tight
