package store

import (
	"context"
	"fmt"
	"math"

	"github.com/assure-pcc/assure/metrics"
)

// UpdateMetric changes an existing catalogue entry (an analyst's edit in
// the dashboard) and returns it as it was before, so the change can be
// audited. An unknown id gives ENOTFOUND. The id itself never changes:
// stored values refer to it.
func (s *Store) UpdateMetric(ctx context.Context, m metrics.Metric) (before metrics.Metric, err error) {
	if err := m.Validate(); err != nil {
		return before, err
	}
	if m.Target != nil && (math.IsNaN(*m.Target) || math.IsInf(*m.Target, 0)) {
		return before, metrics.Errorf(metrics.EINVALID, "metric %q: target %v is not a finite number", m.ID, *m.Target)
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return before, fmt.Errorf("update metric %q: %w", m.ID, err)
	}
	defer tx.Rollback()
	before, err = s.getVisibleMetric(ctx, tx, metrics.Everything, m.ID)
	if err != nil {
		return before, err
	}
	m.Derivation = before.Derivation
	if err := s.checkDerivedOpen(ctx, tx, m); err != nil {
		return before, err
	}
	_, err = tx.ExecContext(ctx, s.rebind(`UPDATE metrics SET name = ?, unit = ?, direction = ?, target = ?, classification = ?, category = ?, updated_at = ?
		WHERE id = ?`), m.Name, m.Unit, string(m.Direction), m.Target, string(m.Classification), m.Category, formatTime(s.now()), m.ID)
	if err != nil {
		return before, fmt.Errorf("update metric %q: %w", m.ID, err)
	}
	return before, tx.Commit()
}
