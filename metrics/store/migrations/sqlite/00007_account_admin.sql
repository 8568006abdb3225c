-- Account administration on the web, and sign-in throttling shared by
-- every server on one database, on SQLite. Its twin,
-- ../postgres/00007_account_admin.sql, must keep the same tables, columns
-- and indexes.

-- +goose Up
-- A session keeps the generation its user had when it began; disabling
-- the user or resetting their password adds one, which voids every
-- session they hold on every server at once (scs's store cannot be
-- searched by user: a session's data is an encoded blob).
ALTER TABLE users ADD COLUMN session_gen INTEGER NOT NULL DEFAULT 0;
-- Set while the user holds a password an administrator generated: they
-- must choose their own before anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
-- When the token last authenticated a request (stamped at most every few
-- minutes per server), NULL if never.
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;

-- Failed sign-ins of the last few minutes, one row per failure and key
-- ("user:NAME" or "ip:ADDRESS"). Rows older than the throttle's window
-- are deleted as new failures are recorded.
CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- +goose Down
DROP TABLE login_failures;
ALTER TABLE api_tokens DROP COLUMN last_used_at;
ALTER TABLE users DROP COLUMN must_change_password;
ALTER TABLE users DROP COLUMN session_gen;
