-- readerapp user library, schema 3: a review queue for extracted metadata, and
-- 'garbled' text layers.
-- papers.review: JSON object {field: why the extracted value may be wrong}, '{}'
-- when nothing needs a look; setting a field by hand removes it from the object.
-- files.text_status may now be 'garbled' (a text layer of mostly non-words or
-- private-use glyphs, kept when no OCR is available). SQLite cannot change a
-- CHECK constraint in place, so the files table is rebuilt with the same rows.

ALTER TABLE papers ADD COLUMN review TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(review));
CREATE INDEX papers_review ON papers (id) WHERE review <> '{}';

CREATE TABLE files_v3 (
    id          INTEGER PRIMARY KEY,
    paper_id    INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    sha256      TEXT    NOT NULL UNIQUE,
    path        TEXT    NOT NULL,
    size        INTEGER NOT NULL DEFAULT 0,
    pages       INTEGER NOT NULL DEFAULT 0,
    -- 'ok': text layer present; 'no-text': no text layer (scanned); 'ocr': text came from OCR;
    -- 'garbled': a text layer of mostly non-words (wrong glyph mapping), not OCRed
    text_status TEXT    NOT NULL DEFAULT 'ok' CHECK (text_status IN ('ok', 'no-text', 'ocr', 'garbled')),
    date_added  TEXT    NOT NULL
);
INSERT INTO files_v3 (id, paper_id, sha256, path, size, pages, text_status, date_added)
    SELECT id, paper_id, sha256, path, size, pages, text_status, date_added FROM files;
DROP TABLE files;
ALTER TABLE files_v3 RENAME TO files;
CREATE INDEX files_paper ON files (paper_id);
CREATE INDEX files_path  ON files (path);
