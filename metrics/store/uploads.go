package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

const uploadColumns = `id, file_name, sha256, kind, status, size, uploaded_at, uploaded_by`

// uploadRow is an uploads row as stored.
type uploadRow struct {
	ID         int64  `db:"id"`
	FileName   string `db:"file_name"`
	SHA256     string `db:"sha256"`
	Kind       string `db:"kind"`
	Status     string `db:"status"`
	Size       int64  `db:"size"`
	UploadedAt string `db:"uploaded_at"`
	UploadedBy string `db:"uploaded_by"`
}

func (r uploadRow) upload() (metrics.Upload, error) {
	at, err := parseTime(r.UploadedAt)
	if err != nil {
		return metrics.Upload{}, fmt.Errorf("upload %d: %w", r.ID, err)
	}
	return metrics.Upload{
		ID:         r.ID,
		FileName:   r.FileName,
		SHA256:     r.SHA256,
		Kind:       r.Kind,
		Status:     r.Status,
		Size:       r.Size,
		UploadedAt: at,
		UploadedBy: r.UploadedBy,
	}, nil
}

// FindUploadBySHA returns the stored upload whose content has this
// SHA-256 (hex, either case), and false when there is none: the ingest
// uses it to make the same file twice a no-op.
func (s *Store) FindUploadBySHA(ctx context.Context, sha256 string) (metrics.Upload, bool, error) {
	var u metrics.Upload
	var found bool
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		u, found, err = findUploadBySHA(ctx, tx, s.rebind, sha256)
		return err
	})
	if err != nil {
		return metrics.Upload{}, false, fmt.Errorf("find upload by sha256: %w", err)
	}
	return u, found, nil
}

func findUploadBySHA(ctx context.Context, q sqlx.QueryerContext, rebind func(string) string, sha string) (metrics.Upload, bool, error) {
	var r uploadRow
	err := sqlx.GetContext(ctx, q, &r, rebind(`SELECT `+uploadColumns+` FROM uploads WHERE sha256 = ? AND status = 'stored'`), strings.ToLower(sha))
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.Upload{}, false, nil
	}
	if err != nil {
		return metrics.Upload{}, false, err
	}
	u, err := r.upload()
	return u, err == nil, err
}

// ListUploads returns every stored upload, newest first (by upload time,
// then by id for uploads stamped with the same time).
func (s *Store) ListUploads(ctx context.Context) ([]metrics.Upload, error) {
	var rows []uploadRow
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &rows, `SELECT `+uploadColumns+` FROM uploads ORDER BY uploaded_at DESC, id DESC`)
	})
	if err != nil {
		return nil, fmt.Errorf("list uploads: %w", err)
	}
	out, err := fromRows(rows, uploadRow.upload)
	if err != nil {
		return nil, fmt.Errorf("list uploads: %w", err)
	}
	return out, nil
}

// UploadContent returns an upload and the bytes of its original file, as
// uploaded, so that the database can be rebuilt from the archive. It
// returns a *metrics.Error ENOTFOUND when there is no such upload.
func (s *Store) UploadContent(ctx context.Context, id int64) (metrics.Upload, []byte, error) {
	var row struct {
		uploadRow
		Content []byte `db:"content"`
	}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &row, s.rebind(`
			SELECT u.id, u.file_name, u.sha256, u.kind, u.status, u.size, u.uploaded_at, u.uploaded_by, f.content
			FROM uploads u JOIN upload_files f ON f.upload_id = u.id
			WHERE u.id = ?`), id)
		if err == nil && len(row.Content) == 0 && row.Size > 0 {
			// A streamed original is stored in parts (upload_parts.go).
			row.Content, err = appendParts(ctx, tx, s.rebind, id, row.Content)
		}
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.Upload{}, nil, metrics.Errorf(metrics.ENOTFOUND, "upload %d not found", id)
	}
	if err != nil {
		return metrics.Upload{}, nil, fmt.Errorf("upload content %d: %w", id, err)
	}
	u, err := row.upload()
	if err != nil {
		return metrics.Upload{}, nil, err
	}
	return u, row.Content, nil
}
