package dashboard

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// hostile is a metric name that would run as script if any page or
// chart option let it through as markup.
const hostile = `</script><script>alert("x")</script>__f__function(){alert(1)}__f__`

// secretValue is a sensitive figure chosen so that a leak is findable
// by text search in any response.
const secretValue = 987654.321

// testServer ingests a small workbook through the real ingest and
// serves it.
func testServer(t *testing.T, dialect string) (*Server, *store.Store) {
	t.Helper()
	st := storetest.Open(t, dialect)
	in := ingestTestBook(t, st)
	srv, err := New(Config{Store: st, Ingester: in, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, st
}

// ingestTestBook stores testServer's workbook through the real ingest,
// and returns the ingester.
func ingestTestBook(t *testing.T, st *store.Store) *ingest.Ingester {
	t.Helper()
	content := ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
			{"calls-999", "999 calls, average per day", "calls", "none", nil, "open", "Demand"},
			{"hostile", hostile, "calls", "up", 10, "open", "Demand"},
			{"secret", "Secret measure", "minutes", "down", 15, "sensitive", "Local priority"},
		}},
		ingesttest.Sheet{Name: "Data", Rows: [][]any{
			{"Metric", "Area", "Period", "Value"},
			{"calls-999", "North", "2021-08", 400},
			{"calls-999", "South", "2021-08", 300},
			{"calls-999", "North", "2021-09", 410},
			{"hostile", `<img src=x onerror=alert(2)>`, "2021-08", 5},
			{"secret", "North", "2021-08", secretValue},
		}},
	)
	in := ingest.New(st, nil)
	in.Package.MaxFileBytes = defaultTestLimit
	rep, err := in.Ingest(context.Background(), "test.xlsx", content, ingest.Options{})
	if err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep)
	}
	storetest.ApproveAll(t, st)
	return in
}

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestPagesAndAPI(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			srv, _ := testServer(t, d)
			tests := []struct {
				path   string
				status int
				has    []string
			}{
				{"/", 200, []string{"999 calls, average per day", "Aug 2021", "Overview"}},
				{"/metrics/calls-999", 200, []string{`data-chart="chart-series"`, "North", "South", "410 calls", "test.xlsx", "Data", "D4"}},
				{"/healthz", 200, []string{`"status":"ok"`}},
				{"/api/v1/metrics", 200, []string{`"id":"calls-999"`, `"classification":"open"`}},
				{"/api/v1/metrics/calls-999/series", 200, []string{`"period_start":"2021-08-01"`, `"period_end":"2021-08-31"`, `"cell":"D2"`}},
				{"/metrics/nope", 404, []string{"Not Found"}},
				{"/api/v1/metrics/nope/series", 404, []string{`"error"`}},
				{"/static/js/charts.js", 200, nil},
			}
			for _, tt := range tests {
				resp, body := get(t, srv, tt.path)
				if resp.StatusCode != tt.status {
					t.Errorf("GET %s = %d, want %d", tt.path, resp.StatusCode, tt.status)
				}
				for _, s := range tt.has {
					if !strings.Contains(body, s) {
						t.Errorf("GET %s: body lacks %q", tt.path, s)
					}
				}
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
					t.Errorf("GET %s: Content-Security-Policy = %q", tt.path, csp)
				}
			}
		})
	}
}

func TestSensitiveNeverReachesThePublic(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			srv, _ := testServer(t, d)
			for _, path := range []string{"/", "/metrics/secret", "/api/v1/metrics", "/api/v1/metrics/secret/series", "/metrics/calls-999"} {
				resp, body := get(t, srv, path)
				for _, leak := range []string{"987654", "987,654", "Secret measure", `"secret"`} {
					if strings.Contains(body, leak) {
						t.Errorf("GET %s (%d) leaks %q", path, resp.StatusCode, leak)
					}
				}
			}
			for _, path := range []string{"/metrics/secret", "/api/v1/metrics/secret/series"} {
				if resp, _ := get(t, srv, path); resp.StatusCode != 404 {
					t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
				}
			}
		})
	}
}

func TestSpreadsheetLabelsAreText(t *testing.T) {
	srv, _ := testServer(t, "sqlite")
	for _, path := range []string{"/", "/metrics/hostile"} {
		resp, body := get(t, srv, path)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		for _, raw := range []string{`<script>alert("x")`, `<img src=x`, "</script><script>"} {
			if strings.Contains(body, raw) {
				t.Errorf("GET %s: a label reached the page as markup: %q", path, raw)
			}
		}
	}
	// The chart option still carries the exact label, as data.
	_, body := get(t, srv, "/metrics/hostile")
	start := strings.Index(body, `<script type="application/json" id="chart-series">`)
	if start < 0 {
		t.Fatal("no chart option on the page")
	}
	rest := body[start+len(`<script type="application/json" id="chart-series">`):]
	end := strings.Index(rest, "</script>")
	var option map[string]any
	if err := json.Unmarshal([]byte(rest[:end]), &option); err != nil {
		t.Fatalf("chart option is not JSON: %v", err)
	}
	raw, _ := json.Marshal(option)
	if !strings.Contains(string(raw), "onerror=alert(2)") {
		t.Errorf("the hostile area label should survive as text in the option: %s", raw)
	}
}

func TestHealthzFollowsTheDatabase(t *testing.T) {
	srv, st := testServer(t, "sqlite")
	if resp, _ := get(t, srv, "/healthz"); resp.StatusCode != 200 {
		t.Fatalf("healthz = %d", resp.StatusCode)
	}
	st.Close()
	if resp, body := get(t, srv, "/healthz"); resp.StatusCode != 503 || strings.Contains(body, "sqlite:") {
		t.Errorf("healthz with the database closed = %d %s, want 503", resp.StatusCode, body)
	}
}

func TestEveryTemplateParses(t *testing.T) {
	pages, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"overview", "metric", "error"} {
		if pages[name] == nil {
			t.Errorf("no %s template", name)
		}
	}
}

func TestFormatHelpers(t *testing.T) {
	tests := []struct{ got, want string }{
		{formatValue(50, "%"), "50.0%"},
		{formatValue(1017, "calls"), "1,017 calls"},
		{formatFigure(17.25, "minutes"), "17.3"},
		{formatCount(1234.4), "1,234"},
		{formatPercent(48.333), "48.3%"},
		{formatMinutes(17), "17.0"},
		{withUnitHeading("Value", "calls"), "Value (calls)"},
		{withUnitHeading("Value", "count"), "Value"},
		{withUnitHeading("Value", "percent"), "Value (%)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
