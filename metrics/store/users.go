package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

type userRow struct {
	ID           int64  `db:"id"`
	Name         string `db:"name"`
	Role         string `db:"role"`
	PasswordHash string `db:"password_hash"`
	Disabled     int    `db:"disabled"`
	CreatedAt    string `db:"created_at"`
	SessionGen   int64  `db:"session_gen"`
	MustChange   int    `db:"must_change_password"`
}

func (r userRow) user() (metrics.User, error) {
	var p rowTimes
	u := metrics.User{ID: r.ID, Name: r.Name, Role: metrics.Role(r.Role), Disabled: r.Disabled != 0, CreatedAt: p.time(r.CreatedAt),
		SessionGen: r.SessionGen, MustChangePassword: r.MustChange != 0}
	return u, p.check("user", r.ID)
}

const userColumns = `id, name, role, password_hash, disabled, created_at, session_gen, must_change_password`

// CreateUser adds a user with an already hashed password. A name that is
// taken gives a *metrics.Error ECONFLICT.
func (s *Store) CreateUser(ctx context.Context, name string, role metrics.Role, passwordHash string) (metrics.User, error) {
	if err := metrics.ValidUserName(name); err != nil {
		return metrics.User{}, err
	}
	if _, err := metrics.ParseRole(string(role)); err != nil {
		return metrics.User{}, err
	}
	now := s.now()
	var id int64
	err := s.db.GetContext(ctx, &id, s.rebind(`INSERT INTO users (name, role, password_hash, disabled, created_at)
		VALUES (?, ?, ?, 0, ?) RETURNING id`), name, string(role), passwordHash, formatTime(now))
	if isUniqueViolation(err) {
		return metrics.User{}, metrics.Errorf(metrics.ECONFLICT, "there is already a user called %q", name)
	}
	if err != nil {
		return metrics.User{}, fmt.Errorf("create user %q: %w", name, err)
	}
	return metrics.User{ID: id, Name: name, Role: role, CreatedAt: now}, nil
}

// UserByName returns a user and their password hash, for signing in.
// An unknown name gives ENOTFOUND.
func (s *Store) UserByName(ctx context.Context, name string) (metrics.User, string, error) {
	return s.findUser(ctx, `name = ?`, name)
}

// UserByID returns a user, for the user of a session. An unknown id
// gives ENOTFOUND.
func (s *Store) UserByID(ctx context.Context, id int64) (metrics.User, error) {
	u, _, err := s.findUser(ctx, `id = ?`, id)
	return u, err
}

func (s *Store) findUser(ctx context.Context, where string, arg any) (metrics.User, string, error) {
	// One statement, which sees one snapshot on its own: no transaction
	// around it. Every signed-in request looks its user up, and the
	// transaction's BEGIN and ROLLBACK were two of the lookup's three
	// statements.
	var r userRow
	err := s.rdb.GetContext(ctx, &r, s.rebind(`SELECT `+userColumns+` FROM users WHERE `+where), arg)
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.User{}, "", metrics.Errorf(metrics.ENOTFOUND, "no such user")
	}
	if err != nil {
		return metrics.User{}, "", fmt.Errorf("find user: %w", err)
	}
	u, err := r.user()
	return u, r.PasswordHash, err
}

// ListUsers returns every user, by name.
func (s *Store) ListUsers(ctx context.Context) ([]metrics.User, error) {
	rows, err := readRows[userRow](ctx, s, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return fromRows(rows, userRow.user)
}

// DisableUser stops a user signing in or using tokens, and ends their
// sessions at once: the dashboard checks the flag on every request, and
// the new session generation voids their sessions should the account be
// enabled again. As SetUserDisabled, it refuses (ECONFLICT) to disable
// the last active administrator; an unknown name gives ENOTFOUND.
func (s *Store) DisableUser(ctx context.Context, name string) error {
	return s.setDisabledByName(ctx, name, true)
}

// EnableUser lets a disabled user sign in again; their old sessions stay
// ended. An unknown name gives ENOTFOUND.
func (s *Store) EnableUser(ctx context.Context, name string) error {
	return s.setDisabledByName(ctx, name, false)
}

func (s *Store) setDisabledByName(ctx context.Context, name string, disabled bool) error {
	u, _, err := s.UserByName(ctx, name)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND {
		return metrics.Errorf(metrics.ENOTFOUND, "there is no user called %q", name)
	}
	if err != nil {
		return err
	}
	if _, _, err := s.SetUserDisabled(ctx, u.ID, disabled); err != nil {
		return err
	}
	return nil
}

// AddToken records an API token for a user by its SHA-256 (hex); the
// token itself is never stored.
func (s *Store) AddToken(ctx context.Context, userID int64, name, tokenSHA256 string) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO api_tokens (user_id, name, token_sha256, created_at) VALUES (?, ?, ?, ?)`),
		userID, name, tokenSHA256, formatTime(s.now()))
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	return nil
}

// UserByToken returns the user whose API token has this SHA-256 (hex).
// An unknown token gives ENOTFOUND.
func (s *Store) UserByToken(ctx context.Context, tokenSHA256 string) (metrics.User, error) {
	var r userRow
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &r, s.rebind(`SELECT u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at,
			u.session_gen, u.must_change_password
			FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_sha256 = ?`), tokenSHA256)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.User{}, metrics.Errorf(metrics.ENOTFOUND, "no such token")
	}
	if err != nil {
		return metrics.User{}, fmt.Errorf("find token: %w", err)
	}
	return r.user()
}

// Audit appends an entry to the audit log, stamping it with the clock.
func (s *Store) Audit(ctx context.Context, e metrics.AuditEntry) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO audit_log (at, actor, action, detail, ip) VALUES (?, ?, ?, ?, ?)`),
		formatTime(s.now()), e.Actor, e.Action, e.Detail, e.IP)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog returns the latest entries of the audit log, newest first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]metrics.AuditEntry, error) {
	var rows []struct {
		ID     int64  `db:"id"`
		At     string `db:"at"`
		Actor  string `db:"actor"`
		Action string `db:"action"`
		Detail string `db:"detail"`
		IP     string `db:"ip"`
	}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &rows, s.rebind(`SELECT id, at, actor, action, detail, ip FROM audit_log ORDER BY id DESC LIMIT ?`), limit)
	})
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	out := make([]metrics.AuditEntry, 0, len(rows))
	for _, r := range rows {
		at, err := parseTime(r.At)
		if err != nil {
			return nil, err
		}
		out = append(out, metrics.AuditEntry{ID: r.ID, At: at, Actor: r.Actor, Action: r.Action, Detail: r.Detail, IP: r.IP})
	}
	return out, nil
}
