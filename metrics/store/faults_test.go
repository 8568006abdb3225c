package store_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// TestLosingPostgresMidIngestStoresNothing cuts the connection to
// PostgreSQL in the middle of an ingest: the ingest fails with an error,
// nothing of it is stored, and once the database is back the same
// store (not restarted) stores the file.
func TestLosingPostgresMidIngestStoresNothing(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	u, _ := url.Parse(dsn)
	proxy := storetest.NewProxy(t, u.Host)
	ctx := context.Background()
	s, err := store.Open(ctx, proxy.DSN(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	ingest := func() error {
		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "big.xlsx", Kind: metrics.KindPerformance}, []byte("big.xlsx content"))
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := tx.EnsureMetric(ctx, calls); err != nil {
			return err
		}
		for month := 0; month < 24; month++ {
			if month == 12 {
				proxy.Down() // the database goes away halfway
			}
			p := metrics.MonthOf(2020+month/12, time.Month(month%12+1))
			if err := tx.AddObservations(ctx, []metrics.Observation{ob(calls.ID, "North", p, float64(month), "Data", "C2")}); err != nil {
				return err
			}
		}
		if _, err := tx.Finish(ctx); err != nil {
			return err
		}
		return tx.Commit()
	}
	if err := ingest(); err == nil {
		t.Fatal("an ingest whose database went away reported success")
	} else {
		t.Logf("error while the database was away: %v", err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping succeeded while the database was away")
	}
	proxy.Up()
	// Nothing partial: read through a direct connection.
	direct, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	if ups, err := direct.ListUploads(ctx); err != nil || len(ups) != 0 {
		t.Fatalf("after the lost connection: %d uploads (%v), want none", len(ups), err)
	}
	// The same store, not restarted, reconnects and stores the file.
	deadline := time.Now().Add(10 * time.Second)
	for s.Ping(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the store did not reconnect")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A clean run now that the database stays.
	tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "big.xlsx", Kind: metrics.KindPerformance}, []byte("big.xlsx content"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.EnsureMetric(ctx, calls); err != nil {
		t.Fatal(err)
	}
	if err := tx.AddObservations(ctx, []metrics.Observation{ob(calls.ID, "North", aug, 1, "Data", "C2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if ups, _ := direct.ListUploads(ctx); len(ups) != 1 {
		t.Errorf("after reconnecting: %d uploads, want 1", len(ups))
	}
}
