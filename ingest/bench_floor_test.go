package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store"
)

// scaleSizes are the workbook sizes of BenchmarkIngestScale: 10 times
// less and 10 and 100 times more than the 10,000-row workbook a force
// loads each quarter (50 metrics x 20 areas x a decade of months is
// 120,000 rows).
var scaleSizes = []int{10_000, 100_000, 500_000, 1_000_000}

// BenchmarkIngestScale ingests long-layout workbooks of 10,000 to
// 1,000,000 rows end to end into a fresh SQLite file, and in the same
// iteration measures the floor on the same file: decompressing the sheet
// XML and counting its cells with a byte scan, the least any reader must
// do. It reports the ingest's rows per second, the floor's, their ratio
// (ingest/floor: the share of the floor's speed the ingest reaches; the
// target is at least 0.25) and the peak live heap during the ingest (the
// target is under 150 MB at every size). Run one size per process to
// read the process's peak RSS beside it:
//
//	go test -run '^$' -bench 'IngestScale/rows=100000$' -benchtime 3x ./ingest/
//	ASSURE_BENCH_WORKBOOKS=/tmp/wb /usr/bin/time -v go test -c ... (see BENCHMARKS.md)
//
// Workbooks are written once per run into a temporary folder, or into
// ASSURE_BENCH_WORKBOOKS when it is set, where they are kept and reused:
// a process that only reads an existing workbook has a peak RSS that is
// the ingest's alone, not excelize's writing it.
func BenchmarkIngestScale(b *testing.B) {
	benchIngestScale(b, "long", 4, scaleSizes, writeLongWorkbook)
}

// BenchmarkIngestScaleTwelveColumns is BenchmarkIngestScale on the same
// rows with eight more columns (ingesttest.WriteLongTwelve), the shape of
// the workbook on which the issue set the ingest's target (500,000 rows
// by 12 columns): the floor scans three times the cells, the ingest
// stores the same values.
//
//	go test -run '^$' -bench 'IngestScaleTwelveColumns/rows=500000$' -benchtime 1x ./ingest/
func BenchmarkIngestScaleTwelveColumns(b *testing.B) {
	benchIngestScale(b, "long12", 12, []int{100_000, 500_000}, ingesttest.WriteLongTwelve)
}

// benchIngestScale runs BenchmarkIngestScale's measure on the workbooks
// write makes, of cols columns, one sub-benchmark per row count; name
// keeps each shape's workbooks apart in ASSURE_BENCH_WORKBOOKS.
func benchIngestScale(b *testing.B, name string, cols int, sizes []int, write func(testing.TB, string, int)) {
	dir := os.Getenv("ASSURE_BENCH_WORKBOOKS")
	if dir == "" {
		dir = b.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			path := filepath.Join(dir, fmt.Sprintf("%s-%d.xlsx", name, n))
			if _, err := os.Stat(path); err != nil {
				// Written beside, then renamed: an interrupted write never
				// leaves a truncated workbook to be reused.
				tmp := filepath.Join(dir, fmt.Sprintf("writing-%s-%d.xlsx", name, n))
				write(b, tmp, n)
				if err := os.Rename(tmp, path); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			var ingestTime, floorTime time.Duration
			var peak uint64
			for b.Loop() {
				b.StopTimer()
				cells, ft := floorScan(b, path)
				floorTime += ft
				if cells < cols*n*99/100 { // a few split across reads
					b.Fatalf("floor counted %d cells in %d rows", cells, n)
				}
				// A fresh database per iteration, removed at once: at a
				// million rows each is hundreds of megabytes.
				dbDir, err := os.MkdirTemp("", "assure-bench-db-")
				if err != nil {
					b.Fatal(err)
				}
				st, err := store.Open(ctx, filepath.Join(dbDir, "bench.db"))
				if err != nil {
					os.RemoveAll(dbDir)
					b.Fatal(err)
				}
				runtime.GC()
				stop := make(chan struct{})
				peakc := peakHeap(stop)
				b.StartTimer()
				start := time.Now()
				in := New(st, nil)
				in.Standalone = true // as `assure ingest` runs it
				rep, err := in.IngestFile(ctx, path, Options{})
				ingestTime += time.Since(start)
				b.StopTimer()
				close(stop)
				peak = max(peak, <-peakc)
				st.Close()
				os.RemoveAll(dbDir)
				if err != nil || rep.Status != StatusStored || rep.Counts.Observations != n {
					b.Fatalf("ingest: %v %s %d errors %v", err, rep.Status, rep.Counts.Observations, rep.Errors)
				}
				b.StartTimer()
			}
			iters := float64(b.N)
			b.ReportMetric(float64(n)*iters/ingestTime.Seconds(), "rows/s")
			b.ReportMetric(float64(n)*iters/floorTime.Seconds(), "floor-rows/s")
			b.ReportMetric(floorTime.Seconds()/ingestTime.Seconds(), "ingest/floor")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// floorScan decompresses the first sheet of the workbook at path and
// counts its cells by the bytes "<c " (a match split across two reads is
// missed, which does not matter for timing), as ingest/xlsx's
// BenchmarkFloor does. It opens the file from disk as the ingest does.
func floorScan(b *testing.B, path string) (cells int, took time.Duration) {
	start := time.Now()
	zr, err := zip.OpenReader(path)
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	var sheet *zip.File
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			sheet = f
		}
	}
	if sheet == nil {
		b.Fatal("no xl/worksheets/sheet1.xml")
	}
	rc, err := sheet.Open()
	if err != nil {
		b.Fatal(err)
	}
	defer rc.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := rc.Read(buf)
		cells += bytes.Count(buf[:n], []byte("<c "))
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	return cells, time.Since(start)
}
