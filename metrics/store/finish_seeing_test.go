package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// TestFinishSeeingShowsEachSeriesAsStoredBefore: FinishSeeing shows each
// metric the upload gives values of, once, in id order, with its series
// as stored before the upload (none for a metric new to the store), and
// stores what Finish stores.
func TestFinishSeeingShowsEachSeriesAsStoredBefore(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		apr, may := metrics.MonthOf(2021, 4), metrics.MonthOf(2021, 5)
		first, _ := ingest(t, s, file{name: "first.xlsx", metrics: []metrics.Metric{calls, response},
			obs: []metrics.Observation{
				ob(response.ID, "Force", apr, 14, "Data", "B2"), ob(calls.ID, "Force", apr, 1, "Data", "B3"),
				ob(calls.ID, "North", apr, 2, "Data", "B4"),
			}})

		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "second.xlsx", UploadedBy: "analyst", Kind: metrics.KindPerformance}, []byte("second"))
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := tx.UpsertMetric(ctx, outcomes); err != nil {
			t.Fatal(err)
		}
		// Given in an order other than the ids'.
		if err := tx.AddObservations(ctx, []metrics.Observation{
			ob(response.ID, "Force", apr, 15, "Data", "C2"), ob(outcomes.ID, "Force", may, 0.5, "Data", "C3"),
			ob(calls.ID, "Force", apr, 10, "Data", "C4"), ob(calls.ID, "Force", may, 11, "Data", "C5"),
		}); err != nil {
			t.Fatal(err)
		}
		var seen []string
		shown := map[string]store.StoredValues{}
		counts, err := tx.FinishSeeing(ctx, func(id string, ss store.StoredSeries) {
			seen = append(seen, id)
			vals, err := ss.Decode()
			if err != nil {
				t.Errorf("%s: %v", id, err)
			}
			shown[id] = vals
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{calls.ID, outcomes.ID, response.ID}; !slices.Equal(seen, want) {
			t.Errorf("shown %v, want %v", seen, want)
		}
		brief := func(vs store.StoredValues) []string {
			var out []string
			for i, v := range vs.Values {
				src, err := vs.Source(i)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, v.Area+"/"+v.Period.Key()+"="+strconv.FormatFloat(v.Value, 'f', -1, 64)+
					"@"+strconv.FormatInt(src.UploadID, 10)+" "+src.File+" "+src.Sheet+"!"+src.Cell)
			}
			return out
		}
		f := strconv.FormatInt(first, 10) + " first.xlsx Data!"
		for id, want := range map[string][]string{
			calls.ID:    {"Force/2021-04=1@" + f + "B3", "North/2021-04=2@" + f + "B4"},
			response.ID: {"Force/2021-04=14@" + f + "B2"},
			outcomes.ID: nil,
		} {
			if got := brief(shown[id]); !slices.Equal(got, want) {
				t.Errorf("%s shown as %v, want %v", id, got, want)
			}
		}
		if counts.Superseded != 2 || counts.Observations != 4 {
			t.Errorf("counts = %+v, want 2 superseded of 4", counts)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := store.CheckCurrentSeries(ctx, s); err != nil {
			t.Fatal(err)
		}
	})
}
