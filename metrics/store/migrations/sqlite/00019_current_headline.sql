-- Each measure's headline, kept with its current series. Its twin,
-- ../postgres/00019_current_headline.sql, must keep the same columns.
--
-- The overview and the board pack analyse each measure's force-wide
-- series and show its latest period by area (HeadlineSeries). Picking
-- those values out of every measure's whole series, at every change of
-- the figures, was most of the time those views took to make. headline
-- holds them, encoded as series is, written with series in the same
-- transaction, or is null when they are the whole series (a measure with
-- no force-wide area); last_end_day is the last day any current value's period
-- covers (days since 1970), so that a view as of an earlier day (a board
-- pack for a past meeting) knows when headline holds values it must not
-- count, and reads series instead. Migration 00020 fills both; a row
-- without last_end_day is read from series.

-- +goose Up
ALTER TABLE current_series ADD COLUMN headline BLOB;
ALTER TABLE current_series ADD COLUMN last_end_day INTEGER;

-- +goose Down
ALTER TABLE current_series DROP COLUMN last_end_day;
ALTER TABLE current_series DROP COLUMN headline;
