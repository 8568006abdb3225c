-- Large original files in parts, on PostgreSQL. Its twin is ../sqlite/.
-- A table of a gigabyte is read as a stream and stored the same way, in
-- parts of a few megabytes, so that no step holds the whole file in
-- memory. Its upload_files row then has empty content; UploadContent joins
-- the parts back together in order.

-- +goose Up
CREATE TABLE upload_file_parts (
    upload_id BIGINT  NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    part      INTEGER NOT NULL CHECK (part >= 0),
    content   BYTEA   NOT NULL,
    PRIMARY KEY (upload_id, part)
);

-- +goose Down
DROP TABLE upload_file_parts;
