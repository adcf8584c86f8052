"""Import of an existing paper list (a GitHub README) into the library.

Parsing is :mod:`readerapp.core.lists` (layouts, the role table, structure);
this module puts what was read into the library. Entries become papers
(without a PDF; a PDF imported later fills the entry), placed in two-level
sections in the list's order. Everything that is not an entry (the preamble,
text between sections, a table of contents) is kept in the list's stored
layout, and where an entry's text differs from what the style would write from
the paper's fields, that text is kept with the entry (see
:mod:`readerapp.core.export.render`): exporting the list in its own style gives
it back.

Importing a list under a name already stored is a sync: sections renamed
upstream are renamed (their papers, notes and other lists follow), entries gone
upstream leave this list's sections; no paper and no note is ever deleted. A
text in no known layout is refused whole (:class:`UnknownListLayout`)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from readerapp.core import textnorm
from readerapp.core.errors import InvalidValue
from readerapp.core.lists.model import (STYLES, Entry, ListImportResult, ParsedList, Skipped,  # noqa: F401
                                        UnknownListLayout)
from readerapp.core.lists.parse import parse_list
from readerapp.core.lists.roles import YEAR, column_role, link_kind  # noqa: F401
from readerapp.core.lists.structure import structure

log = logging.getLogger(__name__)

MAX_LIST_BYTES = 20 * 1024 * 1024
_PAPER_KEYS = ("title", "url", "arxiv_id", "doi", "code_url", "venue", "year", "model_name", "summary", "date_read",
               "authors")


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


def _read_text(path: Path) -> str:
    from readerapp.core.safefile import read_capped

    data = read_capped(path, MAX_LIST_BYTES, what="paper list")  # regular files only, never past the cap
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidValue(f"{path} is not UTF-8 text") from None


def no_layout_message(path: Path, parsed: ParsedList) -> str:
    """One line: how many lines, which layout came closest, what it missed."""
    n = sum(1 for line in parsed.lines if line.strip())
    if parsed.hints:
        closest = parsed.hints[0]
    elif any("](" in line for line in parsed.lines):
        closest = "closest: bullets with links, but no item ends with a paper link ([Title](url))"
    elif any(line.lstrip().startswith("**") for line in parsed.lines):
        closest = "closest: bold titles, but none followed by a Paper:/Code: line or link"
    else:
        closest = "no table, linked bullets or bold-title blocks"
    if parsed.hints:
        closest = "closest: " + closest
    return f"{path}: no paper list found in {n} non-blank lines ({closest}); nothing was imported"


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



def _fields(e: Entry) -> dict:
    return {k: v for k, v in e.fields.items() if k in _PAPER_KEYS and v not in (None, "", [])}


def _report(parsed: ParsedList, sections, result: ListImportResult) -> None:
    """Every non-blank line that is neither an entry nor a section heading, with why."""
    covered: set[int] = set()
    for s in sections:
        if s.heading:
            covered.update(range(s.heading.line, s.heading.line + s.heading.raw.count("\n") + 1))
        for e in s.entries:
            covered.update(range(e.start, e.end))
    reported = {s.line for s in result.skipped}
    entry_lines = [e.start for s in sections for e in s.entries]
    lo = min(entry_lines, default=len(parsed.lines))
    lo = min([lo] + [s.heading.line for s in sections if s.heading])
    hi = max((e.end for s in sections for e in s.entries), default=0)
    for n, line in enumerate(parsed.lines):
        if n in covered or not line.strip() or n + 1 in reported:
            continue
        if n < lo:
            reason = "before the list (kept as text)"
        elif n >= hi:
            reason = "after the list (kept as text)"
        else:
            reason = "not a paper entry (kept as text)"
        result.skipped.append(Skipped(n + 1, line, reason))
    result.skipped.sort(key=lambda s: s.line)


def _plan_renames(lib, old_layout: dict, sections, matcher: _Matcher, name: str) -> list[tuple[list[str], list[str]]]:
    """Sections of the stored list that the new version calls otherwise: [(old path, new path)],
    matched by the papers they hold (at least half of the old section's entries)."""
    from readerapp.core.export.render import _section_index

    index = _section_index(lib)
    old_paths = [list(spec.get("path") or []) for spec in old_layout.get("sections") or []]
    new_paths = [list(s.path) for s in sections]
    gone = [p for p in old_paths if p not in new_paths and tuple(p) in index]
    fresh = [s for s in sections if list(s.path) not in old_paths and tuple(s.path) not in index]
    out: list[tuple[list[str], list[str]]] = []
    for depth in (1, 2):
        for s in [x for x in fresh if len(x.path) == depth]:
            new_ids = {pid for e in s.entries if (pid := matcher.find(_fields(e))) is not None}
            if depth == 1:  # a top section: its subsections' papers count too
                for sub in sections:
                    if len(sub.path) == 2 and sub.path[0] == s.path[0]:
                        new_ids |= {pid for e in sub.entries if (pid := matcher.find(_fields(e))) is not None}
            best, best_share = None, 0.0
            for p in [g for g in gone if len(g) == depth and (depth == 1 or g[0] == s.path[0])]:
                sid = index[tuple(p)]
                ids = {pid for pid, entry in lib.placement_entries(sid).items() if entry.get("list") == name}
                if depth == 1:
                    for top in lib.sections():
                        if top.id == sid:
                            for child in top.children:
                                ids |= {pid for pid, entry in lib.placement_entries(child.id).items()
                                        if entry.get("list") == name}
                share = len(ids & new_ids) / len(ids) if ids else 0.0
                if share >= 0.5 and share > best_share:
                    best, best_share = p, share
            if best is not None:
                gone.remove(best)
                out.append((best, list(s.path)))
                if depth == 1:  # its subsections now live under the new name
                    gone = [[s.path[0], *g[1:]] if g[0] == best[0] else g for g in gone]
    return out


def import_list(lib, path: str | Path, *, style: str | None = None, name: str | None = None,
                text: str | None = None) -> ListImportResult:
    """Import (or sync) a list file into `lib`; returns what was added, matched, removed and skipped.

    Raises UnknownListLayout (nothing imported) when the text holds no list in a known layout."""
    from readerapp.core.export.render import PARTS, EntryView, _section_index
    from readerapp.core.export.roundtrip import normalize, render_html

    path = Path(path)
    if text is None:
        text = _read_text(path)
    name = textnorm.normalize_space(name or path.stem) or "list"
    parsed = parse_list(text, style)
    if not parsed.entries:
        raise UnknownListLayout(no_layout_message(path, parsed))
    preamble, sections, postamble, levels, tight = structure(parsed, name)
    result = ListImportResult(path=str(path), name=name, style=parsed.style, skipped=list(parsed.skipped))
    _report(parsed, sections, result)

    placements: list[tuple[int, int, Entry]] = []
    placed: set[tuple[int, int]] = set()
    matcher = _Matcher(lib)
    layout_sections = []
    stored = lib.get_list(name)
    old_layout = stored["layout"] if stored else {}
    # Short operations of BATCH entries each, not one long transaction: the GUI's writes wait
    # for one batch at most. A failure keeps the batches before it; importing the same list
    # again adds only what is missing (a text in no known layout was refused above, whole).
    with lib.op():
        for old_path, new_path in _plan_renames(lib, old_layout, sections, matcher, name):
            lib.rename_section(_section_index(lib)[tuple(old_path)], new_path[-1])
            result.renamed.append([old_path, new_path])
    lead_of: dict[int, int] = {}  # id(joined entry) -> paper id of the item's first paper
    for s in sections:
        sid = lib.ensure_section_path(s.path)
        spec: dict = {"path": lib.section_path(sid)}
        if s.heading is None:
            spec["heading"] = None
        else:
            hashes = "#" * (levels[0] if s.level == 1 else levels[1])
            if s.heading.raw != f"{hashes} {spec['path'][-1]}":
                spec["heading"] = s.heading.raw
        if s.before:
            spec["before"] = s.before
            if s.tight_before:
                spec["tight"] = True
        if s.after:
            spec["after"] = s.after
        columns = next((e.columns for e in s.entries if e.columns), None)
        if columns:
            spec["columns"] = columns
        layout_sections.append(spec)
        venue_from_heading = None
        if parsed.style == "venue" and s.path:
            years = YEAR.findall(s.path[0])
            if years:
                venue_from_heading = (s.path[0], int(years[-1]))
        last_placed: Entry | None = None
        last_pid: int | None = None
        for e in _in_batches(lib, s.entries):
            fields = _fields(e)
            if venue_from_heading and "venue" not in fields and e.style == "venue":
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
            if e.fields.get("_joined") and last_pid is not None:
                lead_of[id(e)] = last_pid
            if (pid, sid) in placed and last_placed is not None:
                # the same paper twice in one section: its links were added to the paper;
                # the repeated entry's text is kept after the entry before it
                repeat = "\n".join(parsed.lines[e.start:e.end]) if not e.fields.get("_joined") else ""
                prev = last_placed.fields.get("_after") or ""
                if repeat and not prev and e.start > 0 and not parsed.lines[e.start - 1].strip():
                    repeat = "\n" + repeat  # its own block, as it was
                last_placed.fields["_after"] = "\n\n".join(x for x in (prev, repeat, e.fields.get("_after"))
                                                             if x)
                result.skipped.append(Skipped(e.start + 1, parsed.lines[e.start],
                                              "the same paper again in this section (kept as text)"))
                continue
            lib.assign_section(pid, sid)
            placed.add((pid, sid))
            placements.append((pid, sid, e))
            if not e.fields.get("_joined"):
                last_placed, last_pid = e, pid
            if pid not in result.paper_ids:
                result.paper_ids.append(pid)
            result.entries += 1
    # the entries' own formatting, measured against the final state of each paper
    for pid, sid, e in _in_batches(lib, placements):
        view = EntryView(p=lib.get_paper(pid), links=lib.links(pid), style=parsed.style, lang="zh")
        kept = {}
        if e.style and e.style != parsed.style:
            # an entry in another layout of a mixed list (a card among tables): kept whole
            kept["block"] = {"raw": "\n".join(parsed.lines[e.start:e.end]).rstrip("\n"),
                             "fp": view.fingerprint("block"), "style": parsed.style}
        else:
            for part, raw in e.parts.items():
                if part in PARTS.get(parsed.style, {}):
                    default = view.default(part)
                    if default == raw or (normalize(default) == normalize(raw)
                                          and render_html(default) == render_html(raw)):
                        continue  # the style writes this part the same way: nothing to keep
                kept[part] = {"raw": raw, "fp": view.fingerprint(part), "style": parsed.style}
        entry: dict = {"list": name}
        if kept:
            entry["parts"] = kept
        if e.fields.get("_after"):
            entry["after"] = e.fields["_after"]
        if e.fields.get("_tight"):
            entry["tight"] = True
        if id(e) in lead_of:
            entry["joined"] = lead_of[id(e)]
        lib.set_placement_entry(pid, sid, entry)
    layout = {"preamble": preamble, "postamble": postamble, "levels": levels, "toc": False,
              "sections": layout_sections}
    if tight:
        layout["tight"] = True  # the preamble runs into the first entry's block
    with lib.op():
        if stored:
            result.removed = _drop_gone(lib, stored["layout"], layout_sections, placed, name, result.renamed)
        lib.save_list(name, parsed.style, layout, source=str(path))
    result.sections = len(sections)
    return result


def _drop_gone(lib, old_layout: dict, new_sections: list[dict], placed: set[tuple[int, int]], name: str,
               renamed: list[list[list[str]]]) -> int:
    """Remove this list's placements that the new version no longer has; delete the list's old
    sections left empty. Papers, notes and other lists' placements stay."""
    from readerapp.core.export.render import _section_index

    def now(path: list[str]) -> tuple[str, ...]:  # an old path after this import's renames
        for old, new in renamed:
            if path[:len(old)] == old:
                path = new + path[len(old):]
        return tuple(path)

    index = _section_index(lib)
    new_paths = {tuple(s["path"]) for s in new_sections}
    removed = 0
    for spec in old_layout.get("sections") or []:
        sid = index.get(now(list(spec.get("path") or [])))
        if sid is None:
            continue
        for pid, entry in lib.placement_entries(sid).items():
            if entry.get("list") == name and (pid, sid) not in placed:
                lib.unassign_section(pid, sid)
                removed += 1
    others = {tuple(s.get("path") or []) for other in lib.list_names() if other != name
              for s in (lib.get_list(other) or {}).get("layout", {}).get("sections") or []}
    for spec in sorted(old_layout.get("sections") or [], key=lambda s: -len(s.get("path") or [])):
        path = now(list(spec.get("path") or []))
        sid = _section_index(lib).get(path)
        if sid is None or path in new_paths or path in others or any(p[:len(path)] == path for p in new_paths):
            continue
        if not lib.papers_in_section(sid) and not any(t.id == sid and t.children for t in lib.sections()):
            lib.delete_section(sid)
    return removed
