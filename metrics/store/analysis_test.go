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
			gotValues := checkSeriesByMetric(t, tt.name, got, tt.want)
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

func TestHeadlineSeries(t *testing.T) {
	jun, jul, aug := metrics.MonthOf(2021, time.June), metrics.MonthOf(2021, time.July), metrics.MonthOf(2021, time.August)
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingest(t, s, file{name: "q2.xlsx", metrics: []metrics.Metric{calls, response, outcomes}, obs: []metrics.Observation{
			ob(calls.ID, "Force", jun, 700, "Data", "C2"),
			ob(calls.ID, "North", jun, 390, "Data", "C3"),
			ob(calls.ID, "Force", jul, 710, "Data", "C4"),
			ob(calls.ID, "North", jul, 395, "Data", "C5"),
			ob(calls.ID, "North", aug, 400, "Data", "C6"),
			ob(calls.ID, "South", aug, 300, "Data", "C7"),
			ob(response.ID, "Force", aug, 16, "Data", "C8"),
			ob(outcomes.ID, "North", jul, 12, "Data", "C9"),
			ob(outcomes.ID, "South", jul, 11, "Data", "C10"),
			ob(outcomes.ID, "South", aug, 13, "Data", "C11"),
		}})
		// A revision: the superseded value is never returned.
		ingest(t, s, file{name: "q2 revised.xlsx", obs: []metrics.Observation{
			ob(calls.ID, "Force", jul, 712, "Data", "C2"),
		}})
		tests := []struct {
			name        string
			scope       metrics.Scope
			endedBefore time.Time
			want        map[string][]string
		}{
			{"force-wide series and the latest period; the whole of a series without one", metrics.Public, time.Time{}, map[string][]string{
				calls.ID: {"calls-999/Force/2021-06=700@1:Data!C2", "calls-999/Force/2021-07=712@2:Data!C2",
					"calls-999/North/2021-08=400@1:Data!C6", "calls-999/South/2021-08=300@1:Data!C7"},
				outcomes.ID: {"outcome-rate/North/2021-07=12@1:Data!C9", "outcome-rate/South/2021-07=11@1:Data!C10", "outcome-rate/South/2021-08=13@1:Data!C11"},
			}},
			{"sensitive measures for those who may see them", metrics.Everything, time.Time{}, map[string][]string{
				calls.ID: {"calls-999/Force/2021-06=700@1:Data!C2", "calls-999/Force/2021-07=712@2:Data!C2",
					"calls-999/North/2021-08=400@1:Data!C6", "calls-999/South/2021-08=300@1:Data!C7"},
				response.ID: {"response-urban/Force/2021-08=16@1:Data!C8"},
				outcomes.ID: {"outcome-rate/North/2021-07=12@1:Data!C9", "outcome-rate/South/2021-07=11@1:Data!C10", "outcome-rate/South/2021-08=13@1:Data!C11"},
			}},
			{"only periods ended before the day: the latest is then July", metrics.Everything, time.Date(2021, time.August, 31, 15, 0, 0, 0, time.UTC), map[string][]string{
				calls.ID:    {"calls-999/Force/2021-06=700@1:Data!C2", "calls-999/Force/2021-07=712@2:Data!C2", "calls-999/North/2021-07=395@1:Data!C5"},
				outcomes.ID: {"outcome-rate/North/2021-07=12@1:Data!C9", "outcome-rate/South/2021-07=11@1:Data!C10"},
			}},
		}
		// The force-wide areas are the headline the store keeps with each
		// series (read when every period has ended before the day, as in
		// all but the last case); another is picked out of the series.
		for _, headline := range [][]string{metrics.ForceWideAreas(), {"Force", "All areas"}} {
			for _, tt := range tests {
				got, err := s.HeadlineSeries(ctx, tt.scope, headline, tt.endedBefore)
				if err != nil {
					t.Fatal(err)
				}
				checkSeriesByMetric(t, fmt.Sprintf("%s (headline %v)", tt.name, headline), got, tt.want)
			}
		}
	})
}

// checkSeriesByMetric compares series by metric with want, written as
// values writes them, and checks that every value has its source; it
// returns the series as written.
func checkSeriesByMetric(t *testing.T, name string, got map[string][]metrics.Observation, want map[string][]string) map[string][]string {
	t.Helper()
	gotValues := map[string][]string{}
	for id, obs := range got {
		gotValues[id] = values(obs)
		for _, o := range obs {
			if o.Source.File == "" || o.Source.UploadedAt.IsZero() {
				t.Errorf("%s: %s has no source file or upload time", name, id)
			}
		}
	}
	if !reflect.DeepEqual(gotValues, want) {
		t.Errorf("%s:\n got %v\nwant %v", name, gotValues, want)
	}
	return gotValues
}
