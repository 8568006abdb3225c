package ingest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
)

// writeStreetCSV writes n rows in the police.uk street-level layout to a
// file: 43 forces, 36 months, 14 crime types, quoted locations with
// commas. About 230 bytes a row.
func writeStreetCSV(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	crimes := []string{"Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime",
		"Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person", "Vehicle crime", "Violence and sexual offences"}
	w.WriteString("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n")
	for i := range n {
		force := fmt.Sprintf("Force %02d Constabulary", i%43)
		fmt.Fprintf(w, "%016x%048x,%d-%02d,%s,%s,0.%06d,52.%06d,\"On or near Park Road, Street %d\",E0101%04d,Somewhere %03dA,%s,Under investigation,\n",
			i, i*7919, 2017+i/12%3, 1+i%12, force, force, i%999983, i%999979, i%5000, i%9999, i%300, crimes[i*31%len(crimes)])
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkStreamCSVTable streams a generated police.uk CSV of a million
// rows (ASSURE_BENCH_ROWS to change) from a file through the
// police-uk-street mapping, counting crimes per force, month and type:
// the part of a table's ingest whose cost grows with its rows. Peak memory
// is the process's: run the test binary under /usr/bin/time -v.
func BenchmarkStreamCSVTable(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("ASSURE_BENCH_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	path := filepath.Join(b.TempDir(), "street.csv")
	writeStreetCSV(b, path, n)
	st, _ := os.Stat(path)
	m, _ := mapping.Named("police-uk-street")
	in := New(nil, nil)
	b.SetBytes(st.Size())
	b.ResetTimer()
	var elapsed time.Duration
	for range b.N {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		var counts Counts
		probs := &problems{max: 100}
		t, _ := newTableReader(m, probs, &counts, in.Table, metrics.Period{})
		if err := in.readCSVTable(context.Background(), t, f); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		f.Close()
		if probs.failed() || counts.Rows != n {
			b.Fatalf("rows %d, errors %v", counts.Rows, probs.errors)
		}
		total := 0.0
		for _, o := range t.observations("street.csv") {
			total += o.Value
		}
		if total != float64(n) {
			b.Fatalf("the counts add up to %v, not %d", total, n)
		}
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "MB-heap-sys")
	b.ReportMetric(float64(st.Size())/(1<<20), "MB-file")
}
