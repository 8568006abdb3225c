package boardpack

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// noTimeliness compares each measure with the newest periods of all.
type noTimeliness struct{}

func (noTimeliness) Newest(latest []store.LatestValue) func(string) map[metrics.PeriodKind]metrics.Period {
	n := view.NewestOf(latest)
	return func(string) map[metrics.PeriodKind]metrics.Period { return n }
}
func (noTimeliness) Apply(*view.Tile, store.LatestValue) {}

// The pack analyses each measure's headline area once and reads it for
// the tile, the chart and the digest's standing: each must be what it
// would be analysed on its own, with or without change points.
func TestAnalyseReadsOneAnalysisPerMeasure(t *testing.T) {
	target := 20.0
	month := func(i int) metrics.Period { return metrics.MonthOf(2019+i/12, time.Month(1+i%12)) }
	series := func(areas []string, shift int) []metrics.Observation {
		var obs []metrics.Observation
		for i := range 30 {
			for j, a := range areas {
				v := 10 + float64(i%3) + float64(j)
				if shift > 0 && i >= shift {
					v += 8
				}
				obs = append(obs, metrics.Observation{MetricID: "", Area: a, Period: month(i), Value: v})
			}
		}
		return obs
	}
	ms := []metrics.Metric{
		{ID: "shift", Name: "With a change point", Unit: "minutes", Target: &target, Direction: metrics.LowerIsBetter},
		{ID: "plain", Name: "No change points", Unit: "count", Direction: metrics.HigherIsBetter},
		{ID: "areas", Name: "Areas, none force-wide", Unit: "%", Target: &target, Direction: metrics.HigherIsBetter, Classification: metrics.Sensitive},
		{ID: "empty", Name: "No figures before the meeting"},
	}
	all := map[string][]metrics.Observation{
		"shift": series([]string{"Force", "North"}, 18),
		"plain": series([]string{"Force"}, 0),
		"areas": series([]string{"North", "South"}, 24),
		"empty": {{Area: "Force", Period: month(40), Value: 1}},
	}
	changes := map[string][]metrics.ChangePoint{"shift": {{Start: time.Date(2020, time.July, 1, 0, 0, 0, 0, time.UTC), Reason: "new triage"}}}
	meeting := time.Date(2021, time.March, 10, 0, 0, 0, 0, time.UTC) // sees 26 months

	got, err := Analyse(ms, all, changes, meeting, "p", noTimeliness{}, metrics.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if want := StateOf(ms, all, meeting, ""); !reflect.DeepEqual(got.State, want) {
		t.Errorf("state:\n got %+v\nwant %+v", got.State, want)
	}
	if len(got.NoFigures) != 1 || got.NoFigures[0].ID != "empty" {
		t.Errorf("no figures: %v, want the measure empty", got.NoFigures)
	}
	measures := append(append([]Measure(nil), got.Exceptions...), got.Others...)
	if len(measures) != 3 {
		t.Fatalf("%d measures analysed, want 3", len(measures))
	}
	for _, pm := range measures {
		m := pm.Metric
		obs := metrics.EndedBefore(all[m.ID], meeting)
		i := map[string]int{"shift": 0, "plain": 1, "areas": 2}[m.ID]
		area := metrics.HeadlineArea(view.AreasOf(obs), "", "")
		want, err := view.BuildAnalysisWith(m, obs, area, metrics.DefaultBaselineYear, fmt.Sprintf("p%d", i), nil, changes[m.ID], view.PackSPCPoints)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(pm.Analysis, want) {
			t.Errorf("%s: the pack's analysis differs from one made on its own", m.ID)
		}
		lv := view.LatestOf(m, obs)
		tile := view.NewTile(lv, metrics.Settings{})
		if err := view.AnalyseTile(&tile, lv, view.NewAnalyses(m, obs, changes[m.ID]), view.NewestOf([]store.LatestValue{lv}), ""); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(pm.Tile.TileAnalysis, tile.TileAnalysis) {
			t.Errorf("%s: the pack's tile %+v differs from one made on its own %+v", m.ID, pm.Tile.TileAnalysis, tile.TileAnalysis)
		}
	}
	// The change point matters here, so the test would see the wrong one
	// read for the digest or the chart.
	shift := metrics.EndedBefore(all["shift"], meeting)
	with := view.NewAnalyses(ms[0], shift, changes["shift"]).Of("Force")
	without := metrics.Analyse(ms[0], shift, "Force", metrics.DefaultBaselineYear, metrics.DefaultTolerance)
	if reflect.DeepEqual(with.Signals, without.Signals) {
		t.Error("the change point does not change the signals: the test cannot tell the analyses apart")
	}
}
