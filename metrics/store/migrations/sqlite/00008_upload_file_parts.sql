-- Large original files in parts, on SQLite. Its twin is ../postgres/.
-- A table of a gigabyte is read as a stream and stored the same way, in
-- parts of a few megabytes, so that no step holds the whole file in
-- memory. Its upload_files row then has empty content; UploadContent joins
-- the parts back together in order.

-- +goose Up
CREATE TABLE upload_file_parts (
    upload_id INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    part      INTEGER NOT NULL CHECK (part >= 0),
    content   BLOB    NOT NULL,
    PRIMARY KEY (upload_id, part)
) STRICT;

-- +goose Down
DROP TABLE upload_file_parts;
