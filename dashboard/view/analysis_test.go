package view

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// The board pack shows the latest PackSPCPoints periods of a long series,
// says so, and keeps the average and limits of the whole series; the
// measure's page shows every period.
func TestPackSPCWindow(t *testing.T) {
	m := metrics.Metric{ID: "calls", Name: "Calls", Unit: "calls", Direction: metrics.HigherIsBetter}
	var obs []metrics.Observation
	for i := range 50 {
		// 100 for four years, then a step up to 130: the average of all
		// 50 is not that of the last 36.
		v := 100.0 + float64(i%2)
		if i >= 48 {
			v = 130
		}
		obs = append(obs, metrics.Observation{MetricID: "calls", Area: "Force", Period: metrics.MonthOf(2018+i/12, time.Month(i%12+1)), Value: v})
	}
	all, err := BuildAnalysis(m, obs, "Force", 2019, "a", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	pack, err := BuildAnalysis(m, obs, "Force", 2019, "p", nil, PackSPCPoints)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.SPCRows) != 50 || strings.Contains(all.SPCNote, "latest") {
		t.Errorf("the page's analysis: %d rows, note %q; want 50 and no window", len(all.SPCRows), all.SPCNote)
	}
	if len(pack.SPCRows) != PackSPCPoints || !strings.Contains(pack.SPCNote, fmt.Sprintf("latest %d of 50 periods", PackSPCPoints)) {
		t.Errorf("the pack's analysis: %d rows, note %q; want %d and the window named", len(pack.SPCRows), pack.SPCNote, PackSPCPoints)
	}
	if pack.SPCRows[0].Period != all.SPCRows[50-PackSPCPoints].Period || pack.SPCRows[PackSPCPoints-1] != all.SPCRows[49] {
		t.Errorf("the pack's rows are not the latest: first %v, last %v", pack.SPCRows[0], pack.SPCRows[PackSPCPoints-1])
	}
	if pack.Mean != all.Mean || pack.Upper != all.Upper || pack.Lower != all.Lower {
		t.Errorf("the pack's average and limits (%s, %s, %s) are not the whole series' (%s, %s, %s)", pack.Mean, pack.Upper, pack.Lower, all.Mean, all.Upper, all.Lower)
	}
	if pack.SPCRows[PackSPCPoints-1].Unusual == "" {
		t.Error("the step up in the latest periods is not marked unusual in the pack")
	}
}
