"""Export: paper lists in the user's style (Jinja2 templates), in-place README
updates, per-paper note pages, BibTeX and annotated PDF copies. No Qt here."""
