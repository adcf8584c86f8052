"""Exceptions the core raises with a message fit to show a user as one line."""


class ReaderError(Exception):
    """Base class: str(exc) is a complete one-line message for the user."""


class LibraryError(ReaderError):
    pass


class LibraryTooNew(LibraryError):
    pass


class LibraryLocked(LibraryError):
    pass


class NotFound(ReaderError):
    pass


class InvalidValue(ReaderError):
    pass


class LibraryDamaged(LibraryError):
    """The user library file is damaged, empty or missing: nothing is written, backups are kept."""
