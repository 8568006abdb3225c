package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// sharedServers starts n servers, each with a Store of its own on one
// database, as n machines behind a load balancer would be.
func sharedServers(t *testing.T, dialect string, n int, cfg Config) ([]*httptest.Server, []*Server, *store.Store) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "shared.db")
	if dialect == store.Postgres {
		dsn = storetest.PostgresDSN(t)
	}
	var (
		tss  []*httptest.Server
		srvs []*Server
		st0  *store.Store
	)
	for range n {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if st0 == nil {
			st0 = st
		}
		c := cfg
		c.Store, c.Version = st, "test"
		srv, err := New(c)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		tss, srvs = append(tss, ts), append(srvs, srv)
	}
	return tss, srvs, st0
}

// burst sends every request at the same moment, each from its own
// client (with its CSRF token fetched first), and counts the statuses.
func burst(t *testing.T, clients []*client, path string, forms []url.Values) map[int]int {
	t.Helper()
	reqs := make([]*http.Request, len(clients))
	for i, c := range clients {
		f := forms[i]
		f.Set("_csrf", c.csrf("/login"))
		req, _ := http.NewRequest(http.MethodPost, c.base+path, stringsReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		reqs[i] = req
	}
	var (
		mu     sync.Mutex
		counts = map[int]int{}
		wg     sync.WaitGroup
		start  = make(chan struct{})
	)
	for i, c := range clients {
		wg.Go(func() {
			<-start
			resp, err := c.http.Do(reqs[i])
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				counts[0]++
				return
			}
			resp.Body.Close()
			counts[resp.StatusCode]++
		})
	}
	close(start)
	wg.Wait()
	return counts
}

func failedSignIns(t *testing.T, st *store.Store) int {
	t.Helper()
	log, err := st.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == metrics.AuditLoginFailed {
			n++
		}
	}
	return n
}

// Forty wrong passwords for one user sent at the same moment, spread
// over two servers on one database: five are checked, thirty-five
// refused before any password is checked.
func TestConcurrentSignInsCannotRaceTheLimit(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			tss, _, st := sharedServers(t, d, 2, Config{})
			addUser(t, st, "board", metrics.RoleBoard, boardPassword)
			const n = 40
			clients := make([]*client, n)
			forms := make([]url.Values, n)
			for i := range clients {
				clients[i] = newClient(t, tss[i%2])
				forms[i] = url.Values{"name": {"board"}, "password": {"wrong password, guess " + strconv.Itoa(i)}}
			}
			counts := burst(t, clients, "/login", forms)
			if counts[http.StatusUnauthorized] != auth.FailedPerUser || counts[http.StatusTooManyRequests] != n-auth.FailedPerUser {
				t.Errorf("statuses %v, want %d checked (401) and %d refused (429)", counts, auth.FailedPerUser, n-auth.FailedPerUser)
			}
			if got := failedSignIns(t, st); got != auth.FailedPerUser {
				t.Errorf("%d failed sign-ins were checked and audited, want %d", got, auth.FailedPerUser)
			}
		})
	}
}

// The same for the current password asked for on /account/password: a
// stolen session cannot guess it faster by asking at once.
func TestConcurrentPasswordChangesCannotRaceTheLimit(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			tss, _, st := sharedServers(t, d, 2, Config{})
			addUser(t, st, "board", metrics.RoleBoard, boardPassword)
			const n = 40
			// One session, as a thief would have, used from many
			// connections to both servers.
			owner := newClient(t, tss[0])
			if resp := owner.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in = %d", resp.StatusCode)
			}
			clients := make([]*client, n)
			forms := make([]url.Values, n)
			for i := range clients {
				c := newClient(t, tss[i%2])
				base, _ := url.Parse(tss[i%2].URL)
				c.http.Jar.SetCookies(base, owner.http.Jar.Cookies(&url.URL{Scheme: "http", Host: mustHost(t, tss[0].URL)}))
				clients[i] = c
				forms[i] = url.Values{"current": {"wrong current " + strconv.Itoa(i)}, "password": {"a fresh passphrase for board"},
					"password_again": {"a fresh passphrase for board"}}
			}
			counts := burst(t, clients, "/account/password", forms)
			if counts[http.StatusUnauthorized] != auth.FailedPerDevice || counts[http.StatusTooManyRequests] != n-auth.FailedPerDevice {
				t.Errorf("statuses %v, want %d checked (401) and %d refused (429)", counts, auth.FailedPerDevice, n-auth.FailedPerDevice)
			}
		})
	}
}

func mustHost(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// A burst of sign-ins computes at most ParallelPasswordChecks argon2id
// hashes (19 MiB each) at once; the rest wait, and every one is
// answered.
func TestPasswordHashingIsBounded(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			tss, srvs, st := sharedServers(t, d, 1, Config{ParallelPasswordChecks: 2})
			// Fewer than the address's free attempts: every one is checked.
			const n = auth.FailedPerIP - 2
			clients := make([]*client, n)
			forms := make([]url.Values, n)
			hash, err := auth.HashPassword(boardPassword, "")
			if err != nil {
				t.Fatal(err)
			}
			for i := range clients {
				name := fmt.Sprintf("user%02d", i)
				if _, err := st.CreateUser(context.Background(), name, metrics.RoleBoard, hash); err != nil {
					t.Fatal(err)
				}
				clients[i] = newClient(t, tss[0])
				pw := boardPassword
				if i%2 == 1 {
					pw = "not the password at all"
				}
				forms[i] = url.Values{"name": {name}, "password": {pw}}
			}
			counts := burst(t, clients, "/login", forms)
			if counts[http.StatusSeeOther] != n/2 || counts[http.StatusUnauthorized] != n/2 {
				t.Errorf("statuses %v, want %d signed in and %d refused", counts, n/2, n/2)
			}
			if peak := srvs[0].hashing.Peak(); peak > 2 || peak < 1 {
				t.Errorf("%d password hashes at once, want at most 2", peak)
			}
		})
	}
}

// The sign-in page of a server with a fake clock.
func clockedServer(t *testing.T, dialect string, cfg Config) (*httptest.Server, *store.Store, *time.Time) {
	t.Helper()
	st := storetest.Open(t, dialect)
	now := time.Date(2022, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st.Now = clock
	cfg.Store, cfg.Version, cfg.Now = st, "test", clock
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, st, &now
}

func retryAfter(t *testing.T, resp *http.Response) time.Duration {
	t.Helper()
	s, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil {
		t.Fatalf("%d without a Retry-After: %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	return time.Duration(s) * time.Second
}

// Strangers failing against a user's name, from the user's own address
// (all of them behind one proxy, say), never hold back a browser the
// user has signed in with; a browser that has not is made to wait, a
// wait that doubles up to fifteen minutes and no more, after which it
// gets its attempt: a back-off, not a ban.
func TestStrangersCannotLockAUserOut(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) { strangersCannotLockAUserOut(t, d) })
	}
}

func strangersCannotLockAUserOut(t *testing.T, dialect string) {
	ts, st, now := clockedServer(t, dialect, Config{})
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	addUser(t, st, "ana", metrics.RoleAnalyst, analystPassword)
	// Both users have signed in from their browsers before.
	mine, anas := newClient(t, ts), newClient(t, ts)
	for _, s := range []struct {
		c          *client
		name, pass string
	}{{mine, "board", boardPassword}, {anas, "ana", analystPassword}} {
		if resp := s.c.login(s.name, s.pass); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s signs in = %d", s.name, resp.StatusCode)
		}
		s.c.post("/logout", url.Values{"_csrf": {s.c.csrf("/")}}, nil)
	}
	// Strangers, from the same address, fail against board whenever
	// they may, and against many other names, for hours.
	stranger := newClient(t, ts)
	longest := time.Duration(0)
	for round := range 8 {
		for i := range 25 {
			resp := stranger.login("board", "guess "+strconv.Itoa(round*100+i))
			if resp.StatusCode == http.StatusTooManyRequests {
				if w := retryAfter(t, resp); w > longest {
					longest = w
				}
				break
			}
			stranger.login("nobody"+strconv.Itoa(round*100+i), "guess")
		}
		// Meanwhile, the users' own browsers sign in at once.
		for _, s := range []struct {
			c          *client
			name, pass string
		}{{mine, "board", boardPassword}, {anas, "ana", analystPassword}} {
			if resp := s.c.login(s.name, s.pass); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("round %d: %s's own browser = %d, want to sign in", round, s.name, resp.StatusCode)
			}
			s.c.post("/logout", url.Values{"_csrf": {s.c.csrf("/")}}, nil)
		}
		*now = now.Add(longest)
	}
	if longest != auth.BackoffMax {
		t.Errorf("the longest wait was %v, want it to grow to %v and stop there", longest, auth.BackoffMax)
	}
	// A new browser waits its turn, and then gets it.
	fresh := newClient(t, ts)
	resp := fresh.login("board", boardPassword)
	if resp.StatusCode == http.StatusTooManyRequests {
		w := retryAfter(t, resp)
		if w > auth.BackoffMax {
			t.Errorf("a new browser must wait %v, longer than %v", w, auth.BackoffMax)
		}
		*now = now.Add(w)
		resp = fresh.login("board", boardPassword)
	}
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a new browser after its wait = %d, want to sign in", resp.StatusCode)
	}
}

// A recognised browser is limited too: a stolen device cookie does not
// buy unlimited guesses.
func TestARecognisedBrowserIsThrottled(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st, _ := clockedServer(t, d, Config{})
			addUser(t, st, "board", metrics.RoleBoard, boardPassword)
			c := newClient(t, ts)
			c.login("board", boardPassword)
			c.post("/logout", url.Values{"_csrf": {c.csrf("/")}}, nil)
			for i := range auth.FailedPerDevice {
				if resp := c.login("board", "wrong "+strconv.Itoa(i)); resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("failure %d = %d", i, resp.StatusCode)
				}
			}
			if resp := c.login("board", boardPassword); resp.StatusCode != http.StatusTooManyRequests {
				t.Errorf("after %d failures from a recognised browser = %d, want 429", auth.FailedPerDevice, resp.StatusCode)
			}
		})
	}
}

// Behind trusted proxies, the client's address is the last one in
// X-Forwarded-For that no trusted proxy holds: each client behind the
// proxy has its own limit, and what a client writes into the header
// itself is never believed.
func TestTrustedProxies(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			tss, _, st := sharedServers(t, d, 1, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
			ts := tss[0]
			fromClient := func(xff string) http.Header { return http.Header{"X-Forwarded-For": {xff}} }
			c := newClient(t, ts)
			guess := func(name, xff string) int {
				resp, _ := c.post("/login", url.Values{"name": {name}, "password": {"guess"}, "_csrf": {c.csrf("/login")}}, fromClient(xff))
				return resp.StatusCode
			}
			for i := range auth.FailedPerIP {
				// The client forges an address of its own to the left.
				if s := guess("nobody"+strconv.Itoa(i), "198.51.100."+strconv.Itoa(i)+", 203.0.113.7"); s != http.StatusUnauthorized {
					t.Fatalf("failure %d = %d", i, s)
				}
			}
			if n, _, _ := st.LoginAttempts(context.Background(), "ip:203.0.113.7"); n != auth.FailedPerIP {
				t.Errorf("203.0.113.7 has %d attempts, want %d", n, auth.FailedPerIP)
			}
			if s := guess("someone", "203.0.113.7"); s != http.StatusTooManyRequests {
				t.Errorf("the %dth failure from 203.0.113.7 = %d, want 429", auth.FailedPerIP+1, s)
			}
			if s := guess("someone", "192.0.2.1, 203.0.113.7"); s != http.StatusTooManyRequests {
				t.Errorf("203.0.113.7 posing as 192.0.2.1 = %d, want 429", s)
			}
			// Another client behind the same proxy is checked as ever.
			if s := guess("someone", "203.0.113.8"); s != http.StatusUnauthorized {
				t.Errorf("another client behind the proxy = %d, want 401", s)
			}
			entries, _ := st.AuditLog(context.Background(), 1)
			if len(entries) != 1 || entries[0].IP != "203.0.113.8" {
				t.Errorf("the audit log records %+v, want the client's address 203.0.113.8", entries)
			}
		})
	}
}

// Without trusted proxies, X-Forwarded-For is not believed at all.
func TestForwardedForIsIgnoredWithoutTrustedProxies(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := authServer(t, d)
			c := newClient(t, ts)
			c.post("/login", url.Values{"name": {"nobody"}, "password": {"guess"}, "_csrf": {c.csrf("/login")}}, http.Header{"X-Forwarded-For": {"203.0.113.7"}})
			if n, _, _ := st.LoginAttempts(context.Background(), "ip:127.0.0.1"); n != 1 {
				t.Errorf("the peer 127.0.0.1 has %d attempts, want 1", n)
			}
			if n, _, _ := st.LoginAttempts(context.Background(), "ip:203.0.113.7"); n != 0 {
				t.Errorf("the forged address has %d attempts, want 0", n)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{"", nil, false},
		{"10.0.0.5", []string{"10.0.0.5/32"}, false},
		{"10.1.2.3/16, 10.0.0.5 ,", []string{"10.1.0.0/16", "10.0.0.5/32"}, false},
		{"2001:db8::1", []string{"2001:db8::1/128"}, false},
		{"::ffff:10.0.0.5", []string{"10.0.0.5/32"}, false},
		{"10.0.0.5/33", nil, true},
		{"proxy.example", nil, true},
	} {
		got, err := ParseTrustedProxies(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("ParseTrustedProxies(%q) error %v, want error %t", tc.in, err, tc.bad)
			continue
		}
		var gs []string
		for _, p := range got {
			gs = append(gs, p.String())
		}
		if fmt.Sprint(gs) != fmt.Sprint(tc.want) {
			t.Errorf("ParseTrustedProxies(%q) = %v, want %v", tc.in, gs, tc.want)
		}
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
