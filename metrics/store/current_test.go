package store_test

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

func TestSeriesCodecRoundTrip(t *testing.T) {
	at := time.Date(2022, 1, 5, 9, 30, 1, 123456000, time.UTC)
	src := func(id int64, file, sheet, cell string) metrics.Source {
		return metrics.Source{UploadID: id, File: file, Sheet: sheet, Cell: cell, UploadedAt: at.Add(time.Duration(id) * time.Hour)}
	}
	tests := []struct {
		name string
		obs  []metrics.Observation
	}{
		{"empty", []metrics.Observation{}},
		{"one", []metrics.Observation{{MetricID: "calls", Area: "Force", Period: metrics.MonthOf(2021, 4), Value: 12.5, Source: src(1, "Q1.xlsx", "Calls", "B2")}}},
		{"several uploads, kinds and areas, odd values", []metrics.Observation{
			{MetricID: "calls", Area: "North", Period: metrics.MonthOf(1969, 12), Value: -0.0, Source: src(3, "old.xlsx", "Data", "A1")},
			{MetricID: "calls", Area: "", Period: metrics.QuarterOf(2021, 2), Value: 1e-300, Source: src(7, "Q2 ünïcode.xlsx", "Sheet 1", "XFD1048576")},
			{MetricID: "calls", Area: "North", Period: metrics.MonthOf(2021, 4), Value: -1.7976931348623157e308, Source: src(3, "old.xlsx", "Data", "A2")},
			{MetricID: "calls", Area: "South", Period: metrics.MonthOf(2021, 4), Value: 42, Source: src(7, "Q2 ünïcode.xlsx", "Sheet 1", "C9")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.DecodeSeries(store.EncodeSeries(tt.obs))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.obs) {
				t.Errorf("round trip:\n got %v\nwant %v", got, tt.obs)
			}
		})
	}
}

func TestSeriesCodecRefusesCorruptBytes(t *testing.T) {
	good := store.EncodeSeries([]metrics.Observation{{MetricID: "m", Area: "a", Period: metrics.MonthOf(2021, 4), Value: 1, Source: metrics.Source{UploadID: 1, File: "f", Sheet: "s", Cell: "A1"}}})
	tests := []struct {
		name string
		b    []byte
	}{
		{"nothing", nil},
		{"unknown version", append([]byte{9}, good[1:]...)},
		{"cut short", good[:len(good)-3]},
		{"bytes left over", append(append([]byte{}, good...), 0)},
		{"huge count", []byte{1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := store.DecodeSeries(tt.b); err == nil {
				t.Error("decoded corrupt bytes without an error")
			}
		})
	}
	// Every truncation of a good encoding is refused, never a panic.
	for i := range len(good) {
		if _, err := store.DecodeSeries(good[:i]); err == nil {
			t.Errorf("decoded the first %d of %d bytes", i, len(good))
		}
	}
}

// modelCell is a value the test model holds for a metric, area and period.
type modelCell struct {
	metric, area string
	period       metrics.Period
}

// TestCurrentSeriesEqualsStoredValues makes a random history of uploads,
// revisions, rollbacks (of any stored upload, not only the latest) and
// reclassifications, and after each step checks that the stored current
// series and latest periods equal a computation from the stored values
// (store.CheckCurrentSeries), that Series, CurrentSeries and Latest give
// what a plain model of the uploads gives, and that a reader who may not
// see sensitive measures sees none of their values.
func TestCurrentSeriesEqualsStoredValues(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC))
		rng := rand.New(rand.NewPCG(20, 2022))
		measures := []metrics.Metric{calls, response, outcomes}
		class := map[string]metrics.Classification{}
		for _, m := range measures {
			class[m.ID] = m.Classification
		}
		areas := []string{"Force", "North", "South"}
		var periods []metrics.Period
		for m := time.April; m <= time.September; m++ {
			periods = append(periods, metrics.MonthOf(2021, m))
		}
		// The financial year 2021/22 and the year ending March 2022 start
		// and end on the same days: Series orders them by row, Latest by
		// key.
		periods = append(periods, metrics.QuarterOf(2021, 1), metrics.QuarterOf(2021, 2),
			metrics.FinancialYearOf(2021), metrics.YearEndingOf(2022, time.March))

		uploads := map[int64]map[modelCell]float64{} // stored uploads' values
		step := 0
		check := func(what string) {
			t.Helper()
			if err := store.CheckCurrentSeries(ctx, s); err != nil {
				t.Fatalf("step %d, after %s: %v", step, what, err)
			}
			// The model: each cell's value from the latest stored upload.
			want := map[string][]metrics.Observation{}
			cur := map[modelCell]metrics.Observation{}
			for id, cells := range uploads {
				for c, v := range cells {
					if o, ok := cur[c]; ok && o.Source.UploadID > id {
						continue
					}
					cur[c] = metrics.Observation{MetricID: c.metric, Area: c.area, Period: c.period, Value: v, Source: metrics.Source{UploadID: id}}
				}
			}
			for c, o := range cur {
				want[c.metric] = append(want[c.metric], o)
			}
			// Who may see a measure is the catalogue's to say (a rollback
			// restores an entry, or keeps it closed and proposes opening
			// it): read it, and check the reads against it.
			listed, err := s.ListMetrics(ctx, metrics.Everything)
			if err != nil {
				t.Fatal(err)
			}
			clear(class)
			for _, m := range listed {
				class[m.ID] = m.Classification
			}
			all, err := s.CurrentSeries(ctx, metrics.Everything)
			if err != nil {
				t.Fatal(err)
			}
			public, err := s.CurrentSeries(ctx, metrics.Public)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range measures {
				w := want[m.ID]
				slices.SortFunc(w, func(a, b metrics.Observation) int {
					// Ties, such as a financial year and the year ending with
					// its March, go in row order: by upload, then file order,
					// where the test gives the financial year first.
					return cmp.Or(a.Period.Start.Compare(b.Period.Start), cmp.Compare(a.Area, b.Area), a.Period.End.Compare(b.Period.End),
						cmp.Compare(a.Source.UploadID, b.Source.UploadID), cmp.Compare(a.Period.Key(), b.Period.Key()))
				})
				if _, ok := class[m.ID]; !ok {
					// Rolled back with the upload that created it.
					if len(w) > 0 {
						t.Fatalf("step %d, after %s: %s is gone from the catalogue with %d current values", step, what, m.ID, len(w))
					}
					continue
				}
				got, err := s.Series(ctx, metrics.Everything, m.ID)
				if err != nil {
					t.Fatalf("step %d: Series(%s): %v", step, m.ID, err)
				}
				if g, w := brief(got), brief(w); !slices.Equal(g, w) {
					t.Fatalf("step %d, after %s: Series(%s)\n got %v\nwant %v", step, what, m.ID, g, w)
				}
				if g := brief(all[m.ID]); !slices.Equal(g, brief(w)) {
					t.Fatalf("step %d: CurrentSeries[%s] = %v, want %v", step, m.ID, g, brief(w))
				}
				for _, o := range got {
					if o.Source.Sheet == "" || o.Source.Cell == "" || o.Source.File == "" || o.Source.UploadedAt.IsZero() {
						t.Fatalf("step %d: %s value without its full source: %+v", step, m.ID, o.Source)
					}
				}
				pub, err := s.Series(ctx, metrics.Public, m.ID)
				switch {
				case class[m.ID] == metrics.Sensitive && metrics.ErrorCode(err) != metrics.ENOTFOUND:
					t.Fatalf("step %d: the public read sensitive %s: %v, %v", step, m.ID, brief(pub), err)
				case class[m.ID] == metrics.Sensitive && len(public[m.ID]) > 0:
					t.Fatalf("step %d: the public's CurrentSeries holds sensitive %s", step, m.ID)
				case class[m.ID] == metrics.Open && (err != nil || !slices.Equal(brief(pub), brief(w))):
					t.Fatalf("step %d: the public's Series(%s) = %v, %v; want %v", step, m.ID, brief(pub), err, brief(w))
				}
			}
			for _, scope := range []metrics.Scope{metrics.Everything, metrics.Public} {
				latest, err := s.Latest(ctx, scope)
				if err != nil {
					t.Fatal(err)
				}
				for _, lv := range latest {
					if scope == metrics.Public && class[lv.Metric.ID] != metrics.Open {
						t.Fatalf("step %d: the public's Latest holds sensitive %s", step, lv.Metric.ID)
					}
					w := latestModel(want[lv.Metric.ID])
					if g := brief(lv.Values); !slices.Equal(g, brief(w)) {
						t.Fatalf("step %d, after %s: Latest %s = %v, want %v", step, what, lv.Metric.ID, g, brief(w))
					}
				}
			}
		}

		for step = 0; step < 40; step++ {
			var stored []int64
			for id := range uploads {
				stored = append(stored, id)
			}
			slices.Sort(stored)
			switch r := rng.IntN(10); {
			case r < 6 || len(stored) == 0:
				// An upload: a random part of the grid, so that it revises
				// some cells and gives others for the first time.
				cells := map[modelCell]float64{}
				var obs []metrics.Observation
				for _, m := range measures {
					if rng.IntN(3) == 0 {
						continue
					}
					for _, a := range areas {
						for _, p := range periods {
							if rng.IntN(3) != 0 {
								continue
							}
							v := float64(rng.IntN(1000)) / 4
							cells[modelCell{m.ID, a, p}] = v
							obs = append(obs, ob(m.ID, a, p, v, "Data", fmt.Sprintf("C%d", len(obs)+2)))
						}
					}
				}
				name := fmt.Sprintf("step-%d.xlsx", step)
				// Some uploads stop keeping their values partway, as a
				// large file does, and Finish reads them back.
				f := file{name: name, obs: obs, spillAfter: []int{0, 1, 200}[rng.IntN(3)]}
				for _, m := range measures {
					if c, ok := class[m.ID]; ok {
						m.Classification = c
					}
					f.metrics = append(f.metrics, m)
				}
				id, _ := ingest(t, s, f)
				uploads[id] = cells
				check("upload " + name)
			case r < 8:
				id := stored[rng.IntN(len(stored))]
				if _, err := s.RollbackUpload(ctx, id, "admin"); err != nil {
					t.Fatalf("step %d: rollback %d: %v", step, id, err)
				}
				delete(uploads, id)
				check(fmt.Sprintf("rollback of upload %d", id))
			default:
				// A reclassification, by a catalogue-only upload: the
				// values stay, who may see them changes.
				m := measures[rng.IntN(len(measures))]
				c := metrics.Open
				if class[m.ID] == metrics.Open {
					c = metrics.Sensitive
				}
				m.Classification = c
				id, _ := ingest(t, s, file{name: fmt.Sprintf("catalogue-%d.xlsx", step), metrics: []metrics.Metric{m}})
				uploads[id] = map[modelCell]float64{}
				check(fmt.Sprintf("%s made %s", m.ID, c))
			}
		}
	})
}

// latestModel is the latest period's values of a series in Series order:
// the greatest start, then the latest end, then the greatest key.
func latestModel(series []metrics.Observation) []metrics.Observation {
	var best metrics.Period
	for _, o := range series {
		p := o.Period
		if best.Kind == "" || p.Start.After(best.Start) || (p.Start.Equal(best.Start) && p.End.After(best.End)) ||
			(p.Start.Equal(best.Start) && p.End.Equal(best.End) && p.Key() > best.Key()) {
			best = p
		}
	}
	var out []metrics.Observation
	for _, o := range series {
		if o.Period == best {
			out = append(out, o)
		}
	}
	return out
}

// brief renders values with their upload, for comparison with the model.
func brief(obs []metrics.Observation) []string {
	out := make([]string, len(obs))
	for i, o := range obs {
		out[i] = fmt.Sprintf("%s/%s/%s=%g@%d", o.MetricID, o.Area, o.Period.Key(), o.Value, o.Source.UploadID)
	}
	return out
}

// TestMigrationFillsCurrentSeries makes a database as Assure left it
// before current_series (schema version 13), with values written as that
// version wrote them (revisions superseding older values, a rolled-back
// upload's values gone and what it replaced current again), then opens
// it with today's Store, whose migrations fill current_series, and checks
// that every series, latest period and history reads as the old schema's
// rows say.
func TestMigrationFillsCurrentSeries(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			db, err := store.OpenAtVersion(ctx, d, dsn, 13)
			if err != nil {
				t.Fatal(err)
			}
			var tables int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'current_series' AND table_schema = current_schema()`).Scan(&tables); err != nil && d == store.Postgres {
				t.Fatal(err)
			}
			if d == store.Postgres && tables != 0 {
				t.Fatal("schema 13 already has current_series")
			}
			bind := func(q string) string { return q }
			if d == store.Postgres {
				bind = func(q string) string {
					n := 0
					out := []byte{}
					for i := range len(q) {
						if q[i] == '?' {
							n++
							out = append(out, fmt.Sprintf("$%d", n)...)
							continue
						}
						out = append(out, q[i])
					}
					return string(out)
				}
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.ExecContext(ctx, bind(q), args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			for i, name := range []string{"Q1.xlsx", "Q1 revised.xlsx", "Q2.xlsx", "wrong.xlsx"} {
				status := metrics.StatusStored
				if name == "wrong.xlsx" {
					status = metrics.StatusRolledBack
				}
				exec(`INSERT INTO uploads (id, file_name, sha256, kind, status, size, uploaded_at, uploaded_by) VALUES (?, ?, ?, 'performance', ?, 1, ?, 'analyst')`,
					i+1, name, sha(name), status, fmt.Sprintf("2022-0%d-01T09:00:00.000000Z", i+1))
			}
			for _, m := range []metrics.Metric{calls, response, outcomes} {
				exec(`INSERT INTO metrics (id, name, unit, direction, target, classification, category, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '2022-01-01T00:00:00.000000Z')`,
					m.ID, m.Name, m.Unit, string(m.Direction), m.Target, string(m.Classification), m.Category)
			}
			type old struct {
				metric, area, period string
				value                float64
				upload               int
				cell                 string
				superseded           any
			}
			apr, may, jun := metrics.MonthOf(2021, 4), metrics.MonthOf(2021, 5), metrics.MonthOf(2021, 6)
			q1 := metrics.QuarterOf(2021, 1)
			byKey := map[string]metrics.Period{apr.Key(): apr, may.Key(): may, jun.Key(): jun, q1.Key(): q1}
			rows := []old{
				{"calls-999", "Force", apr.Key(), 100, 1, "B2", 2},
				{"calls-999", "Force", may.Key(), 110, 1, "C2", nil},
				{"calls-999", "North", apr.Key(), 40, 1, "B3", nil},
				{"calls-999", "Force", apr.Key(), 101, 2, "B2", nil},
				{"calls-999", "Force", jun.Key(), 120, 3, "D2", nil},
				{"calls-999", "South", jun.Key(), 60, 3, "D3", nil},
				{"response-urban", "Force", q1.Key(), 14.5, 1, "E2", 3},
				{"response-urban", "Force", q1.Key(), 14.1, 3, "E2", nil},
				{"response-urban", "Force", apr.Key(), 14.9, 3, "F2", nil},
			}
			for i, r := range rows {
				p := byKey[r.period]
				exec(`INSERT INTO observations (id, metric_id, area, period_kind, period_key, period_start, period_end, value, upload_id, sheet, cell, superseded_by)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'Data', ?, ?)`,
					i+1, r.metric, r.area, string(p.Kind), r.period, p.Start.Format("2006-01-02"), p.End.Format("2006-01-02"), r.value, r.upload, r.cell, r.superseded)
			}
			if d == store.Postgres {
				// Ids were given, as the old ingest's identity would have
				// made them; move the identities past them.
				exec(`SELECT setval(pg_get_serial_sequence('uploads', 'id'), 4)`)
				exec(`SELECT setval(pg_get_serial_sequence('observations', 'id'), 9)`)
			}
			db.Close()

			s := storetest.OpenDSN(t, dsn)
			if err := store.CheckCurrentSeries(ctx, s); err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{
				"calls-999": {
					"calls-999/Force/2021-04=101@2", "calls-999/North/2021-04=40@1",
					"calls-999/Force/2021-05=110@1",
					"calls-999/Force/2021-06=120@3", "calls-999/South/2021-06=60@3",
				},
				// April and the quarter start the same day; April ends first.
				"response-urban": {"response-urban/Force/2021-04=14.9@3", "response-urban/Force/2021/22 Q1=14.1@3"},
				"outcome-rate":   {},
			}
			for id, w := range want {
				got, err := s.Series(ctx, metrics.Everything, id)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(brief(got), w) {
					t.Errorf("Series(%s) after the migration = %v, want %v", id, brief(got), w)
				}
			}
			got, err := s.Series(ctx, metrics.Everything, "calls-999")
			if err != nil {
				t.Fatal(err)
			}
			if src := got[0].Source; src.File != "Q1 revised.xlsx" || src.Sheet != "Data" || src.Cell != "B2" || !src.UploadedAt.Equal(time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC)) {
				t.Errorf("the revised April value's source = %+v", src)
			}
			latest, err := s.Latest(ctx, metrics.Everything)
			if err != nil {
				t.Fatal(err)
			}
			for _, lv := range latest {
				var w []string
				switch lv.Metric.ID {
				case "calls-999":
					w = []string{"calls-999/Force/2021-06=120@3", "calls-999/South/2021-06=60@3"}
				case "response-urban":
					// The quarter and April start the same day; the quarter
					// ends last.
					w = []string{"response-urban/Force/2021/22 Q1=14.1@3"}
				}
				if g := brief(lv.Values); !slices.Equal(g, w) && len(g)+len(w) > 0 {
					t.Errorf("Latest %s = %v, want %v", lv.Metric.ID, g, w)
				}
			}
			// A later upload and a rollback keep the migrated rows right.
			id, _ := ingest(t, s, file{name: "Q3.xlsx", obs: []metrics.Observation{ob("calls-999", "North", apr, 41, "Data", "B3")}})
			if err := store.CheckCurrentSeries(ctx, s); err != nil {
				t.Fatalf("after an upload on the migrated database: %v", err)
			}
			if _, err := s.RollbackUpload(ctx, 3, "admin"); err != nil {
				t.Fatal(err)
			}
			if err := store.CheckCurrentSeries(ctx, s); err != nil {
				t.Fatalf("after a rollback on the migrated database: %v", err)
			}
			got, err = s.Series(ctx, metrics.Everything, "response-urban")
			if err != nil {
				t.Fatal(err)
			}
			if w := []string{"response-urban/Force/2021/22 Q1=14.5@1"}; !slices.Equal(brief(got), w) {
				t.Errorf("after rolling back upload 3: %v, want %v", brief(got), w)
			}
			_ = id
		})
	}
}

// TestRollbackOfTheLatestAfterAnEarlierOneRestoresTheNewerValue: four
// uploads give one cell; rolling back the second, then the fourth, must
// make the third's value current, not the first's. (The rollback used to
// point the first's value at the fourth when the second went, and then
// restore it beside the third's.)
func TestRollbackOfTheLatestAfterAnEarlierOneRestoresTheNewerValue(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		apr := metrics.MonthOf(2021, 4)
		var ids []int64
		for i := 1; i <= 4; i++ {
			f := file{name: fmt.Sprintf("v%d.xlsx", i), obs: []metrics.Observation{ob(calls.ID, "Force", apr, float64(i), "Data", "B2")}}
			if i == 1 {
				f.metrics = []metrics.Metric{calls}
			}
			id, _ := ingest(t, s, f)
			ids = append(ids, id)
		}
		for _, id := range []int64{ids[1], ids[3]} {
			if _, err := s.RollbackUpload(ctx, id, "admin"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Series(ctx, metrics.Everything, calls.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{fmt.Sprintf("calls-999/Force/2021-04=3@%d", ids[2])}; !slices.Equal(brief(got), want) {
			t.Errorf("after rolling back the second and the fourth: %v, want %v", brief(got), want)
		}
		hist, err := s.History(ctx, metrics.Everything, calls.ID, "Force", apr.Key())
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{fmt.Sprintf("calls-999/Force/2021-04=3@%d", ids[2]), fmt.Sprintf("calls-999/Force/2021-04=1@%d", ids[0])}; !slices.Equal(brief(hist), want) {
			t.Errorf("history: %v, want %v", brief(hist), want)
		}
		if err := store.CheckCurrentSeries(ctx, s); err != nil {
			t.Error(err)
		}
	})
}

// TestMigrationOfAnExistingDatabase migrates a copy of a database that an
// earlier Assure made, and checks every measure's current series and
// latest period against a computation from its stored values, and every
// value against what the old rows marked current. The database is
// testdata/before-value-blocks.db, made by the build before value_blocks
// (migration 00017), or ASSURE_MIGRATION_DB: a SQLite file such as the
// load test's, kept with --keep by any earlier build.
func TestMigrationOfAnExistingDatabase(t *testing.T) {
	src := os.Getenv("ASSURE_MIGRATION_DB")
	if src == "" {
		// Made by the build before value_blocks (7e000c6) with its load
		// test: go run ./cmd/loadtest --db F --keep --metrics 4 --areas 3
		// --months 24 --finance-years 1 --clients 1 --duration 2s
		// --ingest-rows 40, then VACUUM. 328 values in 15 uploads, 40 of
		// them superseded by the last upload.
		src = filepath.Join("testdata", "before-value-blocks.db")
	}
	dst := filepath.Join(t.TempDir(), "assure.db")
	// The file and, should it not have been checkpointed, its log.
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(src + suffix)
		if suffix != "" && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+suffix, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	// What the old schema says is current, read from its rows before the
	// migration: a database made before value_blocks (00017) has them.
	wantCurrent, rows := currentOfOldRows(t, dst)
	start := time.Now()
	s := storetest.OpenDSN(t, dst)
	t.Logf("opened and migrated in %v", time.Since(start))
	if err := store.CheckCurrentSeries(ctx, s); err != nil {
		t.Fatal(err)
	}
	all, err := s.CurrentSeries(ctx, metrics.Everything)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var got []string
	for _, obs := range all {
		n += len(obs)
		for _, o := range obs {
			if o.Source.Sheet != "" { // derived measures' values are computed
				got = append(got, fmt.Sprintf("%s/%s/%s=%v@%d %s!%s", o.MetricID, o.Area, o.Period.Key(), o.Value, o.Source.UploadID, o.Source.Sheet, o.Source.Cell))
			}
		}
	}
	t.Logf("%d measures, %d current values, each equal to the stored values' computation", len(all), n)
	if n == 0 {
		t.Error("the database has no current values: nothing was checked")
	}
	if wantCurrent != nil {
		slices.Sort(got)
		if !slices.Equal(got, wantCurrent) {
			t.Errorf("the current values after the migration (%d) differ from those the old rows marked current (%d)", len(got), len(wantCurrent))
		}
		t.Logf("%d rows of observations, every current one current after the migration", rows)
	}
}

// currentOfOldRows reads the values that observations (the schema before
// migration 00017) marks current, sorted, and the number of its rows;
// nil when the database has no such table.
func currentOfOldRows(t *testing.T, path string) ([]string, int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	if err := db.QueryRow(`SELECT COUNT(*) FROM observations`).Scan(&rows); err != nil {
		t.Logf("no observations table to compare with: %v", err)
		return nil, 0
	}
	rs, err := db.Query(`
		SELECT o.metric_id, o.area, o.period_key, o.value, o.upload_id, o.sheet, o.cell
		FROM observations o WHERE o.superseded_by IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var (
			metric, area, key, sheet, cell string
			value                          float64
			upload                         int64
		)
		if err := rs.Scan(&metric, &area, &key, &value, &upload, &sheet, &cell); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s/%s/%s=%v@%d %s!%s", metric, area, key, value, upload, sheet, cell))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out, rows
}

// TestCurrentSeriesAcrossSeveralFinishes: an ingest may add values after
// a Finish and finish again; each Finish merges what came since into
// the kept series, which a rolled-back ingest leaves as it was.
func TestCurrentSeriesAcrossSeveralFinishes(t *testing.T) {
	// spill 40: the ingest stops keeping its values during the first
	// batch, and each Finish reads them back.
	for _, spill := range []int{0, 40} {
		t.Run(fmt.Sprintf("spill=%d", spill), func(t *testing.T) { severalFinishes(t, spill) })
	}
}

func severalFinishes(t *testing.T, spill int) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		apr, may := metrics.MonthOf(2021, 4), metrics.MonthOf(2021, 5)
		first, _ := ingest(t, s, file{name: "first.xlsx", metrics: []metrics.Metric{calls, outcomes},
			obs: []metrics.Observation{ob(calls.ID, "Force", apr, 1, "Data", "B2"), ob(calls.ID, "North", apr, 2, "Data", "B3")}})

		for _, commit := range []bool{false, true} {
			tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: fmt.Sprintf("second-%v.xlsx", commit), UploadedBy: "analyst", Kind: metrics.KindPerformance}, fmt.Appendf(nil, "second %v", commit))
			if err != nil {
				t.Fatal(err)
			}
			if spill > 0 {
				tx.SpillAfter(spill)
			}
			batches := [][]metrics.Observation{
				{ob(calls.ID, "Force", apr, 10, "Data", "C2"), ob(outcomes.ID, "Force", may, 0.5, "Data", "C3")},
				{ob(calls.ID, "Force", may, 11, "Data", "C4"), ob(outcomes.ID, "North", may, 0.25, "Data", "C5")},
			}
			for _, b := range batches {
				if err := tx.AddObservations(ctx, b); err != nil {
					t.Fatal(err)
				}
				if _, err := tx.Finish(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if !commit {
				if err := tx.Rollback(); err != nil {
					t.Fatal(err)
				}
				got, err := s.Series(ctx, metrics.Everything, calls.ID)
				if err != nil {
					t.Fatal(err)
				}
				if want := []string{fmt.Sprintf("calls-999/Force/2021-04=1@%d", first), fmt.Sprintf("calls-999/North/2021-04=2@%d", first)}; !slices.Equal(brief(got), want) {
					t.Errorf("after a rolled-back ingest: %v, want %v", brief(got), want)
				}
				if err := store.CheckCurrentSeries(ctx, s); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			second := tx.UploadID()
			got, err := s.Series(ctx, metrics.Everything, calls.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				fmt.Sprintf("calls-999/Force/2021-04=10@%d", second), fmt.Sprintf("calls-999/North/2021-04=2@%d", first),
				fmt.Sprintf("calls-999/Force/2021-05=11@%d", second),
			}
			if !slices.Equal(brief(got), want) {
				t.Errorf("after two Finishes: %v, want %v", brief(got), want)
			}
			if err := store.CheckCurrentSeries(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	})
}
