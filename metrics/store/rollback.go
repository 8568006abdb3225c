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
	// The measures whose current values the rollback changes: those the
	// upload gave values to. Their current series are rewritten from the
	// blocks left; an older value is restored where the upload's was
	// current and an older upload gives the same area and period.
	var valued []struct {
		MetricID string `db:"metric_id"`
		N        int64  `db:"n"`
	}
	if err := tx.SelectContext(ctx, &valued, s.rebind(`
		SELECT metric_id, CAST(SUM(n) AS BIGINT) AS n FROM value_blocks WHERE upload_id = ?
		GROUP BY metric_id ORDER BY metric_id`), id); err != nil {
		return counts, fmt.Errorf("rollback upload %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM value_blocks WHERE upload_id = ?`), id); err != nil {
		return counts, fmt.Errorf("rollback upload %d: remove values: %w", id, err)
	}
	for _, v := range valued {
		counts.Removed += v.N
		before, err := s.currentIn(ctx, tx, v.MetricID)
		if err != nil {
			return counts, fmt.Errorf("rollback upload %d: %w", id, err)
		}
		after, err := currentFromBlocks(ctx, tx, s.rebind, v.MetricID, 0)
		if err != nil {
			return counts, fmt.Errorf("rollback upload %d: current series of %q: %w", id, v.MetricID, err)
		}
		counts.Restored += int64(restoredCount(before, after, id))
		if err := writeCurrent(ctx, tx, s.rebind, v.MetricID, after); err != nil {
			return counts, fmt.Errorf("rollback upload %d: %w", id, err)
		}
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

// currentIn decodes a metric's current series as tx sees it (none when
// it has no values).
func (s *Store) currentIn(ctx context.Context, tx *sqlx.Tx, metricID string) ([]metrics.Observation, error) {
	var blob []byte
	err := tx.QueryRowContext(ctx, s.rebind(`SELECT series FROM current_series WHERE metric_id = ?`), metricID).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("current series of %q: %w", metricID, err)
	}
	obs, err := decodeSeries(blob)
	if err != nil {
		return nil, fmt.Errorf("current series of %q: %w", metricID, err)
	}
	return obs, nil
}

// restoredCount is how many of the values current after a rollback of
// upload id replace one of its values that was current before: the older
// values the rollback makes current again.
func restoredCount(before, after []metrics.Observation, id int64) int {
	type cellKey struct{ area, period string }
	was := map[cellKey]struct{}{}
	for _, o := range before {
		if o.Source.UploadID == id {
			was[cellKey{o.Area, o.Period.Key()}] = struct{}{}
		}
	}
	n := 0
	for _, o := range after {
		if _, ok := was[cellKey{o.Area, o.Period.Key()}]; ok {
			n++
		}
	}
	return n
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
			if err := tx.GetContext(ctx, &n, s.rebind(`SELECT COUNT(*) FROM value_blocks WHERE metric_id = ?`), c.MetricID); err != nil {
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
