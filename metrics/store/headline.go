package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"

	"github.com/assure-pcc/assure/metrics"
)

// A measure's headline (migration 00019) is what HeadlineSeries gives
// of it when every one of its periods has ended: kept beside its current
// series, written with it, so that the overview and the board pack read
// a few values of each measure instead of picking them out of all of
// them at every change of the figures.

// forceWide is metrics.ForceWideAreas as a set.
var forceWide = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range metrics.ForceWideAreas() {
		m[a] = true
	}
	return m
}()

// isForceWide reports whether headline is the force-wide areas, the only
// headline that is kept.
func isForceWide(headline []string) bool {
	a, b := slices.Clone(headline), metrics.ForceWideAreas()
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// headlineValues is headlineOf's rule on a decoded series, counting
// every value: the values of the force-wide areas and of the latest
// period (the greatest start), or all of them when no force-wide area
// has one. The order is the series'.
func headlineValues(series []metrics.Observation) []metrics.Observation {
	keep, n := headlineRule(series)
	out := make([]metrics.Observation, 0, n)
	for _, o := range series {
		if keep(o) {
			out = append(out, o)
		}
	}
	return out
}

// headlineRule returns whether the rule keeps a value of series, and how
// many it keeps.
func headlineRule(series []metrics.Observation) (keep func(metrics.Observation) bool, n int) {
	hasHeadline := false
	var latest int64 = math.MinInt64
	for _, o := range series {
		hasHeadline = hasHeadline || forceWide[o.Area]
		latest = max(latest, days(o.Period.Start))
	}
	keep = func(o metrics.Observation) bool {
		return !hasHeadline || forceWide[o.Area] || days(o.Period.Start) == latest
	}
	for _, o := range series {
		if keep(o) {
			n++
		}
	}
	return keep, n
}

// encodeHeadline is the headline column of a series: its headline
// encoded, or nil when the headline is the whole series (no force-wide
// area has a value, or every value is of one), which is then read from
// the series column rather than kept twice.
func encodeHeadline(series []metrics.Observation) []byte {
	if _, n := headlineRule(series); n == len(series) {
		return nil
	}
	return encodeSeries(headlineValues(series))
}

// lastEndDay is the last day (since 1970) any value's period covers.
func lastEndDay(series []metrics.Observation) int64 {
	var last int64 = math.MinInt64
	for _, o := range series {
		last = max(last, days(o.Period.End))
	}
	return last
}

// fillHeadlines is migration 00020: the headline of every current
// series not yet given one.
func fillHeadlines(ctx context.Context, tx *sql.Tx, dialect string) error {
	rebind := rebindFor(dialect)
	ids, err := queryStrings(ctx, tx, `SELECT metric_id FROM current_series WHERE last_end_day IS NULL ORDER BY metric_id`)
	if err != nil {
		return fmt.Errorf("current series without a headline: %w", err)
	}
	for _, id := range ids {
		var blob []byte
		if err := tx.QueryRowContext(ctx, rebind(`SELECT series FROM current_series WHERE metric_id = ?`), id).Scan(&blob); err != nil {
			return fmt.Errorf("current series of %q: %w", id, err)
		}
		series, err := decodeSeries(blob)
		if err != nil {
			return fmt.Errorf("current series of %q: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, rebind(`UPDATE current_series SET headline = ?, last_end_day = ? WHERE metric_id = ?`),
			encodeHeadline(series), lastEndDay(series), id); err != nil {
			return fmt.Errorf("headline of %q: %w", id, err)
		}
	}
	return nil
}
