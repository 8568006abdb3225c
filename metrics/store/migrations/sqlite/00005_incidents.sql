-- Incident-level response times on SQLite. Its twin,
-- ../postgres/00005_incidents.sql, must keep the same tables, columns,
-- constraints and indexes.
--
-- Each row is one attended incident read from a performance workbook's
-- incidents sheet: always sensitive, because it describes an individual
-- event. Incidents belong to their upload and are never superseded one by
-- one: for each month, the current incidents are those of the latest
-- stored upload that has any for that month, so re-sending a month
-- replaces it as a whole and the earlier upload keeps its rows for the
-- history. A rolled-back upload's rows stay, but are not current.

-- +goose Up
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    upload_id   INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    -- Where the incident was read: sheet name and 1-based row number.
    sheet       TEXT    NOT NULL,
    row_no      INTEGER NOT NULL CHECK (row_no >= 1),
    -- The force's own reference for the incident.
    incident_id TEXT    NOT NULL CHECK (incident_id <> ''),
    priority    TEXT    NOT NULL,
    -- Urban and rural incidents have different attendance targets.
    setting     TEXT    NOT NULL CHECK (setting IN ('urban', 'rural')),
    area        TEXT    NOT NULL,
    -- The first day of the month the incident belongs to, 'YYYY-MM-01'.
    month       TEXT    NOT NULL,
    -- The call and arrival times as written in the workbook (its local
    -- clock), NULL when the workbook gave minutes only.
    received    TEXT,
    arrived     TEXT,
    -- The response time, from the two times when given.
    minutes     REAL    NOT NULL CHECK (minutes >= 0 AND minutes < 9e999)
) STRICT;

-- The current set: the latest upload of each month, then its rows.
CREATE INDEX incidents_month ON incidents (month, upload_id);
-- One upload's incidents, for the check that no id is given twice.
CREATE INDEX incidents_upload ON incidents (upload_id, incident_id);

-- +goose Down
DROP TABLE incidents;
