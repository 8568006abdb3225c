// Package store is the one place in Assure with SQL. It keeps uploads,
// their original files, the metric catalogue and every observation ever
// loaded, in SQLite (the default, a file) or PostgreSQL, from one SQL text:
// placeholders are written as ? and rebound for PostgreSQL, and the few
// places where the databases differ are small helpers in dialect.go and
// twin migration files.
//
// Every read takes the viewer's metrics.Scope and filters sensitive
// metrics inside the query, so a caller cannot receive a row it may not
// show.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Dialect names returned by Store.Dialect.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Store is a handle on Assure's database. It is safe for concurrent use.
type Store struct {
	// Now is the clock: it stamps uploads and catalogue changes, read once
	// per transaction. Open sets it to time.Now; tests replace it.
	Now func() time.Time

	dialect string
	bind    int // sqlx bind type for Rebind
	// db takes every write. On SQLite it holds a single connection, so
	// writers in this process queue in Go instead of contending for the
	// file lock (see openSQLite); on PostgreSQL it is the only pool.
	db *sqlx.DB
	// rdb serves reads. On SQLite it is a pool of read-only connections
	// that WAL lets run beside the writer; on PostgreSQL it is db.
	rdb *sqlx.DB
	// ingestLock is the PostgreSQL advisory lock that serialises ingests
	// (see lockIngest); unused on SQLite.
	ingestLock int64
}

// Open opens the database that dsn names, checks that it answers and
// applies any pending migrations. A dsn starting with postgres:// or
// postgresql:// is PostgreSQL; anything else is a SQLite file path or a
// "file:" URI. Errors say which kind of database failed and never include
// a password.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if strings.TrimSpace(dsn) == "" {
		return nil, metrics.Errorf(metrics.EINVALID, "no database given: pass a SQLite file path or a postgres:// URL")
	}
	open := openSQLite
	if isPostgresDSN(dsn) {
		open = openPostgres
	}
	s, err := open(ctx, dsn)
	if fault := StorageFault(err); fault != "" {
		return nil, fmt.Errorf("%s: %w", fault, err)
	}
	return s, err
}

// Close closes every connection. Open transactions are rolled back.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.rdb != s.db {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// Ping checks that both the write and the read connections answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s database: %w", s.dialect, err)
	}
	if s.rdb != s.db {
		if err := s.rdb.PingContext(ctx); err != nil {
			return fmt.Errorf("ping %s database: %w", s.dialect, err)
		}
	}
	return nil
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// rebind turns the ? placeholders of a query into the dialect's own.
func (s *Store) rebind(query string) string { return sqlx.Rebind(s.bind, query) }

// now is one reading of the clock, in UTC and cut to the microsecond that
// the stored text keeps, so that a value read back equals the one written.
func (s *Store) now() time.Time {
	clock := s.Now
	if clock == nil {
		clock = time.Now
	}
	return clock().UTC().Truncate(time.Microsecond)
}

// read runs fn in a read-only transaction, so that a method making two
// queries sees one snapshot of the database. SQLite's read transactions
// in WAL mode are snapshots; PostgreSQL's default, READ COMMITTED, takes
// a new snapshot for each statement, so there the transaction asks for
// REPEATABLE READ (one snapshot, and for a read-only transaction no
// serialization failures). Without it an upload committed between a
// read's two queries gave values whose upload the first had not seen.
func (s *Store) read(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.rdb.BeginTxx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	// A read-only transaction has nothing to commit; rolling back ends it.
	defer tx.Rollback()
	return fn(tx)
}

// Stored text formats of dates and times; see the migrations.
const (
	dateLayout = "2006-01-02"
	timeLayout = "2006-01-02T15:04:05.000000Z"
)

func formatDate(t time.Time) string { return t.UTC().Format(dateLayout) }

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored date %q: %w", s, err)
	}
	return t, nil
}

// fromRows converts the rows a query read, each with convert (which
// parses what the row stores as text, its times), stopping at the first
// that cannot be.
func fromRows[R, T any](rows []R, convert func(R) (T, error)) ([]T, error) {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		v, err := convert(r)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}
