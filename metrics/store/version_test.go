package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// The versions move with every change a reader could see, in the
// transaction of the change, and stay put otherwise: the data version
// with the figures and the catalogue, the page version with those and
// with annotations, commentary and editions.
func TestVersionsMoveWithEveryChange(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var first, annotation int64
		steps := []struct {
			what       string
			do         func() error
			data, page bool // whether each moves
		}{
			{"nothing", func() error { return nil }, false, false},
			{"a read", func() error { _, err := s.ListMetrics(ctx, metrics.Everything); return err }, false, false},
			{"the first upload", func() error {
				first = ingestValues(t, s, "m1.xlsx", map[string]float64{"North 2021-08": 1})
				return nil
			}, true, true},
			{"a revision", func() error { ingestValues(t, s, "m2.xlsx", map[string]float64{"North 2021-08": 2}); return nil }, true, true},
			{"an upload rejected (rolled back)", func() error {
				tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "bad.xlsx", Kind: metrics.KindPerformance}, []byte("bad"))
				if err != nil {
					return err
				}
				if err := tx.UpsertMetric(ctx, outcomes); err != nil {
					return err
				}
				return tx.Rollback()
			}, false, false},
			{"a rollback", func() error { _, err := s.RollbackUpload(ctx, first, "tester"); return err }, true, true},
			{"a catalogue edit", func() error {
				m, err := s.GetMetric(ctx, metrics.Everything, calls.ID)
				if err != nil {
					return err
				}
				m.Name = "999 calls per day"
				_, err = s.UpdateMetric(ctx, m)
				return err
			}, true, true},
			{"a classification change", func() error {
				m, err := s.GetMetric(ctx, metrics.Everything, calls.ID)
				if err != nil {
					return err
				}
				m.Classification = metrics.Sensitive
				_, err = s.UpdateMetric(ctx, m)
				return err
			}, true, true},
			{"a classification changed by hand, in SQL", func() error {
				return store.ExecForTest(ctx, s, `UPDATE metrics SET classification = 'open' WHERE id = 'calls-999'`)
			}, true, true},
			{"an annotation added", func() error {
				a, err := s.AddAnnotation(ctx, metrics.Annotation{MetricID: calls.ID, Label: "Lockdown", Start: time.Date(2020, 3, 23, 0, 0, 0, 0, time.UTC), CreatedBy: "ana1"})
				annotation = a.ID
				return err
			}, false, true},
			{"an annotation changed", func() error {
				a, err := s.GetAnnotation(ctx, metrics.Everything, annotation)
				if err != nil {
					return err
				}
				a.Label, a.UpdatedBy = "First lockdown", "ana1"
				_, err = s.UpdateAnnotation(ctx, a)
				return err
			}, false, true},
			{"an annotation deleted", func() error { _, err := s.DeleteAnnotation(ctx, annotation, "ana1"); return err }, false, true},
			{"a commentary", func() error {
				p, _ := metrics.ParsePeriod("2021-08")
				_, err := s.WriteCommentary(ctx, metrics.Commentary{MetricID: calls.ID, Period: p, Text: "Up.", Author: "ana1"})
				return err
			}, false, true},
			{"a board pack edition", func() error {
				_, _, err := s.PublishEdition(ctx, time.Date(2022, 2, 10, 0, 0, 0, 0, time.UTC), "ana1", []byte(`{"Format":1}`))
				return err
			}, false, true},
		}
		prev, err := s.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.what, err)
			}
			v, err := s.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if moved := v.Data != prev.Data; moved != st.data {
				t.Errorf("after %s the data version went from %d to %d; want it to move: %t", st.what, prev.Data, v.Data, st.data)
			}
			if moved := v.Page != prev.Page; moved != st.page {
				t.Errorf("after %s the page version went from %d to %d; want it to move: %t", st.what, prev.Page, v.Page, st.page)
			}
			if v.Data < prev.Data || v.Page < prev.Page {
				t.Errorf("after %s the versions went back: %+v, were %+v", st.what, v, prev)
			}
			prev = v
		}
	})
}

// Two servers on one database whose clocks disagree by an hour: a
// change made on the one behind, after the one ahead stamped the
// catalogue, still moves the version that both read. (The newest stamp
// did not move: the catalogue's newest stamp stayed the one an hour
// ahead.)
func TestVersionsIgnoreTheClock(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			ahead, behind := storetest.OpenDSN(t, dsn), storetest.OpenDSN(t, dsn)
			now := time.Now()
			ahead.Now = func() time.Time { return now.Add(time.Hour) }
			behind.Now = func() time.Time { return now }
			ingest(t, ahead, file{name: "m1.xlsx", metrics: []metrics.Metric{calls, outcomes},
				obs: []metrics.Observation{ob(calls.ID, "North", aug, 1, "Data", "C2")}})
			before := map[*store.Store]int64{}
			for _, s := range []*store.Store{ahead, behind} {
				v, err := s.DataVersion(ctx)
				if err != nil {
					t.Fatal(err)
				}
				before[s] = v
			}
			made := calls
			made.Classification = metrics.Sensitive
			if _, err := behind.UpdateMetric(ctx, made); err != nil {
				t.Fatal(err)
			}
			for name, s := range map[string]*store.Store{"the server ahead": ahead, "the server behind": behind} {
				v, err := s.DataVersion(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if v <= before[s] {
					t.Errorf("%s reads data version %d after the reclassification, %d before it", name, v, before[s])
				}
			}
		})
	}
}

// Nothing but the triggers moves the versions, and never back.
func TestVersionsOnlyGrow(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingestValues(t, s, "m1.xlsx", map[string]float64{"North 2021-08": 1})
		for _, stmt := range []string{
			`UPDATE versions SET data_version = 1, page_version = 1`,
			`UPDATE versions SET page_version = page_version - 1`,
			`DELETE FROM versions`,
			`INSERT INTO versions (id, data_version, page_version) VALUES (2, 1, 1)`,
		} {
			if err := store.ExecForTest(ctx, s, stmt); err == nil {
				t.Errorf("%s: the database took it", stmt)
			}
		}
	})
}

// VersionedSeries gives the values with the metric and the version of
// the same snapshot.
func TestVersionedSeries(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingestValues(t, s, "m1.xlsx", map[string]float64{"North 2021-08": 1, "North 2021-09": 2})
		m, obs, v, err := s.VersionedSeries(ctx, metrics.Public, calls.ID)
		if err != nil {
			t.Fatal(err)
		}
		now, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != calls.ID || m.Classification != metrics.Open || len(obs) != 2 || v != now {
			t.Errorf("VersionedSeries = %+v, %d values, version %d; want calls-999, open, 2 values, version %d", m, len(obs), v, now)
		}
		if err := store.ExecForTest(ctx, s, `UPDATE metrics SET classification = 'sensitive' WHERE id = 'calls-999'`); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := s.VersionedSeries(ctx, metrics.Public, calls.ID); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("VersionedSeries of a measure made sensitive, for the public: %v, want not found", err)
		}
		m, _, v2, err := s.VersionedSeries(ctx, metrics.Everything, calls.ID)
		if err != nil || m.Classification != metrics.Sensitive || v2 <= v {
			t.Errorf("VersionedSeries for the board after the change = %s at version %d (was %d), %v", m.Classification, v2, v, err)
		}
	})
}
