package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Account administration: the changes an administrator makes to users
// and their API tokens. Each change returns the user as they were and as
// they are, for the audit log.

// SetUserRole gives a user another role. It refuses (ECONFLICT) to take
// the role of administrator from the last active administrator.
func (s *Store) SetUserRole(ctx context.Context, id int64, role metrics.Role) (before, after metrics.User, err error) {
	if _, err := metrics.ParseRole(string(role)); err != nil {
		return metrics.User{}, metrics.User{}, err
	}
	return s.updateUser(ctx, id, func(u *metrics.User) (string, []any) {
		u.Role = role
		return `role = ?`, []any{string(role)}
	})
}

// SetUserDisabled disables or enables a user. Disabling ends their
// sessions (a new session generation), so enabling them again does not
// bring an old session back; it refuses (ECONFLICT) to disable the last
// active administrator.
func (s *Store) SetUserDisabled(ctx context.Context, id int64, disabled bool) (before, after metrics.User, err error) {
	return s.updateUser(ctx, id, func(u *metrics.User) (string, []any) {
		if !disabled {
			u.Disabled = false
			return `disabled = 0`, nil
		}
		if !u.Disabled {
			u.SessionGen++
		}
		u.Disabled = true
		return `disabled = 1, session_gen = ?`, []any{u.SessionGen}
	})
}

// SetPassword replaces a user's password hash and ends their sessions.
// mustChange asks them to choose their own at their next sign-in (for a
// password an administrator generated). The returned user's SessionGen
// is the new generation, for a user changing their own password to keep
// the session they are in.
func (s *Store) SetPassword(ctx context.Context, id int64, passwordHash string, mustChange bool) (metrics.User, error) {
	_, after, err := s.updateUser(ctx, id, func(u *metrics.User) (string, []any) {
		u.SessionGen++
		u.MustChangePassword = mustChange
		return `password_hash = ?, must_change_password = ?, session_gen = ?`, []any{passwordHash, boolInt(mustChange), u.SessionGen}
	})
	return after, err
}

// ResetPassword is an administrator's reset of a user's password: as
// SetPassword, and in the same transaction it revokes every API token
// of the user, since a reset is what follows a password known to
// someone else, and a token issued to that someone would outlive it.
// It returns the user and how many tokens were revoked.
func (s *Store) ResetPassword(ctx context.Context, id int64, passwordHash string, mustChange bool) (metrics.User, int, error) {
	revoked := 0
	_, after, err := s.updateUser(ctx, id, func(u *metrics.User) (string, []any) {
		u.SessionGen++
		u.MustChangePassword = mustChange
		return `password_hash = ?, must_change_password = ?, session_gen = ?`, []any{passwordHash, boolInt(mustChange), u.SessionGen}
	}, func(ctx context.Context, tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM api_tokens WHERE user_id = ?`), id)
		if err != nil {
			return fmt.Errorf("revoke the tokens of user %d: %w", id, err)
		}
		n, _ := res.RowsAffected()
		revoked = int(n)
		return nil
	})
	return after, revoked, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// updateUser applies one change to a user in a transaction: change edits
// the user read from the database and returns the SET clause and its
// arguments; also runs in the same transaction after the update. A change that would leave no active administrator is
// refused, so that someone can always manage users.
func (s *Store) updateUser(ctx context.Context, id int64, change func(u *metrics.User) (set string, args []any),
	also ...func(ctx context.Context, tx *sqlx.Tx) error) (before, after metrics.User, err error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return before, after, fmt.Errorf("update user %d: %w", id, err)
	}
	defer tx.Rollback()
	if err := s.lockUsers(ctx, tx); err != nil {
		return before, after, fmt.Errorf("update user %d: %w", id, err)
	}
	var r userRow
	err = tx.GetContext(ctx, &r, s.rebind(`SELECT `+userColumns+` FROM users WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return before, after, metrics.Errorf(metrics.ENOTFOUND, "there is no such user")
	}
	if err != nil {
		return before, after, fmt.Errorf("update user %d: %w", id, err)
	}
	if before, err = r.user(); err != nil {
		return before, after, err
	}
	after = before
	set, args := change(&after)
	if before.IsAdmin() && !after.IsAdmin() {
		var others int
		if err := tx.GetContext(ctx, &others, s.rebind(`SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?`), id); err != nil {
			return before, after, fmt.Errorf("update user %d: count administrators: %w", id, err)
		}
		if others == 0 {
			return before, after, metrics.Errorf(metrics.ECONFLICT,
				"%s is the only active administrator: make another user an administrator first, so that someone can still manage users", before.Name)
		}
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE users SET `+set+` WHERE id = ?`), append(args, id)...); err != nil {
		return before, after, fmt.Errorf("update user %q: %w", before.Name, err)
	}
	for _, fn := range also {
		if err := fn(ctx, tx); err != nil {
			return before, after, err
		}
	}
	if err := tx.Commit(); err != nil {
		return before, after, fmt.Errorf("update user %q: %w", before.Name, err)
	}
	return before, after, nil
}

type tokenRow struct {
	ID        int64          `db:"id"`
	UserID    int64          `db:"user_id"`
	UserName  string         `db:"user_name"`
	Name      string         `db:"name"`
	CreatedAt string         `db:"created_at"`
	LastUsed  sql.NullString `db:"last_used_at"`
}

func (r tokenRow) token() (metrics.APIToken, error) {
	var p rowTimes
	t := metrics.APIToken{ID: r.ID, UserID: r.UserID, UserName: r.UserName, Name: r.Name,
		CreatedAt: p.time(r.CreatedAt), LastUsed: p.optTime(r.LastUsed)}
	return t, p.check("token", r.ID)
}

const tokenQuery = `SELECT t.id, t.user_id, u.name AS user_name, t.name, t.created_at, t.last_used_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id`

// ListTokens returns every API token (never the token itself), by owner
// and then oldest first.
func (s *Store) ListTokens(ctx context.Context) ([]metrics.APIToken, error) {
	rows, err := readRows[tokenRow](ctx, s, tokenQuery+` ORDER BY u.name, t.id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return fromRows(rows, tokenRow.token)
}

// RevokeToken deletes an API token, which stops working at once, and
// returns it as it was. An unknown id gives ENOTFOUND.
func (s *Store) RevokeToken(ctx context.Context, id int64) (metrics.APIToken, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return metrics.APIToken{}, fmt.Errorf("revoke token %d: %w", id, err)
	}
	defer tx.Rollback()
	var r tokenRow
	err = tx.GetContext(ctx, &r, s.rebind(tokenQuery+` WHERE t.id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.APIToken{}, metrics.Errorf(metrics.ENOTFOUND, "there is no such token: it may have been revoked already")
	}
	if err != nil {
		return metrics.APIToken{}, fmt.Errorf("revoke token %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM api_tokens WHERE id = ?`), id); err != nil {
		return metrics.APIToken{}, fmt.Errorf("revoke token %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return metrics.APIToken{}, fmt.Errorf("revoke token %d: %w", id, err)
	}
	return r.token()
}

// TokenUsed stamps the time a token (by its SHA-256, hex) last
// authenticated a request. Callers stamp now and then, not on every
// request: it is a write.
func (s *Store) TokenUsed(ctx context.Context, tokenSHA256 string) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`UPDATE api_tokens SET last_used_at = ? WHERE token_sha256 = ?`),
		formatTime(s.now()), tokenSHA256)
	if err != nil {
		return fmt.Errorf("stamp token use: %w", err)
	}
	return nil
}
