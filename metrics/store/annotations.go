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

// Annotations: dated notes on a measure's timeline, or on every
// measure's (metric_id NULL). They are as visible as their measure: a
// viewer who may not see a measure gets none of its annotations, while
// one on every measure is seen wherever a measure is. Who wrote or
// changed one is for those signed in: the public gets the annotation
// with no names.

type annotationRow struct {
	ID        int64          `db:"id"`
	MetricID  sql.NullString `db:"metric_id"`
	StartsOn  string         `db:"starts_on"`
	EndsOn    sql.NullString `db:"ends_on"`
	Label     string         `db:"label"`
	Detail    string         `db:"detail"`
	CreatedBy string         `db:"created_by"`
	CreatedAt string         `db:"created_at"`
	UpdatedBy string         `db:"updated_by"`
	UpdatedAt string         `db:"updated_at"`
	Recalc    int            `db:"recalculate"`
}

// annotationColumns select an annotation. Its two placeholders take
// Scope.Sensitive, which only signed-in viewers have: the names of the
// staff who wrote and changed it are read for them and for no one else,
// in the query, so that no page for the public can show a name it never
// received.
const annotationColumns = `a.id, a.metric_id, a.starts_on, a.ends_on, a.label, a.detail,
	CASE WHEN ? THEN a.created_by ELSE '' END AS created_by, a.created_at,
	CASE WHEN ? THEN a.updated_by ELSE '' END AS updated_by, a.updated_at, a.recalculate`

// annotationVisible keeps the annotations of measures the viewer may see,
// and those on every measure. Its one placeholder takes Scope.Sensitive.
const annotationVisible = `(a.metric_id IS NULL OR EXISTS (
	SELECT 1 FROM metrics m WHERE m.id = a.metric_id AND ` + visible + `))`

func (r annotationRow) annotation() (metrics.Annotation, error) {
	var p rowTimes
	a := metrics.Annotation{ID: r.ID, MetricID: r.MetricID.String, Label: r.Label, Detail: r.Detail, CreatedBy: r.CreatedBy, UpdatedBy: r.UpdatedBy,
		Recalculate: r.Recalc == 1, Start: p.date(r.StartsOn), End: p.optDate(r.EndsOn),
		CreatedAt: p.time(r.CreatedAt), UpdatedAt: p.time(r.UpdatedAt)}
	return a, p.check("annotation", r.ID)
}

func annotations(rows []annotationRow) ([]metrics.Annotation, error) {
	return fromRows(rows, annotationRow.annotation)
}

// nullable turns "" into NULL.
func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// endsOn is the stored end of a span: NULL for a single date.
func endsOn(a metrics.Annotation) sql.NullString {
	if !a.IsSpan() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatDate(a.End), Valid: true}
}

// cleanAnnotation trims what an analyst typed and checks it.
func cleanAnnotation(a metrics.Annotation) (metrics.Annotation, error) {
	a.Label = strings.TrimSpace(a.Label)
	a.Detail = strings.TrimSpace(a.Detail)
	a.Start = dateOnly(a.Start)
	if !a.End.IsZero() {
		a.End = dateOnly(a.End)
	}
	return a, a.Validate()
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// AddAnnotation stores a new annotation by a.CreatedBy, stamped with the
// clock, and returns it with its id. A measure that does not exist gives
// ENOTFOUND; an invalid annotation EINVALID.
func (s *Store) AddAnnotation(ctx context.Context, a metrics.Annotation) (metrics.Annotation, error) {
	a, err := cleanAnnotation(a)
	if err != nil {
		return a, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return a, fmt.Errorf("add annotation: %w", err)
	}
	defer tx.Rollback()
	if a.MetricID != "" {
		if _, err := s.getVisibleMetric(ctx, tx, metrics.Everything, a.MetricID); err != nil {
			return a, err
		}
	} else if a.Recalculate {
		return a, metrics.Errorf(metrics.EINVALID, "Limits are recalculated on one measure at a time: put the change point on this measure only.")
	}
	now := s.now()
	a.CreatedAt, a.UpdatedAt, a.UpdatedBy = now, now, a.CreatedBy
	err = tx.GetContext(ctx, &a.ID, s.rebind(`INSERT INTO annotations
		(metric_id, starts_on, ends_on, label, detail, created_by, created_at, updated_by, updated_at, recalculate)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		nullable(a.MetricID), formatDate(a.Start), endsOn(a), a.Label, a.Detail, a.CreatedBy, formatTime(now), a.CreatedBy, formatTime(now), flag(a.Recalculate))
	if err != nil {
		return a, fmt.Errorf("add annotation: %w", err)
	}
	return a, tx.Commit()
}

// flag is a boolean as the 0 or 1 both databases store.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// UpdateAnnotation changes an annotation's dates, label, detail and
// change point flag (never its measure), by a.UpdatedBy, and returns it
// as it was before, for the audit log. A deleted or unknown id gives
// ENOTFOUND; a change point on every measure EINVALID.
func (s *Store) UpdateAnnotation(ctx context.Context, a metrics.Annotation) (before metrics.Annotation, err error) {
	a, err = cleanAnnotation(a)
	if err != nil {
		return before, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return before, fmt.Errorf("update annotation %d: %w", a.ID, err)
	}
	defer tx.Rollback()
	if before, err = s.getAnnotation(ctx, tx, metrics.Everything, a.ID); err != nil {
		return before, err
	}
	if a.Recalculate && before.MetricID == "" {
		return before, metrics.Errorf(metrics.EINVALID, "Limits are recalculated on one measure at a time: this annotation is on every measure.")
	}
	_, err = tx.ExecContext(ctx, s.rebind(`UPDATE annotations SET starts_on = ?, ends_on = ?, label = ?, detail = ?, recalculate = ?, updated_by = ?, updated_at = ?
		WHERE id = ? AND deleted_at IS NULL`), formatDate(a.Start), endsOn(a), a.Label, a.Detail, flag(a.Recalculate), a.UpdatedBy, formatTime(s.now()), a.ID)
	if err != nil {
		return before, fmt.Errorf("update annotation %d: %w", a.ID, err)
	}
	return before, tx.Commit()
}

// DeleteAnnotation hides an annotation, recording who deleted it and
// when; the row stays. It returns the annotation as it was. A deleted or
// unknown id gives ENOTFOUND.
func (s *Store) DeleteAnnotation(ctx context.Context, id int64, by string) (metrics.Annotation, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return metrics.Annotation{}, fmt.Errorf("delete annotation %d: %w", id, err)
	}
	defer tx.Rollback()
	before, err := s.getAnnotation(ctx, tx, metrics.Everything, id)
	if err != nil {
		return before, err
	}
	_, err = tx.ExecContext(ctx, s.rebind(`UPDATE annotations SET deleted_by = ?, deleted_at = ? WHERE id = ? AND deleted_at IS NULL`),
		by, formatTime(s.now()), id)
	if err != nil {
		return before, fmt.Errorf("delete annotation %d: %w", id, err)
	}
	return before, tx.Commit()
}

// GetAnnotation returns one annotation the viewer may see. A deleted,
// unknown or hidden one gives ENOTFOUND.
func (s *Store) GetAnnotation(ctx context.Context, scope metrics.Scope, id int64) (metrics.Annotation, error) {
	return readValue(ctx, s, func(tx *sqlx.Tx) (metrics.Annotation, error) { return s.getAnnotation(ctx, tx, scope, id) })
}

func (s *Store) getAnnotation(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, id int64) (metrics.Annotation, error) {
	var r annotationRow
	err := tx.GetContext(ctx, &r, s.rebind(`SELECT `+annotationColumns+` FROM annotations a
		WHERE a.id = ? AND a.deleted_at IS NULL AND `+annotationVisible), scope.Sensitive, scope.Sensitive, id, scope.Sensitive)
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.Annotation{}, metrics.Errorf(metrics.ENOTFOUND, "There is no annotation %d: it may have been deleted.", id)
	}
	if err != nil {
		return metrics.Annotation{}, fmt.Errorf("get annotation %d: %w", id, err)
	}
	return r.annotation()
}

// Annotations returns the annotations on a measure's timeline, its own
// and those on every measure, by date (then id). A measure that does not
// exist or that the viewer may not see gives ENOTFOUND, as GetMetric does.
func (s *Store) Annotations(ctx context.Context, scope metrics.Scope, metricID string) ([]metrics.Annotation, error) {
	rows, err := readMeasureRows[annotationRow](ctx, s, scope, metricID, `SELECT `+annotationColumns+` FROM annotations a
		WHERE (a.metric_id = ? OR a.metric_id IS NULL) AND a.deleted_at IS NULL
		ORDER BY a.starts_on, a.id`, scope.Sensitive, scope.Sensitive, metricID)
	if err != nil {
		return nil, wrapRead("annotations of "+metricID, err)
	}
	return annotations(rows)
}

// AllAnnotations returns every annotation the viewer may see (those of
// visible measures, and those on every measure), by date (then id): what
// the board pack draws on its charts.
func (s *Store) AllAnnotations(ctx context.Context, scope metrics.Scope) ([]metrics.Annotation, error) {
	rows, err := readRows[annotationRow](ctx, s, `SELECT `+annotationColumns+` FROM annotations a
		WHERE a.deleted_at IS NULL AND `+annotationVisible+`
		ORDER BY a.starts_on, a.id`, scope.Sensitive, scope.Sensitive, scope.Sensitive)
	if err != nil {
		return nil, fmt.Errorf("annotations: %w", err)
	}
	return annotations(rows)
}
