package store_test

import (
	"context"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestUpdateMetric(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingestValues(t, s, "m1.xlsx", map[string]float64{"North 2021-08": 1})
		m, err := s.GetMetric(ctx, metrics.Everything, calls.ID)
		if err != nil {
			t.Fatal(err)
		}
		changed := m
		changed.Name = "999 calls per day"
		changed.Classification = metrics.Sensitive
		changed.Target = ptr(400)
		before, err := s.UpdateMetric(ctx, changed)
		if err != nil {
			t.Fatal(err)
		}
		if before.Name != m.Name || before.Classification != m.Classification {
			t.Errorf("before = %+v, want %+v", before, m)
		}
		got, _ := s.GetMetric(ctx, metrics.Everything, calls.ID)
		if got.Name != "999 calls per day" || got.Target == nil || *got.Target != 400 || got.Classification != metrics.Sensitive {
			t.Errorf("after = %+v", got)
		}
		if _, err := s.GetMetric(ctx, metrics.Public, calls.ID); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("made sensitive, the metric is still public: %v", err)
		}
		changed.ID = "nope"
		if _, err := s.UpdateMetric(ctx, changed); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("unknown metric: %v", err)
		}
		changed.ID, changed.Direction = calls.ID, "sideways"
		if _, err := s.UpdateMetric(ctx, changed); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("bad direction: %v", err)
		}
	})
}
