package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/jmoiron/sqlx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/assure-pcc/assure/metrics"
)

// The differences between the two databases live here and in the twin
// migration folders; every query is one SQL text.

// maxParams is the most bind variables one statement may carry:
// SQLite's SQLITE_MAX_VARIABLE_NUMBER (32766 since 3.32) and PostgreSQL's
// wire protocol limit (65535, a 16-bit count).
func maxParams(dialect string) int {
	if dialect == Postgres {
		return 65535
	}
	return 32766
}

// insertInto begins a bulk INSERT (of incidents). On SQLite it is
// INSERT OR FAIL: a plain INSERT (OR ABORT) must undo its own earlier rows
// when a later one breaks a constraint, so SQLite writes a statement
// journal of every page a multi-row INSERT touches; OR FAIL keeps those
// rows instead, and needs no journal. That is safe here because an
// IngestTx that fails an insert can only be rolled back. PostgreSQL has
// no such clause and no such cost.
func insertInto(dialect string) string {
	if dialect == SQLite {
		return "INSERT OR FAIL INTO"
	}
	return "INSERT INTO"
}

// lockIngest makes ingests take turns, one writer at a time, as SQLite's
// BEGIN IMMEDIATE does by itself. Under PostgreSQL's READ COMMITTED, two
// ingests giving values for the same cell would each supersede only the
// values committed before it began, and both new values would stay
// current; they would also both pass the check for an identical file.
// The lock is held until the transaction ends.
func (s *Store) lockIngest(ctx context.Context, tx *sqlx.Tx) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", s.ingestLock)
	return err
}

// lockUsers makes changes to users take turns, so that two
// administrators demoting each other at the same moment cannot both see
// the other still in office and leave no administrator. SQLite's
// writer already runs one transaction at a time (BEGIN IMMEDIATE). On
// PostgreSQL the lock blocks other writes to users until the transaction
// ends; reads, sign-ins included, go on.
func (s *Store) lockUsers(ctx context.Context, tx *sqlx.Tx) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
	return err
}

// forUpdate ends a SELECT that locks the rows it reads until the
// transaction ends, on PostgreSQL. SQLite's writer runs one transaction
// at a time (BEGIN IMMEDIATE), which locks everything it reads.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// skipLocked ends a SELECT that passes over rows another transaction
// has locked, on PostgreSQL.
func (s *Store) skipLocked() string {
	if s.dialect == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// reclaimWAL gives back the disk a failed write took. A transaction
// larger than the writer's page cache writes its pages to SQLite's
// write-ahead log as it goes; rolled back, those pages are void but the
// log keeps its size until the next commit's checkpoint, and when the
// write failed because the disk was full, the log is what keeps it full.
// A TRUNCATE checkpoint copies what committed writes the log still holds
// into the database and cuts the log to nothing. It is best effort: a
// reader holding an old snapshot makes it give up (after busy_timeout at
// most; the context bounds it sooner), and the next checkpoint finishes
// the work, cutting the log to sqliteJournalLimit. Nothing to do on
// PostgreSQL.
func (s *Store) reclaimWAL() {
	if s.dialect != SQLite {
		return
	}
	// The writer is held meanwhile: two seconds at most, and what is
	// left is done by the next commit's checkpoint.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var busy, logFrames, checkpointed int
	_ = s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed)
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

// isPostgresDSN reports whether dsn names a PostgreSQL server.
func isPostgresDSN(dsn string) bool {
	lower := strings.ToLower(dsn)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}

// SQLite connection settings.
//
// WAL lets readers run beside the one writer; foreign keys are off in
// SQLite unless each connection asks. busy_timeout makes a connection wait
// for a lock held by another process (an `assure ingest` beside `assure
// serve`) instead of failing at once; a large workbook holds the write
// lock for several seconds, hence 30 s.
//
// Writes go through one connection that begins every transaction with
// BEGIN IMMEDIATE (_txlock=immediate). The single connection makes writers
// in this process wait their turn in database/sql's pool, in order and
// cancellable by their context, rather than poll the file lock. IMMEDIATE
// takes the write lock when the transaction begins, so busy_timeout covers
// waiting for another process; a deferred transaction that reads first
// and writes later gets SQLITE_BUSY at once, with no wait, whenever
// another writer committed in between (SQLite cannot upgrade its stale
// snapshot), and every ingest reads before it writes.
//
// Reads go through a separate pool of query_only connections, which WAL
// never blocks.
//
// Measured on a busy 2-core machine, 4 goroutines each running 100
// transactions that read then insert, beside 4 readers in a loop: one
// shared pool with deferred transactions failed 318 of the 400 with
// SQLITE_BUSY; one shared pool with BEGIN IMMEDIATE failed none but took
// 56 s, its writers polling the lock in the busy handler; this split (one
// immediate writer, a pool of readers) failed none in 31 s.
// TestConcurrentReadersAndWriters keeps checking it, with two Stores on
// one file.
//
// synchronous stays FULL (SQLite's default): an ingest is one commit, so
// the fsync costs nothing worth saving, and "stored" should mean stored.
const sqliteBusyTimeoutMS = 30000

// sqliteWriterCacheKiB is the page cache of the writer, as a negative
// cache_size (KiB). When every value was a row in four indexes, an
// ingest dirtied far more index pages than SQLite's default 2 MB, and
// 32 MB kept a 100,000-row ingest inside the cache. Values are blocks
// now, written once and not searched: at 8 MB the 500,000-row ingests
// ran as fast as at 32 MB (ingest/floor 0.068 and 0.076 against 0.060
// and 0.073 for 4 columns, 0.129 and 0.135 against 0.137 and 0.139 for
// 12, alternate runs) and their peak RSS fell from 132 to 138 MB to 104
// to 111 MB (4 columns) and from 209 to 213 MB to 159 to 162 MB (12).
const sqliteWriterCacheKiB = -8192

// sqliteJournalLimit is the size the write-ahead log is cut back to
// (journal_size_limit) whenever a checkpoint empties it. Without it the
// log keeps the size of the largest transaction ever written (a 100 MB
// upload left 100 MB of log for good); reclaimWAL also cuts it to
// nothing after a failed write.
const sqliteJournalLimit = 64 << 20

// sqliteDSNs turns a path or "file:" URI into the driver DSNs of the
// writer and of the readers.
func sqliteDSNs(dsn string) (writer, reader string, err error) {
	base, query := "", url.Values{}
	if strings.HasPrefix(dsn, "file:") {
		rawQuery := ""
		base, rawQuery, _ = strings.Cut(dsn, "?")
		query, err = url.ParseQuery(rawQuery)
		if err != nil {
			return "", "", metrics.Errorf(metrics.EINVALID, "sqlite database %q: query string: %v", dsn, err)
		}
	} else {
		base = "file:" + escapeSQLitePath(dsn)
	}
	if base == "file::memory:" || strings.EqualFold(query.Get("mode"), "memory") {
		// Readers and the writer use separate connections, and each
		// connection to an in-memory database gets its own empty one.
		return "", "", metrics.Errorf(metrics.EINVALID, "sqlite database %q: in-memory databases are not supported, give a file path", dsn)
	}
	// What the store sets itself replaces what the caller asked for, so
	// that the discipline above always holds; anything else the caller
	// gives (a vfs, more pragmas) is kept.
	query.Del("_txlock")
	query.Del("_query_only")
	pragmas := query["_pragma"]
	query.Del("_pragma")
	common := append([]string{fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeoutMS), "foreign_keys(1)"}, pragmas...)

	w := cloneValues(query)
	w["_pragma"] = append([]string{"journal_mode(WAL)", fmt.Sprintf("cache_size(%d)", sqliteWriterCacheKiB),
		fmt.Sprintf("journal_size_limit(%d)", sqliteJournalLimit)}, common...)
	w.Set("_txlock", "immediate")

	r := cloneValues(query)
	// The writer sets WAL (it persists in the file); a reader changing the
	// journal mode would need a lock it should never take.
	r["_pragma"] = append([]string{"query_only(1)"}, common...)

	return base + "?" + w.Encode(), base + "?" + r.Encode(), nil
}

func cloneValues(v url.Values) url.Values {
	c := make(url.Values, len(v))
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// escapeSQLitePath makes a file path safe inside a "file:" URI: SQLite
// decodes %XX there and ends the path at ? or #.
func escapeSQLitePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(p)
}

// sqliteReaders is the size of the read pool: modernc.org/sqlite is pure
// Go and CPU-bound, so more readers than cores only queue, but a few are
// kept even on small machines so that one slow page does not stall others.
func sqliteReaders() int { return max(4, runtime.NumCPU()) }

func openSQLite(ctx context.Context, dsn string) (*Store, error) {
	wdsn, rdsn, err := sqliteDSNs(dsn)
	if err != nil {
		return nil, err
	}
	fail := func(err error) error { return fmt.Errorf("open sqlite database %q: %w", dsn, err) }

	w, err := sqlx.Open("sqlite", wdsn)
	if err != nil {
		return nil, fail(err)
	}
	// One connection, never closed for idleness: see the note above.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := setUpSQLite(ctx, w); err != nil {
		w.Close()
		return nil, fail(err)
	}

	r, err := sqlx.Open("sqlite", rdsn)
	if err != nil {
		w.Close()
		return nil, fail(err)
	}
	r.SetMaxOpenConns(sqliteReaders())
	r.SetMaxIdleConns(sqliteReaders())
	r.SetConnMaxIdleTime(5 * time.Minute)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fail(err)
	}
	return &Store{Now: time.Now, dialect: SQLite, bind: sqlx.QUESTION, db: w, rdb: r}, nil
}

// setUpSQLite connects the writer and migrates. Processes opening a new
// file at the same moment (a server and an ingest) race: both may turn
// the file to WAL, which can fail with SQLITE_BUSY without waiting, and
// both may see the first migration pending, the loser failing on "table
// already exists" (goose has no lock for SQLite). Another attempt finds
// the work done; a real fault fails every time and is reported.
// TestOpenConcurrently failed 3 runs in 10 without this.
func setUpSQLite(ctx context.Context, w *sqlx.DB) error {
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return errors.Join(err, ctx.Err())
			case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
			}
		}
		if err = w.PingContext(ctx); err != nil {
			continue
		}
		if err = migrate(ctx, w.DB, SQLite); err == nil {
			return nil
		}
	}
	return err
}

// postgresConns is the most connections one Assure opens to PostgreSQL.
const postgresConns = 20

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	where, secrets, err := describePostgres(dsn)
	if err != nil {
		return nil, err
	}
	fail := func(err error) error {
		return fmt.Errorf("open postgres database %s: %w", where, redacted(err, secrets))
	}
	db, err := sqlx.Open("pgx", dsn)
	if err != nil {
		return nil, fail(err)
	}
	// PostgreSQL handles concurrent writers itself; the pool only bounds
	// how many server processes one Assure holds. Every connection it
	// opens is kept when put back, as SQLite's readers are: with fewer
	// kept than opened, each one put back over the limit was closed and
	// the next request opened another, a PostgreSQL process forked and
	// signed in for most requests under load (half the machine's CPU
	// went to the kernel). A connection idle for five minutes is still
	// closed, so a quiet server holds none.
	db.SetMaxOpenConns(postgresConns)
	db.SetMaxIdleConns(postgresConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fail(err)
	}
	if err := migrate(ctx, db.DB, Postgres); err != nil {
		db.Close()
		return nil, fail(err)
	}
	lockID, err := postgresLockID(ctx, db.DB, "ingest")
	if err != nil {
		db.Close()
		return nil, fail(err)
	}
	return &Store{Now: time.Now, dialect: Postgres, bind: sqlx.DOLLAR, db: db, rdb: db, ingestLock: lockID}, nil
}

// describePostgres names a PostgreSQL DSN for messages ("test" on
// 127.0.0.1:5432) without user or password, and returns the secrets it
// holds so that they can be cut out of any error the driver returns.
func describePostgres(dsn string) (where string, secrets []string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		// url.Parse quotes the whole DSN in its error: do not wrap it.
		return "", nil, metrics.Errorf(metrics.EINVALID, "postgres database: the DSN is not a valid URL (write postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
	}
	if p, ok := u.User.Password(); ok && p != "" {
		secrets = append(secrets, p, url.QueryEscape(p), url.PathEscape(p))
	}
	if p := u.Query().Get("password"); p != "" {
		secrets = append(secrets, p, url.QueryEscape(p))
	}
	return fmt.Sprintf("%q on %s", strings.TrimPrefix(u.Path, "/"), u.Host), secrets, nil
}

// redactedError hides secrets from an error's message and keeps the cause
// for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redacted(err error, secrets []string) error {
	msg := err.Error()
	changed := false
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "xxxxx")
			changed = true
		}
	}
	if !changed {
		return err
	}
	return &redactedError{msg: msg, err: err}
}
