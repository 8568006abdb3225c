package dashboard

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"
)

// viewCache keeps views computed from the whole of the figures (the
// overview's tiles, a board pack's analyses) until the store's data
// version moves. Without it every overview read every current value
// (480,000 in the load test) and analysed each measure again, hundreds
// of milliseconds a request. A version check is one small query, and the
// version is shared by every server on the database, so a server never
// shows figures older than the database's.
//
// It holds at most max views, forgetting the oldest; concurrent misses
// for one key compute it once (singleflight), so the burst of requests
// after an upload lands does not analyse everything fifty times.
type viewCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]cachedView
	order   []string
	group   singleflight.Group
}

type cachedView struct {
	version string
	value   any
}

func newViewCache(max int) *viewCache {
	return &viewCache{max: max, entries: map[string]cachedView{}}
}

// get returns the view for key at the store's current version, computing
// it when it is missing or older. Callers must treat the value as
// read-only: it is shared by every request that asks for it.
func (vc *viewCache) get(ctx context.Context, version func(context.Context) (string, error), key string, compute func() (any, error)) (any, error) {
	v, err := version(ctx)
	if err != nil {
		return nil, err
	}
	vc.mu.Lock()
	e, ok := vc.entries[key]
	vc.mu.Unlock()
	if ok && e.version == v {
		return e.value, nil
	}
	value, err, _ := vc.group.Do(key+"\x00"+v, func() (any, error) {
		value, err := compute()
		if err != nil {
			return nil, err
		}
		vc.put(key, cachedView{version: v, value: value})
		return value, nil
	})
	return value, err
}

func (vc *viewCache) put(key string, e cachedView) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if _, ok := vc.entries[key]; !ok {
		vc.order = append(vc.order, key)
		for len(vc.order) > vc.max {
			delete(vc.entries, vc.order[0])
			vc.order = vc.order[1:]
		}
	}
	vc.entries[key] = e
}
