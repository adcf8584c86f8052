-- readerapp derived index, schema 1.
-- Everything here can be rebuilt from the PDFs and the user library
-- (`readerapp reindex`); deleting this file loses nothing a user made.

-- Which file's text is in the index for a paper; a paper with a file but no row
-- here is re-indexed on the next maintenance pass.
CREATE TABLE indexed_files (
    paper_id    INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL,
    pages       INTEGER NOT NULL,
    text_status TEXT    NOT NULL,
    indexed_at  TEXT    NOT NULL
);

-- Full-text index. One row per PDF page plus one row per paper (page 0) with
-- the title, metadata and what the user wrote. rowid = paper_id * 100000 + page,
-- with page 1-based for PDF pages. CJK runs are stored as overlapping bigrams
-- joined by U+2063 (see readerapp.core.textnorm), which keeps the text reversible.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    title, meta, annot, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

