package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// The settings' keys in the settings table.
const (
	settingOrganisation = "organisation"
	settingHomeArea     = "home_area"
)

// Settings reads the settings, each one not stored at its default.
func (s *Store) Settings(ctx context.Context) (metrics.Settings, error) {
	var rows []struct {
		Key   string `db:"key"`
		Value string `db:"value"`
	}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &rows, `SELECT key, value FROM settings`)
	})
	if err != nil {
		return metrics.Settings{}, fmt.Errorf("settings: %w", err)
	}
	out := metrics.DefaultSettings
	for _, r := range rows {
		switch r.Key {
		case settingOrganisation:
			out.Organisation = r.Value
		case settingHomeArea:
			out.HomeArea = r.Value
		}
	}
	return out.Normalize(), nil
}

// SetSettings stores the settings, as set by the user by.
func (s *Store) SetSettings(ctx context.Context, set metrics.Settings, by string) error {
	return s.putSettings(ctx, set, by, false)
}

// InitSettings stores the settings that are not stored yet (a first
// start's flags), leaving any an administrator has set.
func (s *Store) InitSettings(ctx context.Context, set metrics.Settings, by string) error {
	return s.putSettings(ctx, set, by, true)
}

func (s *Store) putSettings(ctx context.Context, set metrics.Settings, by string, onlyNew bool) error {
	given := set.Organisation
	set = set.Normalize()
	if onlyNew && strings.TrimSpace(given) == "" {
		// Not given: left unset, so that a later start's flag still
		// counts, rather than stored as the default.
		set.Organisation = ""
	}
	if err := set.Validate(); err != nil {
		return err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set settings: %w", err)
	}
	defer tx.Rollback()
	conflict := `DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at
		WHERE settings.value <> excluded.value`
	if onlyNew {
		conflict = `DO NOTHING`
	}
	now := formatTime(s.now())
	for _, kv := range [][2]string{{settingOrganisation, set.Organisation}, {settingHomeArea, set.HomeArea}} {
		if onlyNew && kv[1] == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) `+conflict), kv[0], kv[1], by, now); err != nil {
			return fmt.Errorf("set %s: %w", kv[0], err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set settings: %w", err)
	}
	return nil
}
