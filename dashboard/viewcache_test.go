package dashboard

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

func TestViewCache(t *testing.T) {
	ctx := context.Background()
	vc := newViewCache(2, slog.New(slog.DiscardHandler))
	var version atomic.Int64
	version.Store(1)
	versionOf := func(context.Context) (int64, error) { return version.Load(), nil }
	var computed atomic.Int64
	get := func(key string) string {
		t.Helper()
		v, err := vc.get(ctx, versionOf, key, func() (any, error) {
			computed.Add(1)
			return fmt.Sprintf("%s@v%d", key, version.Load()), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.(string)
	}
	steps := []struct {
		what     string
		key      string
		version  int64
		want     string
		computed int64
	}{
		{"first read computes, and waits for it", "a", 1, "a@v1", 1},
		{"second read at the same version is kept", "a", 1, "a@v1", 1},
		{"another key computes", "b", 1, "b@v1", 2},
		{"a new version computes the new view and waits for it: the old is never served", "a", 2, "a@v2", 3},
		{"which is then kept", "a", 2, "a@v2", 3},
		{"a third key evicts the least recently used (b, of the old version)", "c", 2, "c@v2", 4},
		{"so b computes again", "b", 2, "b@v2", 5},
	}
	for _, s := range steps {
		version.Store(s.version)
		got := get(s.key)
		if got != s.want || computed.Load() != s.computed {
			t.Errorf("%s: got %q after %d computations, want %q after %d", s.what, got, computed.Load(), s.want, s.computed)
		}
	}
	if n, _ := vc.kept.Size(); n > 2 {
		t.Errorf("the cache holds %d views, want at most 2", n)
	}
	// A computation of an older version that ends after a newer one's
	// does not replace it.
	vc.kept.Put("b", 1, "b@v1")
	if v, ok := vc.kept.Get("b", 2); !ok || v != "b@v2" {
		t.Errorf("an older view replaced the newer: %v", v)
	}

	// Concurrent misses compute once, and every one of them waits for it.
	version.Store(3)
	computed.Store(0)
	release := make(chan struct{})
	var wg sync.WaitGroup
	var got sync.Map
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _ := vc.get(ctx, versionOf, "slow", func() (any, error) {
				computed.Add(1)
				<-release
				return "slow@v3", nil
			})
			got.Store(i, v)
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("20 concurrent misses computed %d times, want 1", n)
	}
	got.Range(func(k, v any) bool {
		if v != "slow@v3" {
			t.Errorf("reader %v got %v, want the view of version 3", k, v)
		}
		return true
	})

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

	// A reader that gives up does not wait on a computation, nor gets
	// the view of an older version meanwhile.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	version.Store(4)
	if v, err := vc.get(cctx, versionOf, "a", func() (any, error) { <-make(chan struct{}); return nil, nil }); err == nil || v != nil {
		t.Errorf("a cancelled request waiting on a computation got %v, %v", v, err)
	}
}

// After an upload the overview and board pack show it at once: the
// first request after it computes the new analyses and waits for them,
// and none shows those before them.
func TestOverviewShowsANewUploadAtOnce(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := authServer(t, d)
			c := newClient(t, ts)
			c.login("board", boardPassword)
			pages := []string{"/", "/boardpack?meeting=2030-01-01"}
			for _, page := range pages {
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
			storetest.ApproveAll(t, st)
			for _, page := range pages {
				if _, body := c.get(page); !strings.Contains(body, "Freshly loaded measure") {
					t.Errorf("%s does not show the measure loaded before it was read", page)
				}
			}
		})
	}
}

// Views of different keys are computed at most viewsAtOnce at a time:
// several at once hold several views' memory, and the bound keeps a
// burst of them (after an upload) to what the cores can do.
func TestViewsAreComputedAFewAtATime(t *testing.T) {
	ctx := context.Background()
	vc := newViewCache(8, slog.New(slog.DiscardHandler))
	versionOf := func(context.Context) (int64, error) { return 1, nil }
	var running, most atomic.Int64
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := vc.get(ctx, versionOf, fmt.Sprintf("view-%d", i), func() (any, error) {
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
	if m := most.Load(); m != viewsAtOnce {
		t.Errorf("%d views were computed at once, want %d (viewsAtOnce)", m, viewsAtOnce)
	}
}

// TestWarmComputesTheFirstViews: after Warm, the overviews and today's
// board pack are served without computing them.
func TestWarmComputesTheFirstViews(t *testing.T) {
	srv, _ := testServer(t, "sqlite")
	srv.Warm(context.Background())
	keys := srv.views.kept.Keys()
	day := meetingDay(time.Now()).Format(time.DateOnly)
	// Keys go on with the day the figures are judged up to date on.
	for _, want := range []string{"overview/true/" + day, "overview/false/" + day, "boardpack/true/" + day + "/", "boardpack/false/" + day + "/"} {
		if !slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, want) }) {
			t.Errorf("views after Warm = %v, want %s among them", keys, want)
		}
	}
}
