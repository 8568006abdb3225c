package dashboard

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/cmd/assure/sample"
	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// sampleServer serves the demo's performance workbook, with a board
// member and an analyst who each have an API token.
func sampleServer(t *testing.T, dialect string) (ts *httptest.Server, st *store.Store, boardToken, analystToken string) {
	t.Helper()
	st = storetest.Open(t, dialect)
	file := filepath.Join(t.TempDir(), sample.PerformanceFile)
	if err := sample.WritePerformance(file); err != nil {
		t.Fatal(err)
	}
	in := ingest.New(st, nil)
	if rep, err := in.IngestFile(context.Background(), file, ingest.Options{}); err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep.Errors)
	}
	storetest.ApproveAll(t, st)
	srv, err := New(Config{Store: st, Ingester: in, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts = httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	token := func(name string, role metrics.Role) string {
		u := addUser(t, st, name, role, boardPassword)
		tok, sum, err := auth.NewAPIToken()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.AddToken(context.Background(), u.ID, "test", sum); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	return ts, st, token("board", metrics.RoleBoard), token("analyst", metrics.RoleAnalyst)
}

// seriesAnalysis is the part of the series JSON these tests read.
type seriesAnalysis struct {
	Analysis struct {
		State     string `json:"state"`
		Variation *struct {
			Category, Side, Icon, Text string
		} `json:"variation"`
		Assurance *struct {
			Category, Icon, Text string
			Target               float64
		} `json:"assurance"`
		SPC struct {
			Mean       float64 `json:"mean"`
			UpperLimit float64 `json:"upper_limit"`
			Segments   []struct {
				FromPeriod string  `json:"from_period"`
				ToPeriod   string  `json:"to_period"`
				Mean       float64 `json:"mean"`
				UpperLimit float64 `json:"upper_limit"`
				LowerLimit float64 `json:"lower_limit"`
				Points     int     `json:"points"`
				Reliable   bool    `json:"reliable"`
				Reason     string  `json:"reason"`
			} `json:"segments"`
			Signals []struct {
				FromPeriod string `json:"from_period"`
				ToPeriod   string `json:"to_period"`
			} `json:"signals"`
			Suggestion *struct {
				Period   string `json:"period"`
				Run      int    `json:"run"`
				Sentence string `json:"sentence"`
			} `json:"suggestion"`
		} `json:"spc"`
	} `json:"analysis"`
}

func bearer(t *testing.T, method, url, token, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// On the demo's urban response time (North), which steps up by about 3.4
// minutes from April 2021: before a change point the limits span the
// step, every month from April 2021 is above the average (a shift up to
// the latest point, so a change point is suggested there) and the
// target of 15 minutes lies within the limits (hit and miss). An
// analyst marks the change through the API; then there are two
// segments, the later from April 2021 with its reason, nothing is
// suggested, and the later segment's limits lie above the target: it
// consistently fails.
func TestChangePointThroughTheAPI(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _, boardToken, analystToken := sampleServer(t, d)
			series := ts.URL + "/api/v1/metrics/response-urban/series?area=North"
			read := func() seriesAnalysis {
				t.Helper()
				resp, body := bearer(t, http.MethodGet, series, boardToken, "")
				if resp.StatusCode != 200 {
					t.Fatalf("GET series = %d %s", resp.StatusCode, body)
				}
				var got seriesAnalysis
				if err := json.Unmarshal([]byte(body), &got); err != nil {
					t.Fatal(err)
				}
				return got
			}
			before := read().Analysis
			if len(before.SPC.Segments) != 1 || before.SPC.Segments[0].FromPeriod != "2019-01" || before.SPC.Segments[0].ToPeriod != "2022-03" {
				t.Errorf("segments before = %+v", before.SPC.Segments)
			}
			if s := before.SPC.Suggestion; s == nil || s.Period != "2021-04" || s.Run != 12 ||
				!strings.HasPrefix(s.Sentence, "A run of 12 above the average since Apr 2021: if something changed then, recalculate the limits from Apr 2021?") {
				t.Errorf("suggestion before = %+v", s)
			}
			if v := before.Variation; v == nil || v.Icon != metrics.IconConcernHigh || v.Text == "" {
				t.Errorf("variation before = %+v", v)
			}
			if a := before.Assurance; a == nil || a.Icon != metrics.IconAssuranceHit || a.Target != 15 {
				t.Errorf("assurance before = %+v", a)
			}
			if !strings.HasPrefix(before.State, "Since Apr 2021, every month (12 in a row) has been above the ") {
				t.Errorf("state before = %q", before.State)
			}

			body := `{"period": "2021-04", "text": "Response model changed", "recalculate": true}`
			url := ts.URL + "/api/v1/metrics/response-urban/annotations"
			if resp, b := bearer(t, http.MethodPost, url, "", body); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("anonymous POST = %d %s", resp.StatusCode, b)
			}
			if resp, b := bearer(t, http.MethodPost, url, boardToken, body); resp.StatusCode != http.StatusForbidden {
				t.Errorf("board member's POST = %d %s", resp.StatusCode, b)
			}
			if resp, b := bearer(t, http.MethodPost, url, analystToken, `{"period": "April", "text": "x", "recalculate": true}`); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("POST with a bad period = %d %s", resp.StatusCode, b)
			}
			resp, b := bearer(t, http.MethodPost, url, analystToken, body)
			var made apiAnnotation
			if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(b), &made) != nil ||
				made.Start != "2021-04-01" || !made.Recalculate || made.Label != "Response model changed" || made.MetricID != "response-urban" {
				t.Fatalf("analyst's POST = %d %s", resp.StatusCode, b)
			}

			after := read().Analysis
			segs := after.SPC.Segments
			if len(segs) != 2 || segs[0].FromPeriod != "2019-01" || segs[0].ToPeriod != "2021-03" || segs[0].Points != 27 || !segs[0].Reliable ||
				segs[1].FromPeriod != "2021-04" || segs[1].ToPeriod != "2022-03" || segs[1].Points != 12 || segs[1].Reliable || segs[1].Reason != "Response model changed" {
				t.Fatalf("segments after = %+v", segs)
			}
			// Each segment's mean is the mean of its own months: the step
			// shows as a jump of about 3.4 minutes between them.
			if jump := segs[1].Mean - segs[0].Mean; jump < 3 || jump > 3.8 {
				t.Errorf("the step between the segments is %.2f minutes", jump)
			}
			if after.SPC.Mean != segs[1].Mean || after.SPC.UpperLimit != segs[1].UpperLimit {
				t.Errorf("the chart's lines are not the latest segment's: %+v", after.SPC)
			}
			if after.SPC.Suggestion != nil {
				t.Errorf("a change is still suggested: %+v", after.SPC.Suggestion)
			}
			if segs[1].LowerLimit <= 15 {
				t.Errorf("the latest segment's lower limit %.2f is not above the target", segs[1].LowerLimit)
			}
			if a := after.Assurance; a == nil || a.Icon != metrics.IconAssuranceFail {
				t.Errorf("assurance after = %+v", a)
			}
			// Signals are judged within their segment: none spans the change.
			for _, s := range after.SPC.Signals {
				if s.FromPeriod < "2021-04" && s.ToPeriod >= "2021-04" {
					t.Errorf("a signal spans the change point: %+v", s)
				}
			}
			if len(before.SPC.Signals) <= len(after.SPC.Signals) {
				t.Errorf("recalculating left %d signals of %d", len(after.SPC.Signals), len(before.SPC.Signals))
			}
		})
	}
}

// The metric page says what is true now before the signals, shows the
// icons with their text, the suggestion before a change point is
// marked, and the segments after.
func TestChangePointOnTheMetricPage(t *testing.T) {
	ts, _, _, analystToken := sampleServer(t, "sqlite")
	c := newClient(t, ts)
	c.login("analyst", boardPassword)
	_, page := c.get("/metrics/response-urban?area=North")
	for _, want := range []string{
		`<strong>Now:</strong> Since Apr 2021, every month (12 in a row) has been above the`,
		`src="/static/img/mdc-concern-high.svg" alt="Special cause variation of a concerning nature: unusually high values"`,
		`src="/static/img/mdc-assurance-hit-and-miss.svg" alt="The target is within the process limits: it will be met and missed at random"`,
		"Suggested change point:", "recalculate the limits from Apr 2021?",
		`name="recalculate" type="checkbox" value="yes"`,
	} {
		if !pageHas(page, want) {
			t.Errorf("before: the page lacks %q", want)
		}
	}
	if i, j := pageIndex(page, "Now:"), pageIndex(page, "Earlier unusual stretches"); i < 0 || j < 0 || i > j {
		t.Errorf("the current state (%d) is not before the older signals (%d)", i, j)
	}
	if resp, b := bearer(t, http.MethodPost, ts.URL+"/api/v1/metrics/response-urban/annotations", analystToken,
		`{"period": "2021-04", "text": "Response model changed", "recalculate": true}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST = %d %s", resp.StatusCode, b)
	}
	_, page = c.get("/metrics/response-urban?area=North")
	for _, want := range []string{
		"Change point: the limits are recalculated from this period",
		"<strong>Apr 2021 to Mar 2022</strong> (from the change: Response model changed)",
		"are provisional: they come from 12 values",
		`src="/static/img/mdc-assurance-fail.svg"`,
		"recalculated in steps",
	} {
		if !pageHas(page, want) {
			t.Errorf("after: the page lacks %q", want)
		}
	}
	if pageHas(page, "Suggested change point:") {
		t.Errorf("after: a change point is still suggested")
	}
}
