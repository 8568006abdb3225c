package store

import (
	"cmp"
	"context"
	"database/sql"
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

// currentFromBlocks reads a metric's current values from its blocks, in
// Series order: the computation current_series keeps the answer of. Of
// the values of one area and period, the latest upload's is current;
// the blocks are read newest upload first, so that each superseded value
// is passed over without being decoded whole.
//
// except, when not 0, is an upload whose blocks are left out: the series
// as its rollback would leave it.
func currentFromBlocks(ctx context.Context, tx execQueryer, rebind func(string) string, metricID string, except int64) ([]metrics.Observation, error) {
	rows, err := tx.QueryContext(ctx, rebind(`
		SELECT upload_id, body FROM value_blocks WHERE metric_id = ? AND upload_id <> ?
		ORDER BY upload_id DESC, part`), metricID, except)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var c currentBuilder
	for rows.Next() {
		var (
			upload int64
			body   []byte
		)
		if err := rows.Scan(&upload, &body); err != nil {
			return nil, err
		}
		if err := c.add(upload, body); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return c.series(), nil
}

// currentBuilder makes a metric's current series from its blocks, given
// newest upload first (and an upload's in part order): of the values of
// one area and period, the first given, the latest upload's, is current.
// A value passed over is not decoded whole.
type currentBuilder struct {
	seen   map[currentKey]struct{}
	obs    []metrics.Observation
	order  []seriesPlace
	upload int64
	pos    int // the next value's place in its upload's values
}

type currentKey struct {
	area, kind string
	start, end int64
}

// A currentKey stands for its area and period key: no two periods of a
// series share a key (metrics.Period.Key is unique to a period's kind
// and dates), so the dates and kind are compared rather than the key
// worked out per value.

// add takes the next block, of upload.
func (c *currentBuilder) add(upload int64, body []byte) error {
	if c.seen == nil {
		c.seen = map[currentKey]struct{}{}
	}
	if upload != c.upload {
		c.upload, c.pos = upload, 0
	}
	v, err := parseSeries(body)
	if err != nil {
		return fmt.Errorf("block of upload %d: %w", upload, err)
	}
	err = v.each(func(x *rawValue) bool {
		k := currentKey{v.strs[x.area], v.strs[x.kind], x.start, x.end}
		if _, ok := c.seen[k]; !ok {
			c.seen[k] = struct{}{}
			c.obs = append(c.obs, v.observation(x))
			c.order = append(c.order, seriesPlace{start: x.start, end: x.end, area: k.area, upload: upload, pos: c.pos})
		}
		c.pos++
		return true
	})
	if err != nil {
		return fmt.Errorf("block of upload %d: %w", upload, err)
	}
	return nil
}

// series is the current values taken, in Series order.
func (c *currentBuilder) series() []metrics.Observation { return sortedSeries(c.obs, c.order) }

// seriesPlace is what orders a value in a series: period start, area,
// period end, then upload and place in the upload (which the rows of
// the store before blocks ordered by their ids).
type seriesPlace struct {
	start, end int64
	area       string
	upload     int64
	pos        int
	i          int
}

func compareSeriesPlace(a, b seriesPlace) int {
	return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.area, b.area), cmp.Compare(a.end, b.end),
		cmp.Compare(a.upload, b.upload), cmp.Compare(a.pos, b.pos))
}

// sortedSeries is obs in Series order, order[i] being obs[i]'s place.
func sortedSeries(obs []metrics.Observation, order []seriesPlace) []metrics.Observation {
	for i := range order {
		order[i].i = i
	}
	slices.SortFunc(order, compareSeriesPlace)
	out := make([]metrics.Observation, len(obs))
	for i, p := range order {
		out[i] = obs[p.i]
	}
	return out
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
// their blocks: a metric with no current value loses its row. It is
// migration 00018's, and writes the rows as that version has them,
// without the headline that migration 00020 adds.
func rebuildCurrent(ctx context.Context, tx execQueryer, rebind func(string) string, metricIDs []string) error {
	ids := slices.Clone(metricIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		obs, err := currentFromBlocks(ctx, tx, rebind, id, 0)
		if err != nil {
			return fmt.Errorf("current series of %q: %w", id, err)
		}
		if err := writeCurrentRow(ctx, tx, rebind, id, obs, false); err != nil {
			return err
		}
	}
	return nil
}

// writeCurrent stores obs, in Series order, as the metric's current
// series, with its latest period and its headline.
func writeCurrent(ctx context.Context, tx execQueryer, rebind func(string) string, id string, obs []metrics.Observation) error {
	return writeCurrentRow(ctx, tx, rebind, id, obs, true)
}

// writeCurrentRow is writeCurrent, with the headline (migration 00019)
// or, for a migration before it, without.
func writeCurrentRow(ctx context.Context, tx execQueryer, rebind func(string) string, id string, obs []metrics.Observation, headline bool) error {
	return storeCurrent(ctx, tx, rebind, id, prepareCurrent(obs), headline)
}

// currentRow is a current_series row, encoded: what writing a series
// costs in CPU, made apart from the writing (see finishMetrics).
type currentRow struct {
	n                      int // 0: the metric has no current value
	series, latest         []byte
	latestStart, latestKey string
	latestUpload           int64
	headline               []byte
	lastEnd                int64
}

// prepareCurrent encodes obs, in Series order, as its current_series row.
func prepareCurrent(obs []metrics.Observation) currentRow {
	if len(obs) == 0 {
		return currentRow{}
	}
	latest := latestOf(obs)
	p := latest[0].Period
	return currentRow{n: len(obs), series: encodeSeries(obs), latest: encodeSeries(latest),
		latestStart: formatDate(p.Start), latestKey: p.Key(), latestUpload: latest[0].Source.UploadID,
		headline: encodeHeadline(obs), lastEnd: lastEndDay(obs)}
}

// storeCurrent writes the metric's current_series row (with its
// headline unless headline is false), or deletes it when the metric has
// no current value.
func storeCurrent(ctx context.Context, tx execQueryer, rebind func(string) string, id string, row currentRow, headline bool) error {
	if row.n == 0 {
		if _, err := tx.ExecContext(ctx, rebind(`DELETE FROM current_series WHERE metric_id = ?`), id); err != nil {
			return fmt.Errorf("clear the current series of %q: %w", id, err)
		}
		return nil
	}
	_, err := tx.ExecContext(ctx, rebind(`
		INSERT INTO current_series (metric_id, n, series, latest_start, latest_key, latest, latest_upload)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (metric_id) DO UPDATE SET
			n = excluded.n, series = excluded.series, latest_start = excluded.latest_start,
			latest_key = excluded.latest_key, latest = excluded.latest, latest_upload = excluded.latest_upload`),
		id, row.n, row.series, row.latestStart, row.latestKey, row.latest, row.latestUpload)
	if err != nil {
		return fmt.Errorf("store the current series of %q: %w", id, err)
	}
	if !headline {
		return nil
	}
	if _, err := tx.ExecContext(ctx, rebind(`UPDATE current_series SET headline = ?, last_end_day = ? WHERE metric_id = ?`),
		row.headline, row.lastEnd, id); err != nil {
		return fmt.Errorf("store the headline of %q: %w", id, err)
	}
	return nil
}

// seriesCell is an area and period (by its key) of a series: one value
// of it is current.
type seriesCell struct{ area, period string }

// periodKeys gives periods' keys, each worked out once.
type periodKeys map[metrics.Period]string

func (pk periodKeys) key(p metrics.Period) string {
	k, ok := pk[p]
	if !ok {
		k = p.Key()
		pk[p] = k
	}
	return k
}

// cellsOf maps each cell of values to the first value giving it.
func cellsOf(values []metrics.Observation, keys periodKeys) map[seriesCell]int {
	cells := make(map[seriesCell]int, len(values))
	for i := range values {
		k := seriesCell{values[i].Area, keys.key(values[i].Period)}
		if _, ok := cells[k]; !ok {
			cells[k] = i
		}
	}
	return cells
}

// fillCurrentSeries writes every metric's current series from its
// blocks, and removes the row of a metric that has none.
func fillCurrentSeries(ctx context.Context, tx *sql.Tx, dialect string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM current_series WHERE metric_id NOT IN (SELECT metric_id FROM value_blocks)`); err != nil {
		return fmt.Errorf("measures without values: %w", err)
	}
	ids, err := queryStrings(ctx, tx, `SELECT DISTINCT metric_id FROM value_blocks`)
	if err != nil {
		return fmt.Errorf("measures with values: %w", err)
	}
	return rebuildCurrent(ctx, tx, rebindFor(dialect), ids)
}

// queryStrings is the one text column of every row query gives, for a
// migration's transaction.
func queryStrings(ctx context.Context, tx *sql.Tx, query string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
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
	return s.eachCurrent(ctx, tx, scope, column, func(id string, blob []byte) error {
		obs, err := decodeSeries(blob)
		out[id] = obs
		return err
	})
}

// eachHeadline calls fn with the kept headline of every measure the
// scope may see (its series when that is its headline) and the last day
// its values cover (null until migration 00020 has filled the row), by
// metric id.
func (s *Store) eachHeadline(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, fn func(id string, blob []byte, lastEnd sql.NullInt64) error) error {
	return s.eachCurrentRow(ctx, tx, scope, "COALESCE(c.headline, c.series), c.last_end_day", func(rows *sql.Rows) error {
		var (
			id      string
			blob    []byte
			lastEnd sql.NullInt64
		)
		if err := rows.Scan(&id, &blob, &lastEnd); err != nil {
			return err
		}
		if err := fn(id, blob, lastEnd); err != nil {
			return fmt.Errorf("headline of %q: %w", id, err)
		}
		return nil
	})
}

// eachCurrent calls fn with one encoded column of current_series
// ("series" or "latest") of every measure the scope may see, by metric
// id; an error of fn's ends the read, naming the measure.
func (s *Store) eachCurrent(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, column string, fn func(id string, blob []byte) error) error {
	if column != "series" && column != "latest" {
		return fmt.Errorf("current_series has no column %q", column)
	}
	return s.eachCurrentRow(ctx, tx, scope, "c."+column, func(rows *sql.Rows) error {
		var (
			id   string
			blob []byte
		)
		if err := rows.Scan(&id, &blob); err != nil {
			return err
		}
		if err := fn(id, blob); err != nil {
			return fmt.Errorf("%s of %q: %w", column, id, err)
		}
		return nil
	})
}

// eachCurrentRow calls fn with each row of current_series the scope may
// see: its metric id, then columns (this package's own SQL, never a
// caller's text).
func (s *Store) eachCurrentRow(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, columns string, fn func(rows *sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, s.rebind(`
		SELECT c.metric_id, `+columns+` FROM current_series c
		JOIN metrics m ON m.id = c.metric_id
		WHERE `+visible), scope.Sensitive)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
