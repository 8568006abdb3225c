package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Board pack editions: the pack as presented to a meeting, frozen. There
// is no method that changes or deletes one, and the database refuses it
// too (see migration 00006). Editions hold sensitive figures, so a
// viewer who may not see sensitive data is told there are none.

type editionRow struct {
	ID          int64  `db:"id"`
	Meeting     string `db:"meeting"`
	Edition     int    `db:"edition"`
	PublishedAt string `db:"published_at"`
	PublishedBy string `db:"published_by"`
	SHA256      string `db:"sha256"`
	Content     string `db:"content"`
}

// editionColumns leave out the content, which only Edition reads.
const editionColumns = `e.id, e.meeting, e.edition, e.published_at, e.published_by, e.sha256`

func (r editionRow) edition() (metrics.BoardPackEdition, error) {
	var p rowTimes
	e := metrics.BoardPackEdition{ID: r.ID, Number: r.Edition, PublishedBy: r.PublishedBy, SHA256: r.SHA256,
		Meeting: p.date(r.Meeting), PublishedAt: p.time(r.PublishedAt)}
	if r.Content != "" {
		e.Content = []byte(r.Content)
	}
	return e, p.check("edition", r.ID)
}

func noEditions() error {
	return metrics.Errorf(metrics.ENOTFOUND, "No board pack edition has been published for this meeting.")
}

// PublishEdition freezes a board pack for a meeting as its next edition,
// by by, stamped with the clock. When the latest edition for the meeting
// has the same content, nothing is stored and that edition is returned
// with created false: publishing twice is a no-op, as uploading the same
// file twice is. Two publications racing for one number give ECONFLICT.
func (s *Store) PublishEdition(ctx context.Context, meeting time.Time, by string, content []byte) (e metrics.BoardPackEdition, created bool, err error) {
	if len(content) == 0 {
		return e, false, metrics.Errorf(metrics.EINVALID, "an empty board pack cannot be published")
	}
	sum := sha256.Sum256(content)
	digest := hex.EncodeToString(sum[:])
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return e, false, fmt.Errorf("publish edition: %w", err)
	}
	defer tx.Rollback()
	latest, err := s.latestEdition(ctx, tx, meeting)
	switch {
	case err == nil && latest.SHA256 == digest:
		return latest, false, nil
	case err != nil && metrics.ErrorCode(err) != metrics.ENOTFOUND:
		return e, false, err
	}
	e = metrics.BoardPackEdition{Meeting: dateOnly(meeting), Number: latest.Number + 1, PublishedAt: s.now(), PublishedBy: by, SHA256: digest, Content: content}
	err = tx.GetContext(ctx, &e.ID, s.rebind(`INSERT INTO board_pack_editions (meeting, edition, published_at, published_by, content, sha256)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), formatDate(e.Meeting), e.Number, formatTime(e.PublishedAt), by, string(content), digest)
	if isUniqueViolation(err) {
		return e, false, metrics.Errorf(metrics.ECONFLICT, "Another edition for this meeting was published at the same moment: reload the pack and publish again if it still differs.")
	}
	if err != nil {
		return e, false, fmt.Errorf("publish edition: %w", err)
	}
	if err := tx.Commit(); err != nil {
		if isUniqueViolation(err) {
			return e, false, metrics.Errorf(metrics.ECONFLICT, "Another edition for this meeting was published at the same moment: reload the pack and publish again if it still differs.")
		}
		return e, false, fmt.Errorf("publish edition: %w", err)
	}
	return e, true, nil
}

// latestEdition is the meeting's latest edition without its content, or
// ENOTFOUND.
func (s *Store) latestEdition(ctx context.Context, tx *sqlx.Tx, meeting time.Time) (metrics.BoardPackEdition, error) {
	var r editionRow
	err := tx.GetContext(ctx, &r, s.rebind(`SELECT `+editionColumns+` FROM board_pack_editions e
		WHERE e.meeting = ? ORDER BY e.edition DESC LIMIT 1`), formatDate(meeting))
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.BoardPackEdition{}, noEditions()
	}
	if err != nil {
		return metrics.BoardPackEdition{}, fmt.Errorf("latest edition: %w", err)
	}
	return r.edition()
}

// LatestEdition returns the latest edition published for a meeting, with
// its content, or ENOTFOUND when there is none or the viewer may not see
// sensitive data.
func (s *Store) LatestEdition(ctx context.Context, scope metrics.Scope, meeting time.Time) (metrics.BoardPackEdition, error) {
	if !scope.Sensitive {
		return metrics.BoardPackEdition{}, noEditions()
	}
	var e metrics.BoardPackEdition
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		latest, err := s.latestEdition(ctx, tx, meeting)
		if err != nil {
			return err
		}
		e, err = s.edition(ctx, tx, scope, latest.ID)
		return err
	})
	return e, err
}

// Edition returns one edition with its content. An unknown id, or a
// viewer who may not see sensitive data, gives ENOTFOUND.
func (s *Store) Edition(ctx context.Context, scope metrics.Scope, id int64) (metrics.BoardPackEdition, error) {
	return readValue(ctx, s, func(tx *sqlx.Tx) (metrics.BoardPackEdition, error) { return s.edition(ctx, tx, scope, id) })
}

func (s *Store) edition(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, id int64) (metrics.BoardPackEdition, error) {
	var r editionRow
	// The scope is in the query, so that the rows stay safe whatever
	// the callers check.
	err := tx.GetContext(ctx, &r, s.rebind(`SELECT `+editionColumns+`, e.content FROM board_pack_editions e WHERE e.id = ? AND ?`), id, scope.Sensitive)
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.BoardPackEdition{}, metrics.Errorf(metrics.ENOTFOUND, "There is no board pack edition %d.", id)
	}
	if err != nil {
		return metrics.BoardPackEdition{}, fmt.Errorf("edition %d: %w", id, err)
	}
	return r.edition()
}

// Editions lists every edition without its content, the latest meeting
// first, then the latest edition. A viewer who may not see sensitive data
// gets none.
func (s *Store) Editions(ctx context.Context, scope metrics.Scope) ([]metrics.BoardPackEdition, error) {
	rows, err := readRows[editionRow](ctx, s, `SELECT `+editionColumns+` FROM board_pack_editions e
		WHERE ? ORDER BY e.meeting DESC, e.edition DESC`, scope.Sensitive)
	if err != nil {
		return nil, fmt.Errorf("editions: %w", err)
	}
	return fromRows(rows, editionRow.edition)
}
