package ingest

import (
	"context"
	"fmt"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// TestValuesWrittenBesideTheReading ingests a file of several batches of
// values, which the sink's writer writes while the rest is read: every
// value is stored, once, as read; and a file rejected at its last row,
// after batches were written, stores nothing.
func TestValuesWrittenBesideTheReading(t *testing.T) {
	const n = 4*batchSize + 123
	rows := [][]any{{"Metric", "Area", "Period", "Value"}}
	for i := range n {
		rows = append(rows, []any{fmt.Sprintf("Measure %d", i%7), fmt.Sprintf("Area %d", i/7%50), fmt.Sprintf("%d-%02d", 2000+i/350, 1+i/7/50%12), float64(i) + 0.5})
	}
	bad := append(append([][]any(nil), rows...), []any{"Measure 1", "Area 1", "1999-01", "twelve"})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "rejected.xlsx", ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: bad}), Options{})
		requireStatus(t, rep, StatusRejected)
		if obs, err := st.Series(context.Background(), metrics.Everything, "measure-1"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Fatalf("after a rejected file, measure-1 has %d values (%v)", len(obs), err)
		}
		rep = ingestBytes(t, st, "stored.xlsx", ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: rows}), Options{})
		requireStatus(t, rep, StatusStored)
		stored := 0
		for m := range 7 {
			got := seriesValues(t, st, metrics.Slug(fmt.Sprintf("Measure %d", m)))
			stored += len(got)
			for i := m; i < n; i += 7 {
				key := fmt.Sprintf("Area %d %d-%02d", i/7%50, 2000+i/350, 1+i/7/50%12)
				if v, ok := got[key]; !ok || v != float64(i)+0.5 {
					t.Fatalf("measure %d, %s: stored %v (%t), want %v", m, key, v, ok, float64(i)+0.5)
				}
			}
		}
		if stored != n {
			t.Errorf("stored %d values, want %d", stored, n)
		}
	})
}
