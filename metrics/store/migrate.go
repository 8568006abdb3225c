package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// The schema is versioned by goose from numbered .sql files embedded in
// the binary. There are twin folders, migrations/sqlite and
// migrations/postgres, because the DDL cannot be shared: an auto-numbered
// key is INTEGER PRIMARY KEY AUTOINCREMENT in SQLite and GENERATED ... AS
// IDENTITY in PostgreSQL, neither accepts the other's; a float is REAL in
// SQLite but REAL is single precision in PostgreSQL; bytes are BLOB against
// BYTEA; SQLite tables are STRICT, and the foreign keys of observations
// are deferred there for bulk-insert speed (see the file); PostgreSQL text
// is COLLATE "C" so that both sort text the same way. The queries, by
// contrast, are one text. A new migration gets the same number in both
// folders, and the two must keep the same tables, columns and indexes.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// goMigrations are the migrations that need Go rather than SQL: data
// conversions that encode values as the store does. Each runs in its own
// transaction, as the .sql files do, and is numbered among them.
func goMigrations(dialect string) []*goose.Migration {
	convert := func(ctx context.Context, tx *sql.Tx) error {
		return convertObservations(ctx, tx, dialect)
	}
	none := func(context.Context, *sql.Tx) error { return nil }
	return []*goose.Migration{
		// 00015 filled current_series from observations. Migration 00018
		// rewrites every current series from the blocks it converts
		// observations into, so 00015 now leaves it to that.
		goose.NewGoMigration(15, &goose.GoFunc{RunTx: none}, &goose.GoFunc{Mode: goose.TransactionEnabled}),
		// 00018: observations' rows into value_blocks (00017), and the
		// current series from them.
		goose.NewGoMigration(18, &goose.GoFunc{RunTx: convert}, nil),
		// 00020: the headline of every current series (00019).
		goose.NewGoMigration(20, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return fillHeadlines(ctx, tx, dialect)
		}}, nil),
	}
}

// migrate applies every pending migration of the dialect.
func migrate(ctx context.Context, db *sql.DB, dialect string) error {
	return migrateTo(ctx, db, dialect, 0)
}

// migrateTo applies the dialect's pending migrations up to version, or
// all of them when version is 0; tests use it to make a database as an
// older Assure left it.
func migrateTo(ctx context.Context, db *sql.DB, dialect string, version int64) error {
	fsys, err := fs.Sub(migrationFiles, "migrations/"+dialect)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	gooseDialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{
		goose.WithLogger(goose.NopLogger()),
		// Go migrations registered in goose's global registry by some other
		// package must never run against Assure's database.
		goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(goMigrations(dialect)...),
	}
	if dialect == Postgres {
		gooseDialect = goose.DialectPostgres
		id, err := postgresLockID(ctx, db, "migrations")
		if err != nil {
			return err
		}
		// Several servers starting on one database wait for each other
		// instead of running the same migration twice. Lock retries come
		// every second (goose's default is five) for up to five minutes.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gooseDialect, db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	// p.Close would close db, which the Store keeps.
	if version > 0 {
		_, err = p.UpTo(ctx, version)
	} else {
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// postgresLockID derives an advisory lock id for one purpose from the
// schema the connection works in. Advisory locks are per database, and
// one database may hold several Assure schemas (the tests run one per
// test, in parallel); a fixed id would make them all wait for each other.
func postgresLockID(ctx context.Context, db *sql.DB, purpose string) (int64, error) {
	var schema sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return 0, fmt.Errorf("current schema: %w", err)
	}
	if !schema.Valid {
		return 0, errors.New("no current schema: the search_path names no schema that exists")
	}
	h := fnv.New64a()
	h.Write([]byte("assure " + purpose + "\x00" + schema.String))
	return int64(h.Sum64()), nil
}
