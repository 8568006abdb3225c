-- The versions readers' caches are tied to, on SQLite. Its twin,
-- ../postgres/00009_versions.sql, must keep the same table and advance
-- the same counters on the same changes.
--
-- versions is one row of two counters that only grow, advanced by the
-- database itself, in the transaction of the change:
--
--   data_version moves with every change to what the figures are read
--   from: an upload stored, rolled back or removed (the values, finance
--   months and incidents of an upload change only with its uploads row),
--   and any change to the catalogue, a measure's classification above
--   all, whoever or whatever makes it;
--
--   page_version moves with data_version and with every change to what a
--   page shows beside the figures: annotations, commentary and board
--   pack editions.
--
-- A server keeps a view, a page or a series until the counter it was
-- made at moves. Counting in the database, not stamping with a host's
-- clock, is what makes the change take effect at once on every server:
-- a clock running ahead on one host cannot hide a later change made on
-- another. Triggers do the counting, so that no writer can forget to,
-- a hand-written statement included.

-- +goose Up
CREATE TABLE versions (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    data_version INTEGER NOT NULL CHECK (data_version >= 1),
    page_version INTEGER NOT NULL CHECK (page_version >= data_version)
) STRICT;
INSERT INTO versions (id, data_version, page_version) VALUES (1, 1, 1);

-- +goose StatementBegin
CREATE TRIGGER versions_only_grow BEFORE UPDATE ON versions
WHEN NEW.data_version < OLD.data_version OR NEW.page_version < OLD.page_version OR NEW.id <> OLD.id
BEGIN
    SELECT RAISE(ABORT, 'the versions only grow');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
BEGIN
    SELECT RAISE(ABORT, 'the versions row cannot be deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER uploads_insert_version AFTER INSERT ON uploads
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER uploads_update_version AFTER UPDATE ON uploads
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER uploads_delete_version AFTER DELETE ON uploads
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER metrics_insert_version AFTER INSERT ON metrics
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER metrics_update_version AFTER UPDATE ON metrics
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER metrics_delete_version AFTER DELETE ON metrics
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER annotations_insert_version AFTER INSERT ON annotations
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER annotations_update_version AFTER UPDATE ON annotations
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER annotations_delete_version AFTER DELETE ON annotations
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER commentary_insert_version AFTER INSERT ON commentary
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER commentary_update_version AFTER UPDATE ON commentary
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER commentary_delete_version AFTER DELETE ON commentary
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- Editions are never changed or deleted (see 00006): a new one is all
-- there is to count.
-- +goose StatementBegin
CREATE TRIGGER board_pack_editions_insert_version AFTER INSERT ON board_pack_editions
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER board_pack_editions_insert_version;
DROP TRIGGER commentary_delete_version;
DROP TRIGGER commentary_update_version;
DROP TRIGGER commentary_insert_version;
DROP TRIGGER annotations_delete_version;
DROP TRIGGER annotations_update_version;
DROP TRIGGER annotations_insert_version;
DROP TRIGGER metrics_delete_version;
DROP TRIGGER metrics_update_version;
DROP TRIGGER metrics_insert_version;
DROP TRIGGER uploads_delete_version;
DROP TRIGGER uploads_update_version;
DROP TRIGGER uploads_insert_version;
DROP TABLE versions;
