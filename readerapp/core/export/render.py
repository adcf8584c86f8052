"""Rendering a paper list from the library with a Jinja2 template.

A style is one template file, ``<style>.md.j2``, looked up first in the user's
template folder (setting ``template_dir``, default ``<config dir>/templates``)
and then in the templates shipped in ``resources/templates``. Autoescape is off
(the output is Markdown); text goes through the filters of
:mod:`readerapp.core.export.markdown` instead (``md_text``, ``cell``,
``md_inline``, ``md_url``, ``link``).

The template gets ``doc`` (:class:`Document`): the list's preamble and
postamble, and its sections in order, each with its entries
(:class:`EntryView`). An entry renders its parts (a table cell, the head line
of a dated entry, ...) with :meth:`EntryView.render`: the style's default
rendering from the paper's fields, or the exact text the user's imported list
had for that part, as long as the fields that part shows are unchanged since
the import (a fingerprint is kept with the text). Editing the paper therefore
always shows in the next export, and an untouched list exports as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from readerapp.core.errors import InvalidValue, NotFound
from readerapp.core.export import markdown as md
from readerapp.core.models import EXPORT_STYLES, Link, Paper

BUILTIN_STYLES = EXPORT_STYLES
TEMPLATE_SUFFIX = ".md.j2"
NOTE_TEMPLATE = "note" + TEMPLATE_SUFFIX

LABELS = {
    "zh": {
        "paper": "paper", "code": "源码", "code_link": "code", "venue": "收录", "summary": "简介", "notes": "笔记",
        "talks": "讲解", "talk": "讲解", "problem": "问题", "method": "方法", "results": "结果", "more": "其他笔记",
        "highlights": "高亮", "page": "第 {n} 页", "paper_link": "论文链接", "code_link_label": "代码链接",
        "colon": "：", "unsorted": "未分类", "toc": "目录", "authors": "作者", "year": "年份",
        "summary_heading": "简介", "links": "链接",
    },
    "en": {
        "paper": "Paper", "code": "Code", "code_link": "code", "venue": "Venue", "summary": "Summary",
        "notes": "Notes", "talks": "Talks", "talk": "talk", "problem": "Problem", "method": "Method",
        "results": "Results", "more": "Notes", "highlights": "Highlights", "page": "p. {n}",
        "paper_link": "Paper", "code_link_label": "Code", "colon": ": ", "unsorted": "Unsorted",
        "toc": "Contents", "authors": "Authors", "year": "Year", "summary_heading": "Summary", "links": "Links",
    },
}

# Table columns: role -> header label key. A table's columns are stored per
# section for imported lists; new lists get these.
TABLE_ROLES = ("title", "code", "venue", "summary", "notes", "talks")


def labels(lang: str) -> dict:
    if lang not in LABELS:
        raise InvalidValue(f"language must be zh or en, not {lang!r}")
    return LABELS[lang]


def yyyymmdd(value: str | None) -> str:
    digits = "".join(ch for ch in (value or "")[:10] if ch.isdigit())
    return digits if len(digits) == 8 else ""


# ---------------------------------------------------------------- parts

def _fp(values: list) -> str:
    data = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]


def _links_key(links: list[Link]) -> list:
    return [[link.kind, link.label, link.url] for link in links]


def paper_url(p: Paper) -> str:
    if p.url:
        return p.url
    if p.arxiv_id:
        return f"https://arxiv.org/abs/{p.arxiv_id}"
    if p.doi:
        return f"https://doi.org/{p.doi}"
    return ""


def _title_cell(e: "EntryView", L: dict) -> str:
    url = paper_url(e.p)
    return md.link(e.p.title, url) if url else (md.md_text(e.p.title) or "-")


def _code_cell(e: "EntryView", L: dict) -> str:
    return md.link(L["code_link"], e.p.code_url) if e.p.code_url else "-"


def _venue_text(e: "EntryView", L: dict) -> str:
    """收录 / Venue: the venue with its year ("ICLR 2015"); the year alone without a venue."""
    if e.p.venue:
        venue = e.p.venue
        if e.p.year and not re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)|'\d{2}\b", venue):
            venue = f"{venue} {e.p.year}"
        return md.md_text(venue)
    return str(e.p.year) if e.p.year else ""


def _venue_cell(e: "EntryView", L: dict) -> str:
    return _venue_text(e, L) or "-"


def _summary_cell(e: "EntryView", L: dict) -> str:
    return _model_summary(e) or "-"


def _notes_cell(e: "EntryView", L: dict) -> str:
    items = []
    if e.note_page:
        items.append(f"[{md.md_text(L['notes'])}]({e.note_page})")
    items += [md.link(link.label or L["notes"], link.url) for link in e.notes_links]
    return "<br>".join(items) or "-"


def _talks_cell(e: "EntryView", L: dict) -> str:
    return "<br>".join(md.link(link.label or L["talk"], link.url) for link in e.talk_links) or "-"


_END_PUNCT = tuple("。．.：:；;，,！!？?、…）)】")


def _title_text(e: "EntryView") -> str:
    """The title linked to the paper, or plain text when the paper has no URL (never `[Title]()`)."""
    url = paper_url(e.p)
    return md.link(e.p.title, url) if url else md.md_text(e.p.title)


def _model_summary(e: "EntryView") -> str:
    """`**Model**; summary` (either alone), HTML shown as text, on one line."""
    model = md.md_text(e.p.model_name) if e.p.model_name else ""
    summary = md.md_inline(e.p.summary)
    if model and summary:
        return f"**{model}**; {summary}"
    return f"**{model}**" if model else summary


def _dated_head(e: "EntryView", L: dict) -> str:
    pieces = [e.date, md.md_text(e.p.venue) if e.p.venue else ""]
    comment = _model_summary(e)
    title = _title_text(e)
    head = " ".join(x for x in pieces if x)
    if comment:
        head = f"{head} {comment}" if head else comment
        # a comment ending in punctuation gets no colon of its own ("提出。：" reads doubled)
        ends = comment.endswith(_END_PUNCT) and not re.search(r"&#?\w+;$", comment)  # not an entity's ";"
        sep = " " if ends else L["colon"]
        return f"{head}{sep}{title}"
    return f"{head} {title}" if head else title


def _dated_links(e: "EntryView", L: dict) -> str:
    lines = []
    if e.p.code_url:
        lines.append(f"  - {md.link(L['code_link'], e.p.code_url)}")
    if e.note_page:
        lines.append(f"  - [{md.md_text(L['notes'])}]({e.note_page})")
    for link in e.links:
        lines.append(f"  - {md.link(link.label or link.url, link.url)}")
    return "\n".join(lines)


def _venue_entry(e: "EntryView", L: dict) -> str:
    post = e.post_link
    url = paper_url(e.p)
    title = f"【{md.md_text(e.p.title)}】"
    paper = f"[{title}]({md.md_url(url)})" if url else title
    lines = [f"- {md.link(post.label or post.url, post.url)}", f"    {paper}"] if post else [f"- {paper}"]
    facts = [x for x in (_venue_text(e, L),
                         md.link(L["code_link"], e.p.code_url) if e.p.code_url else "",
                         _model_summary(e)) if x]
    if facts:
        lines.append("    " + " · ".join(facts))
    extra = []
    if e.note_page:
        extra.append(f"[{md.md_text(L['notes'])}]({e.note_page})")
    extra += [md.link(link.label or link.url, link.url) for link in e.links if link is not post]
    if extra:
        lines.append("    " + " ".join(extra))
    return "  \n".join(lines)  # one item, its lines joined by hard breaks


def _digest_entry(e: "EntryView", L: dict) -> str:
    lines = [f"**{md.md_text(e.p.title)}**"]
    if e.p.tags:
        lines.append(" ".join("\\#" + md.md_text(t) for t in e.p.tags))
    summary = _model_summary(e)
    if summary:
        lines.append(summary)
    block = "\n".join(lines)
    tail = []
    if e.p.venue or e.p.year:
        tail += [L["venue"], _venue_text(e, L)]
    url = paper_url(e.p)
    if url:
        tail += [L["paper_link"], md.md_url(url)]
    if e.p.code_url:
        tail += [L["code_link_label"], md.md_url(e.p.code_url)]
    if e.note_page:
        tail += [L["notes"], f"[{md.md_text(L['notes'])}]({e.note_page})"]
    for link in e.notes_links:
        tail += [L["notes"], md.link(link.label or L["notes"], link.url)]
    for link in e.talk_links:
        tail += [L["talks"], md.link(link.label or L["talk"], link.url)]
    return block + ("\n\n" + "\n".join(tail) if tail else "")


# the fields an entry kept whole (another layout of a mixed list) shows
BLOCK_FIELDS = ("title", "url", "arxiv_id", "doi", "code_url", "venue", "year", "model_name", "summary", "tags",
                "links", "note_page", "date")

# part name -> (fields it shows, default rendering)
_P = Callable[["EntryView", dict], str]
PARTS: dict[str, dict[str, tuple[tuple[str, ...], _P]]] = {
    "table": {
        "title": (("title", "url", "arxiv_id", "doi"), _title_cell),
        "code": (("code_url",), _code_cell),
        "venue": (("venue", "year"), _venue_cell),
        "summary": (("model_name", "summary"), _summary_cell),
        "notes": (("links", "note_page"), _notes_cell),
        "talks": (("links",), _talks_cell),
    },
    "dated": {
        "head": (("title", "url", "arxiv_id", "doi", "venue", "model_name", "summary", "date"), _dated_head),
        "links": (("links", "note_page", "code_url"), _dated_links),
    },
    "venue": {
        "entry": (("title", "url", "arxiv_id", "doi", "links", "note_page", "venue", "year", "code_url",
                   "model_name", "summary"), _venue_entry),
    },
    "digest": {
        "entry": (("title", "tags", "summary", "model_name", "url", "arxiv_id", "doi", "code_url", "note_page",
                   "venue", "year", "links"), _digest_entry),
    },
}


@dataclass
class EntryView:
    """One paper's entry in one section, as templates see it."""

    p: Paper
    links: list[Link]
    style: str
    lang: str
    note_page: str | None = None
    entry: dict = field(default_factory=dict)  # formatting kept from an imported list
    hidden: bool = False  # a second paper of one list item, written by the item's first paper

    @property
    def L(self) -> dict:
        return LABELS[self.lang]

    @property
    def notes_links(self) -> list[Link]:
        return [link for link in self.links if link.kind == "notes"]

    @property
    def talk_links(self) -> list[Link]:
        return [link for link in self.links if link.kind != "notes"]

    @property
    def post_link(self) -> Link | None:
        return next((link for link in self.links if link.kind == "blog"), None)

    @property
    def date(self) -> str:
        """The entry's own date (a dated list's date is stored as the date read); never today's."""
        return yyyymmdd(self.p.date_read)

    @property
    def block(self) -> str | None:
        """The whole text of an entry written in another layout of its list (a card among tables),
        while the paper is unchanged; None otherwise."""
        return self.kept("block")

    @property
    def after(self) -> str:
        return str(self.entry.get("after") or "")

    @property
    def tight(self) -> bool:
        """No blank line between this entry (or the text after it) and the next one (a tight list)."""
        return bool(self.entry.get("tight"))

    def field_values(self, names: tuple[str, ...]) -> list:
        out = []
        for name in names:
            if name == "links":
                out.append(_links_key(self.links))
            elif name == "note_page":
                out.append(self.note_page or "")
            elif name == "date":
                out.append(self.date)
            else:
                out.append(getattr(self.p, name))
        return out

    def fingerprint(self, part: str, style: str | None = None) -> str:
        if part == "block":
            return _fp(self.field_values(BLOCK_FIELDS))
        names = PARTS.get(style or self.style, {}).get(part, ((), None))[0]
        return _fp(self.field_values(names))

    def kept(self, part: str) -> str | None:
        """The imported text of a part, if the fields it shows are unchanged."""
        raw = (self.entry.get("parts") or {}).get(part)
        if not isinstance(raw, dict) or "raw" not in raw:
            return None
        if raw.get("style", self.style) != self.style:
            return None
        if raw.get("fp") not in (None, self.fingerprint(part)):
            return None
        return str(raw["raw"])

    def default(self, part: str) -> str:
        spec = PARTS.get(self.style, {}).get(part)
        if spec is None:
            return ""
        return spec[1](self, self.L)

    def render(self, part: str) -> str:
        kept = self.kept(part)
        return kept if kept is not None else self.default(part)

    def cell(self, role: str) -> str:
        """A table cell for a column role (unknown roles: the imported text or '-')."""
        kept = self.kept(role)
        if kept is not None:
            return md.cell_end(kept)
        if role in PARTS["table"]:
            return md.cell_end(PARTS["table"][role][1](self, self.L))
        return "-"


@dataclass
class SectionView:
    id: int | None
    name: str
    path: list[str]
    level: int  # 1 = top-level section, 2 = subsection
    hashes: str  # "##"
    heading: str | None  # the heading line; None for a list without headings
    anchor: str
    before: str = ""
    after: str = ""
    tight: bool = False  # `before` runs into the first entry (no blank line between)
    columns: list[dict] = field(default_factory=list)  # [{"label", "role"}]
    entries: list[EntryView] = field(default_factory=list)

    @property
    def shown(self) -> list[EntryView]:
        return [e for e in self.entries if not e.hidden]

    @property
    def runs(self) -> list[dict]:
        """The shown entries in runs: {"block": True, "entries": [...]} for entries kept whole
        (another layout of the list), {"block": False, ...} for entries this style writes."""
        out: list[dict] = []
        for e in self.shown:
            is_block = e.block is not None
            if not out or out[-1]["block"] != is_block:
                out.append({"block": is_block, "entries": []})
            out[-1]["entries"].append(e)
        return out


@dataclass
class Document:
    style: str
    lang: str
    L: dict
    name: str | None = None
    preamble: str = ""
    postamble: str = ""
    toc: bool = False
    sections: list[SectionView] = field(default_factory=list)
    tight: bool = False  # the preamble runs into the first entry (no blank line between)

    @property
    def papers(self) -> list[Paper]:
        seen: dict[int, Paper] = {}
        for s in self.sections:
            for e in s.entries:
                seen.setdefault(e.p.id, e.p)
        return list(seen.values())


# ---------------------------------------------------------------- templates

def user_template_dir(lib=None) -> Path:
    """The user template folder: the template_dir setting, else <config dir>/templates."""
    from readerapp.core.paths import user_config_dir
    from readerapp.core.settings import load_settings

    configured = None
    if lib is not None:
        configured = lib.get_setting("template_dir")
    if not configured:
        try:
            configured = load_settings().template_dir
        except Exception:
            configured = None
    return Path(configured).expanduser() if configured else user_config_dir() / "templates"


def builtin_template_dir() -> Path:
    from readerapp.core.paths import resources_dir

    return resources_dir() / "templates"


def available_styles(lib=None) -> list[str]:
    """Built-in styles, then the user's own (<name>.md.j2 in the template folder)."""
    styles = list(BUILTIN_STYLES)
    folder = user_template_dir(lib)
    if folder.is_dir():
        for path in sorted(folder.glob("*" + TEMPLATE_SUFFIX)):
            name = path.name[: -len(TEMPLATE_SUFFIX)]
            if name not in styles and name != "note" and name.replace("-", "").replace("_", "").isalnum():
                styles.append(name)
    return styles


def environment(lib=None):
    import jinja2

    loaders = []
    folder = user_template_dir(lib)
    if folder.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.FileSystemLoader(str(builtin_template_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # Markdown: text is escaped by the filters below instead
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(md_text=md.md_text, md_inline=md.md_inline, cell=md.cell, md_url=md.md_url,
                       hard_breaks=md.hard_breaks,
                       yyyymmdd=yyyymmdd, path_url=md.path_url, paper_url=paper_url)
    env.globals.update(link=md.link)
    return env


def render_template(lib, name: str, **context) -> str:
    import jinja2

    try:
        template = environment(lib).get_template(name)
    except jinja2.TemplateNotFound:
        raise InvalidValue(f"no export template {name!r} (looked in {user_template_dir(lib)} "
                           f"and {builtin_template_dir()})") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidValue(f"export template {exc.filename or name} line {exc.lineno}: {exc.message}") from None
    try:
        return template.render(**context)
    except jinja2.TemplateError as exc:
        raise InvalidValue(f"export template {name}: {exc}") from None


# ---------------------------------------------------------------- building the document

def _section_index(lib) -> dict[tuple[str, ...], int]:
    out: dict[tuple[str, ...], int] = {}
    for top in lib.sections():
        out[(top.name,)] = top.id
        for child in top.children:
            out[(top.name, child.name)] = child.id
    return out


def find_section(lib, path: str | list[str]) -> int:
    """A section by 'Parent/Child' (or a list of names); NotFound when missing."""
    names = [n.strip() for n in path.split("/")] if isinstance(path, str) else list(path)
    names = [n for n in names if n]
    sid = _section_index(lib).get(tuple(" ".join(n.split()) for n in names))
    if sid is None:
        raise NotFound(f"no section {'/'.join(names)!r}")
    return sid


@dataclass
class ExportOptions:
    style: str = "table"
    lang: str = "zh"
    name: str | None = None  # a stored list (from import-list) whose layout to follow
    section: str | list[str] | None = None  # only these sections ('Parent' or 'Parent/Child'; one or a list)
    notes_dir: str | None = None  # note pages folder, relative to the list file ('notes')
    full: bool = True  # preamble and postamble of a stored list too (not inside README markers)


def _default_columns(L: dict, with_talks: bool) -> list[dict]:
    roles = [r for r in TABLE_ROLES if with_talks or r != "talks"]
    keys = {"title": "paper", "code": "code", "venue": "venue", "summary": "summary", "notes": "notes",
            "talks": "talks"}
    return [{"label": L[keys[r]], "role": r, "align": ":-:"} for r in roles]


def note_page_path(lib, p: Paper, section_path: list[str] | None, notes_dir: str, lang: str) -> str:
    """Where the note page of a paper goes, relative to the list file (alone: see notenames.assign
    for a whole list, where pages of same-named papers are told apart)."""
    from readerapp.core.export import notenames

    folder = section_path or [LABELS[lang]["unsorted"]]
    return notenames.assign({p.id: (folder, p.title)}, notes_dir)[p.id]


def has_note_page(lib, p: Paper) -> bool:
    return not lib.get_note(p.id).is_empty() or bool(lib.highlights(p.id))


def build_document(lib, opts: ExportOptions) -> Document:
    if opts.style not in available_styles(lib):
        raise InvalidValue(f"unknown export style {opts.style!r} (styles: {', '.join(available_styles(lib))})")
    L = labels(opts.lang)
    doc = Document(style=opts.style, lang=opts.lang, L=L, name=opts.name)
    stored = lib.get_list(opts.name) if opts.name else None
    layout = stored["layout"] if stored else {}
    own = stored is not None and stored.get("style") == opts.style  # the list's own style
    levels = layout.get("levels") or [2, 3]
    index = _section_index(lib)
    wanted = [opts.section] if isinstance(opts.section, str) else list(opts.section or [])
    only = [lib.section_path(find_section(lib, w)) for w in wanted] or None

    # the sections, in the list's order, then any the list does not know yet
    plan: list[dict] = []
    seen_paths: set[tuple[str, ...]] = set()
    for spec in layout.get("sections") or []:
        path = tuple(spec.get("path") or [])
        if path in index and path not in seen_paths:
            plan.append(dict(spec))
            seen_paths.add(path)
    if stored is None:
        for top in lib.sections():
            for path in [(top.name,), *((top.name, c.name) for c in top.children)]:
                if path not in seen_paths:
                    plan.append({"path": list(path)})
                    seen_paths.add(path)
    else:
        covered_tops = {tuple(s["path"][:1]) for s in plan if s.get("path")}
        for top in lib.sections():
            if (top.name,) not in covered_tops:
                continue
            for child in top.children:
                path = (top.name, child.name)
                if path not in seen_paths:
                    # after the last section of the same parent
                    last = max((i for i, s in enumerate(plan) if tuple(s["path"][:1]) == (top.name,)), default=-1)
                    plan.insert(last + 1, {"path": list(path)})
                    seen_paths.add(path)

    if only is not None:
        plan = [s for s in plan if any(list(s["path"][: len(sel)]) == sel for sel in only)]

    anchors: dict[str, int] = {}
    first_section_of: dict[int, list[str]] = {}
    for spec in plan:
        path = list(spec["path"])
        sid = index[tuple(path)]
        level = len(path)
        hashes = "#" * int(levels[0] if level == 1 else levels[-1])
        heading = spec.get("heading", f"{hashes} {path[-1]}")
        sv = SectionView(id=sid, name=path[-1], path=path, level=level, hashes=hashes, heading=heading,
                         anchor=md.github_anchor(path[-1], anchors), before=spec.get("before") or "",
                         after=spec.get("after") or "")
        sv.tight = bool(spec.get("tight")) and bool(sv.before)
        if not own:  # another style: rendered from the paper fields only, no text kept from the list
            sv.before = sv.after = ""
            sv.tight = False
        entries = lib.placement_entries(sid) if own else {}
        papers = lib.papers_in_section(sid)
        for p in papers:
            first_section_of.setdefault(p.id, path)
            sv.entries.append(EntryView(p=p, links=lib.links(p.id), style=opts.style, lang=opts.lang,
                                        entry=entries.get(p.id, {})))
        by_id = {e.p.id: e for e in sv.entries}
        for e in sv.entries:
            lead = by_id.get(e.entry.get("joined"))
            e.hidden = lead is not None and lead.kept("head") is not None
        if spec.get("columns") and own:
            sv.columns = [{"label": c[0], "role": c[1], "align": c[2] if len(c) > 2 else ":-:"}
                          for c in spec["columns"]]
        else:
            sv.columns = _default_columns(L, any(e.talk_links for e in sv.entries))
        doc.sections.append(sv)
    if stored is None and only is None:
        # papers in no section still belong in a list of the whole library: last, under "Unsorted"
        loose = lib.papers_by_ids(lib.unsectioned_paper_ids())
        if loose:
            name = L["unsorted"]
            sv = SectionView(id=None, name=name, path=[name], level=1, hashes="#" * int(levels[0]),
                             heading=f"{'#' * int(levels[0])} {name}", anchor=md.github_anchor(name, anchors))
            sv.entries = [EntryView(p=p, links=lib.links(p.id), style=opts.style, lang=opts.lang) for p in loose]
            sv.columns = _default_columns(L, any(e.talk_links for e in sv.entries))
            doc.sections.append(sv)
    if opts.notes_dir:
        from readerapp.core.export import notenames

        pages: dict[int, tuple[list[str], str]] = {}
        for sv in doc.sections:
            for e in sv.entries:
                if e.p.id not in pages and has_note_page(lib, e.p):
                    pages[e.p.id] = (first_section_of.get(e.p.id) or [L["unsorted"]], e.p.title)
        paths = notenames.assign(pages, opts.notes_dir)  # collision-free, <= 255 bytes a name
        for sv in doc.sections:
            for e in sv.entries:
                if e.p.id in paths:
                    e.note_page = md.path_url(paths[e.p.id])
    if opts.full and only is None:  # the text around the whole list, not around one section
        doc.preamble = layout.get("preamble") or ""
        doc.postamble = layout.get("postamble") or ""
        doc.tight = bool(layout.get("tight")) and bool(doc.preamble) and own
    doc.toc = bool(layout.get("toc", stored is None)) and opts.style == "table" and only is None \
        and len([s for s in doc.sections if s.heading]) > 1
    return doc


def render_document(lib, doc: Document) -> str:
    text = render_template(lib, doc.style + TEMPLATE_SUFFIX, doc=doc, L=doc.L)
    return text if text.endswith("\n") else text + "\n"


def render_list(lib, opts: ExportOptions) -> tuple[str, Document]:
    doc = build_document(lib, opts)
    return render_document(lib, doc), doc
