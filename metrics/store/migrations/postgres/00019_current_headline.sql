-- Each measure's headline, kept with its current series, on PostgreSQL.
-- Its twin, ../sqlite/00019_current_headline.sql, must keep the same
-- columns; see it for what they hold.

-- +goose Up
ALTER TABLE current_series ADD COLUMN headline BYTEA;
ALTER TABLE current_series ADD COLUMN last_end_day BIGINT;

-- +goose Down
ALTER TABLE current_series DROP COLUMN last_end_day;
ALTER TABLE current_series DROP COLUMN headline;
