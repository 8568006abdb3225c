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
	URL    string
	cmd    *exec.Cmd
	log    *os.File
	exited chan error // the process's end, once
}

// startProcessServer runs bin serve on dsn on a free port of 127.0.0.1
// and waits until it answers /healthz; its output goes to a temporary
// file, kept and named in the error when it does not start.
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
		os.Remove(log.Name())
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	p := &processServer{URL: "http://" + addr, cmd: cmd, log: log, exited: make(chan error, 1)}
	go func() { p.exited <- cmd.Wait() }()
	failed := func(why string) error {
		_ = cmd.Process.Kill()
		<-p.exited
		log.Close()
		return fmt.Errorf("%s serve on %s %s (its output: %s)", bin, addr, why, log.Name())
	}
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		select {
		case err := <-p.exited:
			p.exited <- err
			return nil, failed(fmt.Sprintf("ended before it answered: %v", err))
		case <-deadline.C:
			return nil, failed("did not answer within 2 minutes")
		case <-ctx.Done():
			return nil, failed(fmt.Sprintf("was given up: %v", ctx.Err()))
		case <-tick.C:
		}
	}
}

// pid is the server process's id.
func (p *processServer) pid() int { return p.cmd.Process.Pid }

// stop asks the server to shut down (SIGTERM, as a service manager
// would), waits for it, and removes its output unless it failed.
func (p *processServer) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case err = <-p.exited:
	case <-time.After(time.Minute):
		_ = p.cmd.Process.Kill()
		err = errors.Join(errors.New("did not stop within a minute of SIGTERM"), <-p.exited)
	}
	p.log.Close()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() {
		err = nil // ended by the signal it was sent
	}
	if err != nil {
		return fmt.Errorf("server %s: %w (its output: %s)", p.URL, err, p.log.Name())
	}
	return os.Remove(p.log.Name())
}
