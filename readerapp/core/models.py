"""Domain objects. Plain dataclasses: no Qt, no SQL."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class Status(str, Enum):
    """A paper's reading status (stored, in JSON and on the command line as its value)."""

    TO_READ = "to-read"
    READING = "reading"
    READ = "read"

    def __str__(self) -> str:
        return self.value


class ExportStyle(str, Enum):
    """The built-in styles of an exported paper list (core.export.render, list import)."""

    TABLE = "table"    # paper | code | venue | summary | notes
    DATED = "dated"    # - 2024.05 [title](url) ...
    VENUE = "venue"    # grouped by venue
    DIGEST = "digest"  # a paragraph per paper

    def __str__(self) -> str:
        return self.value


STATUSES = tuple(s.value for s in Status)
EXPORT_STYLES = tuple(s.value for s in ExportStyle)
HIGHLIGHT_KINDS = ("highlight", "underline", "area")
LINK_KINDS = ("notes", "talk", "blog", "other")
NOTE_FIELDS = ("problem", "method", "results", "notes")

# Paper fields a user may set (CLI `set`, GUI editors); the value types they take.
PAPER_FIELDS = {
    "title": str,
    "authors": list,
    "year": int,
    "venue": str,
    "arxiv_id": str,
    "doi": str,
    "url": str,
    "code_url": str,
    "model_name": str,
    "summary": str,
    "status": str,
    "date_read": str,
}
# Fields that metadata extraction fills (and user corrections protect).
EXTRACTED_FIELDS = ("title", "authors", "year", "venue", "arxiv_id", "doi", "code_url")


@dataclass
class Paper:
    id: int
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    code_url: str | None = None
    model_name: str | None = None
    summary: str = ""
    status: str = Status.TO_READ.value
    date_added: str = ""
    date_read: str | None = None
    date_modified: str = ""
    user_fields: list[str] = field(default_factory=list)
    # From the files table (the newest file of the paper), None for list-only entries.
    path: str | None = None
    pages: int = 0
    sha256: str | None = None
    text_status: str | None = None
    tags: list[str] = field(default_factory=list)
    review: dict[str, str] = field(default_factory=dict)  # extracted field -> why it may be wrong

    def to_json(self) -> dict:
        """The stable JSON of a paper (documented in the README)."""
        return {
            "id": self.id,
            "title": self.title,
            "authors": list(self.authors),
            "year": self.year,
            "venue": self.venue,
            "arxiv_id": self.arxiv_id,
            "doi": self.doi,
            "code_url": self.code_url,
            "path": self.path,
            "pages": self.pages,
            "status": self.status,
        }

    @property
    def first_author(self) -> str:
        return self.authors[0] if self.authors else ""


@dataclass
class Section:
    id: int
    name: str
    parent_id: int | None = None
    position: int = 0
    children: list["Section"] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "parent_id": self.parent_id,
            "children": [c.to_json() for c in self.children],
        }


@dataclass
class Highlight:
    id: int | None
    paper_id: int
    page: int  # 0-based page index
    quads: list[list[float]] = field(default_factory=list)  # each quad: 8 floats, PDF points
    text: str = ""
    color: str = "#ffd400"
    kind: str = "highlight"
    comment: str = ""
    created: str = ""
    modified: str = ""

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Note:
    paper_id: int
    problem: str = ""
    method: str = ""
    results: str = ""
    notes: str = ""
    modified: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    def is_empty(self) -> bool:
        return not any(getattr(self, f).strip() for f in NOTE_FIELDS)


@dataclass
class Link:
    id: int | None
    paper_id: int
    kind: str
    url: str
    label: str = ""
    position: int = 0

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class SearchHit:
    paper_id: int
    title: str
    page: int | None  # 0-based page index, as everywhere in the API; None for a hit in the title/notes/metadata
    snippet: str  # HTML-escaped text; matches wrapped in <mark>…</mark>
    score: float  # higher is better
    source: str = "keyword"  # keyword | semantic | hybrid
    # For semantic hits: the passage's bounding box on the page (PDF points), if known.
    bbox: tuple[float, float, float, float] | None = None

    def to_json(self) -> dict:
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "page": None if self.page is None else self.page + 1,  # the stable JSON: a 1-based page number
            "snippet": self.snippet,
            "score": round(self.score, 6),
        }


@dataclass
class ImportResult:
    path: str
    status: str  # imported | duplicate | relinked | updated | failed
    paper_id: int | None = None
    reason: str = ""
    pages: int = 0

    def to_json(self) -> dict:
        return asdict(self)
