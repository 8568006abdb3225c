package dashboard

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/assure-pcc/assure/metrics"
)

// viewCache keeps views computed from the whole of the figures (the
// overview's tiles, a board pack's analyses) until the store's data
// version moves. Without it every overview read every current value
// (480,000 in the load test) and analysed each measure again, seconds a
// request on a busy 2-core machine. A version check is one small query,
// and the version is shared by every server on the database.
//
// When the version moves, the view is computed again in the background
// and, meanwhile, requests get the view they had, marked stale so the
// page can say that new figures are on their way: otherwise every reader
// would wait seconds for the analysis after each upload. Only a view
// never computed makes its requests wait. Concurrent computations of one
// view are one (singleflight). It holds at most max views, forgetting the
// oldest.
type viewCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]cachedView
	order   []string
	group   singleflight.Group
	// computing holds a token while a view is computed: one at a time.
	computing chan struct{}
	// logger reports a background computation that failed.
	logger *slog.Logger
}

type cachedView struct {
	version string
	value   any
}

func newViewCache(max int, logger *slog.Logger) *viewCache {
	return &viewCache{max: max, entries: map[string]cachedView{}, logger: logger, computing: make(chan struct{}, 1)}
}

// get returns the view for key and whether it is of the store's current
// version. A stale view comes back at once while the current one is
// computed in the background; a missing one is computed before get
// returns. compute must not depend on the request's context being live.
// Callers must treat the value as read-only: it is shared by every
// request that asks for it.
func (vc *viewCache) get(ctx context.Context, version func(context.Context) (string, error), key string, compute func() (any, error)) (value any, fresh bool, err error) {
	v, err := version(ctx)
	if err != nil {
		return nil, false, err
	}
	vc.mu.Lock()
	e, ok := vc.entries[key]
	vc.mu.Unlock()
	if ok && e.version == v {
		return e.value, true, nil
	}
	ch := vc.group.DoChan(key+"\x00"+v, func() (any, error) {
		// One view at a time: each reads every current value, and at
		// millions of values several at once multiply the memory they
		// hold (the load test at 4.8 million values reached 8 GB).
		vc.computing <- struct{}{}
		defer func() { <-vc.computing }()
		value, err := compute()
		if err != nil {
			vc.logger.Error("computing a view", "view", key, "err", err)
			return nil, err
		}
		vc.put(key, cachedView{version: v, value: value})
		return value, nil
	})
	if ok {
		return e.value, false, nil
	}
	select {
	case r := <-ch:
		return r.Val, r.Err == nil, r.Err
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

func (vc *viewCache) put(key string, e cachedView) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	// The newest computed goes last, so the one forgotten is the one
	// least recently computed.
	if i := slices.Index(vc.order, key); i >= 0 {
		vc.order = slices.Delete(vc.order, i, i+1)
	}
	vc.order = append(vc.order, key)
	for len(vc.order) > vc.max {
		delete(vc.entries, vc.order[0])
		vc.order = vc.order[1:]
	}
	vc.entries[key] = e
}

// Warm computes the views every reader asks for first (the overview, for
// the public and for those who may see everything, and the board pack's
// analyses for today's meeting), so that the first readers after a start
// do not wait for them. `assure serve` runs it in the background as it
// starts.
func (s *Server) Warm(ctx context.Context) {
	for _, scope := range []metrics.Scope{metrics.Public, metrics.Everything} {
		if _, _, err := s.cachedOverview(ctx, scope); err != nil {
			s.logger.Warn("warming the overview", "err", err)
		}
	}
	if _, _, err := s.packMeasures(ctx, metrics.Everything, meetingDay(s.now())); err != nil {
		s.logger.Warn("warming the board pack", "err", err)
	}
}
