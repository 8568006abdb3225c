package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// staffName is an analyst's user name, unlike any other text on a page.
const staffName = "ana1staff"

// Staff names stay inside: after an analyst has uploaded a file,
// written, changed and deleted annotations, written commentary and
// published an edition of the board pack, no page, answer or export the
// public can reach names them, while signed-in readers still see who
// did what.
func TestAnonymousPagesNameNoStaff(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := holdServer(t, d)
			addUser(t, st, staffName, metrics.RoleAnalyst, analystPassword)
			ctx := context.Background()
			in := ingest.New(st, nil)
			in.Package.MaxFileBytes = defaultTestLimit
			book := ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: [][]any{
				{"Metric", "Area", "Period", "Value"},
				{"resp", "Force", "2022-01", 16},
			}})
			if rep, err := in.Ingest(ctx, "january.xlsx", book, ingest.Options{UploadedBy: staffName}); err != nil || rep.Status != ingest.StatusStored {
				t.Fatalf("ingest: %v %+v", err, rep)
			}

			ana := newClient(t, ts)
			if resp := ana.login(staffName, analystPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login = %d", resp.StatusCode)
			}
			token := ana.csrf("/metrics/resp")
			for _, form := range []url.Values{
				{"label": {"Winter lockdowns"}, "start": {"2020-11-05"}, "end": {"2021-03-29"}, "on": {"every"}},
				{"label": {"Op Guardian"}, "start": {"2021-06-07"}, "on": {"this"}},
				{"label": {"Gone soon"}, "start": {"2021-07-01"}, "on": {"this"}},
			} {
				form.Set("_csrf", token)
				if resp, body := ana.post("/metrics/resp/annotations", form, nil); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("add annotation = %d: %s", resp.StatusCode, body)
				}
			}
			anns, err := st.Annotations(ctx, metrics.Everything, "resp")
			if err != nil || len(anns) != 3 {
				t.Fatalf("annotations = %+v, %v", anns, err)
			}
			if resp, _ := ana.post("/annotations/"+strconv.FormatInt(anns[1].ID, 10), url.Values{"_csrf": {token}, "metric": {"resp"}, "label": {"Op Guardian begins"}, "start": {"2021-06-07"}}, nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit annotation = %d", resp.StatusCode)
			}
			if resp, _ := ana.post("/annotations/"+strconv.FormatInt(anns[2].ID, 10)+"/delete", url.Values{"_csrf": {token}, "metric": {"resp"}}, nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete annotation = %d", resp.StatusCode)
			}
			if resp, _ := ana.post("/metrics/resp/commentary", url.Values{"_csrf": {token}, "period": {"2021-12"}, "text": {"Demand rose."}}, nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("commentary = %d", resp.StatusCode)
			}
			_, pack := ana.get("/boardpack?meeting=2022-02-10")
			sha := packSHA.FindStringSubmatch(pack)
			if sha == nil {
				t.Fatal("no publish form on the pack")
			}
			if resp, _ := ana.post("/boardpack/publish", url.Values{"_csrf": {token}, "meeting": {"2022-02-10"}, "sha256": {sha[1]}}, nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish the edition = %d", resp.StatusCode)
			}

			// Signed in, the board sees who did what.
			board := newClient(t, ts)
			board.login("board", boardPassword)
			if _, page := board.get("/metrics/resp"); !strings.Contains(page, "Added by "+staffName) || !strings.Contains(page, "changed by "+staffName) {
				t.Error("the board's metric page does not say who wrote and changed the annotations")
			}

			// The public: every route, every measure.
			ups, err := st.ListUploads(ctx)
			if err != nil {
				t.Fatal(err)
			}
			srv := ts.Config.Handler.(*Server)
			paths := getRoutes(t, srv, map[string][]string{
				"id":   {"resp", "calls", "hidden", "resp.csv", "1", strconvFormat(ups[len(ups)-1].ID)},
				"file": {"resp.csv", "resp.xlsx", "revenue.csv", "monthly.csv"},
			})
			public := newClient(t, ts)
			shown := 0
			for _, path := range append(paths, "/public/metrics/resp", "/metrics/resp?area=Force", "/boardpack/editions/1") {
				resp, body := public.get(path)
				if resp.StatusCode == http.StatusOK {
					shown++
				}
				if strings.Contains(body, staffName) {
					t.Errorf("public GET %s (%d) names %s", path, resp.StatusCode, staffName)
				}
			}
			// The annotations themselves are public: only the names are not.
			for _, path := range []string{"/metrics/resp", "/public/metrics/resp"} {
				if _, page := public.get(path); !strings.Contains(page, "Op Guardian begins") {
					t.Errorf("public %s lacks the annotation", path)
				}
			}
			if _, page := public.get("/metrics/resp"); !strings.Contains(page, "Added ") || strings.Contains(page, "Added by") {
				t.Error("the public metric page should say when each annotation was added, and not by whom")
			}
			if shown < 5 {
				t.Errorf("only %d public routes answered 200: the walk reached too little", shown)
			}
		})
	}
}
