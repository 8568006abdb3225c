package view

import (
	"context"
	"slices"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

func isHeadline(o metrics.Observation) bool { return metrics.IsForceWideArea(o.Area) }

// SeriesReader is what HeadlineSeries reads: the store, or a stand-in.
type SeriesReader interface {
	HeadlineSeries(ctx context.Context, scope metrics.Scope, areas []string, endedBefore time.Time) (map[string][]metrics.Observation, error)
	Series(ctx context.Context, scope metrics.Scope, id string) ([]metrics.Observation, error)
}

// HeadlineSeries reads the figures behind the overview's tiles and the
// board pack's analyses, whose period ended before the day of endedBefore
// (all when it is zero): for each measure with a force-wide series, that
// series and the latest period by area; for the others every value (see
// store.HeadlineSeries). When that is not enough (see enoughForHeadline)
// the measure's whole series is read after all: so for a measure whose
// area shown first is home, the office's home area, and not force-wide
// (see metrics.HeadlineArea).
//
// Reading every current value instead took 1.8 s of the board pack's
// 2.4 s at 480,000 values and grew with every area's history.
func HeadlineSeries(ctx context.Context, st SeriesReader, scope metrics.Scope, endedBefore time.Time, home string) (map[string][]metrics.Observation, error) {
	series, err := st.HeadlineSeries(ctx, scope, metrics.ForceWideAreas(), endedBefore)
	if err != nil {
		return nil, err
	}
	for id, obs := range series {
		if !slices.ContainsFunc(obs, isHeadline) {
			continue // read whole
		}
		if enoughForHeadline(obs, home) {
			continue
		}
		full, err := st.Series(ctx, scope, id)
		if metrics.ErrorCode(err) == metrics.ENOTFOUND {
			delete(series, id) // no longer visible, or gone
			continue
		}
		if err != nil {
			return nil, err
		}
		if !endedBefore.IsZero() {
			full = metrics.EndedBefore(full, endedBefore)
		}
		series[id] = full
	}
	return series, nil
}

// enoughForHeadline says whether a partly read series (the force-wide
// areas' values and the latest period's) holds everything the overview
// and the pack use: the tile analyses the force-wide area of the latest
// period (or, when the latest period has none, every area), and the
// pack's analysis takes the area metrics.HeadlineArea chooses, which
// must be force-wide to have been read whole, and charts every area at
// that area's latest period, which must then be the latest period
// overall, the only one read for every area.
func enoughForHeadline(obs []metrics.Observation, home string) bool {
	lv := LatestOf(metrics.Metric{}, obs)
	if !slices.ContainsFunc(lv.Values, isHeadline) {
		return false
	}
	chosen := metrics.HeadlineArea(AreasOf(obs), "", home)
	if !metrics.IsForceWideArea(chosen) {
		return false // the home area: only its latest period was read
	}
	return slices.ContainsFunc(obs, func(o metrics.Observation) bool {
		return o.Area == chosen && o.Period.Start.Equal(lv.Period.Start)
	})
}
