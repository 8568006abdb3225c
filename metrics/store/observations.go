package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// obsColumns select an observation and its source; queries name the
// observation o, its upload u and its metric m.
const obsColumns = `o.metric_id, o.area, o.period_kind, o.period_start, o.period_end, o.value,
	o.upload_id, u.file_name, o.sheet, o.cell, u.uploaded_at`

// obsRow is an observation joined to its upload, as selected by obsColumns.
type obsRow struct {
	MetricID    string  `db:"metric_id"`
	Area        string  `db:"area"`
	PeriodKind  string  `db:"period_kind"`
	PeriodStart string  `db:"period_start"`
	PeriodEnd   string  `db:"period_end"`
	Value       float64 `db:"value"`
	UploadID    int64   `db:"upload_id"`
	FileName    string  `db:"file_name"`
	Sheet       string  `db:"sheet"`
	Cell        string  `db:"cell"`
	UploadedAt  string  `db:"uploaded_at"`
}

func (r obsRow) observation() (metrics.Observation, error) {
	start, err := parseDate(r.PeriodStart)
	if err != nil {
		return metrics.Observation{}, err
	}
	end, err := parseDate(r.PeriodEnd)
	if err != nil {
		return metrics.Observation{}, err
	}
	at, err := parseTime(r.UploadedAt)
	if err != nil {
		return metrics.Observation{}, err
	}
	return metrics.Observation{
		MetricID: r.MetricID,
		Area:     r.Area,
		Period:   metrics.Period{Kind: metrics.PeriodKind(r.PeriodKind), Start: start, End: end},
		Value:    r.Value,
		Source: metrics.Source{
			UploadID:   r.UploadID,
			File:       r.FileName,
			Sheet:      r.Sheet,
			Cell:       r.Cell,
			UploadedAt: at,
		},
	}, nil
}

func observations(rows []obsRow) ([]metrics.Observation, error) {
	return fromRows(rows, obsRow.observation)
}

// Series returns the current values of a metric (those no later upload
// has superseded), ordered by period start, then area, each with the file,
// sheet and cell it came from. A metric that does not exist or that the
// viewer may not see gives a *metrics.Error ENOTFOUND, as GetMetric does.
func (s *Store) Series(ctx context.Context, scope metrics.Scope, id string) ([]metrics.Observation, error) {
	_, obs, _, err := s.VersionedSeries(ctx, scope, id)
	return obs, err
}

// VersionedSeries is Series with the metric and the data version, all
// read from one snapshot of the database: the values are those of that
// version, and the metric (its classification above all) is as it was
// with them. A cache keeps the values by that version and checks each
// later reader against that classification, never one read before or
// after.
func (s *Store) VersionedSeries(ctx context.Context, scope metrics.Scope, id string) (metrics.Metric, []metrics.Observation, int64, error) {
	var (
		m   metrics.Metric
		obs []metrics.Observation
		v   Versions
	)
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		if m, err = s.getVisibleMetric(ctx, tx, scope, id); err != nil {
			return err
		}
		if v, err = s.versionsIn(ctx, tx); err != nil {
			return err
		}
		// The series as the last change of the measure's values left it
		// (current_series). The scope is checked again in this query: the
		// read above gives the not-found answer, this one is what keeps
		// the values safe.
		var blob []byte
		err = tx.QueryRowContext(ctx, s.rebind(`
			SELECT c.series FROM current_series c
			JOIN metrics m ON m.id = c.metric_id
			WHERE c.metric_id = ? AND `+visible), id, scope.Sensitive).Scan(&blob)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		obs, err = decodeSeries(blob)
		return err
	})
	if err != nil {
		return metrics.Metric{}, nil, 0, wrapRead(fmt.Sprintf("series of %q", id), err)
	}
	if m.Derivation != "" {
		if obs, err = s.derivedSeries(ctx, scope, m); err != nil {
			return metrics.Metric{}, nil, 0, wrapRead(fmt.Sprintf("series of %q", id), err)
		}
	}
	if obs == nil {
		obs = []metrics.Observation{}
	}
	return m, obs, v.Data, nil
}

// LatestValue is a metric with its latest period and the current values
// for that period, one per area in area order. Period is zero and Values
// empty when the metric has no values yet.
type LatestValue struct {
	Metric metrics.Metric
	Period metrics.Period
	Values []metrics.Observation
}

// Latest returns every metric the viewer may see, in ListMetrics order,
// each with its latest period and the current values for that period.
// The latest period is the one with the greatest start among the metric's
// current values; should a metric have values of several period kinds
// starting on the same day, the one ending last wins (a quarter over its
// first month), then the greater period key, so that the answer is always
// the same.
func (s *Store) Latest(ctx context.Context, scope metrics.Scope) ([]LatestValue, error) {
	var ms []metrics.Metric
	byMetric := make(map[string][]metrics.Observation)
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		if ms, err = s.listMetrics(ctx, tx, scope); err != nil {
			return err
		}
		// Each measure's latest period as the last change of its values
		// left it (current_series): one small value per measure.
		return s.readCurrent(ctx, tx, scope, "latest", byMetric)
	})
	if err != nil {
		return nil, wrapRead("latest values", err)
	}
	out := make([]LatestValue, 0, len(ms))
	for _, m := range ms {
		lv := LatestValue{Metric: m, Values: byMetric[m.ID]}
		if len(lv.Values) > 0 {
			lv.Period = lv.Values[0].Period
		} else {
			lv.Values = []metrics.Observation{}
		}
		out = append(out, lv)
	}
	if err := s.latestDerived(ctx, scope, out); err != nil {
		return nil, wrapRead("latest values", err)
	}
	return out, nil
}

// History returns every value ever stored for one cell of a series (a
// metric, an area and a period, by metrics.Period.Key), the current one
// and those later uploads superseded, newest upload first: the order in
// which uploads supersede each other. A metric that does not exist or
// that the viewer may not see gives a *metrics.Error ENOTFOUND; a cell
// with no values gives an empty slice.
func (s *Store) History(ctx context.Context, scope metrics.Scope, metricID, area, periodKey string) ([]metrics.Observation, error) {
	var rows []obsRow
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		if _, err := s.getVisibleMetric(ctx, tx, scope, metricID); err != nil {
			return err
		}
		// Two halves, so that each can use its partial index (current
		// values, superseded values); a single WHERE matching both could
		// use neither.
		return tx.SelectContext(ctx, &rows, s.rebind(`
			SELECT `+obsColumns+`
			FROM (
				SELECT * FROM observations
				WHERE metric_id = ? AND area = ? AND period_key = ? AND superseded_by IS NULL
				UNION ALL
				SELECT * FROM observations
				WHERE metric_id = ? AND area = ? AND period_key = ? AND superseded_by IS NOT NULL
			) o
			JOIN metrics m ON m.id = o.metric_id
			JOIN uploads u ON u.id = o.upload_id
			WHERE `+visible+`
			ORDER BY o.upload_id DESC, o.id DESC`),
			metricID, area, periodKey, metricID, area, periodKey, scope.Sensitive)
	})
	if err != nil {
		return nil, wrapRead(fmt.Sprintf("history of %q, %q, %q", metricID, area, periodKey), err)
	}
	return observations(rows)
}

// wrapRead adds context to an internal error and passes a domain error
// (not found) through as it is, so that its message stays the user's.
func wrapRead(what string, err error) error {
	if metrics.ErrorCode(err) != metrics.EINTERNAL {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}
