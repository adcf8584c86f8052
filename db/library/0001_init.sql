-- readerapp user library, schema 1.
-- Everything here is made by the user (or imported once) and cannot be rebuilt
-- from the PDFs: it is what backups copy. Derived data lives in index.sqlite3.

CREATE TABLE papers (
    id            INTEGER PRIMARY KEY,
    title         TEXT    NOT NULL DEFAULT '',
    authors       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(authors)),
    year          INTEGER,
    venue         TEXT,
    arxiv_id      TEXT,
    doi           TEXT,
    url           TEXT,
    code_url      TEXT,
    model_name    TEXT,
    summary       TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'to-read'
                  CHECK (status IN ('to-read', 'reading', 'read')),
    date_added    TEXT    NOT NULL,
    date_read     TEXT,
    date_modified TEXT    NOT NULL,
    -- JSON list of field names the user set by hand: re-extraction never overwrites them.
    user_fields   TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(user_fields))
);
CREATE INDEX papers_arxiv ON papers (arxiv_id) WHERE arxiv_id IS NOT NULL;
CREATE INDEX papers_doi   ON papers (doi)      WHERE doi IS NOT NULL;
CREATE INDEX papers_year  ON papers (year);

-- A PDF belongs to one paper; the paper keeps its identity through the file's bytes.
CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    paper_id    INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    sha256      TEXT    NOT NULL UNIQUE,
    path        TEXT    NOT NULL,
    size        INTEGER NOT NULL DEFAULT 0,
    pages       INTEGER NOT NULL DEFAULT 0,
    -- 'ok': text layer present; 'no-text': no text layer (scanned); 'ocr': text came from OCR
    text_status TEXT    NOT NULL DEFAULT 'ok' CHECK (text_status IN ('ok', 'no-text', 'ocr')),
    date_added  TEXT    NOT NULL
);
CREATE INDEX files_paper ON files (paper_id);
CREATE INDEX files_path  ON files (path);

-- Two-level sections (a section with parent_id NULL is a top-level heading).
CREATE TABLE sections (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES sections (id) ON DELETE CASCADE,
    name      TEXT    NOT NULL CHECK (name <> ''),
    position  INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX sections_name ON sections (ifnull(parent_id, 0), name);

CREATE TABLE paper_sections (
    paper_id   INTEGER NOT NULL REFERENCES papers (id)   ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (paper_id, section_id)
);
CREATE INDEX paper_sections_section ON paper_sections (section_id, position);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> '')
);

CREATE TABLE paper_tags (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags (id)   ON DELETE CASCADE,
    PRIMARY KEY (paper_id, tag_id)
);
CREATE INDEX paper_tags_tag ON paper_tags (tag_id);

CREATE TABLE highlights (
    id         INTEGER PRIMARY KEY,
    paper_id   INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    page       INTEGER NOT NULL CHECK (page >= 0),           -- 0-based page index
    quads      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(quads)),  -- [[x0,y0,..,x3,y3], ...] PDF points
    text       TEXT    NOT NULL DEFAULT '',
    color      TEXT    NOT NULL DEFAULT '#ffd400',
    kind       TEXT    NOT NULL DEFAULT 'highlight'
               CHECK (kind IN ('highlight', 'underline', 'area')),
    comment    TEXT    NOT NULL DEFAULT '',
    created    TEXT    NOT NULL,
    modified   TEXT    NOT NULL
);
CREATE INDEX highlights_paper ON highlights (paper_id, page);

-- One structured note per paper, in Markdown.
CREATE TABLE notes (
    paper_id INTEGER PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE,
    problem  TEXT NOT NULL DEFAULT '',
    method   TEXT NOT NULL DEFAULT '',
    results  TEXT NOT NULL DEFAULT '',
    notes    TEXT NOT NULL DEFAULT '',
    modified TEXT NOT NULL
);

CREATE TABLE links (
    id       INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind IN ('notes', 'talk', 'blog', 'other')),
    label    TEXT    NOT NULL DEFAULT '',
    url      TEXT    NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX links_paper ON links (paper_id, position);

-- Per-library settings (embedding model, export defaults, ...): JSON values.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (json_valid(value))
);
