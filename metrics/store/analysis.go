package store

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// CurrentSeries returns the current values of every metric the viewer
// may see, keyed by metric id, each series ordered as Series orders it
// (period start, area, period end). Metrics with no values are absent.
// The overview and the board pack read less (HeadlineSeries); this whole
// read is what their tests compare them with, and what a check of every
// value (the demo data's test) reads.
//
// Each measure's series is read whole from current_series, one value
// per measure, and decoded.
func (s *Store) CurrentSeries(ctx context.Context, scope metrics.Scope) (map[string][]metrics.Observation, error) {
	out := map[string][]metrics.Observation{}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return s.readCurrent(ctx, tx, scope, "series", out)
	})
	if err != nil {
		return nil, wrapRead("current series", err)
	}
	if err := s.addDerived(ctx, scope, out, time.Time{}); err != nil {
		return nil, wrapRead("derived series", err)
	}
	return out, nil
}

// HeadlineSeries returns what an analysis of each metric's headline needs,
// for every metric the viewer may see, keyed by metric id and ordered as
// CurrentSeries orders them, counting only values whose period ended
// before the day of endedBefore (every value when it is zero):
//
//   - for a metric with such a value in one of headline (the force-wide
//     areas), every value of those areas, and every value of the latest
//     period (the greatest start, all kinds and areas);
//   - for any other metric, all its values.
//
// The overview and the board pack analyse the force-wide series and show
// the latest period by area; reading only that, not every area's whole
// history, is 20 times fewer rows in the load test's database (20 areas).
// A caller that finds it needs a partly read metric's other areas after
// all (its latest period has no force-wide value) reads them with Series.
func (s *Store) HeadlineSeries(ctx context.Context, scope metrics.Scope, headline []string, endedBefore time.Time) (map[string][]metrics.Observation, error) {
	before := "9999-12-31"
	if !endedBefore.IsZero() {
		before = formatDate(endedBefore)
	}
	if len(headline) == 0 {
		headline = []string{""} // IN () is not SQL; no area is named ""
	}
	in := "?" + strings.Repeat(", ?", len(headline)-1)
	areas := make([]any, len(headline))
	for i, a := range headline {
		areas[i] = a
	}
	// chosen: per metric, whether it has a force-wide value and the start
	// of its latest period, each a seek in an index of current values;
	// then the three disjoint parts, each read through an index.
	// MATERIALIZED and CROSS JOIN as in Latest.
	query := `
		WITH chosen AS MATERIALIZED (
			SELECT m.id AS metric_id,
				EXISTS (SELECT 1 FROM observations h
					WHERE h.metric_id = m.id AND h.area IN (` + in + `)
						AND h.superseded_by IS NULL AND h.period_end < ?) AS headline,
				(SELECT l.period_start FROM observations l
					WHERE l.metric_id = m.id AND l.superseded_by IS NULL AND l.period_end < ?
					ORDER BY l.period_start DESC LIMIT 1) AS latest_start
			FROM metrics m
			WHERE ` + visible + `
		)
		SELECT ` + currentColumns + ` FROM chosen c CROSS JOIN observations o
		WHERE o.metric_id = c.metric_id AND o.superseded_by IS NULL AND o.period_end < ? AND NOT c.headline
		UNION ALL
		SELECT ` + currentColumns + ` FROM chosen c CROSS JOIN observations o
		WHERE o.metric_id = c.metric_id AND o.area IN (` + in + `)
			AND o.superseded_by IS NULL AND o.period_end < ? AND c.headline
		UNION ALL
		SELECT ` + currentColumns + ` FROM chosen c CROSS JOIN observations o
		WHERE o.metric_id = c.metric_id AND o.period_start = c.latest_start AND o.area NOT IN (` + in + `)
			AND o.superseded_by IS NULL AND o.period_end < ? AND c.headline`
	args := append(append([]any{}, areas...), before, before, scope.Sensitive, before)
	args = append(append(args, areas...), before)
	args = append(append(args, areas...), before)
	out, err := s.seriesByMetric(ctx, "headline series", query, args...)
	if err != nil {
		return nil, err
	}
	// A derived measure's values are computed whole: they are few.
	if err := s.addDerived(ctx, scope, out, endedBefore); err != nil {
		return nil, wrapRead("derived series", err)
	}
	return out, nil
}

// seriesByMetric runs query, which selects currentColumns, and returns
// its observations by metric, each series sorted as Series sorts it.
func (s *Store) seriesByMetric(ctx context.Context, what, query string, args ...any) (map[string][]metrics.Observation, error) {
	out := map[string][]metrics.Observation{}
	ids := map[string][]int64{}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		sources, err := uploadSources(ctx, tx, `SELECT id, file_name, uploaded_at FROM uploads`)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.rebind(query), args...)
		if err != nil {
			return err
		}
		return newCurrentScan(sources).scan(rows, func(id int64, o metrics.Observation) {
			out[o.MetricID] = append(out[o.MetricID], o)
			ids[o.MetricID] = append(ids[o.MetricID], id)
		})
	})
	if err != nil {
		return nil, wrapRead(what, err)
	}
	for metric, obs := range out {
		sortSeries(obs, ids[metric])
	}
	return out, nil
}
