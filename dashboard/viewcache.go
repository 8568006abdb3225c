package dashboard

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/assure-pcc/assure/dashboard/cache"
	"github.com/assure-pcc/assure/metrics"
)

// viewCache keeps views computed from the whole of the figures (the
// overview's tiles, a board pack's analyses) until the store's data
// version moves, in the one cache (see package cache). Without it every
// overview read every current value (480,000 in the load test) and
// analysed each measure again, seconds a request on a busy 2-core
// machine. A version check is one small query.
//
// A view is only ever served at the version it was computed at. When
// the version moves (an upload, a rollback, a catalogue change such as a
// measure made sensitive), the next request computes the view again and
// waits for it, as do the requests that come while it is computed: the
// view before the change may show what its readers may no longer see,
// so it is never served, not even "meanwhile". Concurrent computations
// of one view are one, made apart from the requests that wait for it.
// It holds at most max views, forgetting the one least recently used.
type viewCache struct {
	kept *cache.Cache[any]
	// computing holds a token while a view is computed: at most
	// viewsAtOnce at a time.
	computing chan struct{}
	// logger reports a computation that failed.
	logger *slog.Logger
}

// viewsAtOnce is how many views are computed at once. Each once read
// every current value, and the load test at 4.8 million values reached
// 8 GB with several at once, so they were made one at a time. They now
// read each measure's kept headline (the board pack for 2,000 measures
// holds about 100 MB while it is made), and after an upload the
// overview's and board pack's views for each audience queued one behind
// another: the last reader waited for all of them. Two at a time keeps both cores of a small machine busy with
// them.
const viewsAtOnce = 2

func newViewCache(max int, logger *slog.Logger) *viewCache {
	return &viewCache{kept: cache.New[any](max, nil), logger: logger, computing: make(chan struct{}, viewsAtOnce)}
}

// get returns the view for key at the store's current data version:
// the kept one when it is of that version, else one computed now (or
// being computed for another request), which get waits for. compute
// must read the figures only after get has read the version (it does:
// get calls it afterwards), so that a view is never older than the
// version it is kept by, and must not depend on the request's context
// being live. Callers must treat the value as read-only: it is shared by
// every request that asks for it.
func (vc *viewCache) get(ctx context.Context, version func(context.Context) (int64, error), key string, compute func() (any, error)) (any, error) {
	v, err := version(ctx)
	if err != nil {
		return nil, err
	}
	if value, ok := vc.kept.Get(key, v); ok {
		return value, nil
	}
	return vc.kept.FillApart(ctx, key+"\x00"+strconv.FormatInt(v, 10), func() (any, error) {
		// A few views at a time: at millions of values several at
		// once multiply the memory they hold (see viewsAtOnce).
		vc.computing <- struct{}{}
		defer func() { <-vc.computing }()
		value, err := compute()
		if err != nil {
			vc.logger.Error("computing a view", "view", key, "err", err)
			return nil, err
		}
		vc.kept.Put(key, v, value)
		return value, nil
	})
}

// Warm computes the views every reader asks for first (the overview, for
// the public and for those who may see everything, and the board pack's
// analyses for today's meeting, its open part's among them), so that the
// first readers after a start do not wait for them. `assure serve` runs it in the background as it
// starts.
func (s *Server) Warm(ctx context.Context) {
	for _, scope := range []metrics.Scope{metrics.Public, metrics.Everything} {
		if _, err := s.cachedOverview(ctx, scope); err != nil {
			s.logger.Warn("warming the overview", "err", err)
		}
	}
	meeting := meetingDay(s.now())
	if ms, err := s.store.Meetings(ctx, metrics.Public); err == nil {
		if m, ok := metrics.NextMeeting(ms, s.now()); ok {
			meeting = m.Date // the pack opens on the next meeting
		}
	}
	for _, scope := range []metrics.Scope{metrics.Everything, metrics.Public} {
		if _, err := s.packMeasures(ctx, scope, meeting); err != nil {
			s.logger.Warn("warming the board pack", "err", err)
		}
	}
}
