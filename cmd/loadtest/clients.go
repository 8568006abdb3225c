package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/assure-pcc/assure/ingest"
)

// route is one kind of request the clients make.
type route uint8

const (
	routeOverview route = iota
	routeMetric
	routeSeries
	routeFinance
	routeBoardPack
	routePublic
	routePublicMetric
	nRoutes
)

var routeNames = [nRoutes]string{
	routeOverview:     "GET /",
	routeMetric:       "GET /metrics/{id}",
	routeSeries:       "GET /api/v1/metrics/{id}/series",
	routeFinance:      "GET /finance",
	routeBoardPack:    "GET /boardpack",
	routePublic:       "GET /public",
	routePublicMetric: "GET /public/metrics/{id}",
}

// routeKeys name the routes on the command line (--routes).
var routeKeys = [nRoutes]string{
	routeOverview:     "overview",
	routeMetric:       "metric",
	routeSeries:       "series",
	routeFinance:      "finance",
	routeBoardPack:    "boardpack",
	routePublic:       "public",
	routePublicMetric: "public-metric",
}

// parseRoutes reads a comma-separated list of route keys; "all" or ""
// is every route.
func parseRoutes(s string) ([nRoutes]bool, error) {
	var on [nRoutes]bool
	if s == "" || s == "all" {
		for r := range nRoutes {
			on[r] = true
		}
		return on, nil
	}
	for k := range strings.SplitSeq(s, ",") {
		found := false
		for r := range nRoutes {
			if routeKeys[r] == strings.TrimSpace(k) {
				on[r], found = true, true
			}
		}
		if !found {
			return on, fmt.Errorf("unknown route %q: the routes are %s", k, strings.Join(routeKeys[:], ", "))
		}
	}
	return on, nil
}

// routeWeights is each route's share of the requests, out of 20: what a
// board member reading before a meeting and the public would ask for,
// with the heavy whole-database pages (overview, board pack) a minority.
var routeWeights = [nRoutes]int{
	routeOverview:     3,
	routeMetric:       5,
	routeSeries:       4,
	routeFinance:      2,
	routeBoardPack:    1,
	routePublic:       3,
	routePublicMetric: 2,
}

// public reports whether the route is read anonymously.
func (r route) public() bool { return r == routePublic || r == routePublicMetric }

// sample is one request: its route, when it started and ended (from
// the start of the load) and whether it succeeded.
type sample struct {
	route      route
	start, end time.Duration
	ok         bool
}

// worker is one client: a signed-in board member who also reads the
// public pages (anonymously, without the cookie), and round-robins its
// requests over the servers as a load balancer without sticky sessions
// would, so that every session is used on every server.
type worker struct {
	id      int
	session string
	servers []string
	deck    []route
	rng     *rand.Rand
	target  *targets
	http    *http.Client
	samples []sample
	errors  map[string]int
	// publicReads counts the public answers read, and gz inflates one in
	// inflateEvery of them (see do).
	publicReads int
	gz          *gzip.Reader
}

// inflateEvery is how many gzipped public answers a client reads for
// each one it inflates and searches for sensitive measures (see do).
const inflateEvery = 16

// gzipMagic begins every gzip member: the magic bytes and deflate.
var gzipMagic = [3]byte{0x1f, 0x8b, 8}

// targets are what the requests ask for.
type targets struct {
	routes             [nRoutes]bool
	metricIDs, openIDs []string
	financeYears       []string
}

// deck is the routes in proportion to their weights, shuffled so that
// every client has the same mix in a different order; routes with
// nothing to ask for are left out.
func deck(t *targets, rng *rand.Rand) []route {
	var d []route
	for r := range nRoutes {
		if !t.routes[r] || (r == routeFinance && len(t.financeYears) == 0) || (r == routePublicMetric && len(t.openIDs) == 0) {
			continue
		}
		for range routeWeights[r] {
			d = append(d, r)
		}
	}
	rng.Shuffle(len(d), func(i, j int) { d[i], d[j] = d[j], d[i] })
	return d
}

// path is the URL path and query of one request of route r.
func (w *worker) path(r route) string {
	pick := func(ids []string) string { return url.PathEscape(ids[w.rng.IntN(len(ids))]) }
	switch r {
	case routeOverview:
		return "/"
	case routeMetric:
		return "/metrics/" + pick(w.target.metricIDs)
	case routeSeries:
		return "/api/v1/metrics/" + pick(w.target.metricIDs) + "/series"
	case routeFinance:
		return fmt.Sprintf("/finance?year=%s&month=%d", pick(w.target.financeYears), 1+w.rng.IntN(12))
	case routeBoardPack:
		return "/boardpack?meeting=" + meetingDate
	case routePublic:
		return "/public"
	case routePublicMetric:
		return "/public/metrics/" + pick(w.target.openIDs)
	}
	panic("unknown route")
}

// maxErrorKinds bounds the distinct error messages kept per client.
const maxErrorKinds = 50

func (w *worker) fail(r route, msg string) {
	key := routeNames[r] + ": " + msg
	if _, ok := w.errors[key]; ok || len(w.errors) < maxErrorKinds {
		w.errors[key]++
	} else {
		w.errors[routeNames[r]+": other errors"]++
	}
}

// loop sends requests until the deadline, ctx's end or the run's request
// budget, whichever comes first. The deadline is checked before each
// request and never cuts one short: a request cancelled mid-way would be
// counted as neither a success nor a failure, and would make the server
// log a cancelled session write.
func (w *worker) loop(ctx context.Context, t0, deadline time.Time, budget *atomic.Int64, think time.Duration) {
	buf := new(bytes.Buffer)
	if think > 0 {
		// People do not all click at the same instant: each client starts
		// at a random point of its first pause, so that the first
		// requests do not arrive as one burst that no later moment of
		// the run resembles.
		select {
		case <-ctx.Done():
			return
		case <-time.After(min(time.Duration(w.rng.Int64N(int64(think))), time.Until(deadline))):
		}
	}
	for i := w.id; ctx.Err() == nil && time.Now().Before(deadline); i++ {
		if budget.Add(-1) < 0 {
			return
		}
		r := w.deck[i%len(w.deck)]
		base := w.servers[i%len(w.servers)]
		start := time.Since(t0)
		ok := w.do(ctx, r, base, buf)
		end := time.Since(t0)
		if ctx.Err() != nil {
			return // interrupted: the run is being abandoned
		}
		w.samples = append(w.samples, sample{route: r, start: start, end: end, ok: ok})
		if think > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(min(think, time.Until(deadline))):
			}
		}
	}
}

// do makes one request and checks its answer: 200, the whole body read,
// of its Content-Length, and on a public page no sensitive measure.
//
// The clients ask for gzip themselves, as a browser does, so the
// transport (DisableCompression) leaves the bodies as sent: they are
// received compressed, and the clients, which share the servers' CPUs
// in this process, do not spend them inflating what a browser on
// another machine would. A gzipped answer must begin as gzip does; one
// public answer in inflateEvery per client is inflated, which checks
// its CRC-32 and size, and searched for sensitive measures. An answer
// sent as it is (one not kept) is searched whenever it is public.
func (w *worker) do(ctx context.Context, r route, base string, buf *bytes.Buffer) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+w.path(r), nil)
	if err != nil {
		w.fail(r, err.Error())
		return false
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if !r.public() {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: w.session})
	}
	resp, err := w.http.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			w.fail(r, describeHTTPError(err))
		}
		return false
	}
	gz := resp.Header.Get("Content-Encoding") == "gzip"
	search := false
	if r.public() {
		search = !gz || w.publicReads%inflateEvery == 0
		w.publicReads++
	}
	// Only public pages to be searched are kept; the rest are read and
	// dropped, so that the process's memory is the servers' and not 50
	// copies of the largest page (a board pack of 2,000 measures is tens
	// of megabytes).
	buf.Reset()
	body := &countingReader{r: resp.Body}
	var magic [3]byte
	var inflateErr error
	switch {
	case gz && search:
		inflateErr = w.inflate(buf, body)
	case gz:
		if _, err = io.ReadFull(body, magic[:]); err == nil && magic != gzipMagic {
			inflateErr = errors.New("not gzip")
		}
	case search:
		_, err = buf.ReadFrom(body)
	}
	if err == nil {
		_, err = io.Copy(io.Discard, body)
	}
	resp.Body.Close()
	switch {
	case err != nil:
		if ctx.Err() == nil {
			w.fail(r, "reading the body: "+describeHTTPError(err))
		}
		return false
	case resp.StatusCode != http.StatusOK:
		w.fail(r, fmt.Sprintf("status %d", resp.StatusCode))
		return false
	case resp.ContentLength >= 0 && body.n != resp.ContentLength:
		w.fail(r, fmt.Sprintf("a body of %d bytes, Content-Length %d", body.n, resp.ContentLength))
		return false
	case inflateErr != nil:
		if ctx.Err() == nil {
			w.fail(r, "a gzipped body: "+inflateErr.Error())
		}
		return false
	case search && bytes.Contains(buf.Bytes(), []byte(sensitiveMarker)):
		w.fail(r, "a sensitive measure on a public page")
		return false
	}
	return true
}

// inflate reads a gzipped body into buf; compress/gzip checks the
// CRC-32 and size at its end.
func (w *worker) inflate(buf *bytes.Buffer, body io.Reader) error {
	var err error
	if w.gz == nil {
		w.gz, err = gzip.NewReader(body)
	} else {
		err = w.gz.Reset(body)
	}
	if err == nil {
		_, err = buf.ReadFrom(w.gz)
	}
	return err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// describeHTTPError shortens a transport error to its kind, so that the
// same failure on many requests counts as one kind.
func describeHTTPError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return "timed out"
		}
		err = ue.Err
	}
	return err.Error()
}

// sessionCookie and csrfCookie are the dashboard's cookie names.
const (
	sessionCookie = "assure_session"
	csrfCookie    = "assure_csrf"
)

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs a user in through the sign-in form, as a browser does
// (the form's CSRF token and cookie, then the POST), and returns the
// session cookie's value.
func signIn(ctx context.Context, hc *http.Client, base, name, password string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	if err != nil {
		return "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign-in form: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return "", fmt.Errorf("sign-in form: %w", err)
	}
	m := csrfInput.FindSubmatch(body)
	csrf := cookieValue(resp, csrfCookie)
	if resp.StatusCode != http.StatusOK || m == nil || csrf == "" {
		return "", fmt.Errorf("sign-in form on %s: status %d, no CSRF token", base, resp.StatusCode)
	}
	form := url.Values{"name": {name}, "password": {password}, "_csrf": {string(m[1])}, "next": {"/"}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: csrfCookie, Value: csrf})
	resp, err = hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	session := cookieValue(resp, sessionCookie)
	if resp.StatusCode != http.StatusSeeOther || session == "" {
		return "", fmt.Errorf("sign in as %s on %s: status %d, no session", name, base, resp.StatusCode)
	}
	return session, nil
}

func cookieValue(resp *http.Response, name string) string {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// get makes one GET with an optional session cookie or bearer token and
// returns the status and up to 64 MB of body.
func get(ctx context.Context, hc *http.Client, u, session, token string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	return resp.StatusCode, body, err
}

// checkSharing proves that the servers share sessions and tokens before
// any figure is measured: a session made on the first server and the
// uploader's token open the finance page and the API on every server,
// and the public still gets 404 from finance.
func checkSharing(ctx context.Context, hc *http.Client, servers []string, session, token string) error {
	for _, base := range servers {
		if code, _, err := get(ctx, hc, base+"/finance", session, ""); err != nil || code != http.StatusOK {
			return fmt.Errorf("the session made on %s does not work on %s: /finance gave %d %v", servers[0], base, code, err)
		}
		if code, _, err := get(ctx, hc, base+"/finance", "", ""); err != nil || code != http.StatusNotFound {
			return fmt.Errorf("%s: /finance without a session gave %d %v, want 404", base, code, err)
		}
		if code, _, err := get(ctx, hc, base+"/api/v1/metrics", "", token); err != nil || code != http.StatusOK {
			return fmt.Errorf("%s: the API token gave %d %v", base, code, err)
		}
	}
	return nil
}

// upload is the timed upload of the large workbook.
type upload struct {
	Server   string
	Start    time.Duration // from the start of the load
	Duration time.Duration
	Status   int
	Report   ingest.Report
	Err      error
}

// postUpload sends a workbook to POST /api/v1/uploads with a bearer
// token, as a script would, and decodes the report.
func postUpload(ctx context.Context, hc *http.Client, base, token, name string, content []byte) (int, ingest.Report, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", name)
	if err == nil {
		_, err = part.Write(content)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return 0, ingest.Report{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/uploads", &body)
	if err != nil {
		return 0, ingest.Report{}, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, ingest.Report{}, err
	}
	defer resp.Body.Close()
	var rep ingest.Report
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return resp.StatusCode, rep, err
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		return resp.StatusCode, rep, fmt.Errorf("upload answered %d: %.200s", resp.StatusCode, raw)
	}
	return resp.StatusCode, rep, nil
}

// checkProbe reads one uploaded value back through the API of a server
// other than the one that took the upload (when there are two), to show
// that the upload is current everywhere.
func checkProbe(ctx context.Context, hc *http.Client, base, session string, g *generated) error {
	id, area, period, want := ingestProbe(g)
	code, body, err := get(ctx, hc, base+"/api/v1/metrics/"+id+"/series", session, "")
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("read back %s: status %d %v", id, code, err)
	}
	var series struct {
		Observations []struct {
			PeriodStart string  `json:"period_start"`
			Area        string  `json:"area"`
			Value       float64 `json:"value"`
			Source      struct {
				File string `json:"file"`
			} `json:"source"`
		} `json:"observations"`
	}
	if err := json.Unmarshal(body, &series); err != nil {
		return fmt.Errorf("read back %s: %w", id, err)
	}
	for _, o := range series.Observations {
		if o.Area == area && o.PeriodStart == period+"-01" {
			if o.Value != want || o.Source.File != ingestFileName {
				return fmt.Errorf("read back %s, %s, %s on %s: %v from %q, want %v from %q", id, area, period, base, o.Value, o.Source.File, want, ingestFileName)
			}
			return nil
		}
	}
	return fmt.Errorf("read back %s, %s, %s on %s: no such value", id, area, period, base)
}

// ingestFileName is the name the large workbook is uploaded under.
const ingestFileName = "Load test performance workbook.xlsx"

// runClients drives the workers until the deadline (see worker.loop) and
// returns their samples and errors merged.
func runClients(ctx context.Context, workers []*worker, t0, deadline time.Time, maxRequests int, think time.Duration) ([]sample, map[string]int) {
	var budget atomic.Int64
	budget.Store(int64(maxRequests))
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { w.loop(ctx, t0, deadline, &budget, think) })
	}
	wg.Wait()
	var all []sample
	errs := map[string]int{}
	for _, w := range workers {
		all = append(all, w.samples...)
		for k, v := range w.errors {
			errs[k] += v
		}
	}
	return all, errs
}
