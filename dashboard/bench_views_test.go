package dashboard

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/boardpack"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// benchServer is a server on the database ASSURE_BENCH_DB names, such
// as the load test's kept with --keep; the benchmark is skipped without
// one.
func benchServer(b *testing.B) (*Server, *store.Store) {
	path := os.Getenv("ASSURE_BENCH_DB")
	if path == "" {
		b.Skip("ASSURE_BENCH_DB is not set (see the benchmark's comment)")
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	srv, err := New(Config{Store: st, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	return srv, st
}

// BenchmarkViews times the overview's tiles and the board pack's
// analyses, computed as a new upload makes them computed (no kept view),
// from the figures they read (view.HeadlineSeries) and, beside them, from
// every current value (what they read before). It needs a database of
// realistic size, such as the load test's, kept with --keep:
//
//	go run ./cmd/loadtest --db /tmp/views/assure.db --keep --duration 1s --ingest-rows 0 --clients 1
//	ASSURE_BENCH_DB=/tmp/views/assure.db go test -run '^$' -bench Views -benchtime 3x ./dashboard/
func BenchmarkViews(b *testing.B) {
	ctx := context.Background()
	srv, st := benchServer(b)
	scope, meeting := metrics.Everything, time.Now()
	ms, err := st.ListMetrics(ctx, scope)
	if err != nil {
		b.Fatal(err)
	}
	latest, err := st.Latest(ctx, scope)
	if err != nil {
		b.Fatal(err)
	}
	reads := []struct {
		name string
		read func(endedBefore time.Time) (map[string][]metrics.Observation, error)
	}{
		{"headline", func(t time.Time) (map[string][]metrics.Observation, error) {
			return view.HeadlineSeries(ctx, srv.store, scope, t, "")
		}},
		{"every-value", func(time.Time) (map[string][]metrics.Observation, error) { return st.CurrentSeries(ctx, scope) }},
	}
	for _, r := range reads {
		b.Run("overview/"+r.name, func(b *testing.B) {
			for b.Loop() {
				series, err := r.read(time.Time{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := buildTiles(latest, series, freshness{}, nil, metrics.DefaultSettings); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("boardpack/"+r.name, func(b *testing.B) {
			for b.Loop() {
				series, err := r.read(meeting)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := boardpack.Analyse(ms, series, nil, meeting, "bp-", freshness{}, metrics.DefaultSettings); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
