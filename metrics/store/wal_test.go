package store_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// walSize is the size of a SQLite database's write-ahead log.
func walSize(t *testing.T, db string) int64 {
	t.Helper()
	fi, err := os.Stat(db + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// A failed write leaves no write-ahead log behind to fill the disk: a
// transaction larger than the writer's page cache (32 MB) writes its
// pages to the log as it goes, and once it is rolled back the log is
// checkpointed and cut back; before, the log kept its size until the
// next successful write, and a failed upload that had filled the disk
// left it full. (The log is SQLite's; PostgreSQL keeps its own.)
func TestAFailedWriteLeavesNoWriteAheadLog(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "wal.db")
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	original := make([]byte, 48<<20)
	rand.Read(original)

	// An ingest rolled back after writing its file and values.
	tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "big.xlsx", Kind: metrics.KindPerformance, UploadedBy: "analyst"}, original)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.UpsertMetric(ctx, calls); err != nil {
		t.Fatal(err)
	}
	if grown := walSize(t, db); grown < 8<<20 {
		t.Fatalf("the write-ahead log grew to %d bytes only: the test does not exercise a large write", grown)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if left := walSize(t, db); left > 1<<20 {
		t.Errorf("after the failed ingest the write-ahead log holds %d bytes", left)
	}

	// A file held for confirmation that fills the disk (here the
	// database's size limit, 40 MB) fails, and leaves no log either.
	s.Close()
	full, err := store.Open(ctx, fmt.Sprintf("file:%s?_pragma=max_page_count(%d)", db, (40<<20)/4096))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { full.Close() })
	err = full.SavePending(ctx, "sha", "analyst", "big.xlsx", original)
	if store.StorageFault(err) == "" {
		t.Fatalf("saving 48 MB into a 40 MB database: %v, want a full disk", err)
	}
	if left := walSize(t, db); left > 1<<20 {
		t.Errorf("after the failed pending upload the write-ahead log holds %d bytes", left)
	}
	// And the database works on.
	if err := full.SavePending(ctx, "sha", "analyst", "small.xlsx", []byte("small")); err != nil {
		t.Errorf("a small pending upload after the failure: %v", err)
	}
}
