package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/assure-pcc/assure/ingest/spreadsheet"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// leaks are texts that only the sensitive measure's data contains: its
// value in every format Assure writes, and its name.
var leaks = []string{"987654", "987,654", "Secret measure"}

// getRoutes lists the server's GET routes with their parameters filled
// in every way a test can: each metric id (the sensitive one included),
// and each upload id.
func getRoutes(t *testing.T, srv *Server, params map[string][]string) []string {
	t.Helper()
	var paths []string
	seen := map[string]bool{}
	for _, r := range srv.echo.Routes() {
		if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		expanded := []string{r.Path}
		for name, values := range params {
			var next []string
			for _, p := range expanded {
				if !strings.Contains(p, ":"+name) {
					next = append(next, p)
					continue
				}
				for _, v := range values {
					next = append(next, strings.ReplaceAll(p, ":"+name, v))
				}
			}
			expanded = next
		}
		for _, p := range expanded {
			if !strings.Contains(p, ":") && !seen[p] {
				seen[p] = true
				paths = append(paths, p)
			}
		}
	}
	sort.Strings(paths)
	return paths
}

// TestEveryRouteForEveryRole walks every GET route as the public and as
// each role, and checks who reaches the sensitive measure: the public
// never, not in any page, API answer, export or chart option; every
// signed-in role always.
func TestEveryRouteForEveryRole(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := authServer(t, d)
			for _, role := range []metrics.Role{metrics.RoleFinance, metrics.RoleAnalyst, metrics.RoleAdmin} {
				addUser(t, st, string(role)+"-user", role, boardPassword)
			}
			ups, err := st.ListUploads(context.Background())
			if err != nil || len(ups) == 0 {
				t.Fatalf("uploads: %v", err)
			}
			srv := ts.Config.Handler.(*Server)
			paths := getRoutes(t, srv, map[string][]string{
				"id": {"calls-999", "hostile", "secret", "secret.csv", "calls-999.csv", strconvFormat(ups[0].ID)},
				"file": {"secret.csv", "secret.xlsx", "calls-999.csv", "calls-999.xlsx",
					// The finance and response-time tables.
					"revenue.csv", "revenue.xlsx", "capital.csv", "capital.xlsx", "reserves.csv", "reserves.xlsx",
					"monthly.csv", "monthly.xlsx", "outliers.csv", "outliers.xlsx"},
			})
			if len(paths) < 8 {
				t.Fatalf("only %d routes to walk: %v", len(paths), paths)
			}
			viewers := []struct {
				name string
				user string
			}{{"public", ""}, {"board", "board"}, {"finance", "finance-user"}, {"analyst", "analyst-user"}, {"admin", "admin-user"}}
			for _, v := range viewers {
				c := newClient(t, ts)
				if v.user != "" {
					if resp := c.login(v.user, boardPassword); resp.StatusCode != http.StatusSeeOther {
						t.Fatalf("%s: login = %d", v.name, resp.StatusCode)
					}
				}
				reached := 0
				for _, p := range paths {
					resp, body := c.get(p)
					leaked := false
					for _, l := range leaks {
						if strings.Contains(body, l) {
							leaked = true
						}
					}
					if v.user == "" && leaked {
						t.Errorf("public GET %s (%d) shows sensitive data", p, resp.StatusCode)
					}
					if resp.StatusCode >= 500 {
						t.Errorf("%s GET %s = %d", v.name, p, resp.StatusCode)
					}
					if leaked {
						reached++
					}
				}
				// Signed in, the sensitive measure's page, series and the
				// overview all show it.
				if v.user != "" && reached < 3 {
					t.Errorf("%s reached the sensitive measure on only %d routes", v.name, reached)
				}
				for _, p := range []string{"/metrics/secret", "/api/v1/metrics/secret/series"} {
					resp, _ := c.get(p)
					want := http.StatusOK
					if v.user == "" {
						want = http.StatusNotFound
					}
					if resp.StatusCode != want {
						t.Errorf("%s GET %s = %d, want %d", v.name, p, resp.StatusCode, want)
					}
				}
				// The public pages show the public's view, whoever asks.
				if resp, body := c.get("/public/metrics/secret"); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "987654") {
					t.Errorf("%s GET /public/metrics/secret = %d", v.name, resp.StatusCode)
				}
			}
		})
	}
}

func TestPublishWritesOpenMeasuresOnly(t *testing.T) {
	srv, _ := testServer(t, "sqlite")
	dir := filepath.Join(t.TempDir(), "site")
	m, err := srv.Publish(context.Background(), dir, PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) < 5 {
		t.Errorf("published %d files", len(m.Files))
	}
	for _, f := range []string{"index.html", "metrics/calls-999.html", "metrics/calls-999.csv", "static/css/assure.css", "static/js/charts.js", "static/js/echarts.min.js"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("published site lacks %s", f)
		}
	}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		for _, l := range leaks {
			if strings.Contains(string(b), l) {
				t.Errorf("published %s contains %q", path, l)
			}
		}
		if strings.Contains(path, "secret") {
			t.Errorf("published a file for the sensitive measure: %s", path)
		}
		return nil
	})
	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !strings.Contains(string(index), `href="metrics/calls-999.html"`) || !strings.Contains(string(index), `href="static/css/assure.css"`) {
		t.Errorf("the published index should link relatively")
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "metrics", "calls-999.csv"))
	if !strings.Contains(string(csv), "calls-999,\"999 calls, average per day\",North,Aug 2021,2021-08-01,2021-08-31,400,calls,open") {
		t.Errorf("csv:\n%s", csv)
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+44": "'+44", "-404": "'-404", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"North": "North", "": "", "999 calls": "999 calls",
	} {
		if got := spreadsheet.Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportsObeyAccessAndMarkSensitive(t *testing.T) {
	ts, _ := authServer(t, "sqlite")
	public := newClient(t, ts)
	for _, p := range []string{"/metrics/secret/export/secret.csv", "/metrics/secret/export/secret.xlsx", "/metrics/calls-999/export/secret.csv"} {
		if resp, body := public.get(p); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "987654") {
			t.Errorf("public GET %s = %d", p, resp.StatusCode)
		}
	}
	if resp, body := public.get("/metrics/calls-999/export/calls-999.csv"); resp.StatusCode != 200 || !strings.Contains(body, "North") {
		t.Errorf("public CSV of an open measure = %d", resp.StatusCode)
	}
	board := newClient(t, ts)
	board.login("board", boardPassword)
	resp, body := board.get("/metrics/secret/export/secret.xlsx")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("board xlsx = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Figures", "A1"); v != "OFFICIAL-SENSITIVE" {
		t.Errorf("the export of a sensitive measure starts %q, want the marking", v)
	}
	if v, _ := f.GetCellValue("Figures", "A3"); v != "Unit: minutes" {
		t.Errorf("A3 = %q, want the unit", v)
	}
}

// TestAdminRoutesForEveryRole walks every route of the account pages,
// GET and POST, as the public and as each role: only administrators
// reach /admin, whatever the method; the public is sent to sign in.
func TestAdminRoutesForEveryRole(t *testing.T) {
	ts, st := authServer(t, "sqlite")
	for _, role := range []metrics.Role{metrics.RoleFinance, metrics.RoleAnalyst, metrics.RoleAdmin} {
		addUser(t, st, string(role)+"-user", role, boardPassword)
	}
	srv := ts.Config.Handler.(*Server)
	boardID := userID(t, st, "board")
	var routes [][2]string
	for _, r := range srv.echo.Routes() {
		if (r.Method == http.MethodGet || r.Method == http.MethodPost) && (strings.HasPrefix(r.Path, "/admin") || strings.HasPrefix(r.Path, "/account")) && !strings.Contains(r.Path, "*") {
			routes = append(routes, [2]string{r.Method, strings.ReplaceAll(r.Path, ":id", boardID)})
		}
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i][1]+routes[i][0] < routes[j][1]+routes[j][0] })
	if len(routes) < 11 {
		t.Fatalf("only %d account routes: %v", len(routes), routes)
	}
	before, _ := st.AuditLog(context.Background(), 1000)
	for _, v := range []struct{ name, user string }{{"public", ""}, {"board", "board"}, {"finance", "finance-user"}, {"analyst", "analyst-user"}, {"admin", "admin-user"}} {
		c := newClient(t, ts)
		if v.user != "" {
			c.login(v.user, boardPassword)
		}
		for _, r := range routes {
			var resp *http.Response
			if r[0] == http.MethodGet {
				resp, _ = c.get(r[1])
			} else {
				// A harmless form: each handler refuses it or changes
				// nothing that the walk depends on.
				resp, _ = c.post(r[1], url.Values{"_csrf": {c.csrf("/login")}, "role": {"board"}, "name": {""}}, nil)
			}
			isAdmin := strings.HasPrefix(r[1], "/admin")
			switch {
			case v.user == "":
				if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
					t.Errorf("public %s %s = %d, want a redirect to sign in", r[0], r[1], resp.StatusCode)
				}
			case isAdmin && v.name != "admin":
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s %s = %d, want 403", v.name, r[0], r[1], resp.StatusCode)
				}
			default:
				if resp.StatusCode == http.StatusForbidden || resp.StatusCode >= 500 {
					t.Errorf("%s %s %s = %d", v.name, r[0], r[1], resp.StatusCode)
				}
			}
		}
	}
	// Only the administrator's requests changed anything.
	after, _ := st.AuditLog(context.Background(), 1000)
	for _, e := range after[:len(after)-len(before)] {
		switch e.Action {
		case metrics.AuditLogin, metrics.AuditLoginFailed:
		default:
			if e.Actor != "admin-user" {
				t.Errorf("%s changed something: %+v", e.Actor, e)
			}
		}
	}
}
