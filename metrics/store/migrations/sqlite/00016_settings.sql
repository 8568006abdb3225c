-- Settings an administrator keeps on /admin: the organisation's name,
-- which pages carry in their titles and footer, and the home area, whose
-- figures the overview shows first. One row per setting, by key; a key
-- not stored takes its default (metrics.DefaultSettings). Its twin,
-- ../postgres/00014_settings.sql, must keep the same table and advance
-- the same counters.

-- +goose Up
CREATE TABLE settings (
    key        TEXT NOT NULL PRIMARY KEY CHECK (key <> ''),
    value      TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- The home area decides the overview's analyses, kept by the data
-- version; the name is on every kept page.
-- +goose StatementBegin
CREATE TRIGGER settings_insert_version AFTER INSERT ON settings
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_update_version AFTER UPDATE ON settings
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_delete_version AFTER DELETE ON settings
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER settings_delete_version;
DROP TRIGGER settings_update_version;
DROP TRIGGER settings_insert_version;
DROP TABLE settings;
