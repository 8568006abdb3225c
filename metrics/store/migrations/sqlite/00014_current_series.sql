-- Each measure's current series, kept whole. Its twin,
-- ../postgres/00014_current_series.sql, must keep the same table.
--
-- The dashboard reads a measure's series whole, and the overview each
-- measure's latest period: reading them as rows of observations costs a
-- row scan per value on every read. current_series holds, per measure,
-- what those reads give, encoded as one value (seriescodec.go): series,
-- every current value in Series order with its source cell; latest, the
-- values of the latest period (Latest's rule), with that period's start
-- and key. The rows are written in the
-- transaction that changes the measure's values (an ingest's Finish, a
-- rollback) from the observations it leaves current, so they are never
-- seen out of step. observations stays the record of every value ever
-- stored: the history, the duplicate check and the rollback read it.
-- Migration 00015 fills the table for a database that has values.

-- +goose Up
CREATE TABLE current_series (
    metric_id     TEXT    NOT NULL PRIMARY KEY REFERENCES metrics (id) ON DELETE CASCADE,
    n             INTEGER NOT NULL CHECK (n > 0),
    series        BLOB    NOT NULL,
    latest_start  TEXT    NOT NULL,
    latest_key    TEXT    NOT NULL,
    latest        BLOB    NOT NULL
) STRICT;

-- +goose Down
DROP TABLE current_series;
