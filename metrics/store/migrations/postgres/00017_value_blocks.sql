-- Every value ever stored, as blocks, on PostgreSQL. Its twin,
-- ../sqlite/00017_value_blocks.sql, must keep the same table; see it for
-- what a block holds and which value is current.

-- +goose Up
CREATE TABLE value_blocks (
    metric_id TEXT COLLATE "C" NOT NULL REFERENCES metrics (id),
    upload_id BIGINT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    part      INTEGER NOT NULL CHECK (part >= 0),
    n         BIGINT  NOT NULL CHECK (n > 0),
    body      BYTEA   NOT NULL,
    PRIMARY KEY (metric_id, upload_id, part)
);
CREATE INDEX value_blocks_upload ON value_blocks (upload_id, metric_id, part);

-- The upload of the first value of each measure's latest period, for the
-- schedules' "last uploaded by"; migration 00018 fills it.
ALTER TABLE current_series ADD COLUMN latest_upload BIGINT REFERENCES uploads (id);

-- +goose Down
ALTER TABLE current_series DROP COLUMN latest_upload;
DROP TABLE value_blocks;
