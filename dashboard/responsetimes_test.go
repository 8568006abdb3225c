package dashboard

import (
	"context"
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

// incidentsServer serves holdBook's measures and a sheet of incidents
// whose figures are worked by hand: Immediate incidents of 10, 12, 14,
// 16, 18 (urban), 22 (rural) and 120 minutes (urban). Sorted, the median
// is 16 and the mean 212/7 = 30.29; by the type 7 method Q1 = 13 and
// Q3 = 20, so the upper Tukey fence is 20 + 1.5 × 7 = 30.5 and the lower
// 13 − 10.5 = 2.5; 120 is the one outlier, and without it the mean is
// 92/6 = 15.33. The 90th percentile is 22 + 0.4 × 98 = 61.2. Within
// target: 10, 12 and 14 (urban, 15 minutes), 3 of 7 = 42.86%.
func incidentsServer(t *testing.T, dialect string) (*httptest.Server, *store.Store) {
	t.Helper()
	st := storetest.Open(t, dialect)
	aug := func(day, hour, minute int) time.Time {
		return time.Date(2021, time.August, day, hour, minute, 0, 0, time.UTC)
	}
	book := ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
			{"calls", "Calls", "calls", "none", nil, "open", "Demand"},
		}},
		ingesttest.Sheet{Name: "Data", Rows: [][]any{{"Metric", "Area", "Period", "Value"}, {"calls", "Force", "2021-08", 400}}},
		ingesttest.Sheet{Name: "Incidents", Rows: [][]any{
			{"Incident ID", "Priority", "Urban/Rural", "Area", "Received", "Arrived"},
			{"INC-A", "Immediate", "Urban", "North", aug(1, 10, 0), aug(1, 10, 10)},
			{"INC-B", "Immediate", "Urban", "North", aug(2, 10, 0), aug(2, 10, 12)},
			{"INC-C", "Immediate", "Urban", "South", aug(3, 10, 0), aug(3, 10, 14)},
			{"INC-SLOW", "Immediate", "Urban", hostile, aug(4, 22, 0), aug(5, 0, 0)},
			{"INC-P", "Priority", "Urban", "North", aug(4, 10, 0), aug(4, 11, 0)},
		}},
		ingesttest.Sheet{Name: "September", Rows: [][]any{
			{"Incident ID", "Priority", "Urban/Rural", "Area", "Month", "Minutes"},
			{"INC-D", "Immediate", "Urban", "North", "2021-09", 16},
			{"INC-E", "Immediate", "Urban", "North", "2021-09", 18},
			{"INC-F", "Immediate", "Rural", "South", "2021-09", 22},
		}},
	)
	in := ingest.New(st, nil)
	rep, err := in.Ingest(context.Background(), "incidents.xlsx", book, ingest.Options{})
	if err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep.Errors)
	}
	storetest.ApproveAll(t, st)
	srv, err := New(Config{Store: st, Ingester: in, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	return ts, st
}

func TestResponseTimesPage(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := incidentsServer(t, d)
			c := newClient(t, ts)

			// The public cannot tell the page exists, nor find a link to it.
			resp, body := c.get("/response-times")
			if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "INC-") {
				t.Fatalf("public GET /response-times = %d", resp.StatusCode)
			}
			if _, body := c.get("/"); strings.Contains(body, `href="/response-times"`) {
				t.Error("the public overview links to the response times")
			}

			if resp := c.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login = %d", resp.StatusCode)
			}
			if _, body := c.get("/"); !strings.Contains(body, `href="/response-times"`) {
				t.Error("signed in, the navigation lacks the response times")
			}
			tests := []struct {
				path        string
				has, hasNot []string
			}{
				{"/response-times", []string{
					"OFFICIAL-SENSITIVE", "Immediate incidents attended from Aug 2021 to Sep 2021: 7 incidents",
					"<dt>Mean</dt><dd>30.3 minutes</dd>", "<dd>16.0 minutes</dd>", "<dd>61.2 minutes</dd>",
					"Mean without the 1 outliers</dt><dd>15.3 minutes</dd>", "<strong>42.9%</strong> attended within target", "(3 of 7 incidents)",
					"Tukey", "above 30.5 minutes or below 2.5 minutes", "<th scope=\"row\">INC-SLOW</th>", "4 Aug 2021 22:00", "120.0 minutes",
					`data-chart="rt-histogram"`, `data-chart="rt-monthly"`, `data-chart="rt-settings"`,
					`<th scope="row">60 and over</th>`, "Urban (target 15 minutes)", "Rural (target 20 minutes)",
					`href="/response-times?priority=Priority"`,
				}, []string{"INC-P", "<script>alert", "<b onmouseover"}},
				{"/response-times?priority=Priority", []string{"Priority incidents attended from Aug 2021 to Aug 2021: 1 incidents", "<dd>60.0 minutes</dd>"}, []string{"INC-SLOW"}},
				{"/response-times?priority=Nope", []string{`No incidents have the priority &#34;Nope&#34;; showing Immediate.`, "7 incidents"}, nil},
			}
			for _, tt := range tests {
				resp, body := c.get(tt.path)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s = %d", tt.path, resp.StatusCode)
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
			}
		})
	}
}

func TestResponseTimesWithNoIncidents(t *testing.T) {
	ts, _ := holdServer(t, "sqlite")
	c := newClient(t, ts)
	c.login("board", boardPassword)
	resp, body := c.get("/response-times")
	if resp.StatusCode != 200 || !strings.Contains(body, "No incident-level response times have been loaded") || strings.Contains(body, "data-chart") {
		t.Errorf("GET /response-times with no incidents = %d", resp.StatusCode)
	}
}

func TestHistogramBins(t *testing.T) {
	var recs []store.IncidentRecord
	for _, m := range []float64{0, 4.99, 5, 59.9, 60, 500} {
		recs = append(recs, store.IncidentRecord{
			Incident: metrics.Incident{ID: "x", Priority: "Immediate", Setting: "urban", Area: "A", Minutes: m},
			Month:    metrics.MonthOf(2021, time.August),
		})
	}
	v, err := buildResponseTimes(recs, "", metrics.DefaultResponseTargets)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"0–5": "2", "5–10": "1", "55–60": "1", "60 and over": "2", "30–35": "0"}
	for _, b := range v.Bins {
		if w, ok := want[b.Bin]; ok && b.CountText != w {
			t.Errorf("bin %s = %s, want %s", b.Bin, b.CountText, w)
		}
	}
	if len(v.Bins) != histogramBins+1 {
		t.Errorf("%d bins", len(v.Bins))
	}
}
