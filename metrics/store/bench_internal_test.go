package store

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// BenchmarkInsertCeiling measures what bounds the ingest's speed into
// SQLite: 100,000 observations stored as AddObservations does, into a
// fresh file, with the observations table's indexes as the migrations
// make them and with none of them (what one row per value costs however
// few indexes are kept), in the order of a file that lists metrics
// within months (the ingest benchmarks' order) and sorted as the index
// of current values is. It reports rows/s for the whole transaction.
//
//	go test -run '^$' -bench InsertCeiling -benchtime 3x ./metrics/store/
func BenchmarkInsertCeiling(b *testing.B) {
	const n, batch = 100_000, 2000
	ms := BenchMetrics(50)
	fileOrder := make([]metrics.Observation, 0, n)
	p := metrics.MonthOf(2000, time.January)
	for len(fileOrder) < n {
		for _, m := range ms {
			for a := range 20 {
				if len(fileOrder) < n {
					fileOrder = append(fileOrder, metrics.Observation{MetricID: m.ID, Area: fmt.Sprintf("Area %02d", a), Period: p,
						Value: float64(len(fileOrder) % 997), Source: metrics.Source{Sheet: "Data", Cell: fmt.Sprintf("D%d", len(fileOrder)+2)}})
				}
			}
		}
		p = p.Next()
	}
	sorted := slices.Clone(fileOrder)
	slices.SortFunc(sorted, func(x, y metrics.Observation) int {
		return cmp.Or(cmp.Compare(x.MetricID, y.MetricID), cmp.Compare(x.Area, y.Area), cmp.Compare(x.Period.Key(), y.Period.Key()))
	})
	noIndexes := []string{"DROP INDEX observations_current", "DROP INDEX observations_latest",
		"DROP INDEX observations_superseded", "DROP INDEX observations_upload"}
	for _, tc := range []struct {
		name string
		drop []string
		obs  []metrics.Observation
	}{
		{"indexes/file-order", nil, fileOrder},
		{"indexes/sorted", nil, sorted},
		{"no-indexes/file-order", noIndexes, fileOrder},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				s, err := Open(ctx, filepath.Join(b.TempDir(), "ceiling.db"))
				if err != nil {
					b.Fatal(err)
				}
				for _, q := range tc.drop {
					if _, err := s.db.ExecContext(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				start := time.Now()
				IngestAll(b, s, metrics.Upload{FileName: "ceiling.xlsx"}, []byte("ceiling"), ms, tc.obs, batch)
				elapsed += time.Since(start)
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "rows/s")
		})
	}
}

// IngestAll stores ms and obs under one upload as the ingest does: one
// transaction, the catalogue, obs in batches of batch, then Finish and
// Commit; it fails tb on any error. (Exported to this package's external
// tests and benchmarks.)
func IngestAll(tb testing.TB, s *Store, u metrics.Upload, content []byte, ms []metrics.Metric, obs []metrics.Observation, batch int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := s.BeginIngest(ctx, u, content)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	for _, m := range ms {
		if err := tx.UpsertMetric(ctx, m); err != nil {
			tb.Fatal(err)
		}
	}
	for j := 0; j < len(obs); j += batch {
		if err := tx.AddObservations(ctx, obs[j:min(j+batch, len(obs))]); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := tx.Finish(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchMetrics is n open metrics, metric-00 onwards, for benchmarks.
// (Exported to this package's external benchmarks.)
func BenchMetrics(n int) []metrics.Metric {
	ms := make([]metrics.Metric, n)
	for i := range ms {
		ms[i] = metrics.Metric{ID: fmt.Sprintf("metric-%02d", i), Name: fmt.Sprintf("Metric %d", i),
			Direction: metrics.NoDirection, Classification: metrics.Open, Category: "Bench"}
	}
	return ms
}
