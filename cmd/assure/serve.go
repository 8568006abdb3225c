package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/assure-pcc/assure/dashboard"
	"github.com/assure-pcc/assure/dashboard/pdf"
	"github.com/assure-pcc/assure/metrics"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	c := newCommand("serve", "serve [--db DSN] [--addr HOST:PORT]", "Serves the dashboard and its API until interrupted (SIGINT or SIGTERM).")
	dsn := c.String("db", envOr("ASSURE_DB", defaultDSN), "database: a SQLite file path or a postgres:// URL (env ASSURE_DB)")
	addr := c.String("addr", envOr("ASSURE_ADDR", defaultAddr), "address to listen on (env ASSURE_ADDR)")
	selfApprove := c.Bool("allow-self-approval", false, "let the person who proposed opening a measure approve it too (off: someone else must, the two-person rule)")
	secure := c.Bool("secure-cookies", envOr("ASSURE_SECURE_COOKIES", "") == "true", "mark cookies Secure: set when users reach Assure over HTTPS (env ASSURE_SECURE_COOKIES=true)")
	d := metrics.DefaultBudgetThresholds
	amberOver := c.Float64("budget-amber-overspend-pct", d.AmberOverspendPct, "revenue RAG: an overspend above this % of budget is amber")
	redOver := c.Float64("budget-red-overspend-pct", d.RedOverspendPct, "revenue RAG: an overspend of this % of budget or more is red")
	amberUnder := c.Float64("budget-amber-underspend-pct", d.AmberUnderspendPct, "revenue RAG: an underspend above this % of budget is amber (0: never)")
	proxies := c.String("trusted-proxies", envOr("ASSURE_TRUSTED_PROXIES", ""), "the load balancers or proxies in front of Assure, as addresses or ranges (10.0.0.5,10.1.0.0/16): only their X-Forwarded-For is believed (env ASSURE_TRUSTED_PROXIES)")
	parallel := c.Int("parallel-uploads", dashboard.DefaultParallelUploads, "uploads read and checked at once; more wait their turn")
	lim := addLimitFlags(c)
	watchDir := c.String("watch", envOr("ASSURE_WATCH", ""), "a drop folder to ingest workbooks from as they are saved there (see assure watch) (env ASSURE_WATCH)")
	wf := addWatchFlags(c, "watch-as")
	cyc := addCycleFlags(c)
	org := c.String("organisation", envOr("ASSURE_ORGANISATION", ""), "at first start: the organisation's name, in every page's title and footer; an administrator changes it on /admin (env ASSURE_ORGANISATION)")
	home := c.String("home-area", envOr("ASSURE_HOME_AREA", ""), "at first start: the force or area the overview shows first, such as Cambridgeshire or Force; an administrator changes it on /admin (env ASSURE_HOME_AREA)")
	if helped, err := c.parse(args, stdout, stderr); helped || err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments, got %q", c.Args())}
	}
	holidays, alerts, err := cyc.config()
	if err != nil {
		return err
	}
	if *parallel < 1 {
		return usageError{"--parallel-uploads must be 1 or more"}
	}
	trusted, err := dashboard.ParseTrustedProxies(*proxies)
	if err != nil {
		return usageError{err.Error()}
	}
	st, in, err := lim.open(ctx, *dsn, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	// The flags fill only what no administrator has set, so that a
	// restart with the same flags never undoes a change made on /admin.
	if err := st.InitSettings(ctx, metrics.Settings{Organisation: *org, HomeArea: *home}, "cli"); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if *watchDir != "" {
		w, err := wf.watcher(*watchDir, in, logger)
		if err != nil {
			return err
		}
		go func() {
			if err := w.Run(ctx); err != nil {
				logger.Error("drop folder", "err", err)
			}
		}()
	}
	budget := metrics.BudgetThresholds{AmberOverspendPct: *amberOver, RedOverspendPct: *redOver, AmberUnderspendPct: *amberUnder}
	return serve(ctx, dashboard.Config{Store: st, Ingester: in, Logger: logger, Version: version, SecureCookies: *secure, BudgetThresholds: budget,
		ParallelUploads: *parallel, TrustedProxies: trusted, AllowSelfApproval: *selfApprove, Holidays: holidays, Alerts: alerts}, *addr, stdout, nil)
}

// serve runs the dashboard on addr until ctx ends, then shuts down
// gracefully. ready, when set, is told the bound address (port 0 picks one).
func serve(ctx context.Context, cfg dashboard.Config, addr string, stdout io.Writer, ready func(string)) error {
	st, logger := cfg.Store, cfg.Logger
	// The board pack's PDF is made with Chromium when one is installed;
	// without it, readers are told how to print from their browser.
	if path := pdf.Find(); path != "" && cfg.Printer == nil {
		// Two minutes a print, waiting for one's turn included: the demo's
		// February 2022 pack (25 pages, printed twice so that the contents
		// learn their pages) took 13.2 s, 13.5 s and 25.7 s on a shared
		// two-core machine, so a reader queued behind one other print is
		// still served, while a Chromium that hangs is given up well
		// within the server's five-minute WriteTimeout.
		cfg.Printer = pdf.New(path, 2*time.Minute)
		logger.Info("board pack PDFs made with Chromium", "chromium", path)
	} else if cfg.Printer == nil {
		logger.Info("no Chromium found (set ASSURE_CHROMIUM): board packs are printed from the browser")
	}
	srv, err := dashboard.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	go srv.Warm(ctx)
	go srv.RunAlerts(ctx)
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of large workbooks
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Assure is serving on %s\n", url)
	logger.Info("serving", "addr", ln.Addr().String(), "db", st.Dialect())
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
