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
	const rows = 100_000
	path := benchWorkbook(b, rows)
	content, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
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
