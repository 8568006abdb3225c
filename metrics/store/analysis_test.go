package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestCurrentSeries(t *testing.T) {
	jul, aug := metrics.MonthOf(2021, time.July), metrics.MonthOf(2021, time.August)
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingest(t, s, file{name: "q2.xlsx", metrics: []metrics.Metric{calls, response}, obs: []metrics.Observation{
			ob(calls.ID, "South", aug, 300, "Data", "C2"),
			ob(calls.ID, "North", aug, 400, "Data", "C3"),
			ob(calls.ID, "North", jul, 390, "Data", "C4"),
			ob(response.ID, "North", aug, 16, "Data", "C5"),
		}})
		// A revision of one value: only the current one is returned.
		id2, _ := ingest(t, s, file{name: "q2 revised.xlsx", obs: []metrics.Observation{
			ob(calls.ID, "North", aug, 405, "Data", "C2"),
		}})
		tests := []struct {
			name  string
			scope metrics.Scope
			want  map[string][]string
		}{
			{"public: open metrics only", metrics.Public, map[string][]string{
				calls.ID: {"calls-999/North/2021-07=390@1:Data!C4", "calls-999/North/2021-08=405@2:Data!C2", "calls-999/South/2021-08=300@1:Data!C2"},
			}},
			{"signed in: sensitive too", metrics.Everything, map[string][]string{
				calls.ID:    {"calls-999/North/2021-07=390@1:Data!C4", "calls-999/North/2021-08=405@2:Data!C2", "calls-999/South/2021-08=300@1:Data!C2"},
				response.ID: {"response-urban/North/2021-08=16@1:Data!C5"},
			}},
		}
		for _, tt := range tests {
			got, err := s.CurrentSeries(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			gotValues := map[string][]string{}
			for id, obs := range got {
				gotValues[id] = values(obs)
				for _, o := range obs {
					if o.Source.File == "" || o.Source.UploadedAt.IsZero() {
						t.Errorf("%s: %s has no source file or upload time", tt.name, id)
					}
				}
			}
			if !reflect.DeepEqual(gotValues, tt.want) {
				t.Errorf("%s:\n got %v\nwant %v", tt.name, gotValues, tt.want)
			}
			// The same values as Series gives, metric by metric.
			for id := range tt.want {
				one, err := s.Series(ctx, tt.scope, id)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(values(one), gotValues[id]) {
					t.Errorf("%s: %s differs from Series: %v", tt.name, id, values(one))
				}
			}
		}
		if id2 != 2 {
			t.Errorf("second upload id = %d", id2)
		}
	})
}
