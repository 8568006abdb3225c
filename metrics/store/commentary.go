package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/assure-pcc/assure/metrics"
)

// Commentary: an analyst's words on one measure for one period, kept as
// versions. Commentary is for the board: it may speak of sensitive
// matters even on an open measure, so a viewer who may not see sensitive
// data gets none at all, whatever the measure.

type commentaryRow struct {
	ID          int64  `db:"id"`
	MetricID    string `db:"metric_id"`
	PeriodKind  string `db:"period_kind"`
	PeriodStart string `db:"period_start"`
	PeriodEnd   string `db:"period_end"`
	Body        string `db:"body"`
	WrittenBy   string `db:"written_by"`
	WrittenAt   string `db:"written_at"`
}

const commentaryColumns = `c.id, c.metric_id, c.period_kind, c.period_start, c.period_end, c.body, c.written_by, c.written_at`

func (r commentaryRow) commentary() (metrics.Commentary, error) {
	var p rowTimes
	c := metrics.Commentary{ID: r.ID, MetricID: r.MetricID, Text: r.Body, Author: r.WrittenBy,
		Period:    metrics.Period{Kind: metrics.PeriodKind(r.PeriodKind), Start: p.date(r.PeriodStart), End: p.date(r.PeriodEnd)},
		WrittenAt: p.time(r.WrittenAt)}
	return c, p.check("commentary", r.ID)
}

func commentaries(rows []commentaryRow) ([]metrics.Commentary, error) {
	return fromRows(rows, commentaryRow.commentary)
}

// WriteCommentary saves a new version of a measure's commentary for a
// period, by c.Author, stamped with the clock; an empty text clears it.
// The earlier versions stay. A measure that does not exist gives
// ENOTFOUND; an invalid commentary EINVALID.
func (s *Store) WriteCommentary(ctx context.Context, c metrics.Commentary) (metrics.Commentary, error) {
	c.Text = strings.TrimSpace(strings.ReplaceAll(c.Text, "\r\n", "\n"))
	if err := c.Validate(); err != nil {
		return c, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return c, fmt.Errorf("write commentary: %w", err)
	}
	defer tx.Rollback()
	if _, err := s.getVisibleMetric(ctx, tx, metrics.Everything, c.MetricID); err != nil {
		return c, err
	}
	c.WrittenAt = s.now()
	err = tx.GetContext(ctx, &c.ID, s.rebind(`INSERT INTO commentary
		(metric_id, period_kind, period_key, period_start, period_end, body, written_by, written_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		c.MetricID, string(c.Period.Kind), c.Period.Key(), formatDate(c.Period.Start), formatDate(c.Period.End), c.Text, c.Author, formatTime(c.WrittenAt))
	if err != nil {
		return c, fmt.Errorf("write commentary on %s: %w", c.MetricID, err)
	}
	return c, tx.Commit()
}

// CommentaryHistory returns every version of a measure's commentary, by
// period (latest period first), then newest version first: the first of
// each period is its current text. A viewer who may not see sensitive
// data gets none; a measure that does not exist or that the viewer may
// not see gives ENOTFOUND.
func (s *Store) CommentaryHistory(ctx context.Context, scope metrics.Scope, metricID string) ([]metrics.Commentary, error) {
	rows, err := readMeasureRows[commentaryRow](ctx, s, scope, metricID, `SELECT `+commentaryColumns+` FROM commentary c
		WHERE c.metric_id = ? AND ?
		ORDER BY c.period_start DESC, c.period_kind, c.id DESC`, metricID, scope.Sensitive)
	if err != nil {
		return nil, wrapRead("commentary of "+metricID, err)
	}
	return commentaries(rows)
}

// CurrentCommentary returns the current, non-empty commentary of every
// measure and period, for the board pack, by measure then period. A
// viewer who may not see sensitive data gets none.
func (s *Store) CurrentCommentary(ctx context.Context, scope metrics.Scope) ([]metrics.Commentary, error) {
	rows, err := readRows[commentaryRow](ctx, s, `SELECT `+commentaryColumns+` FROM commentary c
		JOIN (SELECT metric_id, period_kind, period_key, MAX(id) AS id FROM commentary
			GROUP BY metric_id, period_kind, period_key) latest ON latest.id = c.id
		WHERE c.body <> '' AND ?
		ORDER BY c.metric_id, c.period_start, c.period_kind`, scope.Sensitive)
	if err != nil {
		return nil, fmt.Errorf("current commentary: %w", err)
	}
	return commentaries(rows)
}
