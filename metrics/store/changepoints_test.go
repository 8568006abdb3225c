package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// A change point is an annotation with recalculate set: it is stored
// and read back, it can only be on one measure, and marking, changing or
// removing it advances the data version that the overview and the board
// pack are kept by (an ordinary annotation moves the page version only).
func TestChangePoints(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC))
		twoMeasures(t, s)
		data := func() int64 {
			v, err := s.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		v0 := data()
		plain, err := s.AddAnnotation(ctx, metrics.Annotation{MetricID: response.ID, Label: "Op Guardian", Start: day("2021-06-01"), CreatedBy: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		if data() != v0 {
			t.Errorf("an ordinary annotation moved the data version")
		}
		desk, err := s.AddAnnotation(ctx, metrics.Annotation{MetricID: response.ID, Label: "Vulnerability desk launched", Start: day("2021-04-01"), Recalculate: true, CreatedBy: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		v1 := data()
		if v1 <= v0 {
			t.Errorf("marking a change point left the data version at %d", v1)
		}
		if _, err := s.AddAnnotation(ctx, metrics.Annotation{Label: "Everywhere", Start: day("2021-04-01"), Recalculate: true, CreatedBy: "ana"}); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("a change point on every measure: %v", err)
		}
		got, err := s.Annotations(ctx, metrics.Everything, response.ID)
		if err != nil {
			t.Fatal(err)
		}
		cps := metrics.ChangePoints(got)
		if len(cps) != 1 || !cps[0].Start.Equal(day("2021-04-01")) || cps[0].Reason != "Vulnerability desk launched" {
			t.Errorf("ChangePoints = %+v", cps)
		}
		// Turning an ordinary annotation into a change point moves it too.
		plain.Recalculate = true
		plain.UpdatedBy = "ana"
		if _, err := s.UpdateAnnotation(ctx, plain); err != nil {
			t.Fatal(err)
		}
		v2 := data()
		if v2 <= v1 {
			t.Errorf("making an annotation a change point left the data version at %d", v2)
		}
		if a, _ := s.GetAnnotation(ctx, metrics.Everything, plain.ID); !a.Recalculate {
			t.Errorf("the update did not keep the flag: %+v", a)
		}
		if _, err := s.DeleteAnnotation(ctx, desk.ID, "ana"); err != nil {
			t.Fatal(err)
		}
		if data() <= v2 {
			t.Errorf("removing a change point left the data version")
		}
	})
}

// A benchmark and a derivation are kept with the catalogue entry, and an
// upload's rollback restores them as they were.
func TestBenchmarkAndDerivationStored(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b := 60.0
		m := calls
		m.Benchmark, m.BenchmarkLabel = &b, "national average"
		ingest(t, s, file{name: "one.xlsx", metrics: []metrics.Metric{m}})
		got, err := s.GetMetric(ctx, metrics.Everything, calls.ID)
		if err != nil || got.Benchmark == nil || *got.Benchmark != 60 || got.BenchmarkLabel != "national average" {
			t.Fatalf("GetMetric = %+v, %v", got, err)
		}
		b2 := 70.0
		m.Benchmark, m.Derivation = &b2, "ratio(a, b)"
		id, _ := ingest(t, s, file{name: "two.xlsx", metrics: []metrics.Metric{m}})
		if got, _ := s.GetMetric(ctx, metrics.Everything, calls.ID); *got.Benchmark != 70 || got.Derivation != "ratio(a, b)" {
			t.Errorf("after the second upload: %+v", got)
		}
		if _, err := s.RollbackUpload(ctx, id, "ana"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetMetric(ctx, metrics.Everything, calls.ID); got.Benchmark == nil || *got.Benchmark != 60 || got.Derivation != "" {
			t.Errorf("after the rollback: %+v", got)
		}
	})
}
