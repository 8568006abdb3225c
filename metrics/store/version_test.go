package store_test

import (
	"context"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The data version moves with every change a page built from the
// figures could show, and stays put otherwise.
func TestDataVersion(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		version := func() string {
			t.Helper()
			v, err := s.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		seen := map[string]string{}
		step := func(what string) {
			t.Helper()
			v := version()
			if prev, dup := seen[v]; dup {
				t.Errorf("after %s the version is %q, the same as after %s", what, v, prev)
			}
			seen[v] = what
			if again := version(); again != v {
				t.Errorf("after %s, reading twice gave %q then %q", what, v, again)
			}
		}
		step("nothing")
		first := ingestValues(t, s, "m1.xlsx", map[string]float64{"North 2021-08": 1})
		step("the first upload")
		ingestValues(t, s, "m2.xlsx", map[string]float64{"North 2021-08": 2})
		step("a revision")
		if _, err := s.RollbackUpload(ctx, first, "tester"); err != nil {
			t.Fatal(err)
		}
		step("a rollback")
		m, err := s.GetMetric(ctx, metrics.Everything, calls.ID)
		if err != nil {
			t.Fatal(err)
		}
		m.Name = "999 calls per day"
		if _, err := s.UpdateMetric(ctx, m); err != nil {
			t.Fatal(err)
		}
		step("a catalogue edit")
	})
}
