package dashboard

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// A long non-ASCII passphrase: bcrypt would cut it at 72 bytes.
const boardPassword = "correct horse battery staple — ünïcödé passphrase longer than seventy-two bytes in UTF-8"

func addUser(t *testing.T, st *store.Store, name string, role metrics.Role, password string) metrics.User {
	t.Helper()
	hash, err := auth.HashPassword(password, name)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(context.Background(), name, role, hash)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// client is a browser-like client: a cookie jar, no redirects followed.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, ts *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: ts.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values, header http.Header) (*http.Response, string) {
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return c.do(req)
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf fetches a page and returns the token its forms carry.
func (c *client) csrf(path string) string {
	c.t.Helper()
	_, body := c.get(path)
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

func (c *client) login(name, password string) *http.Response {
	c.t.Helper()
	resp, _ := c.post("/login", url.Values{"name": {name}, "password": {password}, "_csrf": {c.csrf("/login")}, "next": {"/"}}, nil)
	return resp
}

func authServer(t *testing.T, dialect string) (*httptest.Server, *store.Store) {
	t.Helper()
	srv, st := testServer(t, dialect)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	return ts, st
}

func TestSignInShowsSensitiveAndSignOutHidesIt(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := authServer(t, d)
			c := newClient(t, ts)
			if resp, _ := c.get("/metrics/secret"); resp.StatusCode != 404 {
				t.Fatalf("public: /metrics/secret = %d, want 404", resp.StatusCode)
			}
			resp := c.login("board", boardPassword)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
				t.Fatalf("login = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			var session *http.Cookie
			for _, ck := range resp.Cookies() {
				if ck.Name == auth.SessionCookie {
					session = ck
				}
			}
			if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie = %+v, want HttpOnly and SameSite=Lax", session)
			}
			resp, body := c.get("/metrics/secret")
			if resp.StatusCode != 200 || !strings.Contains(body, "987,654") || !strings.Contains(body, "OFFICIAL-SENSITIVE") {
				t.Errorf("signed in: /metrics/secret = %d, marking and value present: %t %t", resp.StatusCode,
					strings.Contains(body, "OFFICIAL-SENSITIVE"), strings.Contains(body, "987,654"))
			}
			if _, body := c.get("/api/v1/metrics"); !strings.Contains(body, `"secret"`) {
				t.Errorf("signed in: the API should list the sensitive metric")
			}
			token := c.csrf("/")
			if resp, _ := c.post("/logout", url.Values{"_csrf": {token}}, nil); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("logout = %d", resp.StatusCode)
			}
			if resp, _ := c.get("/metrics/secret"); resp.StatusCode != 404 {
				t.Errorf("after sign-out: /metrics/secret = %d, want 404", resp.StatusCode)
			}
		})
	}
}

func TestFormsWithoutTheCSRFTokenAreRefused(t *testing.T) {
	ts, _ := authServer(t, "sqlite")
	c := newClient(t, ts)
	c.get("/login") // gets the CSRF cookie, but the form below omits the token
	resp, body := c.post("/login", url.Values{"name": {"board"}, "password": {boardPassword}}, nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "expired") {
		t.Errorf("login without a token = %d", resp.StatusCode)
	}
	resp, _ = c.post("/login", url.Values{"name": {"board"}, "password": {boardPassword}, "_csrf": {"forged"}}, nil)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login with a forged token = %d", resp.StatusCode)
	}
	// A cross-site form post is refused whatever it carries.
	token := c.csrf("/login")
	resp, _ = c.post("/login", url.Values{"name": {"board"}, "password": {boardPassword}, "_csrf": {token}},
		http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site login = %d, want 403", resp.StatusCode)
	}
}

func TestFailedSignInsAreThrottled(t *testing.T) {
	ts, st := authServer(t, "sqlite")
	c := newClient(t, ts)
	for i := 0; i < auth.FailedPerUser; i++ {
		if resp := c.login("board", "wrong password!"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i, resp.StatusCode)
		}
	}
	if resp := c.login("board", boardPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right password after %d failures = %d, want 429", auth.FailedPerUser, resp.StatusCode)
	}
	// Rotating X-Forwarded-For does not escape the per-address limit:
	// only the direct peer's address counts.
	c2 := newClient(t, ts)
	var last int
	for i := 0; i < auth.FailedPerIP+1; i++ {
		token := c2.csrf("/login")
		resp, _ := c2.post("/login", url.Values{"name": {"nobody" + string(rune('a'+i))}, "password": {"x"}, "_csrf": {token}},
			http.Header{"X-Forwarded-For": {"10.0.0." + string(rune('0'+i%10))}})
		last = resp.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("after %d failures from one address with rotating X-Forwarded-For: %d, want 429", auth.FailedPerIP+1, last)
	}
	log, err := st.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, e := range log {
		if e.Action == metrics.AuditLoginFailed {
			failed++
		}
	}
	if failed < auth.FailedPerUser {
		t.Errorf("audit log has %d failed sign-ins, want at least %d", failed, auth.FailedPerUser)
	}
}

func TestDisablingAUserEndsTheirSession(t *testing.T) {
	ts, st := authServer(t, "sqlite")
	c := newClient(t, ts)
	c.login("board", boardPassword)
	if resp, _ := c.get("/metrics/secret"); resp.StatusCode != 200 {
		t.Fatalf("signed in: %d", resp.StatusCode)
	}
	if err := st.DisableUser(context.Background(), "board"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := c.get("/metrics/secret"); resp.StatusCode != 404 {
		t.Errorf("after disabling: %d, want 404", resp.StatusCode)
	}
	if resp := c.login("board", boardPassword); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled user signing in = %d, want 401", resp.StatusCode)
	}
}

func TestBearerTokens(t *testing.T) {
	ts, st := authServer(t, "sqlite")
	u, _, err := st.UserByName(context.Background(), "board")
	if err != nil {
		t.Fatal(err)
	}
	token, sum, err := auth.NewAPIToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddToken(context.Background(), u.ID, "test", sum); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, ts)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/metrics/secret/series", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, body := c.do(req); resp.StatusCode != 200 || !strings.Contains(body, "987654.321") {
		t.Errorf("with a token: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodGet, ts.URL+"/api/v1/metrics", nil)
	req.Header.Set("Authorization", "Bearer assure_not-a-real-token")
	if resp, body := c.do(req); resp.StatusCode != 401 || strings.Contains(body, "secret") {
		t.Errorf("with a bad token: %d", resp.StatusCode)
	}
}

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/metrics/x", "/metrics/x"},
		{"/metrics/x?area=North&baseline=2019#figures", "/metrics/x?area=North&baseline=2019#figures"},
		{"/", "/"},
		{"", "/"},
		{"https://evil.example", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/a\r\nSet-Cookie: x", "/"},
		// Browsers drop tabs and line breaks inside a URL, so each of
		// these is "//host/path" by the time it is followed.
		{"/\t/evil.example/path", "/"},
		{"/\n/evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"/\u0085/evil.example", "/"},
		{"\t//evil.example", "/"},
		{"/metrics\\..\\..\\evil", "/"},
		{"/%09/evil.example", "/%09/evil.example"}, // still encoded: a path on this site
		{"javascript:alert(1)", "/"},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The redirect after sign-in stays on the site whatever next says, as
// sent by a browser (percent-encoded in the query and in the form).
func TestSignInRedirectStaysOnTheSite(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := authServer(t, d)
			for _, next := range []string{"/\t/evil.example/path", "/\\evil.example", "//evil.example", "/\n/evil.example"} {
				c := newClient(t, ts)
				_, body := c.get("/login?next=" + url.QueryEscape(next))
				if !strings.Contains(body, `name="next" value="/"`) {
					t.Errorf("GET /login?next=%q: the form does not carry next=/", next)
				}
				token := c.csrf("/login")
				resp, _ := c.post("/login", url.Values{"name": {"board"}, "password": {boardPassword}, "_csrf": {token}, "next": {next}}, nil)
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
					t.Errorf("sign-in with next=%q = %d to %q, want 303 to /", next, resp.StatusCode, resp.Header.Get("Location"))
				}
			}
		})
	}
}

// A user changing their own password meets the same rules.
func TestAccountPasswordMustBeStrong(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := authServer(t, d)
			c := newClient(t, ts)
			c.login("board", boardPassword)
			for _, pw := range []string{"aaaaaaaaaa", "aaaaaaaaaaaa", "board.board.board", "password1234"} {
				resp, body := c.post("/account/password", url.Values{"_csrf": {c.csrf("/account/password")}, "current": {boardPassword},
					"password": {pw}, "password_again": {pw}}, nil)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "password") {
					t.Errorf("changing to %q = %d, want 400", pw, resp.StatusCode)
				}
			}
			if resp := newClient(t, ts).login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("the old password no longer works: %d", resp.StatusCode)
			}
		})
	}
}
