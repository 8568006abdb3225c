package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// The drop folder's record of the files it took, by SHA-256, so that a
// file is ingested once however often it is dropped, and by whichever
// server watches the folder.

// WatchedFile is a file the drop folder took.
type WatchedFile struct {
	SHA256, FileName, Status string
	UploadID                 int64
	SeenAt                   time.Time
}

// ClaimWatchedFile records that a file with this content is being
// ingested, and reports true. When the content was taken before, it
// reports false and the earlier record.
func (s *Store) ClaimWatchedFile(ctx context.Context, sha256, name string) (bool, WatchedFile, error) {
	res, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO watched_files (sha256, file_name, status, seen_at) VALUES (?, ?, 'claimed', ?)
		ON CONFLICT (sha256) DO NOTHING`), sha256, name, formatTime(s.now()))
	if err != nil {
		return false, WatchedFile{}, fmt.Errorf("claim %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, WatchedFile{}, nil
	}
	var r struct {
		Name     string        `db:"file_name"`
		Status   string        `db:"status"`
		UploadID sql.NullInt64 `db:"upload_id"`
		SeenAt   string        `db:"seen_at"`
	}
	err = s.db.GetContext(ctx, &r, s.rebind(`SELECT file_name, status, upload_id, seen_at FROM watched_files WHERE sha256 = ?`), sha256)
	if errors.Is(err, sql.ErrNoRows) {
		return false, WatchedFile{}, metrics.Errorf(metrics.ECONFLICT, "the record of %s went while it was read", name)
	}
	if err != nil {
		return false, WatchedFile{}, fmt.Errorf("claim %s: %w", name, err)
	}
	at, _ := parseTime(r.SeenAt)
	return false, WatchedFile{SHA256: sha256, FileName: r.Name, Status: r.Status, UploadID: r.UploadID.Int64, SeenAt: at}, nil
}

// FinishWatchedFile records what became of a claimed file.
func (s *Store) FinishWatchedFile(ctx context.Context, sha256, status string, uploadID int64) error {
	up := sql.NullInt64{Int64: uploadID, Valid: uploadID != 0}
	_, err := s.db.ExecContext(ctx, s.rebind(`UPDATE watched_files SET status = ?, upload_id = ? WHERE sha256 = ?`), status, up, sha256)
	return err
}

// ReleaseWatchedFile forgets a claim whose ingest failed for a reason of
// Assure's own (the database went away), so that the file is tried
// again.
func (s *Store) ReleaseWatchedFile(ctx context.Context, sha256 string) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`DELETE FROM watched_files WHERE sha256 = ? AND status = 'claimed'`), sha256)
	return err
}
