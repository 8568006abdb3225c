package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Sessions is the session store for github.com/alexedwards/scs/v2 (its
// CtxStore interface), kept in Assure's own database so that several
// servers behind one PostgreSQL share sessions and a session can be
// revoked by deleting its row.
type Sessions struct{ s *Store }

// Sessions returns the session store over this database.
func (s *Store) Sessions() *Sessions { return &Sessions{s: s} }

// FindCtx returns a session's data; an unknown or expired token is not
// found, with no error. It reads through the read pool: on SQLite the
// write connection is one, held by an upload for seconds, and every
// signed-in page looks its session up first (the load test measured a
// median of 2.7 s for signed-in pages during an upload when it read
// through the writer, against 17 ms without an upload).
func (ss *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := ss.s.rdb.GetContext(ctx, &data, ss.s.rebind(`SELECT data FROM sessions WHERE token = ? AND expiry > ?`),
		token, formatTime(ss.s.now()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return data, true, nil
}

// CommitCtx stores a session's data until expiry, replacing any earlier.
func (ss *Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := ss.s.db.ExecContext(ctx, ss.s.rebind(`INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`), token, b, formatTime(expiry))
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session; an unknown token is not an error.
func (ss *Sessions) DeleteCtx(ctx context.Context, token string) error {
	if _, err := ss.s.db.ExecContext(ctx, ss.s.rebind(`DELETE FROM sessions WHERE token = ?`), token); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Find is FindCtx without a context, for scs's Store interface.
func (ss *Sessions) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (ss *Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (ss *Sessions) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes expired sessions; the server calls it now and
// then, so the table does not grow without bound.
func (ss *Sessions) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := ss.s.db.ExecContext(ctx, ss.s.rebind(`DELETE FROM sessions WHERE expiry <= ?`), formatTime(ss.s.now()))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
