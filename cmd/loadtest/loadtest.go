package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// loadTest is one run: database, data, servers, users, load, report. It
// removes what it made on every path, the database last.
func loadTest(ctx context.Context, cfg config, stdout, stderr io.Writer) (res *results, err error) {
	progress := func(format string, args ...any) {
		if !cfg.JSON {
			fmt.Fprintf(stderr, "loadtest: "+format+"\n", args...)
		}
	}
	db, err := prepareDatabase(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	opened := false // whether the database was made, so there is one to keep
	defer func() {
		if cfg.Keep && opened {
			fmt.Fprintf(stderr, "loadtest: kept the database: %s\n", db.DSN)
			return
		}
		if derr := db.drop(); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove the generated database (%s): %w", db.Where, derr))
		}
	}()
	progress("database: %s", db.Where)

	// Servers log warnings and errors (a 500, a failed session write) to
	// stderr: they explain errors the clients count.
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	stores := make([]*store.Store, cfg.Servers)
	defer func() {
		for _, st := range stores {
			if st != nil {
				st.Close()
			}
		}
	}()
	for i := range stores {
		// One Store (one connection pool) per server, as one process
		// per server would have. Only PostgreSQL gets here with more
		// than one (see config.validate).
		if stores[i], err = store.Open(ctx, db.DSN); err != nil {
			return nil, err
		}
		opened = true
	}

	progress("generating %d metrics x %d areas x %d months ...", cfg.Metrics, cfg.Areas, cfg.Months)
	g, err := generateData(ctx, stores[0], cfg, func(s string) { progress("%s", s) })
	if err != nil {
		return nil, fmt.Errorf("generate data: %w", err)
	}
	progress("stored %d observations in %.1f s and %d finance workbooks in %.1f s", g.Observations, g.ObsTime.Seconds(), g.Finance, g.FinanceTime.Seconds())

	boardName, password, token, err := makeUsers(ctx, stores[0])
	if err != nil {
		return nil, err
	}
	var workbook []byte
	if cfg.IngestRows > 0 {
		start := time.Now()
		if workbook, err = ingestWorkbook(g, cfg.IngestRows); err != nil {
			return nil, fmt.Errorf("write the upload workbook: %w", err)
		}
		progress("wrote the %d-row upload workbook (%.1f MB) in %.1f s", cfg.IngestRows, float64(len(workbook))/(1<<20), time.Since(start).Seconds())
	}

	servers := make([]*server, 0, cfg.Servers)
	defer func() {
		for _, s := range servers {
			if serr := s.stop(); serr != nil {
				err = errors.Join(err, serr)
			}
		}
	}()
	var (
		bases []string
		pids  []int
	)
	for _, st := range stores {
		if cfg.ServerBin != "" {
			p, serr := startProcessServer(ctx, cfg.ServerBin, db.DSN)
			if serr != nil {
				return nil, serr
			}
			defer func() {
				if perr := p.stop(); perr != nil {
					err = errors.Join(err, perr)
				}
			}()
			bases, pids = append(bases, p.URL), append(pids, p.pid())
			continue
		}
		s, err := startServer(st, logger)
		if err != nil {
			return nil, err
		}
		servers = append(servers, s)
		bases = append(bases, s.URL)
	}
	progress("serving on %v", bases)

	hc := newHTTPClient(cfg)
	defer hc.CloseIdleConnections()
	first, err := signIn(ctx, hc, bases[0], boardName, password)
	if err != nil {
		return nil, err
	}
	if err := checkSharing(ctx, hc, bases, first, token); err != nil {
		return nil, err
	}
	t := targetsOf(g, cfg)
	workers := make([]*worker, cfg.Clients)
	for i := range workers {
		// Each client signs in on one server and uses its session on all.
		session, err := signIn(ctx, hc, bases[i%len(bases)], boardName, password)
		if err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		workers[i] = &worker{id: i, session: session, servers: bases, deck: deck(t, rng), rng: rng, target: t, http: hc, errors: map[string]int{}}
	}
	progress("%d clients signed in; load for %v", cfg.Clients, cfg.Duration)

	stopProfiles, err := startProfiles(cfg)
	if err != nil {
		return nil, err
	}
	stopMemory := make(chan struct{})
	memory := sampleMemory(stopMemory, pids)
	t0 := time.Now()
	deadline := t0.Add(cfg.Duration)
	upc := make(chan *upload, 1)
	if workbook != nil {
		// The upload goes to the last server, the sign-ins mostly
		// elsewhere: with two servers it is read back on the other.
		go func() {
			upc <- runUpload(ctx, bases[len(bases)-1], token, workbook, t0.Add(min(cfg.IngestAfter, cfg.Duration)), t0)
		}()
	} else {
		upc <- nil
	}
	samples, errKinds := runClients(ctx, workers, t0, deadline, cfg.MaxRequests, cfg.Think)
	window := time.Since(t0)
	up := <-upc
	close(stopMemory)
	mem := <-memory
	if perr := stopProfiles(); perr != nil {
		return nil, perr
	}

	res = newResults(samples, window, up, cfg.Timeline)
	res.Database, res.Servers, res.Clients = db.Where, cfg.Servers, cfg.Clients
	res.Metrics, res.Areas, res.Months, res.Observations, res.Finance = len(g.Metrics), len(g.Areas), len(g.Months), g.Observations, g.Finance
	res.GenerateS, res.FinanceS = g.ObsTime.Seconds(), g.FinanceTime.Seconds()
	res.ErrorKinds = errKinds
	res.Memory = mem
	res.Errors = res.All.Errors
	if up != nil {
		res.Ingest = up.result(cfg.IngestRows, len(workbook), window)
		switch {
		case up.Err != nil:
			res.Errors++
		case up.Status != http.StatusCreated || up.Report.Status != "stored" || up.Report.Counts.Observations != cfg.IngestRows:
			res.Errors++
			res.ErrorKinds[fmt.Sprintf("upload: %d %s, %d observations", up.Status, up.Report.Status, up.Report.Counts.Observations)]++
		default:
			if perr := checkProbe(ctx, hc, bases[0], first, g); perr != nil {
				res.Errors++
				res.ErrorKinds["upload read back: "+perr.Error()]++
			}
		}
		if up.Start+up.Duration > window {
			res.Notes = append(res.Notes, fmt.Sprintf("the upload outlasted the load window by %.1f s: lengthen --duration to measure all of it under load",
				(up.Start+up.Duration-window).Seconds()))
		}
	}
	res.Notes = append(res.Notes, fmt.Sprintf("the clients asked for gzip, as browsers do, and received kept pages and answers compressed; "+
		"they inflated one public answer in %d to search it for sensitive measures, and no others", inflateEvery))
	if len(bases) > 1 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d servers: every client signed in on one and used its session on all; the upload went to %s and was read back from %s",
			len(bases), bases[len(bases)-1], bases[0]))
	}
	return res, nil
}

// runUpload waits until at, then uploads the workbook and times it. The
// upload is bounded by ctx and its own time limit, not by the load
// window, so that it always completes and is checked.
func runUpload(ctx context.Context, base, token string, workbook []byte, at, t0 time.Time) *upload {
	select {
	case <-ctx.Done():
		return &upload{Server: base, Err: ctx.Err()}
	case <-time.After(time.Until(at)):
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	up := &upload{Server: base, Start: time.Since(t0)}
	hc := &http.Client{Transport: localTransport(1)}
	defer hc.CloseIdleConnections()
	up.Status, up.Report, up.Err = postUpload(ctx, hc, base, token, ingestFileName, workbook)
	up.Duration = time.Since(t0) - up.Start
	return up
}

func (up *upload) result(rows, size int, window time.Duration) *ingestResult {
	r := &ingestResult{Server: up.Server, Rows: rows, FileBytes: size, StartS: up.Start.Seconds(), DurationS: up.Duration.Seconds(),
		HTTPStatus: up.Status, Status: up.Report.Status, Stored: up.Report.Counts.Observations, Superseded: up.Report.Counts.Superseded,
		OverlapS: max(0, min(up.Start+up.Duration, window)-up.Start).Seconds()}
	if up.Duration > 0 {
		r.RowsPerS = float64(rows) / up.Duration.Seconds()
	}
	if up.Err != nil {
		r.Error = up.Err.Error()
	}
	return r
}

// makeUsers creates the board member the clients sign in as, and an
// analyst with an API token for the upload, each with a random password.
func makeUsers(ctx context.Context, st *store.Store) (board, password, token string, err error) {
	var b [12]byte
	if _, err := crand.Read(b[:]); err != nil {
		return "", "", "", err
	}
	password = hex.EncodeToString(b[:])
	hash, err := auth.HashPassword(password, "loadtest-board")
	if err != nil {
		return "", "", "", err
	}
	board = "loadtest-board"
	if _, err := st.CreateUser(ctx, board, metrics.RoleBoard, hash); err != nil {
		return "", "", "", err
	}
	analyst, err := st.CreateUser(ctx, "loadtest-analyst", metrics.RoleAnalyst, hash)
	if err != nil {
		return "", "", "", err
	}
	token, sha, err := auth.NewAPIToken()
	if err != nil {
		return "", "", "", err
	}
	if err := st.AddToken(ctx, analyst.ID, "loadtest upload", sha); err != nil {
		return "", "", "", err
	}
	return board, password, token, nil
}

// targetsOf lists what the clients ask for.
func targetsOf(g *generated, cfg config) *targets {
	t := &targets{routes: cfg.Routes}
	for _, m := range g.Metrics {
		t.metricIDs = append(t.metricIDs, m.ID)
		if m.Classification == metrics.Open {
			t.openIDs = append(t.openIDs, m.ID)
		}
	}
	for y := range cfg.FinanceYears {
		t.financeYears = append(t.financeYears, metrics.FinancialYearParam(2021-cfg.FinanceYears+1+y))
	}
	return t
}

// localTransport connects only to loopback addresses: the load test
// talks to its own servers and must never reach anything else, whatever
// a URL or the environment's proxy settings say.
func localTransport(conns int) *http.Transport {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	return &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("loadtest connects only to loopback addresses, not %s", addr)
			}
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     time.Minute,
		// Measure the dashboard's own response, as sent.
		DisableCompression: true,
	}
}

// newHTTPClient is the clients' shared HTTP client: keep-alive
// connections for every client on every server, no redirects followed
// (a redirect to sign-in is a failure to count, not to follow), and a
// time limit on every request.
func newHTTPClient(cfg config) *http.Client {
	return &http.Client{
		Transport: localTransport(cfg.Clients * cfg.Servers),
		Timeout:   cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// startProfiles starts the CPU and blocking profiles asked for; the
// returned function stops them and writes the files, and the heap
// profile when asked for.
func startProfiles(cfg config) (func() error, error) {
	var cpu *os.File
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		cpu = f
	}
	if cfg.BlockProfile != "" {
		// Every blocking event over 100 µs: waits for a database
		// connection or a lock, not the scheduler's noise.
		runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		if cfg.MemProfile != "" {
			// What is still live at the end of the load window: the
			// servers' kept pages, views and series, and the clients'.
			runtime.GC()
			f, err := os.Create(cfg.MemProfile)
			if err == nil {
				err = pprof.Lookup("heap").WriteTo(f, 0)
				errs = append(errs, f.Close())
			}
			errs = append(errs, err)
		}
		if cfg.BlockProfile != "" {
			f, err := os.Create(cfg.BlockProfile)
			if err == nil {
				err = pprof.Lookup("block").WriteTo(f, 0)
				errs = append(errs, f.Close())
			}
			errs = append(errs, err)
			runtime.SetBlockProfileRate(0)
		}
		return errors.Join(errs...)
	}, nil
}
