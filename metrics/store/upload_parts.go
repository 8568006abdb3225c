package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// filePartBytes is the size of the parts a streamed original is stored
// in: big enough that a gigabyte is a few hundred rows, small enough that
// one part is nothing to hold in memory.
var filePartBytes = 4 << 20

// BeginIngestFrom is BeginIngest for an original read from r instead of
// held in memory, for files too large for that (a national table of a
// gigabyte). u.SHA256 and u.Size must be given: the caller has read the
// file once to find them, and r must give exactly that content, which is
// stored in parts (see migration 00008). Content that differs (the file
// changed in between) is an error, and the transaction is rolled back.
func (s *Store) BeginIngestFrom(ctx context.Context, u metrics.Upload, r io.Reader) (*IngestTx, error) {
	switch {
	case strings.TrimSpace(u.FileName) == "":
		return nil, metrics.Errorf(metrics.EINVALID, "upload has no file name")
	case len(u.SHA256) != 64 || u.Size < 0:
		return nil, metrics.Errorf(metrics.EINVALID, "%s: a streamed upload needs its sha256 and size", u.FileName)
	}
	u.SHA256 = strings.ToLower(u.SHA256)
	t, err := s.beginIngest(ctx, u, []byte{})
	if err != nil {
		return nil, err
	}
	if err := t.writeParts(ctx, r); err != nil {
		t.Rollback()
		return nil, err
	}
	return t, nil
}

// writeParts copies r into upload_file_parts, checking its digest and
// size against the upload's.
func (t *IngestTx) writeParts(ctx context.Context, r io.Reader) error {
	h := sha256.New()
	buf := make([]byte, filePartBytes)
	var size int64
	q := t.s.rebind(`INSERT INTO upload_file_parts (upload_id, part, content) VALUES (?, ?, ?)`)
	for part := 0; ; part++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			h.Write(buf[:n])
			size += int64(n)
			if _, xerr := t.tx.ExecContext(ctx, q, t.upload.ID, part, buf[:n]); xerr != nil {
				return fmt.Errorf("store part %d of %s: %w", part, t.upload.FileName, xerr)
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", t.upload.FileName, err)
		}
	}
	if digest := hex.EncodeToString(h.Sum(nil)); digest != t.upload.SHA256 || size != t.upload.Size {
		return metrics.Errorf(metrics.ECONFLICT, "%s changed while it was being read (it now has %d bytes, sha256 %s): nothing was stored; run the ingest again", t.upload.FileName, size, digest)
	}
	return nil
}

// appendParts adds an upload's stored parts, in order, to content.
func appendParts(ctx context.Context, tx *sqlx.Tx, rebind func(string) string, id int64, content []byte) ([]byte, error) {
	rows, err := tx.QueryContext(ctx, rebind(`SELECT content FROM upload_file_parts WHERE upload_id = ? ORDER BY part`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var part []byte
		if err := rows.Scan(&part); err != nil {
			return nil, err
		}
		content = append(content, part...)
	}
	return content, rows.Err()
}
