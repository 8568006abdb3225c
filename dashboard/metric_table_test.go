package dashboard

import (
	"reflect"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// The table of a measure's figures: a row per period, newest first, a
// cell per area, figures to the unit's decimals, and every value's
// source with its upload's time, newest period first.
func TestSeriesTable(t *testing.T) {
	first := time.Date(2021, time.March, 4, 9, 30, 0, 0, time.UTC)
	second := time.Date(2021, time.April, 6, 14, 5, 0, 0, time.UTC)
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	obs := func(area string, month time.Month, v float64, at time.Time, cell string) metrics.Observation {
		return metrics.Observation{Area: area, Period: metrics.MonthOf(2021, month), Value: v,
			Source: metrics.Source{File: "q.xlsx", Sheet: "Data", Cell: cell, UploadedAt: at}}
	}
	got := buildSeriesTable(metrics.Metric{Unit: "%"}, []metrics.Observation{
		obs("South", time.January, 48.333, first, "C2"),
		obs("North", time.January, 51, first, "B2"),
		obs("North", time.February, 1234.56, second, "B3"),
		// The same instant in another zone is written in that zone.
		obs("South", time.February, -0.04, second.In(london), "C3"),
	})
	want := seriesTable{
		Areas:   []string{"North", "South"},
		Periods: []metrics.Period{metrics.MonthOf(2021, time.January), metrics.MonthOf(2021, time.February)},
		Rows: []seriesRow{
			{Period: "Feb 2021", Cells: []string{"1,234.6", "0.0"}},
			{Period: "Jan 2021", Cells: []string{"51.0", "48.3"}},
		},
		Sources: []sourceRow{
			{Period: "Feb 2021", Area: "North", Value: "1,234.6", File: "q.xlsx", Sheet: "Data", Cell: "B3", Uploaded: "6 Apr 2021 14:05"},
			{Period: "Feb 2021", Area: "South", Value: "0.0", File: "q.xlsx", Sheet: "Data", Cell: "C3", Uploaded: "6 Apr 2021 15:05"},
			{Period: "Jan 2021", Area: "South", Value: "48.3", File: "q.xlsx", Sheet: "Data", Cell: "C2", Uploaded: "4 Mar 2021 09:30"},
			{Period: "Jan 2021", Area: "North", Value: "51.0", File: "q.xlsx", Sheet: "Data", Cell: "B2", Uploaded: "4 Mar 2021 09:30"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("table:\n got %+v\nwant %+v", got, want)
	}
}

// loadTestSeries is one measure's series at the load test's size: 20
// areas over ten years of months, from two uploads.
func loadTestSeries() []metrics.Observation {
	var obs []metrics.Observation
	for a := range 20 {
		for i := range 120 {
			at := time.Date(2021, time.April, 1+i%2, 9, 0, 0, 0, time.UTC)
			obs = append(obs, metrics.Observation{Area: "Area " + string(rune('A'+a)), Period: metrics.MonthOf(2012+i/12, time.Month(1+i%12)),
				Value: float64(a*1000+i) * 1.37, Source: metrics.Source{UploadID: int64(1 + i%2), File: "q.xlsx", Sheet: "Data", Cell: "B2", UploadedAt: at}})
		}
	}
	return obs
}

// BenchmarkSeriesTable is the table of a measure's page at the load
// test's size.
func BenchmarkSeriesTable(b *testing.B) {
	obs := loadTestSeries()
	b.ReportAllocs()
	for b.Loop() {
		buildSeriesTable(metrics.Metric{Unit: "minutes"}, obs)
	}
}
