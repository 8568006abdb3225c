-- The versions readers' caches are tied to, on PostgreSQL. Its twin,
-- ../sqlite/00009_versions.sql, must keep the same table and advance the
-- same counters on the same changes; see it for what each counter counts.
--
-- The counting triggers are constraint triggers deferred to the commit:
-- they still run inside the transaction of the change, so the new counter
-- and the change become visible together, but the counters' row is locked
-- only while the transaction commits, not for the whole of a long upload,
-- so that a catalogue edit or an annotation on another server does not
-- wait for the upload to finish. Two commits at once take turns on the
-- row, and each adds its own step.

-- +goose Up
CREATE TABLE versions (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    data_version BIGINT NOT NULL CHECK (data_version >= 1),
    page_version BIGINT NOT NULL CHECK (page_version >= data_version)
);
INSERT INTO versions (id, data_version, page_version) VALUES (1, 1, 1);

-- +goose StatementBegin
CREATE FUNCTION versions_only_grow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the versions row cannot be deleted';
    END IF;
    IF NEW.data_version < OLD.data_version OR NEW.page_version < OLD.page_version OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'the versions only grow';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER versions_only_grow BEFORE UPDATE OR DELETE ON versions
    FOR EACH ROW EXECUTE FUNCTION versions_only_grow();

-- +goose StatementBegin
CREATE FUNCTION advance_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE versions SET data_version = data_version + 1, page_version = page_version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION advance_page_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE versions SET page_version = page_version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER uploads_version AFTER INSERT OR UPDATE OR DELETE ON uploads
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION advance_data_version();
CREATE CONSTRAINT TRIGGER metrics_version AFTER INSERT OR UPDATE OR DELETE ON metrics
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION advance_data_version();
CREATE CONSTRAINT TRIGGER annotations_version AFTER INSERT OR UPDATE OR DELETE ON annotations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION advance_page_version();
CREATE CONSTRAINT TRIGGER commentary_version AFTER INSERT OR UPDATE OR DELETE ON commentary
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION advance_page_version();
-- Editions are never changed or deleted (see 00006).
CREATE CONSTRAINT TRIGGER board_pack_editions_version AFTER INSERT ON board_pack_editions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION advance_page_version();

-- +goose Down
DROP TRIGGER board_pack_editions_version ON board_pack_editions;
DROP TRIGGER commentary_version ON commentary;
DROP TRIGGER annotations_version ON annotations;
DROP TRIGGER metrics_version ON metrics;
DROP TRIGGER uploads_version ON uploads;
DROP FUNCTION advance_page_version();
DROP FUNCTION advance_data_version();
DROP TABLE versions;
DROP FUNCTION versions_only_grow();
