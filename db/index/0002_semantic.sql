-- Semantic search (derived; rebuilt by `readerapp embed`).

-- Passages that are embedded: page chunks (with their place on the page), the
-- structured note, and each highlight (with its comment).
CREATE TABLE chunks (
    id           INTEGER PRIMARY KEY,
    paper_id     INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('page', 'note', 'highlight')),
    ref_id       INTEGER,                 -- highlight id for kind = 'highlight'
    page         INTEGER,                 -- 1-based page; NULL for the note
    x0 REAL, y0 REAL, x1 REAL, y1 REAL,   -- bounding box on the page, PDF points
    text         TEXT    NOT NULL,
    content_hash TEXT    NOT NULL
);
CREATE INDEX chunks_paper ON chunks (paper_id, kind);
CREATE INDEX chunks_hash ON chunks (content_hash);

-- One vector per chunk for the current model: float16 for exact rescoring and
-- a sign code (1 bit per dimension, after centering) for the fast first pass.
CREATE TABLE vectors (
    chunk_id INTEGER PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
    vec      BLOB NOT NULL,
    code     BLOB NOT NULL
);

-- Work waiting for the embedder; survives restarts.
CREATE TABLE embed_queue (
    paper_id  INTEGER NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('page', 'note', 'highlight', 'deleted')),
    queued_at TEXT    NOT NULL,
    PRIMARY KEY (paper_id, kind)
);

-- The model the vectors were made with, and the centering vector of the codes.
CREATE TABLE embed_model (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT    NOT NULL,
    dim        INTEGER NOT NULL,
    center     BLOB,
    generation INTEGER NOT NULL DEFAULT 0   -- bumped whenever vectors change
);
