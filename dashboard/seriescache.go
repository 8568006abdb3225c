package dashboard

import (
	"context"
	"slices"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/assure-pcc/assure/metrics"
)

// defaultSeriesKept is how many values seriesCache holds: about 80 MB
// of observations, the whole of the load test's 480,000-value database.
const defaultSeriesKept = 400_000

// seriesCache keeps each measure's current values until the figures
// change (the store's data version moves). A measure's series is the
// same for every viewer who may see it, and its metric page, its series
// JSON and its public page each read it, per audience: with kept pages
// that was still three to eight reads of one series per upload, a fifth
// of the load test's CPU. It holds at most max values, forgetting the
// least recently used series, and a series larger than max is never
// kept.
type seriesCache struct {
	mu      sync.Mutex // guards version, and orders a put after a clear
	version string     // the data version of the series kept
	kept    *lru[[]metrics.Observation]
	group   singleflight.Group
}

func newSeriesCache(max int) *seriesCache {
	return &seriesCache{kept: newLRU(max, func(obs []metrics.Observation) int { return len(obs) })}
}

// series returns the current values of m, which must have come from
// store.GetMetric with the viewer's scope: that read is what keeps a
// sensitive measure from a viewer who may not see it, and it is checked
// again here. The slice is shared by every reader: read it, never
// change it.
func (s *Server) series(ctx context.Context, scope metrics.Scope, m metrics.Metric) ([]metrics.Observation, error) {
	if m.Classification != metrics.Open && !scope.Sensitive {
		return nil, metrics.Errorf(metrics.ENOTFOUND, "no metric %q", m.ID)
	}
	version, err := s.store.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	sc := s.seriesKept
	if obs, ok := sc.get(m.ID, version); ok {
		return obs, nil
	}
	v, err, _ := sc.group.Do(m.ID+"\x00"+version, func() (any, error) {
		obs, err := s.store.Series(ctx, scope, m.ID)
		if err != nil {
			return nil, err
		}
		// Clipped, so that a reader's append copies rather than writing
		// into the array other readers share.
		obs = slices.Clip(obs)
		sc.put(m.ID, version, obs)
		return obs, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]metrics.Observation), nil
}

func (sc *seriesCache) get(id, version string) ([]metrics.Observation, bool) {
	sc.mu.Lock()
	current := version == sc.version
	sc.mu.Unlock()
	if !current {
		return nil, false
	}
	return sc.kept.get(id)
}

func (sc *seriesCache) put(id, version string, obs []metrics.Observation) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if version != sc.version {
		// New figures: every series kept is of the old ones.
		sc.kept.clear()
		sc.version = version
	}
	sc.kept.put(id, obs)
}
