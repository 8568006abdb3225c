package dashboard

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
)

func TestViewCache(t *testing.T) {
	ctx := context.Background()
	vc := newViewCache(2)
	version := "v1"
	versionOf := func(context.Context) (string, error) { return version, nil }
	var computed atomic.Int64
	get := func(key string) string {
		t.Helper()
		v, err := vc.get(ctx, versionOf, key, func() (any, error) {
			computed.Add(1)
			return key + "@" + version, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.(string)
	}
	steps := []struct {
		what, key, version, want string
		computed                 int64
	}{
		{"first read computes", "a", "v1", "a@v1", 1},
		{"second read at the same version is kept", "a", "v1", "a@v1", 1},
		{"another key computes", "b", "v1", "b@v1", 2},
		{"a new version recomputes", "a", "v2", "a@v2", 3},
		{"and is then kept", "a", "v2", "a@v2", 3},
		{"a third key evicts the oldest (b)", "c", "v2", "c@v2", 4},
		{"so b computes again", "b", "v2", "b@v2", 5},
	}
	for _, s := range steps {
		version = s.version
		if got := get(s.key); got != s.want || computed.Load() != s.computed {
			t.Errorf("%s: got %q after %d computations, want %q after %d", s.what, got, computed.Load(), s.want, s.computed)
		}
	}
	if len(vc.entries) > 2 || len(vc.order) > 2 {
		t.Errorf("the cache holds %d entries (%d in order), want at most 2", len(vc.entries), len(vc.order))
	}

	// Concurrent misses compute once.
	version = "v3"
	computed.Store(0)
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vc.get(ctx, versionOf, "slow", func() (any, error) {
				computed.Add(1)
				<-release
				return "slow", nil
			})
		}()
	}
	for computed.Load() == 0 {
		// wait for the first computation to start
	}
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("20 concurrent misses computed %d times, want 1", n)
	}

	// An error is not kept.
	failing := true
	for i := 0; i < 2; i++ {
		_, err := vc.get(ctx, versionOf, "err", func() (any, error) {
			if failing {
				failing = false
				return nil, fmt.Errorf("database down")
			}
			return "ok", nil
		})
		if (i == 0) != (err != nil) {
			t.Errorf("read %d: err = %v", i, err)
		}
	}
}

// The overview and board pack show a new upload at once: the cache never
// serves figures older than the database's.
func TestOverviewShowsANewUploadAtOnce(t *testing.T) {
	ts, st := authServer(t, "sqlite")
	c := newClient(t, ts)
	c.login("board", boardPassword)
	for _, page := range []string{"/", "/boardpack?meeting=2030-01-01"} {
		if _, body := c.get(page); strings.Contains(body, "Freshly loaded measure") {
			t.Fatalf("%s shows the measure before it is loaded", page)
		}
	}
	content := ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
			{"fresh", "Freshly loaded measure", "calls", "up", nil, "open", "Demand"},
		}},
		ingesttest.Sheet{Name: "Data", Rows: [][]any{
			{"Metric", "Area", "Period", "Value"},
			{"fresh", "North", "2021-10", 12},
		}},
	)
	in := ingest.New(st, nil)
	in.Package.MaxFileBytes = defaultTestLimit
	if rep, err := in.Ingest(context.Background(), "fresh.xlsx", content, ingest.Options{}); err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep)
	}
	for _, page := range []string{"/", "/boardpack?meeting=2030-01-01"} {
		if _, body := c.get(page); !strings.Contains(body, "Freshly loaded measure") {
			t.Errorf("%s does not show the measure loaded after it was first read", page)
		}
	}
}
