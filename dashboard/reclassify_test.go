package dashboard

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// skewedServers starts two servers on one database, as two hosts behind
// a load balancer: the first with a clock an hour ahead, the second with
// the right time. It stores testServer's workbook and the users board
// and ana (an analyst).
func skewedServers(t *testing.T, dialect string) (ahead, behind *httptest.Server) {
	t.Helper()
	dsn := storetest.DSN(t, dialect)
	start := func(skew time.Duration) *httptest.Server {
		st := storetest.OpenDSN(t, dsn)
		clock := func() time.Time { return time.Now().Add(skew) }
		st.Now = clock
		srv, err := New(Config{Store: st, Version: "test", Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		return ts
	}
	ahead, behind = start(time.Hour), start(0)
	st := storetest.OpenDSN(t, dsn)
	ingestTestBook(t, st)
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	addUser(t, st, "ana", metrics.RoleAnalyst, analystPassword)
	return ahead, behind
}

// editMetric saves a catalogue entry as an analyst would.
func editMetric(t *testing.T, ana *client, id string, fields url.Values) {
	t.Helper()
	fields.Set("_csrf", ana.csrf("/catalogue"))
	if resp, body := ana.post("/catalogue/"+id, fields, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("catalogue edit of %s = %d: %s", id, resp.StatusCode, body)
	}
}

// A measure made sensitive on one server is withdrawn at once from every
// page, answer and export of every server sharing the database, for
// every reader, although every page was kept, and although the server
// that makes the change has a clock an hour behind one that edited the
// catalogue before it. Before, the caches followed the catalogue's newest
// updated_at stamp, which the server ahead had set an hour into the
// future, so the change moved nothing; and the overview served its
// previous analysis while the next was computed.
func TestReclassificationTakesEffectAtOnceOnEveryServer(t *testing.T) {
	const name = "999 calls, average per day"
	publicPages := []string{
		"/", "/metrics/calls-999", "/metrics/calls-999/export/calls-999.csv", "/metrics/calls-999/export/calls-999.xlsx",
		"/api/v1/metrics", "/api/v1/metrics/calls-999/series", "/public", "/public/metrics/calls-999", "/public/metrics/calls-999.csv",
	}
	boardPages := []string{"/", "/metrics/calls-999", "/api/v1/metrics/calls-999/series", "/boardpack?meeting=2030-01-01", "/boardpack/open?meeting=2030-01-01"}
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ahead, behind := skewedServers(t, d)
			servers := map[string]*httptest.Server{"the server ahead": ahead, "the server behind": behind}
			boards := map[string]*client{}
			for where, ts := range servers {
				boards[where] = newClient(t, ts)
				boards[where].login("board", boardPassword)
			}
			// The server ahead stamps the catalogue an hour early.
			anaAhead := newClient(t, ahead)
			anaAhead.login("ana", analystPassword)
			editMetric(t, anaAhead, "secret", url.Values{"name": {"Secret measure, renamed"}, "unit": {"minutes"}, "direction": {"down"},
				"target": {"15"}, "classification": {"sensitive"}, "category": {"Local priority"}})
			for where, ts := range servers {
				public := newClient(t, ts)
				for _, path := range publicPages {
					for range 2 { // the second read is from what was kept
						resp, body := public.get(path)
						shown := strings.Contains(body, name) || strings.HasSuffix(path, ".xlsx") // compressed
						if resp.StatusCode != http.StatusOK || !shown {
							t.Fatalf("%s, public, before: GET %s = %d, the measure shown: %t", where, path, resp.StatusCode, shown)
						}
					}
				}
				for _, path := range boardPages {
					boards[where].get(path)
					if resp, body := boards[where].get(path); !strings.Contains(body, name) {
						t.Fatalf("%s, board, before: GET %s (%d) lacks the measure: %.3000s", where, path, resp.StatusCode, body)
					}
				}
			}

			// The server behind makes calls-999 sensitive.
			anaBehind := newClient(t, behind)
			anaBehind.login("ana", analystPassword)
			editMetric(t, anaBehind, "calls-999", url.Values{"name": {name}, "unit": {"calls"}, "direction": {"none"},
				"target": {""}, "classification": {"sensitive"}, "category": {"Demand"}})
			for where, ts := range servers {
				public := newClient(t, ts)
				for _, path := range publicPages {
					resp, body := public.get(path)
					if strings.Contains(body, name) || strings.Contains(body, `"calls-999"`) || strings.Contains(body, "410") {
						t.Errorf("%s, public, after: GET %s (%d) still shows the measure made sensitive", where, path, resp.StatusCode)
					}
					if strings.Contains(path, "calls-999") && resp.StatusCode != http.StatusNotFound {
						t.Errorf("%s, public, after: GET %s = %d, want 404", where, path, resp.StatusCode)
					}
				}
				// The board still sees it, now marked.
				if _, body := boards[where].get("/metrics/calls-999"); !strings.Contains(body, "OFFICIAL-SENSITIVE") {
					t.Errorf("%s, board, after: the measure's page is not marked OFFICIAL-SENSITIVE", where)
				}
				if _, body := boards[where].get("/api/v1/metrics/calls-999/series"); !strings.Contains(body, `"classification":"sensitive"`) {
					t.Errorf("%s, board, after: the series says the measure is still open", where)
				}
				// It moves from the board pack's open part to its
				// confidential part.
				_, pack := boards[where].get("/boardpack?meeting=2030-01-01")
				if strings.Contains(between(t, pack, "part-open-heading", "part-confidential-heading"), name) ||
					!strings.Contains(between(t, pack, "part-confidential-heading", ""), name) {
					t.Errorf("%s, board, after: the measure is not in the pack's confidential part alone", where)
				}
				if _, open := boards[where].get("/boardpack/open?meeting=2030-01-01"); strings.Contains(open, name) {
					t.Errorf("%s, board, after: the pack's open part on its own still shows the measure", where)
				}
			}
		})
	}
}

// No answer built from the database may be kept by a browser or a proxy,
// where no change of classification would reach it.
func TestAnswersAreNotKeptOutside(t *testing.T) {
	ts, _ := authServer(t, "sqlite")
	board := newClient(t, ts)
	board.login("board", boardPassword)
	for _, c := range []*client{newClient(t, ts), board} {
		for _, path := range []string{
			"/", "/metrics/calls-999", "/metrics/calls-999/export/calls-999.csv", "/metrics/calls-999/export/calls-999.xlsx",
			"/api/v1/metrics", "/api/v1/metrics/calls-999/series", "/public", "/public/metrics/calls-999",
			"/public/metrics/calls-999.csv", "/metrics/secret", "/boardpack", "/nowhere",
		} {
			if resp, _ := c.get(path); resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("GET %s (%d): Cache-Control %q, want no-store", path, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
		}
	}
}
