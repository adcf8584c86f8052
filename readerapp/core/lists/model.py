"""What parsing a list produces: entries with their fields and source parts,
headings, and the report of what was not understood."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from readerapp.core.errors import ReaderError
from readerapp.core.models import EXPORT_STYLES

STYLES = EXPORT_STYLES


class UnknownListLayout(ReaderError):
    """The text holds no paper list in any layout the importer reads (nothing was imported)."""


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
    style: str = ""  # the style whose parts this entry has (table, dated, venue, digest)


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
    hints: list[str] = field(default_factory=list)  # why a near-miss layout was not read


@dataclass
class ListImportResult:
    path: str
    name: str
    style: str
    added: int = 0
    matched: int = 0
    sections: int = 0
    entries: int = 0
    removed: int = 0  # placements of this list gone upstream (papers and notes stay)
    renamed: list[list[list[str]]] = field(default_factory=list)  # [old path, new path] of renamed sections
    paper_ids: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        data["skipped"] = [asdict(s) for s in self.skipped]
        return data
