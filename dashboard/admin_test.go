package dashboard

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

const adminPassword = "a long administrator passphrase"

// adminServer is authServer with an administrator, "root", signed in.
func adminServer(t *testing.T, dialect string) (*httptest.Server, *store.Store, *client) {
	t.Helper()
	ts, st := authServer(t, dialect)
	addUser(t, st, "root", metrics.RoleAdmin, adminPassword)
	c := newClient(t, ts)
	if resp := c.login("root", adminPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin login = %d", resp.StatusCode)
	}
	return ts, st, c
}

// adminPost posts a form from an admin page, with the page's CSRF token.
func (c *client) adminPost(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.csrf("/admin"))
	return c.post(path, form, nil)
}

func userID(t *testing.T, st *store.Store, name string) string {
	t.Helper()
	u, _, err := st.UserByName(context.Background(), name)
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	return strconvFormat(u.ID)
}

func userIDNum(t *testing.T, st *store.Store, name string) int64 {
	t.Helper()
	u, _, err := st.UserByName(context.Background(), name)
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	return u.ID
}

func audited(t *testing.T, st *store.Store, action, detail string) bool {
	t.Helper()
	log, err := st.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Action == action && e.Actor == "root" && strings.Contains(e.Detail, detail) {
			return true
		}
	}
	return false
}

var secretInput = regexp.MustCompile(`id="secret" type="text" value="([^"]+)"`)

func shownSecret(t *testing.T, body string) string {
	t.Helper()
	m := secretInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no secret shown in:\n%s", body)
	}
	return html.UnescapeString(m[1])
}

func TestAdminAddsAUserWhoCanSignIn(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st, admin := adminServer(t, d)
			pw := "finance officer passphrase"
			resp, _ := admin.adminPost("/admin/users", url.Values{"name": {"fiona"}, "role": {"finance"},
				"password_mode": {"typed"}, "password": {pw}, "password_again": {pw}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
				t.Fatalf("add user = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if _, body := admin.get("/admin"); !strings.Contains(body, "Added fiona (finance)") {
				t.Errorf("no notice of the new user on /admin")
			}
			if !audited(t, st, metrics.AuditUserAdded, "fiona (finance)") {
				t.Errorf("adding a user is not in the audit log")
			}
			fiona := newClient(t, ts)
			if resp := fiona.login("fiona", pw); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("the new user signing in = %d", resp.StatusCode)
			}
			if resp, body := fiona.get("/finance"); resp.StatusCode != 200 || !strings.Contains(body, "Signed in as fiona (finance)") {
				t.Errorf("the new user on /finance = %d", resp.StatusCode)
			}

			// The same rules as the command line: twice, alike, long enough,
			// a free name.
			for _, tc := range []struct {
				form   url.Values
				status int
				says   string
			}{
				{url.Values{"name": {"x1"}, "role": {"board"}, "password": {pw}, "password_again": {pw + "!"}}, 400, "differ"},
				{url.Values{"name": {"x2"}, "role": {"board"}, "password": {"short"}, "password_again": {"short"}}, 400, "at least 12"},
				{url.Values{"name": {"x3"}, "role": {"board"}}, 400, "Type the password twice"},
				{url.Values{"name": {"fiona"}, "role": {"board"}, "password": {pw}, "password_again": {pw}}, 409, "already a user"},
				{url.Values{"name": {"bad name"}, "role": {"board"}, "password": {pw}, "password_again": {pw}}, 400, "user name"},
				{url.Values{"name": {"x4"}, "role": {"king"}, "password": {pw}, "password_again": {pw}}, 400, "not a role"},
				// Too easy to guess, each long enough.
				{url.Values{"name": {"x5"}, "role": {"board"}, "password": {"aaaaaaaaaaaa"}, "password_again": {"aaaaaaaaaaaa"}}, 400, "too easy to guess"},
				{url.Values{"name": {"x6"}, "role": {"board"}, "password": {"password1234"}, "password_again": {"password1234"}}, 400, "too easy to guess"},
				{url.Values{"name": {"george.osborne"}, "role": {"board"}, "password": {"George.Osborne"}, "password_again": {"George.Osborne"}}, 400, "besides the user"},
				{url.Values{"name": {"george.osborne"}, "role": {"board"}, "password": {"george.osborne1"}, "password_again": {"george.osborne1"}}, 400, "besides the user"},
			} {
				resp, body := admin.adminPost("/admin/users", tc.form)
				if resp.StatusCode != tc.status || !strings.Contains(body, tc.says) {
					t.Errorf("add %v = %d, want %d saying %q", tc.form, resp.StatusCode, tc.status, tc.says)
				}
			}
			if users, _ := st.ListUsers(context.Background()); len(users) != 3 {
				t.Errorf("refused forms added users: %d users", len(users))
			}
		})
	}
}

func TestGeneratedPasswordIsOneTime(t *testing.T) {
	ts, st, admin := adminServer(t, "sqlite")
	resp, body := admin.adminPost("/admin/users", url.Values{"name": {"gina"}, "role": {"board"}, "password_mode": {"generate"}})
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("add with a generated password = %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	once := shownSecret(t, body)
	if len(once) < 25 {
		t.Errorf("generated password %q is short", once)
	}
	if !audited(t, st, metrics.AuditUserAdded, "gina (board), one-time password") {
		t.Errorf("not audited")
	}
	if _, body := admin.get("/admin"); strings.Contains(body, once) {
		t.Errorf("the generated password is shown again")
	}
	gina := newClient(t, ts)
	if resp := gina.login("gina", once); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing in with the one-time password = %d", resp.StatusCode)
	}
	// Nothing but choosing a password until it is chosen.
	for _, p := range []string{"/", "/metrics/secret", "/finance"} {
		if resp, _ := gina.get(p); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
			t.Errorf("GET %s with a one-time password = %d to %q", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, _ := gina.get("/api/v1/metrics/secret/series"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the API with a one-time password = %d, want 403", resp.StatusCode)
	}
	mine := "gina's own passphrase"
	token := gina.csrf("/account/password")
	if resp, body := gina.post("/account/password", url.Values{"_csrf": {token}, "current": {"wrong one"}, "password": {mine}, "password_again": {mine}}, nil); resp.StatusCode != 401 || !strings.Contains(body, "not right") {
		t.Errorf("wrong current password = %d", resp.StatusCode)
	}
	if resp, _ := gina.post("/account/password", url.Values{"_csrf": {token}, "current": {once}, "password": {mine}, "password_again": {mine}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing a password = %d", resp.StatusCode)
	}
	if resp, _ := gina.get("/metrics/secret"); resp.StatusCode != 200 {
		t.Errorf("after choosing a password, /metrics/secret = %d", resp.StatusCode)
	}
	if resp := newClient(t, ts).login("gina", once); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the one-time password works twice: %d", resp.StatusCode)
	}
	if resp := newClient(t, ts).login("gina", mine); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signing in with the chosen password = %d", resp.StatusCode)
	}
}

func TestBoardUserCannotReachAdmin(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st, _ := adminServer(t, d)
			rootID := userID(t, st, "root")
			board := newClient(t, ts)
			board.login("board", boardPassword)
			public := newClient(t, ts)
			for _, p := range []string{"/admin", "/admin/users/" + rootID} {
				if resp, body := board.get(p); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "root") && strings.Contains(body, "Reset the password") {
					t.Errorf("board GET %s = %d", p, resp.StatusCode)
				}
				if resp, _ := public.get(p); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
					t.Errorf("public GET %s = %d", p, resp.StatusCode)
				}
			}
			pw := "a password of board's"
			posts := map[string]url.Values{
				"/admin/users":                         {"name": {"mallory"}, "role": {"admin"}, "password": {pw}, "password_again": {pw}},
				"/admin/users/" + rootID + "/role":     {"role": {"board"}},
				"/admin/users/" + rootID + "/disable":  nil,
				"/admin/users/" + rootID + "/password": {"password": {pw}, "password_again": {pw}},
				"/admin/users/" + rootID + "/tokens":   {"name": {"stolen"}},
				"/admin/tokens/1/revoke":               nil,
			}
			for p, form := range posts {
				f := url.Values{"_csrf": {board.csrf("/")}}
				for k, v := range form {
					f[k] = v
				}
				if resp, body := board.post(p, f, nil); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "assure_") {
					t.Errorf("board POST %s = %d", p, resp.StatusCode)
				}
				f.Set("_csrf", public.csrf("/login"))
				if resp, _ := public.post(p, f, nil); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
					t.Errorf("public POST %s = %d", p, resp.StatusCode)
				}
			}
			if u, _ := st.UserByID(context.Background(), mustID(t, rootID)); !u.IsAdmin() {
				t.Errorf("a board member changed the administrator: %+v", u)
			}
			if _, _, err := st.UserByName(context.Background(), "mallory"); err == nil {
				t.Errorf("a board member added a user")
			}
			if ts, _ := st.ListTokens(context.Background()); len(ts) != 0 {
				t.Errorf("a board member issued a token")
			}
		})
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAdminFormsWithoutCSRFAreRefused(t *testing.T) {
	_, st, admin := adminServer(t, "sqlite")
	boardID := userID(t, st, "board")
	pw := "a password of mallory's"
	for p, form := range map[string]url.Values{
		"/admin/users":                         {"name": {"mallory"}, "role": {"admin"}, "password": {pw}, "password_again": {pw}},
		"/admin/users/" + boardID + "/disable": {},
		"/admin/users/" + boardID + "/tokens":  {"name": {"x"}},
	} {
		admin.get("/admin")
		if resp, body := admin.post(p, form, nil); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "expired") {
			t.Errorf("POST %s without a token = %d", p, resp.StatusCode)
		}
		form.Set("_csrf", admin.csrf("/admin"))
		if resp, _ := admin.post(p, form, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s = %d", p, resp.StatusCode)
		}
	}
	if _, _, err := st.UserByName(context.Background(), "mallory"); err == nil {
		t.Errorf("a forged form added a user")
	}
	if u, _, _ := st.UserByName(context.Background(), "board"); u.Disabled {
		t.Errorf("a forged form disabled a user")
	}
}

func TestAdminDisablesAndEnablesAUser(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st, admin := adminServer(t, d)
			boardID := userID(t, st, "board")
			board := newClient(t, ts)
			board.login("board", boardPassword)
			if resp, _ := board.get("/metrics/secret"); resp.StatusCode != 200 {
				t.Fatalf("signed in: %d", resp.StatusCode)
			}
			if resp, _ := admin.adminPost("/admin/users/"+boardID+"/disable", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("disable = %d", resp.StatusCode)
			}
			if resp, _ := board.get("/metrics/secret"); resp.StatusCode != 404 {
				t.Errorf("a disabled user's session still works: %d", resp.StatusCode)
			}
			if !audited(t, st, metrics.AuditUserDisabled, "board") {
				t.Errorf("disabling is not audited")
			}
			if resp := newClient(t, ts).login("board", boardPassword); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("a disabled user signs in: %d", resp.StatusCode)
			}
			// Enabled again, the old session stays ended; a new one works.
			if resp, _ := admin.adminPost("/admin/users/"+boardID+"/enable", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("enable = %d", resp.StatusCode)
			}
			if !audited(t, st, metrics.AuditUserEnabled, "board") {
				t.Errorf("enabling is not audited")
			}
			if resp, _ := board.get("/metrics/secret"); resp.StatusCode != 404 {
				t.Errorf("enabling brought back the old session: %d", resp.StatusCode)
			}
			if resp := board.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("signing in after being enabled = %d", resp.StatusCode)
			}
			if resp, _ := board.get("/metrics/secret"); resp.StatusCode != 200 {
				t.Errorf("a new session after enabling = %d", resp.StatusCode)
			}
			// A password reset ends the sessions too, and revokes the
			// user's API tokens (another user's stay).
			token, sum, _ := auth.NewAPIToken()
			if err := st.AddToken(context.Background(), userIDNum(t, st, "board"), "script", sum); err != nil {
				t.Fatal(err)
			}
			other, otherSum, _ := auth.NewAPIToken()
			if err := st.AddToken(context.Background(), userIDNum(t, st, "root"), "admin's", otherSum); err != nil {
				t.Fatal(err)
			}
			bearer := func(tok string) int {
				req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/metrics/secret/series", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, _ := newClient(t, ts).do(req)
				return resp.StatusCode
			}
			if s := bearer(token); s != http.StatusOK {
				t.Fatalf("the token before the reset = %d", s)
			}
			pw := "board's new passphrase"
			if resp, _ := admin.adminPost("/admin/users/"+boardID+"/password", url.Values{"password": {pw}, "password_again": {pw}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("reset = %d", resp.StatusCode)
			}
			if resp, _ := board.get("/metrics/secret"); resp.StatusCode != 404 {
				t.Errorf("a session outlived a password reset: %d", resp.StatusCode)
			}
			if s := bearer(token); s != http.StatusUnauthorized {
				t.Errorf("board's API token after the reset = %d, want 401", s)
			}
			if s := bearer(other); s != http.StatusOK {
				t.Errorf("another user's token after board's reset = %d, want 200", s)
			}
			if !audited(t, st, metrics.AuditPasswordReset, "1 API token(s) revoked") {
				t.Errorf("the revoked tokens are not audited")
			}
			if !audited(t, st, metrics.AuditPasswordReset, "board") {
				t.Errorf("the reset is not audited")
			}
			if resp := board.login("board", pw); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("signing in with the reset password = %d", resp.StatusCode)
			}
			// And a role change takes effect at the next request.
			if resp, _ := admin.adminPost("/admin/users/"+boardID+"/role", url.Values{"role": {"analyst"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("role = %d", resp.StatusCode)
			}
			if _, body := board.get("/catalogue"); !strings.Contains(body, "Signed in as board (analyst)") {
				t.Errorf("the role change did not reach the signed-in user")
			}
			if !audited(t, st, metrics.AuditRoleChanged, "board: board → analyst") {
				t.Errorf("the role change is not audited")
			}
		})
	}
}

func TestTheLastAdministratorStays(t *testing.T) {
	ts, st, admin := adminServer(t, "sqlite")
	rootID := userID(t, st, "root")
	for _, p := range []string{"/admin/users/" + rootID + "/disable", "/admin/users/" + rootID + "/role"} {
		resp, body := admin.adminPost(p, url.Values{"role": {"board"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "root is the only active administrator") {
			t.Errorf("POST %s by the last administrator = %d", p, resp.StatusCode)
		}
	}
	if resp, _ := admin.get("/admin"); resp.StatusCode != 200 {
		t.Fatalf("the administrator lost access: %d", resp.StatusCode)
	}
	// With a second administrator, the first may step down, and leaves
	// the admin pages.
	addUser(t, st, "deputy", metrics.RoleAdmin, adminPassword)
	resp, _ := admin.adminPost("/admin/users/"+rootID+"/role", url.Values{"role": {"board"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("stepping down = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := admin.get("/admin"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("after stepping down, /admin = %d", resp.StatusCode)
	}
	deputy := newClient(t, ts)
	deputy.login("deputy", adminPassword)
	deputyID := userID(t, st, "deputy")
	token := deputy.csrf("/admin")
	if resp, body := deputy.post("/admin/users/"+deputyID+"/disable", url.Values{"_csrf": {token}}, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("the last administrator disabling themselves = %d: %s", resp.StatusCode, body)
	}
}

func TestTokenIssuedOnTheWeb(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st, admin := adminServer(t, d)
			boardID := userID(t, st, "board")
			resp, body := admin.adminPost("/admin/users/"+boardID+"/tokens", url.Values{"name": {"reporting"}})
			if resp.StatusCode != 200 {
				t.Fatalf("issue = %d", resp.StatusCode)
			}
			token := shownSecret(t, body)
			if !strings.HasPrefix(token, "assure_") || !audited(t, st, metrics.AuditTokenAdded, "board: reporting") {
				t.Errorf("token %q, or not audited", token)
			}
			bearer := func() (*http.Response, string) {
				req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/metrics", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				return newClient(t, ts).do(req)
			}
			if resp, body := bearer(); resp.StatusCode != 200 || !strings.Contains(body, `"secret"`) {
				t.Fatalf("the token on /api/v1/metrics = %d", resp.StatusCode)
			}
			_, page := admin.get("/admin")
			if !strings.Contains(page, "reporting") || strings.Contains(page, token) {
				t.Errorf("/admin should list the token by name, never show it")
			}
			tokens, err := st.ListTokens(context.Background())
			if err != nil || len(tokens) != 1 || tokens[0].LastUsed.IsZero() {
				t.Fatalf("tokens = %+v %v, want one, used", tokens, err)
			}
			resp, _ = admin.adminPost("/admin/tokens/"+strconvFormat(tokens[0].ID)+"/revoke", url.Values{"back": {"user"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/users/"+boardID {
				t.Fatalf("revoke = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp, body := bearer(); resp.StatusCode != 401 || strings.Contains(body, `"secret"`) {
				t.Errorf("a revoked token = %d", resp.StatusCode)
			}
			if !audited(t, st, metrics.AuditTokenRevoked, "board: reporting") {
				t.Errorf("revoking is not audited")
			}
		})
	}
}

// Two servers over one database count the same failed sign-ins.
func TestThrottleSharedByServers(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			st := storetest.Open(t, d)
			var servers []*httptest.Server
			for range 2 {
				srv, err := New(Config{Store: st, Version: "test"})
				if err != nil {
					t.Fatal(err)
				}
				ts := httptest.NewServer(srv)
				t.Cleanup(ts.Close)
				servers = append(servers, ts)
			}
			addUser(t, st, "board", metrics.RoleBoard, boardPassword)
			a, b := newClient(t, servers[0]), newClient(t, servers[1])
			for i := range auth.FailedPerUser {
				c := a
				if i%2 == 1 {
					c = b
				}
				if resp := c.login("board", "wrong password!"); resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("failure %d = %d", i, resp.StatusCode)
				}
			}
			for _, c := range []*client{a, b} {
				if resp := c.login("board", boardPassword); resp.StatusCode != http.StatusTooManyRequests {
					t.Errorf("after %d failures spread over two servers: %d, want 429", auth.FailedPerUser, resp.StatusCode)
				}
			}
		})
	}
}
