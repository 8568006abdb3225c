package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"sort"

	"github.com/assure-pcc/assure/metrics"
)

// InsertUnchecked inserts observations as AddObservations does but
// without its checks, so that tests can show that the schema itself
// refuses what those checks refuse.
func (t *IngestTx) InsertUnchecked(ctx context.Context, obs []metrics.Observation) error {
	insert := t.insertChunk
	if t.conn != nil {
		insert = t.copyObservations
	}
	err := insert(ctx, obs)
	if err != nil {
		t.failed = err
	}
	return err
}

// ExecForTest runs a statement on the writer, as a hand-written change
// to the database would.
func ExecForTest(ctx context.Context, s *Store, query string) error {
	_, err := s.db.ExecContext(ctx, query)
	return err
}

// CheckCurrentSeries compares every stored current_series row with a
// computation from the stored values alone: for each metric, area and
// period key, the value of the latest stored upload that gives one (not
// the superseded_by marks, which it checks as well), ordered as Series
// orders them; and the latest period by Latest's rule. It returns an
// error describing the first difference.
func CheckCurrentSeries(ctx context.Context, s *Store) error {
	rows, err := s.db.QueryContext(ctx, `
		SELECT o.id, o.metric_id, o.area, o.period_kind, o.period_key, o.period_start, o.period_end, o.value,
			o.upload_id, o.sheet, o.cell, o.superseded_by IS NULL, u.file_name, u.uploaded_at, u.status
		FROM observations o JOIN uploads u ON u.id = o.upload_id`)
	if err != nil {
		return err
	}
	type row struct {
		id      int64
		o       metrics.Observation
		key     string
		current bool
	}
	best := map[[3]string]row{}
	for rows.Next() {
		var (
			r                                   row
			metric, area, kind, key, start, end string
			value                               float64
			upload                              int64
			sheet, cell, file, at, status       string
		)
		if err := rows.Scan(&r.id, &metric, &area, &kind, &key, &start, &end, &value, &upload, &sheet, &cell, &r.current, &file, &at, &status); err != nil {
			rows.Close()
			return err
		}
		if status != metrics.StatusStored {
			rows.Close()
			return fmt.Errorf("value %d of upload %d, which is %s", r.id, upload, status)
		}
		st, _ := parseDate(start)
		en, _ := parseDate(end)
		ut, _ := parseTime(at)
		r.key = key
		r.o = metrics.Observation{MetricID: metric, Area: area, Period: metrics.Period{Kind: metrics.PeriodKind(kind), Start: st, End: en}, Value: value,
			Source: metrics.Source{UploadID: upload, File: file, Sheet: sheet, Cell: cell, UploadedAt: ut}}
		k := [3]string{metric, area, key}
		if b, ok := best[k]; ok && b.o.Source.UploadID > upload {
			if r.current {
				rows.Close()
				return fmt.Errorf("value %d (%v) is marked current, but upload %d gives the same cell", r.id, k, b.o.Source.UploadID)
			}
			continue
		} else if ok && b.current {
			rows.Close()
			return fmt.Errorf("value %d (%v) is marked current, but upload %d gives the same cell", b.id, k, upload)
		}
		best[k] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	want := map[string][]metrics.Observation{}
	ids := map[string][]int64{}
	for _, r := range best {
		if !r.current {
			return fmt.Errorf("value %d (%s, %s, %s) is the latest upload's but marked superseded", r.id, r.o.MetricID, r.o.Area, r.key)
		}
		want[r.o.MetricID] = append(want[r.o.MetricID], r.o)
		ids[r.o.MetricID] = append(ids[r.o.MetricID], r.id)
	}
	for m := range want {
		sortSeries(want[m], ids[m])
	}

	got := map[string]bool{}
	crows, err := s.db.QueryContext(ctx, `SELECT metric_id, n, series, latest_start, latest_key, latest FROM current_series`)
	if err != nil {
		return err
	}
	defer crows.Close()
	for crows.Next() {
		var (
			id, start, key string
			n              int
			blob, lblob    []byte
		)
		if err := crows.Scan(&id, &n, &blob, &start, &key, &lblob); err != nil {
			return err
		}
		got[id] = true
		series, err := decodeSeries(blob)
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		w := want[id]
		if n != len(w) || !reflect.DeepEqual(series, w) {
			return fmt.Errorf("%s: current_series holds %d values (n = %d), the stored values give %d:\n got %v\nwant %v", id, len(series), n, len(w), series, w)
		}
		latest, err := decodeSeries(lblob)
		if err != nil {
			return fmt.Errorf("%s latest: %w", id, err)
		}
		wl := latestByRule(w)
		if !reflect.DeepEqual(latest, wl) {
			return fmt.Errorf("%s: latest period holds %v, the stored values give %v", id, latest, wl)
		}
		if start != formatDate(wl[0].Period.Start) || key != wl[0].Period.Key() {
			return fmt.Errorf("%s: latest period %s (%s), the stored values give %s (%s)", id, key, start, wl[0].Period.Key(), formatDate(wl[0].Period.Start))
		}
	}
	if err := crows.Err(); err != nil {
		return err
	}
	for id := range want {
		if !got[id] {
			return fmt.Errorf("%s has %d current values and no current_series row", id, len(want[id]))
		}
	}
	return nil
}

// latestByRule is Latest's rule written out plainly, apart from
// latestOf: the greatest start, then the latest end, then the greatest
// key; that period's values by area, then row order.
func latestByRule(series []metrics.Observation) []metrics.Observation {
	var best metrics.Period
	for _, o := range series {
		p := o.Period
		switch {
		case best.Kind == "", p.Start.After(best.Start),
			p.Start.Equal(best.Start) && p.End.After(best.End),
			p.Start.Equal(best.Start) && p.End.Equal(best.End) && p.Key() > best.Key():
			best = p
		}
	}
	var out []metrics.Observation
	for _, o := range series {
		if o.Period.Start.Equal(best.Start) && o.Period.Key() == best.Key() {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Area < out[j].Area })
	return out
}

// OpenAtVersion opens dsn as an Assure of the given schema version left
// it: migrated up to that version and no further. The caller closes the
// database.
func OpenAtVersion(ctx context.Context, dialect, dsn string, version int64) (*sql.DB, error) {
	driver := "sqlite"
	if dialect == Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	if err := migrateTo(ctx, db, dialect, version); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// EncodeSeries and DecodeSeries are the codec of current_series.
var (
	EncodeSeries = encodeSeries
	DecodeSeries = decodeSeries
)

// SpillAfter makes the ingest stop keeping its values for Finish once
// they take more than n bytes encoded, as it does past maxFreshBytes.
func (t *IngestTx) SpillAfter(n int) { t.maxFresh = n }
