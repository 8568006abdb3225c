package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// benchObservations is a workbook's worth of distinct cells: 50 metrics,
// 10 areas, 200 months.
func benchObservations(n int) ([]metrics.Metric, []metrics.Observation) {
	ms := store.BenchMetrics(50)
	obs := make([]metrics.Observation, 0, n)
	p := metrics.MonthOf(2000, time.January)
	for i := 0; len(obs) < n; i++ {
		for _, m := range ms {
			for a := range 10 {
				if len(obs) == n {
					break
				}
				obs = append(obs, ob(m.ID, fmt.Sprintf("Area %d", a), p, float64(i*a), "Data", fmt.Sprintf("R%dC%d", i, a)))
			}
		}
		p = p.Next()
	}
	return ms, obs
}

// BenchmarkAddObservations stores 100,000 observations as the ingest does:
// one transaction, batches of 1,000 as the reader streams them, then
// Finish and Commit, into a fresh database each time (a SQLite file in
// b.TempDir(), or a PostgreSQL schema when ASSURE_TEST_POSTGRES is set).
// It reports rows/s for the whole transaction.
func BenchmarkAddObservations(b *testing.B) {
	const n, batch = 100_000, 1000
	ms, obs := benchObservations(n)
	for _, d := range storetest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			var elapsed time.Duration
			i := 0
			for b.Loop() {
				b.StopTimer()
				s := storetest.Open(b, d)
				i++
				b.StartTimer()
				start := time.Now()
				store.IngestAll(b, s, metrics.Upload{FileName: "bench.xlsx"}, fmt.Appendf(nil, "bench %d", i), ms, obs, batch)
				elapsed += time.Since(start)
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n*i)/elapsed.Seconds(), "rows/s")
		})
	}
}

// BenchmarkSeries reads one metric's current values, as a metric page,
// the series API and an export do: 20 areas x 120 months (2,400 values,
// from ten yearly uploads) among 20 such metrics (48,000 values).
func BenchmarkSeries(b *testing.B) {
	const metricsN, areas, months, perUpload = 20, 20, 120, 12
	for _, d := range storetest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, d)
			ms := store.BenchMetrics(metricsN)
			first := metrics.MonthOf(2010, time.January)
			for u := range months / perUpload {
				var obs []metrics.Observation
				for _, m := range ms {
					p := first
					for range u * perUpload {
						p = p.Next()
					}
					for mo := range perUpload {
						for a := range areas {
							obs = append(obs, ob(m.ID, fmt.Sprintf("Area %02d", a), p, float64(mo*a), "Data", fmt.Sprintf("D%d", len(obs)+2)))
						}
						p = p.Next()
					}
				}
				store.IngestAll(b, s, metrics.Upload{FileName: fmt.Sprintf("year-%d.xlsx", u)}, fmt.Appendf(nil, "year %d", u), ms, obs, 2000)
			}
			for b.Loop() {
				obs, err := s.Series(ctx, metrics.Everything, "metric-07")
				if err != nil {
					b.Fatal(err)
				}
				if len(obs) != areas*months {
					b.Fatalf("%d values, want %d", len(obs), areas*months)
				}
			}
		})
	}
}

// BenchmarkUserByID is the lookup every signed-in request makes.
func BenchmarkUserByID(b *testing.B) {
	for _, d := range storetest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, d)
			u, err := s.CreateUser(ctx, "ana", metrics.RoleAnalyst, "hash")
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.UserByID(ctx, u.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFinishRevision is Finish of an upload that revises the latest
// values of every measure, as the load test's upload does: 100,000
// values (the latest 25 months of 200 measures in 20 areas) merged into
// current series of 2,400 values each (480,000 in all). Only Finish is
// timed, and its allocations counted; the transaction is rolled back
// after each.
//
//	go test -run '^$' -bench FinishRevision -benchmem ./metrics/store/
func BenchmarkFinishRevision(b *testing.B) {
	const metricsN, areas, months, revised = 200, 20, 120, 25
	ms := store.BenchMetrics(metricsN)
	values := func(first, n int, value float64) []metrics.Observation {
		var obs []metrics.Observation
		for _, m := range ms {
			p := metrics.MonthOf(2012, time.April)
			for range first {
				p = p.Next()
			}
			for mo := range n {
				for a := range areas {
					obs = append(obs, ob(m.ID, fmt.Sprintf("Area %02d", a), p, value+float64(mo*a), "Data", fmt.Sprintf("D%d", 2+len(obs))))
				}
				p = p.Next()
			}
		}
		return obs
	}
	stored, revision := values(0, months, 1), values(months-revised, revised, 2)
	for _, d := range storetest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, d)
			defer s.Close()
			store.IngestAll(b, s, metrics.Upload{FileName: "stored.xlsx"}, []byte("stored"), ms, stored, 2000)
			for b.Loop() {
				b.StopTimer()
				tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "revision.xlsx"}, []byte("revision"))
				if err != nil {
					b.Fatal(err)
				}
				for j := 0; j < len(revision); j += 2000 {
					if err := tx.AddObservations(ctx, revision[j:min(j+2000, len(revision))]); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				counts, err := tx.Finish(ctx)
				b.StopTimer()
				if err != nil || counts.Superseded != len(revision) {
					b.Fatalf("Finish: %v, %d superseded of %d", err, counts.Superseded, len(revision))
				}
				tx.Rollback()
				b.StartTimer()
			}
		})
	}
}
