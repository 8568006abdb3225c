package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// RollbackPlan is what rolling an upload back would do, read before it is
// done so that a person can confirm it: the values it removes and
// restores for each measure, the finance month it takes back to an
// earlier file, and the catalogue entries it restores or deletes.
type RollbackPlan struct {
	Upload    metrics.Upload
	Measures  []RollbackMeasure
	Finance   *RollbackFinance
	Catalogue []RollbackEntry
}

// RollbackMeasure is what a rollback does to one measure's values.
type RollbackMeasure struct {
	MetricID string `db:"metric_id"`
	Name     string `db:"name"`
	// Removed values are the upload's own; Restored are those it
	// replaced, which become current again.
	Removed  int `db:"removed"`
	Restored int `db:"restored"`
}

// RollbackFinance is what a rollback does to the finance month the
// upload gave.
type RollbackFinance struct {
	Period metrics.FinancePeriod
	// Current is true when the upload's figures are the month's current
	// ones (a later upload has not revised the month since).
	Current bool
	// Back is the revision the month goes back to, nil when none: the
	// month then has no figures.
	Back *metrics.FinanceRevision
}

// RollbackEntry is a catalogue entry a rollback restores or deletes.
type RollbackEntry struct {
	MetricID string
	Name     string
	// Delete is true for a measure only the upload created (and that has
	// no other values); Kept for one a later upload changed since, which
	// keeps that change; otherwise Before is what it goes back to.
	Delete bool
	Kept   bool
	Before metrics.Metric
}

// PlanRollback reads what RollbackUpload(id) would do. An upload that is
// not stored gives ENOTFOUND.
func (s *Store) PlanRollback(ctx context.Context, id int64) (RollbackPlan, error) {
	var p RollbackPlan
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var row uploadRow
		err := tx.GetContext(ctx, &row, s.rebind(`SELECT `+uploadColumns+` FROM uploads WHERE id = ?`), id)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && row.Status != metrics.StatusStored) {
			return metrics.Errorf(metrics.ENOTFOUND, "upload %d is not a stored upload", id)
		}
		if err != nil {
			return err
		}
		if p.Upload, err = row.upload(); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &p.Measures, s.rebind(`
			SELECT b.metric_id, m.name, CAST(SUM(b.n) AS BIGINT) AS removed
			FROM value_blocks b JOIN metrics m ON m.id = b.metric_id
			WHERE b.upload_id = ?
			GROUP BY b.metric_id, m.name
			ORDER BY m.name`), id); err != nil {
			return fmt.Errorf("values: %w", err)
		}
		for i := range p.Measures {
			m := &p.Measures[i]
			before, err := s.currentIn(ctx, tx, m.MetricID)
			if err != nil {
				return err
			}
			after, err := currentFromBlocks(ctx, tx, s.rebind, m.MetricID, id)
			if err != nil {
				return fmt.Errorf("values of %q without the upload: %w", m.MetricID, err)
			}
			m.Restored = restoredCount(before, after, id)
		}
		if err := s.planFinance(ctx, tx, id, &p); err != nil {
			return err
		}
		return s.planCatalogue(ctx, tx, id, &p)
	})
	if err != nil {
		return p, wrapRead(fmt.Sprintf("plan the rollback of upload %d", id), err)
	}
	return p, nil
}

func (s *Store) planFinance(ctx context.Context, tx *sqlx.Tx, id int64, p *RollbackPlan) error {
	var fm struct {
		FYStart      int           `db:"fy_start"`
		Month        int           `db:"month"`
		SupersededBy sql.NullInt64 `db:"superseded_by"`
	}
	err := tx.GetContext(ctx, &fm, s.rebind(`SELECT fy_start, month, superseded_by FROM finance_months WHERE upload_id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("finance month: %w", err)
	}
	p.Finance = &RollbackFinance{Period: metrics.FinancePeriod{FYStart: fm.FYStart, Month: fm.Month}, Current: !fm.SupersededBy.Valid}
	if !p.Finance.Current {
		return nil
	}
	var back financeMonthRow
	err = tx.GetContext(ctx, &back, s.rebind(`
		SELECT `+financeMonthColumns+`, `+revisionsSQL+`, `+revenueTotalsSQL+`
		FROM finance_months fm JOIN uploads u ON u.id = fm.upload_id
		WHERE fm.superseded_by = ?
		ORDER BY fm.upload_id DESC LIMIT 1`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("the revision before: %w", err)
	}
	m, err := back.month()
	if err != nil {
		return err
	}
	p.Finance.Back = &metrics.FinanceRevision{Month: m, BudgetGBP: back.BudgetGBP, ForecastGBP: back.ForecastGBP}
	return nil
}

func (s *Store) planCatalogue(ctx context.Context, tx *sqlx.Tx, id int64, p *RollbackPlan) error {
	var changes []catalogueChange
	if err := tx.SelectContext(ctx, &changes, s.rebind(`
		SELECT metric_id, created, name, unit, direction, target, classification, category, benchmark, benchmark_label, derivation
		FROM catalogue_changes WHERE upload_id = ? ORDER BY metric_id`), id); err != nil {
		return fmt.Errorf("catalogue changes: %w", err)
	}
	for _, c := range changes {
		e := RollbackEntry{MetricID: c.MetricID, Before: c.before()}
		var cur struct {
			Name   string `db:"name"`
			Values int    `db:"other_values"`
			Later  int    `db:"later"`
		}
		err := tx.GetContext(ctx, &cur, s.rebind(`
			SELECT m.name,
				(SELECT COUNT(*) FROM value_blocks b WHERE b.metric_id = m.id AND b.upload_id <> ?) AS other_values,
				(SELECT COUNT(*) FROM catalogue_changes cc JOIN uploads u ON u.id = cc.upload_id
				 WHERE cc.metric_id = m.id AND cc.upload_id > ? AND u.status = ?) AS later
			FROM metrics m WHERE m.id = ?`), id, id, metrics.StatusStored, c.MetricID)
		if errors.Is(err, sql.ErrNoRows) {
			continue // deleted since
		}
		if err != nil {
			return fmt.Errorf("catalogue entry %s: %w", c.MetricID, err)
		}
		e.Name = cur.Name
		switch {
		case cur.Later > 0:
			e.Kept = true
		case c.Created == 1 && cur.Values == 0:
			e.Delete = true
		case c.Created == 1:
			continue // other uploads' values keep it
		}
		p.Catalogue = append(p.Catalogue, e)
	}
	return nil
}
