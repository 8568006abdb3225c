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
// measure's whole history, not only its latest period.
//
// Its cost grows with the number of current values, so it is written for
// speed (measured on 480,000 values in SQLite, about 5 s with sqlx
// scanning joined rows into structs, most of it copying and collecting
// garbage): the rows stream from an unordered scan through currentScan,
// and each metric's values are sorted in Go, which is cheaper than
// SQLite's sort of the whole table.
func (s *Store) CurrentSeries(ctx context.Context, scope metrics.Scope) (map[string][]metrics.Observation, error) {
	out := map[string][]metrics.Observation{}
	ids := map[string][]int64{}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		sources, err := uploadSources(ctx, tx, `SELECT id, file_name, uploaded_at FROM uploads`)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.rebind(`
			SELECT `+currentColumns+`
			FROM observations o
			JOIN metrics m ON m.id = o.metric_id
			WHERE o.superseded_by IS NULL AND `+visible), scope.Sensitive)
		if err != nil {
			return err
		}
		return newCurrentScan(sources).scan(rows, func(id int64, o metrics.Observation) {
			out[o.MetricID] = append(out[o.MetricID], o)
			ids[o.MetricID] = append(ids[o.MetricID], id)
		})
	})
	if err != nil {
		return nil, wrapRead("current series", err)
	}
	for metric, obs := range out {
		sortSeries(obs, ids[metric])
	}
	return out, nil
}
