package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assure-pcc/assure/cmd/assure/sample"
	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// cycleClock is a clock tests move by hand.
type cycleClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *cycleClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *cycleClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// cycleBook is a performance workbook of two measures by month from
// April 2020: resp, open, lower is better with a target of 15.5, steady
// about 15 to September 2021 and then, when late is true, revised for
// August 2021 (15.1 reported, 15.9 now) and well above its limits from
// October 2021 to January 2022; and calls, with no target.
func cycleBook(t *testing.T, late bool) []byte { return cycleBookAs(t, late, "open") }

// cycleBookAs is cycleBook with resp of the classification given.
func cycleBookAs(t *testing.T, late bool, class string) []byte {
	rows := [][]any{{"Metric", "Area", "Period", "Value"}}
	p := metrics.MonthOf(2020, time.April)
	for i := range 18 {
		v := 15 + float64(i%3)*0.1
		if late && p.Key() == "2021-08" {
			v = 15.9
		}
		rows = append(rows, []any{"resp", "Force", p.Key(), v}, []any{"calls", "Force", p.Key(), 400 + float64(i%2)})
		p = p.Next()
	}
	if late {
		for i, v := range []float64{17, 17.2, 17.1, 17.3} {
			rows = append(rows, []any{"resp", "Force", p.Key(), v}, []any{"calls", "Force", p.Key(), 400 + float64(i%2)})
			p = p.Next()
		}
	}
	return ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
			{"resp", "Immediate response, urban", "minutes", "down", 15.5, class, "Local priority"},
			{"calls", "999 calls", "calls", "none", nil, "open", "Demand"},
		}},
		ingesttest.Sheet{Name: "Data", Rows: rows})
}

// cycleRig is a server whose uploads are stamped by a clock the test
// moves: the October 2021 board's figures, uploaded before it, and the
// later ones, uploaded in January 2022.
type cycleRig struct {
	ts         *httptest.Server
	srv        *Server
	st         *store.Store
	clock      *cycleClock
	in         *ingest.Ingester
	finance    []string
	ana, board *client
	anaToken   string
	boardToken string
}

func newCycleRig(t *testing.T, dialect string) *cycleRig {
	t.Helper()
	r := &cycleRig{st: storetest.Open(t, dialect), clock: &cycleClock{t: time.Date(2021, 10, 1, 9, 0, 0, 0, time.UTC)}}
	r.st.Now = r.clock.now
	r.in = ingest.New(r.st, nil)
	var err error
	if r.finance, err = sample.WriteFinance(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	r.srv, err = New(Config{Store: r.st, Ingester: r.in, Version: "test", Now: r.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	r.ts = httptest.NewServer(r.srv)
	t.Cleanup(r.ts.Close)
	ana := addUser(t, r.st, "ana", metrics.RoleAnalyst, boardPassword)
	bob := addUser(t, r.st, "bob", metrics.RoleBoard, boardPassword)
	r.anaToken, r.boardToken = "ana-token-"+dialect, "board-token-"+dialect
	ctx := context.Background()
	r.st.AddToken(ctx, ana.ID, "test", auth.TokenSHA256(r.anaToken))
	r.st.AddToken(ctx, bob.ID, "test", auth.TokenSHA256(r.boardToken))
	return r
}

func (r *cycleRig) ingest(t *testing.T, name string, content []byte) {
	t.Helper()
	rep, err := r.in.Ingest(context.Background(), name, content, ingest.Options{UploadedBy: "ana"})
	if err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest %s: %v %+v", name, err, rep.Errors)
	}
	storetest.ApproveAll(t, r.st)
}

func (r *cycleRig) ingestFinance(t *testing.T, month string) {
	t.Helper()
	for _, f := range r.finance {
		if strings.Contains(filepath.Base(f), month) && !strings.Contains(strings.ToLower(filepath.Base(f)), "revised") {
			rep, err := r.in.IngestFile(context.Background(), f, ingest.Options{UploadedBy: "fin"})
			if err != nil || rep.Status != ingest.StatusStored {
				t.Fatalf("ingest %s: %v %+v", f, err, rep.Errors)
			}
			return
		}
	}
	t.Fatalf("no sample finance file for %s in %v", month, r.finance)
}

// get reads a page with a bearer token (sessions would expire as the
// test's clock moves by months).
func (r *cycleRig) get(t *testing.T, token, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return newClient(t, r.ts).do(req)
}

// form posts a form with a bearer token.
func (r *cycleRig) form(t *testing.T, token, path string, v url.Values) *http.Response {
	t.Helper()
	resp, _ := newClient(t, r.ts).post(path, v, http.Header{"Authorization": {"Bearer " + token}})
	return resp
}

// api sends JSON with a bearer token.
func (r *cycleRig) api(t *testing.T, method, path, token string, body any) (int, string) {
	t.Helper()
	var b strings.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		b = *strings.NewReader(string(j))
	}
	req, _ := http.NewRequest(method, r.ts.URL+path, &b)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, sb.String()
}

func TestMeetingsAPIAndPage(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			r := newCycleRig(t, d)
			r.clock.set(time.Date(2022, 1, 20, 9, 0, 0, 0, time.UTC))
			m := map[string]string{"date": "2022-02-10", "title": "Business Co-ordination Board", "papers_due": "2022-02-03"}
			if code, body := r.api(t, "POST", "/api/v1/meetings", "", m); code != http.StatusUnauthorized {
				t.Errorf("anonymous POST = %d %s", code, body)
			}
			if code, body := r.api(t, "POST", "/api/v1/meetings", r.boardToken, m); code != http.StatusForbidden {
				t.Errorf("board POST = %d %s", code, body)
			}
			code, body := r.api(t, "POST", "/api/v1/meetings", r.anaToken, m)
			if code != http.StatusCreated || !strings.Contains(body, `"date":"2022-02-10"`) || !strings.Contains(body, `"papers_due":"2022-02-03"`) {
				t.Fatalf("POST = %d %s", code, body)
			}
			if code, _ := r.api(t, "POST", "/api/v1/meetings", r.anaToken, m); code != http.StatusConflict {
				t.Errorf("the same date twice = %d", code)
			}
			if code, body := r.api(t, "POST", "/api/v1/meetings", r.anaToken, map[string]string{"date": "10/02/2022", "title": "x"}); code != http.StatusBadRequest {
				t.Errorf("a bad date = %d %s", code, body)
			}
			if code, body := r.api(t, "POST", "/api/v1/meetings", r.anaToken, map[string]any{"date": "2022-05-26", "title": "Business Co-ordination Board", "colour": "red"}); code != http.StatusBadRequest || !strings.Contains(body, "colour") {
				t.Errorf("an unknown field = %d %s", code, body)
			}
			// Through the page, with the session: the May board.
			if resp := r.form(t, r.anaToken, "/meetings", url.Values{"date": {"2022-05-26"}, "title": {"Business Co-ordination Board"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("add on the page = %d", resp.StatusCode)
			}
			code, body = r.api(t, "GET", "/api/v1/meetings", "", nil)
			var list struct {
				Meetings []apiMeeting `json:"meetings"`
				Next     string       `json:"next"`
			}
			json.Unmarshal([]byte(body), &list)
			if code != 200 || len(list.Meetings) != 2 || list.Next != "2022-02-10" || list.Meetings[1].Date != "2022-05-26" {
				t.Errorf("GET = %d %s", code, body)
			}
			// The pack opens on the next meeting and lists the other.
			_, page := r.get(t, r.boardToken, "/boardpack")
			if !strings.Contains(page, "Board pack for the meeting of 10 February 2022") || !strings.Contains(page, `href="/boardpack?meeting=2022-05-26"`) {
				t.Errorf("the pack does not open on the next meeting")
			}
			// Moved and deleted on the page; every change audited.
			r.form(t, r.anaToken, "/meetings/2022-05-26", url.Values{"date": {"2022-05-27"}, "title": {"Business Co-ordination Board"}})
			if resp := r.form(t, r.boardToken, "/meetings/2022-05-27/delete", url.Values{}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("a board member deleted a meeting: %d", resp.StatusCode)
			}
			r.form(t, r.anaToken, "/meetings/2022-05-27/delete", url.Values{})
			for _, want := range []string{"added 2022-02-10, Business Co-ordination Board, papers due 2022-02-03", "changed 2022-05-26", "deleted 2022-05-27"} {
				if !auditedAs(t, r.st, "ana", metrics.AuditMeeting, want) {
					t.Errorf("not audited: %s", want)
				}
			}
		})
	}
}

func TestActionsAPICarryForwardAndOverdue(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			r := newCycleRig(t, d)
			r.ingest(t, "q.xlsx", cycleBook(t, false))
			r.clock.set(time.Date(2021, 12, 16, 12, 0, 0, 0, time.UTC))
			for _, m := range []string{"2021-12-16", "2022-02-10", "2022-05-26"} {
				if code, body := r.api(t, "POST", "/api/v1/meetings", r.anaToken, map[string]string{"date": m, "title": "Business Co-ordination Board"}); code != http.StatusCreated {
					t.Fatalf("meeting %s: %d %s", m, code, body)
				}
			}
			raise := func(body map[string]any) apiAction {
				t.Helper()
				code, resp := r.api(t, "POST", "/api/v1/actions", r.anaToken, body)
				if code != http.StatusCreated {
					t.Fatalf("POST action = %d %s", code, resp)
				}
				var a apiAction
				json.Unmarshal([]byte(resp), &a)
				return a
			}
			knife := raise(map[string]any{"meeting": "2021-12-16", "text": "A summary perspective on knife crime in three months", "owner": "Constabulary", "due": "2022-01-31", "metrics": []string{"resp"}})
			reporting := raise(map[string]any{"meeting": "2021-12-16", "text": "Map performance reporting onto existing mechanisms", "owner": "Head of Business Development", "open": true})
			if knife.Classification != "sensitive" || reporting.Classification != "open" || len(knife.Metrics) != 1 || knife.Status != "open" {
				t.Errorf("raised %+v %+v", knife, reporting)
			}
			if code, body := r.api(t, "POST", "/api/v1/actions", r.boardToken, map[string]any{"meeting": "2021-12-16", "text": "t", "owner": "o"}); code != http.StatusForbidden {
				t.Errorf("a board member raised an action: %d %s", code, body)
			}
			if code, _ := r.api(t, "POST", "/api/v1/actions", r.anaToken, map[string]any{"meeting": "2021-12-17", "text": "t", "owner": "o"}); code != http.StatusBadRequest {
				t.Errorf("an action at a meeting not in the calendar: %d", code)
			}
			// On the February board: knife crime is overdue; reporting is
			// in progress.
			r.clock.set(time.Date(2022, 2, 10, 10, 30, 0, 0, time.UTC))
			if code, body := r.api(t, "POST", fmt.Sprintf("/api/v1/actions/%d", reporting.ID), r.anaToken, map[string]any{"text": "Mapped; the first quarterly report is item 5.", "status": "in progress"}); code != 200 || !strings.Contains(body, `"status":"in_progress"`) {
				t.Fatalf("update = %d %s", code, body)
			}
			_, page := r.get(t, r.boardToken, "/boardpack?meeting=2022-02-10")
			log := sectionOf(t, page, "actions-heading")
			for _, s := range []string{"A summary perspective on knife crime", "overdue", "Map performance reporting", "In progress", "Mapped; the first quarterly report"} {
				if !pageHas(log, s) {
					t.Errorf("February's action log lacks %q", s)
				}
			}
			// Filters: by meeting, status and measure; the public sees the
			// open action only.
			for _, tt := range []struct {
				path, token string
				ids         []int64
			}{
				{"/api/v1/actions?meeting=2021-12-16", r.boardToken, []int64{knife.ID, reporting.ID}},
				{"/api/v1/actions?status=open", r.boardToken, []int64{knife.ID, reporting.ID}},
				{"/api/v1/actions?status=in_progress", r.boardToken, []int64{reporting.ID}},
				{"/api/v1/actions?metric=resp", r.boardToken, []int64{knife.ID}},
				{"/api/v1/actions?meeting=2022-02-10", r.boardToken, nil},
				{"/api/v1/actions", "", []int64{reporting.ID}},
			} {
				code, body := r.api(t, "GET", tt.path, tt.token, nil)
				var out struct{ Actions []apiAction }
				json.Unmarshal([]byte(body), &out)
				var ids []int64
				for _, a := range out.Actions {
					ids = append(ids, a.ID)
				}
				if code != 200 || fmt.Sprint(ids) != fmt.Sprint(tt.ids) {
					t.Errorf("GET %s (token %t) = %d %v, want %v", tt.path, tt.token != "", code, ids, tt.ids)
				}
			}
			if _, body := r.api(t, "GET", "/api/v1/actions?status=open", r.boardToken, nil); !strings.Contains(body, `"overdue":true`) {
				t.Error("the overdue action is not marked so")
			}
			if resp, body := r.get(t, "", fmt.Sprintf("/actions/%d", knife.ID)); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "knife") {
				t.Errorf("the public reads a sensitive action: %d", resp.StatusCode)
			}
			// Knife crime is done in March; both come to May, knife crime
			// as closed since February, reporting still open.
			r.clock.set(time.Date(2022, 3, 1, 9, 0, 0, 0, time.UTC))
			if resp := r.form(t, r.anaToken, fmt.Sprintf("/actions/%d", knife.ID), url.Values{"note": {"Verbal update given."}, "status": {"done"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("update on the page = %d", resp.StatusCode)
			}
			r.clock.set(time.Date(2022, 5, 26, 9, 0, 0, 0, time.UTC))
			_, page = r.get(t, r.boardToken, "/boardpack?meeting=2022-05-26")
			log = sectionOf(t, page, "actions-heading")
			if !pageHas(log, "Map performance reporting") || !pageHas(log, "A summary perspective on knife crime") || !pageHas(log, "Done") {
				t.Errorf("May's action log: %s", log)
			}
			changes := sectionOf(t, page, "changes-heading")
			if !pageHas(changes, "Actions closed since the last meeting") || !pageHas(changes, "A summary perspective on knife crime") {
				t.Errorf("May's changes do not name the closed action: %s", changes)
			}
			for _, want := range []string{"raised action", "updated action"} {
				if !auditedAs(t, r.st, "ana", metrics.AuditAction, want) {
					t.Errorf("not audited: %s", want)
				}
			}
		})
	}
}

// The digest between two meetings holds a revision, a new signal, a RAG
// change and a finance movement: first compared with the figures as
// they stood on the October board's day (no edition was published),
// then with the October board's published edition.
func TestWhatChangedSinceTheLastMeeting(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		for _, published := range []bool{false, true} {
			if published && d != store.SQLite {
				continue
			}
			t.Run(fmt.Sprintf("%s/edition=%t", d, published), func(t *testing.T) {
				r := newCycleRig(t, d)
				r.ingest(t, "Q2.xlsx", cycleBook(t, false))
				r.ingestFinance(t, "M5")
				for _, m := range []string{"2021-10-12", "2022-02-10"} {
					if code, body := r.api(t, "POST", "/api/v1/meetings", r.anaToken, map[string]string{"date": m, "title": "Business Co-ordination Board"}); code != http.StatusCreated {
						t.Fatalf("meeting %s: %d %s", m, code, body)
					}
				}
				if published {
					r.clock.set(time.Date(2021, 10, 11, 9, 0, 0, 0, time.UTC))
					_, page := r.get(t, r.anaToken, "/boardpack?meeting=2021-10-12")
					m := packSHA.FindStringSubmatch(page)
					if m == nil {
						t.Fatal("no publish form")
					}
					if resp := r.form(t, r.anaToken, "/boardpack/publish", url.Values{"meeting": {"2021-10-12"}, "sha256": {m[1]}}); resp.StatusCode != http.StatusSeeOther {
						t.Fatalf("publish = %d", resp.StatusCode)
					}
				}
				r.clock.set(time.Date(2022, 1, 20, 9, 0, 0, 0, time.UTC))
				r.ingest(t, "Q3.xlsx", cycleBook(t, true))
				r.ingestFinance(t, "M9")
				r.clock.set(time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC))
				_, page := r.get(t, r.boardToken, "/boardpack?meeting=2022-02-10")
				changes := sectionOf(t, page, "changes-heading")
				basis := "the figures as they stood on 12 October 2021"
				if published {
					basis = "edition 1 of the pack for 12 October 2021"
				}
				for _, s := range []string{"What changed since the meeting of 12 October 2021", basis,
					"Newly off target", "Immediate response, urban (Force, Jan 2022): off target, was on target.",
					"New unusual changes", "Figures revised since they were reported", "Immediate response, urban, Force, Aug 2021: now 15.9 minutes, reported as 15.1 minutes.",
					"Finance: the variance by business area", "Revenue forecast, M9 2021/22", "at M5 2021/22", "Mutual Aid"} {
					if !pageHas(changes, s) {
						t.Errorf("the changes lack %q:\n%s", s, changes)
					}
				}
				// At the top: before Part 1.
				if pageIndex(page, `id="changes-heading"`) > pageIndex(page, `id="part-open-heading"`) {
					t.Error("what changed is not at the top of the pack")
				}
				// On a page of its own, and in the API.
				if _, own := r.get(t, r.boardToken, "/boardpack/changes?meeting=2022-02-10"); !pageHas(own, "Newly off target") {
					t.Error("the changes page lacks the digest")
				}
				code, body := r.api(t, "GET", "/api/v1/meetings/2022-02-10/changes", r.boardToken, nil)
				var out apiChanges
				if err := json.Unmarshal([]byte(body), &out); err != nil || code != 200 {
					t.Fatalf("changes API = %d %s", code, body)
				}
				if len(out.Revisions) != 1 || out.Revisions[0].Metric != "resp" || out.Revisions[0].Period != "2021-08" || out.Revisions[0].Was != 15.1 || out.Revisions[0].Now != 15.9 {
					t.Errorf("revisions %+v", out.Revisions)
				}
				if len(out.NewlyOffTarget) != 1 || len(out.RAGChanges) != 1 || out.RAGChanges[0].From != "green" || out.RAGChanges[0].To != "red" {
					t.Errorf("RAG %+v %+v", out.RAGChanges, out.NewlyOffTarget)
				}
				if len(out.NewSignals) == 0 || !out.NewSignals[0].Concern {
					t.Errorf("signals %+v", out.NewSignals)
				}
				if out.Finance == nil || out.Finance.FromPeriod != "M5 2021/22" || out.Finance.ToPeriod != "M9 2021/22" || len(out.Finance.Areas) == 0 {
					t.Fatalf("finance %+v", out.Finance)
				}
				for _, a := range out.Finance.Areas {
					if a.Movement != a.NowVariance-a.WasVariance || a.Movement == 0 && a.Area != "" && a.NowVariance == a.WasVariance {
						t.Errorf("area %+v", a)
					}
				}
				// The public's answer has no finance.
				if _, body := r.api(t, "GET", "/api/v1/meetings/2022-02-10/changes", "", nil); strings.Contains(body, "business_areas") || !strings.Contains(body, `"resp"`) {
					t.Errorf("the public's changes: %s", body)
				}
			})
		}
	}
}

// Figures due and missing are an exception naming the period and the
// owner; a national table behind the force's own figures is not.
func TestTimelinessExceptions(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			r := newCycleRig(t, d)
			r.ingest(t, "Q2.xlsx", cycleBook(t, false)) // to Sep 2021
			// A national table by month, two months behind.
			nat := ingesttest.Book(t,
				ingesttest.Sheet{Name: "Metrics", Rows: [][]any{{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
					{"ons-crime", "Recorded crime (ONS)", "offences", "down", nil, "open", "National comparison"}}},
				ingesttest.Sheet{Name: "Data", Rows: [][]any{{"Metric", "Area", "Period", "Value"}, {"ons-crime", "Force", "2021-06", 5000}, {"ons-crime", "Force", "2021-07", 5100}}})
			r.ingest(t, "ons.xlsx", nat)
			if _, err := r.st.SetSchedule(context.Background(), "ons-crime", metrics.Schedule{Cadence: metrics.Monthly, Lag: 85, National: true, Owner: "Analysts (national tables)"}, "ana"); err != nil {
				t.Fatal(err)
			}
			if _, err := r.st.SetSchedule(context.Background(), "resp", metrics.Schedule{Cadence: metrics.Monthly, Lag: 15, Owner: "Performance team"}, "ana"); err != nil {
				t.Fatal(err)
			}
			// 2 November 2021: October is not yet due anywhere; the
			// national table is behind but within its lag.
			r.clock.set(time.Date(2021, 11, 2, 9, 0, 0, 0, time.UTC))
			_, page := r.get(t, r.boardToken, "/")
			if pageHas(page, "Figures overdue") || pageHas(page, "Not up to date") {
				t.Error("on 2 November nothing is late, and the national table is not late for lagging")
			}
			// 1 December: October was due on 19 November.
			r.clock.set(time.Date(2021, 12, 1, 9, 0, 0, 0, time.UTC))
			_, page = r.get(t, r.boardToken, "/")
			exc := between(t, page, "exceptions-heading", "others-heading")
			if !pageHas(exc, "Figures overdue") || !pageHas(exc, "Oct 2021 was due by 19 Nov 2021 and is not in; owner: Performance team.") {
				t.Errorf("the exceptions do not name the late figures:\n%s", exc)
			}
			if pageHas(exc, "Recorded crime (ONS)") {
				t.Error("the national table is an exception")
			}
			// The public is not told who owns them.
			if _, pub := r.get(t, "", "/"); pageHas(pub, "Performance team") || !pageHas(pub, "Oct 2021 was due by 19 Nov 2021") {
				t.Error("the public's overview names the owner, or not the late figures")
			}
			// The pack for a meeting with a papers deadline judges by it.
			r.api(t, "POST", "/api/v1/meetings", r.anaToken, map[string]string{"date": "2021-11-30", "title": "Business Co-ordination Board", "papers_due": "2021-11-19"})
			_, pack := r.get(t, r.boardToken, "/boardpack?meeting=2021-11-30")
			if pageHas(pack, "Oct 2021 was due") {
				t.Error("the pack judged by the meeting, not the papers deadline (October was due after it)")
			}
			if resp, body := r.get(t, r.anaToken, "/catalogue/schedules"); resp.StatusCode != 200 || !pageHas(body, "monthly, due 85 working days after each month") {
				t.Errorf("the schedules page: %d", resp.StatusCode)
			}
			resp := r.form(t, r.anaToken, "/catalogue/calls/schedule", url.Values{"cadence": {"quarterly"}, "lag": {"20"}, "source": {"local"}, "owner": {"Control room"}})
			if resp.StatusCode != http.StatusSeeOther || !auditedAs(t, r.st, "ana", metrics.AuditSchedule, "calls: schedule") {
				t.Errorf("the schedule edit = %d", resp.StatusCode)
			}
		})
	}
}

// sectionOf is the part of page from the element with id to the end of
// its section, its character references decoded.
func sectionOf(t *testing.T, page, id string) string {
	t.Helper()
	part := between(t, page, id, "")
	if j := strings.Index(part, "</section>"); j >= 0 {
		part = part[:j]
	}
	return part
}

// auditedAs reports whether actor's audit log holds action with detail.
func auditedAs(t *testing.T, st *store.Store, actor, action, detail string) bool {
	t.Helper()
	log, err := st.AuditLog(context.Background(), 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Action == action && e.Actor == actor && strings.Contains(e.Detail, detail) {
			return true
		}
	}
	return false
}
