package view

import (
	"testing"

	"github.com/assure-pcc/assure/metrics"
)

// BuildCompare sets the area beside England and Wales when the series
// has it, else beside the first other area, and has nothing to say of a
// series of one area; the ranking needs three areas that are not totals.
func TestBuildCompare(t *testing.T) {
	m := metrics.Metric{ID: "robbery", Name: "Robbery", Unit: "crimes", Direction: metrics.LowerIsBetter}
	year := func(y int) metrics.Period { return metrics.YearEndingOf(y, 12) }
	series := func(areas ...string) []metrics.Observation {
		var obs []metrics.Observation
		for i, a := range areas {
			for y := 2019; y <= 2021; y++ {
				obs = append(obs, metrics.Observation{MetricID: m.ID, Area: a, Period: year(y), Value: float64(100 + 10*i + y - 2019)})
			}
		}
		return obs
	}
	tests := []struct {
		name          string
		obs           []metrics.Observation
		area, with    string
		want          string // "" for no view
		ranked, place bool
	}{
		{"one area", series("Kent"), "Kent", "", "", false, false},
		{"the nation by default", series("Essex", "Kent", "England and Wales"), "Kent", "", "England and Wales", false, false},
		{"the first other area", series("Essex", "Kent"), "Kent", "", "Essex", false, false},
		{"as asked", series("Essex", "Kent", "Surrey"), "Kent", "Surrey", "Surrey", true, true},
		{"not the area itself", series("Essex", "Kent", "Surrey"), "Kent", "Kent", "Essex", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := BuildCompare(m, tt.obs, tt.area, tt.with, 0)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if v != nil {
					t.Fatalf("a compare view of %s with %s, want none", v.Area, v.With)
				}
				return
			}
			if v == nil || v.With != tt.want || v.Chart == nil || len(v.Rows) != 3 || v.Baseline == "" {
				t.Fatalf("compare view %+v, want %s beside %s with a chart and three rows", v, tt.area, tt.want)
			}
			if (v.Ranking != nil) != tt.ranked || tt.place && v.Ranking.Place == "" {
				t.Errorf("ranking %+v, want ranked %t", v.Ranking, tt.ranked)
			}
		})
	}
}
