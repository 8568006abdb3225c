package dashboard

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// Every answer but a static file is private: the series and finance
// API, the exports, the original files and every error say that no
// cache may keep them (no-store), and that an answer depends on who
// asks (Vary: Authorization, Cookie), whether the reader signed in with
// a session or a bearer token or not at all. The walk covers every
// route the server has, whatever its method.
func TestEveryAnswerIsPrivate(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := authServer(t, d)
			admin := addUser(t, st, "admin-user", metrics.RoleAdmin, boardPassword)
			token, sum, err := auth.NewAPIToken()
			if err != nil {
				t.Fatal(err)
			}
			if err := st.AddToken(context.Background(), admin.ID, "walk", sum); err != nil {
				t.Fatal(err)
			}
			ups, err := st.ListUploads(context.Background())
			if err != nil || len(ups) == 0 {
				t.Fatalf("uploads: %v", err)
			}
			srv := ts.Config.Handler.(*Server)
			type route struct{ method, path string }
			var routes []route
			for _, r := range srv.echo.Routes() {
				if strings.HasPrefix(r.Path, "/static") || r.Method == "echo_route_not_found" {
					continue
				}
				p := strings.NewReplacer(":id", "secret", ":file", "secret.csv", "*", "x").Replace(r.Path)
				if strings.HasPrefix(r.Path, "/uploads/:id") || strings.HasPrefix(r.Path, "/admin/") {
					p = strings.ReplaceAll(r.Path, ":id", strconvFormat(ups[0].ID))
				}
				if strings.HasPrefix(r.Path, "/finance/export") {
					p = strings.ReplaceAll(r.Path, ":file", "revenue.csv")
				}
				if r.Method != http.MethodGet {
					// The walk sends a bearer token, which needs no CSRF
					// token: change nothing that exists.
					p = strings.ReplaceAll(r.Path, ":id", "999999")
				}
				routes = append(routes, route{r.Method, p})
			}
			routes = append(routes, route{http.MethodGet, "/no/such/page"}, route{http.MethodGet, "/api/v1/no/such/thing"})
			if len(routes) < 30 {
				t.Fatalf("only %d routes to walk", len(routes))
			}
			for _, who := range []struct {
				name   string
				header http.Header
			}{{"public", nil}, {"bearer", http.Header{"Authorization": {"Bearer " + token}}}} {
				c := newClient(t, ts)
				for _, r := range routes {
					req, _ := http.NewRequest(r.method, ts.URL+r.path, nil)
					for k, v := range who.header {
						req.Header[k] = v
					}
					resp, _ := c.do(req)
					if got := resp.Header.Get("Cache-Control"); got != "no-store" {
						t.Errorf("%s %s %s (%d): Cache-Control %q, want no-store", who.name, r.method, r.path, resp.StatusCode, got)
					}
					if got := resp.Header.Get("Vary"); !strings.Contains(got, "Authorization") || !strings.Contains(got, "Cookie") {
						t.Errorf("%s %s %s (%d): Vary %q, want Authorization and Cookie", who.name, r.method, r.path, resp.StatusCode, got)
					}
				}
			}
			// The sensitive answers themselves, reached with the token.
			c := newClient(t, ts)
			for _, p := range []string{"/api/v1/metrics/secret/series", "/metrics/secret/export/secret.csv", "/metrics/secret/export/secret.xlsx",
				"/uploads/" + strconvFormat(ups[0].ID) + "/original"} {
				req, _ := http.NewRequest(http.MethodGet, ts.URL+p, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, _ := c.do(req)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s with a token = %d, want 200", p, resp.StatusCode)
				}
				if resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(resp.Header.Get("Vary"), "Authorization") {
					t.Errorf("GET %s: Cache-Control %q, Vary %q", p, resp.Header.Get("Cache-Control"), resp.Header.Get("Vary"))
				}
			}
			// Static files are the same for everyone and may be kept.
			resp, _ := c.get("/static/css/assure.css")
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age") {
				t.Errorf("static css = %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
		})
	}
}
