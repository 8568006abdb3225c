package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// A sensitive metric is invisible to the public in every read, and its
// absence looks exactly like a metric that does not exist.
func TestScope(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingest(t, s, file{name: "q2.xlsx", metrics: []metrics.Metric{calls, response}, obs: []metrics.Observation{
			ob(calls.ID, "North", aug, 100, "Data", "C2"),
			ob(response.ID, "North", aug, 14, "Data", "C3"),
			ob(response.ID, "North", sep, 13, "Data", "D3"),
		}})
		// A revision, so that History has a superseded sensitive value.
		ingest(t, s, file{name: "q2 rev.xlsx", metrics: []metrics.Metric{response}, obs: []metrics.Observation{
			ob(response.ID, "North", sep, 12, "Data", "D3"),
		}})

		tests := []struct {
			scope metrics.Scope
			want  []string // visible metric ids in ListMetrics order
		}{
			{metrics.Public, []string{calls.ID}},
			{metrics.Everything, []string{calls.ID, response.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.scope.String(), func(t *testing.T) {
				list, err := s.ListMetrics(ctx, tt.scope)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, m := range list {
					ids = append(ids, m.ID)
				}
				if !reflect.DeepEqual(ids, tt.want) {
					t.Errorf("ListMetrics = %v, want %v", ids, tt.want)
				}

				latest, err := s.Latest(ctx, tt.scope)
				if err != nil {
					t.Fatal(err)
				}
				ids = nil
				for _, lv := range latest {
					ids = append(ids, lv.Metric.ID)
					for _, o := range lv.Values {
						if o.MetricID != lv.Metric.ID {
							t.Errorf("Latest: %s carries a value of %s", lv.Metric.ID, o.MetricID)
						}
					}
				}
				if !reflect.DeepEqual(ids, tt.want) {
					t.Errorf("Latest metrics = %v, want %v", ids, tt.want)
				}

				_, errGet := s.GetMetric(ctx, tt.scope, response.ID)
				series, errSeries := s.Series(ctx, tt.scope, response.ID)
				hist, errHist := s.History(ctx, tt.scope, response.ID, "North", sep.Key())
				if tt.scope.Sensitive {
					if errGet != nil || errSeries != nil || errHist != nil {
						t.Fatalf("reads of a sensitive metric with sensitive scope: %v, %v, %v", errGet, errSeries, errHist)
					}
					if len(series) != 2 || len(hist) != 2 {
						t.Errorf("Series = %v, History = %v; want 2 values each", values(series), values(hist))
					}
					return
				}
				_, errAbsent := s.GetMetric(ctx, tt.scope, "no-such-metric")
				for name, err := range map[string]error{"GetMetric": errGet, "Series": errSeries, "History": errHist} {
					if metrics.ErrorCode(err) != metrics.ENOTFOUND {
						t.Errorf("public %s of a sensitive metric: err = %v, want not found", name, err)
					}
				}
				if len(series) != 0 || len(hist) != 0 {
					t.Errorf("public reads returned sensitive values: %v %v", values(series), values(hist))
				}
				if got, want := fmt.Sprint(errGet), fmt.Sprintf("metric %q not found", response.ID); got != want {
					t.Errorf("GetMetric message = %q, want %q", got, want)
				}
				if want := fmt.Sprintf("metric %q not found", "no-such-metric"); fmt.Sprint(errAbsent) != want {
					t.Errorf("absent metric message = %q, want %q (the same as for a hidden one)", errAbsent, want)
				}
			})
		}
	})
}

func TestLatest(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		empty := metrics.Metric{ID: "empty", Name: "No values yet", Direction: metrics.NoDirection,
			Classification: metrics.Open, Category: "Calls"}
		mixed := metrics.Metric{ID: "mixed", Name: "Mixed periods", Direction: metrics.NoDirection,
			Classification: metrics.Open, Category: "Mixed"}
		q3 := metrics.QuarterOf(2021, 3) // October to December 2021
		first, _ := ingest(t, s, file{name: "a.xlsx", metrics: []metrics.Metric{calls, empty, outcomes, mixed}, obs: []metrics.Observation{
			ob(calls.ID, "North", aug, 1, "Data", "C2"),
			ob(calls.ID, "South", aug, 2, "Data", "C3"),
			ob(calls.ID, "South", sep, 3, "Data", "D3"),
			ob(calls.ID, "North", sep, 4, "Data", "D2"),
			ob(outcomes.ID, "North", aug, 50, "Data", "C9"),
			ob(mixed.ID, "North", sep, 5, "Data", "C10"),
			ob(mixed.ID, "North", oct, 6, "Data", "D10"),
			ob(mixed.ID, "North", q3, 7, "Data", "E10"),
		}})
		second, _ := ingest(t, s, file{name: "b.xlsx", metrics: []metrics.Metric{calls}, obs: []metrics.Observation{
			ob(calls.ID, "North", sep, 40, "Data", "D2"),
		}})

		latest, err := s.Latest(ctx, metrics.Everything)
		if err != nil {
			t.Fatal(err)
		}
		type summary struct {
			ID     string
			Period string
			Values []string
		}
		var got []summary
		for _, lv := range latest {
			if lv.Values == nil {
				t.Errorf("%s: Values is nil, want an empty slice", lv.Metric.ID)
			}
			got = append(got, summary{lv.Metric.ID, lv.Period.Key(), values(lv.Values)})
		}
		want := []summary{
			// Category "Calls": "999 calls" sorts before "No values yet".
			{calls.ID, "2021-09", []string{
				fmt.Sprintf("calls-999/North/2021-09=40@%d:Data!D2", second),
				fmt.Sprintf("calls-999/South/2021-09=3@%d:Data!D3", first),
			}},
			{empty.ID, "", []string{}},
			// October and Q3 start together; the quarter ends later.
			{mixed.ID, "2021/22 Q3", []string{fmt.Sprintf("mixed/North/2021/22 Q3=7@%d:Data!E10", first)}},
			{outcomes.ID, "2021-08", []string{fmt.Sprintf("outcome-rate/North/2021-08=50@%d:Data!C9", first)}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Latest =\n%+v\nwant\n%+v", got, want)
		}
		if p := latest[0].Period; p != sep {
			t.Errorf("Latest period = %+v, want %+v", p, sep)
		}
	})
}

// Both databases sort the catalogue the same way, byte by byte.
func TestListMetricsOrder(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := func(id, name, category string) metrics.Metric {
			return metrics.Metric{ID: id, Name: name, Direction: metrics.NoDirection, Classification: metrics.Open, Category: category}
		}
		ingest(t, s, file{name: "c.xlsx", metrics: []metrics.Metric{
			m("d", "apple", "B"), m("c", "Zebra", "B"), m("b", "same", "A"), m("a", "same", "A"), m("e", "x", "a"),
		}})
		list, err := s.ListMetrics(ctx, metrics.Public)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range list {
			ids = append(ids, m.ID)
		}
		if want := []string{"a", "b", "c", "d", "e"}; !reflect.DeepEqual(ids, want) {
			t.Errorf("ListMetrics order = %v, want %v", ids, want)
		}
	})
}

func TestListUploadsNewestFirst(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		var want []int64
		for i := range 3 {
			id, _ := ingest(t, s, file{name: fmt.Sprintf("f%d.xlsx", i)})
			want = append([]int64{id}, want...)
		}
		ups, err := s.ListUploads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, u := range ups {
			got = append(got, u.ID)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ListUploads ids = %v, want %v", got, want)
		}
		if !ups[0].UploadedAt.After(ups[1].UploadedAt) {
			t.Errorf("uploaded_at not descending: %v, %v", ups[0].UploadedAt, ups[1].UploadedAt)
		}
	})
}
