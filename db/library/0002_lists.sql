-- readerapp user library, schema 2: paper lists.
-- A paper list (a README the user publishes) keeps what the library cannot
-- derive from papers: the text around the entries (preamble, per-section text,
-- table headers, heading levels) and, per entry, the formatting the user chose
-- where it differs from the style's default (a code link labelled "MiniGPT-4",
-- a venue cell "arXiv 2023<br>复旦"). Both are the user's own text: backed up.

CREATE TABLE lists (
    name     TEXT PRIMARY KEY CHECK (name <> ''),
    style    TEXT NOT NULL,
    -- JSON: {"preamble", "postamble", "sections": [{"path": [..], "level", "heading", "before",
    --        "columns": [[label, role], ..]}], "levels": [top, sub]}
    layout   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(layout)),
    source   TEXT NOT NULL DEFAULT '',
    modified TEXT NOT NULL
);

-- Per placement of a paper in a section: the entry's own formatting, as
-- {"parts": {part: {"raw": text, "fp": fingerprint of the fields it shows}}, "after": text}.
-- A part is used only while the paper's fields still match its fingerprint,
-- so a later edit of the paper always shows.
ALTER TABLE paper_sections ADD COLUMN entry TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(entry));
