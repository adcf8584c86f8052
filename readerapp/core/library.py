"""The library: the one API the CLI and the GUI use to read and change data.

Two SQLite connections, one per file (see :mod:`readerapp.core.db`), so a long
write to the derived index never holds the lock on what users make. All access
from this process is serialized by one re-entrant lock (as Anki serializes its
collection work); other processes are handled by SQLite's WAL and busy timeout.
Every user change commits in its own short transaction.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from readerapp.core import db, textnorm
from readerapp.core.errors import InvalidValue, LibraryError, NotFound
from readerapp.core.models import (
    EXTRACTED_FIELDS,
    HIGHLIGHT_KINDS,
    LINK_KINDS,
    NOTE_FIELDS,
    PAPER_FIELDS,
    STATUSES,
    Highlight,
    Link,
    Note,
    Paper,
    Section,
)

log = logging.getLogger(__name__)

PAGE_STRIDE = db.PAGE_STRIDE
MAX_PAGES_INDEXED = PAGE_STRIDE - 1
FTS_INSERT_BATCH = 256  # pages per index transaction, so other writers wait little

ChangeListener = Callable[[str, int | None], None]


LOCK_FILE = ".readerapp.lock"


def _hold_shared_lock(path: Path):
    """Every open Library holds a shared lock on the folder's lock file, so that
    restore (which needs the library to itself) can tell whether it is in use.
    Several readerapp processes may share a library; SQLite keeps their writes safe.
    Waits a few seconds at most for an exclusive holder (a restore), then raises
    LibraryLocked naming its pid (see core.locking)."""
    from readerapp.core import locking

    return locking.acquire(path, exclusive=False)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json_list(value: str | None) -> list:
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return []
    return data if isinstance(data, list) else []


def _stored_status(text_status: str) -> tuple[str, int]:
    """(files.text_status, files.garbled) for an extraction's text_status."""
    return ("ok", 1) if text_status == "garbled" else (text_status, 0)


def _json_review(value: str | None) -> dict[str, str]:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


class Library:
    """An open library folder. Use as a context manager or call :meth:`close`."""

    def __init__(self, folder: str | Path, *, backup_on_upgrade: bool = True):
        self.folder = Path(folder).expanduser().resolve()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create library folder {self.folder}: {exc.strerror or exc}") from exc
        if not os.access(self.folder, os.W_OK):
            raise LibraryError(f"the library folder {self.folder} is read-only; readerapp needs to write there "
                               "(choose another folder with --library)")
        self.lock = threading.RLock()
        self._listeners: list[ChangeListener] = []
        self._lock_file = _hold_shared_lock(self.folder / LOCK_FILE)
        try:
            from readerapp.core.recovery import check_before_open

            check_before_open(self.folder)  # never turn a lost library into a new empty one
        except BaseException:
            if self._lock_file is not None:
                self._lock_file.close()
            raise
        self.lib_path = self.folder / db.LIBRARY_FILE
        self.idx_path = self.folder / db.INDEX_FILE
        self._readers: list[sqlite3.Connection] = []
        opened: list[sqlite3.Connection] = []
        library_ready = False
        try:
            self.conn = db.connect(self.lib_path, synchronous="FULL")
            opened.append(self.conn)
            db.migrate(
                self.conn,
                "library",
                label=f"library {self.lib_path}",
                before_upgrade=(self._backup_before_upgrade if backup_on_upgrade else None),
            )
            library_ready = True
            self.idx = db.connect(self.idx_path, synchronous="NORMAL")
            opened.append(self.idx)
            db.migrate(self.idx, "index", label=f"index {self.idx_path}")
        except BaseException as exc:
            for conn in opened:
                conn.close()
            if self._lock_file is not None:
                self._lock_file.close()
            if isinstance(exc, sqlite3.DatabaseError):
                if _disk_full(self.folder):  # SQLite says "disk I/O error" when it cannot create the -shm file
                    raise LibraryError(f"the disk holding {self.folder} is full: readerapp cannot open the library "
                                       "(nothing was changed); free some space and try again") from exc
                if not library_ready:  # the user library itself, not the derived index
                    from readerapp.core.recovery import open_failure

                    raise open_failure(self.folder, exc) from exc
                raise LibraryError(f"cannot open library {self.folder}: {exc}") from exc
            raise
        self.closed = False
        from readerapp.core.semantic import queue as embed_queue  # SQL only: no model, no torch

        embed_queue.attach(self)

    # ---------------------------------------------------------------- basics
    def index_readers(self, n: int) -> list[sqlite3.Connection]:
        """`n` read-only connections to the index, for searching shards in parallel."""
        with self.lock:
            while len(self._readers) < n:
                self._readers.append(db.connect_readonly(self.idx_path))
            return self._readers[:n]

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
            for reader in self._readers:
                reader.close()
            if self._lock_file is not None:
                self._lock_file.close()  # releases the shared lock
            for conn in (self.idx, self.conn):
                try:
                    conn.execute("PRAGMA optimize")
                except sqlite3.Error:
                    pass
                conn.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add_listener(self, callback: ChangeListener) -> None:
        """Called after a change commits, with (kind, paper_id); kind is one of
        paper, note, highlight, text, deleted, sections, tags."""
        self._listeners.append(callback)

    def remove_listener(self, callback: ChangeListener) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _notify(self, kind: str, paper_id: int | None) -> None:
        for cb in list(self._listeners):
            try:
                cb(kind, paper_id)
            except Exception:  # a listener never breaks a committed change
                log.exception("change listener failed")

    @contextmanager
    def transaction(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        """One write transaction on the user library (or `conn`), committed on success."""
        conn = conn or self.conn
        with self.lock:
            if conn.in_transaction:  # nested use joins the outer transaction
                yield conn
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                raise _storage_error(exc, self.folder) from exc

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, tuple(params)).fetchall()

    # ---------------------------------------------------------------- papers
    _PAPER_SELECT = """
        SELECT p.*, f.path AS f_path, f.pages AS f_pages, f.sha256 AS f_sha256,
               f.text_status AS f_text_status, f.garbled AS f_garbled
        FROM papers p
        LEFT JOIN files f ON f.id = (SELECT max(id) FROM files WHERE paper_id = p.id)
    """

    def _paper_from_row(self, row: sqlite3.Row, tags: list[str] | None = None) -> Paper:
        return Paper(
            id=row["id"],
            title=row["title"],
            authors=_json_list(row["authors"]),
            year=row["year"],
            venue=row["venue"],
            arxiv_id=row["arxiv_id"],
            doi=row["doi"],
            url=row["url"],
            code_url=row["code_url"],
            model_name=row["model_name"],
            summary=row["summary"],
            status=row["status"],
            date_added=row["date_added"],
            date_read=row["date_read"],
            date_modified=row["date_modified"],
            user_fields=_json_list(row["user_fields"]),
            path=row["f_path"],
            pages=row["f_pages"] or 0,
            sha256=row["f_sha256"],
            text_status="garbled" if row["f_garbled"] else row["f_text_status"],
            tags=tags if tags is not None else [],
            review=_json_review(row["review"]),
        )

    def _tags_by_paper(self, paper_ids: list[int] | None = None) -> dict[int, list[str]]:
        sql = "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
        params: tuple = ()
        if paper_ids is not None:
            sql += " WHERE pt.paper_id IN (SELECT value FROM json_each(?))"
            params = (json.dumps(paper_ids),)
        out: dict[int, list[str]] = {}
        for row in self._query(sql + " ORDER BY t.name COLLATE NOCASE", params):
            out.setdefault(row[0], []).append(row[1])
        return out

    def get_paper(self, paper_id: int) -> Paper:
        rows = self._query(self._PAPER_SELECT + " WHERE p.id = ?", (paper_id,))
        if not rows:
            raise NotFound(f"no paper with id {paper_id}")
        return self._paper_from_row(rows[0], self._tags_by_paper([paper_id]).get(paper_id, []))

    def papers_by_ids(self, ids: Iterable[int]) -> list[Paper]:
        """Papers in the order of `ids` (unknown ids skipped)."""
        ids = list(dict.fromkeys(int(i) for i in ids))
        if not ids:
            return []
        rows = self._query(
            self._PAPER_SELECT + " WHERE p.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        )
        tags = self._tags_by_paper(ids)
        by_id = {r["id"]: self._paper_from_row(r, tags.get(r["id"], [])) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def list_papers(
        self,
        *,
        text: str | None = None,
        status: str | None = None,
        tag: str | None = None,
        section_id: int | None = None,
        year: int | None = None,
        order: str = "date_added",
        descending: bool = True,
    ) -> list[Paper]:
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
            where.append(
                "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
                " WHERE t.name = ? COLLATE NOCASE)"
            )
            params.append(tag)
        if section_id is not None:
            where.append(
                "p.id IN (SELECT paper_id FROM paper_sections WHERE section_id IN"
                " (SELECT id FROM sections WHERE id = ? OR parent_id = ?))"
            )
            params += [section_id, section_id]
        columns = {"date_added", "title", "year", "venue", "status", "date_modified", "id"}
        if order not in columns:
            raise InvalidValue(f"cannot sort by {order!r}")
        sql = self._PAPER_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY p.{order} {'DESC' if descending else 'ASC'}, p.id {'DESC' if descending else 'ASC'}"
        rows = self._query(sql, params)
        tags = self._tags_by_paper()
        return [self._paper_from_row(r, tags.get(r["id"], [])) for r in rows]

    def all_paper_ids(self) -> list[int]:
        return [r[0] for r in self._query("SELECT id FROM papers ORDER BY id")]

    def count_papers(self) -> int:
        return self._query("SELECT count(*) FROM papers")[0][0]

    def add_paper(self, *, user_fields: Iterable[str] = (), **fields) -> int:
        """Create a paper (without a file); returns its id."""
        values = self._validate_fields(fields)
        ts = now_iso()
        values.setdefault("date_added", ts)
        values["date_modified"] = ts
        values["user_fields"] = json.dumps(sorted(set(user_fields)))
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.transaction() as conn:
            paper_id = conn.execute(f"INSERT INTO papers ({cols}) VALUES ({marks})", list(values.values())).lastrowid
        self.refresh_paper_index(paper_id)
        self._notify("paper", paper_id)
        return paper_id

    def _validate_fields(self, fields: dict) -> dict:
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

    def update_paper(self, paper_id: int, *, by_user: bool = True, **fields) -> None:
        """Change paper fields. Fields changed by the user are remembered so that
        metadata re-extraction (reindex, re-import) never overwrites them."""
        if not fields:
            return
        values = self._validate_fields(fields)
        with self.transaction() as conn:
            row = conn.execute("SELECT user_fields, status, date_read, review FROM papers WHERE id = ?",
                               (paper_id,)).fetchone()
            if row is None:
                raise NotFound(f"no paper with id {paper_id}")
            user = set(_json_list(row["user_fields"]))
            if by_user:
                user |= set(values) & set(PAPER_FIELDS)
                review = _json_review(row["review"])
                if set(review) & set(values):  # a field set by hand needs no review
                    values["review"] = json.dumps({k: v for k, v in review.items() if k not in values})
            if values.get("status") == "read" and row["status"] != "read" and not row["date_read"] \
                    and "date_read" not in values:
                values["date_read"] = now_iso()
            values["user_fields"] = json.dumps(sorted(user))
            values["date_modified"] = now_iso()
            assigns = ", ".join(f"{k} = ?" for k in values)
            conn.execute(f"UPDATE papers SET {assigns} WHERE id = ?", [*values.values(), paper_id])
        self.refresh_paper_index(paper_id)
        self._notify("paper", paper_id)

    def apply_extracted_metadata(self, paper_id: int, meta: dict, *, overwrite: bool = False) -> None:
        """Fill fields from PDF metadata extraction, never touching user-set fields.

        With overwrite=False only empty fields are filled (a list-imported entry
        keeps what the list said); with overwrite=True (re-extraction) non-user
        fields take the new non-empty values."""
        paper = self.get_paper(paper_id)
        changes = {}
        for name in EXTRACTED_FIELDS:
            new = meta.get(name)
            if new in (None, "", []) or name in paper.user_fields:
                continue
            old = getattr(paper, name)
            if overwrite or old in (None, "", []):
                if old != new:
                    changes[name] = new
        if changes:
            self.update_paper(paper_id, by_user=False, **changes)
        self._merge_review(paper_id, meta.get("review") or {}, paper.user_fields,
                           replace=set(EXTRACTED_FIELDS) if overwrite else set(changes))

    def _merge_review(self, paper_id: int, reasons: dict, user_fields: list[str], *, replace: set[str]) -> None:
        """Review reasons of freshly extracted fields replace the old ones for those fields;
        fields the user set never need review."""
        with self.transaction() as conn:
            row = conn.execute("SELECT review FROM papers WHERE id = ?", (paper_id,)).fetchone()
            if row is None:
                return
            review = {k: v for k, v in _json_review(row["review"]).items() if k not in replace}
            review.update({k: str(v) for k, v in reasons.items() if k in replace or k not in review})
            review = {k: v for k, v in review.items() if k not in user_fields}
            if review != _json_review(row["review"]):
                conn.execute("UPDATE papers SET review = ? WHERE id = ?", (json.dumps(review), paper_id))

    def set_review(self, paper_id: int, field: str, reason: str | None) -> None:
        """Flag one field for review with a reason, or clear it (reason None)."""
        self.get_paper(paper_id)  # raises NotFound
        self._merge_review(paper_id, {} if reason is None else {field: reason}, [], replace={field})
        self._notify("paper", paper_id)

    def papers_needing_review(self) -> list[Paper]:
        """Papers with at least one extracted field flagged as doubtful, newest first."""
        rows = self._query(self._PAPER_SELECT + " WHERE p.review <> '{}' ORDER BY p.id DESC")
        tags = self._tags_by_paper([r["id"] for r in rows])
        return [self._paper_from_row(r, tags.get(r["id"], [])) for r in rows]

    def set_field(self, paper_id: int, field: str, value: str) -> None:
        """Set one field from text (the CLI `set` command and simple GUI editors).

        Fields: any paper field; `note.problem|method|results|notes`; `tags`
        (comma-separated, replaces); `section` ("Parent/Child", adds)."""
        self.get_paper(paper_id)  # raises NotFound
        if field.startswith("note."):
            part = field[5:]
            if part not in NOTE_FIELDS:
                raise InvalidValue(f"unknown note field {part!r} (use one of {', '.join(NOTE_FIELDS)})")
            self.save_note(paper_id, **{part: value})
        elif field == "tags":
            self.set_tags(paper_id, [t.strip() for t in value.split(",") if t.strip()])
        elif field == "section":
            names = [n.strip() for n in value.split("/") if n.strip()]
            if not names or len(names) > 2:
                raise InvalidValue("section must be 'Name' or 'Parent/Child'")
            section_id = self.ensure_section_path(names)
            self.assign_section(paper_id, section_id)
        elif field in PAPER_FIELDS:
            self.update_paper(paper_id, **{field: value})
        else:
            known = ", ".join([*PAPER_FIELDS, "note.problem", "note.method", "note.results", "note.notes",
                               "tags", "section"])
            raise InvalidValue(f"unknown field {field!r}; fields: {known}")

    def delete_paper(self, paper_id: int) -> None:
        with self.transaction() as conn:
            if conn.execute("DELETE FROM papers WHERE id = ?", (paper_id,)).rowcount == 0:
                raise NotFound(f"no paper with id {paper_id}")
        self.drop_index(paper_id)
        self._notify("deleted", paper_id)

    def find_paper_for_entry(self, *, arxiv_id: str | None = None, doi: str | None = None,
                             title: str | None = None, without_file: bool = False) -> int | None:
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

    # ---------------------------------------------------------------- files
    def file_by_sha(self, sha256: str) -> sqlite3.Row | None:
        rows = self._query("SELECT * FROM files WHERE sha256 = ?", (sha256,))
        return rows[0] if rows else None

    def files_of(self, paper_id: int) -> list[sqlite3.Row]:
        return self._query("SELECT * FROM files WHERE paper_id = ? ORDER BY id", (paper_id,))

    def all_files(self) -> list[sqlite3.Row]:
        return self._query("SELECT * FROM files ORDER BY id")

    def add_file(self, paper_id: int, *, sha256: str, path: str, size: int, pages: int,
                 text_status: str = "ok") -> int:
        status, garbled = _stored_status(text_status)
        with self.transaction() as conn:
            return conn.execute(
                "INSERT INTO files (paper_id, sha256, path, size, pages, text_status, garbled, date_added)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (paper_id, sha256, path, size, pages, status, garbled, now_iso()),
            ).lastrowid

    def relink_file(self, file_id: int, new_path: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE files SET path = ? WHERE id = ?", (new_path, file_id))
        row = self._query("SELECT paper_id FROM files WHERE id = ?", (file_id,))
        self._notify("paper", row[0][0] if row else None)

    def set_text_status(self, paper_id: int, status: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE files SET text_status = ?, garbled = ? WHERE paper_id = ?",
                         (*_stored_status(status), paper_id))

    def current_files(self) -> list[sqlite3.Row]:
        """The file each paper is read from (its newest)."""
        return self._query("SELECT * FROM files WHERE id IN (SELECT max(id) FROM files GROUP BY paper_id)"
                           " ORDER BY id")

    def missing_files(self) -> list[sqlite3.Row]:
        """Current files whose recorded path no longer exists."""
        return [row for row in self.current_files() if not Path(row["path"]).is_file()]

    def create_paper_with_file(self, meta: dict, *, sha256: str, path: str, size: int, pages: int,
                               text_status: str) -> int:
        """A new paper and its file in one transaction (no half-imported paper)."""
        values = self._validate_fields({k: v for k, v in meta.items() if k in EXTRACTED_FIELDS})
        ts = now_iso()
        values.update(date_added=ts, date_modified=ts)
        if meta.get("review"):
            values["review"] = json.dumps({str(k): str(v) for k, v in meta["review"].items()})
        values.setdefault("title", "")
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.transaction() as conn:
            paper_id = conn.execute(f"INSERT INTO papers ({cols}) VALUES ({marks})",
                                    list(values.values())).lastrowid
            conn.execute(
                "INSERT INTO files (paper_id, sha256, path, size, pages, text_status, garbled, date_added)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (paper_id, sha256, path, size, pages, *_stored_status(text_status), ts),
            )
        return paper_id

    # ---------------------------------------------------------------- sections
    def sections(self) -> list[Section]:
        """The section tree: top-level sections with their children, in order."""
        rows = self._query("SELECT id, name, parent_id, position FROM sections ORDER BY position, id")
        nodes = {r["id"]: Section(r["id"], r["name"], r["parent_id"], r["position"]) for r in rows}
        roots: list[Section] = []
        for node in nodes.values():
            if node.parent_id is None:
                roots.append(node)
            elif node.parent_id in nodes:
                nodes[node.parent_id].children.append(node)
        return roots

    def create_section(self, name: str, parent_id: int | None = None) -> int:
        name = textnorm.normalize_space(name)
        if not name:
            raise InvalidValue("a section needs a name")
        with self.transaction() as conn:
            if parent_id is not None:
                parent = conn.execute("SELECT parent_id FROM sections WHERE id = ?", (parent_id,)).fetchone()
                if parent is None:
                    raise NotFound(f"no section with id {parent_id}")
                if parent["parent_id"] is not None:
                    raise InvalidValue("sections have two levels: a subsection cannot have children")
            row = conn.execute("SELECT id FROM sections WHERE ifnull(parent_id, 0) = ? AND name = ?",
                               (parent_id or 0, name)).fetchone()
            if row:
                return row["id"]
            pos = conn.execute("SELECT ifnull(max(position), -1) + 1 FROM sections WHERE ifnull(parent_id, 0) = ?",
                               (parent_id or 0,)).fetchone()[0]
            section_id = conn.execute("INSERT INTO sections (name, parent_id, position) VALUES (?, ?, ?)",
                                      (name, parent_id, pos)).lastrowid
        self._notify("sections", None)
        return section_id

    def ensure_section_path(self, names: list[str]) -> int:
        parent = None
        for name in names:
            parent = self.create_section(name, parent)
        assert parent is not None
        return parent

    def rename_section(self, section_id: int, name: str) -> None:
        name = textnorm.normalize_space(name)
        if not name:
            raise InvalidValue("a section needs a name")
        with self.transaction() as conn:
            conn.execute("UPDATE sections SET name = ? WHERE id = ?", (name, section_id))
        self._notify("sections", None)

    def delete_section(self, section_id: int) -> None:
        """Delete a section (and its subsections); the papers stay in the library."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM sections WHERE id = ?", (section_id,))
        self._notify("sections", None)

    def section_path(self, section_id: int) -> list[str]:
        names: list[str] = []
        current: int | None = section_id
        while current is not None:
            row = self._query("SELECT name, parent_id FROM sections WHERE id = ?", (current,))
            if not row:
                break
            names.insert(0, row[0]["name"])
            current = row[0]["parent_id"]
        return names

    def assign_section(self, paper_id: int, section_id: int) -> None:
        with self.transaction() as conn:
            pos = conn.execute("SELECT ifnull(max(position), -1) + 1 FROM paper_sections WHERE section_id = ?",
                               (section_id,)).fetchone()[0]
            conn.execute("INSERT OR IGNORE INTO paper_sections (paper_id, section_id, position) VALUES (?, ?, ?)",
                         (paper_id, section_id, pos))
        self.refresh_paper_index(paper_id)
        self._notify("sections", paper_id)

    def unassign_section(self, paper_id: int, section_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM paper_sections WHERE paper_id = ? AND section_id = ?", (paper_id, section_id))
        self.refresh_paper_index(paper_id)
        self._notify("sections", paper_id)

    def papers_in_section(self, section_id: int) -> list[Paper]:
        ids = [r[0] for r in self._query(
            "SELECT paper_id FROM paper_sections WHERE section_id = ? ORDER BY position, paper_id", (section_id,))]
        return self.papers_by_ids(ids)

    def unsectioned_paper_ids(self) -> list[int]:
        """Papers in no section, oldest first."""
        return [r[0] for r in self._query(
            "SELECT id FROM papers WHERE id NOT IN (SELECT paper_id FROM paper_sections) ORDER BY date_added, id")]

    def sections_of(self, paper_id: int) -> list[int]:
        return [r[0] for r in self._query(
            "SELECT section_id FROM paper_sections WHERE paper_id = ? ORDER BY section_id", (paper_id,))]

    def placement_entry(self, paper_id: int, section_id: int) -> dict:
        """The list formatting kept for a paper's entry in a section ({} when none)."""
        rows = self._query("SELECT entry FROM paper_sections WHERE paper_id = ? AND section_id = ?",
                           (paper_id, section_id))
        if not rows:
            return {}
        try:
            data = json.loads(rows[0][0] or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def placement_entries(self, section_id: int) -> dict[int, dict]:
        """{paper_id: entry formatting} for every paper in a section."""
        out: dict[int, dict] = {}
        for row in self._query("SELECT paper_id, entry FROM paper_sections WHERE section_id = ?", (section_id,)):
            try:
                data = json.loads(row[1] or "{}")
            except ValueError:
                data = {}
            out[row[0]] = data if isinstance(data, dict) else {}
        return out

    def set_placement_entry(self, paper_id: int, section_id: int, entry: dict) -> None:
        """Store the list formatting of a paper's entry in a section (the paper must be in it)."""
        with self.transaction() as conn:
            cur = conn.execute("UPDATE paper_sections SET entry = ? WHERE paper_id = ? AND section_id = ?",
                               (json.dumps(entry, ensure_ascii=False), paper_id, section_id))
            if cur.rowcount == 0:
                raise NotFound(f"paper {paper_id} is not in section {section_id}")
        self._notify("sections", paper_id)

    def move_in_section(self, paper_id: int, section_id: int, position: int) -> None:
        """Set a paper's position (order) inside a section."""
        with self.transaction() as conn:
            conn.execute("UPDATE paper_sections SET position = ? WHERE paper_id = ? AND section_id = ?",
                         (int(position), paper_id, section_id))
        self._notify("sections", paper_id)

    # ---------------------------------------------------------------- paper lists
    def get_list(self, name: str) -> dict | None:
        """A stored paper list: {"name", "style", "layout", "source", "modified"} or None."""
        rows = self._query("SELECT * FROM lists WHERE name = ?", (name,))
        if not rows:
            return None
        r = rows[0]
        try:
            layout = json.loads(r["layout"])
        except ValueError:
            layout = {}
        return {"name": r["name"], "style": r["style"], "layout": layout if isinstance(layout, dict) else {},
                "source": r["source"], "modified": r["modified"]}

    def list_names(self) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM lists ORDER BY name")]

    def save_list(self, name: str, style: str, layout: dict, source: str = "") -> None:
        name = textnorm.normalize_space(name)
        if not name:
            raise InvalidValue("a paper list needs a name")
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO lists (name, style, layout, source, modified) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET style = excluded.style, layout = excluded.layout,"
                " source = excluded.source, modified = excluded.modified",
                (name, style, json.dumps(layout, ensure_ascii=False), source, now_iso()))
        self._notify("sections", None)

    def delete_list(self, name: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM lists WHERE name = ?", (name,))
        self._notify("sections", None)

    # ---------------------------------------------------------------- tags
    def tags(self) -> list[tuple[str, int]]:
        """All tags with the number of papers carrying each."""
        return [(r[0], r[1]) for r in self._query(
            "SELECT t.name, count(pt.paper_id) FROM tags t LEFT JOIN paper_tags pt ON pt.tag_id = t.id"
            " GROUP BY t.id ORDER BY t.name COLLATE NOCASE")]

    def set_tags(self, paper_id: int, names: Iterable[str]) -> None:
        names = list(dict.fromkeys(textnorm.normalize_space(n) for n in names if n and n.strip()))
        with self.transaction() as conn:
            conn.execute("DELETE FROM paper_tags WHERE paper_id = ?", (paper_id,))
            for name in names:
                conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
                conn.execute("INSERT OR IGNORE INTO paper_tags (paper_id, tag_id)"
                             " SELECT ?, id FROM tags WHERE name = ? COLLATE NOCASE", (paper_id, name))
            conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")
        self.refresh_paper_index(paper_id)
        self._notify("tags", paper_id)

    def add_tag(self, paper_id: int, name: str) -> None:
        with self.transaction():  # read and write in one transaction: no tag added elsewhere is lost
            self.set_tags(paper_id, [*self.get_paper(paper_id).tags, name])

    # ---------------------------------------------------------------- highlights
    def _highlight_from_row(self, r: sqlite3.Row) -> Highlight:
        return Highlight(id=r["id"], paper_id=r["paper_id"], page=r["page"], quads=_json_list(r["quads"]),
                         text=r["text"], color=r["color"], kind=r["kind"], comment=r["comment"],
                         created=r["created"], modified=r["modified"])

    def highlights(self, paper_id: int) -> list[Highlight]:
        rows = self._query("SELECT * FROM highlights WHERE paper_id = ? ORDER BY page, id", (paper_id,))
        return [self._highlight_from_row(r) for r in rows]

    def get_highlight(self, highlight_id: int) -> Highlight:
        rows = self._query("SELECT * FROM highlights WHERE id = ?", (highlight_id,))
        if not rows:
            raise NotFound(f"no highlight with id {highlight_id}")
        return self._highlight_from_row(rows[0])

    def add_highlight(self, h: Highlight) -> int:
        """Store a highlight at once; returns its id. Passing a highlight with an id
        (from :meth:`delete_highlight`) restores it with that id (undo)."""
        if h.kind not in HIGHLIGHT_KINDS:
            raise InvalidValue(f"highlight kind must be one of {', '.join(HIGHLIGHT_KINDS)}")
        quads = [[float(v) for v in q] for q in h.quads]
        if any(len(q) != 8 for q in quads):
            raise InvalidValue("each quad needs 8 numbers")
        ts = now_iso()
        with self.transaction() as conn:
            hid = conn.execute(
                "INSERT INTO highlights (id, paper_id, page, quads, text, color, kind, comment, created, modified)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (h.id, h.paper_id, h.page, json.dumps(quads), textnorm.clean(h.text), h.color, h.kind,
                 h.comment, h.created or ts, ts),
            ).lastrowid
        self.refresh_paper_index(h.paper_id)
        self._notify("highlight", h.paper_id)
        return hid

    def update_highlight(self, highlight_id: int, *, comment: str | None = None, color: str | None = None,
                         kind: str | None = None) -> None:
        h = self.get_highlight(highlight_id)
        if kind is not None and kind not in HIGHLIGHT_KINDS:
            raise InvalidValue(f"highlight kind must be one of {', '.join(HIGHLIGHT_KINDS)}")
        with self.transaction() as conn:
            # unchanged attributes keep the stored value (another process may have changed them)
            conn.execute(
                "UPDATE highlights SET comment = coalesce(?, comment), color = coalesce(?, color),"
                " kind = coalesce(?, kind), modified = ? WHERE id = ?",
                (comment, color or None, kind or None, now_iso(), highlight_id),
            )
        self.refresh_paper_index(h.paper_id)
        self._notify("highlight", h.paper_id)

    def move_highlight(self, highlight_id: int, page: int, quads: list[list[float]]) -> None:
        """Re-anchor a highlight (same text, new place), e.g. on a replaced file."""
        h = self.get_highlight(highlight_id)
        with self.transaction() as conn:
            conn.execute("UPDATE highlights SET page = ?, quads = ?, modified = ? WHERE id = ?",
                         (page, json.dumps([[float(v) for v in q] for q in quads]), now_iso(), highlight_id))
        self._notify("highlight", h.paper_id)

    def delete_highlight(self, highlight_id: int) -> Highlight:
        """Delete and return the highlight, so the caller can undo with add_highlight."""
        h = self.get_highlight(highlight_id)
        with self.transaction() as conn:
            conn.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))
        self.refresh_paper_index(h.paper_id)
        self._notify("highlight", h.paper_id)
        return h

    # ---------------------------------------------------------------- notes
    def get_note(self, paper_id: int) -> Note:
        rows = self._query("SELECT * FROM notes WHERE paper_id = ?", (paper_id,))
        if not rows:
            return Note(paper_id=paper_id)
        r = rows[0]
        return Note(paper_id=paper_id, problem=r["problem"], method=r["method"], results=r["results"],
                    notes=r["notes"], modified=r["modified"])

    def save_note(self, paper_id: int, **fields: str) -> Note:
        """Write some note fields (others are kept); commits at once."""
        bad = set(fields) - set(NOTE_FIELDS)
        if bad:
            raise InvalidValue(f"unknown note field {sorted(bad)[0]!r}")
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
                raise NotFound(f"no paper with id {paper_id}")
            # read inside the write transaction: another process may have just
            # saved other fields of this note, and those must not be overwritten
            note = self.get_note(paper_id)
            for k, v in fields.items():
                setattr(note, k, textnorm.clean(str(v)) if v is not None else "")
            note.modified = now_iso()
            conn.execute(
                "INSERT INTO notes (paper_id, problem, method, results, notes, modified) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (paper_id) DO UPDATE SET problem = excluded.problem, method = excluded.method,"
                " results = excluded.results, notes = excluded.notes, modified = excluded.modified",
                (paper_id, note.problem, note.method, note.results, note.notes, note.modified),
            )
        self.refresh_paper_index(paper_id)
        self._notify("note", paper_id)
        return note

    # ---------------------------------------------------------------- links
    def links(self, paper_id: int) -> list[Link]:
        rows = self._query("SELECT * FROM links WHERE paper_id = ? ORDER BY position, id", (paper_id,))
        return [Link(id=r["id"], paper_id=r["paper_id"], kind=r["kind"], url=r["url"], label=r["label"],
                     position=r["position"]) for r in rows]

    def add_link(self, paper_id: int, kind: str, url: str, label: str = "") -> int:
        if kind not in LINK_KINDS:
            raise InvalidValue(f"link kind must be one of {', '.join(LINK_KINDS)}")
        if not url.strip():
            raise InvalidValue("a link needs a URL")
        with self.transaction() as conn:
            pos = conn.execute("SELECT ifnull(max(position), -1) + 1 FROM links WHERE paper_id = ?",
                               (paper_id,)).fetchone()[0]
            link_id = conn.execute("INSERT INTO links (paper_id, kind, label, url, position) VALUES (?, ?, ?, ?, ?)",
                                   (paper_id, kind, label, url.strip(), pos)).lastrowid
        self._notify("paper", paper_id)
        return link_id

    def delete_link(self, link_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM links WHERE id = ?", (link_id,))

    # ---------------------------------------------------------------- settings
    def get_setting(self, key: str, default=None):
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set_setting(self, key: str, value) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)"
                         " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, json.dumps(value)))

    # ---------------------------------------------------------------- derived index
    @contextmanager
    def index_transaction(self) -> Iterator[sqlite3.Connection]:
        with self.transaction(self.idx) as conn:
            yield conn

    def refresh_paper_index(self, paper_id: int) -> None:
        """Rewrite the paper's own FTS row (title, metadata, what the user wrote)."""
        with self.lock:
            rows = self._query("SELECT * FROM papers WHERE id = ?", (paper_id,))
            if not rows:
                return
            p = rows[0]
            tags = self._tags_by_paper([paper_id]).get(paper_id, [])
            sections = [" / ".join(self.section_path(s)) for s in self.sections_of(paper_id)]
            note = self.get_note(paper_id)
            hl = self._query("SELECT text, comment FROM highlights WHERE paper_id = ?", (paper_id,))
            meta = " ".join(filter(None, [
                " ; ".join(_json_list(p["authors"])), p["venue"], str(p["year"] or ""), p["arxiv_id"], p["doi"],
                p["model_name"], " ".join(tags), " ; ".join(sections),
            ]))
            annot = "\n".join(filter(None, [
                p["summary"], note.problem, note.method, note.results, note.notes,
                *(f"{r['text']} {r['comment']}" for r in hl),
            ]))
            with self.index_transaction() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO search_fts (rowid, title, meta, annot, body) VALUES (?, ?, ?, ?, '')",
                    (paper_id * PAGE_STRIDE, textnorm.to_index(p["title"]), textnorm.to_index(meta),
                     textnorm.to_index(annot)),
                )

    def store_pages(self, paper_id: int, sha256: str, pages: list[str], text_status: str) -> None:
        """Replace the indexed page text of a paper (in batches; the marker row last)."""
        base = paper_id * PAGE_STRIDE
        pages = pages[:MAX_PAGES_INDEXED]
        with self.index_transaction() as conn:
            conn.execute("DELETE FROM indexed_files WHERE paper_id = ?", (paper_id,))
            conn.execute("DELETE FROM search_fts WHERE rowid BETWEEN ? AND ?", (base + 1, base + MAX_PAGES_INDEXED))
        for start in range(0, len(pages), FTS_INSERT_BATCH):
            batch = pages[start:start + FTS_INSERT_BATCH]
            with self.index_transaction() as conn:
                conn.executemany(
                    "INSERT INTO search_fts (rowid, title, meta, annot, body) VALUES (?, '', '', '', ?)",
                    [(base + start + i + 1, textnorm.to_index(text)) for i, text in enumerate(batch) if text.strip()],
                )
        with self.index_transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO indexed_files (paper_id, sha256, pages, text_status, indexed_at)"
                " VALUES (?, ?, ?, ?, ?)", (paper_id, sha256, len(pages), text_status, now_iso()))
        self.refresh_paper_index(paper_id)
        self._notify("text", paper_id)

    def drop_index(self, paper_id: int) -> None:
        base = paper_id * PAGE_STRIDE
        with self.index_transaction() as conn:
            conn.execute("DELETE FROM search_fts WHERE rowid BETWEEN ? AND ?", (base, base + MAX_PAGES_INDEXED))
            conn.execute("DELETE FROM indexed_files WHERE paper_id = ?", (paper_id,))

    def page_text(self, paper_id: int, page: int) -> str:
        """Indexed text of a 1-based page ('' when not indexed)."""
        with self.lock:
            row = self.idx.execute("SELECT body FROM search_fts WHERE rowid = ?",
                                   (paper_id * PAGE_STRIDE + page,)).fetchone()
        return textnorm.from_index(row[0]) if row else ""

    def pages_text(self, paper_id: int) -> list[tuple[int, str]]:
        base = paper_id * PAGE_STRIDE
        with self.lock:
            rows = self.idx.execute("SELECT rowid, body FROM search_fts WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                                    (base + 1, base + MAX_PAGES_INDEXED)).fetchall()
        return [(r[0] - base, textnorm.from_index(r[1])) for r in rows]

    def index_paper_ids(self) -> set[int]:
        """Papers that have any row in the derived index."""
        with self.lock:
            ids = {r[0] for r in self.idx.execute("SELECT paper_id FROM indexed_files")}
            ids |= {r[0] // PAGE_STRIDE for r in self.idx.execute("SELECT rowid FROM search_fts")}
        return ids

    def papers_with_index_row(self) -> set[int]:
        """Papers whose own FTS row (title, notes, highlights) exists."""
        with self.lock:
            return {r[0] // PAGE_STRIDE for r in self.idx.execute(
                f"SELECT rowid FROM search_fts WHERE rowid % {PAGE_STRIDE} = 0")}

    def unindexed_papers(self) -> list[int]:
        """Papers with a file whose text is not (or not fully) in the index."""
        with self.lock:
            indexed = {r[0]: r[1] for r in self.idx.execute("SELECT paper_id, sha256 FROM indexed_files")}
        out = []
        for row in self._query("SELECT paper_id, sha256 FROM files WHERE id IN (SELECT max(id) FROM files GROUP BY paper_id)"):
            if indexed.get(row[0]) != row[1]:
                out.append(row[0])
        return out

    # ---------------------------------------------------------------- search
    def search(self, query: str, *, limit: int = 20, paper_id: int | None = None):
        """Keyword search (FTS5); see :mod:`readerapp.core.search`."""
        from readerapp.core.search import keyword_search

        return keyword_search(self, query, limit=limit, paper_id=paper_id)

    # ---------------------------------------------------------------- backups
    def backup_to(self, dest: str | Path) -> Path:
        """A consistent copy of the user library (SQLite backup API)."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        with self.lock:
            target = sqlite3.connect(str(tmp))
            try:
                self.conn.backup(target)
            finally:
                target.close()
        tmp.replace(dest)
        return dest

    def _backup_before_upgrade(self, old_version: int) -> None:
        dest = self.folder / "backups" / f"library-schema{old_version}-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
        dest.parent.mkdir(parents=True, exist_ok=True)
        self.conn.execute("PRAGMA wal_checkpoint(FULL)")
        target = sqlite3.connect(str(dest))
        try:
            self.conn.backup(target)
        finally:
            target.close()
        log.info("backed up library before upgrade to %s", dest)


def _disk_full(folder: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(folder).free < 256 * 1024
    except OSError:
        return False


def _storage_error(exc: sqlite3.OperationalError, folder: Path) -> Exception:
    """SQLite's low-level failures as one clear sentence; the change was rolled back."""
    text = str(exc).lower()
    if "full" in text and not _disk_full(folder):  # the disk has room: SQLite's own size cap (max_page_count)
        return LibraryError(f"the library database in {folder} reached its size limit: the change was not "
                            "saved (nothing already saved was lost)")
    if "full" in text:
        return LibraryError(f"the disk holding {folder} is full: the change was not saved "
                            "(nothing already saved was lost); free some space and try again")
    if "readonly" in text or "read-only" in text:
        return LibraryError(f"the library {folder} is read-only: the change was not saved")
    if "locked" in text or "busy" in text:
        return LibraryError(f"the library {folder} stayed busy (another readerapp is writing): "
                            "the change was not saved; try again")
    return LibraryError(f"the library {folder} could not save the change: {exc}")


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

