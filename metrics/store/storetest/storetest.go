// Package storetest gives tests a fresh, migrated Assure database on
// every dialect the environment offers: a SQLite file in t.TempDir()
// always, and PostgreSQL when ASSURE_TEST_POSTGRES holds a DSN, each test
// in a schema of its own that is dropped when the test ends, so that
// tests can run in parallel and leave nothing behind.
//
//	for _, d := range storetest.Dialects(t) {
//		t.Run(d, func(t *testing.T) {
//			s := storetest.Open(t, d)
//			...
//		})
//	}
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop schemas

	"github.com/assure-pcc/assure/metrics/store"
)

// EnvPostgres names the environment variable holding the DSN of a
// PostgreSQL database that tests may create schemas in, such as
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvPostgres = "ASSURE_TEST_POSTGRES"

// Dialects returns the dialects to test: "sqlite", then "postgres" when
// ASSURE_TEST_POSTGRES is set.
func Dialects(t testing.TB) []string {
	t.Helper()
	if os.Getenv(EnvPostgres) != "" {
		return []string{store.SQLite, store.Postgres}
	}
	return []string{store.SQLite}
}

// Open returns a migrated Store on a database of its own, closed when the
// test ends: a new SQLite file in t.TempDir(), or a new PostgreSQL schema.
// It skips the test for "postgres" when ASSURE_TEST_POSTGRES is unset, and
// fails it for any other dialect.
func Open(t testing.TB, dialect string) *store.Store {
	t.Helper()
	return OpenDSN(t, DSN(t, dialect))
}

// DSN returns the DSN of a database of the test's own, empty until a
// Store opens it: a new SQLite file in t.TempDir(), or a new PostgreSQL
// schema (see PostgresDSN). Tests that need several Stores on one
// database, as several servers have, open it with OpenDSN more than once.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case store.SQLite:
		return filepath.Join(t.TempDir(), "assure.db")
	case store.Postgres:
		return PostgresDSN(t)
	}
	t.Fatalf("storetest: unknown dialect %q", dialect)
	return ""
}

// OpenDSN returns a migrated Store on dsn, closed when the test ends.
func OpenDSN(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("storetest: close: %v", err)
		}
	})
	return s
}

// HoldWriteLock takes, on a connection of its own, the lock that every
// write to the database needs, and holds it until release is called (or
// the test ends): on SQLite an immediate transaction, on PostgreSQL an
// EXCLUSIVE lock on every table of the schema, which lets reads through
// and stops every write. A test proves that something only reads by
// running it meanwhile.
func HoldWriteLock(t testing.TB, dialect, dsn string) (release func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	driver := "sqlite"
	if dialect == store.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	if dialect == store.Postgres {
		_, err = conn.ExecContext(ctx, `BEGIN`)
		if err == nil {
			_, err = conn.ExecContext(ctx, `
				DO $$ DECLARE t text; BEGIN
					FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
						EXECUTE format('LOCK TABLE %I IN EXCLUSIVE MODE', t);
					END LOOP;
				END $$`)
		}
	} else {
		_, err = conn.ExecContext(ctx, `BEGIN IMMEDIATE`)
	}
	if err != nil {
		t.Fatalf("storetest: take the write lock: %v", err)
	}
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		conn.ExecContext(context.Background(), `ROLLBACK`)
		conn.Close()
		db.Close()
	}
	t.Cleanup(release)
	return release
}

// PostgresDSN creates an empty schema in the ASSURE_TEST_POSTGRES
// database and returns a DSN whose search_path is that schema, for tests
// that start a server process of their own. The schema is dropped with
// everything in it when the test ends; cleanups registered later (such as
// stopping the process) run first. It skips the test when
// ASSURE_TEST_POSTGRES is unset.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("storetest: %s is not set", EnvPostgres)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "assure_test_" + hex.EncodeToString(b[:])
	dsn, err := withSearchPath(base, schema)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgres, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := AdminExec(ctx, base, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := AdminExec(ctx, base, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	return dsn
}

// AdminExec runs one statement on a connection of its own (to make or
// drop a schema).
func AdminExec(ctx context.Context, dsn, stmt string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

// withSearchPath sets search_path in a postgres:// URL (the only form
// store.Open takes for PostgreSQL); pgx sends parameters it does not know
// to the server as run-time settings.
func withSearchPath(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", errors.New("not a valid URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return "", errors.New("must be a postgres:// URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ApproveAll approves every waiting classification proposal, as a test's
// administrator would: uploads only propose to open a measure, and tests
// that read open measures approve them as a person would.
func ApproveAll(t testing.TB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	ps, err := st.ListProposals(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if _, err := st.DecideProposal(ctx, p.ID, store.Decision{Approve: true, By: "test-admin"}); err != nil {
			t.Fatal(err)
		}
	}
}
