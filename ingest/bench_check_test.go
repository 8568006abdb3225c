package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics/store"
)

// BenchmarkCheckThenStore is an upload as the dashboard makes it: the
// file is checked (a dry run) and then, on confirmation, stored, into a
// fresh SQLite file each iteration. It reports the seconds of each step
// and of both.
//
//	go test -run '^$' -bench CheckThenStore -benchtime 3x ./ingest/
func BenchmarkCheckThenStore(b *testing.B) {
	content := benchWorkbookBytes(b, 100_000)
	ctx := context.Background()
	var check, confirm time.Duration
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		in := New(st, nil)
		b.StartTimer()
		start := time.Now()
		rep, err := in.Ingest(ctx, "long.xlsx", content, Options{DryRun: true})
		if err != nil || rep.Status != StatusStored {
			b.Fatalf("check: %v %+v", err, rep.Errors)
		}
		mid := time.Now()
		rep, err = in.Ingest(ctx, "long.xlsx", content, Options{})
		if err != nil || rep.Status != StatusStored {
			b.Fatalf("store: %v %+v", err, rep.Errors)
		}
		check += mid.Sub(start)
		confirm += time.Since(mid)
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(check.Seconds()/n, "check-s")
	b.ReportMetric(confirm.Seconds()/n, "store-s")
	b.ReportMetric((check+confirm).Seconds()/n, "total-s")
}

// BenchmarkCheckRevision is the check (a dry run) of a 100,000-row file
// against a database that holds its values already: every value is
// compared with the stored one, as when a quarter's file is sent again
// with revisions.
//
//	go test -run '^$' -bench CheckRevision -benchtime 5x ./ingest/
func BenchmarkCheckRevision(b *testing.B) {
	const rows = 100_000
	content := benchWorkbookBytes(b, rows)
	// Stored: the same rows and a thousand more, so the file checked is
	// not the one stored (which would be "unchanged", and not compared).
	stored := benchWorkbookBytes(b, rows+1_000)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	in := New(st, nil)
	if rep, err := in.Ingest(ctx, "stored.xlsx", stored, Options{}); err != nil || rep.Status != StatusStored {
		b.Fatalf("store: %v %+v", err, rep.Errors)
	}
	for b.Loop() {
		rep, err := in.Ingest(ctx, "long.xlsx", content, Options{DryRun: true})
		if err != nil || rep.Status != StatusStored || rep.Preview == nil {
			b.Fatalf("check: %v %+v", err, rep.Errors)
		}
		unchanged := 0
		for _, mc := range rep.Preview.Measures {
			unchanged += mc.Unchanged
		}
		if unchanged != rep.Counts.Observations {
			b.Fatalf("%d of %d values compared unchanged", unchanged, rep.Counts.Observations)
		}
	}
}

// benchWorkbookBytes is the content of benchWorkbook's file of n rows.
func benchWorkbookBytes(b *testing.B, n int) []byte {
	content, err := os.ReadFile(benchWorkbook(b, n))
	if err != nil {
		b.Fatal(err)
	}
	return content
}
