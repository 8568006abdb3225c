-- The board cycle, on SQLite: the calendar of meetings, the action log,
-- each measure's reporting schedule, alerts and the drop folder's record
-- of files. Its twin, ../postgres/00013_board_cycle.sql, must keep the
-- same tables, columns, constraints and indexes, and advance the same
-- counters on the same changes.

-- +goose Up
-- A meeting of a board, by date (one meeting a day: actions and the API
-- name a meeting by its date). papers_due is the deadline for its papers.
CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    date       TEXT    NOT NULL UNIQUE CHECK (length(date) = 10),
    title      TEXT    NOT NULL CHECK (title <> ''),
    papers_due TEXT    CHECK (papers_due IS NULL OR (length(papers_due) = 10 AND papers_due <= date)),
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_by TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

-- An action raised at a meeting. It is never deleted: one that will not
-- be done is dropped. A meeting with actions cannot be deleted either.
-- Actions are sensitive unless marked open, as measures are. closed_at
-- is when the action was done or dropped; NULL while it is open.
CREATE TABLE actions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id),
    body           TEXT    NOT NULL CHECK (body <> ''),
    owner          TEXT    NOT NULL,
    due            TEXT    CHECK (due IS NULL OR length(due) = 10),
    status         TEXT    NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
    classification TEXT    NOT NULL CHECK (classification IN ('open', 'sensitive')),
    created_by     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    updated_by     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    closed_at      TEXT
) STRICT;
CREATE INDEX actions_meeting ON actions (meeting_id, id);

-- The measures (kind 'metric', ref a metric id) and finance lines (kind
-- 'finance', ref a business area) an action is about. A metric id has
-- no foreign key: a link outlives a rollback that removes the measure,
-- and is then shown to no one.
CREATE TABLE action_links (
    action_id INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    kind      TEXT    NOT NULL CHECK (kind IN ('metric', 'finance')),
    ref       TEXT    NOT NULL CHECK (ref <> ''),
    PRIMARY KEY (action_id, kind, ref)
) STRICT;
CREATE INDEX action_links_ref ON action_links (kind, ref);

-- Dated updates of an action, each with the status it left the action
-- in, so that the status on any day can be read back. The first is the
-- action being raised.
CREATE TABLE action_updates (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    at        TEXT    NOT NULL,
    by_user   TEXT    NOT NULL,
    body      TEXT    NOT NULL,
    status    TEXT    NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped'))
) STRICT;
CREATE INDEX action_updates_action ON action_updates (action_id, id);

-- When a measure's figures are due: every period of the cadence, lag
-- working days after the period ends; national tables keep their own
-- lag. owner is who is asked for figures that are late. A measure with
-- no row here has a schedule worked out from its figures.
CREATE TABLE metric_schedules (
    metric_id  TEXT    NOT NULL PRIMARY KEY REFERENCES metrics (id) ON DELETE CASCADE,
    cadence    TEXT    NOT NULL CHECK (cadence IN ('monthly', 'quarterly', 'annual', 'none')),
    lag_days   INTEGER NOT NULL CHECK (lag_days BETWEEN 0 AND 400),
    source     TEXT    NOT NULL CHECK (source IN ('local', 'national')),
    owner      TEXT    NOT NULL,
    updated_by TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

-- A user's choice of alerts, to one address: which kinds (a
-- comma-separated list), at once or as a daily digest.
CREATE TABLE alert_subscriptions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    email          TEXT    NOT NULL CHECK (email <> ''),
    kinds          TEXT    NOT NULL,
    delivery       TEXT    NOT NULL CHECK (delivery IN ('immediate', 'daily')),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
) STRICT;

-- Webhooks an administrator set up: JSON posted to url, signed with
-- secret. Only a hook an administrator cleared for sensitive data is
-- told about a sensitive measure or finance.
CREATE TABLE alert_webhooks (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT    NOT NULL CHECK (name <> ''),
    url               TEXT    NOT NULL CHECK (url <> ''),
    secret            TEXT    NOT NULL,
    kinds             TEXT    NOT NULL,
    cleared_sensitive INTEGER NOT NULL CHECK (cleared_sensitive IN (0, 1)),
    disabled          INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_by        TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
) STRICT;

-- What happened, once: dedupe names the event so that a second server,
-- or a second look, never raises it twice.
CREATE TABLE alert_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT    NOT NULL,
    metric_id      TEXT,
    classification TEXT    NOT NULL CHECK (classification IN ('open', 'sensitive')),
    subject        TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    dedupe         TEXT    NOT NULL UNIQUE,
    created_at     TEXT    NOT NULL
) STRICT;

-- One event for one subscriber or hook: pending until sent (retried
-- with backoff until next_attempt_at gives up), digest while it waits
-- for the subscriber's daily digest.
CREATE TABLE alert_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
    subscription_id INTEGER REFERENCES alert_subscriptions (id) ON DELETE CASCADE,
    webhook_id      INTEGER REFERENCES alert_webhooks (id) ON DELETE CASCADE,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'digest', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    sent_at         TEXT,
    CHECK ((subscription_id IS NULL) <> (webhook_id IS NULL))
) STRICT;
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);

-- What the alerts last saw (the standing of every measure, as JSON), and
-- at which data version and day: a change is an event once.
CREATE TABLE alert_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    data_version INTEGER NOT NULL,
    day          TEXT    NOT NULL,
    state        TEXT    NOT NULL
) STRICT;

-- Every file the drop folder took, by content, so that none is ingested
-- twice (rejected ones included), whichever server saw it.
CREATE TABLE watched_files (
    sha256     TEXT    NOT NULL PRIMARY KEY,
    file_name  TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    upload_id  INTEGER REFERENCES uploads (id) ON DELETE SET NULL,
    seen_at    TEXT    NOT NULL
) STRICT;

-- The board pack shows meetings and actions: their changes move the page
-- version. A schedule decides which measures are late, which the
-- overview's cached analyses say: it moves the data version.
-- +goose StatementBegin
CREATE TRIGGER meetings_insert_version AFTER INSERT ON meetings
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER meetings_update_version AFTER UPDATE ON meetings
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER meetings_delete_version AFTER DELETE ON meetings
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actions_insert_version AFTER INSERT ON actions
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actions_update_version AFTER UPDATE ON actions
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actions_delete_version AFTER DELETE ON actions
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER action_links_insert_version AFTER INSERT ON action_links
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER action_links_delete_version AFTER DELETE ON action_links
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER action_updates_insert_version AFTER INSERT ON action_updates
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER metric_schedules_insert_version AFTER INSERT ON metric_schedules
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER metric_schedules_update_version AFTER UPDATE ON metric_schedules
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER metric_schedules_delete_version AFTER DELETE ON metric_schedules
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER metric_schedules_delete_version;
DROP TRIGGER metric_schedules_update_version;
DROP TRIGGER metric_schedules_insert_version;
DROP TRIGGER action_updates_insert_version;
DROP TRIGGER action_links_delete_version;
DROP TRIGGER action_links_insert_version;
DROP TRIGGER actions_delete_version;
DROP TRIGGER actions_update_version;
DROP TRIGGER actions_insert_version;
DROP TRIGGER meetings_delete_version;
DROP TRIGGER meetings_update_version;
DROP TRIGGER meetings_insert_version;
DROP TABLE watched_files;
DROP TABLE alert_state;
DROP TABLE alert_deliveries;
DROP TABLE alert_events;
DROP TABLE alert_webhooks;
DROP TABLE alert_subscriptions;
DROP TABLE metric_schedules;
DROP TABLE action_updates;
DROP TABLE action_links;
DROP TABLE actions;
DROP TABLE meetings;
