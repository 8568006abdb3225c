package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// visible is the scope filter of every read: a metric is returned when it
// is open or when the viewer may see sensitive data. Its one placeholder
// takes Scope.Sensitive. It is written into the query, not applied to the
// rows afterwards, so that a read cannot return what its viewer may not
// see even by mistake.
const visible = `(m.classification = 'open' OR ?)`

const metricColumns = `m.id, m.name, m.unit, m.direction, m.target, m.classification, m.category, m.benchmark, m.benchmark_label, m.derivation`

// ListMetrics returns the catalogue as the viewer may see it, ordered by
// category, then name (then id, so that the order is total).
func (s *Store) ListMetrics(ctx context.Context, scope metrics.Scope) ([]metrics.Metric, error) {
	var out []metrics.Metric
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = s.listMetrics(ctx, tx, scope)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list metrics: %w", err)
	}
	return out, nil
}

func (s *Store) listMetrics(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope) ([]metrics.Metric, error) {
	out := []metrics.Metric{}
	err := tx.SelectContext(ctx, &out, s.rebind(`
		SELECT `+metricColumns+` FROM metrics m
		WHERE `+visible+`
		ORDER BY m.category, m.name, m.id`), scope.Sensitive)
	return out, err
}

// GetMetric returns one metric of the catalogue. A metric that does not
// exist and one the viewer may not see give the same *metrics.Error
// ENOTFOUND, so that the answer does not reveal that a sensitive measure
// exists.
func (s *Store) GetMetric(ctx context.Context, scope metrics.Scope, id string) (metrics.Metric, error) {
	var m metrics.Metric
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		m, err = s.getVisibleMetric(ctx, tx, scope, id)
		return err
	})
	return m, err
}

// getVisibleMetric is GetMetric inside a read transaction.
func (s *Store) getVisibleMetric(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, id string) (metrics.Metric, error) {
	var m metrics.Metric
	err := tx.GetContext(ctx, &m, s.rebind(`
		SELECT `+metricColumns+` FROM metrics m
		WHERE m.id = ? AND `+visible), id, scope.Sensitive)
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.Metric{}, metricNotFound(id)
	}
	if err != nil {
		return metrics.Metric{}, fmt.Errorf("get metric %q: %w", id, err)
	}
	return m, nil
}

func metricNotFound(id string) error {
	return metrics.Errorf(metrics.ENOTFOUND, "metric %q not found", id)
}
