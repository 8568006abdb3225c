-- Assure's schema on SQLite. Its twin, ../postgres/00001_initial.sql, must
-- keep the same tables, columns, constraints and indexes; only the types
-- differ (see migrate.go for why there are two files).
--
-- Dates are TEXT 'YYYY-MM-DD' and times TEXT 'YYYY-MM-DDTHH:MM:SS.ffffffZ'
-- (UTC, fixed width) in both databases: they sort as text, read back the
-- same through both drivers, and let every query be one SQL text.
-- STRICT tables refuse a value of the wrong type instead of storing it.

-- +goose Up
-- AUTOINCREMENT so that an upload id is never reused: the history of a
-- value is ordered by upload id, and superseded_by points at one.
CREATE TABLE uploads (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    size        INTEGER NOT NULL CHECK (size >= 0),
    uploaded_at TEXT    NOT NULL,
    uploaded_by TEXT    NOT NULL
) STRICT;
-- One stored upload per content: the same file twice is a no-op. A
-- rolled-back upload keeps its row (and file) for the history, so the
-- same file can be stored again after it.
CREATE UNIQUE INDEX uploads_sha256_stored ON uploads (sha256) WHERE status = 'stored';

-- The original file, apart from uploads so that listing uploads never
-- reads megabytes of content.
CREATE TABLE upload_files (
    upload_id INTEGER PRIMARY KEY REFERENCES uploads (id) ON DELETE CASCADE,
    content   BLOB    NOT NULL
) STRICT;

CREATE TABLE metrics (
    id             TEXT NOT NULL PRIMARY KEY,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('up', 'down', 'none')),
    target         REAL CHECK (target > -9e999 AND target < 9e999),
    classification TEXT NOT NULL CHECK (classification IN ('open', 'sensitive')),
    category       TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

-- SQLite stores a NaN as NULL, which NOT NULL refuses; 9e999 reads as
-- infinity, so the CHECK refuses +-Inf. The store refuses both before
-- they get here; this is the second line.
--
-- The foreign keys of observations are checked at COMMIT (DEFERRABLE
-- INITIALLY DEFERRED), unlike PostgreSQL's: an immediate foreign key can
-- abort a multi-row INSERT halfway, so SQLite keeps a statement journal
-- of every page it touches, which halved the speed of bulk inserts
-- (measured: about 75k against 150k rows/s). The store checks metrics
-- before inserting values, and a violation still fails the commit.
CREATE TABLE observations (
    id            INTEGER PRIMARY KEY,
    metric_id     TEXT    NOT NULL REFERENCES metrics (id) DEFERRABLE INITIALLY DEFERRED,
    area          TEXT    NOT NULL,
    period_kind   TEXT    NOT NULL,
    period_key    TEXT    NOT NULL,
    period_start  TEXT    NOT NULL,
    period_end    TEXT    NOT NULL,
    value         REAL    NOT NULL CHECK (value > -9e999 AND value < 9e999),
    upload_id     INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    sheet         TEXT    NOT NULL,
    cell          TEXT    NOT NULL,
    -- Deleting a revision makes the values it replaced current again.
    superseded_by INTEGER REFERENCES uploads (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED
) STRICT;

-- Current values: Series, Latest and the superseding step of an ingest.
CREATE INDEX observations_current ON observations (metric_id, area, period_key)
    WHERE superseded_by IS NULL;
-- The latest period of each metric, for Latest: a seek per metric
-- instead of a scan of every current value.
CREATE INDEX observations_latest ON observations (metric_id, period_start)
    WHERE superseded_by IS NULL;
-- Replaced values, for History. New rows are never superseded, so this
-- index costs nothing during a bulk insert.
CREATE INDEX observations_superseded ON observations (metric_id, area, period_key)
    WHERE superseded_by IS NOT NULL;
-- One upload's rows in cell order: the duplicate check groups on it
-- without sorting, and superseding starts from it.
CREATE INDEX observations_upload ON observations (upload_id, metric_id, area, period_key);

-- +goose Down
DROP TABLE observations;
DROP TABLE metrics;
DROP TABLE upload_files;
DROP TABLE uploads;
