package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// A full disk and a read-only database each give a clear error that says
// nothing was stored, and the database is left as it was. A full disk is
// SQLite's own size limit here (max_page_count), which fails writes with
// the code a full disk gives, SQLITE_FULL; a read-only database is
// opened with mode=ro, since root, which CI runs as, may write to a file
// whatever its permissions.
func TestStorageFaultsGiveAClearErrorAndStoreNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	small := filepath.Join(dir, "small.xlsx")
	big := filepath.Join(dir, "big.xlsx")
	ingesttest.WriteLong(t, small, 50)
	ingesttest.WriteLong(t, big, 20_000)

	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"ingest", "--db", db, small}, nil, &out, &errb); err != nil {
		t.Fatalf("the first ingest: %v\n%s", err, errb.String())
	}
	want := countValues(t, db)
	// Room for the original file but not for its 20,000 values, so the
	// disk fills in the middle of writing them.
	fi, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}
	limit := fmt.Sprintf("max_page_count(%d)", pages(t, db)+int(fi.Size())/4096+64)

	tests := []struct {
		name, dsn string
		want      []string
	}{
		{"disk full", "file:" + db + "?_pragma=" + limit,
			[]string{"big.xlsx", "disk holding the database is full", "nothing from this file was stored", "run the ingest again"}},
		{"read-only", "file:" + db + "?mode=ro",
			[]string{"big.xlsx", "database file is read-only", "nothing from this file was stored", "run the ingest again"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(ctx, []string{"ingest", "--db", tt.dsn, big}, nil, &out, &errb)
			if err == nil {
				t.Fatalf("the ingest succeeded:\n%s", out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error does not say %q:\n%v", w, err)
				}
			}
			if got := countValues(t, db); got != want {
				t.Errorf("after the failed ingest the database holds %d values, want the %d it had", got, want)
			}
		})
	}
	// With room and write access again, the same file is stored whole
	// (its values include, and so supersede, the small file's).
	if err := run(ctx, []string{"ingest", "--db", db, big}, nil, &out, &errb); err != nil {
		t.Fatalf("the ingest after the faults: %v", err)
	}
	if got := countValues(t, db); got != 20_000 {
		t.Errorf("after the faults are gone the database holds %d current values, want 20000", got)
	}
}

func countValues(t *testing.T, db string) int {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := st.ListMetrics(ctx, metrics.Everything)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		obs, err := st.Series(ctx, metrics.Everything, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		n += len(obs)
	}
	return n
}

// pages is the size of a SQLite database in pages, its write-ahead log
// included.
func pages(t *testing.T, db string) int {
	t.Helper()
	n := 0
	for _, f := range []string{db, db + "-wal"} {
		if fi, err := os.Stat(f); err == nil {
			n += int(fi.Size()+4095) / 4096
		}
	}
	return n
}
