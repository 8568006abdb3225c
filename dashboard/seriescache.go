package dashboard

import (
	"context"
	"fmt"
	"slices"

	"github.com/assure-pcc/assure/dashboard/cache"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// defaultSeriesBytes is how much seriesCache holds, of series kept
// encoded as the store keeps them (store.EncodedSeries): 32 MB holds the
// load test's whole database of 480,000 values (12.5 MB encoded; 84 MB
// as observations, most of the server's live heap when it kept them
// decoded). A series is decoded when a page is made from it, about half
// a millisecond for 2,400 values, and pages are made only when the
// figures change: its metric page, series and public page each read it
// within about a second of each other after an upload.
const defaultSeriesBytes = 32 << 20

// seriesCache keeps each measure's current values until the figures or
// the catalogue change (the store's data version moves), in the one
// cache (see package cache). A measure's series is the same for every
// viewer who may see it, and its metric page, its series JSON and its
// public page each read it, per audience: with kept pages that was still
// three to eight reads of one series per upload, a fifth of the load
// test's CPU. It holds at most max bytes, forgetting the least recently
// used series, and a series larger than max is never kept.
//
// Each series is kept with the version and the measure (its
// classification) read in the same snapshot as its values, and a reader
// gets it only when that classification lets them see it: a series is
// never given on the strength of a classification read at another
// moment.
type seriesCache = cache.Cache[keptSeries]

// keptSeries is a measure's values, encoded, with the measure as it was
// with them, and the bytes they hold.
type keptSeries struct {
	metric metrics.Metric
	enc    store.EncodedSeries
	size   int
}

func newSeriesCache(max int) *seriesCache {
	return cache.New(max, func(k keptSeries) int { return k.size })
}

// series returns the current values of m for a reader of scope. m must
// have come from store.GetMetric with that scope; the reader gets the
// values only if the measure, as the values' own snapshot of the
// database has it, is one they may see. The values are decoded for each
// call, but a derived measure's are shared by every reader: read them,
// never change them.
func (s *Server) series(ctx context.Context, scope metrics.Scope, m metrics.Metric) ([]metrics.Observation, error) {
	if !scope.CanSee(m) {
		return nil, metrics.Errorf(metrics.ENOTFOUND, "no metric %q", m.ID)
	}
	version, err := s.dataVersion(ctx)
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
			got, enc, at, err := s.store.VersionedEncodedSeries(ctx, scope, m.ID)
			if err != nil {
				return keptSeries{}, err
			}
			k := keptSeries{metric: got, enc: enc, size: enc.Size()}
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
	obs, err := k.enc.Values()
	if err != nil {
		return nil, fmt.Errorf("series of %q: %w", m.ID, err)
	}
	// Clipped, so that a reader's append copies rather than writing into
	// an array another reader may share (a derived measure's).
	return slices.Clip(obs), nil
}
