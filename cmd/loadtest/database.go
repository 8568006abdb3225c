package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/assure-pcc/assure/metrics/store/storetest"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop the run's schema
)

// database is where one run keeps its data, and how to remove it.
type database struct {
	// DSN is what store.Open is given.
	DSN string
	// Where names it for the report, without a password.
	Where string
	drop  func() error
}

// prepareDatabase makes an empty database for the run: a schema of its
// own in a PostgreSQL database, so that a shared test database is never
// written outside it, or a new SQLite file.
func prepareDatabase(ctx context.Context, dsn string) (*database, error) {
	if isPostgres(dsn) {
		return preparePostgres(ctx, dsn)
	}
	if dsn == "" {
		dir, err := os.MkdirTemp("", "assure-loadtest-")
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, "assure.db")
		return &database{DSN: path, Where: "SQLite " + path, drop: func() error { return os.RemoveAll(dir) }}, nil
	}
	// A given file must be new: the run fills it with generated data and
	// removes it, which must never happen to a real database.
	if _, err := os.Stat(dsn); err == nil {
		return nil, usageError{fmt.Sprintf("--db %s exists: give a new file path (the run generates its own data)", dsn)}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return &database{DSN: dsn, Where: "SQLite " + dsn, drop: func() error {
		var errs []error
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(dsn + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}}, nil
}

// preparePostgres creates the schema assure_loadtest_<random> and returns
// a DSN whose search_path is that schema (pgx passes unknown URL
// parameters to the server as settings).
func preparePostgres(ctx context.Context, base string) (*database, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, usageError{"--db is not a valid postgres:// URL"}
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	schema := "assure_loadtest_" + hex.EncodeToString(b[:])
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	where := fmt.Sprintf("PostgreSQL %s on %s, schema %s", u.Path, u.Host, schema)

	if err := storetest.AdminExec(ctx, base, "CREATE SCHEMA "+schema); err != nil {
		return nil, fmt.Errorf("create schema in %s: %w", where, err)
	}
	return &database{DSN: u.String(), Where: where, drop: func() error {
		// The run's context may be cancelled (Ctrl-C): dropping must
		// still happen, within its own bound.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return storetest.AdminExec(ctx, base, "DROP SCHEMA "+schema+" CASCADE")
	}}, nil
}
