"""Helpers shared by the reliability tests (tests/test_reliability_*.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from readerapp.core import db


def integrity_ok(folder: Path) -> bool:
    """PRAGMA integrity_check is 'ok' on both files of the library in `folder`."""
    for name in (db.LIBRARY_FILE, db.INDEX_FILE):
        conn = sqlite3.connect(Path(folder) / name)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return False
        finally:
            conn.close()
    return True


def user_data(lib) -> dict:
    """Everything a user made, as plain data, to compare before and after a fault."""
    out = {}
    for pid in lib.all_paper_ids():
        p = lib.get_paper(pid)
        out[pid] = {
            "paper": {k: getattr(p, k) for k in ("title", "authors", "year", "venue", "status", "summary",
                                                 "user_fields", "tags")},
            "note": {k: getattr(lib.get_note(pid), k) for k in ("problem", "method", "results", "notes")},
            "highlights": [(h.id, h.page, h.text, h.comment, h.color, h.kind) for h in lib.highlights(pid)],
            "links": [(link.kind, link.url, link.label) for link in lib.links(pid)],
            "sections": [lib.section_path(s) for s in lib.sections_of(pid)],
        }
    return out
