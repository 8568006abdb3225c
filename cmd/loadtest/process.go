package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// A server run as a process of its own (--server-bin): the assure
// binary's `serve` on the load test's database, as an office would run
// it. The load test's own memory then holds only the clients, and the
// server's resident set is measured apart (memoryUse.ServerPeakRSSMB),
// which an in-process server cannot be.

// processServer is an `assure serve` process.
type processServer struct {
	URL string
	cmd *exec.Cmd
	log *os.File
}

// startProcessServer runs bin serve on dsn on a free port of 127.0.0.1
// and waits until it answers /healthz; its output goes to a file beside
// the database's folder, named in an error.
func startProcessServer(ctx context.Context, bin, dsn string) (*processServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close() // the server takes the port; nothing else here asks for one meanwhile
	log, err := os.CreateTemp("", "assure-loadtest-server-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), "ASSURE_LOG_LEVEL=warn")
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	p := &processServer{URL: "http://" + addr, cmd: cmd, log: log}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.stop()
			return nil, fmt.Errorf("%s serve did not answer on %s within 2 minutes (its output: %s)", bin, addr, log.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pid is the server process's id.
func (p *processServer) pid() int { return p.cmd.Process.Pid }

// stop asks the server to shut down (SIGTERM, as a service manager
// would), waits for it, and removes its output unless it failed.
func (p *processServer) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		_ = p.cmd.Process.Kill()
		err = errors.Join(errors.New("did not stop within a minute of SIGTERM"), <-done)
	}
	p.log.Close()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() {
			err = nil // ended by the signal it was sent
		}
	}
	if err != nil {
		return fmt.Errorf("server %s: %w (its output: %s)", p.URL, err, p.log.Name())
	}
	return os.Remove(p.log.Name())
}
