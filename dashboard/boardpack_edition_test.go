package dashboard

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

var (
	packSHA     = regexp.MustCompile(`name="sha256" value="([0-9a-f]{64})"`)
	editionLink = regexp.MustCompile(`^/boardpack/editions/(\d+)\?published=(true|false)$`)
)

func TestBoardPackEditions(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := holdServer(t, d)
			ctx := context.Background()
			addUser(t, st, "ana", metrics.RoleAnalyst, boardPassword)
			analyst, board, public := newClient(t, ts), newClient(t, ts), newClient(t, ts)
			analyst.login("ana", boardPassword)
			board.login("board", boardPassword)
			const pack = "/boardpack?meeting=2021-12-10"
			if _, err := st.WriteCommentary(ctx, metrics.Commentary{MetricID: "resp", Period: metrics.MonthOf(2021, time.November), Text: "Slower after the new shift pattern.", Author: "ana"}); err != nil {
				t.Fatal(err)
			}

			// The board member reads the pack, with its commentary, but
			// is offered no publish form and may not publish.
			_, page := board.get(pack)
			if !strings.Contains(page, "commentary, Nov 2021") || !strings.Contains(page, "Slower after the new shift pattern.") || !strings.Contains(page, `id="pack-response-heading"`) {
				t.Error("the pack lacks the commentary or the response times section")
			}
			if strings.Contains(page, "Publish this edition") || strings.Contains(page, "pack-changes-heading") {
				t.Error("the board member is offered the publish form, or changes with no edition")
			}
			if resp, _ := board.post("/boardpack/publish", url.Values{"_csrf": {board.csrf(pack)}, "meeting": {"2021-12-10"}, "sha256": {"x"}}, nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("board member publishing = %d, want 403", resp.StatusCode)
			}

			// The analyst publishes what they see.
			_, page = analyst.get(pack)
			m := packSHA.FindStringSubmatch(page)
			if m == nil || !strings.Contains(page, "Publish this edition") {
				t.Fatal("no publish form for the analyst")
			}
			form := url.Values{"_csrf": {analyst.csrf(pack)}, "meeting": {"2021-12-10"}, "sha256": {m[1]}}
			if resp, _ := analyst.post("/boardpack/publish", url.Values{"meeting": {"2021-12-10"}, "sha256": {m[1]}}, nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("publishing without a CSRF token = %d, want 403", resp.StatusCode)
			}
			resp, _ := analyst.post("/boardpack/publish", form, nil)
			lm := editionLink.FindStringSubmatch(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || lm == nil || lm[2] != "true" {
				t.Fatalf("publish = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			edition := "/boardpack/editions/" + lm[1]
			// Publishing the same pack again makes no new edition.
			if resp, _ := analyst.post("/boardpack/publish", form, nil); !strings.HasSuffix(resp.Header.Get("Location"), lm[1]+"?published=false") {
				t.Errorf("publishing again = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}

			// The live pack says nothing has changed since.
			if _, page := board.get(pack); !strings.Contains(page, "Changed since the published edition") || !strings.Contains(page, "Nothing in the pack has changed since.") {
				t.Error("the live pack does not say it matches its edition")
			}

			// A revision after the meeting: November's response time is
			// now 19 minutes, and the commentary is rewritten.
			rev := ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: [][]any{{"Metric", "Area", "Period", "Value"}, {"resp", "Force", "2021-11", 19}}})
			if rep, err := ingest.New(st, nil).Ingest(ctx, "revision.xlsx", rev, ingest.Options{}); err != nil || rep.Status != ingest.StatusStored {
				t.Fatalf("revision: %v %+v", err, rep.Errors)
			}
			storetest.ApproveAll(t, st)
			if _, err := st.WriteCommentary(ctx, metrics.Commentary{MetricID: "resp", Period: metrics.MonthOf(2021, time.November), Text: "Revised figures.", Author: "ana"}); err != nil {
				t.Fatal(err)
			}

			// The edition is as it was published.
			_, page = board.get(edition)
			for _, s := range []string{"Edition 1 published", "by ana", "Force, Nov 2021: 17.0 minutes", "Slower after the new shift pattern.", "OFFICIAL-SENSITIVE"} {
				if !pageHas(page, s) {
					t.Errorf("the edition lacks %q", s)
				}
			}
			for _, s := range []string{"19.0 minutes", "Revised figures.", "Publish this edition"} {
				if strings.Contains(page, s) {
					t.Errorf("the edition shows %q, from after it was published", s)
				}
			}
			// The live pack has the revision and lists what changed.
			_, page = board.get(pack)
			changes := page[strings.Index(page, "pack-changes-heading"):]
			changes = changes[:strings.Index(changes, "</section>")]
			for _, s := range []string{`<a href="#m-resp">Response time</a>`, "Force, Nov 2021: 19.0 minutes, was 17.0 minutes.", "The commentary has changed."} {
				if !pageHas(changes, s) {
					t.Errorf("changed since: no %q in\n%s", s, changes)
				}
			}
			if strings.Contains(changes, "m-calls") {
				t.Error("changed since lists a measure that did not change")
			}
			// A pack that changed after the publisher opened it is not
			// published unseen.
			if resp, _ := analyst.post("/boardpack/publish", form, nil); resp.StatusCode != http.StatusConflict {
				t.Errorf("publishing a pack that changed since it was opened = %d, want 409", resp.StatusCode)
			}
			_, page = analyst.get(pack)
			form.Set("sha256", packSHA.FindStringSubmatch(page)[1])
			if resp, _ := analyst.post("/boardpack/publish", form, nil); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("second edition = %d", resp.StatusCode)
			}
			if _, page := board.get("/boardpack/editions"); strings.Count(page, "10 December 2021<span") != 2 {
				t.Errorf("the editions list does not show both editions:\n%s", page)
			}
			if _, page := board.get(edition); !pageHas(page, "Force, Nov 2021: 17.0 minutes") {
				t.Error("the first edition changed when the second was published")
			}

			// Nothing of an edition reaches the public.
			for _, path := range []string{"/boardpack/editions", edition, pack} {
				resp, body := public.get(path)
				if resp.StatusCode != http.StatusSeeOther || strings.Contains(body, "17.0 minutes") {
					t.Errorf("public GET %s = %d", path, resp.StatusCode)
				}
			}
			if resp, _ := board.get("/boardpack/editions/999999"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("unknown edition = %d", resp.StatusCode)
			}
			log, _ := st.AuditLog(ctx, 50)
			published := 0
			for _, e := range log {
				if e.Action == metrics.AuditEdition {
					published++
				}
			}
			if published != 2 {
				t.Errorf("audit log has %d publications, want 2", published)
			}
		})
	}
}

func TestPackChanges(t *testing.T) {
	measure := func(id, period, value, rag string, reasons ...string) packMeasure {
		pm := packMeasure{Anchor: "m-" + id}
		pm.Metric = metrics.Metric{ID: id, Name: strings.ToUpper(id)}
		pm.Period = period
		pm.Values = []view.AreaValue{{Area: "Force", Value: value}}
		pm.Analysis.RAGWord = rag
		pm.Reasons = reasons
		return pm
	}
	base := packSnapshot{Others: []packMeasure{measure("a", "Nov 2021", "17", "Off target", "Off target"), measure("b", "Nov 2021", "5", "On target")},
		Finance: &packFinance{Period: "M8", Forecast: "£1k", Variance: "£0k"}}
	tests := []struct {
		name string
		now  func(sn packSnapshot) packSnapshot
		want []string
	}{
		{"nothing", func(sn packSnapshot) packSnapshot { return sn }, nil},
		{"a revised value and status", func(sn packSnapshot) packSnapshot {
			sn.Others = []packMeasure{measure("a", "Nov 2021", "14", "On target"), sn.Others[1]}
			return sn
		}, []string{"A: Force, Nov 2021: 14, was 17. | Against target: On target, was Off target. | Exception: none, was Off target."}},
		{"a new period", func(sn packSnapshot) packSnapshot {
			sn.Others = []packMeasure{sn.Others[0], measure("b", "Dec 2021", "6", "On target")}
			return sn
		}, []string{"B: Latest period Dec 2021, was Nov 2021."}},
		{"a measure added and one gone", func(sn packSnapshot) packSnapshot {
			sn.Others = []packMeasure{sn.Others[0], measure("c", "Nov 2021", "1", "")}
			return sn
		}, []string{"C: Has figures now; the edition had none.", "B: In the edition, but has no figures in the pack now."}},
		{"commentary", func(sn packSnapshot) packSnapshot {
			a := sn.Others[0]
			a.Commentary = &packCommentary{Paragraphs: []string{"new"}}
			sn.Others = []packMeasure{a, sn.Others[1]}
			return sn
		}, []string{"A: The commentary has changed."}},
		{"finance revised", func(sn packSnapshot) packSnapshot {
			sn.Finance = &packFinance{Period: "M8", Forecast: "£2k", Variance: "£1k"}
			return sn
		}, []string{"Finance: M8 revised: forecast £2k and variance £1k, were £1k and £0k."}},
		{"response times arrive", func(sn packSnapshot) packSnapshot {
			sn.ResponseTimes = &packResponseTimes{Quarter: "2021/22 Q3"}
			return sn
		}, []string{"Response times: Response times for 2021/22 Q3 now; the edition had none."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range packChanges(base, tt.now(base)) {
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
		if got := packQuarter(d).Label(); got != want {
			t.Errorf("packQuarter(%s) = %s, want %s", meeting, got, want)
		}
	}
}

// An edition whose stored chart option was altered to hold markup is
// refused, not rendered.
func TestUnmarshalSnapshotRefusesUnsafeCharts(t *testing.T) {
	good := packSnapshot{Format: packSnapshotFormat, Finance: &packFinance{Chart: &chart.ChartPanel{ID: "bp-finance", OptionJSON: `{"a":1}`}}}
	b, _, err := marshalSnapshot(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unmarshalSnapshot(b); err != nil {
		t.Fatalf("a good snapshot: %v", err)
	}
	for _, opt := range []string{`{"a":"</script><script>alert(1)</script>"}`, `{"a":`} {
		bad := good
		bad.Finance = &packFinance{Chart: &chart.ChartPanel{ID: "bp-finance", OptionJSON: template.JS(opt)}}
		b, _, _ := marshalSnapshot(bad)
		if _, err := unmarshalSnapshot(b); err == nil {
			t.Errorf("option %s was accepted", opt)
		}
		// The same in the open part, in each of its lists.
		chart := &chart.ChartPanel{ID: "bpo-0", OptionJSON: template.JS(opt)}
		pm := packMeasure{Analysis: view.Analysis{SPC: chart}}
		for _, open := range []*packOpen{{Exceptions: []packMeasure{pm}}, {National: []packMeasure{pm}}, {Others: []packMeasure{pm}}} {
			bad := good
			bad.Open = open
			b, _, _ := marshalSnapshot(bad)
			if _, err := unmarshalSnapshot(b); err == nil {
				t.Errorf("option %s in the open part was accepted", opt)
			}
		}
	}
}
