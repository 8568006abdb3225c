package storetest

import (
	"context"
	"net/url"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestWithSearchPath(t *testing.T) {
	tests := []struct {
		dsn     string
		ok      bool
		keepKey string // a parameter of the original DSN that must survive
	}{
		{"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", true, "sslmode"},
		{"postgresql://u:p@h/db", true, ""},
		{"postgres://h/db?search_path=public", true, ""},
		{"host=h dbname=db", false, ""},
		{"/tmp/a.db", false, ""},
	}
	for _, tt := range tests {
		got, err := withSearchPath(tt.dsn, "assure_test_x")
		if (err == nil) != tt.ok {
			t.Errorf("withSearchPath(%q) err = %v, want ok=%t", tt.dsn, err, tt.ok)
			continue
		}
		if !tt.ok {
			continue
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		if sp := u.Query()["search_path"]; len(sp) != 1 || sp[0] != "assure_test_x" {
			t.Errorf("withSearchPath(%q) = %q: search_path %q", tt.dsn, got, sp)
		}
		if tt.keepKey != "" && u.Query().Get(tt.keepKey) == "" {
			t.Errorf("withSearchPath(%q) = %q lost %s", tt.dsn, got, tt.keepKey)
		}
	}
}

// Each Open is a database of its own: what one test stores, another
// never sees.
func TestOpenIsolates(t *testing.T) {
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			a, b := Open(t, d), Open(t, d)
			if a.Dialect() != d || b.Dialect() != d {
				t.Fatalf("dialects %q, %q; want %q", a.Dialect(), b.Dialect(), d)
			}
			tx, err := a.BeginIngest(ctx, metrics.Upload{FileName: "a.xlsx"}, []byte("a"))
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.Finish(ctx); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name string
				s    *store.Store
				want int
			}{{"a", a, 1}, {"b", b, 0}} {
				ups, err := c.s.ListUploads(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if len(ups) != c.want {
					t.Errorf("store %s holds %d uploads, want %d", c.name, len(ups), c.want)
				}
			}
		})
	}
}

func TestOpenUnknownDialect(t *testing.T) {
	ft := &fatalRecorder{TB: t}
	func() {
		defer func() { recover() }()
		Open(ft, "oracle")
	}()
	if !ft.failed {
		t.Errorf("Open(oracle) did not fail the test")
	}
}

// fatalRecorder records Fatalf instead of ending the test.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.failed = true
	panic("fatal")
}

func (f *fatalRecorder) Helper() {}
