package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

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
//
// The catalogue goes back too: each measure the upload changed gets its
// entry as it was before (unless a later upload changed it since, whose
// change stands), a measure only the upload created is deleted with
// everything about it, and the upload's aliases and waiting proposals go.
// A rollback never opens a measure: where the entry before was open and
// is now sensitive, it stays sensitive and a proposal to open it again,
// made by, waits for approval.
func (s *Store) RollbackUpload(ctx context.Context, id int64, by string) (RollbackCounts, error) {
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
	if err := s.rollbackCatalogue(ctx, tx, id, by); err != nil {
		return counts, fmt.Errorf("rollback upload %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE uploads SET status = ? WHERE id = ?`), metrics.StatusRolledBack, id); err != nil {
		return counts, fmt.Errorf("rollback upload %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return counts, fmt.Errorf("rollback upload %d: commit: %w", id, err)
	}
	return counts, nil
}

// catalogueChange is a row of catalogue_changes: a measure's entry before
// an upload changed it.
type catalogueChange struct {
	MetricID       string          `db:"metric_id"`
	Created        int             `db:"created"`
	Name           sql.NullString  `db:"name"`
	Unit           sql.NullString  `db:"unit"`
	Direction      sql.NullString  `db:"direction"`
	Target         sql.NullFloat64 `db:"target"`
	Classification sql.NullString  `db:"classification"`
	Category       sql.NullString  `db:"category"`
	Benchmark      sql.NullFloat64 `db:"benchmark"`
	BenchmarkLabel sql.NullString  `db:"benchmark_label"`
	Derivation     sql.NullString  `db:"derivation"`
}

func (c catalogueChange) before() metrics.Metric {
	m := metrics.Metric{ID: c.MetricID, Name: c.Name.String, Unit: c.Unit.String, Direction: metrics.Direction(c.Direction.String),
		Classification: metrics.Classification(c.Classification.String), Category: c.Category.String,
		BenchmarkLabel: c.BenchmarkLabel.String, Derivation: c.Derivation.String}
	if c.Target.Valid {
		v := c.Target.Float64
		m.Target = &v
	}
	if c.Benchmark.Valid {
		v := c.Benchmark.Float64
		m.Benchmark = &v
	}
	return m
}

// rollbackCatalogue restores the catalogue entries an upload changed; see
// RollbackUpload.
func (s *Store) rollbackCatalogue(ctx context.Context, tx *sqlx.Tx, id int64, by string) error {
	now := formatTime(s.now())
	var changes []catalogueChange
	if err := tx.SelectContext(ctx, &changes, s.rebind(`
		SELECT metric_id, created, name, unit, direction, target, classification, category, benchmark, benchmark_label, derivation
		FROM catalogue_changes WHERE upload_id = ? ORDER BY metric_id`), id); err != nil {
		return fmt.Errorf("read catalogue changes: %w", err)
	}
	for _, c := range changes {
		var later sql.NullInt64
		if err := tx.GetContext(ctx, &later, s.rebind(`
			SELECT MIN(cc.upload_id) FROM catalogue_changes cc JOIN uploads u ON u.id = cc.upload_id
			WHERE cc.metric_id = ? AND cc.upload_id > ? AND u.status = ?`), c.MetricID, id, metrics.StatusStored); err != nil {
			return fmt.Errorf("later changes of %s: %w", c.MetricID, err)
		}
		if later.Valid {
			// The later upload's change stands; what it changed from is
			// now what this upload changed from.
			if _, err := tx.ExecContext(ctx, s.rebind(`
				UPDATE catalogue_changes SET created = ?, name = ?, unit = ?, direction = ?, target = ?, classification = ?, category = ?,
					benchmark = ?, benchmark_label = ?, derivation = ?
				WHERE upload_id = ? AND metric_id = ?`),
				c.Created, c.Name, c.Unit, c.Direction, c.Target, c.Classification, c.Category,
				c.Benchmark, c.BenchmarkLabel, c.Derivation, later.Int64, c.MetricID); err != nil {
				return fmt.Errorf("hand the catalogue entry of %s to upload %d: %w", c.MetricID, later.Int64, err)
			}
			continue
		}
		if c.Created == 1 {
			var n int
			if err := tx.GetContext(ctx, &n, s.rebind(`SELECT COUNT(*) FROM observations WHERE metric_id = ?`), c.MetricID); err != nil {
				return fmt.Errorf("values of %s: %w", c.MetricID, err)
			}
			if n == 0 {
				if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM metrics WHERE id = ?`), c.MetricID); err != nil {
					return fmt.Errorf("delete %s, which the upload created: %w", c.MetricID, err)
				}
			}
			continue
		}
		before := c.before()
		var current string
		if err := tx.GetContext(ctx, &current, s.rebind(`SELECT classification FROM metrics WHERE id = ?`), c.MetricID); err != nil {
			return fmt.Errorf("read %s: %w", c.MetricID, err)
		}
		if before.Classification == metrics.Open && current != string(metrics.Open) {
			before.Classification = metrics.Sensitive
			reason := fmt.Sprintf("it was open before upload %d, which was rolled back", id)
			if err := proposeClassification(ctx, s, tx, c.MetricID, metrics.Open, 0, reason, by, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`
			UPDATE metrics SET name = ?, unit = ?, direction = ?, target = ?, classification = ?, category = ?,
				benchmark = ?, benchmark_label = ?, derivation = ?, updated_at = ?
			WHERE id = ?`), before.Name, before.Unit, string(before.Direction), before.Target, string(before.Classification), before.Category,
			before.Benchmark, before.BenchmarkLabel, before.Derivation, now, c.MetricID); err != nil {
			return fmt.Errorf("restore %s: %w", c.MetricID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM metric_aliases WHERE upload_id = ?`), id); err != nil {
		return fmt.Errorf("remove aliases: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`
		UPDATE classification_proposals SET status = 'withdrawn', decided_by = ?, decided_at = ?, note = 'the upload that proposed it was rolled back'
		WHERE upload_id = ? AND status = 'pending'`), by, now, id); err != nil {
		return fmt.Errorf("withdraw proposals: %w", err)
	}
	return nil
}
