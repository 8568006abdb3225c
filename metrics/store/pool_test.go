package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// Under load the pool keeps the connections it opened: readers many at
// once, again and again, open no more than the first wave did and close
// none for lack of room to keep it. On PostgreSQL each connection opened
// is a server process forked and signed in; a pool that kept 5 of its 20
// opened one for most requests, and half of a loaded machine's CPU went
// to the kernel.
func TestPoolKeepsItsConnections(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			s := storetest.Open(t, d)
			ctx := context.Background()
			wave := func() {
				var wg sync.WaitGroup
				for range 20 {
					wg.Go(func() {
						// Held a while, so that the wave needs many
						// connections at once.
						for range 20 {
							if _, err := s.ListMetrics(ctx, metrics.Public); err != nil {
								t.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
			}
			wave()
			first := store.ReaderPoolStats(s)
			for range 5 {
				wave()
			}
			last := store.ReaderPoolStats(s)
			if last.MaxIdleClosed != 0 {
				t.Errorf("%d connections closed for want of room to keep them", last.MaxIdleClosed)
			}
			if first.OpenConnections > 1 && last.OpenConnections < first.OpenConnections {
				t.Errorf("%d connections open after the waves, %d after the first", last.OpenConnections, first.OpenConnections)
			}
			t.Logf("%s: %d open after the first wave, %d after six; %d waits", d, first.OpenConnections, last.OpenConnections, last.WaitCount)
		})
	}
}
