package view

import (
	"reflect"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestAnalyseTileReasons(t *testing.T) {
	target := 15.0
	m := metrics.Metric{ID: "resp", Name: "Response", Unit: "minutes", Direction: metrics.LowerIsBetter, Target: &target}
	month := func(i int) metrics.Period { return metrics.MonthOf(2021, time.Month(i)) }
	var series []metrics.Observation
	// North: steady at 14 then a jump to 30 in December (off target and
	// outside the limits); South: 15.5 throughout (near target, steady).
	for i := 1; i <= 12; i++ {
		north := 14.0 + float64(i%2)*0.1
		if i == 12 {
			north = 30
		}
		series = append(series,
			metrics.Observation{Area: "North", Period: month(i), Value: north},
			metrics.Observation{Area: "South", Period: month(i), Value: 15.5})
	}
	dec := month(12)
	latest := func(areas ...string) store.LatestValue {
		lv := store.LatestValue{Metric: m, Period: dec}
		for _, o := range series {
			if o.Period == dec {
				for _, a := range areas {
					if o.Area == a {
						lv.Values = append(lv.Values, o)
					}
				}
			}
		}
		return lv
	}
	newest := map[metrics.PeriodKind]metrics.Period{metrics.Month: dec}
	tests := []struct {
		name     string
		lv       store.LatestValue
		newest   map[metrics.PeriodKind]metrics.Period
		reasons  []string
		severity metrics.Severity
	}{
		{"two areas, reasons by area", latest("North", "South"), newest,
			[]string{"Off target (North)", "Near target (South)", "Unusual change, a concern (North)"}, metrics.SeverityRed},
		{"one area: no area named", latest("South"), newest, []string{"Near target"}, metrics.SeverityAmber},
		{"behind the newest month", latest("South"), map[metrics.PeriodKind]metrics.Period{metrics.Month: metrics.MonthOf(2022, time.January)},
			[]string{"Near target", "Not up to date"}, metrics.SeverityAmber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := NewTile(tt.lv, metrics.Settings{})
			if err := AnalyseTile(&tl, tt.lv, NewAnalyses(tt.lv.Metric, series, nil), tt.newest, "spark-0"); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tl.Reasons, tt.reasons) || tl.Severity() != tt.severity {
				t.Errorf("reasons %q (severity %d), want %q (%d)", tl.Reasons, tl.Severity(), tt.reasons, tt.severity)
			}
			if tl.Spark == nil || len(tl.SparkRows) != sparklinePoints {
				t.Errorf("sparkline %v with %d rows, want %d", tl.Spark != nil, len(tl.SparkRows), sparklinePoints)
			}
		})
	}
	// Without a chart id, no sparkline (the board pack draws none).
	tl := NewTile(latest("North"), metrics.Settings{})
	if err := AnalyseTile(&tl, latest("North"), NewAnalyses(latest("North").Metric, series, nil), newest, ""); err != nil || tl.Spark != nil {
		t.Errorf("a sparkline without an id: %v", err)
	}
}

func TestSplitExceptionsMostSeriousFirst(t *testing.T) {
	mk := func(id string, severity metrics.Severity) Tile {
		return Tile{Metric: metrics.Metric{ID: id}, TileAnalysis: TileAnalysis{severity: severity}}
	}
	ex, others := SplitExceptions([]Tile{mk("a", metrics.SeverityNone), mk("b", metrics.SeverityStale), mk("c", metrics.SeverityRed), mk("d", metrics.SeverityAmber), mk("e", metrics.SeverityNone), mk("f", metrics.SeverityRed)})
	var got []string
	for _, t := range ex {
		got = append(got, t.Metric.ID)
	}
	if !reflect.DeepEqual(got, []string{"c", "f", "d", "b"}) {
		t.Errorf("exceptions %v, want c f d b (most serious first, then catalogue order)", got)
	}
	if len(others) != 2 || others[0].Metric.ID != "a" || others[1].Metric.ID != "e" {
		t.Errorf("others %v", others)
	}
}
