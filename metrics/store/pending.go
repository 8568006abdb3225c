package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// PendingLifetime is how long a checked file waits for its uploader to
// confirm it before it is forgotten.
const PendingLifetime = time.Hour

// SavePending keeps a file that passed a dry run until its uploader
// confirms it, replacing the same user's earlier copy of the same file.
// Expired pending files are removed on the way.
func (s *Store) SavePending(ctx context.Context, sha256, user, fileName string, content []byte) (err error) {
	now := s.now()
	defer func() {
		if err != nil {
			// A file as large as an upload may have filled the disk:
			// give back what its void pages took (see reclaimWAL).
			s.reclaimWAL()
		}
	}()
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save pending upload: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM pending_uploads WHERE created_at < ? OR (sha256 = ? AND user_name = ?)`),
		formatTime(now.Add(-PendingLifetime)), sha256, user); err != nil {
		return fmt.Errorf("save pending upload: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO pending_uploads (sha256, user_name, file_name, content, created_at) VALUES (?, ?, ?, ?, ?)`),
		sha256, user, fileName, content, formatTime(now)); err != nil {
		return fmt.Errorf("save pending upload: %w", err)
	}
	return tx.Commit()
}

// TakePending returns and forgets a user's pending file. A file that is
// unknown, expired or another user's gives ENOTFOUND.
func (s *Store) TakePending(ctx context.Context, sha256, user string) (fileName string, content []byte, err error) {
	var row struct {
		FileName  string `db:"file_name"`
		Content   []byte `db:"content"`
		CreatedAt string `db:"created_at"`
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return "", nil, fmt.Errorf("take pending upload: %w", err)
	}
	defer tx.Rollback()
	err = tx.GetContext(ctx, &row, s.rebind(`SELECT file_name, content, created_at FROM pending_uploads WHERE sha256 = ? AND user_name = ?`), sha256, user)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, metrics.Errorf(metrics.ENOTFOUND, "that checked file is no longer waiting (files wait %s): upload it again", PendingLifetime)
	}
	if err != nil {
		return "", nil, fmt.Errorf("take pending upload: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM pending_uploads WHERE sha256 = ? AND user_name = ?`), sha256, user); err != nil {
		return "", nil, fmt.Errorf("take pending upload: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", nil, fmt.Errorf("take pending upload: %w", err)
	}
	created, err := parseTime(row.CreatedAt)
	if err != nil {
		return "", nil, err
	}
	if s.now().Sub(created) > PendingLifetime {
		return "", nil, metrics.Errorf(metrics.ENOTFOUND, "that checked file is no longer waiting (files wait %s): upload it again", PendingLifetime)
	}
	return row.FileName, row.Content, nil
}
