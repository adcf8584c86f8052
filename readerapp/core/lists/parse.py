"""Parsing a list's text into entries, headings and a report.

The text is parsed with markdown-it-py (CommonMark plus the GFM table rule):
headings, tables, bullet lists and paragraphs come from its token stream with
their source lines; small regular expressions look only inside one cell, one
item or one labelled line. Every layout is tried; the style of the list is the
one whose layout reads the most entries, and entries of other block or table
layouts that do not overlap those are read too (a list may hold tables and
cards)."""

from __future__ import annotations

import re

from readerapp.core.errors import InvalidValue
from readerapp.core.lists import blocks, items, tables
from readerapp.core.lists.model import STYLES, Entry, Heading, ParsedList, Skipped


_MARKER_LINE = re.compile(r"^[ \t]*<!--\s*readerapp:(?:begin|end)\s+[^\s>]+\s*-->[ \t]*$", re.MULTILINE)


def _parser():
    from markdown_it import MarkdownIt

    # block structure only: entries are read from each inline token's source (.content),
    # so the inline rules (the costly part) do not run
    return MarkdownIt("commonmark", {"html": True}).enable("table").disable(["inline", "text_join"],
                                                                              ignoreInvalid=True)


def parse_list(text: str, style: str | None = None) -> ParsedList:
    """Parse a list's text; `style` forces one of STYLES (default: detected)."""
    if style is not None and style not in STYLES:
        raise InvalidValue(f"unknown list style {style!r} (styles: {', '.join(STYLES)})")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # readerapp's own README markers are not part of the list (an export --into keeps them in place)
    text = _MARKER_LINE.sub("", text)
    lines = text.split("\n")
    tokens = _parser().parse(text)
    headings: list[Heading] = []
    found: dict[str, list[Entry]] = {s: [] for s in (*STYLES, "links", "blocks")}
    skipped_by: dict[str, list[Skipped]] = {s: [] for s in found}
    toc: list[Skipped] = []
    hints: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.level != 0 or t.nesting == -1:
            i += 1
            continue
        close = items.find_close(tokens, i) if t.nesting == 1 else i
        if t.type == "heading_open" and t.map:
            inline = tokens[i + 1]
            headings.append(Heading(t.map[0], int(t.tag[1]), inline.content.strip(),
                                    "\n".join(lines[t.map[0]:t.map[1]])))
        elif t.type == "table_open":
            found["table"] += tables.table_entries(tokens, i, close, lines, skipped_by["table"], hints)
        elif t.type in ("bullet_list_open", "ordered_list_open"):
            if items.is_toc(tokens, i, close):
                items.toc_lines(tokens, i, close, toc, lines)
            else:
                for s in ("dated", "venue", "links"):
                    if style in (None, s) or (style == "dated" and s == "links"):
                        found[s] += items.list_entries(tokens, i, close, lines, s)
        i = close + 1
    if style in (None, "digest"):
        found["digest"] = blocks.digest_entries(tokens, lines)
    taken = {n for e in found["digest"] for n in range(e.start, e.end)}
    found["blocks"] = blocks.block_entries(tokens, lines, taken, skipped_by["blocks"])
    block_lines = {n for e in found["blocks"] for n in range(e.start, e.end)}
    for s in ("dated", "venue", "links"):  # a bullet inside a block ("- Paper: [..](..)") is the block's
        found[s] = [e for e in found[s] if e.start not in block_lines]
    counts = {s: len(found[s]) for s in STYLES}
    counts["digest"] += len(found["blocks"])
    if not found["dated"]:  # undated "[Title](url)" items count for the dated style, unless they are venue items
        venue_starts = {e.start for e in found["venue"]}
        counts["dated"] = len({e.start for e in found["links"] if e.start not in venue_starts})
    if style is None:
        style = max(STYLES, key=lambda s: (counts[s], -STYLES.index(s)))
        if counts[style] == 0:
            style = "dated"  # "text：[title](url)" items, the simplest readable form
    entries = list(found[style])
    if style == "dated":
        # items without a date are read too (as "comment：[title](url)"), unless dated ones exist
        dated_lines = {e.start for e in entries}
        if not entries:
            entries = found["links"]
        else:
            entries = entries + [e for e in found["links"] if e.start not in dated_lines
                                 and not any(d.start <= e.start < d.end for d in entries)]
    # the other table and block layouts of a mixed list, where they do not overlap
    used = {n for e in entries for n in range(e.start, e.end)}
    for source in ("table", "blocks"):
        if source == style:
            continue
        for e in found[source]:
            span = set(range(e.start, e.end))
            if not span & used:
                entries.append(e)
                used |= span
    skipped = list(skipped_by.get(style, [])) + toc
    skipped += [s for src in ("table", "blocks") if src != style for s in skipped_by[src]]
    entry_starts = {e.start for e in entries}
    headings = [h for h in headings if h.line not in entry_starts]  # a card's heading is its entry
    entries.sort(key=lambda e: e.start)
    seen_lines: set[int] = set()
    unique = []
    for e in entries:
        if e.start in seen_lines and not e.fields.get("_joined"):
            continue
        seen_lines.add(e.start)
        unique.append(e)
    skipped = sorted({(s.line, s.reason): s for s in skipped}.values(), key=lambda s: s.line)
    return ParsedList(style=style, lines=lines, headings=headings, entries=unique, skipped=skipped, hints=hints)
