package store_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// Defence in depth: should a non-finite value get past AddObservations'
// checks, the schema refuses it, and the transaction then refuses to
// finish or commit.
func TestSchemaRefusesNonFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		t.Run(fmt.Sprint(v), func(t *testing.T) {
			forEachDialect(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "x.xlsx"}, []byte("x"))
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				if err := tx.UpsertMetric(ctx, calls); err != nil {
					t.Fatal(err)
				}
				if err := tx.InsertUnchecked(ctx, []metrics.Observation{ob(calls.ID, "North", aug, v, "Data", "C2")}); err == nil {
					t.Fatalf("the schema stored %v", v)
				}
				if _, err := tx.Finish(ctx); err == nil {
					t.Errorf("Finish after a failed insert succeeded")
				}
				if err := tx.Commit(); err == nil {
					t.Errorf("Commit after a failed insert succeeded")
				}
				if err := tx.AddObservations(ctx, []metrics.Observation{ob(calls.ID, "North", aug, 1, "Data", "C3")}); err == nil {
					t.Errorf("AddObservations after a failed insert succeeded")
				}
			})
		})
	}
}
