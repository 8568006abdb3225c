package dashboard

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// TestSettingsNameEveryPage: the organisation's name set on /admin is in
// every page's title and footer, for the public too, and in no page's
// place is "Assure dev".
func TestSettingsNameEveryPage(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _, admin := adminServer(t, d)
			public := newClient(t, ts)
			const name = "Office of the Police and Crime Commissioner for Testshire"
			_, before := public.get("/public")
			if !strings.Contains(before, "<title>Published measures – "+template.HTMLEscapeString(metrics.DefaultOrganisation)) {
				t.Errorf("before any setting, the title does not carry the default name")
			}
			resp, _ := admin.adminPost("/admin/settings", url.Values{"organisation": {name}, "home_area": {"Testshire"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST /admin/settings = %d", resp.StatusCode)
			}
			for _, c := range []*client{public, admin} {
				for _, path := range []string{"/", "/public"} {
					_, body := c.get(path)
					if !strings.Contains(body, "– "+name+"</title>") || !strings.Contains(body, `<footer class="site-footer">`+"\n  <p>"+name+".") {
						t.Errorf("GET %s: the title or footer lacks the organisation's name", path)
					}
					if strings.Contains(body, "Assure dev.") {
						t.Errorf("GET %s still says \"Assure dev.\"", path)
					}
				}
			}
			_, page := admin.get("/admin")
			if !strings.Contains(page, `value="Testshire"`) || !strings.Contains(page, "settings_changed") {
				t.Errorf("/admin does not show the home area set, or the audit log lacks the change")
			}
			// Refused: too long a name; nothing changes.
			resp, body := admin.adminPost("/admin/settings", url.Values{"organisation": {strings.Repeat("x", 121)}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "at most 120 characters") {
				t.Errorf("a name of 121 characters = %d", resp.StatusCode)
			}
			// Only administrators set them.
			if resp, _ := public.post("/admin/settings", url.Values{"organisation": {"x"}}, nil); resp.StatusCode < 400 {
				t.Errorf("the public's POST /admin/settings = %d", resp.StatusCode)
			}
		})
	}
}

// TestNavigationByRole: each role's navigation has the links for it and
// no others.
func TestNavigationByRole(t *testing.T) {
	ts, st := authServer(t, "sqlite")
	links := []string{`href="/finance"`, `href="/uploads"`, `href="/catalogue"`, `href="/admin"`, `href="/api/v1/metrics"`, `href="/boardpack"`}
	tests := []struct {
		role metrics.Role
		want []bool // in the order of links
	}{
		{"", []bool{false, false, false, false, false, false}},
		{metrics.RoleBoard, []bool{true, false, false, false, true, true}},
		{metrics.RoleFinance, []bool{true, true, true, false, true, true}},
		{metrics.RoleAnalyst, []bool{true, true, true, false, true, true}},
		{metrics.RoleAdmin, []bool{true, true, true, true, true, true}},
	}
	for _, tt := range tests {
		c := newClient(t, ts)
		if tt.role != "" {
			addUser(t, st, "u-"+string(tt.role), tt.role, adminPassword)
			if resp := c.login("u-"+string(tt.role), adminPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in as %s = %d", tt.role, resp.StatusCode)
			}
		}
		_, body := c.get("/public")
		nav := body[strings.Index(body, `<ul class="site-nav">`):strings.Index(body, "</nav>")]
		for i, l := range links {
			if got := strings.Contains(nav, l); got != tt.want[i] {
				t.Errorf("%q: navigation has %s: %t, want %t", tt.role, l, got, tt.want[i])
			}
		}
	}
}
