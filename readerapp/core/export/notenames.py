"""File names of note pages (`export --notes-dir`): one page per paper, never two
papers on one file, every name at most 255 bytes in UTF-8.

A page is named after the paper's title (see markdown.slug). Titles that give
the same name (they differ only in punctuation or letter case, which matters on
case-insensitive file systems) are told apart by the paper id: the paper with
the lowest id keeps the plain name, the others get ``-<id>`` appended. So a
paper's page keeps its name when papers are added later.
"""

from __future__ import annotations

from readerapp.core.export import markdown as md

MAX_NAME_BYTES = 255  # what ext4, APFS, NTFS (in UTF-16 units, fewer) and most others allow
SUFFIX = ".md"


def fit_bytes(text: str, limit: int) -> str:
    """`text` cut (on a character boundary) to at most `limit` bytes of UTF-8."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[:limit].decode("utf-8", errors="ignore")
    return cut.rstrip(" .") or "untitled"


def folder_name(text: str) -> str:
    return fit_bytes(md.slug(text), MAX_NAME_BYTES)


def page_name(title: str, paper_id: int, *, with_id: bool = False) -> str:
    """The file name of a paper's note page ("<title>.md" or "<title>-<id>.md"), <= 255 bytes."""
    tail = (f"-{paper_id}" if with_id else "") + SUFFIX
    base = fit_bytes(md.slug(title or f"paper-{paper_id}"), MAX_NAME_BYTES - len(tail.encode("utf-8")))
    return base + tail


def assign(pages: dict[int, tuple[list[str], str]], notes_dir: str) -> dict[int, str]:
    """Paths (relative to the list file, '/'-separated) for papers {id: (folder names, title)}.
    Distinct papers always get distinct paths, also on a case-insensitive file system."""
    root = [p for p in notes_dir.strip("/").split("/") if p]
    out: dict[int, str] = {}
    used: set[str] = set()
    plain: dict[str, int] = {}
    for pid in sorted(pages):  # the lowest id claims the plain name
        folders, title = pages[pid]
        key = "/".join([*(folder_name(f) for f in folders), page_name(title, pid)]).casefold()
        plain.setdefault(key, pid)
    for pid in sorted(pages):
        folders, title = pages[pid]
        parts = [*root, *(folder_name(f) for f in folders)]
        name = page_name(title, pid)
        key = "/".join([*(folder_name(f) for f in folders), name]).casefold()
        if plain[key] != pid:
            name = page_name(title, pid, with_id=True)
        path = "/".join([*parts, name])
        n = 2
        while path.casefold() in used:  # "-<id>" met another title: still unique
            name = page_name(f"{title} {n}", pid, with_id=True)
            path = "/".join([*parts, name])
            n += 1
        used.add(path.casefold())
        out[pid] = path
    return out
