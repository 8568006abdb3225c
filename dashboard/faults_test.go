package dashboard

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// TestHealthzWhileTheDatabaseIsAway takes PostgreSQL away from a running
// server and gives it back: /healthz answers 503 meanwhile and 200 again
// after, without restarting Assure.
func TestHealthzWhileTheDatabaseIsAway(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	u, _ := url.Parse(dsn)
	proxy := storetest.NewProxy(t, u.Host)
	st, err := store.Open(context.Background(), proxy.DSN(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := New(Config{Store: st, Ingester: ingest.New(st, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, srv, "/healthz"); resp.StatusCode != 200 {
		t.Fatalf("healthz = %d before", resp.StatusCode)
	}
	proxy.Down()
	if resp, body := get(t, srv, "/healthz"); resp.StatusCode != 503 {
		t.Errorf("healthz while the database is away = %d %s, want 503", resp.StatusCode, body)
	}
	// Pages fail cleanly, not with a panic or a half-written page.
	if resp, _ := get(t, srv, "/"); resp.StatusCode != 500 && resp.StatusCode != 503 {
		t.Errorf("overview while the database is away = %d", resp.StatusCode)
	}
	proxy.Up()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, _ := get(t, srv, "/healthz")
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz = %d after the database came back", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
