-- Finance monitoring on SQLite. Its twin, ../postgres/00002_finance.sql,
-- must keep the same tables, columns, constraints and indexes.
--
-- A finance workbook is one month of one financial year. Its figures live
-- in tables of their own rather than as observations: a revenue line has
-- a budget, a forecast, a stated variance and commentary that belong
-- together, and a month is revised as a whole (a later upload of the same
-- month supersedes every line of the earlier one, which stays for the
-- history). Money is whole pounds in 64-bit integers, so totals add up
-- exactly.

-- +goose Up
CREATE TABLE finance_months (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    upload_id      INTEGER NOT NULL UNIQUE REFERENCES uploads (id) ON DELETE CASCADE,
    -- The calendar year in which the financial year starts: 2021 for 2021/22.
    fy_start       INTEGER NOT NULL CHECK (fy_start BETWEEN 1900 AND 9998),
    -- M1 is April, M12 March.
    month          INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    -- Where the month was read: a title cell, the file name or --period.
    period_source  TEXT    NOT NULL,
    -- Finance is for the board unless someone decides to publish it.
    classification TEXT    NOT NULL CHECK (classification IN ('open', 'sensitive')),
    -- The upload that revised this month. Deleting that upload makes
    -- these figures current again.
    superseded_by  INTEGER REFERENCES uploads (id) ON DELETE SET NULL
) STRICT;

-- One current upload per month; the ingest supersedes before it inserts.
CREATE UNIQUE INDEX finance_months_current ON finance_months (fy_start, month)
    WHERE superseded_by IS NULL;
-- Every upload of a year, for the revision history.
CREATE INDEX finance_months_year ON finance_months (fy_start, month, upload_id);

CREATE TABLE revenue_lines (
    id                  INTEGER PRIMARY KEY,
    finance_month_id    INTEGER NOT NULL REFERENCES finance_months (id) ON DELETE CASCADE,
    line_no             INTEGER NOT NULL,
    business_area       TEXT    NOT NULL CHECK (business_area <> ''),
    budget_gbp          INTEGER NOT NULL,
    forecast_gbp        INTEGER NOT NULL,
    -- As the file stated it; NULL when it had no variance column.
    stated_variance_gbp INTEGER,
    budget_to_date_gbp  INTEGER,
    actual_to_date_gbp  INTEGER,
    commentary          TEXT    NOT NULL,
    sheet               TEXT    NOT NULL,
    area_cell           TEXT    NOT NULL,
    budget_cell         TEXT    NOT NULL,
    forecast_cell       TEXT    NOT NULL,
    variance_cell       TEXT    NOT NULL,
    budget_to_date_cell TEXT    NOT NULL,
    actual_to_date_cell TEXT    NOT NULL,
    commentary_cell     TEXT    NOT NULL,
    UNIQUE (finance_month_id, business_area)
) STRICT;

CREATE TABLE capital_lines (
    id                  INTEGER PRIMARY KEY,
    finance_month_id    INTEGER NOT NULL REFERENCES finance_months (id) ON DELETE CASCADE,
    line_no             INTEGER NOT NULL,
    scheme              TEXT    NOT NULL CHECK (scheme <> ''),
    funding_source      TEXT    NOT NULL,
    approved_budget_gbp INTEGER NOT NULL,
    additions_gbp       INTEGER NOT NULL,
    forecast_gbp        INTEGER NOT NULL,
    commentary          TEXT    NOT NULL,
    sheet               TEXT    NOT NULL,
    scheme_cell         TEXT    NOT NULL,
    funding_cell        TEXT    NOT NULL,
    approved_cell       TEXT    NOT NULL,
    additions_cell      TEXT    NOT NULL,
    forecast_cell       TEXT    NOT NULL,
    commentary_cell     TEXT    NOT NULL,
    UNIQUE (finance_month_id, scheme, funding_source)
) STRICT;

CREATE TABLE reserve_lines (
    id               INTEGER PRIMARY KEY,
    finance_month_id INTEGER NOT NULL REFERENCES finance_months (id) ON DELETE CASCADE,
    line_no          INTEGER NOT NULL,
    reserve          TEXT    NOT NULL CHECK (reserve <> ''),
    opening_gbp      INTEGER NOT NULL,
    transfers_gbp    INTEGER NOT NULL,
    closing_gbp      INTEGER NOT NULL,
    commentary       TEXT    NOT NULL,
    sheet            TEXT    NOT NULL,
    reserve_cell     TEXT    NOT NULL,
    opening_cell     TEXT    NOT NULL,
    transfers_cell   TEXT    NOT NULL,
    closing_cell     TEXT    NOT NULL,
    commentary_cell  TEXT    NOT NULL,
    UNIQUE (finance_month_id, reserve)
) STRICT;

-- +goose Down
DROP TABLE reserve_lines;
DROP TABLE capital_lines;
DROP TABLE revenue_lines;
DROP TABLE finance_months;
