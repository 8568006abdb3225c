package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"time"
)

// stats summarise a set of requests. Latencies are in milliseconds.
type stats struct {
	Name     string  `json:"name"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50_ms"`
	P95      float64 `json:"p95_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
}

// summarise computes the stats of samples over a window of the given
// length. Failed requests count as errors and their latencies are kept
// out of the percentiles, which describe answered requests.
func summarise(name string, samples []sample, window time.Duration) stats {
	s := stats{Name: name, Requests: len(samples)}
	lat := make([]time.Duration, 0, len(samples))
	for _, x := range samples {
		if !x.ok {
			s.Errors++
			continue
		}
		lat = append(lat, x.end-x.start)
	}
	if window > 0 {
		s.RPS = float64(len(samples)) / window.Seconds()
	}
	if len(lat) == 0 {
		return s
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	s.P50, s.P95, s.P99, s.Max = ms(percentile(lat, 50)), ms(percentile(lat, 95)), ms(percentile(lat, 99)), ms(lat[len(lat)-1])
	return s
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// ingestResult is the upload made during the load.
type ingestResult struct {
	Server     string  `json:"server"`
	Rows       int     `json:"rows"`
	FileBytes  int     `json:"file_bytes"`
	StartS     float64 `json:"start_s"` // from the start of the load
	DurationS  float64 `json:"duration_s"`
	RowsPerS   float64 `json:"rows_per_s"`
	HTTPStatus int     `json:"http_status"`
	Status     string  `json:"status"`
	Stored     int     `json:"observations"`
	Superseded int     `json:"superseded"`
	Error      string  `json:"error,omitempty"`
	// Overlap is how much of the upload ran while the clients did.
	OverlapS float64 `json:"overlap_s"`
}

// results are everything a run measured.
type results struct {
	Database     string  `json:"database"`
	Servers      int     `json:"servers"`
	Clients      int     `json:"clients"`
	CPUs         int     `json:"cpus"`
	GoVersion    string  `json:"go_version"`
	Metrics      int     `json:"metrics"`
	Areas        int     `json:"areas"`
	Months       int     `json:"months"`
	Observations int     `json:"observations"`
	Finance      int     `json:"finance_workbooks"`
	GenerateS    float64 `json:"generate_s"`
	FinanceS     float64 `json:"finance_s"`
	WindowS      float64 `json:"window_s"`
	// Routes are by route; All is every request; DuringIngest those that
	// overlapped the upload, Quiet the others.
	Routes       []stats        `json:"routes"`
	All          stats          `json:"all"`
	DuringIngest stats          `json:"during_ingest"`
	Quiet        stats          `json:"quiet"`
	Ingest       *ingestResult  `json:"ingest,omitempty"`
	Errors       int            `json:"errors"`
	ErrorKinds   map[string]int `json:"error_kinds,omitempty"`
	Notes        []string       `json:"notes,omitempty"`
	Memory       memoryUse      `json:"memory_during_load"`
	// Timeline is the requests by when they started, in steps of
	// --timeline (none when it is zero): where in the run the slow ones
	// were, such as just after the upload committed.
	Timeline []stats `json:"timeline,omitempty"`
}

// newResults summarises the samples of a load window.
func newResults(samples []sample, window time.Duration, up *upload, step time.Duration) *results {
	r := &results{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), WindowS: window.Seconds()}
	byRoute := make([][]sample, nRoutes)
	var during, quiet []sample
	for _, s := range samples {
		byRoute[s.route] = append(byRoute[s.route], s)
		if up != nil && s.start < up.Start+up.Duration && s.end > up.Start {
			during = append(during, s)
		} else {
			quiet = append(quiet, s)
		}
	}
	for rt := range nRoutes {
		if len(byRoute[rt]) > 0 {
			r.Routes = append(r.Routes, summarise(routeNames[rt], byRoute[rt], window))
		}
	}
	r.All = summarise("all", samples, window)
	if up != nil {
		overlap := min(up.Start+up.Duration, window) - up.Start
		r.DuringIngest = summarise("during the upload", during, overlap)
		r.Quiet = summarise("without an upload", quiet, window-max(overlap, 0))
	}
	r.Timeline = timeline(samples, window, step)
	return r
}

// timeline summarises the samples by the step of the window in which
// they started. Each step is named by its start, in seconds from the
// start of the load.
func timeline(samples []sample, window, step time.Duration) []stats {
	if step <= 0 {
		return nil
	}
	n := int((window + step - 1) / step)
	steps := make([][]sample, n)
	for _, s := range samples {
		i := min(max(int(s.start/step), 0), n-1)
		steps[i] = append(steps[i], s)
	}
	out := make([]stats, n)
	for i, ss := range steps {
		from := time.Duration(i) * step
		out[i] = summarise(fmt.Sprintf("from %.1f s", from.Seconds()), ss, min(step, window-from))
	}
	return out
}

func (r *results) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	return enc.Encode(r)
}

// print writes the results as a table for a person.
func (r *results) print(w io.Writer) {
	fmt.Fprintf(w, "\nAssure load test: %d server(s), %d clients, %.0f s, on %s\n", r.Servers, r.Clients, r.WindowS, r.Database)
	fmt.Fprintf(w, "machine: %d CPUs, %s\n", r.CPUs, r.GoVersion)
	fmt.Fprintf(w, "data: %d metrics x %d areas x %d months = %d observations (generated in %.1f s), %d finance workbooks (ingested in %.1f s)\n\n",
		r.Metrics, r.Areas, r.Months, r.Observations, r.GenerateS, r.Finance, r.FinanceS)
	fmt.Fprintf(w, "%-34s %9s %8s %9s %9s %9s %9s %7s\n", "route", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")
	line := func(s stats) {
		fmt.Fprintf(w, "%-34s %9d %8.1f %9.1f %9.1f %9.1f %9.1f %7d\n", s.Name, s.Requests, s.RPS, s.P50, s.P95, s.P99, s.Max, s.Errors)
	}
	for _, s := range r.Routes {
		line(s)
	}
	line(r.All)
	if r.Ingest != nil {
		fmt.Fprintln(w)
		line(r.DuringIngest)
		line(r.Quiet)
		in := r.Ingest
		fmt.Fprintf(w, "\nupload of %d rows (%.1f MB) to %s at %.1f s: %d %s, %d observations stored, %d superseded, in %.2f s (%.0f rows/s; %.1f s of it under load)\n",
			in.Rows, float64(in.FileBytes)/(1<<20), in.Server, in.StartS, in.HTTPStatus, in.Status, in.Stored, in.Superseded, in.DurationS, in.RowsPerS, in.OverlapS)
		if in.Error != "" {
			fmt.Fprintf(w, "upload error: %s\n", in.Error)
		}
	}
	if len(r.Timeline) > 0 {
		fmt.Fprintln(w, "\nby when the requests started:")
		for _, s := range r.Timeline {
			line(s)
		}
	}
	if r.Memory.ServerPeakRSSMB > 0 {
		fmt.Fprintf(w, "\nmemory while the load ran: the server processes, RSS %.0f MB at its start, peak %.0f MB at %.1f s; the clients' process, RSS peak %.0f MB, Go heap peak %.0f MB\n",
			r.Memory.ServerStartRSSMB, r.Memory.ServerPeakRSSMB, r.Memory.ServerPeakAtS, r.Memory.PeakRSSMB, r.Memory.PeakHeapMB)
	} else {
		fmt.Fprintf(w, "\nmemory while the load ran (servers and clients, one process): RSS %.0f MB at its start, peak %.0f MB at %.1f s; Go heap peak %.0f MB\n",
			r.Memory.StartRSSMB, r.Memory.PeakRSSMB, r.Memory.PeakAtS, r.Memory.PeakHeapMB)
	}
	fmt.Fprintf(w, "\nerrors: %d\n", r.Errors)
	for _, k := range slices.Sorted(maps.Keys(r.ErrorKinds)) {
		fmt.Fprintf(w, "  %6d  %s\n", r.ErrorKinds[k], k)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	p99 := "met"
	if r.All.P99 >= 100 {
		p99 = fmt.Sprintf("missed by %.0f ms", r.All.P99-100)
	}
	fmt.Fprintf(w, "targets: zero errors: %v; p99 under 100 ms: %s (p99 %.1f ms)\n", r.Errors == 0, p99, r.All.P99)
}
