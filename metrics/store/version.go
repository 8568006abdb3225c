package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// Versions are the database's two counters of what readers see (see
// migrations/sqlite/00009_versions.sql). They only grow, and the
// database itself advances them, in the transaction of each change:
// triggers count every change to the uploads, the catalogue, the
// annotations, the commentary and the board pack editions, whoever
// makes it. A server keeps what it built from the database until the
// counter it was built at moves; since the counters are in the database,
// every server sharing it sees a change at once, whatever each host's
// clock says.
//
// A writer in this package needs to call nothing: a change to one of
// those tables moves the counters by itself. A new table whose rows a
// reader sees (on a kept page, say) gets triggers of its own, in both
// dialects' migrations, as 00009 gives the others.
type Versions struct {
	// Data moves with every change to what the figures are read from:
	// an upload stored or rolled back, a catalogue change (a measure's
	// classification above all).
	Data int64 `db:"data_version"`
	// Page moves with Data and with every change to what a page shows
	// beside the figures: annotations, commentary, board pack editions.
	Page int64 `db:"page_version"`
}

// Versions reads both counters. It is one statement outside a
// transaction (a statement sees one snapshot on its own), since every
// page asks for it.
func (s *Store) Versions(ctx context.Context) (Versions, error) {
	var v Versions
	if err := s.rdb.GetContext(ctx, &v, `SELECT data_version, page_version FROM versions WHERE id = 1`); err != nil {
		return v, wrapRead("versions", err)
	}
	return v, nil
}

// DataVersion is Versions().Data: what a view computed from the figures
// and the catalogue (the overview's analyses, a series) is kept by.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	v, err := s.Versions(ctx)
	return v.Data, err
}

// PageVersion is Versions().Page: what a rendered page is kept by.
func (s *Store) PageVersion(ctx context.Context) (int64, error) {
	v, err := s.Versions(ctx)
	return v.Page, err
}

// versionsIn reads the counters inside a transaction, so that what else
// the transaction reads is known to be of that version.
func (s *Store) versionsIn(ctx context.Context, tx *sqlx.Tx) (Versions, error) {
	var v Versions
	err := tx.GetContext(ctx, &v, `SELECT data_version, page_version FROM versions WHERE id = 1`)
	return v, err
}
