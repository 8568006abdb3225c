-- Settings, on PostgreSQL. Its twin, ../sqlite/00014_settings.sql, must
-- keep the same table and advance the same counters; see it for what the
-- table is for. The counting trigger is deferred to the commit, as in
-- 00009_versions.sql.

-- +goose Up
CREATE TABLE settings (
    key        TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (key <> ''),
    value      TEXT COLLATE "C" NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);

CREATE CONSTRAINT TRIGGER settings_version AFTER INSERT OR UPDATE OR DELETE ON settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION advance_data_version();

-- +goose Down
DROP TRIGGER settings_version ON settings;
DROP TABLE settings;
