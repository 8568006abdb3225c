package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// Ingests and reads at once, through two Stores on one database (a server
// and an `assure ingest` beside it), fail nowhere (no SQLITE_BUSY), and
// ingests of the same cells leave exactly one current value per cell.
func TestConcurrentReadersAndWriters(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			dsn := filepath.Join(t.TempDir(), "shared.db")
			if d == store.Postgres {
				dsn = storetest.PostgresDSN(t)
			}
			var stores [2]*store.Store
			for i := range stores {
				s, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			ingest(t, stores[0], file{name: "catalogue.xlsx", metrics: []metrics.Metric{calls, response}})

			const writers, files, rows, readers = 4, 3, 1000, 4
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				errs     []error
				done     atomic.Bool
				ingested atomic.Int64
				reads    atomic.Int64
			)
			fail := func(err error) {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
			var writing sync.WaitGroup
			for w := range writers {
				writing.Add(1)
				go func() {
					defer writing.Done()
					s := stores[w%2]
					for f := range files {
						// Every file gives values for the same cells, so
						// each one supersedes the one before it.
						obs := make([]metrics.Observation, 0, rows)
						p := metrics.MonthOf(2015, time.April)
						for i := range rows {
							m := calls.ID
							if i%2 == 1 {
								m = response.ID
							}
							obs = append(obs, ob(m, fmt.Sprintf("Area %d", i%5), p, float64(w*1000+f), "Data", fmt.Sprintf("C%d", i)))
							if i%10 == 9 {
								p = p.Next()
							}
						}
						err := func() error {
							tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "f.xlsx"}, fmt.Appendf(nil, "writer %d file %d", w, f))
							if err != nil {
								return err
							}
							defer tx.Rollback()
							if err := tx.AddObservations(ctx, obs); err != nil {
								return err
							}
							if _, err := tx.Finish(ctx); err != nil {
								return err
							}
							return tx.Commit()
						}()
						if err != nil {
							fail(fmt.Errorf("writer %d file %d: %w", w, f, err))
							return
						}
						ingested.Add(1)
					}
				}()
			}
			for r := range readers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := stores[r%2]
					for !done.Load() {
						var err error
						switch r % 4 {
						case 0:
							_, err = s.Latest(ctx, metrics.Everything)
						case 1:
							_, err = s.Series(ctx, metrics.Everything, calls.ID)
						case 2:
							_, err = s.ListUploads(ctx)
						case 3:
							_, err = s.History(ctx, metrics.Everything, response.ID, "Area 1", "2015-04")
						}
						if err != nil {
							fail(fmt.Errorf("reader %d: %w", r, err))
							return
						}
						reads.Add(1)
					}
				}()
			}
			writing.Wait()
			done.Store(true)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d ingests, %d reads", ingested.Load(), reads.Load())

			for _, m := range []string{calls.ID, response.ID} {
				series, err := stores[1].Series(ctx, metrics.Everything, m)
				if err != nil {
					t.Fatal(err)
				}
				cells := make(map[string]bool)
				for _, o := range series {
					key := o.Area + "|" + o.Period.Key()
					if cells[key] {
						t.Errorf("%s: cell %s has more than one current value", m, key)
					}
					cells[key] = true
				}
				if len(cells) != rows/2 {
					t.Errorf("%s: %d current cells, want %d", m, len(cells), rows/2)
				}
			}
		})
	}
}

// A second ingest, even through another Store, waits for the open one to
// end, then supersedes what it committed: two ingests of the same cells
// can never both leave their values current.
func TestIngestsTakeTurns(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			dsn := filepath.Join(t.TempDir(), "turns.db")
			if d == store.Postgres {
				dsn = storetest.PostgresDSN(t)
			}
			var stores [2]*store.Store
			for i := range stores {
				s, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			ingest(t, stores[0], file{name: "catalogue.xlsx", metrics: []metrics.Metric{calls}})
			obs := []metrics.Observation{ob(calls.ID, "North", aug, 1, "Data", "C2"), ob(calls.ID, "South", aug, 2, "Data", "C3")}

			first, err := stores[0].BeginIngest(ctx, metrics.Upload{FileName: "first.xlsx"}, []byte("first"))
			if err != nil {
				t.Fatal(err)
			}
			defer first.Rollback()
			if err := first.AddObservations(ctx, obs); err != nil {
				t.Fatal(err)
			}

			type result struct {
				counts store.IngestCounts
				err    error
			}
			began := make(chan struct{})
			second := make(chan result, 1)
			go func() {
				tx, err := stores[1].BeginIngest(ctx, metrics.Upload{FileName: "second.xlsx"}, []byte("second"))
				close(began)
				if err != nil {
					second <- result{err: err}
					return
				}
				defer tx.Rollback()
				if err := tx.AddObservations(ctx, obs); err != nil {
					second <- result{err: err}
					return
				}
				counts, err := tx.Finish(ctx)
				if err == nil {
					err = tx.Commit()
				}
				second <- result{counts, err}
			}()

			select {
			case <-began:
				t.Fatal("a second ingest began while the first was open")
			case <-time.After(300 * time.Millisecond):
			}
			if _, err := first.Finish(ctx); err != nil {
				t.Fatal(err)
			}
			if err := first.Commit(); err != nil {
				t.Fatal(err)
			}
			r := <-second
			if r.err != nil {
				t.Fatalf("second ingest: %v", r.err)
			}
			if r.counts.Superseded != len(obs) {
				t.Errorf("second ingest superseded %d values, want %d", r.counts.Superseded, len(obs))
			}
			series, err := stores[0].Series(ctx, metrics.Everything, calls.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(series) != len(obs) {
				t.Errorf("Series = %v, want one current value per cell", values(series))
			}
		})
	}
}
