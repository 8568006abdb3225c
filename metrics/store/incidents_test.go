package store_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func incident(id, setting string, month metrics.Period, minutes float64, row int) store.IncidentRecord {
	return store.IncidentRecord{
		Incident: metrics.Incident{ID: id, Priority: "Immediate", Setting: setting, Area: "North", Minutes: minutes},
		Month:    month, Sheet: "Incidents", Row: row,
	}
}

// addIncidents stores one upload of incidents and returns its id.
func addIncidents(t *testing.T, s *store.Store, name string, recs []store.IncidentRecord) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: name, Kind: metrics.KindPerformance}, []byte(name))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := tx.AddIncidents(ctx, recs); err != nil {
		t.Fatal(err)
	}
	if dups, n, err := tx.DuplicateIncidents(ctx); err != nil || n != 0 {
		t.Fatalf("duplicates %v %d %v", dups, n, err)
	}
	if _, err := tx.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return tx.UploadID()
}

func TestIncidentsCurrentSetPerMonth(t *testing.T) {
	jul, aug := metrics.MonthOf(2021, time.July), metrics.MonthOf(2021, time.August)
	received := time.Date(2021, time.July, 3, 14, 5, 0, 0, time.UTC)
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		timed := incident("J1", "Urban", jul, 12.5, 2)
		timed.Received, timed.Arrived = received, received.Add(12*time.Minute+30*time.Second)
		first := addIncidents(t, s, "q2.xlsx", []store.IncidentRecord{
			timed, incident("J2", "rural", jul, 30, 3), incident("A1", "urban", aug, 9, 4),
		})
		ids := func() []string {
			t.Helper()
			recs, err := s.Incidents(ctx, metrics.Everything)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range recs {
				out = append(out, fmt.Sprintf("%s/%s/%s/%g@%d:%s!%d", r.ID, r.Month.Key(), r.Setting, r.Minutes, r.UploadID, r.Sheet, r.Row))
				if r.File == "" || r.UploadedAt.IsZero() {
					t.Errorf("%s has no file or upload time", r.ID)
				}
			}
			return out
		}
		want := []string{
			fmt.Sprintf("J1/2021-07/urban/12.5@%d:Incidents!2", first),
			fmt.Sprintf("J2/2021-07/rural/30@%d:Incidents!3", first),
			fmt.Sprintf("A1/2021-08/urban/9@%d:Incidents!4", first),
		}
		if got := ids(); !reflect.DeepEqual(got, want) {
			t.Fatalf("after one upload:\n got %v\nwant %v", got, want)
		}
		recs, _ := s.Incidents(ctx, metrics.Everything)
		if !recs[0].Received.Equal(timed.Received) || !recs[0].Arrived.Equal(timed.Arrived) || !recs[1].Received.IsZero() {
			t.Errorf("times read back as %v, %v and %v", recs[0].Received, recs[0].Arrived, recs[1].Received)
		}

		// August sent again: it replaces August whole; July stays.
		second := addIncidents(t, s, "aug again.xlsx", []store.IncidentRecord{
			incident("A2", "rural", aug, 21, 2), incident("A3", "rural", aug, 19, 3),
		})
		want = []string{want[0], want[1],
			fmt.Sprintf("A2/2021-08/rural/21@%d:Incidents!2", second),
			fmt.Sprintf("A3/2021-08/rural/19@%d:Incidents!3", second),
		}
		if got := ids(); !reflect.DeepEqual(got, want) {
			t.Fatalf("after August again:\n got %v\nwant %v", got, want)
		}

		// Rolled back, the second upload's August is no longer current.
		if _, err := s.RollbackUpload(ctx, second, "tester"); err != nil {
			t.Fatal(err)
		}
		if got := ids(); len(got) != 3 || got[2] != fmt.Sprintf("A1/2021-08/urban/9@%d:Incidents!4", first) {
			t.Errorf("after the rollback: %v", got)
		}

		// Incidents are always sensitive.
		if _, err := s.Incidents(ctx, metrics.Public); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("public read: %v, want not found", err)
		}
	})
}

func TestAddIncidentsRefuses(t *testing.T) {
	jul := metrics.MonthOf(2021, time.July)
	now := time.Date(2021, time.July, 3, 14, 5, 0, 0, time.UTC)
	ok := incident("J1", "urban", jul, 10, 2)
	with := func(f func(r *store.IncidentRecord)) store.IncidentRecord {
		r := ok
		f(&r)
		return r
	}
	tests := []struct {
		name string
		rec  store.IncidentRecord
	}{
		{"no id", with(func(r *store.IncidentRecord) { r.ID = " " })},
		{"unknown setting", with(func(r *store.IncidentRecord) { r.Setting = "suburban" })},
		{"no month", with(func(r *store.IncidentRecord) { r.Month = metrics.Period{} })},
		{"a quarter, not a month", with(func(r *store.IncidentRecord) { r.Month = metrics.QuarterOf(2021, 2) })},
		{"received only", with(func(r *store.IncidentRecord) { r.Received = now })},
		{"negative minutes", with(func(r *store.IncidentRecord) { r.Minutes = -1 })},
		{"NaN minutes", with(func(r *store.IncidentRecord) { r.Minutes = math.NaN() })},
		{"infinite minutes", with(func(r *store.IncidentRecord) { r.Minutes = math.Inf(1) })},
		{"no row", with(func(r *store.IncidentRecord) { r.Row = 0 })},
	}
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "bad.xlsx"}, []byte("bad"))
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, tt := range tests {
			if err := tx.AddIncidents(ctx, []store.IncidentRecord{ok, tt.rec}); metrics.ErrorCode(err) != metrics.EINVALID {
				t.Errorf("%s: err = %v, want invalid", tt.name, err)
			}
		}
		// Nothing of a refused batch was stored, and the transaction is
		// still usable: two good rows with one id are stored and found.
		if err := tx.AddIncidents(ctx, []store.IncidentRecord{ok, with(func(r *store.IncidentRecord) { r.Row = 9 })}); err != nil {
			t.Fatal(err)
		}
		dups, n, err := tx.DuplicateIncidents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || len(dups) != 1 || dups[0] != (store.DuplicateIncident{ID: "J1", First: "Incidents row 2", Second: "Incidents row 9"}) {
			t.Errorf("duplicates = %+v (%d), want J1 at rows 2 and 9", dups, n)
		}
	})
}
