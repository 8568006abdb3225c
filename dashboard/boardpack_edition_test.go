package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

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
