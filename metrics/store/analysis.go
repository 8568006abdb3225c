package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
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
	before := int64(math.MaxInt64)
	if !endedBefore.IsZero() {
		before = days(endedBefore)
	}
	wanted := make(map[string]bool, len(headline))
	for _, a := range headline {
		wanted[a] = true
	}
	out := map[string][]metrics.Observation{}
	kept := isForceWide(headline)
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		// The kept headline is the answer for a measure all of whose
		// periods ended before the day asked; another is picked out of
		// its whole series.
		var whole []string
		err := s.eachHeadline(ctx, tx, scope, func(id string, blob []byte, lastEnd sql.NullInt64) error {
			if !kept || !lastEnd.Valid || lastEnd.Int64 >= before {
				whole = append(whole, id)
				return nil
			}
			obs, err := decodeSeries(blob)
			if len(obs) > 0 {
				out[id] = obs
			}
			return err
		})
		if err != nil {
			return err
		}
		for _, id := range whole {
			var blob []byte
			if err := tx.QueryRowContext(ctx, s.rebind(`SELECT series FROM current_series WHERE metric_id = ?`), id).Scan(&blob); err != nil {
				return fmt.Errorf("series of %q: %w", id, err)
			}
			obs, err := headlineOf(blob, wanted, before)
			if err != nil {
				return fmt.Errorf("series of %q: %w", id, err)
			}
			if len(obs) > 0 {
				out[id] = obs
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrapRead("headline series", err)
	}
	// A derived measure's values are computed whole: they are few.
	if err := s.addDerived(ctx, scope, out, endedBefore); err != nil {
		return nil, wrapRead("derived series", err)
	}
	return out, nil
}

// headlineOf is HeadlineSeries' part of one encoded series: values of
// periods ending before the day before (in days since 1970), of the
// headline areas and of the latest period, or all of them when no
// headline area has one. It walks the encoding twice, the first time
// only to find the latest period, and decodes only what it keeps.
func headlineOf(blob []byte, headline map[string]bool, before int64) ([]metrics.Observation, error) {
	v, err := parseSeries(blob)
	if err != nil {
		return nil, err
	}
	isHeadline := make([]bool, len(v.strs))
	for i, s := range v.strs {
		isHeadline[i] = headline[s]
	}
	var (
		hasHeadline bool
		latest      int64 = math.MinInt64
	)
	err = v.each(func(x *rawValue) bool {
		if x.end < before {
			hasHeadline = hasHeadline || isHeadline[x.area]
			latest = max(latest, x.start)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	var out []metrics.Observation
	err = v.each(func(x *rawValue) bool {
		if x.end < before && (!hasHeadline || isHeadline[x.area] || x.start == latest) {
			out = append(out, v.observation(x))
		}
		return true
	})
	return out, err
}
