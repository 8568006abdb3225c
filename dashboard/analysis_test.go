package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// holdBook is a workbook for the hold-to-account pages, with figures
// worked out by hand:
//
//   - resp (lower is better, target 15): Force 13, 13.2, 13.4, ... in
//     2019, 15 in December 2020, 17 and 17.2 alternating in 2021, so that
//     December 2021 is 17.2 against 13.4 in December 2019 (+3.8, +28.36%)
//     and 15 in December 2020 (+2.2); a step up that SPC calls a concern.
//     North has 15.5 in December 2021, near its target.
//   - calls (no direction, no target): twelve steady months of 2021.
//   - late: monthly, but its latest month is October 2021: not up to date.
//   - few: two months only, too few for process limits.
//   - hidden: sensitive, in a category of its own.
func holdBook(t *testing.T) []byte {
	rows := [][]any{{"Metric", "Area", "Period", "Value"}}
	add := func(id, area, period string, v float64) { rows = append(rows, []any{id, area, period, v}) }
	for i := range 12 {
		add("resp", "Force", fmt.Sprintf("2019-%02d", i+1), 13+float64(i%3)*0.2)
		add("resp", "Force", fmt.Sprintf("2021-%02d", i+1), 17+float64(i%2)*0.2)
		add("calls", "Force", fmt.Sprintf("2021-%02d", i+1), 400+float64(i%2))
		if i < 10 {
			add("late", "Force", fmt.Sprintf("2021-%02d", i+1), 50)
		}
	}
	add("resp", "Force", "2020-12", 15)
	add("resp", "North", "2021-12", 15.5)
	add("few", "Force", "2021-11", 3)
	add("few", "Force", "2021-12", 4)
	add("hidden", "Force", "2021-12", secretValue)
	return ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
			{"resp", "Response time", "minutes", "down", 15, "open", "Local priority"},
			{"calls", "Calls", "calls", "none", nil, "open", "Demand"},
			{"late", "Late measure", "cases", "up", nil, "open", "Demand"},
			{"few", "Few values", "cases", "up", 2, "open", "Demand"},
			{"hidden", "Secret measure", "cases", "up", nil, "sensitive", "Secret category"},
		}},
		ingesttest.Sheet{Name: "Data", Rows: rows},
	)
}

// pageHas reports whether a page holds s as written or as its text reads
// once character references are decoded (html/template writes "+" as
// "&#43;").
func pageHas(body, s string) bool {
	return strings.Contains(body, s) || strings.Contains(html.UnescapeString(body), s)
}

// pageIndex is strings.Index on the page's decoded text.
func pageIndex(body, s string) int {
	if i := strings.Index(body, s); i >= 0 {
		return i
	}
	return strings.Index(html.UnescapeString(body), s)
}

// holdServer serves holdBook, with a board member who may sign in.
func holdServer(t *testing.T, dialect string) (*httptest.Server, *store.Store) {
	t.Helper()
	st := storetest.Open(t, dialect)
	in := ingest.New(st, nil)
	rep, err := in.Ingest(context.Background(), "hold.xlsx", holdBook(t), ingest.Options{})
	if err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep.Errors)
	}
	storetest.ApproveAll(t, st)
	// The figures run to December 2021, and are judged up to date as
	// they were in January 2022: December is not yet due, and late's
	// November is overdue.
	srv, err := New(Config{Store: st, Ingester: in, Version: "test", Now: func() time.Time { return time.Date(2022, 1, 10, 9, 0, 0, 0, time.UTC).Add(time.Since(holdEpoch)) }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	return ts, st
}

// holdEpoch makes holdServer's clock run from 10 January 2022.
var holdEpoch = time.Now()

func TestMetricPageHoldsToAccount(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := holdServer(t, d)
			c := newClient(t, ts)
			tests := []struct {
				path   string
				status int
				has    []string
				hasNot []string
				// inOrder must appear in this order.
				inOrder []string
			}{
				{"/metrics/resp", 200, []string{
					"Force, Dec 2021: 17.2 minutes", `class="status-red">Off target</span> (target 15 minutes)`,
					"Against the same period of 2019 (Dec 2019: 13.4 minutes)", "+3.8 minutes (+28.4%)</strong>: worse",
					"against Dec 2020 (15.0 minutes)", "+2.2 minutes (+14.7%): worse",
					`data-chart="chart-spc"`, "Upper process limit", "Lower process limit",
					"Unusual change: a concern (special cause)", "which is a concern because lower is better",
					`data-chart="chart-areas"`, "By area, Dec 2021", `href="/metrics/resp?area=North&amp;baseline=2019"`,
				}, nil, []string{"Against the same period of 2019", "Year on year", `data-chart="chart-spc"`, `data-chart="chart-areas"`, `data-chart="chart-series"`}},
				{"/metrics/resp?area=North", 200, []string{"North, Dec 2021: 15.5 minutes", "Near target", "needs at least 3 values, and North has 1"},
					[]string{`data-chart="chart-spc"`}, nil},
				{"/metrics/resp?area=Atlantis", 200, []string{"Force, Dec 2021: 17.2 minutes"}, nil, nil},
				{"/metrics/resp?baseline=2018", 200, []string{"There is no value for the same period of 2018 to compare Dec 2021 with", `value="2018"`}, nil, nil},
				{"/metrics/resp?baseline=19x", 400, []string{"the baseline must be a year such as 2019"}, nil, nil},
				{"/metrics/resp?baseline=99999", 400, nil, nil, nil},
				{"/metrics/few", 200, []string{"needs at least 3 values, and the force has 2", "On target"}, []string{`data-chart="chart-spc"`, `data-chart="chart-areas"`}, nil},
				{"/metrics/calls", 200, []string{"No unusual change (common cause)", "no target"}, []string{"Off target"}, nil},
			}
			for _, tt := range tests {
				resp, body := c.get(tt.path)
				if resp.StatusCode != tt.status {
					t.Errorf("GET %s = %d, want %d", tt.path, resp.StatusCode, tt.status)
				}
				for _, s := range tt.has {
					if !pageHas(body, s) {
						t.Errorf("GET %s: no %q", tt.path, s)
					}
				}
				for _, s := range tt.hasNot {
					if strings.Contains(body, s) {
						t.Errorf("GET %s: has %q", tt.path, s)
					}
				}
				at := -1
				for _, s := range tt.inOrder {
					i := strings.Index(body, s)
					if i <= at {
						t.Errorf("GET %s: %q is not after what comes before it", tt.path, s)
					}
					at = i
				}
			}
		})
	}
}

func TestAPISeriesAnalysis(t *testing.T) {
	type analysis struct {
		Area         string `json:"area"`
		Period       string `json:"period"`
		TargetStatus string `json:"target_status"`
		RAG          string `json:"rag"`
		Baseline     *struct {
			BasePeriod string   `json:"base_period"`
			Base       float64  `json:"base"`
			Absolute   float64  `json:"absolute"`
			Percent    *float64 `json:"percent"`
		} `json:"baseline"`
		YearOnYear *struct {
			Base float64 `json:"base"`
		} `json:"year_on_year"`
		SPC *struct {
			Mean       float64 `json:"mean"`
			UpperLimit float64 `json:"upper_limit"`
			LowerLimit float64 `json:"lower_limit"`
			Variation  string  `json:"variation"`
			Signals    []struct {
				Rule        string `json:"rule"`
				FromPeriod  string `json:"from_period"`
				ToPeriod    string `json:"to_period"`
				Side        string `json:"side"`
				Sentence    string `json:"sentence"`
				Improvement bool   `json:"improvement"`
				Concern     bool   `json:"concern"`
			} `json:"signals"`
		} `json:"spc"`
	}
	var got struct {
		Metric       map[string]any   `json:"metric"`
		Observations []map[string]any `json:"observations"`
		Analysis     *analysis        `json:"analysis"`
	}
	ts, _ := holdServer(t, "sqlite")
	c := newClient(t, ts)
	read := func(path string) {
		t.Helper()
		got.Analysis = nil
		resp, body := c.get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		// The fields from before the analysis are all still there.
		if got.Metric["id"] == nil || len(got.Observations) == 0 || got.Observations[0]["period_start"] == nil || got.Observations[0]["source"] == nil {
			t.Errorf("GET %s: the series itself changed: %s", path, body[:min(len(body), 300)])
		}
	}

	read("/api/v1/metrics/resp/series")
	a := got.Analysis
	if a == nil || a.Area != "Force" || a.Period != "2021-12" || a.TargetStatus != "missed" || a.RAG != "red" {
		t.Fatalf("analysis = %+v", a)
	}
	if a.Baseline == nil || a.Baseline.BasePeriod != "2019-12" || a.Baseline.Base != 13.4 || a.Baseline.Percent == nil || fmt.Sprintf("%.2f", *a.Baseline.Percent) != "28.36" {
		t.Errorf("baseline = %+v", a.Baseline)
	}
	if a.YearOnYear == nil || a.YearOnYear.Base != 15 {
		t.Errorf("year on year = %+v", a.YearOnYear)
	}
	if a.SPC == nil || a.SPC.Variation != metrics.VariationConcern || len(a.SPC.Signals) == 0 || !(a.SPC.LowerLimit < a.SPC.Mean && a.SPC.Mean < a.SPC.UpperLimit) {
		t.Fatalf("spc = %+v", a.SPC)
	}
	var concern bool
	for _, s := range a.SPC.Signals {
		if s.Rule == "" || s.FromPeriod == "" || s.ToPeriod == "" || s.Sentence == "" || (s.Side != metrics.SideHigh && s.Side != metrics.SideLow) {
			t.Errorf("incomplete signal %+v", s)
		}
		concern = concern || (s.Concern && s.ToPeriod == "2021-12")
	}
	if !concern {
		t.Errorf("no signal of concern reaching 2021-12: %+v", a.SPC.Signals)
	}

	read("/api/v1/metrics/resp/series?area=North&baseline=2020")
	if a := got.Analysis; a == nil || a.Area != "North" || a.RAG != "amber" || a.SPC != nil || a.Baseline != nil {
		t.Errorf("North against 2020 = %+v", a)
	}
	read("/api/v1/metrics/few/series")
	if a := got.Analysis; a == nil || a.SPC != nil || a.RAG != "green" {
		t.Errorf("few = %+v", a)
	}
	if resp, _ := c.get("/api/v1/metrics/resp/series?baseline=x"); resp.StatusCode != 400 {
		t.Errorf("a bad baseline gives %d, want 400", resp.StatusCode)
	}
}

func TestOverviewExceptionsFirst(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := holdServer(t, d)
			c := newClient(t, ts)
			_, body := c.get("/")
			// Exceptions first: resp (off target, a concern), then late
			// (not up to date); then the rest.
			at := -1
			for _, s := range []string{`id="exceptions-heading"`, "/metrics/resp", "Off target; Unusual change, a concern", "/metrics/late", "Not up to date",
				"The latest figure is for Oct 2021; other measures reported by month have Dec 2021.", `id="others-heading"`, "/metrics/calls"} {
				i := strings.Index(body, s)
				if i <= at {
					t.Errorf("overview: %q missing or out of order", s)
				}
				at = i
			}
			// One row per measure: its sparkline with the figures folded
			// beside it, and the Making Data Count signs in words.
			for _, s := range []string{`<table class="data scorecard">`, `data-chart="spark-`, `<span class="visually-hidden"> of Response time, Force</span>`, `alt="Variation: `} {
				if !pageHas(body, s) {
					t.Errorf("overview: no %q", s)
				}
			}
			if strings.Contains(body, "Secret category") || strings.Contains(body, "987654") {
				t.Error("the public overview names the sensitive measure's category or value")
			}

			for _, tt := range []struct {
				path       string
				has, hasNt []string
			}{
				{"/?category=Demand", []string{"/metrics/calls", "/metrics/late", `<option value="Demand" selected>`}, []string{"/metrics/resp"}},
				// The search box, without JavaScript: every word, any case.
				{"/?q=RESP", []string{"/metrics/resp", `value="RESP"`, "matching “RESP”"}, []string{"/metrics/calls", "/metrics/late"}},
				{"/?q=nothing+like+it", []string{"No measures matching “nothing like it”"}, []string{"/metrics/"}},
				{"/?category=Local%20priority", []string{"/metrics/resp"}, []string{"/metrics/calls", `id="others-heading"`}},
				{"/?category=Atlantis", []string{"No measures in the category Atlantis", `<option value="Demand">`}, []string{"/metrics/"}},
			} {
				resp, body := c.get(tt.path)
				if resp.StatusCode != 200 {
					t.Errorf("GET %s = %d", tt.path, resp.StatusCode)
				}
				for _, s := range tt.has {
					if !pageHas(body, s) {
						t.Errorf("GET %s: no %q", tt.path, s)
					}
				}
				for _, s := range tt.hasNt {
					if strings.Contains(body, s) {
						t.Errorf("GET %s: has %q", tt.path, s)
					}
				}
			}

			if resp := c.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login = %d", resp.StatusCode)
			}
			_, body = c.get("/")
			if !strings.Contains(body, "Secret category") || !strings.Contains(body, "OFFICIAL-SENSITIVE") {
				t.Error("signed in, the overview lacks the sensitive measure's category or the marking")
			}
		})
	}
}
