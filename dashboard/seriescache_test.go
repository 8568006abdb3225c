package dashboard

import (
	"context"
	"fmt"
	"testing"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

func TestSeriesCacheKeepsWithinItsValues(t *testing.T) {
	sc := newSeriesCache(10)
	of := func(n int) keptSeries { return keptSeries{size: n} }
	sc.Put("a", 1, of(4))
	sc.Put("b", 1, of(4))
	sc.Put("huge", 1, of(11)) // more than the whole budget: not kept
	if _, ok := sc.Get("huge", 1); ok {
		t.Error("a series over the budget was kept")
	}
	sc.Get("a", 1) // b is now the least recently used
	sc.Put("c", 1, of(4))
	if _, ok := sc.Get("b", 1); ok {
		t.Error("the least recently used series (b) is still kept over the budget")
	}
	for _, id := range []string{"a", "c"} {
		if _, ok := sc.Get(id, 1); !ok {
			t.Errorf("series %s was forgotten, though b was used less recently", id)
		}
	}
	if _, held := sc.Size(); held != 8 {
		t.Errorf("held %d bytes, want 8", held)
	}
	if _, ok := sc.Get("a", 2); ok {
		t.Error("a series of the old figures was given for the new ones")
	}
	sc.Put("d", 2, of(2))
	if _, held := sc.Size(); held != 2 {
		t.Errorf("new figures kept the old series (held %d)", held)
	}
	if _, ok := sc.Get("c", 2); ok {
		t.Error("a series of the old figures was kept with the new")
	}
	sc.Put("e", 1, of(2)) // read before the version moved, put after
	if _, ok := sc.Get("e", 1); ok {
		t.Error("a series of an older version was kept beside the newer ones")
	}
	if _, ok := sc.Get("d", 2); !ok {
		t.Error("a series of an older version made the newer ones forgotten")
	}
}

// A reader who read a measure while it was open, and asks for its series
// after it was made sensitive, does not get the values kept for the
// board: the classification that counts is the one read with the values.
func TestKeptSeriesFollowTheirClassification(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			srv, st := testServer(t, d)
			ctx := context.Background()
			before, err := st.GetMetric(ctx, metrics.Public, "calls-999")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.series(ctx, metrics.Public, before); err != nil {
				t.Fatal(err)
			}
			made := before
			made.Classification = metrics.Sensitive
			if _, err := st.UpdateMetric(ctx, made); err != nil {
				t.Fatal(err)
			}
			if obs, err := srv.series(ctx, metrics.Everything, made); err != nil || len(obs) == 0 {
				t.Fatalf("the board's series after the change = %v, %v", obs, err)
			}
			if obs, err := srv.series(ctx, metrics.Public, before); metrics.ErrorCode(err) != metrics.ENOTFOUND || obs != nil {
				t.Errorf("the public's series of a measure made sensitive = %v, %v; want not found", values(obs), err)
			}
		})
	}
}

// TestKeptSeriesAreEachViewersOwn: a series kept for a viewer who may see
// a sensitive measure is not given to one who may not, and a series is
// read again once an upload changes it.
func TestKeptSeriesAreEachViewersOwn(t *testing.T) {
	srv, st := testServer(t, store.SQLite)
	ctx := context.Background()
	secret, err := st.GetMetric(ctx, metrics.Everything, "secret")
	if err != nil {
		t.Fatal(err)
	}
	obs, err := srv.series(ctx, metrics.Everything, secret)
	if err != nil || len(obs) != 1 || obs[0].Value != secretValue {
		t.Fatalf("series of the sensitive measure for the board = %v, %v", obs, err)
	}
	if obs, err := srv.series(ctx, metrics.Public, secret); metrics.ErrorCode(err) != metrics.ENOTFOUND || obs != nil {
		t.Errorf("series of the sensitive measure for the public = %v, %v; want not found", obs, err)
	}

	calls, err := st.GetMetric(ctx, metrics.Public, "calls-999")
	if err != nil {
		t.Fatal(err)
	}
	before, err := srv.series(ctx, metrics.Public, calls)
	if err != nil {
		t.Fatal(err)
	}
	revision := ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: [][]any{
		{"Metric", "Area", "Period", "Value"},
		{"calls-999", "North", "2021-09", 999},
	}})
	in := ingest.New(st, nil)
	in.Package.MaxFileBytes = defaultTestLimit
	if rep, err := in.Ingest(ctx, "revision.xlsx", revision, ingest.Options{}); err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep)
	}
	storetest.ApproveAll(t, st)
	after, err := srv.series(ctx, metrics.Public, calls)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(values(after)) == fmt.Sprint(values(before)) || !hasValue(after, "North", 999) {
		t.Errorf("after the revision the series is %v, was %v: want North 2021-09 = 999", values(after), values(before))
	}
}

func values(obs []metrics.Observation) []string {
	var out []string
	for _, o := range obs {
		out = append(out, fmt.Sprintf("%s %s=%v", o.Area, o.Period.Key(), o.Value))
	}
	return out
}

func hasValue(obs []metrics.Observation, area string, v float64) bool {
	for _, o := range obs {
		if o.Area == area && o.Value == v {
			return true
		}
	}
	return false
}
