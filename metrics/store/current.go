package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// execQueryer is what writing current_series needs of a transaction: an
// ingest's, a rollback's (*sqlx.Tx) or a migration's (*sql.Tx).
type execQueryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// currentFromRows reads a metric's current values from observations, in
// Series order: the computation current_series keeps the answer of.
func currentFromRows(ctx context.Context, tx execQueryer, rebind func(string) string, metricID string) ([]metrics.Observation, error) {
	rows, err := tx.QueryContext(ctx, rebind(`
		SELECT id, file_name, uploaded_at FROM uploads
		WHERE id IN (SELECT upload_id FROM observations WHERE metric_id = ? AND superseded_by IS NULL)`), metricID)
	if err != nil {
		return nil, err
	}
	sources := map[int64]metrics.Source{}
	for rows.Next() {
		var (
			id       int64
			file, at string
		)
		if err := rows.Scan(&id, &file, &at); err != nil {
			rows.Close()
			return nil, err
		}
		t, err := parseTime(at)
		if err != nil {
			rows.Close()
			return nil, err
		}
		sources[id] = metrics.Source{UploadID: id, File: file, UploadedAt: t}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, rebind(`
		SELECT `+currentColumns+`
		FROM observations o
		WHERE o.metric_id = ? AND o.superseded_by IS NULL`), metricID)
	if err != nil {
		return nil, err
	}
	var (
		obs []metrics.Observation
		ids []int64
	)
	if err := newCurrentScan(sources).scan(rows, func(id int64, o metrics.Observation) {
		obs = append(obs, o)
		ids = append(ids, id)
	}); err != nil {
		return nil, err
	}
	sortSeries(obs, ids)
	return obs, nil
}

// latestOf returns the values of a series' latest period, by Latest's
// rule: the greatest start; of periods starting that day, the one ending
// last, then the greater key; its values in area order, then as given.
// series must be in Series order.
func latestOf(series []metrics.Observation) []metrics.Observation {
	if len(series) == 0 {
		return nil
	}
	start := series[len(series)-1].Period.Start
	var chosen metrics.Period
	first := len(series)
	for i := len(series) - 1; i >= 0 && series[i].Period.Start.Equal(start); i-- {
		first = i
		p := series[i].Period
		if chosen.Kind == "" || p.End.After(chosen.End) || (p.End.Equal(chosen.End) && p.Key() > chosen.Key()) {
			chosen = p
		}
	}
	key := chosen.Key()
	var out []metrics.Observation
	for _, o := range series[first:] {
		if o.Period.Key() == key {
			out = append(out, o)
		}
	}
	// Series order within one start is area, end, then row: one period's
	// values are already by area, then row.
	return out
}

// rebuildCurrent writes the current_series rows of the given metrics from
// their current observations, in the transaction that changed them: a
// metric with no current value loses its row.
func rebuildCurrent(ctx context.Context, tx execQueryer, rebind func(string) string, metricIDs []string) error {
	ids := slices.Clone(metricIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		obs, err := currentFromRows(ctx, tx, rebind, id)
		if err != nil {
			return fmt.Errorf("current series of %q: %w", id, err)
		}
		if err := writeCurrent(ctx, tx, rebind, id, obs); err != nil {
			return err
		}
	}
	return nil
}

// writeCurrent stores obs, in Series order, as the metric's current
// series.
func writeCurrent(ctx context.Context, tx execQueryer, rebind func(string) string, id string, obs []metrics.Observation) error {
	if len(obs) == 0 {
		if _, err := tx.ExecContext(ctx, rebind(`DELETE FROM current_series WHERE metric_id = ?`), id); err != nil {
			return fmt.Errorf("clear the current series of %q: %w", id, err)
		}
		return nil
	}
	latest := latestOf(obs)
	p := latest[0].Period
	_, err := tx.ExecContext(ctx, rebind(`
		INSERT INTO current_series (metric_id, n, series, latest_start, latest_key, latest)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (metric_id) DO UPDATE SET
			n = excluded.n, series = excluded.series, latest_start = excluded.latest_start,
			latest_key = excluded.latest_key, latest = excluded.latest`),
		id, len(obs), encodeSeries(obs), formatDate(p.Start), p.Key(), encodeSeries(latest))
	if err != nil {
		return fmt.Errorf("store the current series of %q: %w", id, err)
	}
	return nil
}

// mergeCurrent writes the current series of each metric given values
// since the last Finish: its series as stored, less the values whose
// metric, area and period the upload gives, plus the upload's values, in
// Series order. It is what rebuildCurrent would read from observations
// after Finish's superseding (CheckCurrentSeries holds the two equal),
// without reading back the rows just written. Older values come before
// the upload's where Series would tie them on period and area, as their
// row ids do.
func (t *IngestTx) mergeCurrent(ctx context.Context) error {
	ids := make([]string, 0, len(t.fresh))
	for id := range t.fresh {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		var (
			fresh []metrics.Observation
			err   error
		)
		if t.spilled {
			// Every value of the metric this upload stored, those of an
			// earlier Finish too: merging them again changes nothing.
			fresh, err = t.uploadValues(ctx, id)
		} else {
			fresh, err = decodeSeries(t.fresh[id].bytes())
		}
		if err != nil {
			return fmt.Errorf("values of %q: %w", id, err)
		}
		delete(t.fresh, id)
		var old []metrics.Observation
		var blob []byte
		err = t.tx.QueryRowContext(ctx, t.s.rebind(`SELECT series FROM current_series WHERE metric_id = ?`), id).Scan(&blob)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("current series of %q: %w", id, err)
		default:
			if old, err = decodeSeries(blob); err != nil {
				return fmt.Errorf("current series of %q: %w", id, err)
			}
		}
		merged := mergeSeries(old, fresh)
		if err := writeCurrent(ctx, t.tx, t.s.rebind, id, merged); err != nil {
			return err
		}
	}
	return nil
}

// uploadValues reads back the values this upload stored for a metric, in
// file order (row order).
func (t *IngestTx) uploadValues(ctx context.Context, metricID string) ([]metrics.Observation, error) {
	src := map[int64]metrics.Source{t.upload.ID: {UploadID: t.upload.ID, File: t.upload.FileName, UploadedAt: t.upload.UploadedAt}}
	rows, err := t.tx.QueryContext(ctx, t.s.rebind(`
		SELECT `+currentColumns+`
		FROM observations o
		WHERE o.upload_id = ? AND o.metric_id = ?
		ORDER BY o.id`), t.upload.ID, metricID)
	if err != nil {
		return nil, err
	}
	var obs []metrics.Observation
	err = newCurrentScan(src).scan(rows, func(_ int64, o metrics.Observation) { obs = append(obs, o) })
	return obs, err
}

// mergeSeries is old, a series in Series order, with fresh, values of one
// later upload in file order, given: old's values of a metric, area and
// period key that fresh gives are left out, and the rest merged in
// Series order, old before fresh where Series would tie them (as their
// row ids order them). The fresh values are sorted on small keys and the
// two lists merged, rather than the whole sorted again.
func mergeSeries(old, fresh []metrics.Observation) []metrics.Observation {
	keys := map[metrics.Period]string{}
	key := func(p metrics.Period) string {
		k, ok := keys[p]
		if !ok {
			k = p.Key()
			keys[p] = k
		}
		return k
	}
	type cell struct{ area, key string }
	given := make(map[cell]struct{}, len(fresh))
	for i := range fresh {
		given[cell{fresh[i].Area, key(fresh[i].Period)}] = struct{}{}
	}
	type sortKey struct {
		start, end int64
		area       string
		i          int
	}
	order := make([]sortKey, len(fresh))
	for i := range fresh {
		o := &fresh[i]
		order[i] = sortKey{start: o.Period.Start.Unix(), end: o.Period.End.Unix(), area: o.Area, i: i}
	}
	compare := func(a, b sortKey) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.area, b.area), cmp.Compare(a.end, b.end))
	}
	slices.SortStableFunc(order, compare)
	merged := make([]metrics.Observation, 0, len(old)+len(fresh))
	j := 0
	for i := range old {
		o := &old[i]
		if _, ok := given[cell{o.Area, key(o.Period)}]; ok {
			continue
		}
		k := sortKey{start: o.Period.Start.Unix(), end: o.Period.End.Unix(), area: o.Area}
		// Fresh values that sort strictly before this one go first; on a
		// tie the older value does.
		for j < len(order) && compare(order[j], k) < 0 {
			merged = append(merged, fresh[order[j].i])
			j++
		}
		merged = append(merged, *o)
	}
	for ; j < len(order); j++ {
		merged = append(merged, fresh[order[j].i])
	}
	return merged
}

// fillCurrentSeries writes every metric's current series: migration
// 00015, for a database whose values were stored before current_series.
func fillCurrentSeries(ctx context.Context, tx *sql.Tx, dialect string) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT metric_id FROM observations WHERE superseded_by IS NULL`)
	if err != nil {
		return fmt.Errorf("measures with values: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return rebuildCurrent(ctx, tx, rebindFor(dialect), ids)
}

// rebindFor is the rebind of a dialect, for code that has no Store.
func rebindFor(dialect string) func(string) string {
	bind := sqlx.QUESTION
	if dialect == Postgres {
		bind = sqlx.DOLLAR
	}
	return func(q string) string { return sqlx.Rebind(bind, q) }
}

// readCurrent decodes one column of current_series ("series", each
// measure's current values; "latest", its latest period's) for every
// measure the scope may see, into out by metric id.
func (s *Store) readCurrent(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, column string, out map[string][]metrics.Observation) error {
	if column != "series" && column != "latest" {
		return fmt.Errorf("current_series has no column %q", column)
	}
	rows, err := tx.QueryContext(ctx, s.rebind(`
		SELECT c.metric_id, c.`+column+` FROM current_series c
		JOIN metrics m ON m.id = c.metric_id
		WHERE `+visible), scope.Sensitive)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   string
			blob []byte
		)
		if err := rows.Scan(&id, &blob); err != nil {
			return err
		}
		obs, err := decodeSeries(blob)
		if err != nil {
			return fmt.Errorf("%s of %q: %w", column, id, err)
		}
		out[id] = obs
	}
	return rows.Err()
}
