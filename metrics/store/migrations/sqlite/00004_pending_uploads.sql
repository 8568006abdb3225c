-- Files checked by a dry run in the browser and waiting for their
-- uploader to confirm, on SQLite. Its twin is ../postgres/.
-- Kept in the database, not in one server's memory, so the confirming
-- request may reach another server behind the same load balancer.

-- +goose Up
CREATE TABLE pending_uploads (
    sha256     TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    content    BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (sha256, user_name)
) STRICT;
CREATE INDEX pending_uploads_created ON pending_uploads (created_at);

-- +goose Down
DROP TABLE pending_uploads;
