package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// TestKilledIngestStoresAllOrNothing kills `assure ingest` with SIGKILL
// while it is writing a large file: the database then holds none of it,
// and the next run stores all of it.
func TestKilledIngestStoresAllOrNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and ingests 200,000 rows")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "assure")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const rows = 200_000
	book := filepath.Join(dir, "big.xlsx")
	ingesttest.WriteLong(t, book, rows)
	db := filepath.Join(dir, "a.db")

	cmd := exec.Command(bin, "ingest", "--db", db, book)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once it is well into writing: its write-ahead log grows.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if fi, err := os.Stat(db + "-wal"); err == nil && fi.Size() > 4<<20 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the ingest never got going")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if err == nil {
		t.Skip("the ingest finished before it could be killed")
	}

	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatalf("the database does not open after the kill: %v", err)
	}
	ups, _ := st.ListUploads(ctx)
	ms, _ := st.ListMetrics(ctx, metrics.Everything)
	st.Close()
	if len(ups) != 0 || len(ms) != 0 {
		t.Fatalf("after SIGKILL the database holds %d uploads and %d metrics, want none", len(ups), len(ms))
	}

	out, err := exec.Command(bin, "ingest", "--db", db, "--json", book).Output()
	if err != nil {
		t.Fatalf("the next run: %v\n%s", err, out)
	}
	st, err = store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	total := 0
	ms, _ = st.ListMetrics(ctx, metrics.Everything)
	for _, m := range ms {
		obs, err := st.Series(ctx, metrics.Everything, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		total += len(obs)
	}
	if total != rows {
		t.Errorf("the next run stored %d values, want all %d", total, rows)
	}
}
