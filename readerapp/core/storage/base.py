"""Shared pieces of the managers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from readerapp.core.library import Library


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def json_list(value: str | None) -> list:
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return []
    return data if isinstance(data, list) else []


def json_dict(value: str | None) -> dict:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class Manager:
    """One part of the library (papers, notes, ...). Reads through the calling
    thread's read connection; writes only inside ``self.op()``."""

    def __init__(self, library: "Library"):
        self.lib = library
        self._db = library.db

    def op(self):
        return self._db.op()

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        return self._db.query(sql, params)
