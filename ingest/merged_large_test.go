package ingest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store"
)

// TestMergedCellsOnALargeSheet ingests sheets large enough that their
// merged cells are read beside their rows when the ingest is Standalone
// (see xlsx's ReadMergesAlongside), with merged headings over rows that
// are read before the merged cells are known, and without: every value
// is stored as on a small sheet, whether or not the file had to be read
// again, and the same file is ingested again (superseding itself) the
// way a server does, merged cells first.
func TestMergedCellsOnALargeSheet(t *testing.T) {
	banded := [][]any{
		{"Metric", "Area", "2021/22", nil, nil, nil},
		{nil, nil, "Q1", "Q2", "Q3", "Q4"},
	}
	plain := [][]any{{"Metric", "Area", "Apr-21", "May-21", "Jun-21", "Jul-21"}}
	// Areas: 8,000 make about 1.2 MB of sheet XML, read alongside; at
	// 20,000 (3 MB) the quick pass outlasts the kind detection's reading
	// of the first rows, so that a merged heading makes the ingest read
	// the file again (it did in every run tried).
	tests := []struct {
		name    string
		n       int
		head    [][]any
		merge   func(n int) []string
		periods []string
	}{
		{"a year merged over its quarters, labels merged down, a footnote merged across", 20000, banded,
			func(n int) []string { return []string{"A1:A2", "B1:B2", "C1:F1", fmt.Sprintf("A%d:F%d", n+3, n+3)} },
			[]string{"2021/22 Q1", "2021/22 Q2", "2021/22 Q3", "2021/22 Q4"}},
		{"only a footnote merged across", 8000, plain, func(n int) []string { return []string{fmt.Sprintf("A%d:F%d", n+2, n+2)} },
			[]string{"2021-04", "2021-05", "2021-06", "2021-07"}},
		{"no merged cells", 8000, plain, func(int) []string { return nil }, []string{"2021-04", "2021-05", "2021-06", "2021-07"}},
	}
	for _, tt := range tests {
		n, merge := tt.n, tt.merge(tt.n)
		t.Run(tt.name, func(t *testing.T) {
			rows := append([][]any(nil), tt.head...)
			for i := range n {
				rows = append(rows, []any{"999 calls, average per day", fmt.Sprintf("Area %04d", i), i, i + 1, i + 2, i + 3})
			}
			if len(merge) > 0 {
				rows = append(rows, []any{"Note: figures for the last quarter are provisional"})
			}
			content := ingesttest.Book(t, testCatalogue(), ingesttest.Sheet{Name: "Data", Rows: rows, Merge: merge})
			for _, standalone := range []bool{true, false} {
				t.Run(fmt.Sprintf("standalone=%v", standalone), func(t *testing.T) {
					forEachStore(t, func(t *testing.T, st *store.Store) {
						var logs lockedBuffer
						in := New(st, nil)
						in.Standalone = standalone
						in.Logger = slog.New(slog.NewTextHandler(&logs, nil))
						rep, err := in.Ingest(context.Background(), "Large.xlsx", content, Options{})
						if err != nil {
							t.Fatal(err)
						}
						requireStatus(t, rep, StatusStored)
						if rep.Counts.Observations != 4*n {
							t.Errorf("stored %d values, want %d", rep.Counts.Observations, 4*n)
						}
						got := seriesValues(t, st, "calls-999")
						if len(got) != 4*n {
							t.Fatalf("the series has %d values, want %d", len(got), 4*n)
						}
						for _, i := range []int{0, 1, n / 2, n - 1} {
							for q, p := range tt.periods {
								key := fmt.Sprintf("Area %04d %s", i, p)
								if v, ok := got[key]; !ok || v != float64(i+q) {
									t.Errorf("%s = %v (present %v), want %d", key, v, ok, i+q)
								}
							}
						}
						again := strings.Contains(logs.String(), "file read again")
						if (len(merge) == 0 || !standalone) && again {
							t.Error("read again")
						}
						t.Logf("read again: %v", again)
					})
				})
			}
		})
	}
}

// lockedBuffer is a log's destination written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
