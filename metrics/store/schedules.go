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

// Schedules: when each measure's figures are due (see
// metrics.Schedule). A measure whose schedule nobody set has one worked
// out from its figures: its latest values' upload says whether they came
// from a national table, and who gave them.

// MeasureSchedule is what the store knows of a measure's schedule.
type MeasureSchedule struct {
	// Set is the schedule set in the catalogue, nil when none was.
	Set *metrics.Schedule
	// National is true when the measure's latest values came from a
	// national table (an upload of kind table).
	National bool
	// LastUploader is who uploaded its latest values ("" for the
	// public, who are never told a name).
	LastUploader string
}

// For is the schedule in force for a measure whose latest period is of
// kind: the one set, or one worked out (metrics.InferSchedule).
func (m MeasureSchedule) For(kind metrics.PeriodKind) metrics.Schedule {
	if m.Set != nil {
		return *m.Set
	}
	owner := m.LastUploader
	if owner == "cli" {
		owner = ""
	}
	return metrics.InferSchedule(kind, m.National, owner)
}

// MeasureSchedules returns the schedule of every measure the viewer may
// see, by id. Owners and uploaders are read for signed-in viewers only.
func (s *Store) MeasureSchedules(ctx context.Context, scope metrics.Scope) (map[string]MeasureSchedule, error) {
	var rows []struct {
		ID         string         `db:"id"`
		Cadence    sql.NullString `db:"cadence"`
		Lag        sql.NullInt64  `db:"lag_days"`
		Source     sql.NullString `db:"source"`
		Owner      sql.NullString `db:"owner"`
		UploadKind sql.NullString `db:"upload_kind"`
		Uploader   sql.NullString `db:"uploaded_by"`
	}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		// The upload of each measure's latest current value, as its
		// current series keeps it.
		return tx.SelectContext(ctx, &rows, s.rebind(`
			WITH latest AS MATERIALIZED (
				SELECT m.id, c.latest_upload AS upload_id
				FROM metrics m LEFT JOIN current_series c ON c.metric_id = m.id
				WHERE `+visible+`
			)
			SELECT l.id, sc.cadence, sc.lag_days, sc.source,
				CASE WHEN ? THEN sc.owner ELSE '' END AS owner,
				u.kind AS upload_kind,
				CASE WHEN ? THEN u.uploaded_by ELSE '' END AS uploaded_by
			FROM latest l
			LEFT JOIN metric_schedules sc ON sc.metric_id = l.id
			LEFT JOIN uploads u ON u.id = l.upload_id
			ORDER BY l.id`), scope.Sensitive, scope.Sensitive, scope.Sensitive)
	})
	if err != nil {
		return nil, fmt.Errorf("schedules: %w", err)
	}
	out := make(map[string]MeasureSchedule, len(rows))
	for _, r := range rows {
		ms := MeasureSchedule{National: r.UploadKind.String == metrics.KindTable, LastUploader: r.Uploader.String}
		if r.Cadence.Valid {
			ms.Set = &metrics.Schedule{Cadence: metrics.Cadence(r.Cadence.String), Lag: int(r.Lag.Int64), National: r.Source.String == "national", Owner: r.Owner.String, Set: true}
		}
		out[r.ID] = ms
	}
	return out, nil
}

// SetSchedule sets a measure's schedule, by by, and returns the one set
// before (nil when none was). An unknown measure gives ENOTFOUND.
func (s *Store) SetSchedule(ctx context.Context, metricID string, sc metrics.Schedule, by string) (*metrics.Schedule, error) {
	sc.Owner = strings.TrimSpace(sc.Owner)
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("set schedule: %w", err)
	}
	defer tx.Rollback()
	if _, err := s.getVisibleMetric(ctx, tx, metrics.Everything, metricID); err != nil {
		return nil, err
	}
	before, err := s.schedule(ctx, tx, metricID)
	if err != nil {
		return nil, err
	}
	source := "local"
	if sc.National {
		source = "national"
	}
	_, err = tx.ExecContext(ctx, s.rebind(`INSERT INTO metric_schedules (metric_id, cadence, lag_days, source, owner, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (metric_id) DO UPDATE SET cadence = excluded.cadence, lag_days = excluded.lag_days, source = excluded.source,
			owner = excluded.owner, updated_by = excluded.updated_by, updated_at = excluded.updated_at`),
		metricID, string(sc.Cadence), sc.Lag, source, sc.Owner, by, formatTime(s.now()))
	if err != nil {
		return nil, fmt.Errorf("set schedule of %s: %w", metricID, err)
	}
	return before, tx.Commit()
}

// ClearSchedule removes a measure's schedule, so that one is worked out
// from its figures again, and returns the one removed (nil when none).
func (s *Store) ClearSchedule(ctx context.Context, metricID string) (*metrics.Schedule, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("clear schedule: %w", err)
	}
	defer tx.Rollback()
	before, err := s.schedule(ctx, tx, metricID)
	if err != nil || before == nil {
		return before, err
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM metric_schedules WHERE metric_id = ?`), metricID); err != nil {
		return nil, fmt.Errorf("clear schedule of %s: %w", metricID, err)
	}
	return before, tx.Commit()
}

func (s *Store) schedule(ctx context.Context, tx *sqlx.Tx, metricID string) (*metrics.Schedule, error) {
	var r struct {
		Cadence string `db:"cadence"`
		Lag     int    `db:"lag_days"`
		Source  string `db:"source"`
		Owner   string `db:"owner"`
	}
	err := tx.GetContext(ctx, &r, s.rebind(`SELECT cadence, lag_days, source, owner FROM metric_schedules WHERE metric_id = ?`), metricID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("schedule of %s: %w", metricID, err)
	}
	return &metrics.Schedule{Cadence: metrics.Cadence(r.Cadence), Lag: r.Lag, National: r.Source == "national", Owner: r.Owner, Set: true}, nil
}

// SeriesAsOf returns every visible measure's values as they stood at
// at: for each measure, area and period, the value of the latest upload
// stored before at, whether or not a later upload has superseded it
// since. Uploads rolled back are gone from it, whenever they were rolled
// back. Values are in period order, then area.
func (s *Store) SeriesAsOf(ctx context.Context, scope metrics.Scope, at time.Time) (map[string][]metrics.Observation, error) {
	out := map[string][]metrics.Observation{}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		rows, err := tx.QueryContext(ctx, s.rebind(`
			SELECT b.metric_id, b.upload_id, b.body
			FROM value_blocks b
			JOIN uploads u ON u.id = b.upload_id
			JOIN metrics m ON m.id = b.metric_id
			WHERE u.uploaded_at < ? AND `+visible+`
			ORDER BY b.metric_id, b.upload_id DESC, b.part`), formatTime(at), scope.Sensitive)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			metric string
			c      currentBuilder
		)
		done := func() {
			if metric != "" {
				out[metric] = c.series()
			}
		}
		for rows.Next() {
			var (
				id     string
				upload int64
				body   []byte
			)
			if err := rows.Scan(&id, &upload, &body); err != nil {
				return err
			}
			if id != metric {
				done()
				metric, c = id, currentBuilder{}
			}
			if err := c.add(upload, body); err != nil {
				return fmt.Errorf("values of %q: %w", id, err)
			}
		}
		done()
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("values as of %s: %w", formatTime(at), err)
	}
	return out, nil
}

// RevenueAsOf returns the revenue monitoring of the latest finance month
// whose calendar month ended before before, as it stood at at (the
// latest upload of that month stored before at); ok is false when there
// was none. Finance is for viewers who may see sensitive data.
func (s *Store) RevenueAsOf(ctx context.Context, scope metrics.Scope, at, before time.Time) (p metrics.FinancePeriod, lines []metrics.RevenueLine, ok bool, err error) {
	err = s.read(ctx, func(tx *sqlx.Tx) error {
		var months []struct {
			ID      int64 `db:"id"`
			FYStart int   `db:"fy_start"`
			Month   int   `db:"month"`
		}
		if err := tx.SelectContext(ctx, &months, s.rebind(`SELECT fm.id, fm.fy_start, fm.month FROM finance_months fm
			JOIN uploads u ON u.id = fm.upload_id
			WHERE u.uploaded_at < ? AND (fm.classification = 'open' OR ?)
			ORDER BY fm.fy_start DESC, fm.month DESC, fm.upload_id DESC`), formatTime(at), scope.Sensitive); err != nil {
			return err
		}
		for _, m := range months {
			fp := metrics.FinancePeriod{FYStart: m.FYStart, Month: m.Month}
			if !fp.CalendarMonth().End.Before(dateOnly(before)) {
				continue
			}
			var rs []struct {
				Area     string `db:"business_area"`
				Budget   int64  `db:"budget_gbp"`
				Forecast int64  `db:"forecast_gbp"`
			}
			if err := tx.SelectContext(ctx, &rs, s.rebind(`SELECT business_area, budget_gbp, forecast_gbp FROM revenue_lines
				WHERE finance_month_id = ? ORDER BY line_no`), m.ID); err != nil {
				return err
			}
			p, ok = fp, true
			for _, r := range rs {
				lines = append(lines, metrics.RevenueLine{BusinessArea: r.Area, BudgetGBP: r.Budget, ForecastGBP: r.Forecast})
			}
			return nil
		}
		return nil
	})
	if err != nil {
		return p, nil, false, fmt.Errorf("revenue as of %s: %w", formatTime(at), err)
	}
	return p, lines, ok, nil
}
