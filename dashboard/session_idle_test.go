package dashboard

import (
	"context"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// fakeClock is a settable clock for the server's idea of now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// countingSessions counts the session writes the server makes.
type countingSessions struct {
	*store.Sessions
	commits atomic.Int64
}

func (c *countingSessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	c.commits.Add(1)
	return c.Sessions.CommitCtx(ctx, token, b, expiry)
}

// A signed-in reader's requests do not each rewrite the session (which
// on SQLite would queue every page behind an upload's write), yet the
// idle timeout still signs them out.
func TestSessionsAreWrittenRarelyAndStillTimeOut(t *testing.T) {
	srv, st := testServer(t, "sqlite")
	clock := &fakeClock{t: time.Now()}
	srv.now = clock.now
	sessions := &countingSessions{Sessions: st.Sessions()}
	srv.sessions.Store = sessions
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	c := newClient(t, ts)
	c.login("board", boardPassword)
	if n := sessions.commits.Load(); n == 0 {
		t.Fatal("signing in stored no session")
	}

	start := sessions.commits.Load()
	for i := 0; i < 5; i++ {
		clock.advance(30 * time.Second)
		if resp, _ := c.get("/metrics/secret"); resp.StatusCode != 200 {
			t.Fatalf("request %d signed in: %d, want 200", i, resp.StatusCode)
		}
	}
	if n := sessions.commits.Load() - start; n != 0 {
		t.Errorf("5 pages read within %s wrote the session %d times, want 0", auth.SessionTouch, n)
	}

	clock.advance(auth.SessionTouch)
	c.get("/metrics/secret")
	if n := sessions.commits.Load() - start; n != 1 {
		t.Errorf("a request after %s wrote the session %d times, want 1 (to renew its last-seen stamp)", auth.SessionTouch, n)
	}

	clock.advance(auth.SessionIdle + time.Minute)
	if resp, _ := c.get("/metrics/secret"); resp.StatusCode != 404 {
		t.Errorf("after %s idle: %d, want 404 (signed out)", auth.SessionIdle, resp.StatusCode)
	}
	if resp, _ := c.get("/metrics/secret"); resp.StatusCode != 404 {
		t.Errorf("the request after the idle sign-out: %d, want 404", resp.StatusCode)
	}
}
