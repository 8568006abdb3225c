package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// memoryUse is the process's memory over the load window: the servers,
// and the clients, which run in the same process. Peak RSS from
// /usr/bin/time covers the whole run, the database's generation
// included; these are the serving alone.
type memoryUse struct {
	// StartRSSMB is the resident set as the load began, PeakRSSMB its
	// largest while it ran (0 where /proc is not there to read).
	StartRSSMB float64 `json:"start_rss_mb"`
	PeakRSSMB  float64 `json:"peak_rss_mb"`
	// PeakHeapMB is the largest Go heap of live and not yet swept
	// objects; SQLite's own page cache is outside it.
	PeakHeapMB float64 `json:"peak_heap_mb"`
	// ServerStartRSSMB and ServerPeakRSSMB are the same of the servers
	// run as processes of their own (--server-bin), summed; 0 otherwise.
	ServerStartRSSMB float64 `json:"server_start_rss_mb,omitempty"`
	ServerPeakRSSMB  float64 `json:"server_peak_rss_mb,omitempty"`
	// PeakAtS and ServerPeakAtS are when each peak was first seen, in
	// seconds from the start of the load: a server peaks as its pages are
	// first made and again during an upload, and which of them is the
	// peak says what to work on.
	PeakAtS       float64 `json:"peak_at_s"`
	ServerPeakAtS float64 `json:"server_peak_at_s,omitempty"`
}

// sampleMemory samples every 50 ms from the start of the load until stop
// is closed, then sends what it saw; pids are the server processes, if
// any.
func sampleMemory(stop <-chan struct{}, pids []int) <-chan memoryUse {
	out := make(chan memoryUse, 1)
	serversMB := func() float64 {
		total := 0.0
		for _, pid := range pids {
			total += residentMBOf(fmt.Sprintf("/proc/%d/status", pid))
		}
		return total
	}
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var m memoryUse
		start := time.Now()
		m.StartRSSMB = residentMB()
		m.ServerStartRSSMB = serversMB()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			m.PeakHeapMB = max(m.PeakHeapMB, float64(s[0].Value.Uint64())/(1<<20))
			at := time.Since(start).Seconds()
			if rss := residentMB(); rss > m.PeakRSSMB {
				m.PeakRSSMB, m.PeakAtS = rss, at
			}
			if rss := serversMB(); rss > m.ServerPeakRSSMB {
				m.ServerPeakRSSMB, m.ServerPeakAtS = rss, at
			}
			select {
			case <-stop:
				out <- m
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// residentMB is the process's resident set in MB, from /proc/self/status;
// 0 where that cannot be read.
func residentMB() float64 { return residentMBOf("/proc/self/status") }

// residentMBOf is the resident set in MB of the process whose status
// file is path; 0 where that cannot be read.
func residentMBOf(path string) float64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0
			}
			return kb / 1024
		}
	}
	return 0
}
