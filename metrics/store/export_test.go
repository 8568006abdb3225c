package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// InsertUnchecked stores observations as AddObservations does but
// without its checks, and writes them at once, so that tests can show
// that the store's writing itself refuses what those checks refuse.
func (t *IngestTx) InsertUnchecked(ctx context.Context, obs []metrics.Observation) error {
	for i := range obs {
		t.keep(&obs[i])
	}
	err := t.writeBlocks(ctx)
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
// computation from the stored blocks alone: for each metric, area and
// period key, the value of the latest stored upload that gives one (an
// upload giving one twice is an error), ordered as Series orders them
// (period start, area, period end, then upload and place in it); and the
// latest period by Latest's rule. It returns an error describing the
// first difference.
func CheckCurrentSeries(ctx context.Context, s *Store) error {
	rows, err := s.db.QueryContext(ctx, `
		SELECT b.metric_id, b.upload_id, b.part, b.n, b.body, u.status
		FROM value_blocks b JOIN uploads u ON u.id = b.upload_id
		ORDER BY b.metric_id, b.upload_id, b.part`)
	if err != nil {
		return err
	}
	type value struct {
		o      metrics.Observation
		upload int64
		pos    int
	}
	best := map[[3]string]value{}
	pos := map[[2]string]int{} // the next place in each upload's values of a metric
	for rows.Next() {
		var (
			metric, status string
			upload         int64
			part, n        int
			body           []byte
		)
		if err := rows.Scan(&metric, &upload, &part, &n, &body, &status); err != nil {
			rows.Close()
			return err
		}
		if status != metrics.StatusStored {
			rows.Close()
			return fmt.Errorf("block %d of upload %d, which is %s", part, upload, status)
		}
		obs, err := decodeSeries(body)
		if err != nil {
			rows.Close()
			return fmt.Errorf("block %d of upload %d, %s: %w", part, upload, metric, err)
		}
		if len(obs) != n {
			rows.Close()
			return fmt.Errorf("block %d of upload %d, %s: n = %d, holds %d", part, upload, metric, n, len(obs))
		}
		for _, o := range obs {
			if o.MetricID != metric || o.Source.UploadID != upload {
				rows.Close()
				return fmt.Errorf("block %d of upload %d, %s holds a value of %s, upload %d", part, upload, metric, o.MetricID, o.Source.UploadID)
			}
			pk := [2]string{metric, fmt.Sprint(upload)}
			k := [3]string{metric, o.Area, o.Period.Key()}
			if b, ok := best[k]; ok && b.upload == upload {
				rows.Close()
				return fmt.Errorf("upload %d gives %v twice", upload, k)
			}
			// Blocks come in upload order: a later one replaces.
			best[k] = value{o: o, upload: upload, pos: pos[pk]}
			pos[pk]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	byMetric := map[string][]value{}
	for _, v := range best {
		byMetric[v.o.MetricID] = append(byMetric[v.o.MetricID], v)
	}
	want := map[string][]metrics.Observation{}
	for m, vs := range byMetric {
		sort.Slice(vs, func(i, j int) bool {
			a, b := vs[i], vs[j]
			switch {
			case !a.o.Period.Start.Equal(b.o.Period.Start):
				return a.o.Period.Start.Before(b.o.Period.Start)
			case a.o.Area != b.o.Area:
				return a.o.Area < b.o.Area
			case !a.o.Period.End.Equal(b.o.Period.End):
				return a.o.Period.End.Before(b.o.Period.End)
			case a.upload != b.upload:
				return a.upload < b.upload
			}
			return a.pos < b.pos
		})
		for _, v := range vs {
			want[m] = append(want[m], v.o)
		}
	}

	got := map[string]bool{}
	crows, err := s.db.QueryContext(ctx, `SELECT metric_id, n, series, latest_start, latest_key, latest, headline, last_end_day FROM current_series`)
	if err != nil {
		return err
	}
	defer crows.Close()
	for crows.Next() {
		var (
			id, start, key string
			n              int
			blob, lblob    []byte
			hblob          []byte
			lastEnd        sql.NullInt64
		)
		if err := crows.Scan(&id, &n, &blob, &start, &key, &lblob, &hblob, &lastEnd); err != nil {
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
		if !lastEnd.Valid {
			return fmt.Errorf("%s: current_series has no headline", id)
		}
		if hblob == nil {
			hblob = blob // the headline is the whole series
		}
		headline, err := decodeSeries(hblob)
		if err != nil {
			return fmt.Errorf("%s headline: %w", id, err)
		}
		wh, wEnd := headlineByRule(w)
		if !reflect.DeepEqual(headline, wh) {
			return fmt.Errorf("%s: headline holds %v, the stored values give %v", id, headline, wh)
		}
		if got := time.Unix(lastEnd.Int64*86400, 0).UTC(); !got.Equal(wEnd) {
			return fmt.Errorf("%s: the last day covered is %s, the stored values give %s", id, got, wEnd)
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

// headlineByRule is what HeadlineSeries gives of a series whose periods
// have all ended, written out plainly apart from headlineValues: the
// values of the force-wide areas and of the periods that start last, or
// all of them when no force-wide area has a value; and the day the last
// period ends.
func headlineByRule(series []metrics.Observation) (out []metrics.Observation, lastEnd time.Time) {
	var latest time.Time
	hasForceWide := false
	for _, o := range series {
		if o.Period.Start.After(latest) {
			latest = o.Period.Start
		}
		if o.Period.End.After(lastEnd) {
			lastEnd = o.Period.End
		}
		hasForceWide = hasForceWide || slices.Contains(metrics.ForceWideAreas(), o.Area)
	}
	for _, o := range series {
		if !hasForceWide || slices.Contains(metrics.ForceWideAreas(), o.Area) || o.Period.Start.Equal(latest) {
			out = append(out, o)
		}
	}
	return out, lastEnd.Truncate(24 * time.Hour)
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

// SpillAfter makes the ingest write the values it keeps as blocks once
// they take more than n bytes encoded, as it does past maxPendingBytes.
func (t *IngestTx) SpillAfter(n int) { t.maxPending = n }

// ReaderPoolStats are the statistics of the pool reads use.
func ReaderPoolStats(s *Store) sql.DBStats { return s.rdb.Stats() }
