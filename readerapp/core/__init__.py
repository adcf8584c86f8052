"""The Qt-free core of readerapp: domain, storage, import, search and export.

Nothing in this package may import Qt (a test and an import-linter contract
enforce it); the GUI and the CLI both go through :class:`readerapp.core.library.Library`.
"""
