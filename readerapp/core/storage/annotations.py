"""What users write about a paper (highlights, the structured note, links) and per-library settings."""

from __future__ import annotations

import json
import sqlite3

from readerapp.core import textnorm
from readerapp.core.errors import InvalidValue, NotFound
from readerapp.core.models import HIGHLIGHT_KINDS, LINK_KINDS, NOTE_FIELDS, Highlight, Link, Note
from readerapp.core.storage.base import Manager, json_list, now_iso
from readerapp.core.storage.changes import ChangeKind


def highlight_from_row(r: sqlite3.Row) -> Highlight:
    return Highlight(id=r["id"], paper_id=r["paper_id"], page=r["page"], quads=json_list(r["quads"]), text=r["text"],
                     color=r["color"], kind=r["kind"], comment=r["comment"], created=r["created"],
                     modified=r["modified"])


class HighlightManager(Manager):
    """``lib.highlights(paper_id)`` lists a paper's highlights; the methods change them."""

    def __call__(self, paper_id: int) -> list[Highlight]:
        return self.of(paper_id)

    def of(self, paper_id: int) -> list[Highlight]:
        rows = self._query("SELECT * FROM highlights WHERE paper_id = ? ORDER BY page, id", (paper_id,))
        return [highlight_from_row(r) for r in rows]

    def get(self, highlight_id: int) -> Highlight:
        rows = self._query("SELECT * FROM highlights WHERE id = ?", (highlight_id,))
        if not rows:
            raise NotFound(f"no highlight with id {highlight_id}")
        return highlight_from_row(rows[0])

    def add(self, h: Highlight) -> int:
        """Store a highlight at once; returns its id. Passing a highlight with an id
        (from :meth:`delete`) restores it with that id (undo)."""
        if h.kind not in HIGHLIGHT_KINDS:
            raise InvalidValue(f"highlight kind must be one of {', '.join(HIGHLIGHT_KINDS)}")
        quads = [[float(v) for v in q] for q in h.quads]
        if any(len(q) != 8 for q in quads):
            raise InvalidValue("each quad needs 8 numbers")
        ts = now_iso()
        with self.op() as op:
            hid = op.execute(
                "INSERT INTO highlights (id, paper_id, page, quads, text, color, kind, comment, created, modified)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (h.id, h.paper_id, h.page, json.dumps(quads), textnorm.clean(h.text), h.color, h.kind,
                 h.comment, h.created or ts, ts),
            ).lastrowid
            op.touch(ChangeKind.HIGHLIGHT, h.paper_id)
        return hid

    def update(self, highlight_id: int, *, comment: str | None = None, color: str | None = None,
               kind: str | None = None) -> None:
        if kind is not None and kind not in HIGHLIGHT_KINDS:
            raise InvalidValue(f"highlight kind must be one of {', '.join(HIGHLIGHT_KINDS)}")
        with self.op() as op:
            h = self.get(highlight_id)
            # unchanged attributes keep the stored value (another process may have changed them)
            op.execute("UPDATE highlights SET comment = coalesce(?, comment), color = coalesce(?, color),"
                       " kind = coalesce(?, kind), modified = ? WHERE id = ?",
                       (comment, color or None, kind or None, now_iso(), highlight_id))
            # only the comment is indexed and embedded text
            text_changed = comment is not None and comment != h.comment
            op.touch(ChangeKind.HIGHLIGHT, h.paper_id, index=text_changed, embed=text_changed)

    def move(self, highlight_id: int, page: int, quads: list[list[float]]) -> None:
        """Re-anchor a highlight (same text, new place), e.g. on a replaced file."""
        with self.op() as op:
            h = self.get(highlight_id)
            op.execute("UPDATE highlights SET page = ?, quads = ?, modified = ? WHERE id = ?",
                       (page, json.dumps([[float(v) for v in q] for q in quads]), now_iso(), highlight_id))
            op.touch(ChangeKind.HIGHLIGHT, h.paper_id, index=False)  # its passage's place changed

    def delete(self, highlight_id: int) -> Highlight:
        """Delete and return the highlight, so the caller can undo with add()."""
        with self.op() as op:
            h = self.get(highlight_id)
            op.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))
            op.touch(ChangeKind.HIGHLIGHT, h.paper_id)
        return h


class NoteManager(Manager):
    def get(self, paper_id: int) -> Note:
        rows = self._query("SELECT * FROM notes WHERE paper_id = ?", (paper_id,))
        if not rows:
            return Note(paper_id=paper_id)
        r = rows[0]
        return Note(paper_id=paper_id, problem=r["problem"], method=r["method"], results=r["results"],
                    notes=r["notes"], modified=r["modified"])

    def save(self, paper_id: int, **fields: str) -> Note:
        """Write some note fields (others are kept); commits at once."""
        bad = set(fields) - set(NOTE_FIELDS)
        if bad:
            raise InvalidValue(f"unknown note field {sorted(bad)[0]!r}")
        with self.op() as op:
            if op.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
                raise NotFound(f"no paper with id {paper_id}")
            # read inside the write transaction: another process may have just
            # saved other fields of this note, and those must not be overwritten
            note = self.get(paper_id)
            for k, v in fields.items():
                setattr(note, k, textnorm.clean(str(v)) if v is not None else "")
            note.modified = now_iso()
            op.execute(
                "INSERT INTO notes (paper_id, problem, method, results, notes, modified) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (paper_id) DO UPDATE SET problem = excluded.problem, method = excluded.method,"
                " results = excluded.results, notes = excluded.notes, modified = excluded.modified",
                (paper_id, note.problem, note.method, note.results, note.notes, note.modified),
            )
            op.touch(ChangeKind.NOTE, paper_id)
        return note


class LinkManager(Manager):
    """``lib.links(paper_id)`` lists a paper's links; the methods change them."""

    def __call__(self, paper_id: int) -> list[Link]:
        return self.of(paper_id)

    def of(self, paper_id: int) -> list[Link]:
        rows = self._query("SELECT * FROM links WHERE paper_id = ? ORDER BY position, id", (paper_id,))
        return [Link(id=r["id"], paper_id=r["paper_id"], kind=r["kind"], url=r["url"], label=r["label"],
                     position=r["position"]) for r in rows]

    def add(self, paper_id: int, kind: str, url: str, label: str = "") -> int:
        if kind not in LINK_KINDS:
            raise InvalidValue(f"link kind must be one of {', '.join(LINK_KINDS)}")
        if not url.strip():
            raise InvalidValue("a link needs a URL")
        with self.op() as op:
            pos = op.execute("SELECT ifnull(max(position), -1) + 1 FROM links WHERE paper_id = ?",
                             (paper_id,)).fetchone()[0]
            link_id = op.execute("INSERT INTO links (paper_id, kind, label, url, position) VALUES (?, ?, ?, ?, ?)",
                                 (paper_id, kind, label, url.strip(), pos)).lastrowid
            op.touch(ChangeKind.PAPER, paper_id, index=False, embed=False)
        return link_id

    def delete(self, link_id: int) -> None:
        with self.op() as op:
            row = op.execute("SELECT paper_id FROM links WHERE id = ?", (link_id,)).fetchone()
            op.execute("DELETE FROM links WHERE id = ?", (link_id,))
            if row is not None:
                op.touch(ChangeKind.PAPER, row[0], index=False, embed=False)


class SettingsManager(Manager):
    def get(self, key: str, default=None):
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set(self, key: str, value) -> None:
        with self.op() as op:
            op.execute("INSERT INTO settings (key, value) VALUES (?, ?)"
                       " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, json.dumps(value)))
            op.touch(ChangeKind.SETTINGS)
