-- readerapp user library, schema 5: ids are never reused. A deleted paper's id
-- (or file's, or highlight's) never comes back for a new one, so nothing keyed
-- by an old id (a search result, an embedded passage, an undo) can point at
-- the wrong thing. The tables are rebuilt with AUTOINCREMENT, keeping every row
-- (SQLite's 12-step procedure: db.migrate runs this with foreign keys off and
-- checks them before the commit). Every column of schemas 1-4 is copied, the
-- review queue (papers.review) and files.garbled of schema 4 included; the
-- tables of schema 3 that point at these (relocations, relocation_anchors) keep
-- their references by name.

CREATE TABLE papers_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
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
    user_fields   TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(user_fields)),
    review        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(review))
);
INSERT INTO papers_new (id, title, authors, year, venue, arxiv_id, doi, url, code_url, model_name, summary, status,
                        date_added, date_read, date_modified, user_fields, review)
    SELECT id, title, authors, year, venue, arxiv_id, doi, url, code_url, model_name, summary, status,
           date_added, date_read, date_modified, user_fields, review FROM papers;
DROP TABLE papers;
ALTER TABLE papers_new RENAME TO papers;
CREATE INDEX papers_arxiv ON papers (arxiv_id) WHERE arxiv_id IS NOT NULL;
CREATE INDEX papers_doi   ON papers (doi)      WHERE doi IS NOT NULL;
CREATE INDEX papers_year  ON papers (year);
CREATE INDEX papers_review ON papers (id) WHERE review <> '{}';

CREATE TABLE files_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    paper_id    INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    sha256      TEXT    NOT NULL UNIQUE,
    path        TEXT    NOT NULL,
    size        INTEGER NOT NULL DEFAULT 0,
    pages       INTEGER NOT NULL DEFAULT 0,
    text_status TEXT    NOT NULL DEFAULT 'ok' CHECK (text_status IN ('ok', 'no-text', 'ocr')),
    date_added  TEXT    NOT NULL,
    garbled     INTEGER NOT NULL DEFAULT 0 CHECK (garbled IN (0, 1))
);
INSERT INTO files_new (id, paper_id, sha256, path, size, pages, text_status, date_added, garbled)
    SELECT id, paper_id, sha256, path, size, pages, text_status, date_added, garbled FROM files;
DROP TABLE files;
ALTER TABLE files_new RENAME TO files;
CREATE INDEX files_paper ON files (paper_id);
CREATE INDEX files_path  ON files (path);

CREATE TABLE highlights_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    paper_id   INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    page       INTEGER NOT NULL CHECK (page >= 0),
    quads      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(quads)),
    text       TEXT    NOT NULL DEFAULT '',
    color      TEXT    NOT NULL DEFAULT '#ffd400',
    kind       TEXT    NOT NULL DEFAULT 'highlight'
               CHECK (kind IN ('highlight', 'underline', 'area')),
    comment    TEXT    NOT NULL DEFAULT '',
    created    TEXT    NOT NULL,
    modified   TEXT    NOT NULL
);
INSERT INTO highlights_new (id, paper_id, page, quads, text, color, kind, comment, created, modified)
    SELECT id, paper_id, page, quads, text, color, kind, comment, created, modified FROM highlights;
DROP TABLE highlights;
ALTER TABLE highlights_new RENAME TO highlights;
CREATE INDEX highlights_paper ON highlights (paper_id, page);
