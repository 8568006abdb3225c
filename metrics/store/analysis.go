package store

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// CurrentSeries returns the current values of every metric the viewer
// may see, keyed by metric id, each series ordered as Series orders it
// (period start, area, period end). Metrics with no values are absent.
// It is the overview's and the board pack's one read of the figures
// behind their analyses: a baseline comparison and an SPC chart need a
// measure's whole history, not only its latest period. Its cost grows
// with the number of current values, so it reads them in one query
// rather than one per metric.
func (s *Store) CurrentSeries(ctx context.Context, scope metrics.Scope) (map[string][]metrics.Observation, error) {
	var rows []obsRow
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &rows, s.rebind(`
			SELECT `+obsColumns+`
			FROM observations o
			JOIN metrics m ON m.id = o.metric_id
			JOIN uploads u ON u.id = o.upload_id
			WHERE o.superseded_by IS NULL AND `+visible+`
			ORDER BY o.metric_id, o.period_start, o.area, o.period_end, o.id`), scope.Sensitive)
	})
	if err != nil {
		return nil, wrapRead("current series", err)
	}
	out := map[string][]metrics.Observation{}
	for _, r := range rows {
		o, err := r.observation()
		if err != nil {
			return nil, err
		}
		out[o.MetricID] = append(out[o.MetricID], o)
	}
	return out, nil
}
