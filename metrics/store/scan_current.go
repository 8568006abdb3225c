package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// currentColumns are what a read of current values selects, in the order
// currentScan.scan expects; queries name the observation o.
const currentColumns = `o.id, o.metric_id, o.area, o.period_kind, o.period_start, o.period_end, o.value,
	o.upload_id, o.sheet, o.cell`

// currentScan turns rows of currentColumns into observations, written for
// speed because the figures' reads (a metric page's series, the
// overview's every series) are the dashboard's most frequent: each
// upload's file name and time are read once (sources) rather than joined
// to every row, and repeated strings and dates are made once and shared.
// Scanning into locals rather than through sqlx into structs more than
// halved the time of a 2,400-value series (BenchmarkSeries).
type currentScan struct {
	sources map[int64]metrics.Source
	strs    map[string]string
	dates   map[string]time.Time
}

func newCurrentScan(sources map[int64]metrics.Source) *currentScan {
	return &currentScan{sources: sources, strs: map[string]string{}, dates: map[string]time.Time{}}
}

func (sc *currentScan) share(s string) string {
	if v, ok := sc.strs[s]; ok {
		return v
	}
	sc.strs[s] = s
	return s
}

func (sc *currentScan) date(s string) (time.Time, error) {
	if d, ok := sc.dates[s]; ok {
		return d, nil
	}
	d, err := parseDate(s)
	if err == nil {
		sc.dates[s] = d
	}
	return d, err
}

// scan reads every row, calling add with each observation and its row id.
func (sc *currentScan) scan(rows *sql.Rows, add func(id int64, o metrics.Observation)) error {
	defer rows.Close()
	var r struct {
		id, upload                     int64
		metric, area, kind, start, end string
		sheet, cell                    string
		value                          float64
	}
	for rows.Next() {
		if err := rows.Scan(&r.id, &r.metric, &r.area, &r.kind, &r.start, &r.end, &r.value, &r.upload, &r.sheet, &r.cell); err != nil {
			return err
		}
		start, err := sc.date(r.start)
		if err != nil {
			return err
		}
		end, err := sc.date(r.end)
		if err != nil {
			return err
		}
		src, ok := sc.sources[r.upload]
		if !ok {
			return fmt.Errorf("observation %d: upload %d not found", r.id, r.upload)
		}
		src.Sheet, src.Cell = sc.share(r.sheet), r.cell
		metric := sc.share(r.metric)
		add(r.id, metrics.Observation{
			MetricID: metric,
			Area:     sc.share(r.area),
			Period:   metrics.Period{Kind: metrics.PeriodKind(sc.share(r.kind)), Start: start, End: end},
			Value:    r.value,
			Source:   src,
		})
	}
	return rows.Err()
}

// uploadSources reads the file name and time of the uploads that query
// (SELECT id, file_name, uploaded_at FROM uploads ...) selects: the part
// of an observation's source that is the same for all its rows.
func uploadSources(ctx context.Context, tx *sqlx.Tx, query string, args ...any) (map[int64]metrics.Source, error) {
	var rows []struct {
		ID         int64  `db:"id"`
		FileName   string `db:"file_name"`
		UploadedAt string `db:"uploaded_at"`
	}
	if err := tx.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, err
	}
	out := make(map[int64]metrics.Source, len(rows))
	for _, r := range rows {
		at, err := parseTime(r.UploadedAt)
		if err != nil {
			return nil, err
		}
		out[r.ID] = metrics.Source{UploadID: r.ID, File: r.FileName, UploadedAt: at}
	}
	return out, nil
}

// sortSeries orders one metric's values as Series does: period start,
// area, period end, then row id (ids[i] is obs[i]'s). It sorts small keys
// rather than the observations, which are large to swap and slow to
// compare through time.Time.
func sortSeries(obs []metrics.Observation, ids []int64) {
	type key struct {
		start, end, id int64
		area           string
		i              int
	}
	keys := make([]key, len(obs))
	for i := range obs {
		o := &obs[i]
		keys[i] = key{start: o.Period.Start.Unix(), end: o.Period.End.Unix(), id: ids[i], area: o.Area, i: i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.area, b.area), cmp.Compare(a.end, b.end), cmp.Compare(a.id, b.id))
	})
	sorted := make([]metrics.Observation, len(obs))
	for i, k := range keys {
		sorted[i] = obs[k.i]
	}
	copy(obs, sorted)
}
