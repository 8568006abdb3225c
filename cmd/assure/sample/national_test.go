package sample

import (
	"context"
	"testing"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

func TestNationalSampleIngests(t *testing.T) {
	path, err := WriteNational(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m, ok := mapping.Named(NationalMapping)
	if !ok {
		t.Fatal("no mapping")
	}
	st := storetest.Open(t, "sqlite")
	rep, err := ingest.New(st, nil).IngestFile(context.Background(), path, ingest.Options{Mapping: m})
	if err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep.Errors)
	}
	// 3 groups x 8 forces x 12 quarters.
	if rep.Counts.Observations != 288 || rep.Counts.Metrics != 3 {
		t.Errorf("counts = %+v", rep.Counts)
	}
	storetest.ApproveAll(t, st)
	got, err := st.GetMetric(context.Background(), metrics.Public, "ho-burglary")
	if err != nil || got.Classification != metrics.Open {
		t.Errorf("ho-burglary = %+v, %v", got, err)
	}
}
