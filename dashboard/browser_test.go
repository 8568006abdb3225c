package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/assure-pcc/assure/cmd/assure/sample"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
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
	// Running axe on every page, the board pack above all, takes the
	// page tour well past a minute.
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
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

// axeRunJS runs axe with the rule sets: WCAG 2.0, 2.1 and 2.2 at levels A
// and AA, the level the public sector must meet.
const axeRunJS = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
  .then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help, count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    summary: v.nodes.length ? (v.nodes[0].failureSummary || '') : ''
  }))}))`

// axeViolation is one failed axe rule, with the first few elements that
// fail it.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Count   int      `json:"count"`
	Targets []string `json:"targets"`
	Summary string   `json:"summary"`
}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// checkAxe runs axe-core's WCAG 2.2 AA rules on the page the browser
// shows and fails the test on each violation. The script is evaluated
// through the DevTools protocol: the page's Content-Security-Policy
// (script-src 'self') would refuse it as a script element, and it must
// never be served by Assure itself.
func checkAxe(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	axeOnce.Do(func() {
		var b []byte
		b, axeErr = os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
		axeSource = string(b)
	})
	if axeErr != nil {
		t.Fatalf("axe-core: %v", axeErr)
	}
	var res struct {
		// Passes guards against a run that checked nothing.
		Passes     int            `json:"passes"`
		Violations []axeViolation `json:"violations"`
	}
	err := chromedp.Run(ctx,
		chromedp.Evaluate(axeSource, nil),
		chromedp.Evaluate(axeRunJS, &res, chromedp.EvalAsValue,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if err != nil {
		t.Fatalf("%s: running axe: %v", page, err)
	}
	if res.Passes == 0 {
		t.Errorf("%s: axe passed no rule at all: it did not check the page", page)
	}
	for _, v := range res.Violations {
		t.Errorf("%s: accessibility: %s (%s): %s; %d element(s), first %s: %s",
			page, v.ID, v.Impact, v.Help, v.Count, strings.Join(v.Targets, " | "), v.Summary)
	}
}

// overflowJS finds, at the current width, whether the page scrolls
// sideways and which elements stick out on the right. Wide tables may
// scroll inside their .table-wrap, so what is inside one is left out.
const overflowJS = `(() => {
  const root = document.documentElement, width = root.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.parentElement.closest('.table-wrap')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && out.length < 5) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' right=' + Math.round(r.right));
    }
  }
  // Nothing outside a .table-wrap: name what inside one escapes it.
  if (!out.length && root.scrollWidth > width + 1) {
    for (const el of document.body.querySelectorAll('.table-wrap *')) {
      const r = el.getBoundingClientRect();
      if (r.right > root.scrollWidth - 2 && out.length < 5) out.push('inside .table-wrap: ' + el.outerHTML.slice(0, 80));
    }
  }
  return {scroll: root.scrollWidth, client: width, out: out};
})()`

// checkReflow shows the page 320 CSS pixels wide, as a 1280 pixel
// window at 400% zoom, and fails the test if the page then scrolls
// sideways (WCAG 1.4.10, reflow). The viewport is restored afterwards.
func checkReflow(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	var res struct {
		Scroll int      `json:"scroll"`
		Client int      `json:"client"`
		Out    []string `json:"out"`
	}
	err := chromedp.Run(ctx, chromedp.EmulateViewport(320, 800),
		// Charts redraw at the new width on the next animation frame.
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(overflowJS, &res), chromedp.EmulateReset())
	if err != nil {
		t.Fatalf("%s: at 320 px: %v", page, err)
	}
	if res.Scroll > res.Client+1 {
		t.Errorf("%s: at 320 px the page scrolls sideways (scrollWidth %d, clientWidth %d); sticking out: %s",
			page, res.Scroll, res.Client, strings.Join(res.Out, ", "))
	}
}

// demoServer serves the demo's sample workbooks, ingested through the
// real ingest, on 127.0.0.1.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts, _ := demoServerAndStore(t)
	return ts
}

// demoServerAndStore is demoServer, and the store behind it; each of
// with changes its configuration.
func demoServerAndStore(t *testing.T, with ...func(*Config)) (*httptest.Server, *store.Store) {
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
		storetest.ApproveAll(t, st)
	}
	national, err := sample.WriteNational(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	nm, _ := mapping.Named(sample.NationalMapping)
	if rep, err := in.IngestFile(context.Background(), national, ingest.Options{Mapping: nm}); err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest %s: %v %+v", national, err, rep.Errors)
	}
	storetest.ApproveAll(t, st)

	if err := sample.AddContext(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	// The board may not upload; the analyst signs in to use the form.
	addUser(t, st, "analyst", metrics.RoleAnalyst, boardPassword)
	cfg := Config{Store: st, Ingester: in, Version: "browser-test"}
	for _, w := range with {
		w(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, st
}

func TestPagesInABrowser(t *testing.T) {
	ctx := browser(t)
	ts := demoServer(t)
	w := watch(ctx)
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), log.Enable()); err != nil {
		t.Fatal(err)
	}
	shots := t.ArtifactDir()
	// An analyst publishes the February 2022 pack, so that its edition
	// (id 1 in a fresh database) and the list of editions can be shown.
	publishEdition(t, ts, "2022-02-10")
	pages := []struct {
		name, path string
		charts     int
		signIn     bool
		// analyst signs in as the analyst, who sees the forms.
		analyst bool
	}{
		// A sparkline on each open measure's tile (6 of the workbook,
		// a derived one among them, and 3 of the national table).
		{"overview", "/", 9, false, false},
		// By period and the process limits; by area and the comparison
		// of two areas too where there are several areas.
		{"metric", "/metrics/calls-999", 2, false, false},
		{"metric-by-area", "/metrics/neighbourhood-crime", 4, false, false},
		// A national table: the force beside another force, indexed to
		// a baseline, and the forces ranked.
		{"metric-compare", "/metrics/ho-burglary?area=Cambridgeshire&compare=Essex&baseline=2019", 4, false, false},
		{"metric-with-target", "/metrics/weapons-outcome-rate", 2, false, false},
		{"not-found", "/metrics/response-urban", 0, false, false},
		{"login", "/login", 0, false, false},
		// Each open measure with its chart (9 of the demo).
		{"public-index", "/public", 9, false, false},
		{"public-metric", "/public/metrics/calls-999", 1, false, false},
		// Signed in (the form is filled in and sent in the browser): the
		// sensitive measures appear, with their marking.
		{"overview-signed-in", "/", 15, true, false},
		{"metric-sensitive", "/metrics/response-urban", 4, true, false},
		// Finance is board-only: three charts at M9 (variance by area,
		// variance by month, capital additions by funding), two at M5,
		// which has no capital additions.
		{"finance", "/finance", 3, true, false},
		{"finance-m5", "/finance?year=2021-22&month=5", 2, true, false},
		// Response times: the distribution, mean, median and 90th
		// percentile by month, and urban and rural within target.
		{"response-times", "/response-times", 3, true, false},
		// The pack for February 2022: each of the 12 measures' process
		// limits, by area for the 5 with two areas, and the finance
		// variance of Month 9; and the 3 measures of the national table,
		// each with its process limits and by area.
		{"boardpack", "/boardpack?meeting=2022-02-10", 24, true, false},
		{"uploads", "/uploads", 0, true, false},
		// The analyst's upload form, with the choice of table mapping.
		{"uploads-analyst", "/uploads", 0, true, true},
		// The published edition draws what the pack drew.
		{"boardpack-editions", "/boardpack/editions", 0, true, false},
		{"boardpack-edition", "/boardpack/editions/1", 24, true, false},
		// The analyst's metric page, with the forms for annotations and
		// commentary, and the pack with the publish form.
		{"metric-analyst", "/metrics/response-rural", 4, true, true},
		{"boardpack-analyst", "/boardpack?meeting=2022-02-10", 24, true, true},
		// The board cycle: the calendar, the action log, one action, what
		// changed since the last meeting, when figures are due and alerts.
		{"meetings", "/meetings", 0, true, true},
		{"actions", "/actions", 0, true, true},
		{"action", "/actions/2", 0, true, true},
		{"boardpack-changes", "/boardpack/changes?meeting=2022-02-10", 0, true, true},
		{"schedules", "/catalogue/schedules", 0, true, true},
		{"alerts", "/alerts", 0, true, true},
	}
	signedIn := ""
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var drawn []int
			var shot []byte
			user := "board"
			if p.analyst {
				user = "analyst"
			}
			if p.signIn && signedIn != user {
				// Wait for the sign-in page to go: when another user is
				// signed in, its sign-out form is there before the sign-in
				// has finished, and navigating on would abort it.
				var header string
				err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible("#name"),
					chromedp.SendKeys("#name", user), chromedp.SendKeys("#password", boardPassword),
					chromedp.Submit("#password"), chromedp.WaitNotPresent("#password"),
					chromedp.WaitVisible(".site-header__user form"), chromedp.Text(".site-header__user span", &header))
				if err == nil && header != "Signed in as "+user+" ("+user+")" {
					t.Fatalf("signed in as %q, want %s", header, user)
				}
				if err != nil {
					t.Fatalf("signing in: %v", err)
				}
				signedIn = user
				w.take()
			}
			actions := []chromedp.Action{chromedp.Navigate(ts.URL + p.path), chromedp.WaitReady("body")}
			if p.analyst {
				// Open every <details>, so that axe and the 320 px check
				// see the forms inside them.
				actions = append(actions, chromedp.Evaluate(`document.querySelectorAll('details').forEach(d => { d.open = true })`, nil))
			}
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
			checkAxe(t, ctx, p.path)
			checkReflow(t, ctx, p.path)
			// The calendar and one's own alerts hold nothing sensitive.
			if want := p.signIn && p.name != "meetings" && p.name != "alerts"; marked != want {
				t.Errorf("%s: OFFICIAL-SENSITIVE marking shown %t, want %t", p.path, marked, want)
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

// publishEdition publishes the board pack of a meeting as the analyst,
// through the form, as the dashboard does.
func publishEdition(t *testing.T, ts *httptest.Server, meeting string) {
	t.Helper()
	c := newClient(t, ts)
	if resp := c.login("analyst", boardPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("analyst login = %d", resp.StatusCode)
	}
	pack := "/boardpack?meeting=" + meeting
	_, page := c.get(pack)
	m := packSHA.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no publish form on the pack")
	}
	resp, _ := c.post("/boardpack/publish", url.Values{"_csrf": {c.csrf(pack)}, "meeting": {meeting}, "sha256": {m[1]}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish = %d", resp.StatusCode)
	}
}

// tabTourSetupJS lists the page's focusable elements, records how each
// looks unfocused, and logs every focus that follows with how the
// element looks then. Focus is put on the body first, so the first Tab
// starts at the top of the page.
const tabTourSetupJS = `(() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const look = el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color].join('|'); };
  // checkVisibility leaves out what a closed <details> hides.
  const els = Array.from(document.querySelectorAll(sel)).filter(e => !e.disabled && e.checkVisibility({visibilityProperty: true}));
  const tour = {els: els, base: els.map(look), seen: []};
  window.__tabTour = tour;
  document.addEventListener('focusin', e => {
    const s = getComputedStyle(e.target);
    // A ring: a box shadow, or an outline at least 2px wide that is not
    // transparent (a transparent outline is only for forced colours).
    const ring = s.boxShadow !== 'none' || (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && s.outlineColor !== 'rgba(0, 0, 0, 0)');
    tour.seen.push({i: els.indexOf(e.target), look: look(e.target), ring: ring,
      what: e.target.tagName.toLowerCase() + (e.target.id ? '#' + e.target.id : '') + (typeof e.target.className === 'string' && e.target.className ? '.' + e.target.className : '')});
  });
  if (document.activeElement) document.activeElement.blur();
  document.body.tabIndex = -1;
  document.body.focus();
  document.body.removeAttribute('tabindex');
  return els.length;
})()`

// tabTourResultJS names the focusable elements that Tab never reached
// and those that looked no different, or had no ring, when focused.
const tabTourResultJS = `(() => {
  const t = window.__tabTour;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"';
  const reached = new Set(t.seen.map(s => s.i));
  const unseen = t.els.filter((e, i) => !reached.has(i)).map(name);
  const plain = t.seen.filter(s => s.i >= 0 && (s.look === t.base[s.i] || !s.ring)).map(s => name(t.els[s.i]));
  const others = t.seen.filter(s => s.i < 0).map(s => s.what);
  return {count: t.els.length, unreached: unseen, noRing: Array.from(new Set(plain)), others: Array.from(new Set(others))};
})()`

// checkTabTour presses Tab through the page and fails the test if an
// interactive element cannot be reached, or shows no visible focus.
func checkTabTour(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	var n int
	if err := chromedp.Run(ctx, chromedp.Evaluate(tabTourSetupJS, &n)); err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	if n == 0 {
		t.Fatalf("%s: no focusable element found", page)
	}
	var keys []chromedp.Action
	// A few Tabs more than elements: a date field takes one Tab for
	// each of its day, month and year.
	for range n + 10 {
		keys = append(keys, chromedp.KeyEvent(kb.Tab))
	}
	var res struct {
		Count     int      `json:"count"`
		Unreached []string `json:"unreached"`
		NoRing    []string `json:"noRing"`
		Others    []string `json:"others"`
	}
	if err := chromedp.Run(ctx, append(keys, chromedp.Evaluate(tabTourResultJS, &res))...); err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	if len(res.Unreached) > 0 {
		t.Errorf("%s: %d of %d interactive elements not reached by Tab: %s (Tab also stopped on: %s)",
			page, len(res.Unreached), res.Count, strings.Join(res.Unreached, ", "), strings.Join(res.Others, ", "))
	}
	if len(res.NoRing) > 0 {
		t.Errorf("%s: no visible focus style on: %s", page, strings.Join(res.NoRing, ", "))
	}
}

// TestKeyboard checks that a keyboard alone can use Assure: the skip
// link, signing in, uploading a workbook, and reaching every link,
// button and field of each page with a visible focus ring.
func TestKeyboard(t *testing.T) {
	ctx := browser(t)
	ts := demoServer(t)
	open := func(path string) {
		t.Helper()
		// Settled (fonts loaded, charts drawn) before any key is pressed,
		// as the layout checks are: under a busy CI the skip link's focus
		// once showed no ring on the public metric page, which is still
		// drawing its charts when it is ready.
		if err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitReady("body"),
			chromedp.Evaluate(settledJS, nil, awaitPromise)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}

	t.Run("skip-link", func(t *testing.T) {
		open("/")
		var first, visible, onMain, inMain bool
		err := chromedp.Run(ctx,
			chromedp.Evaluate(`document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex')`, nil),
			chromedp.KeyEvent(kb.Tab),
			chromedp.Evaluate(`document.activeElement.matches('a.skip-link')`, &first),
			chromedp.Evaluate(`(() => { const r = document.activeElement.getBoundingClientRect(); return r.left >= 0 && r.top >= 0 && r.width > 0 && r.right <= innerWidth; })()`, &visible),
			chromedp.KeyEvent(kb.Enter),
			chromedp.Evaluate(`document.activeElement.id === 'main'`, &onMain),
			chromedp.KeyEvent(kb.Tab),
			chromedp.Evaluate(`document.getElementById('main').contains(document.activeElement)`, &inMain))
		if err != nil {
			t.Fatal(err)
		}
		if !first || !visible {
			t.Errorf("first Tab: skip link focused %t, visible %t; want both", first, visible)
		}
		if !onMain || !inMain {
			t.Errorf("skip link: focus on main %t, next Tab inside main %t; want both", onMain, inMain)
		}
	})

	for _, path := range []string{"/", "/metrics/neighbourhood-crime", "/public", "/public/metrics/calls-999", "/login"} {
		t.Run("tab"+path, func(t *testing.T) {
			open(path)
			checkTabTour(t, ctx, path)
		})
	}

	t.Run("sign-in", func(t *testing.T) {
		open("/login")
		// The name field has autofocus: type, Tab to the password, Enter.
		var focused bool
		err := chromedp.Run(ctx,
			chromedp.Evaluate(`document.activeElement.id === 'name'`, &focused),
			chromedp.KeyEvent("analyst"), chromedp.KeyEvent(kb.Tab),
			chromedp.KeyEvent(boardPassword), chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(".site-header__user form"))
		if err != nil {
			t.Fatalf("signing in by keyboard: %v", err)
		}
		if !focused {
			t.Error("the sign-in page does not put focus in the name field")
		}
	})

	for _, path := range []string{"/uploads", "/response-times", "/boardpack?meeting=2022-02-10"} {
		t.Run("tab"+path, func(t *testing.T) {
			open(path)
			checkTabTour(t, ctx, path)
		})
	}

	t.Run("upload", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, sample.PerformanceFile)
		if err := sample.WritePerformance(file); err != nil {
			t.Fatal(err)
		}
		open("/uploads")
		// A file input opens the system's file chooser, which a test
		// cannot drive: the file is set, then the rest is keys alone.
		if err := chromedp.Run(ctx, chromedp.SetUploadFiles("#file", []string{file}), chromedp.Focus("#file")); err != nil {
			t.Fatal(err)
		}
		onButton := false
		for range 5 {
			if err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Tab),
				chromedp.Evaluate(`document.activeElement.matches('form.upload-form button[type=submit]')`, &onButton)); err != nil {
				t.Fatal(err)
			}
			if onButton {
				break
			}
		}
		if !onButton {
			t.Fatal("Tab from the file field never reached the form's button")
		}
		if err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#report-heading")); err != nil {
			t.Fatalf("sending the form by keyboard: %v", err)
		}
		// The report is a page of its own: check it as the others.
		checkAxe(t, ctx, "/uploads (report)")
		checkReflow(t, ctx, "/uploads (report)")
		checkTabTour(t, ctx, "/uploads (report)")
	})
}

// pdfPage matches a page object of a PDF, not the /Pages tree above it.
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// boardPackPrinted is what a printed board pack for 10 February 2022
// must say, in this order: the figures a board member reads on paper.
var boardPackPrinted = []string{
	"OFFICIAL-SENSITIVE",
	"Board pack for the meeting of 10 February 2022",
	"Part 1: open",
	"Exceptions among the open measures",
	"National Crime and Policing Measures",
	"Signal or noise",
	"Part 2: confidential",
	"Exceptions among the sensitive measures",
	// The table wraps the name to its column: "Immediate", "response
	// time,", "rural".
	"Immediate",
	"North 21.6",
	"Finance",
	"Revenue monitoring, M9 2021/22 (Dec 2021)",
	"£1,319k underspend",
	"Signal or noise",
	"The latest 6 figures",
}

// TestBoardPackPDF prints the board pack as Chromium would for a board
// member and checks the PDF: pages, headings and figures, the marking.
// The PDF and a picture of each page are kept in the artifact folder.
func TestBoardPackPDF(t *testing.T) {
	ctx := browser(t)
	ts := demoServer(t)
	dir := t.ArtifactDir()
	var pdf []byte
	var text string
	err := chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", "board"), chromedp.SendKeys("#password", boardPassword),
		chromedp.Submit("#password"), chromedp.WaitVisible(".site-header__user form"),
		chromedp.Navigate(ts.URL+"/boardpack?meeting=2022-02-10"),
		chromedp.WaitVisible(`[data-chart-state="drawn"] canvas`),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().WithPrintBackground(true).WithPreferCSSPageSize(true).Do(ctx)
			return err
		}),
		// What the printed page says, read under print styles, without
		// the contents, which name every section before it comes.
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`document.querySelector(".pack-contents").remove(); document.body.innerText`, &text),
	)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "boardpack-2022-02-10.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the board pack is not a PDF: it starts %q", pdf[:min(len(pdf), 16)])
	}
	pages := len(pdfPage.FindAll(pdf, -1))
	// Each measure starts on a new page, so 8 measures make 8 or more.
	if pages < 8 {
		t.Errorf("the printed board pack has %d pages, want at least 8 (one a measure)", pages)
	}
	// On paper the marking is in each sheet's margins (read from the PDF
	// below), not in the banners the screen shows first and last.
	checkInOrder(t, "printed page", text, boardPackPrinted[1:])
	for _, s := range []string{"Skip to main content", "Show the pack", "Sign out"} {
		if strings.Contains(text, s) {
			t.Errorf("the printed board pack shows %q, which is for the screen only", s)
		}
	}

	// Poppler, when installed, reads the PDF itself and draws its pages.
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed (Debian's poppler-utils): the PDF's text is not checked")
	} else {
		out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		// pdftotext keeps the layout's spacing: compare single-spaced,
		// leaving out the contents (from its heading to the page that
		// begins with what changed since the last meeting).
		pages := strings.Split(string(out), "\f")
		before, _, _ := strings.Cut(pages[0], "Contents")
		rest := pages
		for i := 1; i < len(pages); i++ {
			if strings.Contains(pages[i], "What changed since the meeting of") {
				rest = pages[i:]
				break
			}
		}
		checkInOrder(t, "PDF", strings.Join(strings.Fields(before+" "+strings.Join(rest, " ")), " "), boardPackPrinted)
		// Printed by the browser, without Chromium's own header and
		// footer: every sheet names the meeting and the marking at its
		// top (print.css and assure.css's page-margin boxes) and is
		// numbered at its foot. The last piece after the final form
		// feed is empty.
		if len(pages) > 1 && strings.TrimSpace(pages[len(pages)-1]) == "" {
			pages = pages[:len(pages)-1]
		}
		if len(pages) < 2 {
			t.Fatalf("the printed pack has %d pages", len(pages))
		}
		for i, p := range pages {
			if !strings.Contains(p, "Board pack: meeting of 10 February 2022") || !strings.Contains(p, "OFFICIAL-SENSITIVE") ||
				!strings.Contains(p, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
				t.Errorf("printed page %d lacks its header or footer (meeting, marking, page number):\n%.300s", i+1, p)
			}
		}
	}
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		if out, err := exec.Command("pdftoppm", "-png", "-r", "60", path, filepath.Join(dir, "boardpack-page")).CombinedOutput(); err != nil {
			t.Errorf("pdftoppm: %v: %s", err, out)
		}
	} else {
		// No PDF renderer: keep the print layout as one long picture.
		var shot []byte
		if err := chromedp.Run(ctx, chromedp.FullScreenshot(&shot, 100)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "boardpack-print.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("board pack PDF, %d pages, in %s", pages, dir)
}

// checkInOrder fails the test unless text holds each of want, in order.
func checkInOrder(t *testing.T, what, text string, want []string) {
	t.Helper()
	rest := text
	for _, s := range want {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Errorf("%s: %q missing or out of order", what, s)
			continue
		}
		rest = rest[i+len(s):]
	}
}
