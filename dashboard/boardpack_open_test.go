package dashboard

import (
	"context"
	"encoding/json"
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

// partsServer serves two open measures (one of the National Crime and
// Policing Measures, one local) to November 2021, and a sensitive one
// that goes on to December; the local measure has a commentary and an
// annotation by the analyst staffName.
func partsServer(t *testing.T, dialect string) (*httptest.Server, *store.Store) {
	t.Helper()
	st := storetest.Open(t, dialect)
	rows := [][]any{{"Metric", "Area", "Period", "Value"}}
	for m := time.Month(1); m <= 11; m++ {
		p := time.Date(2021, m, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		rows = append(rows, []any{"violence", "Force", p, 100 + int(m)}, []any{"calls", "Force", p, 400 + int(m)}, []any{"hidden", "Force", p, 30})
	}
	rows = append(rows, []any{"hidden", "Force", "2021-12", secretValue})
	book := ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
			{"violence", "Serious violence offences", "offences", "down", nil, "open", "Reduce serious violence"},
			{"calls", "Calls for service", "calls", "none", nil, "open", "Demand"},
			{"hidden", "Secret measure", "cases", "up", nil, "sensitive", "Secret category"},
		}},
		ingesttest.Sheet{Name: "Data", Rows: rows},
	)
	in := ingest.New(st, nil)
	in.Package.MaxFileBytes = defaultTestLimit
	if rep, err := in.Ingest(context.Background(), "parts.xlsx", book, ingest.Options{UploadedBy: staffName}); err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep)
	}
	storetest.ApproveAll(t, st)
	ctx := context.Background()
	if _, err := st.WriteCommentary(ctx, metrics.Commentary{MetricID: "calls", Period: metrics.MonthOf(2021, time.November), Text: "Calls rose in the cold.", Author: staffName}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAnnotation(ctx, metrics.Annotation{MetricID: "calls", Label: "New telephony", Start: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC), CreatedBy: staffName}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: st, Ingester: in, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	addUser(t, st, "ana", metrics.RoleAnalyst, boardPassword)
	return ts, st
}

// between is the part of page from the element with id from to the one
// with id to (or the end).
func between(t *testing.T, page, from, to string) string {
	t.Helper()
	i := strings.Index(page, `id="`+from+`"`)
	if i < 0 {
		t.Fatalf("no %s on the page", from)
	}
	part := page[i:]
	if to != "" {
		if j := strings.Index(part, `id="`+to+`"`); j >= 0 {
			part = part[:j]
		}
	}
	return html.UnescapeString(part)
}

// notInOpenPart are what Part 1 must never hold: the sensitive measure
// (its name, its value and the December it alone reaches), commentary
// and staff names.
var notInOpenPart = []string{"Secret measure", "987654", "987,654", "Dec 2021", "OFFICIAL-SENSITIVE", "Official-sensitive",
	"Calls rose in the cold", "Commentary", "Written by", staffName}

// The board pack in two parts: Part 1 is built from the open measures
// alone, national measures first, with no commentary, no names and
// nothing worked out from a sensitive measure; Part 2 holds the
// sensitive measure and the commentary on every measure. The open part
// on its own is that same Part 1, unmarked.
func TestBoardPackInTwoParts(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := partsServer(t, d)
			board := newClient(t, ts)
			board.login("board", boardPassword)
			const meeting = "2022-01-10"
			resp, page := board.get("/boardpack?meeting=" + meeting)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET the pack = %d", resp.StatusCode)
			}
			whole := html.UnescapeString(page)
			// The whole pack goes to December, with the sensitive measure.
			if !strings.Contains(whole, "measures by month to Dec 2021") || !strings.Contains(whole, "OFFICIAL-SENSITIVE") {
				t.Error("the whole pack does not reach December, or is not marked")
			}
			open := between(t, page, "part-open-heading", "part-confidential-heading")
			checkInOrder(t, "Part 1", open, []string{"Part 1: open", "measures by month to Nov 2021", "Exceptions among the open measures",
				"National Crime and Policing Measures", `id="m-violence"`, "Serious violence offences", `data-chart="bpo-`,
				"Other open measures", `id="m-calls"`, "Calls for service", "New telephony"})
			for _, s := range notInOpenPart {
				if strings.Contains(open, s) {
					t.Errorf("Part 1 holds %q", s)
				}
			}
			if strings.Contains(open, "Not up to date") {
				t.Error("Part 1 calls an open measure not up to date, from a sensitive measure's later period")
			}
			confidential := between(t, page, "part-confidential-heading", "")
			checkInOrder(t, "Part 2", confidential, []string{"Part 2: confidential", "Exceptions among the sensitive measures", "Finance",
				"Response times", "Commentary on the open measures", `href="#m-calls"`, "Calls rose in the cold.", "Written by " + staffName,
				"Sensitive measures", `id="m-hidden"`, "Secret measure", "987,654", `data-chart="bp-`})
			if strings.Contains(confidential, `id="m-violence"`) || strings.Contains(confidential, `id="m-calls"`) {
				t.Error("Part 2 repeats an open measure")
			}

			// Part 1 on its own: the same part, unmarked.
			resp, alone := board.get("/boardpack/open?meeting=" + meeting)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET the open part = %d", resp.StatusCode)
			}
			if strings.Contains(alone, "OFFICIAL-SENSITIVE") || strings.Contains(alone, "part-confidential-heading") {
				t.Error("the open part on its own is marked, or holds Part 2")
			}
			if got := between(t, alone, "part-open-heading", ""); !strings.Contains(got, "Serious violence offences") || !strings.Contains(got, "Calls for service") {
				t.Error("the open part on its own lacks the open measures")
			}
			for _, s := range notInOpenPart {
				if strings.Contains(html.UnescapeString(between(t, alone, "main", "")), s) {
					t.Errorf("the open part on its own holds %q", s)
				}
			}
			if resp, _ := newClient(t, ts).get("/boardpack/open?meeting=" + meeting); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("the public GET the open part = %d, want a sign-in prompt (303)", resp.StatusCode)
			}
		})
	}
}

// An edition keeps both parts as published; one frozen before the pack
// had two parts shows its open measures as Part 1.
func TestBoardPackEditionsInTwoParts(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := partsServer(t, d)
			ana := newClient(t, ts)
			ana.login("ana", boardPassword)
			const meeting = "2022-01-10"
			_, pack := ana.get("/boardpack?meeting=" + meeting)
			sha := packSHA.FindStringSubmatch(pack)
			if sha == nil {
				t.Fatal("no publish form")
			}
			resp, _ := ana.post("/boardpack/publish", map[string][]string{"_csrf": {ana.csrf("/boardpack?meeting=" + meeting)}, "meeting": {meeting}, "sha256": {sha[1]}}, nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish = %d", resp.StatusCode)
			}
			link := resp.Header.Get("Location")
			_, edition := ana.get(link)
			open := between(t, edition, "part-open-heading", "part-confidential-heading")
			if !strings.Contains(open, "measures by month to Nov 2021") || !strings.Contains(open, "Serious violence offences") {
				t.Error("the edition's Part 1 is not the open part as published")
			}
			for _, s := range notInOpenPart {
				if strings.Contains(open, s) {
					t.Errorf("the edition's Part 1 holds %q", s)
				}
			}
			if strings.Contains(edition, "may no longer be published") {
				t.Error("a current edition says its Part 1 may no longer be published")
			}

			// An edition frozen by the version before: no Open.
			ctx := context.Background()
			e, err := st.LatestEdition(ctx, metrics.Everything, time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			var old map[string]json.RawMessage
			if err := json.Unmarshal(e.Content, &old); err != nil {
				t.Fatal(err)
			}
			delete(old, "Open")
			content, _ := json.Marshal(old)
			older, _, err := st.PublishEdition(ctx, time.Date(2022, 1, 11, 0, 0, 0, 0, time.UTC), "ana", content)
			if err != nil {
				t.Fatal(err)
			}
			resp, page := ana.get("/boardpack/editions/" + strconvFormat(older.ID))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET the older edition = %d", resp.StatusCode)
			}
			open = between(t, page, "part-open-heading", "part-confidential-heading")
			if !strings.Contains(open, "Serious violence offences") || !strings.Contains(open, "Calls for service") {
				t.Error("the older edition's Part 1 lacks its open measures")
			}
			for _, s := range []string{"Secret measure", "Calls rose in the cold", staffName} {
				if strings.Contains(open, s) {
					t.Errorf("the older edition's Part 1 holds %q", s)
				}
			}
			if !strings.Contains(between(t, page, "part-confidential-heading", ""), "Secret measure") {
				t.Error("the older edition's Part 2 lacks the sensitive measure")
			}

			// A measure of Part 1 made sensitive since: the edition keeps
			// what was shown, and says that Part 1 may not be published.
			m, err := st.GetMetric(ctx, metrics.Everything, "violence")
			if err != nil {
				t.Fatal(err)
			}
			m.Classification = metrics.Sensitive
			if _, err := st.UpdateMetric(ctx, m); err != nil {
				t.Fatal(err)
			}
			_, edition = ana.get(link)
			if !pageHas(edition, "Part 1 of this edition may no longer be published:</strong> since it was published, Serious violence offences is no longer open") {
				t.Error("the edition does not say that its Part 1 holds a measure no longer open")
			}
		})
	}
}
