package dashboard

import (
	"context"
	"fmt"
	"github.com/assure-pcc/assure/metrics/store/storetest"
	"testing"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestSeriesCacheKeepsWithinItsValues(t *testing.T) {
	sc := newSeriesCache(10)
	of := func(n int) []metrics.Observation { return make([]metrics.Observation, n) }
	sc.put("a", "v1", of(4))
	sc.put("b", "v1", of(4))
	sc.put("huge", "v1", of(11)) // more than the whole budget: not kept
	if _, ok := sc.get("huge", "v1"); ok {
		t.Error("a series over the budget was kept")
	}
	sc.get("a", "v1") // b is now the least recently used
	sc.put("c", "v1", of(4))
	if _, ok := sc.get("b", "v1"); ok {
		t.Error("the least recently used series (b) is still kept over the budget")
	}
	for _, id := range []string{"a", "c"} {
		if _, ok := sc.get(id, "v1"); !ok {
			t.Errorf("series %s was forgotten, though b was used less recently", id)
		}
	}
	if _, held := sc.kept.size(); held != 8 {
		t.Errorf("held %d values, want 8", held)
	}
	if _, ok := sc.get("a", "v2"); ok {
		t.Error("a series of the old figures was given for the new ones")
	}
	sc.put("d", "v2", of(2))
	if _, held := sc.kept.size(); held != 2 {
		t.Errorf("new figures kept the old series (held %d)", held)
	}
	if _, ok := sc.get("c", "v2"); ok {
		t.Error("a series of the old figures was kept with the new")
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
