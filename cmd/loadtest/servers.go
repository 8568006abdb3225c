package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/assure-pcc/assure/dashboard"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics/store"
)

// server is one Assure dashboard serving on 127.0.0.1.
type server struct {
	URL   string
	store *store.Store
	hs    *http.Server
	done  chan error
}

// startServer serves a dashboard over st on a free port of 127.0.0.1,
// with the settings `assure serve` uses.
func startServer(st *store.Store, logger *slog.Logger) (*server, error) {
	in := ingest.New(st, logger)
	srv, err := dashboard.New(dashboard.Config{Store: st, Ingester: in, Logger: logger, Version: "loadtest"})
	if err != nil {
		return nil, err
	}
	// As a server that has been running would have: its first readers
	// do not wait for the overview's analysis (see Server.Warm).
	srv.Warm(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{
		URL:   "http://" + ln.Addr().String(),
		store: st,
		hs: &http.Server{
			Handler:           srv,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       5 * time.Minute,
			WriteTimeout:      5 * time.Minute,
			IdleTimeout:       2 * time.Minute,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
		done: make(chan error, 1),
	}
	go func() { s.done <- s.hs.Serve(ln) }()
	return s, nil
}

// stop shuts the server down, letting requests in flight finish.
func (s *server) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.hs.Shutdown(ctx)
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("stop server %s: %w", s.URL, err)
	}
	return nil
}
