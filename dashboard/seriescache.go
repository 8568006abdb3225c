package dashboard

import (
	"container/list"
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
	mu      sync.Mutex
	max     int
	held    int
	version string
	order   *list.List // of *keptSeries, most recently used first
	byID    map[string]*list.Element
	group   singleflight.Group
}

type keptSeries struct {
	id  string
	obs []metrics.Observation
}

func newSeriesCache(max int) *seriesCache {
	return &seriesCache{max: max, order: list.New(), byID: map[string]*list.Element{}}
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
	defer sc.mu.Unlock()
	if version != sc.version {
		return nil, false
	}
	e, ok := sc.byID[id]
	if !ok {
		return nil, false
	}
	sc.order.MoveToFront(e)
	return e.Value.(*keptSeries).obs, true
}

func (sc *seriesCache) put(id, version string, obs []metrics.Observation) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if version != sc.version {
		// New figures: every series kept is of the old ones.
		sc.order.Init()
		clear(sc.byID)
		sc.held = 0
		sc.version = version
	}
	if len(obs) > sc.max {
		return
	}
	if e, ok := sc.byID[id]; ok {
		sc.held -= len(e.Value.(*keptSeries).obs)
		sc.order.Remove(e)
	}
	sc.byID[id] = sc.order.PushFront(&keptSeries{id: id, obs: obs})
	sc.held += len(obs)
	for sc.held > sc.max {
		last := sc.order.Back()
		k := last.Value.(*keptSeries)
		sc.order.Remove(last)
		delete(sc.byID, k.id)
		sc.held -= len(k.obs)
	}
}
