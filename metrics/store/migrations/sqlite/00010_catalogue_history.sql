-- What uploads do to the catalogue, on SQLite. Its twin,
-- ../postgres/00010_catalogue_history.sql, must keep the same tables,
-- columns, constraints and indexes.

-- +goose Up
-- Names a measure was known by before a catalogue renamed it, so that a
-- later workbook that still uses one reaches the same measure. norm is
-- metrics.NameKey of the alias; upload_id is the upload that renamed the
-- measure, whose rollback removes the alias.
CREATE TABLE metric_aliases (
    norm       TEXT    NOT NULL PRIMARY KEY,
    alias      TEXT    NOT NULL,
    metric_id  TEXT    NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    upload_id  INTEGER REFERENCES uploads (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL
) STRICT;
CREATE INDEX metric_aliases_metric ON metric_aliases (metric_id);

-- The catalogue entry of each measure an upload created or changed, as
-- it was before the upload (all NULL but created when the upload created
-- it), so that rolling the upload back restores it. metric_id has no
-- foreign key: a rollback deletes a measure its upload created.
CREATE TABLE catalogue_changes (
    upload_id      INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    metric_id      TEXT    NOT NULL,
    created        INTEGER NOT NULL CHECK (created IN (0, 1)),
    name           TEXT,
    unit           TEXT,
    direction      TEXT,
    target         REAL,
    classification TEXT,
    category       TEXT,
    PRIMARY KEY (upload_id, metric_id)
) STRICT;
CREATE INDEX catalogue_changes_metric ON catalogue_changes (metric_id, upload_id);

-- Requests to change a measure's classification that wait for a person
-- with the right to publish: no upload, and no single click, makes a
-- measure open. upload_id is the upload that asked (NULL when asked on
-- the catalogue page or by a rollback).
CREATE TABLE classification_proposals (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    metric_id      TEXT    NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    classification TEXT    NOT NULL CHECK (classification IN ('open', 'sensitive')),
    upload_id      INTEGER REFERENCES uploads (id) ON DELETE CASCADE,
    reason         TEXT    NOT NULL,
    proposed_by    TEXT    NOT NULL,
    proposed_at    TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'withdrawn')),
    decided_by     TEXT    NOT NULL DEFAULT '',
    decided_at     TEXT    NOT NULL DEFAULT '',
    note           TEXT    NOT NULL DEFAULT ''
) STRICT;
-- At most one proposal waits for each measure.
CREATE UNIQUE INDEX classification_proposals_pending ON classification_proposals (metric_id) WHERE status = 'pending';

-- +goose Down
DROP TABLE classification_proposals;
DROP TABLE catalogue_changes;
DROP TABLE metric_aliases;
