package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Failed sign-ins are kept in the database so that every server behind
// one database counts the same failures: a guesser spreading attempts
// over several servers meets the same limit as one who does not.

// maxLoginFailures bounds the login_failures table. Rows older than the
// throttle's window are deleted with every new failure, and each failure
// costs an argon2id hash, so a server records at most some tens a
// second; the cap matters only should failures outrun that, and then the
// oldest go first. capEvery is how often, in inserted rows, the cap is
// enforced: finding the 100,000th row on every failure would cost more
// than the failure. Variables so that a test can lower them.
var (
	maxLoginFailures int64 = 100000
	capEvery         int64 = 100
)

// RecentLoginFailures counts the failed sign-ins recorded for key within
// the last window, and says how long until the oldest of them leaves it.
func (s *Store) RecentLoginFailures(ctx context.Context, key string, window time.Duration) (n int, retryAfter time.Duration, err error) {
	now := s.now()
	var row struct {
		N      int     `db:"n"`
		Oldest *string `db:"oldest"`
	}
	err = s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &row, s.rebind(`SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE key = ? AND at > ?`),
			key, formatTime(now.Add(-window)))
	})
	if err != nil {
		return 0, 0, fmt.Errorf("count failed sign-ins: %w", err)
	}
	if row.Oldest != nil {
		oldest, err := parseTime(*row.Oldest)
		if err != nil {
			return 0, 0, err
		}
		retryAfter = max(0, oldest.Add(window).Sub(now))
	}
	return row.N, retryAfter, nil
}

// AddLoginFailure records one failed sign-in under each key (a user
// name, a client address) and forgets failures older than window, in one
// transaction.
func (s *Store) AddLoginFailure(ctx context.Context, window time.Duration, keys ...string) error {
	now := s.now()
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	defer tx.Rollback()
	var last int64
	for _, k := range keys {
		if err := tx.GetContext(ctx, &last, s.rebind(`INSERT INTO login_failures (key, at) VALUES (?, ?) RETURNING id`), k, formatTime(now)); err != nil {
			return fmt.Errorf("record failed sign-in: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM login_failures WHERE at <= ?`), formatTime(now.Add(-window))); err != nil {
		return fmt.Errorf("forget old failed sign-ins: %w", err)
	}
	if last%capEvery < int64(len(keys)) {
		// About every capEvery rows (ids may skip), keep the newest
		// maxLoginFailures. Where there are fewer, the subquery is NULL
		// and nothing matches.
		if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM login_failures WHERE id <= (SELECT id FROM login_failures ORDER BY id DESC LIMIT 1 OFFSET ?)`),
			maxLoginFailures); err != nil {
			return fmt.Errorf("cap failed sign-ins: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets key's failed sign-ins, after a successful one.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, s.rebind(`DELETE FROM login_failures WHERE key = ?`), key); err != nil {
		return fmt.Errorf("clear failed sign-ins: %w", err)
	}
	return nil
}
