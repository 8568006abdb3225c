-- Context beside the numbers, and frozen board pack editions, on SQLite.
-- Its twin, ../postgres/00006_context_and_editions.sql, must keep the
-- same tables, columns, constraints and indexes.
--
-- Annotations mark a date or a span of dates on a measure's timeline (a
-- lockdown, a new recording system, an operation), or on every measure's
-- when metric_id is NULL. They are edited in place and deleted softly:
-- deleted_at hides a row but keeps it, and the audit log holds every
-- change with its before and after.
--
-- Commentary is an analyst's note on one measure for one period. It is
-- never edited in place: each save adds a row, and the latest row of a
-- measure and period is the current text (an empty text clears it), so
-- the history of what was said, by whom and when, is kept whole.
--
-- A board pack edition is what was presented to a meeting: the pack's
-- figures, words and charts as JSON, frozen when it was published.
-- Nothing updates or deletes an edition; the triggers refuse it even to
-- a hand-written statement. Publishing again for the same meeting makes
-- the next numbered edition.

-- +goose Up
CREATE TABLE annotations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NULL: the annotation is on every measure's timeline.
    metric_id  TEXT    REFERENCES metrics (id) ON DELETE CASCADE,
    -- 'YYYY-MM-DD'; ends_on is NULL for a single date.
    starts_on  TEXT    NOT NULL CHECK (length(starts_on) = 10),
    ends_on    TEXT    CHECK (ends_on IS NULL OR (length(ends_on) = 10 AND ends_on >= starts_on)),
    label      TEXT    NOT NULL CHECK (label <> ''),
    detail     TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_by TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    deleted_by TEXT,
    deleted_at TEXT
) STRICT;
-- A measure's annotations (and, with metric_id NULL, those on every
-- measure), in date order.
CREATE INDEX annotations_metric ON annotations (metric_id, starts_on) WHERE deleted_at IS NULL;

CREATE TABLE commentary (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    metric_id    TEXT    NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    period_kind  TEXT    NOT NULL,
    period_key   TEXT    NOT NULL,
    period_start TEXT    NOT NULL,
    period_end   TEXT    NOT NULL,
    -- '' clears the commentary of the period.
    body         TEXT    NOT NULL,
    written_by   TEXT    NOT NULL,
    written_at   TEXT    NOT NULL
) STRICT;
-- The versions of one measure's commentary for a period, the latest last.
CREATE INDEX commentary_metric ON commentary (metric_id, period_kind, period_key, id);

CREATE TABLE board_pack_editions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The meeting date, 'YYYY-MM-DD', and the edition's number for it.
    meeting      TEXT    NOT NULL CHECK (length(meeting) = 10),
    edition      INTEGER NOT NULL CHECK (edition >= 1),
    published_at TEXT    NOT NULL,
    published_by TEXT    NOT NULL,
    -- The pack as presented, JSON, and its SHA-256 (hex): publishing an
    -- unchanged pack again makes no new edition.
    content      TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    UNIQUE (meeting, edition)
) STRICT;

-- +goose StatementBegin
CREATE TRIGGER board_pack_editions_no_update BEFORE UPDATE ON board_pack_editions
BEGIN
    SELECT RAISE(ABORT, 'a board pack edition is a record of what was presented and cannot be changed');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER board_pack_editions_no_delete BEFORE DELETE ON board_pack_editions
BEGIN
    SELECT RAISE(ABORT, 'a board pack edition is a record of what was presented and cannot be deleted');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE board_pack_editions;
DROP TABLE commentary;
DROP TABLE annotations;
