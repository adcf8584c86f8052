"""Checks of values a user sets on a paper (CLI `set`, GUI editors), as one-line errors.

The library's own validation handles types (years, statuses); these are the
rules about meaning: a title is never empty, a date is a real calendar date.
"""

from __future__ import annotations

from datetime import date, datetime

from readerapp.core.errors import InvalidValue

DATE_FIELDS = ("date_read",)


def parse_date(text: str) -> str:
    """An ISO date ("2024-05-01") or date and time ("2024-05-01T10:00:00+00:00"), normalised; else InvalidValue."""
    value = text.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat(timespec="seconds")
    except ValueError:
        raise InvalidValue(f"not a date: {value[:40]!r} (write it as YYYY-MM-DD)") from None


def check_paper_value(field: str, value: str) -> str:
    """The value to store for `field`, or InvalidValue with the reason."""
    if field == "title":
        if not value.strip():
            raise InvalidValue("a title cannot be empty")
        return value
    if field in DATE_FIELDS:
        if not value.strip():
            return ""  # clears the date
        return parse_date(value)
    return value
