package dashboard

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/sample"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// findBrowser returns a headless-capable Chromium, or "" when none is
// installed. ASSURE_CHROMIUM overrides the search.
func findBrowser() string {
	if p := os.Getenv("ASSURE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless Chromium for the test, with the flags that
// keep it from reaching for the network on its own.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := findBrowser()
	if path == "" && os.Getenv("CI") != "" {
		t.Fatal("no Chromium found, and CI must run the browser tests: .ci/run installs Debian's chromium")
	}
	if path == "" {
		t.Skip("no Chromium found (install Debian's chromium, or set ASSURE_CHROMIUM): browser tests skipped")
	}
	// Not t.TempDir: Chromium may still be writing its profile when the
	// test's own clean-up runs, so the folder is removed after the
	// browser has been closed, retrying briefly.
	profile, err := os.MkdirTemp("", "assure-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTimeout()
		cancel()
		cancelAlloc()
		for i := 0; i < 20; i++ {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// pageWatch records what a page did that a test must see: console
// errors, uncaught exceptions, CSP and other browser errors, and every
// request's URL.
type pageWatch struct {
	mu       sync.Mutex
	problems []string
	requests []string
}

func watch(ctx context.Context) *pageWatch {
	w := &pageWatch{}
	chromedp.ListenTarget(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				w.problems = append(w.problems, "console: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			w.problems = append(w.problems, "exception: "+ev.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.LevelError {
				w.problems = append(w.problems, "browser: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			w.requests = append(w.requests, ev.Request.URL)
		}
	})
	return w
}

func (w *pageWatch) take() (problems, requests []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	problems, requests = w.problems, w.requests
	w.problems, w.requests = nil, nil
	return problems, requests
}

// drawnPixelsJS counts, for each chart canvas, the pixels that are
// neither transparent nor white: an undrawn chart has none.
const drawnPixelsJS = `Array.from(document.querySelectorAll('[data-chart] canvas')).map(c => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i+3] > 0 && (d[i] < 240 || d[i+1] < 240 || d[i+2] < 240)) n++;
  }
  return n;
})`

// demoServer serves the demo's sample workbooks, ingested through the
// real ingest, on 127.0.0.1.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	st := storetest.Open(t, "sqlite")
	files, err := sample.WriteAll(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	in := ingest.New(st, nil)
	for _, f := range files {
		rep, err := in.IngestFile(context.Background(), f, ingest.Options{})
		if err != nil || rep.Status != ingest.StatusStored {
			t.Fatalf("ingest %s: %v %+v", f, err, rep.Errors)
		}
	}
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	srv, err := New(Config{Store: st, Ingester: in, Version: "browser-test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func TestPagesInABrowser(t *testing.T) {
	ctx := browser(t)
	ts := demoServer(t)
	w := watch(ctx)
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), log.Enable()); err != nil {
		t.Fatal(err)
	}
	shots := t.ArtifactDir()
	pages := []struct {
		name, path string
		charts     int
		signIn     bool
	}{
		// A sparkline on each open measure's tile.
		{"overview", "/", 4, false},
		// By period and the process limits; by area too where there
		// are several areas.
		{"metric", "/metrics/calls-999", 2, false},
		{"metric-by-area", "/metrics/neighbourhood-crime", 3, false},
		{"metric-with-target", "/metrics/weapons-outcome-rate", 2, false},
		{"not-found", "/metrics/response-urban", 0, false},
		{"login", "/login", 0, false},
		// Signed in (the form is filled in and sent in the browser): the
		// sensitive measures appear, with their marking.
		{"overview-signed-in", "/", 8, true},
		{"metric-sensitive", "/metrics/response-urban", 3, true},
		// Finance is board-only: three charts at M9 (variance by area,
		// variance by month, capital additions by funding), two at M5,
		// which has no capital additions.
		{"finance", "/finance", 3, true},
		{"finance-m5", "/finance?year=2021-22&month=5", 2, true},
		// Response times: the distribution, mean, median and 90th
		// percentile by month, and urban and rural within target.
		{"response-times", "/response-times", 3, true},
		// The pack for February 2022: each of the 8 measures' process
		// limits, by area for the 3 with two areas, and the finance
		// variance of Month 9.
		{"boardpack", "/boardpack?meeting=2022-02-10", 12, true},
	}
	signedIn := false
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var drawn []int
			var shot []byte
			if p.signIn && !signedIn {
				err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible("#name"),
					chromedp.SendKeys("#name", "board"), chromedp.SendKeys("#password", boardPassword),
					chromedp.Submit("#password"), chromedp.WaitVisible(".site-header__user form"))
				if err != nil {
					t.Fatalf("signing in: %v", err)
				}
				signedIn = true
				w.take()
			}
			actions := []chromedp.Action{chromedp.Navigate(ts.URL + p.path), chromedp.WaitReady("body")}
			if p.charts > 0 {
				actions = append(actions, chromedp.WaitVisible("[data-chart] canvas"),
					// ECharts draws on the next animation frame.
					chromedp.Sleep(300*time.Millisecond),
					chromedp.Evaluate(drawnPixelsJS, &drawn))
			}
			var marked bool
			// Quality 100 makes chromedp capture PNG rather than JPEG.
			actions = append(actions, chromedp.Evaluate(`document.body.innerText.includes("OFFICIAL-SENSITIVE")`, &marked),
				chromedp.FullScreenshot(&shot, 100))
			if err := chromedp.Run(ctx, actions...); err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			if err := os.WriteFile(filepath.Join(shots, p.name+".png"), shot, 0o644); err != nil {
				t.Fatal(err)
			}
			if marked != p.signIn {
				t.Errorf("%s: OFFICIAL-SENSITIVE marking shown %t, want %t", p.path, marked, p.signIn)
			}
			if len(drawn) != p.charts {
				t.Errorf("%s: %d chart canvases, want %d", p.path, len(drawn), p.charts)
			}
			for i, n := range drawn {
				if n < 500 {
					t.Errorf("%s: chart %d has only %d drawn pixels: it did not draw", p.path, i, n)
				}
			}
			problems, requests := w.take()
			for _, prob := range problems {
				// The deliberate 404 page logs its own status as an error.
				if p.name == "not-found" && strings.Contains(prob, "404") {
					continue
				}
				t.Errorf("%s: %s", p.path, prob)
			}
			base, _ := url.Parse(ts.URL)
			for _, r := range requests {
				u, err := url.Parse(r)
				if err != nil || (u.Scheme != "data" && u.Host != base.Host) {
					t.Errorf("%s: request left Assure: %s", p.path, r)
				}
			}
		})
	}
	t.Logf("screenshots in %s", shots)
}
