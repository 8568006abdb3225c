package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

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
	m, enc, version, err := s.VersionedEncodedSeries(ctx, scope, id)
	if err != nil {
		return metrics.Metric{}, nil, 0, err
	}
	obs, err := enc.Values()
	if err != nil {
		return metrics.Metric{}, nil, 0, wrapRead(fmt.Sprintf("series of %q", id), err)
	}
	return m, obs, version, nil
}

// EncodedSeries is a measure's current values as the store keeps them,
// a seventh of the memory of the observations they decode to: for a
// cache of many series, which decodes one when a page is made from it.
type EncodedSeries struct {
	blob []byte
	// obs are a derived measure's values, computed whole, and nil for
	// any other.
	obs []metrics.Observation
}

// Values decodes the values, in Series order; a derived measure's are
// shared with every caller, so neither may change them.
func (e EncodedSeries) Values() ([]metrics.Observation, error) {
	if e.obs != nil || e.blob == nil {
		if e.obs == nil {
			return []metrics.Observation{}, nil
		}
		return e.obs, nil
	}
	return decodeSeries(e.blob)
}

// Size is about how many bytes the series holds.
func (e EncodedSeries) Size() int {
	const observationBytes = 180 // decoded, with its strings
	return len(e.blob) + len(e.obs)*observationBytes
}

// VersionedEncodedSeries is VersionedSeries with the values left
// encoded (see EncodedSeries).
func (s *Store) VersionedEncodedSeries(ctx context.Context, scope metrics.Scope, id string) (metrics.Metric, EncodedSeries, int64, error) {
	var (
		m    metrics.Metric
		blob []byte
		v    Versions
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
		err = tx.QueryRowContext(ctx, s.rebind(`
			SELECT c.series FROM current_series c
			JOIN metrics m ON m.id = c.metric_id
			WHERE c.metric_id = ? AND `+visible), id, scope.Sensitive).Scan(&blob)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return metrics.Metric{}, EncodedSeries{}, 0, wrapRead(fmt.Sprintf("series of %q", id), err)
	}
	enc := EncodedSeries{blob: blob}
	if m.Derivation != "" {
		obs, err := s.derivedSeries(ctx, scope, m)
		if err != nil {
			return metrics.Metric{}, EncodedSeries{}, 0, wrapRead(fmt.Sprintf("series of %q", id), err)
		}
		if obs == nil {
			obs = []metrics.Observation{}
		}
		enc = EncodedSeries{obs: obs}
	}
	return m, enc, v.Data, nil
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
	var out []metrics.Observation
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		if _, err := s.getVisibleMetric(ctx, tx, scope, metricID); err != nil {
			return err
		}
		var err error
		out, err = s.cellHistory(ctx, tx, metricID, area, periodKey)
		return err
	})
	if err != nil {
		return nil, wrapRead(fmt.Sprintf("history of %q, %q, %q", metricID, area, periodKey), err)
	}
	return out, nil
}

// cellHistory reads the values of one area and period of a metric from
// its blocks, newest upload first. An upload gives a cell once, so each
// block holds one of them at most; only that one is decoded whole.
func (s *Store) cellHistory(ctx context.Context, tx *sqlx.Tx, metricID, area, periodKey string) ([]metrics.Observation, error) {
	rows, err := tx.QueryContext(ctx, s.rebind(`
		SELECT body FROM value_blocks WHERE metric_id = ? ORDER BY upload_id DESC, part DESC`), metricID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []metrics.Observation{}
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		v, err := parseSeries(body)
		if err != nil {
			return nil, err
		}
		var found []metrics.Observation
		err = v.each(func(x *rawValue) bool {
			if v.strs[x.area] == area {
				if o := v.observation(x); o.Period.Key() == periodKey {
					found = append(found, o)
				}
			}
			return true
		})
		if err != nil {
			return nil, err
		}
		slices.Reverse(found)
		out = append(out, found...)
	}
	return out, rows.Err()
}

// wrapRead adds context to an internal error and passes a domain error
// (not found) through as it is, so that its message stays the user's.
func wrapRead(what string, err error) error {
	if metrics.ErrorCode(err) != metrics.EINTERNAL {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}
