-- readerapp user library, schema 3: undoable re-links.
-- When another file replaces a paper's missing PDF (`relocate`, "Locate…"),
-- its highlights are re-anchored on the new file. The anchors they had before
-- (page, quads, quoted text) are kept here so that a wrong re-link can be
-- undone (`readerapp relocate --undo`): the highlights go back exactly where
-- they were and the added file row is removed.

CREATE TABLE relocations (
    id       INTEGER PRIMARY KEY,
    batch    TEXT    NOT NULL,               -- one relocate run (or one "Locate…") shares a batch
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    file_id  INTEGER,                        -- the files row the re-link added (removed by undo)
    path     TEXT    NOT NULL,
    created  TEXT    NOT NULL,
    undone   TEXT                            -- when it was undone; NULL while in effect
);
CREATE INDEX relocations_paper ON relocations (paper_id);

CREATE TABLE relocation_anchors (
    relocation_id INTEGER NOT NULL REFERENCES relocations (id) ON DELETE CASCADE,
    highlight_id  INTEGER NOT NULL REFERENCES highlights (id) ON DELETE CASCADE,
    page          INTEGER NOT NULL,
    quads         TEXT    NOT NULL CHECK (json_valid(quads)),
    text          TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (relocation_id, highlight_id)
);
