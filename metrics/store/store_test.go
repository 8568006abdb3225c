package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// Opening a database twice applies the migrations once: the second Open
// finds nothing pending, keeps the data and records no new version.
func TestOpenMigratesOnce(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var dsn, driver string
			switch d {
			case store.SQLite:
				dsn, driver = filepath.Join(t.TempDir(), "twice.db"), "sqlite"
			case store.Postgres:
				dsn, driver = storetest.PostgresDSN(t), "pgx"
			}
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if s.Dialect() != d {
				t.Errorf("Dialect() = %q, want %q", s.Dialect(), d)
			}
			id, _ := ingest(t, s, file{name: "a.xlsx", metrics: []metrics.Metric{calls},
				obs: []metrics.Observation{ob(calls.ID, "Force", metrics.MonthOf(2021, 8), 1, "Data", "C2")}})
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}

			for range 2 {
				s, err = store.Open(ctx, dsn)
				if err != nil {
					t.Fatalf("second Open: %v", err)
				}
				if err := s.Ping(ctx); err != nil {
					t.Fatal(err)
				}
				if _, found, err := s.FindUploadBySHA(ctx, sha("content of a.xlsx")); err != nil || !found {
					t.Fatalf("upload %d lost after reopening: found=%t err=%v", id, found, err)
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			}

			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var applied, distinct int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &distinct); err != nil {
				t.Fatal(err)
			}
			if applied != distinct {
				t.Errorf("goose_db_version holds %d applied migrations of %d versions: some ran twice", applied, distinct)
			}
		})
	}
}

// Errors from Open name the kind of database and never the password.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dsn string
		want      []string // substrings of the error
		code      string   // metrics.ErrorCode, when it matters
	}{
		{"empty", "  ", []string{"no database"}, metrics.EINVALID},
		{"memory", ":memory:", []string{"sqlite", "in-memory"}, metrics.EINVALID},
		{"memory uri", "file:x?mode=memory&cache=shared", []string{"sqlite", "in-memory"}, metrics.EINVALID},
		{"sqlite missing dir", filepath.Join(t.TempDir(), "no", "such", "dir", "a.db"), []string{"sqlite"}, ""},
		{"postgres refused, password in URL", "postgres://assure:S3cretPw@127.0.0.1:1/assure?sslmode=disable&connect_timeout=2", []string{"postgres", `"assure" on 127.0.0.1:1`}, ""},
		{"postgresql scheme, password in query", "postgresql://assure@127.0.0.1:1/assure?password=S3cretPw&sslmode=disable&connect_timeout=2", []string{"postgres"}, ""},
		{"postgres bad URL", "postgres://assure:S3cretPw@[::1/assure", []string{"postgres", "not a valid URL"}, metrics.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, err := store.Open(ctx, tt.dsn)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tt.dsn)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "S3cretPw") {
				t.Errorf("error %q reveals the password", msg)
			}
			if tt.code != "" && metrics.ErrorCode(err) != tt.code {
				t.Errorf("ErrorCode = %q, want %q", metrics.ErrorCode(err), tt.code)
			}
		})
	}
}

// A "file:" URI opens the same file as its path, with the store's own
// settings whatever the URI asks for.
func TestOpenFileURI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "uri.db")
	s, err := store.Open(ctx, "file:"+path+"?_txlock=deferred&_pragma=cache_size(-2000)")
	if err != nil {
		t.Fatal(err)
	}
	ingest(t, s, file{name: "u.xlsx", metrics: []metrics.Metric{calls}})
	s.Close()

	s, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, found, err := s.FindUploadBySHA(ctx, sha("content of u.xlsx")); err != nil || !found {
		t.Fatalf("file opened by URI and by path differ: found=%t err=%v", found, err)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

// Servers and ingests starting at once on a new database all open it:
// PostgreSQL through goose's lock, SQLite by retrying the migration.
func TestOpenConcurrently(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			dsn := filepath.Join(t.TempDir(), "new.db")
			if d == store.Postgres {
				dsn = storetest.PostgresDSN(t)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			const n = 4
			errs := make(chan error, n)
			for range n {
				go func() {
					s, err := store.Open(ctx, dsn)
					if err == nil {
						err = s.Close()
					}
					errs <- err
				}()
			}
			for range n {
				if err := <-errs; err != nil {
					t.Errorf("concurrent Open: %v", err)
				}
			}
		})
	}
}
