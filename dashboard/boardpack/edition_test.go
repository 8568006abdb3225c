package boardpack

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

func TestPackChanges(t *testing.T) {
	measure := func(id, period, value, rag string, reasons ...string) Measure {
		pm := Measure{Anchor: "m-" + id}
		pm.Metric = metrics.Metric{ID: id, Name: strings.ToUpper(id)}
		pm.Period = period
		pm.Values = []view.AreaValue{{Area: "Force", Value: value}}
		pm.Analysis.RAGWord = rag
		pm.Reasons = reasons
		return pm
	}
	base := Snapshot{Others: []Measure{measure("a", "Nov 2021", "17", "Off target", "Off target"), measure("b", "Nov 2021", "5", "On target")},
		Finance: &Finance{Period: "M8", Forecast: "£1k", Variance: "£0k"}}
	tests := []struct {
		name string
		now  func(sn Snapshot) Snapshot
		want []string
	}{
		{"nothing", func(sn Snapshot) Snapshot { return sn }, nil},
		{"a revised value and status", func(sn Snapshot) Snapshot {
			sn.Others = []Measure{measure("a", "Nov 2021", "14", "On target"), sn.Others[1]}
			return sn
		}, []string{"A: Force, Nov 2021: 14, was 17. | Against target: On target, was Off target. | Exception: none, was Off target."}},
		{"a new period", func(sn Snapshot) Snapshot {
			sn.Others = []Measure{sn.Others[0], measure("b", "Dec 2021", "6", "On target")}
			return sn
		}, []string{"B: Latest period Dec 2021, was Nov 2021."}},
		{"a measure added and one gone", func(sn Snapshot) Snapshot {
			sn.Others = []Measure{sn.Others[0], measure("c", "Nov 2021", "1", "")}
			return sn
		}, []string{"C: Has figures now; the edition had none.", "B: In the edition, but has no figures in the pack now."}},
		{"commentary", func(sn Snapshot) Snapshot {
			a := sn.Others[0]
			a.Commentary = &Commentary{Paragraphs: []string{"new"}}
			sn.Others = []Measure{a, sn.Others[1]}
			return sn
		}, []string{"A: The commentary has changed."}},
		{"finance revised", func(sn Snapshot) Snapshot {
			sn.Finance = &Finance{Period: "M8", Forecast: "£2k", Variance: "£1k"}
			return sn
		}, []string{"Finance: M8 revised: forecast £2k and variance £1k, were £1k and £0k."}},
		{"response times arrive", func(sn Snapshot) Snapshot {
			sn.ResponseTimes = &ResponseTimes{Quarter: "2021/22 Q3"}
			return sn
		}, []string{"Response times: Response times for 2021/22 Q3 now; the edition had none."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range Changes(base, tt.now(base)) {
				got = append(got, c.Measure+": "+strings.Join(c.What, " | "))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("changes =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestPackQuarter(t *testing.T) {
	for meeting, want := range map[string]string{
		"2022-02-10": "2021/22 Q3", "2022-01-01": "2021/22 Q3", "2021-12-31": "2021/22 Q2", "2021-07-01": "2021/22 Q1", "2021-06-30": "2020/21 Q4",
	} {
		d, _ := time.Parse(time.DateOnly, meeting)
		if got := Quarter(d).Label(); got != want {
			t.Errorf("Quarter(%s) = %s, want %s", meeting, got, want)
		}
	}
}

// An edition whose stored chart option was altered to hold markup is
// refused, not rendered.
func TestUnmarshalSnapshotRefusesUnsafeCharts(t *testing.T) {
	good := Snapshot{Format: snapshotFormat, Finance: &Finance{Chart: &chart.ChartPanel{ID: "bp-finance", OptionJSON: `{"a":1}`}}}
	b, _, err := Marshal(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Unmarshal(b); err != nil {
		t.Fatalf("a good snapshot: %v", err)
	}
	for _, opt := range []string{`{"a":"</script><script>alert(1)</script>"}`, `{"a":`} {
		bad := good
		bad.Finance = &Finance{Chart: &chart.ChartPanel{ID: "bp-finance", OptionJSON: template.JS(opt)}}
		b, _, _ := Marshal(bad)
		if _, err := Unmarshal(b); err == nil {
			t.Errorf("option %s was accepted", opt)
		}
		// The same in the open part, in each of its lists.
		chart := &chart.ChartPanel{ID: "bpo-0", OptionJSON: template.JS(opt)}
		pm := Measure{Analysis: view.Analysis{SPC: chart}}
		for _, open := range []*Open{{Exceptions: []Measure{pm}}, {National: []Measure{pm}}, {Others: []Measure{pm}}} {
			bad := good
			bad.Open = open
			b, _, _ := Marshal(bad)
			if _, err := Unmarshal(b); err == nil {
				t.Errorf("option %s in the open part was accepted", opt)
			}
		}
	}
}
