// Package pdf prints an HTML page to PDF with a headless Chromium.
//
// The page is given whole, already rendered for its reader: Chromium is
// pointed at an address that is never fetched, and every request it
// makes (the page itself, its styles and scripts) is answered from
// memory, the page from Document.HTML and the rest from
// Document.Assets. Nothing goes over the network and no session leaves
// the server, so the PDF holds exactly what the page held.
//
// Renders are slow and Chromium is large: a Printer prints one page at a
// time, each in a Chromium of its own that is closed afterwards, and
// gives up after its timeout.
package pdf

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ErrBusy is returned when another page is being printed and it did not
// finish before the caller gave up waiting.
var ErrBusy = errors.New("another PDF is being made: try again in a minute")

// A4 in inches, the paper every PDF is printed on, and its margins.
const (
	paperWidthIn   = 8.27
	paperHeightIn  = 11.69
	sideMarginIn   = 15 / 25.4
	headMarginIn   = 18 / 25.4
	cssPxPerInch   = 96
	maxContentRuns = 3
)

// ContentWidthPx is the width, in CSS pixels, of the printed page's
// content box: A4 less its side margins. The page is laid out at this
// width before it is printed, so that what is sized to the screen (the
// charts above all) is sized to the paper.
// (8.27 in less 2 × 15 mm is 680.5 px.)
const ContentWidthPx = 680

// Document is a page to print.
type Document struct {
	// URL is the address the page is shown at: it is never fetched, but
	// the page's relative links and requests are resolved against it.
	URL string
	// HTML is the page.
	HTML []byte
	// Assets answers the page's other requests (styles, scripts,
	// images) on the same host; any other host is refused.
	Assets http.Handler
	// Header and Footer are Chromium's templates for the top and bottom
	// margin of every page: HTML in which elements of class pageNumber,
	// totalPages, title and date are filled in.
	Header, Footer string
	// Ready is a script, run once the page has loaded, whose value
	// (awaited when it is a promise) must be true before the page is
	// printed: it lays out what is drawn by script for the paper.
	Ready string
	// Number, when set, is given the page on which each element that an
	// internal link points to begins (by its id, from 1) and returns the
	// page again with those numbers written in, as a contents does. The
	// page is printed again until the numbers it shows are where the
	// elements are (at most three times).
	Number func(pages map[string]int) []byte
}

// Printer prints documents with one Chromium at a time.
type Printer struct {
	path    string
	timeout time.Duration
	turn    chan struct{}
}

// Find returns the Chromium to print with: ASSURE_CHROMIUM when set,
// else chromium (or chromium-browser, google-chrome) on the PATH; ""
// when there is none.
func Find() string {
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

// New returns a Printer that runs the Chromium at path, allowing each
// print timeout (a minute when 0).
func New(path string, timeout time.Duration) *Printer {
	if timeout <= 0 {
		timeout = time.Minute
	}
	return &Printer{path: path, timeout: timeout, turn: make(chan struct{}, 1)}
}

// Print prints doc to PDF on A4 and returns the PDF.
func (p *Printer) Print(ctx context.Context, doc Document) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	select {
	case p.turn <- struct{}{}:
		defer func() { <-p.turn }()
	case <-ctx.Done():
		return nil, ErrBusy
	}
	target, err := url.Parse(doc.URL)
	if err != nil || target.Host == "" {
		return nil, fmt.Errorf("print %q: the document needs an absolute address", doc.URL)
	}
	profile, err := os.MkdirTemp("", "assure-pdf-")
	if err != nil {
		return nil, fmt.Errorf("print %s: %w", doc.URL, err)
	}
	defer os.RemoveAll(profile)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(p.path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-quic", true))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	defer chromedp.Cancel(bctx) //nolint:errcheck // closing a browser that may already be gone

	html := doc.HTML
	serve(bctx, target, func() []byte { return html }, doc.Assets)
	if err := chromedp.Run(bctx,
		fetch.Enable().WithPatterns([]*fetch.RequestPattern{{URLPattern: "*"}}),
		network.SetCacheDisabled(true),
		// Laid out for print at the paper's width from the start, so
		// that charts are drawn to fit.
		emulation.SetEmulatedMedia().WithMedia("print"),
		emulation.SetDeviceMetricsOverride(ContentWidthPx, 1100, 1, false),
	); err != nil {
		return nil, fmt.Errorf("print %s: start Chromium %s: %w", doc.URL, p.path, err)
	}
	var pdf []byte
	var shown map[string]int
	for run := 1; ; run++ {
		if pdf, err = printOnce(bctx, doc); err != nil {
			return nil, fmt.Errorf("print %s: %w", doc.URL, err)
		}
		if doc.Number == nil {
			return pdf, nil
		}
		pages, err := Destinations(pdf)
		if err != nil {
			return nil, fmt.Errorf("print %s: %w", doc.URL, err)
		}
		if run > 1 && maps.Equal(pages, shown) {
			return pdf, nil
		}
		if run == maxContentRuns {
			return nil, fmt.Errorf("print %s: the contents' page numbers did not settle after %d prints", doc.URL, run)
		}
		shown = pages
		html = doc.Number(pages)
	}
}

// printOnce loads the document, waits for it to be ready and prints it.
func printOnce(ctx context.Context, doc Document) ([]byte, error) {
	var pdf []byte
	err := chromedp.Run(ctx,
		chromedp.Navigate(doc.URL),
		chromedp.ActionFunc(func(ctx context.Context) error {
			if doc.Ready == "" {
				return nil
			}
			var ready bool
			err := chromedp.Evaluate(doc.Ready, &ready, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
				return p.WithAwaitPromise(true)
			}).Do(ctx)
			if err != nil {
				return fmt.Errorf("make the page ready: %w", err)
			}
			if !ready {
				return errors.New("the page did not say it was ready")
			}
			return nil
		}),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().
				WithPaperWidth(paperWidthIn).WithPaperHeight(paperHeightIn).
				WithMarginLeft(sideMarginIn).WithMarginRight(sideMarginIn).
				WithMarginTop(headMarginIn).WithMarginBottom(headMarginIn).
				WithPrintBackground(true).
				WithDisplayHeaderFooter(doc.Header != "" || doc.Footer != "").
				WithHeaderTemplate(cmpOr(doc.Header, "<span></span>")).
				WithFooterTemplate(cmpOr(doc.Footer, "<span></span>")).
				Do(ctx)
			return err
		}))
	return pdf, err
}

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

// serve answers every request the page makes: the document from html,
// the rest of its host from assets, anything else refused.
func serve(ctx context.Context, target *url.URL, html func() []byte, assets http.Handler) {
	chromedp.ListenTarget(ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		// Answered apart from the listener, which must not block.
		go func() {
			status, headers, body := answer(e.Request.URL, e.Request.Method, target, html, assets)
			_ = chromedp.Run(ctx, fetch.FulfillRequest(e.RequestID, status).WithResponseHeaders(headers).
				WithBody(base64.StdEncoding.EncodeToString(body)))
		}()
	})
}

// answer is the response to one request of the page.
func answer(raw, method string, target *url.URL, html func() []byte, assets http.Handler) (int64, []*fetch.HeaderEntry, []byte) {
	refuse := func(status int64) (int64, []*fetch.HeaderEntry, []byte) {
		return status, []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/plain"}}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != target.Scheme || u.Host != target.Host || method != http.MethodGet {
		return refuse(http.StatusForbidden)
	}
	if u.Path == target.Path && u.RawQuery == target.RawQuery {
		return http.StatusOK, []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}, html()
	}
	if assets == nil {
		return refuse(http.StatusNotFound)
	}
	req := httptest.NewRequest(http.MethodGet, u.RequestURI(), nil)
	rec := httptest.NewRecorder()
	assets.ServeHTTP(rec, req)
	var headers []*fetch.HeaderEntry
	for name, values := range rec.Header() {
		for _, v := range values {
			headers = append(headers, &fetch.HeaderEntry{Name: name, Value: v})
		}
	}
	return int64(rec.Code), headers, rec.Body.Bytes()
}
