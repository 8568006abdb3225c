-- Sign-in throttling that reserves each attempt before its password is
-- checked, and the browsers users have signed in with, on SQLite. Its
-- twin, ../postgres/00011_login_throttle.sql, must keep the same tables,
-- columns and indexes.

-- +goose Up
-- One row per throttled key ("user:NAME", "ip:ADDRESS" or
-- "device:SHA256"): the attempts counted against it (each reserved
-- before its password is checked, and given back when it succeeds), the
-- earliest time the next may be made, and when the last was. A key
-- quiet for long enough is forgotten.
CREATE TABLE login_throttle (
    key      TEXT    NOT NULL PRIMARY KEY,
    attempts INTEGER NOT NULL,
    next_at  TEXT    NOT NULL,
    last_at  TEXT    NOT NULL
) STRICT;
CREATE INDEX login_throttle_last_at ON login_throttle (last_at);

-- A browser a user has signed in with, by the SHA-256 of the random
-- token in its cookie (the token itself is never stored). Its sign-ins
-- are counted against it alone, so strangers failing against the user's
-- name, or from the same address, do not hold it back.
CREATE TABLE login_devices (
    token_sha256 TEXT    NOT NULL PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL
) STRICT;
CREATE INDEX login_devices_last_seen_at ON login_devices (last_seen_at);

-- The failures of the throttle before: one row per failure, counted
-- after the password was checked.
DROP TABLE login_failures;

-- +goose Down
CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
DROP TABLE login_devices;
DROP TABLE login_throttle;
