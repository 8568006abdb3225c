-- Each measure's current series, kept whole, on PostgreSQL. Its twin,
-- ../sqlite/00014_current_series.sql, must keep the same table; see it
-- for what the table holds and when it is written.

-- +goose Up
CREATE TABLE current_series (
    metric_id     TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES metrics (id) ON DELETE CASCADE,
    n             BIGINT NOT NULL CHECK (n > 0),
    series        BYTEA  NOT NULL,
    latest_start  TEXT COLLATE "C" NOT NULL,
    latest_key    TEXT COLLATE "C" NOT NULL,
    latest        BYTEA  NOT NULL
);

-- +goose Down
DROP TABLE current_series;
