"""readerapp: read, annotate, search and list research papers, offline."""

__version__ = "0.1.0"
