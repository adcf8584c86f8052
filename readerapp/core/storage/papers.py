"""Papers and their files."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from readerapp.core import textnorm
from readerapp.core.errors import InvalidValue, NotFound
from readerapp.core.models import EXTRACTED_FIELDS, NOTE_FIELDS, PAPER_FIELDS, STATUSES, Paper
from readerapp.core.storage.base import Manager, json_list, now_iso
from readerapp.core.storage.changes import ChangeKind

EMBEDDED_FIELDS = frozenset({"title", "summary"})  # paper fields that are part of the embedded note text
SORT_COLUMNS = frozenset({"date_added", "title", "year", "venue", "status", "date_modified", "id"})

PAPER_SELECT = """
    SELECT p.*, f.path AS f_path, f.pages AS f_pages, f.sha256 AS f_sha256,
           f.text_status AS f_text_status, f.garbled AS f_garbled
    FROM papers p
    LEFT JOIN files f ON f.id = (SELECT max(id) FROM files WHERE paper_id = p.id)
"""


def stored_status(text_status: str) -> tuple[str, int]:
    """(files.text_status, files.garbled) for an extraction's text_status."""
    return ("ok", 1) if text_status == "garbled" else (text_status, 0)


def json_review(value: str | None) -> dict[str, str]:
    """papers.review: field -> why extraction is unsure of it."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def parse_authors(text: str) -> list[str]:
    """Authors from text: separated by ';', or by ',' / ' and ' when no ';' is present."""
    text = text.strip()
    if not text:
        return []
    if ";" in text:
        parts = text.split(";")
    else:
        parts = [p for chunk in text.split(",") for p in chunk.split(" and ")]
    return [textnorm.normalize_space(p) for p in parts if p.strip()]


def validate_fields(fields: dict) -> dict:
    """Paper fields from user or extracted values, as stored (raises InvalidValue)."""
    out: dict = {}
    for name, value in fields.items():
        if name == "date_added":
            out[name] = str(value)
            continue
        if name not in PAPER_FIELDS:
            raise InvalidValue(f"unknown paper field {name!r}")
        kind = PAPER_FIELDS[name]
        if value is None or (isinstance(value, str) and not value.strip() and name not in ("summary", "title")):
            if name in ("title", "summary"):
                value = ""
            elif name == "authors":
                value = []
            elif name == "status":
                raise InvalidValue("status cannot be empty")
            else:
                out[name] = None
                continue
        if kind is list:
            if isinstance(value, str):
                value = parse_authors(value)
            out[name] = json.dumps([textnorm.normalize_space(str(a)) for a in value if str(a).strip()],
                                   ensure_ascii=False)
        elif kind is int:
            try:
                value = int(str(value).strip())
            except ValueError:
                raise InvalidValue(f"{name} must be a whole number, not {value!r}") from None
            if name == "year" and not 1000 <= value <= 2200:
                raise InvalidValue(f"year {value} is out of range")
            out[name] = value
        else:
            value = str(value)
            if name == "status" and value not in STATUSES:
                raise InvalidValue(f"status must be one of {', '.join(STATUSES)}, not {value!r}")
            out[name] = value.strip() if name != "summary" else value
    return out


def paper_from_row(row: sqlite3.Row, tags: list[str] | None = None) -> Paper:
    return Paper(
        id=row["id"], title=row["title"], authors=json_list(row["authors"]), year=row["year"], venue=row["venue"],
        arxiv_id=row["arxiv_id"], doi=row["doi"], url=row["url"], code_url=row["code_url"],
        model_name=row["model_name"], summary=row["summary"], status=row["status"], date_added=row["date_added"],
        date_read=row["date_read"], date_modified=row["date_modified"], user_fields=json_list(row["user_fields"]),
        path=row["f_path"], pages=row["f_pages"] or 0, sha256=row["f_sha256"],
        text_status="garbled" if row["f_garbled"] else row["f_text_status"],
        tags=tags if tags is not None else [], review=json_review(row["review"]),
    )


class PaperManager(Manager):
    # ------------------------------------------------------------ reading
    def tags_by_paper(self, paper_ids: list[int] | None = None) -> dict[int, list[str]]:
        sql = "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
        params: tuple = ()
        if paper_ids is not None:
            sql += " WHERE pt.paper_id IN (SELECT value FROM json_each(?))"
            params = (json.dumps(paper_ids),)
        out: dict[int, list[str]] = {}
        for row in self._query(sql + " ORDER BY t.name COLLATE NOCASE", params):
            out.setdefault(row[0], []).append(row[1])
        return out

    def get(self, paper_id: int) -> Paper:
        rows = self._query(PAPER_SELECT + " WHERE p.id = ?", (paper_id,))
        if not rows:
            raise NotFound(f"no paper with id {paper_id}")
        return paper_from_row(rows[0], self.tags_by_paper([paper_id]).get(paper_id, []))

    def by_ids(self, ids: Iterable[int]) -> list[Paper]:
        """Papers in the order of `ids` (unknown ids skipped)."""
        ids = list(dict.fromkeys(int(i) for i in ids))
        if not ids:
            return []
        rows = self._query(PAPER_SELECT + " WHERE p.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))
        tags = self.tags_by_paper(ids)
        by_id = {r["id"]: paper_from_row(r, tags.get(r["id"], [])) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def list(self, *, text: str | None = None, status: str | None = None, tag: str | None = None,
             section_id: int | None = None, year: int | None = None, order: str = "date_added",
             descending: bool = True) -> list[Paper]:
        """All papers matching simple filters (the library table's data)."""
        where: list[str] = []
        params: list = []
        if text:
            where.append("(p.title LIKE ? ESCAPE '\\' OR p.authors LIKE ? ESCAPE '\\')")
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like, like]
        if status:
            where.append("p.status = ?")
            params.append(status)
        if year is not None:
            where.append("p.year = ?")
            params.append(year)
        if tag:
            where.append("p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
                         " WHERE t.name = ? COLLATE NOCASE)")
            params.append(tag)
        if section_id is not None:
            where.append("p.id IN (SELECT paper_id FROM paper_sections WHERE section_id IN"
                         " (SELECT id FROM sections WHERE id = ? OR parent_id = ?))")
            params += [section_id, section_id]
        if order not in SORT_COLUMNS:
            raise InvalidValue(f"cannot sort by {order!r}")
        sql = PAPER_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        direction = "DESC" if descending else "ASC"
        sql += f" ORDER BY p.{order} {direction}, p.id {direction}"
        rows = self._query(sql, params)
        tags = self.tags_by_paper()
        return [paper_from_row(r, tags.get(r["id"], [])) for r in rows]

    def all_ids(self) -> list[int]:
        return [r[0] for r in self._query("SELECT id FROM papers ORDER BY id")]

    def count(self) -> int:
        return self._query("SELECT count(*) FROM papers")[0][0]

    def ids_where(self, *, year_range: tuple[int, int] | None = None, author_like: str | None = None,
                  status: str | None = None) -> set[int]:
        """Paper ids by simple field conditions (search filters)."""
        where, params = [], []
        if year_range is not None:
            where.append("year BETWEEN ? AND ?")
            params += list(year_range)
        if author_like is not None:
            where.append("authors LIKE ? ESCAPE '\\'")
            params.append(author_like)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        sql = "SELECT id FROM papers" + (" WHERE " + " AND ".join(where) if where else "")
        return {r[0] for r in self._query(sql, params)}

    def find_for_entry(self, *, arxiv_id: str | None = None, doi: str | None = None, title: str | None = None,
                       without_file: bool = False) -> int | None:
        """The paper that is the same work as the given identifiers, if any."""
        extra = " AND NOT EXISTS (SELECT 1 FROM files f WHERE f.paper_id = papers.id)" if without_file else ""
        if arxiv_id:
            row = self._query(f"SELECT id FROM papers WHERE arxiv_id = ?{extra} LIMIT 1", (arxiv_id,))
            if row:
                return row[0][0]
        if doi:
            row = self._query(f"SELECT id FROM papers WHERE lower(doi) = lower(?){extra} LIMIT 1", (doi,))
            if row:
                return row[0][0]
        key = textnorm.title_key(title or "")
        if len(key) >= 8:
            for row in self._query(f"SELECT id, title FROM papers WHERE title <> ''{extra}"):
                if textnorm.title_key(row["title"]) == key:
                    return row["id"]
        return None

    def identity_keys(self) -> list[sqlite3.Row]:
        """(id, arxiv_id, doi, title) of every paper, newest first (list import matching)."""
        return self._query("SELECT id, arxiv_id, doi, title FROM papers ORDER BY id DESC")

    def index_rows(self, paper_ids: list[int] | None) -> list[tuple[int, str, str, str]]:
        """(id, title, meta, annot) of each paper's own index row, from what users made."""
        flt, params = "", ()
        if paper_ids is not None:
            if not paper_ids:
                return []
            params = (json.dumps(paper_ids),)
        rows = self._query(
            "SELECT p.id, p.title, p.authors, p.venue, p.year, p.arxiv_id, p.doi, p.model_name, p.summary,"
            " n.problem, n.method, n.results, n.notes FROM papers p LEFT JOIN notes n ON n.paper_id = p.id"
            + (" WHERE p.id IN (SELECT value FROM json_each(?))" if params else "") + " ORDER BY p.id", params)
        if paper_ids is not None:
            flt = " WHERE {col} IN (SELECT value FROM json_each(?))"
        tags = self.tags_by_paper(paper_ids)
        sections: dict[int, list[str]] = {}
        for r in self._query(
                "SELECT ps.paper_id, s.name, up.name FROM paper_sections ps JOIN sections s ON s.id = ps.section_id"
                " LEFT JOIN sections up ON up.id = s.parent_id" + flt.format(col="ps.paper_id")
                + " ORDER BY ps.paper_id, ps.section_id", params):
            sections.setdefault(r[0], []).append(" / ".join(n for n in (r[2], r[1]) if n))
        marks: dict[int, list[str]] = {}
        for r in self._query("SELECT paper_id, text, comment FROM highlights" + flt.format(col="paper_id")
                             + " ORDER BY id", params):
            marks.setdefault(r[0], []).append(f"{r[1]} {r[2]}")
        out = []
        for p in rows:
            pid = p["id"]
            meta = " ".join(filter(None, [
                " ; ".join(json_list(p["authors"])), p["venue"], str(p["year"] or ""), p["arxiv_id"], p["doi"],
                p["model_name"], " ".join(tags.get(pid, [])), " ; ".join(sections.get(pid, [])),
            ]))
            annot = "\n".join(filter(None, [p["summary"], p["problem"], p["method"], p["results"], p["notes"],
                                            *marks.get(pid, [])]))
            out.append((pid, p["title"], meta, annot))
        return out

    # ------------------------------------------------------------ changing
    def add(self, *, user_fields: Iterable[str] = (), **fields) -> int:
        """Create a paper (without a file); returns its id."""
        values = validate_fields(fields)
        ts = now_iso()
        values.setdefault("date_added", ts)
        values["date_modified"] = ts
        values["user_fields"] = json.dumps(sorted(set(user_fields)))
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.op() as op:
            paper_id = op.execute(f"INSERT INTO papers ({cols}) VALUES ({marks})", list(values.values())).lastrowid
            op.touch(ChangeKind.PAPER, paper_id, embed="note")
        return paper_id

    def update(self, paper_id: int, *, by_user: bool = True, **fields) -> None:
        """Change paper fields. Fields changed by the user are remembered so that
        metadata re-extraction (reindex, re-import) never overwrites them."""
        if not fields:
            return
        values = validate_fields(fields)
        with self.op() as op:
            row = op.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
            if row is None:
                raise NotFound(f"no paper with id {paper_id}")
            user = set(json_list(row["user_fields"]))
            if by_user:
                user |= set(values) & set(PAPER_FIELDS)
                review = json_review(row["review"])
                if set(review) & set(values):  # a field set by hand needs no review
                    values["review"] = json.dumps({k: v for k, v in review.items() if k not in values})
            if values.get("status") == "read" and row["status"] != "read" and not row["date_read"] \
                    and "date_read" not in values:
                values["date_read"] = now_iso()
            embedded_changed = any(values[k] != row[k] for k in EMBEDDED_FIELDS & set(values))
            values["user_fields"] = json.dumps(sorted(user))
            values["date_modified"] = now_iso()
            assigns = ", ".join(f"{k} = ?" for k in values)
            op.execute(f"UPDATE papers SET {assigns} WHERE id = ?", [*values.values(), paper_id])
            op.touch(ChangeKind.PAPER, paper_id, embed="note" if embedded_changed else False)

    def apply_extracted_metadata(self, paper_id: int, meta: dict, *, overwrite: bool = False) -> None:
        """Fill fields from PDF metadata extraction, never touching user-set fields.

        With overwrite=False only empty fields are filled (a list-imported entry
        keeps what the list said); with overwrite=True (re-extraction) non-user
        fields take the new non-empty values."""
        with self.op():  # read and write together: a user edit in between is never overwritten
            paper = self.get(paper_id)
            changes = {}
            for name in EXTRACTED_FIELDS:
                new = meta.get(name)
                if new in (None, "", []) or name in paper.user_fields:
                    continue
                old = getattr(paper, name)
                if (overwrite or old in (None, "", [])) and old != new:
                    changes[name] = new
            if changes:
                self.update(paper_id, by_user=False, **changes)
            self._merge_review(paper_id, meta.get("review") or {}, paper.user_fields,
                               replace=set(EXTRACTED_FIELDS) if overwrite else set(changes))

    def _merge_review(self, paper_id: int, reasons: dict, user_fields: list[str], *, replace: set[str]) -> None:
        """Review reasons of freshly extracted fields replace the old ones for those fields;
        fields the user set never need review."""
        with self.op() as op:
            row = op.execute("SELECT review FROM papers WHERE id = ?", (paper_id,)).fetchone()
            if row is None:
                return
            old = json_review(row["review"])
            review = {k: v for k, v in old.items() if k not in replace}
            review.update({k: str(v) for k, v in reasons.items() if k in replace or k not in review})
            review = {k: v for k, v in review.items() if k not in user_fields}
            if review != old:
                op.execute("UPDATE papers SET review = ? WHERE id = ?", (json.dumps(review), paper_id))
                op.touch(ChangeKind.PAPER, paper_id, index=False, embed=False)

    def set_review(self, paper_id: int, field: str, reason: str | None) -> None:
        """Flag one field for review with a reason, or clear it (reason None)."""
        self.get(paper_id)  # raises NotFound
        with self.op() as op:
            self._merge_review(paper_id, {} if reason is None else {field: reason}, [], replace={field})
            op.touch(ChangeKind.PAPER, paper_id, index=False, embed=False)

    def needing_review(self) -> list[Paper]:
        """Papers with at least one extracted field flagged as doubtful, newest first."""
        rows = self._query(PAPER_SELECT + " WHERE p.review <> '{}' ORDER BY p.id DESC")
        tags = self.tags_by_paper([r["id"] for r in rows])
        return [paper_from_row(r, tags.get(r["id"], [])) for r in rows]

    def set_field(self, paper_id: int, field: str, value: str) -> None:
        """Set one field from text (the CLI `set` command and simple GUI editors).

        Fields: any paper field; `note.problem|method|results|notes`; `tags`
        (comma-separated, replaces); `section` ("Parent/Child", adds)."""
        self.get(paper_id)  # raises NotFound
        if field.startswith("note."):
            part = field[5:]
            if part not in NOTE_FIELDS:
                raise InvalidValue(f"unknown note field {part!r} (use one of {', '.join(NOTE_FIELDS)})")
            self.lib.notes.save(paper_id, **{part: value})
        elif field == "tags":
            self.lib.tags.set(paper_id, [t.strip() for t in value.split(",") if t.strip()])
        elif field == "section":
            names = [n.strip() for n in value.split("/") if n.strip()]
            if not names or len(names) > 2:
                raise InvalidValue("section must be 'Name' or 'Parent/Child'")
            with self.op():
                self.lib.sections.assign(paper_id, self.lib.sections.ensure_path(names))
        elif field in PAPER_FIELDS:
            self.update(paper_id, **{field: value})
        else:
            known = ", ".join([*PAPER_FIELDS, "note.problem", "note.method", "note.results", "note.notes",
                               "tags", "section"])
            raise InvalidValue(f"unknown field {field!r}; fields: {known}")

    def delete(self, paper_id: int) -> None:
        """Delete a paper with everything users made about it; the same operation
        drops its pages, index rows, passages, vectors and queued jobs."""
        with self.op() as op:
            if op.execute("DELETE FROM papers WHERE id = ?", (paper_id,)).rowcount == 0:
                raise NotFound(f"no paper with id {paper_id}")
            op.touch(ChangeKind.DELETED, paper_id)

    def create_with_file(self, meta: dict, *, sha256: str, path: str, size: int, pages: int,
                         text_status: str) -> int:
        """A new paper and its file in one transaction (no half-imported paper)."""
        values = validate_fields({k: v for k, v in meta.items() if k in EXTRACTED_FIELDS})
        ts = now_iso()
        values.update(date_added=ts, date_modified=ts)
        if meta.get("review"):
            values["review"] = json.dumps({str(k): str(v) for k, v in meta["review"].items()})
        values.setdefault("title", "")
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.op() as op:
            paper_id = op.execute(f"INSERT INTO papers ({cols}) VALUES ({marks})", list(values.values())).lastrowid
            op.execute("INSERT INTO files (paper_id, sha256, path, size, pages, text_status, garbled, date_added)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (paper_id, sha256, path, size, pages, *stored_status(text_status), ts))
            op.touch(ChangeKind.PAPER, paper_id, embed="note")
        return paper_id

    # ------------------------------------------------------------ page text (derived)
    def store_pages(self, paper_id: int, sha256: str, pages: list[str], text_status: str) -> None:
        """Replace the indexed page text of a paper (short index batches, never the user-library lock)."""
        self.lib.index.store_pages(paper_id, sha256, pages, text_status)
        self.lib.publish_index_change(ChangeKind.TEXT, paper_id)

    def unindexed(self) -> list[int]:
        """Papers with a file whose text is not (or not fully) in the index."""
        indexed = self.lib.index.indexed_files()
        return [row[0] for row in self._query(
            "SELECT paper_id, sha256 FROM files WHERE id IN (SELECT max(id) FROM files GROUP BY paper_id)")
            if indexed.get(row[0]) != row[1]]


class FileManager(Manager):
    def by_sha(self, sha256: str) -> sqlite3.Row | None:
        rows = self._query("SELECT * FROM files WHERE sha256 = ?", (sha256,))
        return rows[0] if rows else None

    def of(self, paper_id: int) -> list[sqlite3.Row]:
        return self._query("SELECT * FROM files WHERE paper_id = ? ORDER BY id", (paper_id,))

    def all(self) -> list[sqlite3.Row]:
        return self._query("SELECT * FROM files ORDER BY id")

    def current(self) -> list[sqlite3.Row]:
        """The file each paper is read from (its newest)."""
        return self._query("SELECT * FROM files WHERE id IN (SELECT max(id) FROM files GROUP BY paper_id) ORDER BY id")

    def missing(self) -> list[sqlite3.Row]:
        """Current files whose recorded path no longer exists."""
        return [row for row in self.current() if not Path(row["path"]).is_file()]

    def add(self, paper_id: int, *, sha256: str, path: str, size: int, pages: int, text_status: str = "ok") -> int:
        with self.op() as op:
            file_id = op.execute(
                "INSERT INTO files (paper_id, sha256, path, size, pages, text_status, garbled, date_added)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (paper_id, sha256, path, size, pages, *stored_status(text_status), now_iso()),
            ).lastrowid
            op.touch(ChangeKind.PAPER, paper_id, index=False, embed=False)
        return file_id

    def relink(self, file_id: int, new_path: str) -> None:
        with self.op() as op:
            row = op.execute("SELECT paper_id FROM files WHERE id = ?", (file_id,)).fetchone()
            op.execute("UPDATE files SET path = ? WHERE id = ?", (new_path, file_id))
            if row is not None:
                op.touch(ChangeKind.PAPER, row[0], index=False, embed=False)

    def set_text_status(self, paper_id: int, status: str) -> None:
        with self.op() as op:
            op.execute("UPDATE files SET text_status = ?, garbled = ? WHERE paper_id = ?",
                       (*stored_status(status), paper_id))
            op.touch(ChangeKind.PAPER, paper_id, index=False, embed=False)
