package dashboard

import (
	"html"
	"html/template"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/view"
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
	given := []metrics.Observation{
		obs("South", time.January, 48.333, first, "C2"),
		obs("North", time.January, 51, first, "B2"),
		obs("North", time.February, 1234.56, second, "B3"),
		// The same instant in another zone is written in that zone.
		obs("South", time.February, -0.04, second.In(london), "C3"),
	}
	got := buildSeriesTable(metrics.Metric{Unit: "%"}, given, everySource)
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
	// With fewer sources, the rest of the table is the same.
	want.Sources = want.Sources[:2]
	if got := buildSeriesTable(metrics.Metric{Unit: "%"}, given, newestSources); !reflect.DeepEqual(got, want) {
		t.Errorf("with the newest period's sources:\n got %+v\nwant %+v", got, want)
	}
	want.Sources = nil
	if got := buildSeriesTable(metrics.Metric{Unit: "%"}, given, noSources); !reflect.DeepEqual(got, want) {
		t.Errorf("with no sources:\n got %+v\nwant %+v", got, want)
	}
	for _, wanted := range []sourcesWanted{noSources, newestSources, everySource} {
		if got := buildSeriesTable(metrics.Metric{}, nil, wanted); len(got.Rows) != 0 || len(got.Sources) != 0 {
			t.Errorf("no figures, sources wanted %d: %+v", wanted, got)
		}
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
// test's size, and of its sources page.
func BenchmarkSeriesTable(b *testing.B) {
	obs := loadTestSeries()
	for name, wanted := range map[string]sourcesWanted{"page": newestSources, "sources": everySource} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buildSeriesTable(metrics.Metric{Unit: "minutes"}, obs, wanted)
			}
		})
	}
}

// The long tables' bodies written by hand say what the template's ranges
// they replace said, escaped: the same text once unescaped (html/template
// escapes a few more characters, such as '+', than HTMLEscapeString), and
// no markup from the data.
func TestTableBodiesAreTheTemplates(t *testing.T) {
	hostile := `<script>alert("x&y")</script> 'a' +1`
	tests := []struct {
		name   string
		range_ string
		data   any
		byHand template.HTML
	}{
		{"figures", `{{range .}}<tr><th scope="row">{{.Period}}</th>{{range .Cells}}<td class="num">{{if .}}{{.}}{{else}}–{{end}}</td>{{end}}</tr>
{{end}}`, seriesTable{Rows: []seriesRow{{Period: hostile, Cells: []string{"1.0", "", hostile}}, {Period: "Jan 2021", Cells: []string{"2.0", "3.0", ""}}}}.Rows,
			seriesTable{Rows: []seriesRow{{Period: hostile, Cells: []string{"1.0", "", hostile}}, {Period: "Jan 2021", Cells: []string{"2.0", "3.0", ""}}}}.RowsHTML()},
		{"sources", `{{range .}}<tr><td>{{.Period}}</td><td>{{.Area}}</td><td class="num">{{.Value}}</td><td>{{.File}}</td><td>{{.Sheet}}</td><td>{{.Cell}}</td><td>{{.Uploaded}}</td></tr>
{{end}}`, sourceRows{{Period: "Feb 2021", Area: hostile, Value: "1.0", File: hostile + ".xlsx", Sheet: hostile, Cell: "B2", Uploaded: "6 Apr 2021 14:05"}},
			sourceRows{{Period: "Feb 2021", Area: hostile, Value: "1.0", File: hostile + ".xlsx", Sheet: hostile, Cell: "B2", Uploaded: "6 Apr 2021 14:05"}}.HTML()},
		{"process limits", `{{range .}}<tr><th scope="row">{{.Period}}</th><td class="num">{{.Value}}</td><td class="num">{{.MovingRange}}</td><td>{{if .Unusual}}{{.Unusual}}{{else}}No{{end}}</td></tr>
{{end}}`, []view.SPCRow{{Period: hostile, Value: "1.0", MovingRange: "", Unusual: ""}, {Period: "Jan 2021", Value: "2.0", MovingRange: "1.0", Unusual: hostile}},
			spcRowsHTML([]view.SPCRow{{Period: hostile, Value: "1.0", MovingRange: "", Unusual: ""}, {Period: "Jan 2021", Value: "2.0", MovingRange: "1.0", Unusual: hostile}})},
		{"comparison", `{{range .}}<tr><th scope="row">{{.Period}}</th><td class="num">{{.AreaValue}}</td><td class="num">{{.AreaIndex}}</td><td class="num">{{.WithValue}}</td><td class="num">{{.WithIdx}}</td></tr>
{{end}}`, []view.CompareRow{{Period: hostile, AreaValue: "1.0", AreaIndex: "100.0", WithValue: hostile, WithIdx: ""}},
			compareRowsHTML([]view.CompareRow{{Period: hostile, AreaValue: "1.0", AreaIndex: "100.0", WithValue: hostile, WithIdx: ""}})},
	}
	for _, tt := range tests {
		var want strings.Builder
		if err := template.Must(template.New(tt.name).Parse(tt.range_)).Execute(&want, tt.data); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := string(tt.byHand)
		if html.UnescapeString(got) != html.UnescapeString(want.String()) {
			t.Errorf("%s:\n by hand %s\n     want %s", tt.name, got, want.String())
		}
		if strings.Contains(got, "<script") || strings.Contains(got, `"x`) {
			t.Errorf("%s: the data's markup was written as markup: %s", tt.name, got)
		}
	}
}
