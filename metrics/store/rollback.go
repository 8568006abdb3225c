package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/assure-pcc/assure/metrics"
)

// RollbackCounts says what a rollback undid.
type RollbackCounts struct {
	// Removed is the number of the upload's values (and finance months)
	// deleted.
	Removed int64
	// Restored is the number of earlier values (and finance months) made
	// current again.
	Restored int64
}

// RollbackUpload undoes a stored upload: its values are removed and the
// values it superseded become current again, unless a later upload has
// since given that cell a value, in which case they stay in the history
// as superseded by it. The upload keeps its row and original file, with
// status rolled_back, so the history says what happened; the same file
// may be uploaded again afterwards. An upload that is not stored gives
// ENOTFOUND.
func (s *Store) RollbackUpload(ctx context.Context, id int64) (RollbackCounts, error) {
	var counts RollbackCounts
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return counts, fmt.Errorf("rollback upload %d: %w", id, err)
	}
	defer tx.Rollback()
	if err := s.lockIngest(ctx, tx); err != nil {
		return counts, fmt.Errorf("rollback upload %d: wait for ingests: %w", id, err)
	}
	var status string
	err = tx.GetContext(ctx, &status, s.rebind(`SELECT status FROM uploads WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != metrics.StatusStored) {
		return counts, metrics.Errorf(metrics.ENOTFOUND, "upload %d is not a stored upload", id)
	}
	if err != nil {
		return counts, fmt.Errorf("rollback upload %d: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM observations WHERE upload_id = ?`), id)
	if err != nil {
		return counts, fmt.Errorf("rollback upload %d: remove values: %w", id, err)
	}
	counts.Removed, _ = res.RowsAffected()
	// Values this upload superseded become current where no other value
	// now is...
	res, err = tx.ExecContext(ctx, s.rebind(`
		UPDATE observations SET superseded_by = NULL
		WHERE superseded_by = ? AND NOT EXISTS (
			SELECT 1 FROM observations c
			WHERE c.metric_id = observations.metric_id AND c.area = observations.area
			  AND c.period_key = observations.period_key AND c.superseded_by IS NULL)`), id)
	if err != nil {
		return counts, fmt.Errorf("rollback upload %d: restore values: %w", id, err)
	}
	counts.Restored, _ = res.RowsAffected()
	// ...and where a later upload holds the cell, they are superseded by it.
	_, err = tx.ExecContext(ctx, s.rebind(`
		UPDATE observations SET superseded_by = (
			SELECT MIN(c.upload_id) FROM observations c
			WHERE c.metric_id = observations.metric_id AND c.area = observations.area
			  AND c.period_key = observations.period_key AND c.superseded_by IS NULL)
		WHERE superseded_by = ?`), id)
	if err != nil {
		return counts, fmt.Errorf("rollback upload %d: re-point history: %w", id, err)
	}
	// A finance upload's month figures are undone the same way.
	finRemoved, finRestored, err := s.rollbackFinance(ctx, tx, id)
	if err != nil {
		return counts, fmt.Errorf("rollback upload %d: %w", id, err)
	}
	counts.Removed += finRemoved
	counts.Restored += finRestored
	if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE uploads SET status = ? WHERE id = ?`), metrics.StatusRolledBack, id); err != nil {
		return counts, fmt.Errorf("rollback upload %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return counts, fmt.Errorf("rollback upload %d: commit: %w", id, err)
	}
	return counts, nil
}
