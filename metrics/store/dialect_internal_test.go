package store

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
)

func TestSQLiteDSNs(t *testing.T) {
	tests := []struct {
		dsn  string
		base string // the part before ?, as the driver will open it
	}{
		{"assure.db", "file:assure.db"},
		{"/var/lib/assure/assure.db", "file:/var/lib/assure/assure.db"},
		{"/tmp/odd?name#1%.db", "file:/tmp/odd%3Fname%231%25.db"},
		{"file:/tmp/a.db", "file:/tmp/a.db"},
		{"file:/tmp/a.db?_txlock=deferred&_query_only=1&_pragma=cache_size(-2000)&vfs=unix", "file:/tmp/a.db"},
	}
	for _, tt := range tests {
		w, r, err := sqliteDSNs(tt.dsn)
		if err != nil {
			t.Errorf("sqliteDSNs(%q): %v", tt.dsn, err)
			continue
		}
		for role, dsn := range map[string]string{"writer": w, "reader": r} {
			base, rawQuery, _ := strings.Cut(dsn, "?")
			if base != tt.base {
				t.Errorf("%s DSN of %q opens %q, want %q", role, tt.dsn, base, tt.base)
			}
			q, err := url.ParseQuery(rawQuery)
			if err != nil {
				t.Fatal(err)
			}
			pragmas := strings.Join(q["_pragma"], " ")
			for _, p := range []string{"busy_timeout(30000)", "foreign_keys(1)"} {
				if !strings.Contains(pragmas, p) {
					t.Errorf("%s DSN of %q lacks %s: %s", role, tt.dsn, p, dsn)
				}
			}
			if strings.Contains(tt.dsn, "cache_size(-2000)") && !strings.Contains(pragmas, "cache_size(-2000)") {
				t.Errorf("%s DSN of %q dropped the caller's pragma: %s", role, tt.dsn, dsn)
			}
			if tt.dsn == "file:/tmp/a.db?_txlock=deferred&_query_only=1&_pragma=cache_size(-2000)&vfs=unix" && q.Get("vfs") != "unix" {
				t.Errorf("%s DSN dropped the caller's vfs: %s", role, dsn)
			}
			if q.Get("_query_only") != "" {
				t.Errorf("%s DSN keeps the caller's _query_only: %s", role, dsn)
			}
			switch role {
			case "writer":
				if q.Get("_txlock") != "immediate" || !strings.Contains(pragmas, "journal_mode(WAL)") || strings.Contains(pragmas, "query_only") {
					t.Errorf("writer DSN of %q: want WAL, _txlock=immediate, writable: %s", tt.dsn, dsn)
				}
			case "reader":
				if q.Get("_txlock") != "" || !strings.Contains(pragmas, "query_only(1)") || strings.Contains(pragmas, "journal_mode") {
					t.Errorf("reader DSN of %q: want query_only, no _txlock, no journal_mode: %s", tt.dsn, dsn)
				}
			}
		}
	}
	for _, dsn := range []string{":memory:", "file::memory:", "file:a?mode=memory", "file:/tmp/a.db?a=%zz"} {
		if _, _, err := sqliteDSNs(dsn); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("sqliteDSNs(%q) err = %v, want EINVALID", dsn, err)
		}
	}
}

func TestIsPostgresDSN(t *testing.T) {
	tests := map[string]bool{
		"postgres://h/db":    true,
		"postgresql://h/db":  true,
		"POSTGRES://h/db":    true,
		"postgres.db":        false,
		"file:postgres://x":  false,
		"/srv/postgres/a.db": false,
		"host=h dbname=db":   false,
	}
	for dsn, want := range tests {
		if got := isPostgresDSN(dsn); got != want {
			t.Errorf("isPostgresDSN(%q) = %t, want %t", dsn, got, want)
		}
	}
}

func TestDescribePostgres(t *testing.T) {
	tests := []struct {
		dsn, where string
		secrets    []string
	}{
		{"postgres://assure:pa%20ss@db.example:5432/assure?sslmode=require", `"assure" on db.example:5432`, []string{"pa ss", "pa+ss", "pa%20ss"}},
		{"postgres://assure@db/assure?password=hunter2", `"assure" on db`, []string{"hunter2"}},
		{"postgres://db/assure", `"assure" on db`, nil},
	}
	for _, tt := range tests {
		where, secrets, err := describePostgres(tt.dsn)
		if err != nil {
			t.Errorf("describePostgres(%q): %v", tt.dsn, err)
			continue
		}
		if where != tt.where {
			t.Errorf("describePostgres(%q) = %q, want %q", tt.dsn, where, tt.where)
		}
		for _, s := range tt.secrets {
			if !strings.Contains(strings.Join(secrets, "\x00"), s) {
				t.Errorf("describePostgres(%q) secrets %q lack %q", tt.dsn, secrets, s)
			}
			if strings.Contains(where, s) {
				t.Errorf("describePostgres(%q) = %q shows a secret", tt.dsn, where)
			}
		}
	}
}

func TestRedacted(t *testing.T) {
	cause := errors.New(`connect to user=assure password=hunter2: refused`)
	err := redacted(cause, []string{"hunter2"})
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("redacted error %q shows the secret", err)
	}
	if !errors.Is(err, cause) {
		t.Errorf("redacted error does not unwrap to its cause")
	}
	if plain := errors.New("refused"); redacted(plain, []string{"hunter2"}) != plain {
		t.Errorf("an error without secrets was wrapped")
	}
}

// The writer cuts SQLite's write-ahead log back to sqliteJournalLimit
// at each checkpoint (journal_size_limit is applied, not only asked for).
func TestSQLiteWriterLimitsItsLog(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var limit int64
	if err := s.db.QueryRowContext(context.Background(), "PRAGMA journal_size_limit").Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit != sqliteJournalLimit {
		t.Errorf("journal_size_limit = %d, want %d", limit, sqliteJournalLimit)
	}
}
