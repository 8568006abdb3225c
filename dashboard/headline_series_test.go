package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/boardpack"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// headlineCase is a measure whose shape tests one rule of view.HeadlineSeries.
type headlineCase struct {
	id, why   string
	sensitive bool
	// values are area -> first and last month (inclusive), as YYYY-MM.
	values map[string][2]string
	// quarter adds a financial-quarter value to each area, starting on
	// the same day as the month of this key.
	quarter string
}

var headlineCases = []headlineCase{
	{id: "force-and-areas", why: "the usual: force-wide series and areas", values: map[string][2]string{"Force": {"2019-01", "2022-06"}, "North": {"2019-01", "2022-06"}, "South": {"2019-01", "2022-06"}}},
	{id: "no-force", why: "no force-wide area: every area is analysed", values: map[string][2]string{"North": {"2019-01", "2022-06"}, "South": {"2019-04", "2022-06"}}},
	{id: "force-lags", why: "latest period has no force-wide value", values: map[string][2]string{"Force": {"2019-01", "2021-10"}, "North": {"2019-01", "2021-12"}, "South": {"2019-01", "2021-12"}}},
	{id: "one-area-latest", why: "latest period has one area, not force-wide", values: map[string][2]string{"Force": {"2019-01", "2021-10"}, "North": {"2019-01", "2021-12"}, "South": {"2019-01", "2021-11"}}},
	{id: "two-headline", why: "two force-wide names", values: map[string][2]string{"All areas": {"2019-01", "2022-01"}, "Force": {"2019-06", "2022-02"}, "North": {"2019-01", "2022-02"}}},
	{id: "force-only", why: "only the force-wide area", values: map[string][2]string{"Force": {"2018-04", "2022-03"}}},
	{id: "quarters", why: "a quarter and a month start on the same day", values: map[string][2]string{"Force": {"2019-01", "2021-10"}, "North": {"2019-01", "2021-10"}}, quarter: "2021-10"},
	{id: "secret", why: "sensitive", sensitive: true, values: map[string][2]string{"Force": {"2019-01", "2022-06"}, "East": {"2019-01", "2022-06"}}},
	{id: "after-meetings", why: "values only after every meeting", values: map[string][2]string{"Force": {"2023-01", "2023-06"}, "North": {"2023-01", "2023-06"}}},
	{id: "force-starts-late", why: "force-wide values only after a meeting", values: map[string][2]string{"Force": {"2022-02", "2022-06"}, "North": {"2019-01", "2022-06"}}},
}

func month(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// storeHeadlineCases stores headlineCases in two uploads, the second
// revising some values, so that superseded values are there to be left
// out.
func storeHeadlineCases(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	for round := range 2 {
		tx, err := st.BeginIngest(ctx, metrics.Upload{FileName: fmt.Sprintf("round-%d.xlsx", round)}, fmt.Appendf(nil, "round %d", round))
		if err != nil {
			t.Fatal(err)
		}
		var obs []metrics.Observation
		for ci, c := range headlineCases {
			class := metrics.Open
			if c.sensitive {
				class = metrics.Sensitive
			}
			target := 100.0
			m := metrics.Metric{ID: c.id, Name: c.why, Unit: "crimes", Direction: metrics.LowerIsBetter, Target: &target, Classification: class, Category: "Test"}
			if err := tx.UpsertMetric(ctx, m); err != nil {
				t.Fatal(err)
			}
			for area, span := range c.values {
				for d, i := month(t, span[0]), 0; !d.After(month(t, span[1])); d, i = d.AddDate(0, 1, 0), i+1 {
					if round == 1 && i%7 != 0 {
						continue // the revision gives every seventh value again
					}
					// Values that wander, with a run at the end, so that
					// there are signals and standings to compare.
					v := 90 + float64((i*37+ci*11)%23) + float64(round)
					if i > 30 {
						v += 15
					}
					obs = append(obs, metrics.Observation{MetricID: c.id, Area: area, Period: metrics.MonthOf(d.Year(), d.Month()), Value: v,
						Source: metrics.Source{Sheet: "Data", Cell: fmt.Sprintf("D%d", len(obs)+2)}})
				}
				if c.quarter != "" && round == 0 {
					q := month(t, c.quarter)
					fy := q.Year()
					if q.Month() < time.April {
						fy--
					}
					p := metrics.QuarterOf(fy, (int(q.Month()+8)%12)/3+1)
					obs = append(obs, metrics.Observation{MetricID: c.id, Area: area, Period: p, Value: 300,
						Source: metrics.Source{Sheet: "Data", Cell: fmt.Sprintf("D%d", len(obs)+2)}})
				}
			}
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
	}
}

// TestAnalysisSeriesGivesWhatEveryValueGives checks that the overview
// and the board pack, built from view.HeadlineSeries's partial read, are
// exactly what they are when built from every current value, for each
// shape of measure in headlineCases, each audience and several meetings,
// with no home area set and with one that is one of the measures' areas
// (which they then show first, read whole).
func TestAnalysisSeriesGivesWhatEveryValueGives(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, d)
			storeHeadlineCases(t, st)
			srv, err := New(Config{Store: st, Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			for _, home := range []string{"", "South"} {
				if err := st.SetSettings(ctx, metrics.Settings{HomeArea: home}, "test"); err != nil {
					t.Fatal(err)
				}
				set, err := st.Settings(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, scope := range []metrics.Scope{metrics.Public, metrics.Everything} {
					all, err := st.CurrentSeries(ctx, scope)
					if err != nil {
						t.Fatal(err)
					}
					latest, err := st.Latest(ctx, scope)
					if err != nil {
						t.Fatal(err)
					}
					want, err := buildTiles(latest, all, freshness{}, nil, set)
					if err != nil {
						t.Fatal(err)
					}
					got, err := srv.overviewTiles(ctx, scope, time.Time{})
					if err != nil {
						t.Fatal(err)
					}
					if len(got.tiles) != len(want.tiles) {
						t.Fatalf("sensitive=%t: overview has %d tiles, want %d", scope.Sensitive, len(got.tiles), len(want.tiles))
					}
					for i := range want.tiles {
						sameJSON(t, fmt.Sprintf("sensitive=%t: overview view.Tile %s", scope.Sensitive, want.tiles[i].Metric.ID), got.tiles[i], want.tiles[i])
					}

					for _, meeting := range []string{"2021-11-20", "2021-12-15", "2022-03-01", "2022-07-05", "2030-01-01"} {
						at, _ := time.Parse(time.DateOnly, meeting)
						ms, err := st.ListMetrics(ctx, scope)
						if err != nil {
							t.Fatal(err)
						}
						wantPack, err := boardpack.Analyse(ms, all, nil, at, "bp-", freshness{}, set)
						if err != nil {
							t.Fatal(err)
						}
						part, err := view.HeadlineSeries(ctx, srv.store, scope, at, home)
						if err != nil {
							t.Fatal(err)
						}
						// The usual measure is read in part, or the test proves
						// nothing about the partial read.
						if id := "force-and-areas"; home == "" && meeting == "2022-07-05" && len(part[id]) >= len(metrics.EndedBefore(all[id], at)) {
							t.Errorf("%s: %s read whole (%d values), not in part", meeting, id, len(part[id]))
						}
						gotPack, err := boardpack.Analyse(ms, part, nil, at, "bp-", freshness{}, set)
						if err != nil {
							t.Fatal(err)
						}
						// Areas lists a series' areas for the metric page's
						// area links; the pack does not show it.
						for _, list := range [][]boardpack.Measure{wantPack.Exceptions, wantPack.Others, gotPack.Exceptions, gotPack.Others} {
							for i := range list {
								list[i].Analysis.Areas = nil
							}
						}
						what := fmt.Sprintf("home %q, sensitive=%t, meeting %s", home, scope.Sensitive, meeting)
						if len(wantPack.Exceptions)+len(wantPack.Others) < 4 && meeting != "2021-11-20" {
							t.Errorf("%s: only %d measures analysed: the cases do not test much", what, len(wantPack.Exceptions)+len(wantPack.Others))
						}
						sameJSON(t, what+": board pack", gotPack, wantPack)
						if !t.Failed() && !reflect.DeepEqual(gotPack, wantPack) {
							t.Errorf("%s: board pack differs from the one built from every value, beyond its JSON", what)
						}
					}
				}
			}
		})
	}
}

// sameJSON reports got and want when their JSON differs.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) == string(w) {
		return
	}
	i := 0
	for i < min(len(g), len(w)) && g[i] == w[i] {
		i++
	}
	from := max(0, i-300)
	t.Errorf("%s differs from the one built from every value, at byte %d:\n got ...%.600s\nwant ...%.600s", what, i, g[from:], w[from:])
}
