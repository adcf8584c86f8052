-- readerapp user library, schema 3: a review queue for extracted metadata, and
-- garbled text layers.
-- papers.review: JSON object {field: why the extracted value may be wrong}, '{}'
-- when nothing needs a look; setting a field by hand removes it from the object.
ALTER TABLE papers ADD COLUMN review TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(review));
CREATE INDEX papers_review ON papers (id) WHERE review <> '{}';

-- files.garbled: 1 when the file has a text layer (text_status 'ok') made of wrong
-- glyphs (mostly non-words or private-use characters) that was not OCRed; the
-- paper's text_status then reads 'garbled'. A column of its own rather than a new
-- text_status value: SQLite cannot widen the CHECK on text_status in place.
ALTER TABLE files ADD COLUMN garbled INTEGER NOT NULL DEFAULT 0 CHECK (garbled IN (0, 1));
