"""The library: the one API the CLI and the GUI use to read and change data.

A small facade over the storage package (:mod:`readerapp.core.storage`):

* managers that read like the domain: ``lib.papers``, ``lib.files``,
  ``lib.sections``, ``lib.tags``, ``lib.highlights``, ``lib.notes``,
  ``lib.links``, ``lib.lists``, ``lib.settings``;
* ``lib.db`` (library.sqlite3, what users make): every change is an operation
  (``lib.op()``), one short write transaction on one writer; reads use a read
  connection per thread and never wait for a writer;
* ``lib.index`` (:class:`IndexStore`, index.sqlite3, derived): its own writer
  and lock, so long index work never holds the lock user writes need; it
  heals itself when the file is damaged.

After an operation commits, ``publish`` refreshes the index for exactly the
touched papers and then tells the listeners, once, in one place.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from readerapp.core import db
from readerapp.core.errors import LibraryError
from readerapp.core.storage.annotations import HighlightManager, LinkManager, NoteManager, SettingsManager
from readerapp.core.storage.base import now_iso  # noqa: F401  (re-exported: older imports)
from readerapp.core.storage.changes import ChangeKind, OpChanges
from readerapp.core.storage.index_store import IndexStore
from readerapp.core.storage.ops import Checkpointer, Database, Op, disk_full
from readerapp.core.storage.organize import ListManager, SectionManager, TagManager
from readerapp.core.storage.papers import FileManager, PaperManager, parse_authors  # noqa: F401

log = logging.getLogger(__name__)

PAGE_STRIDE = db.PAGE_STRIDE
MAX_PAGES_INDEXED = PAGE_STRIDE - 1

ChangeListener = Callable[[ChangeKind, int | None], None]
ChangesListener = Callable[[OpChanges], None]

LOCK_FILE = ".readerapp.lock"


def _hold_shared_lock(path: Path):
    """Every open Library holds a shared lock on the folder's lock file, so that
    restore (which needs the library to itself) can tell whether it is in use.
    Several readerapp processes may share a library; SQLite keeps their writes safe.
    Waits a few seconds at most for an exclusive holder (a restore), then raises
    LibraryLocked naming its pid (see core.locking)."""
    from readerapp.core import locking

    return locking.acquire(path, exclusive=False)


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
        self._listeners: list[ChangeListener] = []
        self._changes_listeners: list[ChangesListener] = []
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
        writer = None
        library_ready = False
        try:
            writer = db.connect(self.lib_path, synchronous="FULL")
            self.db = Database(self.lib_path, self.folder, writer)
            db.migrate(writer, "library", label=f"library {self.lib_path}",
                       before_upgrade=(self._backup_before_upgrade if backup_on_upgrade else None))
            library_ready = True
            self.papers = PaperManager(self)
            self.index = IndexStore(self.idx_path, self.folder, self.papers.index_rows)
        except BaseException as exc:
            if writer is not None:
                writer.close()
            if self._lock_file is not None:
                self._lock_file.close()
            if isinstance(exc, sqlite3.DatabaseError):
                if disk_full(self.folder):  # SQLite says "disk I/O error" when it cannot create the -shm file
                    raise LibraryError(f"the disk holding {self.folder} is full: readerapp cannot open the library "
                                       "(nothing was changed); free some space and try again") from exc
                if not library_ready:  # the user library itself, not the derived index
                    from readerapp.core.recovery import open_failure

                    raise open_failure(self.folder, exc) from exc
                raise LibraryError(f"cannot open library {self.folder}: {exc}") from exc
            raise
        self.db.on_commit = self.publish
        writer.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints run in the background thread
        self._checkpointer = Checkpointer([self.lib_path, self.idx_path])
        self.files = FileManager(self)
        self.sections = SectionManager(self)
        self.tags = TagManager(self)
        self.lists = ListManager(self)
        self.highlights = HighlightManager(self)
        self.notes = NoteManager(self)
        self.links = LinkManager(self)
        self.settings = SettingsManager(self)
        self.closed = False
        self._rebuild: threading.Thread | None = None
        self.index.on_heal = lambda: self.publish_index_change(ChangeKind.INDEX, None)
        if self.index.rebuild_needed:  # healed while opening: titles and notes are searchable at once
            self.index.refresh_own_rows(None)

    # ---------------------------------------------------------------- basics
    @property
    def conn(self) -> sqlite3.Connection:
        """The user library's writer connection (tests and tools; code changes data through operations)."""
        return self.db.writer

    @property
    def idx(self) -> sqlite3.Connection:
        """The index's writer connection (tests and tools; code goes through ``lib.index``)."""
        return self.index.writer

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._checkpointer.close()
        self.index.close()
        self.db.close()
        if self._lock_file is not None:
            self._lock_file.close()  # releases the shared lock

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---------------------------------------------------------------- operations and changes
    def op(self):
        """A unit of work on the user library (see :mod:`readerapp.core.storage.ops`)."""
        return self.db.op()

    def add_listener(self, callback: ChangeListener) -> None:
        """Called after a change commits, once per (kind, paper_id) of the operation;
        kind is a :class:`ChangeKind`."""
        self._listeners.append(callback)

    def remove_listener(self, callback: ChangeListener) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def add_changes_listener(self, callback: ChangesListener) -> None:
        """Called once per committed operation with its :class:`OpChanges`."""
        self._changes_listeners.append(callback)

    def remove_changes_listener(self, callback: ChangesListener) -> None:
        if callback in self._changes_listeners:
            self._changes_listeners.remove(callback)

    def publish(self, changes: OpChanges) -> None:
        """The one place a committed change goes: the derived index for exactly the
        touched papers first, then the listeners. Never raises: the change is saved."""
        try:
            self.index.apply(changes)
        except Exception:
            log.exception("the search index could not follow a saved change; the start-up repair mends it")
        for cb in list(self._listeners):
            for kind, paper_id in changes.events:
                try:
                    cb(kind, paper_id)
                except Exception:  # a listener never breaks a committed change
                    log.exception("change listener failed")
        for cb in list(self._changes_listeners):
            try:
                cb(changes)
            except Exception:
                log.exception("change listener failed")

    def publish_index_change(self, kind: ChangeKind, paper_id: int | None) -> None:
        """A change of derived data only (new page text): published like an operation."""
        changes = OpChanges()
        changes.add(kind, paper_id)
        self.publish(changes)

    def rebuild_index(self):
        """Rewrite every paper's own row and re-extract the page text that is missing
        (after the index was healed or deleted). Long: see rebuild_index_in_background."""
        from readerapp.core.maintenance import repair

        report = repair(self, reextract=True, refresh_all=True)
        self.index.rebuild_needed = False
        return report

    def rebuild_index_in_background(self) -> threading.Thread:
        """rebuild_index in a worker thread (one at a time); the GUI starts it when
        told ChangeKind.INDEX, the start-up maintenance and `readerapp reindex` do the
        same work in their own way. Papers, notes and keyword search of titles and
        notes keep working meanwhile."""
        if self._rebuild is not None and self._rebuild.is_alive():
            return self._rebuild

        def run() -> None:
            try:
                report = self.rebuild_index()
                log.info("search index rebuilt: %s", report)
            except Exception:
                log.exception("rebuilding the search index failed; `readerapp reindex` retries it")

        self._rebuild = threading.Thread(target=run, name="readerapp-index-rebuild", daemon=True)
        self._rebuild.start()
        return self._rebuild

    # ---------------------------------------------------------------- backups
    def backup_to(self, dest: str | Path) -> Path:
        """A consistent copy of the user library (SQLite backup API, from a read connection)."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        target = sqlite3.connect(str(tmp))
        try:
            self.db.readers.get().backup(target)
        finally:
            target.close()
        tmp.replace(dest)
        return dest

    def copy_into(self, target: sqlite3.Connection) -> None:
        """A consistent copy of the user library into `target` (SQLite's backup API from this
        thread's read connection: a WAL snapshot, so writers are never blocked)."""
        self.db.readers.get().backup(target)

    def _backup_before_upgrade(self, old_version: int) -> None:
        """Runs inside the migration's exclusive transaction (so once, however many
        processes open the old library at once). It copies through a second
        connection: in WAL mode a reader is not blocked by that transaction."""
        dest = self.folder / "backups" / f"library-schema{old_version}-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
        dest.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(str(self.lib_path), timeout=db.BUSY_TIMEOUT_MS / 1000)
        target = sqlite3.connect(str(dest))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        log.info("backed up library before upgrade to %s", dest)

    # ================================================================ compat
    # compat: removed once all callers use the managers. One-line delegations,
    # kept while other branches written against these names land.
    def transaction(self, conn: sqlite3.Connection | None = None):
        return self.index.write() if conn is not None and conn is self.index.writer else _op_conn(self.db.op())
    def index_transaction(self): return self.index.write()  # noqa: E301,E704
    lock = property(lambda self: self.db.lock)  # the user-library write lock
    def get_paper(self, paper_id): return self.papers.get(paper_id)  # noqa: E704
    def papers_by_ids(self, ids): return self.papers.by_ids(ids)  # noqa: E704
    def list_papers(self, **kw): return self.papers.list(**kw)  # noqa: E704
    def all_paper_ids(self): return self.papers.all_ids()  # noqa: E704
    def count_papers(self): return self.papers.count()  # noqa: E704
    def add_paper(self, **kw): return self.papers.add(**kw)  # noqa: E704
    def update_paper(self, paper_id, **kw): return self.papers.update(paper_id, **kw)  # noqa: E704
    def apply_extracted_metadata(self, paper_id, meta, **kw): return self.papers.apply_extracted_metadata(paper_id, meta, **kw)  # noqa: E501,E704
    def set_field(self, paper_id, field, value): return self.papers.set_field(paper_id, field, value)  # noqa: E704
    def delete_paper(self, paper_id): return self.papers.delete(paper_id)  # noqa: E704
    def papers_needing_review(self): return self.papers.needing_review()  # noqa: E704
    def set_review(self, paper_id, field, reason): return self.papers.set_review(paper_id, field, reason)  # noqa: E704
    def find_paper_for_entry(self, **kw): return self.papers.find_for_entry(**kw)  # noqa: E704
    def create_paper_with_file(self, meta, **kw): return self.papers.create_with_file(meta, **kw)  # noqa: E704
    def store_pages(self, *a): return self.papers.store_pages(*a)  # noqa: E704
    def unindexed_papers(self): return self.papers.unindexed()  # noqa: E704
    def file_by_sha(self, sha256): return self.files.by_sha(sha256)  # noqa: E704
    def files_of(self, paper_id): return self.files.of(paper_id)  # noqa: E704
    def all_files(self): return self.files.all()  # noqa: E704
    def current_files(self): return self.files.current()  # noqa: E704
    def missing_files(self): return self.files.missing()  # noqa: E704
    def add_file(self, paper_id, **kw): return self.files.add(paper_id, **kw)  # noqa: E704
    def relink_file(self, file_id, new_path): return self.files.relink(file_id, new_path)  # noqa: E704
    def set_text_status(self, paper_id, status): return self.files.set_text_status(paper_id, status)  # noqa: E704
    def create_section(self, name, parent_id=None): return self.sections.create(name, parent_id)  # noqa: E704
    def ensure_section_path(self, names): return self.sections.ensure_path(names)  # noqa: E704
    def rename_section(self, section_id, name): return self.sections.rename(section_id, name)  # noqa: E704
    def delete_section(self, section_id): return self.sections.delete(section_id)  # noqa: E704
    def section_path(self, section_id): return self.sections.path(section_id)  # noqa: E704
    def assign_section(self, paper_id, section_id): return self.sections.assign(paper_id, section_id)  # noqa: E704
    def unassign_section(self, paper_id, section_id): return self.sections.unassign(paper_id, section_id)  # noqa: E704
    def papers_in_section(self, section_id): return self.sections.papers_in(section_id)  # noqa: E704
    def unsectioned_paper_ids(self): return self.sections.unsectioned_paper_ids()  # noqa: E704
    def sections_of(self, paper_id): return self.sections.of(paper_id)  # noqa: E704
    def placement_entry(self, paper_id, section_id): return self.sections.placement_entry(paper_id, section_id)  # noqa: E704
    def placement_entries(self, section_id): return self.sections.placement_entries(section_id)  # noqa: E704
    def set_placement_entry(self, paper_id, section_id, entry): return self.sections.set_placement_entry(paper_id, section_id, entry)  # noqa: E501,E704
    def move_in_section(self, paper_id, section_id, position): return self.sections.move(paper_id, section_id, position)  # noqa: E501,E704
    def get_list(self, name): return self.lists.get(name)  # noqa: E704
    def list_names(self): return self.lists.names()  # noqa: E704
    def save_list(self, name, style, layout, source=""): return self.lists.save(name, style, layout, source)  # noqa: E704
    def delete_list(self, name): return self.lists.delete(name)  # noqa: E704
    def set_tags(self, paper_id, names): return self.tags.set(paper_id, names)  # noqa: E704
    def add_tag(self, paper_id, name): return self.tags.add(paper_id, name)  # noqa: E704
    def get_highlight(self, highlight_id): return self.highlights.get(highlight_id)  # noqa: E704
    def add_highlight(self, h): return self.highlights.add(h)  # noqa: E704
    def update_highlight(self, highlight_id, **kw): return self.highlights.update(highlight_id, **kw)  # noqa: E704
    def move_highlight(self, highlight_id, page, quads): return self.highlights.move(highlight_id, page, quads)  # noqa: E704
    def delete_highlight(self, highlight_id): return self.highlights.delete(highlight_id)  # noqa: E704
    def get_note(self, paper_id): return self.notes.get(paper_id)  # noqa: E704
    def save_note(self, paper_id, **fields): return self.notes.save(paper_id, **fields)  # noqa: E704
    def add_link(self, paper_id, kind, url, label=""): return self.links.add(paper_id, kind, url, label)  # noqa: E704
    def delete_link(self, link_id): return self.links.delete(link_id)  # noqa: E704
    def get_setting(self, key, default=None): return self.settings.get(key, default)  # noqa: E704
    def set_setting(self, key, value): return self.settings.set(key, value)  # noqa: E704
    def refresh_paper_index(self, paper_id): return self.index.refresh_own_rows([paper_id])  # noqa: E704
    def drop_index(self, paper_id): return self.index.drop_paper(paper_id)  # noqa: E704
    def page_text(self, paper_id, page): return self.index.page_text(paper_id, page)  # noqa: E704
    def pages_text(self, paper_id): return self.index.pages_text(paper_id)  # noqa: E704
    def index_paper_ids(self): return self.index.indexed_paper_ids()  # noqa: E704
    def papers_with_index_row(self): return self.index.papers_with_own_row()  # noqa: E704
    def index_readers(self, n): return self.index.shard_readers(n)  # noqa: E704
    # ================================================================ end compat

    def search(self, query: str, *, limit: int = 20, paper_id: int | None = None):
        """Keyword search (FTS5); see :mod:`readerapp.core.search`."""
        from readerapp.core.search import keyword_search

        return keyword_search(self, query, limit=limit, paper_id=paper_id)


@contextmanager
def _op_conn(op_cm) -> Iterator[sqlite3.Connection]:
    with op_cm as op:
        yield op.conn


__all__ = ["Library", "ChangeKind", "OpChanges", "Op", "parse_authors", "now_iso"]
