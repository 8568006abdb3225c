-- Recalculated SPC limits, benchmarks and derived measures, on SQLite.
-- Its twin, ../postgres/00012_change_points_and_derived.sql, must keep
-- the same columns, constraints and triggers.

-- +goose Up
-- An annotation with recalculate set marks a change point on its
-- measure: the measure's process limits are recalculated from the
-- period it falls in. Only an annotation on one measure can be one.
ALTER TABLE annotations ADD COLUMN recalculate INTEGER NOT NULL DEFAULT 0
    CHECK (recalculate IN (0, 1));

-- A benchmark beside the target (a national average, the most similar
-- forces' average, last year's outturn), and the definition of a
-- derived measure ('' for one whose values are uploaded): see
-- metrics.ParseDerivation.
ALTER TABLE metrics ADD COLUMN benchmark REAL CHECK (benchmark > -9e999 AND benchmark < 9e999);
ALTER TABLE metrics ADD COLUMN benchmark_label TEXT NOT NULL DEFAULT '';
ALTER TABLE metrics ADD COLUMN derivation TEXT NOT NULL DEFAULT '';
-- As the catalogue was before an upload changed it (see 00010).
ALTER TABLE catalogue_changes ADD COLUMN benchmark REAL;
ALTER TABLE catalogue_changes ADD COLUMN benchmark_label TEXT;
ALTER TABLE catalogue_changes ADD COLUMN derivation TEXT;

-- A change point changes the analysis of the figures, which the
-- overview and the board pack keep by the data version (see 00009):
-- marking, moving or removing one advances it. Annotations already
-- advance the page version.
-- +goose StatementBegin
CREATE TRIGGER annotations_insert_change_point AFTER INSERT ON annotations
WHEN NEW.recalculate = 1
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER annotations_update_change_point AFTER UPDATE ON annotations
WHEN OLD.recalculate = 1 OR NEW.recalculate = 1
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER annotations_delete_change_point AFTER DELETE ON annotations
WHEN OLD.recalculate = 1
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER annotations_delete_change_point;
DROP TRIGGER annotations_update_change_point;
DROP TRIGGER annotations_insert_change_point;
ALTER TABLE catalogue_changes DROP COLUMN derivation;
ALTER TABLE catalogue_changes DROP COLUMN benchmark_label;
ALTER TABLE catalogue_changes DROP COLUMN benchmark;
ALTER TABLE metrics DROP COLUMN derivation;
ALTER TABLE metrics DROP COLUMN benchmark_label;
ALTER TABLE metrics DROP COLUMN benchmark;
ALTER TABLE annotations DROP COLUMN recalculate;
