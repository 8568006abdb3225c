package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store"
)

// writeLongWorkbook writes the benchmarks' long-layout workbook of n
// rows (ingesttest.WriteLong: 50 metrics, 20 areas, months from 2000).
func writeLongWorkbook(tb testing.TB, path string, n int) {
	ingesttest.WriteLong(tb, path, n)
}

// peakHeap samples the live heap until stop is closed and returns the
// largest figure seen, in bytes.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak {
				peak = v
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

var benchFiles sync.Map

// benchWorkbook returns the path of a generated workbook of n rows,
// writing it once per test binary run.
func benchWorkbook(b *testing.B, n int) string {
	if p, ok := benchFiles.Load(n); ok {
		return p.(string)
	}
	dir, err := os.MkdirTemp("", "assure-bench-")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("long-%d.xlsx", n))
	writeLongWorkbook(b, path, n)
	benchFiles.Store(n, path)
	return path
}

// BenchmarkIngestLong ingests a long-layout workbook end to end (read,
// check, insert, commit) into a fresh SQLite file each iteration and
// reports rows per second and the peak live heap.
//
//	go test -run '^$' -bench IngestLong -benchtime 3x ./ingest/
func BenchmarkIngestLong(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			path := benchWorkbook(b, n)
			ctx := context.Background()
			var peak uint64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				stop := make(chan struct{})
				peakc := peakHeap(stop)
				b.StartTimer()
				rep, err := New(st, nil).IngestFile(ctx, path, Options{})
				b.StopTimer()
				close(stop)
				peak = max(peak, <-peakc)
				if err != nil || rep.Status != StatusStored || rep.Counts.Observations != n {
					b.Fatalf("ingest: %v %s %d errors %v", err, rep.Status, rep.Counts.Observations, rep.Errors)
				}
				st.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
