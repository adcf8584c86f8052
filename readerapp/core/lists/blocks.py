"""Block layouts, one paper per block of lines:

- the digest (a bold title line, `**@name 推荐**` or `\\#Tag`, a summary, then
  `论文链接` / `代码链接` each followed by a URL line);
- bold-title blocks: `**Title**` then labelled lines or bullets, `- 论文：URL`,
  `- Code: [..](..)`, `Project: URL`, `[[paper]](..) [[code]](..)`, an italic
  author line;
- cards: a heading `#### **LLaVA**` then `**Paper:** [Title](url)`,
  `**Github:** URL`, `**Record:** venue`, `**Brief Introduction:** ...`.

A labelled line is understood through the role table; a line inside a block
that names nothing known is reported with its line number and kept with the
entry's text."""

from __future__ import annotations

import re

from readerapp.core.export import markdown as md
from readerapp.core.lists import roles
from readerapp.core.lists.items import strip_blank_tail
from readerapp.core.lists.model import Entry, Skipped

_BOLD_LINE = re.compile(r"^\*\*(?!\s)(.+?)(?<!\s)\*\*\s*(?:<br\s*/?>)?\s*\\?$", re.IGNORECASE)
_CARD = re.compile(r"^#{2,6}\s+\*\*(?!\s)(.+?)(?<!\s)\*\*\s*#*\s*$")
_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LABELLED = re.compile(r"^(?:\*\*([^*\[\]]{1,40}?)\s*[:：]?\s*\*\*\s*[:：]?"  # **Label:** or **Label**:
                       r"|([^\s*\[\]:：][^*\[\]:：]{0,29}?)\s*[:：])"  # Label: or 标签：
                       r"\s*(.*)$")
_DOUBLE = re.compile(r"\[\[([^\[\]]{1,30})\]\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")
_ITALIC = re.compile(r"^\*(?!\*)(.+?)\*\s*(?:<br\s*/?>)?\s*$", re.IGNORECASE)
_PREFIX = re.compile(r"^\(\s*\*?\s*([A-Za-z][A-Za-z-]*?)\s*'?(\d{4})(?:_([^)*]+))?\s*\*?\s*\)\s*")
_URL = re.compile(r"^<?(https?://\S+?)>?$")


def _is_title_line(line: str) -> bool:
    s = line.strip()
    if not (s.startswith("**") and s.endswith("**") and len(s) > 4 and "**" not in s[2:-2]):
        return False
    inner = s[2:-2].strip()
    return bool(inner) and not inner.startswith("@") and not inner.endswith("推荐") and inner not in ("▲",)


def digest_entries(tokens, lines: list[str]) -> list[Entry]:
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
        e = Entry(start=start, end=stop_line, style="digest")
        e.fields["title"] = roles.plain(lines[start].strip()[2:-2])
        summary = []
        for line in lines[start + 1:min(para_end, stop_line)]:
            s = line.strip()
            if s.startswith("**@") or not s:
                continue
            if s.startswith("!["):
                break
            if s.startswith("\\#"):
                e.tags += [roles.plain(x) for x in s.replace("\\#", "#").split("#") if x.strip()]
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
            role = roles.word_role(s) if len(s) <= 12 and not s.startswith("http") else None
            if role in ("title", "link"):
                label, last = "paper", k
            elif role == "code":
                label, last = "code", k
            elif role == "venue":
                label, last = "venue", k
            elif role in ("notes", "talks"):
                label, last = role, k
            elif label and s:
                if label == "paper" and s.startswith("http") and "url" not in e.fields:
                    e.fields["url"] = s
                    e.fields.update(roles.ids_from_url(s))
                elif label == "code" and s.startswith("http") and "code_url" not in e.fields:
                    e.fields["code_url"] = s
                elif label == "venue" and "venue" not in e.fields:
                    e.fields["venue"] = roles.plain(s)
                    years = roles.YEAR.findall(s)
                    if years:
                        e.fields["year"] = int(years[-1])
                elif label in ("notes", "talks"):
                    hit = md.split_link(s)
                    url = hit[2] if hit else s
                    e.links.append(("notes" if label == "notes" else "talk", roles.plain(hit[1]) if hit else "",
                                    url))
                label, last = None, k
        e.end = max(last + 1, para_end) if last > start else stop_line
        e.end = start + len(strip_blank_tail(lines[start:e.end]))
        e.parts["entry"] = "\n".join(lines[start:e.end])
        if e.fields["title"]:
            out.append(e)
    return out


def _excluded_lines(tokens) -> set[int]:
    """Lines of code blocks, tables and HTML blocks: never part of a bold-title block."""
    out: set[int] = set()
    for t in tokens:
        if t.map and t.type in ("fence", "code_block", "html_block", "table_open"):
            out.update(range(t.map[0], t.map[1]))
    return out


def _labelled(line: str) -> list[tuple[str, str, str]]:
    """(label, value text, url) pairs a line holds, or [] when it is not labelled."""
    s = _MARKER.sub("", line.strip(), count=1).strip()
    doubles = list(_DOUBLE.finditer(s))
    if doubles and not _DOUBLE.sub("", s).strip():
        return [(m.group(1), "", m.group(2)) for m in doubles]
    hit = md.split_link(s)
    if hit and not hit[0].strip() and not hit[3].strip() and roles.word_role(hit[1]) in (
            "title", "link", "code", "project", "notes", "talks"):
        return [(hit[1], "", hit[2])]  # "[Paper](url)"
    m = _LABELLED.match(s)
    if not m:
        return []
    label = (m.group(1) or m.group(2) or "").strip()
    if roles.word_role(label) is None:
        return [(label, m.group(3).strip(), "?")]  # labelled, but with an unknown label
    rest = m.group(3).strip()
    link = md.split_link(rest)
    if link and not link[0].strip():
        return [(label, roles.plain(link[1]), link[2])]
    u = _URL.match(rest)
    if u:
        return [(label, "", u.group(1))]
    return [(label, rest, "")]


def _set_prefix(e: Entry, title: str) -> str:
    """`(*NeurIPS2019_UniLM*) Title`: venue, year and model name from the prefix; the title without it."""
    m = _PREFIX.match(title)
    if not m:
        return title
    e.fields["venue"] = f"{m.group(1)} {m.group(2)}"
    e.fields["year"] = int(m.group(2))
    if m.group(3):
        e.fields["model_name"] = m.group(3).strip()
    return title[m.end():]


def block_entries(tokens, lines: list[str], taken: set[int], skipped: list[Skipped]) -> list[Entry]:
    excluded = _excluded_lines(tokens)
    heads: list[tuple[int, str, bool]] = []  # (line, title source, is a card heading)
    for n, line in enumerate(lines):
        if n in taken or n in excluded:
            continue
        m = _CARD.match(line.strip()) or _BOLD_LINE.match(line.strip())
        if m and "**" not in m.group(1):
            heads.append((n, m.group(1), line.lstrip().startswith("#")))
    head_lines = {h[0] for h in heads}
    out: list[Entry] = []
    for n, title_src, card in heads:
        e = Entry(start=n, end=n + 1, style="digest")
        title = _set_prefix(e, title_src.strip())  # clean_title unescapes after dropping tags
        e.fields["title"] = roles.clean_title(title)
        if e.fields["title"].endswith(".") and not e.fields["title"].endswith(".."):
            e.fields["title"] = e.fields["title"][:-1].rstrip()  # "**Title.**": the sentence's period
        unknown: list[int] = []
        summary: list[str] = []
        last = n
        in_summary = False
        known = False
        k = n + 1
        while k < len(lines):
            raw = lines[k]
            s = raw.strip()
            if k in head_lines or k in taken or (k in excluded and s) or s.startswith("#"):
                break
            if not s:
                k += 1
                continue
            pairs = _labelled(raw)
            if not pairs and len(s) <= 12 and roles.word_role(s, exact=True) and k + 1 < len(lines) \
                    and lines[k + 1].strip() and not lines[k + 1].lstrip().startswith("#"):
                # a label alone on its line, its value on the next ("论文链接" then the URL)
                value_line = lines[k + 1].strip()
                pairs = _labelled(f"{s}: {value_line}")
                k += 1
            if not pairs:
                it = _ITALIC.match(s)
                if it and k == n + 1:
                    names = [x.strip() for x in re.split(r",|，|\band\b", roles.plain(it.group(1))) if x.strip()]
                    e.fields["authors"] = [x.rstrip(".") for x in names]
                    last = k
                elif in_summary:
                    summary.append(s)
                    last = k
                else:
                    unknown.append(k)
                k += 1
                continue
            in_summary = False
            for label, value, url in pairs:
                role = roles.word_role(label)
                if url == "?" or role is None:
                    unknown.append(k)
                    continue
                known = known or role in ("title", "link", "code", "project")
                _apply(e, role, label, value, url, card)
                if role == "summary":
                    in_summary = True
                    if value:
                        summary.append(value)
            last = k
            k += 1
        if not known or not e.fields.get("title"):
            continue
        if summary:
            e.fields["summary"] = "\n".join(summary)
        e.end = last + 1
        e.parts["entry"] = "\n".join(strip_blank_tail(lines[n:e.end]))
        for u in unknown:
            if u < e.end:
                skipped.append(Skipped(u + 1, lines[u], f"a line in the block of '{e.fields['title']}' not "
                                                        "understood (kept with the entry)"))
        out.append(e)
    return out


def _apply(e: Entry, role: str, label: str, value: str, url: str, card: bool) -> None:
    if role in ("title", "link"):
        if url and "url" not in e.fields:
            e.fields["url"] = url
            e.fields.update(roles.ids_from_url(url))
            if card and value and roles.word_role(value) is None and len(value) > 3:
                if value != e.fields.get("title"):
                    e.fields.setdefault("model_name", e.fields.get("title"))
                e.fields["title"] = roles.clean_title(value)
        elif url:
            e.links.append(("other", roles.plain(label), url))
    elif role == "code":
        if url and "code_url" not in e.fields:
            e.fields["code_url"] = url
        elif url:
            e.links.append(("other", roles.plain(label), url))
    elif role == "project":
        if url:
            e.links.append(("other", roles.plain(label), url))
    elif role in ("notes", "talks"):
        if url:
            e.links.append(("notes" if role == "notes" else "talk", roles.plain(label), url))
    elif role == "venue" and value:
        e.fields["venue"] = value
        years = roles.YEAR.findall(value)
        if years:
            e.fields["year"] = int(years[-1])
    elif role == "date" and value:
        years = roles.YEAR.findall(value)
        if years:
            e.fields.setdefault("year", int(years[0]))
    elif role == "authors" and value:
        e.fields["authors"] = [x.strip() for x in re.split(r"[,，;；]", value) if x.strip()]
    elif role == "tags" and value:
        e.tags += [x.strip() for x in re.split(r"[,，、;；]", value) if x.strip()][:8]
