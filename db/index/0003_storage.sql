-- readerapp derived index, schema 3: chunk ids are never reused, and a deleted
-- chunk leaves a tombstone, so the in-memory vector codes follow the index
-- incrementally (append new vectors, mask out tombstones) instead of reloading.
-- Runs with foreign keys off (db.migrate), so rebuilding chunks keeps vectors.

CREATE TABLE chunks_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    paper_id     INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('page', 'note', 'highlight')),
    ref_id       INTEGER,
    page         INTEGER,
    x0 REAL, y0 REAL, x1 REAL, y1 REAL,
    text         TEXT    NOT NULL,
    content_hash TEXT    NOT NULL
);
INSERT INTO chunks_new (id, paper_id, kind, ref_id, page, x0, y0, x1, y1, text, content_hash)
    SELECT id, paper_id, kind, ref_id, page, x0, y0, x1, y1, text, content_hash FROM chunks;
DROP TABLE chunks;
ALTER TABLE chunks_new RENAME TO chunks;
CREATE INDEX chunks_paper ON chunks (paper_id, kind);
CREATE INDEX chunks_hash ON chunks (content_hash);

CREATE TABLE vector_tombstones (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    chunk_id INTEGER NOT NULL
);

CREATE TRIGGER chunks_tombstone AFTER DELETE ON chunks BEGIN
    INSERT INTO vector_tombstones (chunk_id) VALUES (old.id);
END;
