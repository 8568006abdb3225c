package store_test

import (
	"context"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// ingestValues stores one upload of calls values, keyed "area period".
func ingestValues(t *testing.T, s *store.Store, name string, values map[string]float64) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: name, Kind: metrics.KindPerformance}, []byte(name))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := tx.EnsureMetric(ctx, calls); err != nil {
		t.Fatal(err)
	}
	var obs []metrics.Observation
	i := 0
	for key, v := range values {
		p, err := metrics.ParsePeriod(key[len("North "):])
		if err != nil {
			t.Fatal(err)
		}
		i++
		obs = append(obs, ob(calls.ID, key[:len("North")], p, v, "Data", "C"+string(rune('0'+i))))
	}
	if err := tx.AddObservations(ctx, obs); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return tx.UploadID()
}

func currentValues(t *testing.T, s *store.Store) map[string]float64 {
	t.Helper()
	obs, err := s.Series(context.Background(), metrics.Everything, calls.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, o := range obs {
		out[o.Area+" "+o.Period.Key()] = o.Value
	}
	return out
}

func TestRollbackUpload(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		first := ingestValues(t, s, "m1.xlsx", map[string]float64{"North 2021-08": 1, "North 2021-09": 2})
		second := ingestValues(t, s, "m2.xlsx", map[string]float64{"North 2021-09": 20, "North 2021-10": 30})
		third := ingestValues(t, s, "m3.xlsx", map[string]float64{"North 2021-10": 300})

		// Rolling back the second: its own value for Sep goes, the first's
		// comes back; its Oct value goes, but the third's stays current.
		counts, err := s.RollbackUpload(ctx, second, "tester")
		if err != nil {
			t.Fatal(err)
		}
		if counts.Removed != 2 || counts.Restored != 1 {
			t.Errorf("counts = %+v, want 2 removed, 1 restored", counts)
		}
		got := currentValues(t, s)
		want := map[string]float64{"North 2021-08": 1, "North 2021-09": 2, "North 2021-10": 300}
		if len(got) != len(want) {
			t.Errorf("current = %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %v, want %v", k, got[k], v)
			}
		}
		if _, err := s.RollbackUpload(ctx, second, "tester"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("a second rollback: %v, want ENOTFOUND", err)
		}
		// The same file may be stored again after its rollback.
		if _, found, _ := s.FindUploadBySHA(ctx, sha("m2.xlsx")); found {
			t.Error("a rolled-back upload is still found by its hash")
		}
		again := ingestValues(t, s, "m2.xlsx", map[string]float64{"North 2021-09": 20, "North 2021-10": 30})
		if again == second {
			t.Error("re-upload reused the rolled-back upload's id")
		}
		ups, err := s.ListUploads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[int64]string{}
		for _, u := range ups {
			statuses[u.ID] = u.Status
		}
		if statuses[second] != metrics.StatusRolledBack || statuses[first] != metrics.StatusStored || statuses[third] != metrics.StatusStored {
			t.Errorf("statuses = %v", statuses)
		}
	})
}
