package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// StorageFault says what is wrong with where the database keeps its data,
// as the person running Assure can fix it, or "" when err is not such a
// fault: the disk (or the database's size limit) is full, or the database
// is read-only. Both drivers' codes are read, extended SQLite codes
// (SQLITE_READONLY_DBMOVED, say) by their primary code.
func StorageFault(err error) string {
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return "the disk holding the database is full (or the database reached its size limit)"
		case sqlite3.SQLITE_READONLY:
			return "the database file is read-only (check its permissions and those of its folder, and that it is not opened with mode=ro)"
		case sqlite3.SQLITE_IOERR:
			return "the disk holding the database reported an input/output error"
		case sqlite3.SQLITE_CANTOPEN:
			return "the database file cannot be opened (check that its folder exists and is writable)"
		}
		return ""
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "53100": // disk_full
			return "the PostgreSQL server's disk is full"
		case "53200": // out_of_memory
			return "the PostgreSQL server is out of memory"
		case "25006": // read_only_sql_transaction
			return "the PostgreSQL server is read-only (a standby, or default_transaction_read_only is on)"
		case "58030": // io_error
			return "the PostgreSQL server's disk reported an input/output error"
		}
	}
	return ""
}
