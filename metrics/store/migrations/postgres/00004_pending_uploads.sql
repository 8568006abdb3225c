-- Files checked by a dry run in the browser and waiting for their
-- uploader to confirm, on PostgreSQL. Its twin is ../sqlite/.
-- Kept in the database, not in one server's memory, so the confirming
-- request may reach another server behind the same load balancer.

-- +goose Up
CREATE TABLE pending_uploads (
    sha256     TEXT COLLATE "C" NOT NULL,
    user_name  TEXT COLLATE "C" NOT NULL,
    file_name  TEXT COLLATE "C" NOT NULL,
    content    BYTEA NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (sha256, user_name)
);
CREATE INDEX pending_uploads_created ON pending_uploads (created_at);

-- +goose Down
DROP TABLE pending_uploads;
