"""Typed change sets: what one operation on the library changed.

Every mutation of the user library runs as one operation (see
:mod:`readerapp.core.storage.ops`). While it runs it records here, per touched
paper, which kind of thing changed; after the commit the derived index is
refreshed for exactly those papers and the listeners are told, once, in one
place (as Anki's ``OpChanges`` and calibre's ``EventType`` do).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ChangeKind(str, Enum):
    """What changed. A str enum: ``ChangeKind.NOTE == "note"``, so listeners
    written against the old string kinds keep working while they move over
    (``str, Enum`` rather than 3.11's StrEnum: readerapp runs on Python 3.10)."""

    def __str__(self) -> str:
        return self.value

    PAPER = "paper"          # a paper's fields, links or file
    NOTE = "note"            # its structured note
    HIGHLIGHT = "highlight"  # its highlights
    TEXT = "text"            # the page text of its file was (re)indexed
    DELETED = "deleted"      # the paper was deleted
    SECTIONS = "sections"    # the section tree or where papers sit in it
    TAGS = "tags"            # a paper's tags
    LISTS = "lists"          # a stored paper list (README layout)
    SETTINGS = "settings"    # a per-library setting
    INDEX = "index"          # the derived index was damaged and recreated: its page text needs a rebuild


# Embedding queue job for each kind that changes embedded text.
EMBED_JOB = {ChangeKind.NOTE: "note", ChangeKind.HIGHLIGHT: "highlight", ChangeKind.TEXT: "page"}
# Kinds whose paper's own index row (title, metadata, what the user wrote) must be rewritten.
INDEXED_KINDS = frozenset({ChangeKind.PAPER, ChangeKind.NOTE, ChangeKind.HIGHLIGHT, ChangeKind.TEXT,
                           ChangeKind.SECTIONS, ChangeKind.TAGS})


@dataclass
class OpChanges:
    """The changes of one committed operation."""

    events: list[tuple[ChangeKind, int | None]] = field(default_factory=list)
    reindex: set[int] = field(default_factory=set)         # papers whose own index row is rewritten
    embed: set[tuple[int, str]] = field(default_factory=set)  # (paper id, queue job) to (re-)embed
    deleted: set[int] = field(default_factory=set)         # papers whose derived rows are dropped

    def add(self, kind: ChangeKind, paper_id: int | None = None, *, index: bool | None = None,
            embed: str | None | bool = True) -> None:
        """Record a change. `index` (default: by kind) rewrites the paper's own
        index row; `embed` False skips the embedding job the kind implies, a
        string names a job explicitly."""
        kind = ChangeKind(kind)
        if (kind, paper_id) not in self.events:
            self.events.append((kind, paper_id))
        if paper_id is None:
            return
        if kind is ChangeKind.DELETED:
            self.deleted.add(paper_id)
            self.reindex.discard(paper_id)
            self.embed = {e for e in self.embed if e[0] != paper_id}
            return
        if index if index is not None else kind in INDEXED_KINDS:
            self.reindex.add(paper_id)
        job = embed if isinstance(embed, str) else (EMBED_JOB.get(kind) if embed else None)
        if job:
            self.embed.add((paper_id, job))

    def merge(self, other: "OpChanges") -> None:
        for kind, pid in other.events:
            if (kind, pid) not in self.events:
                self.events.append((kind, pid))
        self.reindex |= other.reindex
        self.embed |= other.embed
        self.deleted |= other.deleted
        self.reindex -= self.deleted
        self.embed = {e for e in self.embed if e[0] not in self.deleted}

    @property
    def kinds(self) -> set[ChangeKind]:
        return {k for k, _ in self.events}

    @property
    def papers(self) -> set[int]:
        return {p for _, p in self.events if p is not None}

    def __bool__(self) -> bool:
        return bool(self.events)
