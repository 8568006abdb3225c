package dashboard

import (
	"context"
	"fmt"
	"github.com/assure-pcc/assure/metrics/store/storetest"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
)

func TestViewCache(t *testing.T) {
	ctx := context.Background()
	vc := newViewCache(2, slog.New(slog.DiscardHandler))
	var version atomic.Value
	version.Store("v1")
	versionOf := func(context.Context) (string, error) { return version.Load().(string), nil }
	var computed atomic.Int64
	get := func(key string) (string, bool) {
		t.Helper()
		v, fresh, err := vc.get(ctx, versionOf, key, func() (any, error) {
			computed.Add(1)
			return key + "@" + version.Load().(string), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.(string), fresh
	}
	// settle waits for background computations to finish.
	settle := func(key, want string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			vc.mu.Lock()
			e := vc.entries[key]
			vc.mu.Unlock()
			if e.value == want {
				return
			}
		}
		t.Fatalf("the view %q never became %q", key, want)
	}
	steps := []struct {
		what, key, version, want string
		fresh                    bool
		computed                 int64
	}{
		{"first read computes, and waits for it", "a", "v1", "a@v1", true, 1},
		{"second read at the same version is kept", "a", "v1", "a@v1", true, 1},
		{"another key computes", "b", "v1", "b@v1", true, 2},
		{"a new version gives the old view, stale, and computes the new", "a", "v2", "a@v1", false, 3},
		{"which is then kept", "a", "v2", "a@v2", true, 3},
		{"a third key evicts the oldest (b)", "c", "v2", "c@v2", true, 4},
		{"so b computes again, and waits: nothing stale is left", "b", "v2", "b@v2", true, 5},
	}
	for _, s := range steps {
		version.Store(s.version)
		got, fresh := get(s.key)
		settle(s.key, s.key+"@"+s.version)
		if got != s.want || fresh != s.fresh || computed.Load() != s.computed {
			t.Errorf("%s: got %q (fresh %t) after %d computations, want %q (fresh %t) after %d",
				s.what, got, fresh, computed.Load(), s.want, s.fresh, s.computed)
		}
	}
	if len(vc.entries) > 2 || len(vc.order) > 2 {
		t.Errorf("the cache holds %d entries (%d in order), want at most 2", len(vc.entries), len(vc.order))
	}

	// Concurrent misses compute once.
	version.Store("v3")
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
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("20 concurrent misses computed %d times, want 1", n)
	}

	// An error is not kept.
	failing := true
	for i := 0; i < 2; i++ {
		_, _, err := vc.get(ctx, versionOf, "err", func() (any, error) {
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

	// A reader that gives up does not wait on a first computation.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := vc.get(cctx, versionOf, "never", func() (any, error) { <-make(chan struct{}); return nil, nil }); err == nil {
		t.Error("a cancelled request waiting on a first computation got no error")
	}
}

// After an upload the overview and board pack say new figures are being
// analysed until they are, then show them; publishing waits for them.
func TestOverviewShowsANewUploadOnceAnalysed(t *testing.T) {
	ts, st := authServer(t, "sqlite")
	c := newClient(t, ts)
	c.login("board", boardPassword)
	pages := []string{"/", "/boardpack?meeting=2030-01-01"}
	for _, page := range pages {
		if _, body := c.get(page); strings.Contains(body, "Freshly loaded measure") || strings.Contains(body, "being analysed") {
			t.Fatalf("%s shows the measure, or says it is being analysed, before it is loaded", page)
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
	storetest.ApproveAll(t, st)
	for _, page := range pages {
		_, body := c.get(page)
		if !strings.Contains(body, "Freshly loaded measure") && !strings.Contains(body, "being analysed") {
			t.Errorf("%s neither shows the new measure nor says new figures are being analysed", page)
		}
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(body, "Freshly loaded measure"); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s still does not show the measure loaded after it was first read", page)
			}
			_, body = c.get(page)
		}
		if strings.Contains(body, "being analysed") {
			t.Errorf("%s shows the new measure and still says it is being analysed", page)
		}
	}
}

// getAnalysed reads a page built from the figures once it no longer says
// that new figures are being analysed (see viewCache).
func (c *client) getAnalysed(path string) string {
	c.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, body := c.get(path)
		if !strings.Contains(body, "being analysed") {
			return body
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s still says new figures are being analysed after 10 s", path)
		}
	}
}

// Views of different keys are computed one at a time: each reads every
// current value, and several at once would hold several copies.
func TestViewsAreComputedOneAtATime(t *testing.T) {
	ctx := context.Background()
	vc := newViewCache(8, slog.New(slog.DiscardHandler))
	versionOf := func(context.Context) (string, error) { return "v1", nil }
	var running, most atomic.Int64
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := vc.get(ctx, versionOf, fmt.Sprintf("view-%d", i), func() (any, error) {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(20 * time.Millisecond)
				running.Add(-1)
				return i, nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m := most.Load(); m != 1 {
		t.Errorf("%d views were computed at once, want 1", m)
	}
}

// TestWarmComputesTheFirstViews: after Warm, the overviews and today's
// board pack are served without computing them.
func TestWarmComputesTheFirstViews(t *testing.T) {
	srv, _ := testServer(t, "sqlite")
	srv.Warm(context.Background())
	srv.views.mu.Lock()
	var keys []string
	for k := range srv.views.entries {
		keys = append(keys, k)
	}
	srv.views.mu.Unlock()
	want := fmt.Sprintf("boardpack/true/%s", meetingDay(time.Now()).Format(time.DateOnly))
	if !slices.Contains(keys, want) || len(keys) < 3 {
		t.Errorf("views after Warm = %v, want both overviews and %s", keys, want)
	}
}
