-- Every value ever stored, as blocks: one row per upload, measure and
-- part. Its twin, ../postgres/00017_value_blocks.sql, must keep the same
-- table, columns, constraints and indexes.
--
-- The dashboard reads a measure's series whole, and an upload brings a
-- measure's values together: storing each value as a row of its own
-- (observations, until migration 00018 converts it) cost a row and four
-- index entries per value, most of an ingest's time. A block holds, in
-- file order, the values one upload gave one measure, each with its
-- area, period, value and source cell, encoded as current_series encodes
-- a series (seriescodec.go). An ingest writes a measure's values as one
-- block, or as a few parts when it has more than it keeps in memory
-- (part counts from 0 in file order). Which value is current is not
-- stored per value: the latest stored upload that gives a measure, area
-- and period wins, and current_series keeps the answer.

-- +goose Up
CREATE TABLE value_blocks (
    metric_id TEXT    NOT NULL REFERENCES metrics (id) DEFERRABLE INITIALLY DEFERRED,
    upload_id INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    part      INTEGER NOT NULL CHECK (part >= 0),
    n         INTEGER NOT NULL CHECK (n > 0),
    body      BLOB    NOT NULL,
    PRIMARY KEY (metric_id, upload_id, part)
) STRICT;
-- An upload's blocks, for its rollback and its own Finish.
CREATE INDEX value_blocks_upload ON value_blocks (upload_id, metric_id, part);

-- The upload of the first value of each measure's latest period, for the
-- schedules' "last uploaded by"; migration 00018 fills it.
ALTER TABLE current_series ADD COLUMN latest_upload INTEGER REFERENCES uploads (id);

-- +goose Down
ALTER TABLE current_series DROP COLUMN latest_upload;
DROP TABLE value_blocks;
