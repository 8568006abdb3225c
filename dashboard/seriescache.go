package dashboard

import (
	"context"
	"fmt"
	"slices"

	"github.com/assure-pcc/assure/dashboard/cache"
	"github.com/assure-pcc/assure/metrics"
)

// defaultSeriesKept is how many values seriesCache holds: about 84 MB
// of observations, 167 of the load test's 200 series of 2,400 values.
// With the pages kept compressed it is most of the load test's live
// heap (84 of 130 MB at the end of a run), but it is read only when a
// page is made again, and every page is made again at once after an
// upload: a measure's metric page, series and public page each read its
// series within about a second of each other. Holding half as many
// would read 390 series in that burst rather than 250 (simulated, for
// the load test's mix of requests), a few milliseconds each, where the
// load test's latency is already at its worst.
const defaultSeriesKept = 400_000

// seriesCache keeps each measure's current values until the figures or
// the catalogue change (the store's data version moves), in the one
// cache (see package cache). A measure's series is the same for every
// viewer who may see it, and its metric page, its series JSON and its
// public page each read it, per audience: with kept pages that was still
// three to eight reads of one series per upload, a fifth of the load
// test's CPU. It holds at most max values, forgetting the least recently
// used series, and a series larger than max is never kept.
//
// Each series is kept with the version and the measure (its
// classification) read in the same snapshot as its values, and a reader
// gets it only when that classification lets them see it: a series is
// never given on the strength of a classification read at another
// moment.
type seriesCache = cache.Cache[keptSeries]

// keptSeries is a measure's values with the measure as it was with them.
type keptSeries struct {
	metric metrics.Metric
	obs    []metrics.Observation
}

func newSeriesCache(max int) *seriesCache {
	return cache.New(max, func(k keptSeries) int { return len(k.obs) })
}

// series returns the current values of m for a reader of scope. m must
// have come from store.GetMetric with that scope; the reader gets the
// values only if the measure, as the values' own snapshot of the
// database has it, is one they may see. The slice is shared by every
// reader: read it, never change it.
func (s *Server) series(ctx context.Context, scope metrics.Scope, m metrics.Metric) ([]metrics.Observation, error) {
	if !scope.CanSee(m) {
		return nil, metrics.Errorf(metrics.ENOTFOUND, "no metric %q", m.ID)
	}
	version, err := s.store.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	sc := s.seriesKept
	k, ok := sc.Get(m.ID, version)
	if !ok {
		// The scope is part of the flight: a reader who may not see the
		// measure gets "not found" from the store, which must not be
		// shared with one who may.
		k, err = sc.Fill(ctx, fmt.Sprintf("%s\x00%d\x00%t", m.ID, version, scope.Sensitive), func() (keptSeries, error) {
			got, obs, at, err := s.store.VersionedSeries(ctx, scope, m.ID)
			if err != nil {
				return keptSeries{}, err
			}
			// Clipped, so that a reader's append copies rather than
			// writing into the array other readers share.
			k := keptSeries{metric: got, obs: slices.Clip(obs)}
			sc.Put(m.ID, at, k)
			return k, nil
		})
		if err != nil {
			return nil, err
		}
	}
	if !scope.CanSee(k.metric) {
		return nil, metrics.Errorf(metrics.ENOTFOUND, "no metric %q", m.ID)
	}
	return k.obs, nil
}
