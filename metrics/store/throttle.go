package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
)

// Sign-in attempts are throttled in the database, so that every server
// behind one database counts the same attempts, and each attempt is
// reserved before its password is checked, in one transaction that
// locks the keys' rows: forty wrong passwords sent at the same moment
// are five checked and thirty-five refused, not forty checked. An
// attempt that succeeds gives its reservation back.
//
// A key that has used its free attempts backs off: the next attempt must
// wait Base, the one after twice that, and so on up to Max, never more.
// Nothing bans: whoever waits gets an attempt.

// ThrottleRule is how one key (a user name, an address, a browser) is
// throttled.
type ThrottleRule struct {
	// Key names what is counted: "user:NAME", "ip:ADDRESS", "device:…".
	Key string
	// Free is how many attempts may follow each other with no wait.
	Free int
	// Base is the wait after the Free-th attempt; each further attempt
	// doubles it, up to Max.
	Base, Max time.Duration
	// Forget is how long the key must be quiet for its attempts to be
	// forgotten.
	Forget time.Duration
}

// wait is how long the key must wait after its n-th counted attempt.
func (r ThrottleRule) wait(n int) time.Duration {
	if n < r.Free {
		return 0
	}
	w := r.Base
	for i := r.Free; i < n && w < r.Max; i++ {
		w *= 2
	}
	return min(w, r.Max)
}

// LoginReservation is an attempt counted against its keys, to be given
// back (Release) if it turns out not to have been a failure.
type LoginReservation struct {
	keys []reservedKey
}

type reservedKey struct {
	key string
	// before and after are the key's next_at before and after the
	// reservation: giving it back restores before if no other attempt
	// has moved next_at since.
	before, after string
}

// maxThrottleRows bounds login_throttle, whose keys include whatever
// names strangers type: about one attempt in forgetEvery deletes the
// keys quiet for longer than their Forget, and keeps only the newest
// maxThrottleRows. Variables so that a test can change them.
var (
	maxThrottleRows = 100000
	forgetEvery     = 16
)

// ReserveLoginAttempt counts one attempt against every rule's key, or
// against none: when any key must still wait, nothing is counted and
// wait says how long until all of them may be tried. The keys' rows are
// locked (and on SQLite the one writer runs one transaction at a time),
// so that concurrent attempts on any server are counted one after
// another.
func (s *Store) ReserveLoginAttempt(ctx context.Context, rules []ThrottleRule) (res *LoginReservation, wait time.Duration, err error) {
	now := s.now()
	rules = slices.Clone(rules)
	// Always lock in one order, so two transactions on PostgreSQL never
	// wait for each other's keys.
	slices.SortFunc(rules, func(a, b ThrottleRule) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	if rand.IntN(forgetEvery) == 0 {
		var forget time.Duration
		for _, r := range rules {
			forget = max(forget, r.Forget)
		}
		if err := s.tidyThrottle(ctx, now.Add(-forget)); err != nil {
			return nil, 0, err
		}
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("reserve sign-in attempt: %w", err)
	}
	defer tx.Rollback()
	res = &LoginReservation{}
	type update struct {
		key, next string
		attempts  int
	}
	var updates []update
	for _, r := range rules {
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO login_throttle (key, attempts, next_at, last_at) VALUES (?, 0, ?, ?)
			ON CONFLICT (key) DO NOTHING`), r.Key, formatTime(now), formatTime(now)); err != nil {
			return nil, 0, fmt.Errorf("reserve sign-in attempt: %w", err)
		}
		var row struct {
			Attempts int    `db:"attempts"`
			NextAt   string `db:"next_at"`
			LastAt   string `db:"last_at"`
		}
		if err := tx.GetContext(ctx, &row, s.rebind(`SELECT attempts, next_at, last_at FROM login_throttle WHERE key = ?`+s.forUpdate()), r.Key); err != nil {
			return nil, 0, fmt.Errorf("reserve sign-in attempt: %w", err)
		}
		next, err := parseTime(row.NextAt)
		if err != nil {
			return nil, 0, err
		}
		last, err := parseTime(row.LastAt)
		if err != nil {
			return nil, 0, err
		}
		attempts := row.Attempts
		if now.Sub(last) > r.Forget {
			attempts, next = 0, now
		}
		// A key with free attempts left never waits, whatever next_at
		// says: another server whose clock runs ahead may have stamped it
		// in what is this server's future.
		if now.Before(next) && attempts >= r.Free {
			wait = max(wait, next.Sub(now))
			continue
		}
		attempts++
		// A wait moves next_at on; no wait leaves it where it was, so
		// that a transaction that read the clock a moment earlier and
		// waited its turn is not refused by a later one's "now".
		after := row.NextAt
		if w := r.wait(attempts); w > 0 {
			after = formatTime(now.Add(w))
		}
		res.keys = append(res.keys, reservedKey{key: r.Key, before: row.NextAt, after: after})
		updates = append(updates, update{key: r.Key, next: after, attempts: attempts})
	}
	if wait > 0 {
		return nil, wait, nil
	}
	for _, u := range updates {
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE login_throttle SET attempts = ?, next_at = ?, last_at = ? WHERE key = ?`),
			u.attempts, u.next, formatTime(now), u.key); err != nil {
			return nil, 0, fmt.Errorf("reserve sign-in attempt: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, fmt.Errorf("reserve sign-in attempt: %w", err)
	}
	return res, 0, nil
}

// tidyThrottle deletes the keys quiet since before, and keeps only the
// newest maxThrottleRows. It runs on its own, not inside a reservation,
// and on PostgreSQL passes over rows another transaction holds (SKIP
// LOCKED), so that it never waits for a sign-in nor makes one wait for
// it in a way that could deadlock.
func (s *Store) tidyThrottle(ctx context.Context, before time.Time) error {
	cut := formatTime(before)
	var newest sql.NullString
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &newest, s.rebind(`SELECT last_at FROM login_throttle ORDER BY last_at DESC LIMIT 1 OFFSET ?`), maxThrottleRows)
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("tidy sign-in keys: %w", err)
	case newest.Valid && newest.String > cut:
		cut = newest.String
	}
	_, err = s.db.ExecContext(ctx, s.rebind(`DELETE FROM login_throttle WHERE key IN (SELECT key FROM login_throttle WHERE last_at <= ?`+s.skipLocked()+`)`), cut)
	if err != nil {
		return fmt.Errorf("tidy sign-in keys: %w", err)
	}
	return nil
}

// ReleaseLoginAttempt gives a reservation back: the attempt succeeded,
// or was never made (the server was too busy to check it). Keys in
// forget are forgotten whole (a user's, or a browser's, after a right
// password); the others lose this attempt only, and their wait goes back
// to what it was unless another attempt has moved it since.
func (s *Store) ReleaseLoginAttempt(ctx context.Context, res *LoginReservation, forget ...string) error {
	if res == nil {
		return nil
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("release sign-in attempt: %w", err)
	}
	defer tx.Rollback()
	for _, k := range res.keys {
		if slices.Contains(forget, k.key) {
			if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM login_throttle WHERE key = ?`), k.key); err != nil {
				return fmt.Errorf("release sign-in attempt: %w", err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE login_throttle SET attempts = attempts - 1,
			next_at = CASE WHEN next_at = ? THEN ? ELSE next_at END WHERE key = ? AND attempts > 0`),
			k.after, k.before, k.key); err != nil {
			return fmt.Errorf("release sign-in attempt: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("release sign-in attempt: %w", err)
	}
	return nil
}

// LoginAttempts is how many attempts are counted against key, and
// until when it must wait; for tests and the audit of a refusal.
func (s *Store) LoginAttempts(ctx context.Context, key string) (attempts int, next time.Time, err error) {
	var row struct {
		Attempts int    `db:"attempts"`
		NextAt   string `db:"next_at"`
	}
	err = s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &row, s.rebind(`SELECT attempts, next_at FROM login_throttle WHERE key = ?`), key)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("sign-in attempts: %w", err)
	}
	next, err = parseTime(row.NextAt)
	return row.Attempts, next, err
}

// Browsers that have signed in. Each holds a random token in a cookie;
// only its SHA-256 is stored, with the user it signed in.

// maxDeviceAge is how long a browser is remembered after it last signed
// in.
const maxDeviceAge = 180 * 24 * time.Hour

// RememberDevice records that the browser holding the token of this
// SHA-256 (hex) signed in as the user, or renews the record, and forgets
// browsers unseen for maxDeviceAge.
func (s *Store) RememberDevice(ctx context.Context, userID int64, tokenSHA256 string) error {
	now := formatTime(s.now())
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("remember browser: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO login_devices (token_sha256, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (token_sha256) DO UPDATE SET last_seen_at = excluded.last_seen_at, user_id = excluded.user_id`),
		tokenSHA256, userID, now, now); err != nil {
		return fmt.Errorf("remember browser: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM login_devices WHERE last_seen_at < ?`), formatTime(s.now().Add(-maxDeviceAge))); err != nil {
		return fmt.Errorf("forget old browsers: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("remember browser: %w", err)
	}
	return nil
}

// DeviceUser is the id of the user the browser with this token SHA-256
// last signed in as, and whether it is known at all.
func (s *Store) DeviceUser(ctx context.Context, tokenSHA256 string) (int64, bool, error) {
	var id int64
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &id, s.rebind(`SELECT user_id FROM login_devices WHERE token_sha256 = ? AND last_seen_at >= ?`),
			tokenSHA256, formatTime(s.now().Add(-maxDeviceAge)))
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("find browser: %w", err)
	}
	return id, true, nil
}
