package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Meetings: the calendar of the boards. The dates and titles are public
// (the Commissioner publishes them); who entered or changed a meeting is
// read for signed-in viewers only, in the query.

type meetingRow struct {
	ID        int64          `db:"id"`
	Date      string         `db:"date"`
	Title     string         `db:"title"`
	PapersDue sql.NullString `db:"papers_due"`
	CreatedBy string         `db:"created_by"`
	CreatedAt string         `db:"created_at"`
	UpdatedBy string         `db:"updated_by"`
	UpdatedAt string         `db:"updated_at"`
}

// meetingColumns select a meeting as mt; its two placeholders take
// Scope.Sensitive, which decides whether the staff names are read.
const meetingColumns = `mt.id, mt.date, mt.title, mt.papers_due,
	CASE WHEN ? THEN mt.created_by ELSE '' END AS created_by, mt.created_at,
	CASE WHEN ? THEN mt.updated_by ELSE '' END AS updated_by, mt.updated_at`

func (r meetingRow) meeting() (metrics.Meeting, error) {
	var p rowTimes
	m := metrics.Meeting{ID: r.ID, Title: r.Title, CreatedBy: r.CreatedBy, UpdatedBy: r.UpdatedBy,
		Date: p.date(r.Date), PapersDue: p.optDate(r.PapersDue),
		CreatedAt: p.time(r.CreatedAt), UpdatedAt: p.time(r.UpdatedAt)}
	return m, p.check("meeting", r.ID)
}

func nullDate(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatDate(t), Valid: true}
}

func cleanMeeting(m metrics.Meeting) (metrics.Meeting, error) {
	m.Title = strings.TrimSpace(m.Title)
	if !m.Date.IsZero() {
		m.Date = dateOnly(m.Date)
	}
	if !m.PapersDue.IsZero() {
		m.PapersDue = dateOnly(m.PapersDue)
	}
	return m, m.Validate()
}

func meetingTaken(d time.Time) error {
	return metrics.Errorf(metrics.ECONFLICT, "There is already a meeting on %s: change that one, or choose another date.", d.Format("2 January 2006"))
}

// AddMeeting adds a meeting by m.CreatedBy, stamped with the clock. A
// date that already has a meeting gives ECONFLICT.
func (s *Store) AddMeeting(ctx context.Context, m metrics.Meeting) (metrics.Meeting, error) {
	m, err := cleanMeeting(m)
	if err != nil {
		return m, err
	}
	now := s.now()
	m.CreatedAt, m.UpdatedAt, m.UpdatedBy = now, now, m.CreatedBy
	err = s.db.GetContext(ctx, &m.ID, s.rebind(`INSERT INTO meetings (date, title, papers_due, created_by, created_at, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), formatDate(m.Date), m.Title, nullDate(m.PapersDue), m.CreatedBy, formatTime(now), m.CreatedBy, formatTime(now))
	if isUniqueViolation(err) {
		return m, meetingTaken(m.Date)
	}
	if err != nil {
		return m, fmt.Errorf("add meeting: %w", err)
	}
	return m, nil
}

// UpdateMeeting changes the meeting on date to m (its date too), by
// m.UpdatedBy, and returns it as it was. An unknown date gives
// ENOTFOUND; a new date already taken ECONFLICT.
func (s *Store) UpdateMeeting(ctx context.Context, date time.Time, m metrics.Meeting) (before metrics.Meeting, err error) {
	m, err = cleanMeeting(m)
	if err != nil {
		return before, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return before, fmt.Errorf("update meeting: %w", err)
	}
	defer tx.Rollback()
	if before, err = s.meetingOn(ctx, tx, metrics.Everything, date); err != nil {
		return before, err
	}
	_, err = tx.ExecContext(ctx, s.rebind(`UPDATE meetings SET date = ?, title = ?, papers_due = ?, updated_by = ?, updated_at = ? WHERE id = ?`),
		formatDate(m.Date), m.Title, nullDate(m.PapersDue), m.UpdatedBy, formatTime(s.now()), before.ID)
	if isUniqueViolation(err) {
		return before, meetingTaken(m.Date)
	}
	if err != nil {
		return before, fmt.Errorf("update meeting: %w", err)
	}
	if err := tx.Commit(); err != nil {
		if isUniqueViolation(err) {
			return before, meetingTaken(m.Date)
		}
		return before, fmt.Errorf("update meeting: %w", err)
	}
	return before, nil
}

// DeleteMeeting removes the meeting on date and returns it. A meeting
// that raised actions stays (ECONFLICT): the action log refers to it.
func (s *Store) DeleteMeeting(ctx context.Context, date time.Time) (metrics.Meeting, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return metrics.Meeting{}, fmt.Errorf("delete meeting: %w", err)
	}
	defer tx.Rollback()
	m, err := s.meetingOn(ctx, tx, metrics.Everything, date)
	if err != nil {
		return m, err
	}
	var n int
	if err := tx.GetContext(ctx, &n, s.rebind(`SELECT COUNT(*) FROM actions WHERE meeting_id = ?`), m.ID); err != nil {
		return m, fmt.Errorf("delete meeting: %w", err)
	}
	if n > 0 {
		return m, metrics.Errorf(metrics.ECONFLICT, "The meeting of %s raised %d %s, so it stays on the calendar: change its date or title instead.",
			m.Date.Format("2 January 2006"), n, map[bool]string{true: "action", false: "actions"}[n == 1])
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM meetings WHERE id = ?`), m.ID); err != nil {
		return m, fmt.Errorf("delete meeting: %w", err)
	}
	return m, tx.Commit()
}

// Meeting returns the meeting on date, or ENOTFOUND.
func (s *Store) Meeting(ctx context.Context, scope metrics.Scope, date time.Time) (metrics.Meeting, error) {
	return readValue(ctx, s, func(tx *sqlx.Tx) (metrics.Meeting, error) { return s.meetingOn(ctx, tx, scope, date) })
}

func (s *Store) meetingOn(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, date time.Time) (metrics.Meeting, error) {
	var r meetingRow
	err := tx.GetContext(ctx, &r, s.rebind(`SELECT `+meetingColumns+` FROM meetings mt WHERE mt.date = ?`), scope.Sensitive, scope.Sensitive, formatDate(date))
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.Meeting{}, metrics.Errorf(metrics.ENOTFOUND, "There is no meeting on %s in the calendar: add it on the meetings page first.", date.Format("2 January 2006"))
	}
	if err != nil {
		return metrics.Meeting{}, fmt.Errorf("meeting on %s: %w", formatDate(date), err)
	}
	return r.meeting()
}

// Meetings lists the calendar by date.
func (s *Store) Meetings(ctx context.Context, scope metrics.Scope) ([]metrics.Meeting, error) {
	rows, err := readRows[meetingRow](ctx, s, `SELECT `+meetingColumns+` FROM meetings mt ORDER BY mt.date`, scope.Sensitive, scope.Sensitive)
	if err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	out := make([]metrics.Meeting, 0, len(rows))
	for _, r := range rows {
		m, err := r.meeting()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// What follows serves the reads of every table, not only meetings'.

// rowTimes parses the dates and times a row stores as text, keeping the
// first error, so that converting a row checks once, at its end.
type rowTimes struct{ err error }

func (p *rowTimes) keep(t time.Time, err error) time.Time {
	if p.err == nil {
		p.err = err
	}
	return t
}

func (p *rowTimes) date(s string) time.Time { return p.keep(parseDate(s)) }
func (p *rowTimes) time(s string) time.Time { return p.keep(parseTime(s)) }

// optDate and optTime read a column that may be NULL, as the zero time.
func (p *rowTimes) optDate(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	return p.date(s.String)
}

func (p *rowTimes) optTime(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	return p.time(s.String)
}

// check is the first error, if any, said of the row: "meeting 3: …".
func (p *rowTimes) check(what string, id int64) error {
	if p.err != nil {
		return fmt.Errorf("%s %d: %w", what, id, p.err)
	}
	return nil
}

// readValue runs read in a read transaction and returns what it read.
func readValue[T any](ctx context.Context, s *Store, read func(tx *sqlx.Tx) (T, error)) (T, error) {
	var v T
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		v, err = read(tx)
		return err
	})
	return v, err
}

// readRows runs one query (its placeholders rebound) in a read
// transaction and returns the rows it read.
func readRows[R any](ctx context.Context, s *Store, query string, args ...any) ([]R, error) {
	return readValue(ctx, s, func(tx *sqlx.Tx) ([]R, error) { return selectRows[R](ctx, s, tx, query, args...) })
}

// readMeasureRows is readRows for the rows of one measure: a measure
// that does not exist, or that the viewer may not see, gives ENOTFOUND
// (as GetMetric does) before any row is read.
func readMeasureRows[R any](ctx context.Context, s *Store, scope metrics.Scope, metricID, query string, args ...any) ([]R, error) {
	return readValue(ctx, s, func(tx *sqlx.Tx) ([]R, error) {
		if _, err := s.getVisibleMetric(ctx, tx, scope, metricID); err != nil {
			return nil, err
		}
		return selectRows[R](ctx, s, tx, query, args...)
	})
}

// selectRows runs one query (its placeholders rebound) in tx and
// returns the rows it read.
func selectRows[R any](ctx context.Context, s *Store, tx *sqlx.Tx, query string, args ...any) ([]R, error) {
	var rows []R
	err := tx.SelectContext(ctx, &rows, s.rebind(query), args...)
	return rows, err
}
