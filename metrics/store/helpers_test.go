package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// forEachDialect runs fn as a parallel subtest on a fresh store of every
// dialect the environment offers.
func forEachDialect(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, d))
		})
	}
}

func ptr(f float64) *float64 { return &f }

var (
	calls = metrics.Metric{
		ID: "calls-999", Name: "999 calls", Unit: "calls", Direction: metrics.NoDirection,
		Classification: metrics.Open, Category: "Calls",
	}
	response = metrics.Metric{
		ID: "response-urban", Name: "Immediate response, urban", Unit: "minutes",
		Direction: metrics.LowerIsBetter, Target: ptr(15), Classification: metrics.Sensitive,
		Category: "Response",
	}
	outcomes = metrics.Metric{
		ID: "outcome-rate", Name: "Outcome rate", Unit: "%", Direction: metrics.HigherIsBetter,
		Classification: metrics.Open, Category: "Outcomes",
	}
)

func ob(metric, area string, p metrics.Period, v float64, sheet, cell string) metrics.Observation {
	return metrics.Observation{
		MetricID: metric, Area: area, Period: p, Value: v,
		Source: metrics.Source{Sheet: sheet, Cell: cell},
	}
}

// file is one upload for the tests: its catalogue and values.
type file struct {
	name    string
	content string
	metrics []metrics.Metric
	obs     []metrics.Observation
	// spillAfter, when above zero, makes the ingest read its values back
	// for Finish once they take that many bytes (IngestTx.SpillAfter).
	spillAfter int
}

// ingest stores f in one committed transaction and returns its upload id
// and counts.
func ingest(t *testing.T, s *store.Store, f file) (int64, store.IngestCounts) {
	t.Helper()
	ctx := context.Background()
	content := f.content
	if content == "" {
		content = "content of " + f.name
	}
	tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: f.name, Kind: metrics.KindPerformance, UploadedBy: "analyst"}, []byte(content))
	if err != nil {
		t.Fatalf("BeginIngest(%s): %v", f.name, err)
	}
	defer tx.Rollback()
	if f.spillAfter > 0 {
		tx.SpillAfter(f.spillAfter)
	}
	for _, m := range f.metrics {
		if err := tx.UpsertMetric(ctx, m); err != nil {
			t.Fatalf("UpsertMetric(%s): %v", m.ID, err)
		}
	}
	if err := tx.AddObservations(ctx, f.obs); err != nil {
		t.Fatalf("AddObservations(%s): %v", f.name, err)
	}
	counts, err := tx.Finish(ctx)
	if err != nil {
		t.Fatalf("Finish(%s): %v", f.name, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("Commit(%s): %v", f.name, err)
	}
	return tx.UploadID(), counts
}

// clock returns a Store.Now that starts at start and ticks a minute per call.
func clock(start time.Time) func() time.Time {
	n := 0
	return func() time.Time {
		n++
		return start.Add(time.Duration(n) * time.Minute)
	}
}

// values renders observations compactly for comparisons.
func values(obs []metrics.Observation) []string {
	out := make([]string, len(obs))
	for i, o := range obs {
		out[i] = fmt.Sprintf("%s/%s/%s=%g@%d:%s!%s", o.MetricID, o.Area, o.Period.Key(), o.Value, o.Source.UploadID, o.Source.Sheet, o.Source.Cell)
	}
	return out
}

func sha(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}
