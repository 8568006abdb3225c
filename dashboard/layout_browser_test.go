package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/assure-pcc/assure/metrics"
)

// layoutJS measures the page as the browser laid it out and names what
// a reader would find broken. The rules, each a list in the answer:
//
//   - wide: an element sticks out of the viewport, or out of the element
//     that holds it. Only elements that take up room are measured (not
//     inline text, which wraps, nor text hidden for screen readers, which
//     is clipped to a pixel on purpose). An element inside a deliberately
//     scrollable container, an ancestor whose overflow-x is auto or
//     scroll (the .table-wrap around every wide table), may be as wide as
//     it needs: the container scrolls. The container itself must fit.
//   - cut: text clipped where it stands, an element whose overflow is
//     hidden or clip, or whose text-overflow is ellipsis, and whose
//     content is wider than its box (scrollWidth > clientWidth).
//   - blank: a chart (data-chart) that was not drawn, or whose canvas has
//     fewer than 500 drawn pixels (neither transparent nor white).
//   - chartText: text drawn on a chart's canvas that runs past its edges
//     (a title cut off) or over another text (bar labels on the area
//     names), read from the chart's own scene.
const layoutJS = `(() => {
  const vw = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const path = el => { const p = []; for (let e = el; e && e !== document.body && p.length < 3; e = e.parentElement) p.unshift(name(e)); return p.join(' > '); };
  // Each element's style, read once; skipped: what is not laid out as a
  // box of its own, and what is hidden on purpose (text for screen
  // readers, and charts, whose canvas is checked below).
  const style = new Map(), skip = new Set(), scroller = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    style.set(el, cs);
    const p = el.parentElement;
    if (skip.has(p) && p !== document.body || el.matches('.visually-hidden, [hidden], script, style, template, .chart')) { skip.add(el); continue; }
    if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') scroller.add(el);
  }
  // inScroller: an ancestor scrolls sideways.
  const scrolled = new Set();
  for (const s of scroller) for (const el of s.querySelectorAll('*')) scrolled.add(el);
  // The box an element is laid out in: past display: contents and inline.
  const containerOf = el => { let p = el.parentElement; while (p && p !== document.body && (style.get(p).display === 'contents' || style.get(p).display === 'inline')) p = p.parentElement; return p; };
  const wide = [], cut = [], blank = [], chartText = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (skip.has(el)) continue;
    const cs = style.get(el);
    if (cs.display === 'none' || cs.display === 'contents' || cs.display === 'inline' || cs.position === 'fixed') continue;
    const r = el.getBoundingClientRect();
    // Off the screen on purpose, as a skip link is until it has focus.
    if (r.width <= 1 || r.height <= 1 || r.right < 0) continue;
    if (!scrolled.has(el)) {
      if (r.right > vw + 1 || r.left < -1) {
        wide.push(path(el) + ': ' + Math.round(r.left) + '..' + Math.round(r.right) + ' in a viewport of ' + vw);
      } else {
        const parent = containerOf(el);
        if (parent && parent !== document.body) {
          const pr = parent.getBoundingClientRect();
          if (r.right > pr.right + 1 || r.left < pr.left - 1) {
            wide.push(path(el) + ': ' + Math.round(r.left) + '..' + Math.round(r.right) + ' in its container ' + path(parent) + ' ' + Math.round(pr.left) + '..' + Math.round(pr.right));
          }
        }
      }
    }
    const clips = cs.overflowX === 'hidden' || cs.overflowX === 'clip' || cs.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1 && (el.innerText || '').trim() !== '') {
      cut.push(path(el) + ': ' + JSON.stringify((el.innerText || '').trim().slice(0, 60)) + ' is ' + el.scrollWidth + ' px wide in ' + el.clientWidth);
    }
  }
  for (const el of document.querySelectorAll('[data-chart]')) {
    const id = el.getAttribute('data-chart');
    if (el.getAttribute('data-chart-state') !== 'drawn') { blank.push(id + ': ' + (el.getAttribute('data-chart-state') || 'not drawn')); continue; }
    const c = el.querySelector('canvas');
    if (!c || !c.width || !c.height) { blank.push(id + ': no canvas'); continue; }
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i+3] > 0 && (d[i] < 240 || d[i+1] < 240 || d[i+2] < 240)) n++;
    if (n < 500) blank.push(id + ': ' + n + ' drawn pixels');
    const chart = window.echarts && echarts.getInstanceByDom(el);
    if (!chart) continue;
    const w = chart.getWidth(), h = chart.getHeight();
    const texts = [];
    chart.getZr().storage.getDisplayList().forEach(e => {
      if ((e.type !== 'text' && e.type !== 'tspan') || e.ignore || e.invisible || !e.style || !e.style.text || (e.style.opacity === 0)) return;
      // The toolbox's hover hint ("Save as PNG") is drawn only on hover.
      if (e.parent && e.parent.__title !== undefined) return;
      const b = e.getBoundingRect().clone();
      e.updateTransform && e.updateTransform();
      if (e.transform) b.applyTransform(e.transform);
      if (b.width < 1) return;
      texts.push({t: String(e.style.text).replace(/\n/g, ' '), b: b});
      if (b.x < -1 || b.y < -1 || b.x + b.width > w + 1 || b.y + b.height > h + 1) {
        chartText.push(id + ': ' + JSON.stringify(String(e.style.text).slice(0, 50)) + ' runs past the chart (' +
          Math.round(b.x) + ',' + Math.round(b.y) + ' ' + Math.round(b.width) + 'x' + Math.round(b.height) + ' in ' + w + 'x' + h + ')');
      }
    });
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].b, b = texts[j].b;
      const ox = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (ox > 2 && oy > 2) chartText.push(id + ': ' + JSON.stringify(texts[i].t.slice(0, 40)) + ' overlaps ' + JSON.stringify(texts[j].t.slice(0, 40)));
    }
  }
  const cap = l => l.length > 8 ? l.slice(0, 8).concat(['… and ' + (l.length - 8) + ' more']) : l;
  return {wide: cap(wide), cut: cap(cut), blank: cap(blank), chartText: cap(chartText), charts: document.querySelectorAll('[data-chart]').length};
})()`

// settledJS resolves once every chart has been drawn (or failed) and two
// frames have passed, so that charts resized to a new width have been
// redrawn: charts.js resizes on the next animation frame.
const settledJS = `new Promise(resolve => {
  const start = performance.now();
  const check = () => {
    const pending = Array.from(document.querySelectorAll('[data-chart]')).some(el => !el.getAttribute('data-chart-state'));
    if (pending && performance.now() - start < 5000) { setTimeout(check, 20); return; }
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(true), 50)));
  };
  document.fonts.ready.then(check);
})`

// layoutFindings is what layoutJS names.
type layoutFindings struct {
	Wide      []string `json:"wide"`
	Cut       []string `json:"cut"`
	Blank     []string `json:"blank"`
	ChartText []string `json:"chartText"`
	Charts    int      `json:"charts"`
}

// layoutWidths are the widths every page is read at: a desktop and a
// phone (390 CSS pixels, an iPhone 12 to 15).
var layoutWidths = []int{1400, 390}

// layoutCandidates are the pages the layout test reads: every page of
// each kind, with a form or a part only some role is given (uploads,
// the catalogue's forms, annotations, publishing, administration). A
// published edition draws what the pack draws, so the pack stands for
// both.
var layoutCandidates = []string{"/", "/metrics/calls-999", "/metrics/neighbourhood-crime",
	"/metrics/ho-burglary?area=Cambridgeshire&compare=Essex&baseline=2019",
	"/metrics/response-urban", "/metrics/response-rural", "/metrics/weapons-outcome-rate",
	"/metrics/neighbourhood-crime/sources", "/metrics/response-urban/sources?period=last12",
	"/public", "/public/metrics/calls-999",
	"/finance", "/finance?year=2021-22&month=5", "/response-times",
	"/boardpack?meeting=2022-02-10", "/boardpack/changes?meeting=2022-02-10", "/boardpack/editions",
	"/uploads", "/catalogue", "/catalogue/schedules", "/catalogue/proposals",
	"/meetings", "/actions", "/actions/2", "/alerts", "/account/password",
	"/admin", "/admin/alerts", "/login"}

// layoutPages are the candidates user ("" for the public) may see: each
// one the server answers with 200 for them, not a refusal, a not-found
// or a redirect (to sign in, or from the sign-in page once signed in).
// Asking the server, rather than listing each role's pages here, keeps
// the test reading every page a role is given as the rules change.
func layoutPages(t *testing.T, ts *httptest.Server, user string) []string {
	t.Helper()
	c := newClient(t, ts)
	if user != "" {
		if resp := c.login(user, boardPassword); resp.StatusCode/100 != 3 {
			t.Fatalf("signing in as %s: %d", user, resp.StatusCode)
		}
	}
	var pages []string
	for _, path := range layoutCandidates {
		if resp, _ := c.get(path); resp.StatusCode == http.StatusOK {
			pages = append(pages, path)
		}
	}
	return pages
}

// shotName makes a page's path a file name: "/metrics/calls-999?area=x"
// becomes "metrics-calls-999-area-x".
func shotName(path string) string {
	s := strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, path), "-")
	if s == "" {
		return "overview"
	}
	return s
}

// screenshotDir is where the layout test keeps its pictures:
// ASSURE_SCREENSHOTS, else the test's artifact folder (kept with go test
// -artifacts).
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("ASSURE_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.ArtifactDir()
}

// browserSignIn signs the browser in as user through the form ("" signs out).
func browserSignIn(ctx context.Context, baseURL, user string) error {
	// Signing out: the header's form, when someone is signed in.
	var signedIn bool
	if err := chromedp.Run(ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady("body"),
		chromedp.Evaluate(`!!document.querySelector('.site-header__user form')`, &signedIn)); err != nil {
		return err
	}
	if signedIn {
		if err := chromedp.Run(ctx, chromedp.Submit(".site-header__user form"), chromedp.WaitNotPresent(".site-header__user form")); err != nil {
			return fmt.Errorf("signing out: %w", err)
		}
	}
	if user == "" {
		return nil
	}
	return chromedp.Run(ctx, chromedp.Navigate(baseURL+"/login"), chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", user), chromedp.SendKeys("#password", boardPassword),
		chromedp.Submit("#password"), chromedp.WaitNotPresent("#password"),
		chromedp.WaitVisible(".site-header__user form"))
}

// TestLayoutAtEachWidth reads every page as each role (the public, a
// board member, an analyst, a finance officer, an administrator) at
// 1400 and 390 pixels wide, and fails on anything wider than its
// container or the viewport, a blank chart, cut text, or chart text run
// off its chart or over other text (see layoutJS for the exact rules). A
// screenshot of each page at each width is kept (see screenshotDir).
func TestLayoutAtEachWidth(t *testing.T) {
	ctx := browser(t)
	ts, st := demoServerAndStore(t)
	addUser(t, st, "finance", metrics.RoleFinance, boardPassword)
	addUser(t, st, "admin", metrics.RoleAdmin, boardPassword)
	publishEdition(t, ts, "2022-02-10")
	if err := chromedp.Run(ctx, runtime.Enable()); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	readme := os.Getenv("ASSURE_README_SCREENSHOTS")
	start := time.Now()
	visits := 0
	// Each page's first reader keeps a picture of its first 5,000 pixels;
	// a later role, whose page differs by a form or a menu, keeps only
	// what the window shows, so that reading every page as every role
	// costs the checks, not the pictures.
	shown := map[string]bool{}
	for _, role := range []string{"public", "board", "analyst", "finance", "admin"} {
		user := role
		if role == "public" {
			user = ""
		}
		pages := layoutPages(t, ts, user)
		if len(pages) < 8 {
			t.Fatalf("%s may see only %d pages: %q", role, len(pages), pages)
		}
		t.Logf("%s reads %d pages", role, len(pages))
		if err := browserSignIn(ctx, ts.URL, user); err != nil {
			t.Fatalf("signing in as %s: %v", role, err)
		}
		for _, path := range pages {
			first := !shown[path]
			shown[path] = true
			t.Run(role+"/"+shotName(path), func(t *testing.T) {
				if err := chromedp.Run(ctx, emulation.SetDeviceMetricsOverride(int64(layoutWidths[0]), 900, 1, false),
					chromedp.Navigate(ts.URL+path), chromedp.WaitReady("body")); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				for _, width := range layoutWidths {
					visits++
					var f layoutFindings
					var shot []byte
					take := chromedp.Action(screenshot(&shot, shotHeight))
					if !first {
						take = chromedp.ActionFunc(func(ctx context.Context) error {
							var err error
							shot, err = page.CaptureScreenshot().WithFormat(page.CaptureScreenshotFormatJpeg).WithQuality(70).Do(ctx)
							return err
						})
					}
					err := chromedp.Run(ctx, emulation.SetDeviceMetricsOverride(int64(width), 900, 1, width < 600),
						chromedp.Evaluate(settledJS, nil, awaitPromise),
						chromedp.Evaluate(layoutJS, &f),
						take)
					if err != nil {
						t.Fatalf("%s at %d px: %v", path, width, err)
					}
					file := fmt.Sprintf("%s-%s-%d.jpg", role, shotName(path), width)
					if err := os.WriteFile(filepath.Join(dir, file), shot, 0o644); err != nil {
						t.Fatal(err)
					}
					for _, l := range []struct {
						what  string
						items []string
					}{{"wider than its container or the viewport", f.Wide}, {"text cut", f.Cut},
						{"blank chart", f.Blank}, {"chart text cut or overlapping", f.ChartText}} {
						for _, it := range l.items {
							t.Errorf("%s at %d px: %s: %s", path, width, l.what, it)
						}
					}
				}
				if readme != "" && role == "board" {
					saveReadmeShot(t, ctx, readme, path)
				}
			})
		}
	}
	if err := chromedp.Run(ctx, emulation.ClearDeviceMetricsOverride()); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d page views in %s; screenshots in %s", visits, time.Since(start).Round(time.Millisecond), dir)
}

// shotHeight bounds the layout test's screenshots, in CSS pixels: the
// top of a long page (the board pack is 30,000 pixels at 390) shows its
// layout, and capturing it whole took most of the test's time.
const shotHeight = 5000

// screenshot captures the page from its top, at most height CSS pixels
// of it, as a JPEG.
func screenshot(buf *[]byte, height float64) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		_, _, content, _, _, css, err := page.GetLayoutMetrics().Do(ctx)
		if err != nil {
			return err
		}
		size := css
		if size == nil {
			size = content
		}
		*buf, err = page.CaptureScreenshot().WithFormat(page.CaptureScreenshotFormatJpeg).WithQuality(70).
			WithCaptureBeyondViewport(true).
			WithClip(&page.Viewport{Width: size.Width, Height: min(size.Height, height), Scale: 1}).Do(ctx)
		return err
	})
}

// awaitPromise makes Evaluate wait for the promise the script returns.
func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// readmeShots are the README's pictures: the page each shows, as a
// board member reads it at 1400 pixels, and its file name.
var readmeShots = map[string]string{
	"/":                             "overview.png",
	"/metrics/neighbourhood-crime":  "metric.png",
	"/finance":                      "finance.png",
	"/boardpack?meeting=2022-02-10": "boardpack.png",
}

// saveReadmeShot writes the README's picture of path, when it has one:
// the first 1,000 pixels of the page at 1400 wide, as a PNG, so the
// README shows Assure as it is.
func saveReadmeShot(t *testing.T, ctx context.Context, dir, path string) {
	t.Helper()
	name, ok := readmeShots[path]
	if !ok {
		return
	}
	var shot []byte
	err := chromedp.Run(ctx, emulation.SetDeviceMetricsOverride(1400, 1000, 1, false),
		chromedp.Evaluate(settledJS, nil, awaitPromise),
		chromedp.Evaluate(`window.scrollTo(0, 0)`, nil),
		chromedp.CaptureScreenshot(&shot))
	if err != nil {
		t.Fatalf("README picture of %s: %v", path, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}
