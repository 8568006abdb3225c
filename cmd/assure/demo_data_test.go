package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/assure-pcc/assure/cmd/assure/sample"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The demo's sample data shows what the board asks about, through the
// same ingest and analysis the dashboard uses: at least one measure whose
// latest periods carry a special-cause signal of concern or improvement,
// and incident response times whose outliers pull the mean away from
// the mean without them.
func TestDemoDataShowsASignalAndTheOutlierEffect(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	files, err := sample.WriteAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	in := ingest.New(st, nil)
	for _, path := range files {
		if rep, err := in.IngestFile(ctx, path, ingest.Options{UploadedBy: "demo"}); err != nil || rep.Status != ingest.StatusStored {
			t.Fatalf("%s: %v %s %v", path, err, rep.Status, rep.Errors)
		}
	}
	ms, err := st.ListMetrics(ctx, metrics.Everything)
	if err != nil {
		t.Fatal(err)
	}
	series, err := st.CurrentSeries(ctx, metrics.Everything)
	if err != nil {
		t.Fatal(err)
	}
	var special []string
	for _, m := range ms {
		obs := series[m.ID]
		area := ""
		for _, o := range obs {
			if o.Area == "Force" || area == "" {
				area = o.Area
			}
		}
		a := metrics.Analyse(m, obs, area, metrics.DefaultBaselineYear, metrics.DefaultTolerance)
		if a.Variation == metrics.VariationConcern || a.Variation == metrics.VariationImprovement {
			special = append(special, m.ID+": "+a.Variation)
			for _, s := range a.Signals {
				if s.Sentence == "" {
					t.Errorf("%s: a signal (%s) without its sentence", m.ID, s.Rule)
				}
			}
		}
	}
	if len(special) == 0 {
		t.Error("no measure of the demo shows special-cause variation in its latest period")
	}
	t.Logf("special causes: %v", special)

	recs, err := st.Incidents(ctx, metrics.Everything)
	if err != nil {
		t.Fatal(err)
	}
	incidents := make([]metrics.Incident, len(recs))
	for i, r := range recs {
		incidents[i] = r.Incident
	}
	stats, err := metrics.ResponseStatistics(incidents, metrics.DefaultResponseTargets, 5)
	if err != nil {
		t.Fatal(err)
	}
	// Half a minute is a difference the page's one decimal place shows
	// plainly (the demo's is 16.8 against 16.0).
	if len(stats.Outliers) == 0 || stats.Mean-stats.MeanWithoutOutliers < 0.5 {
		t.Errorf("the demo's response times: %d outliers, mean %.1f and %.1f without them; want outliers that raise the mean by half a minute or more",
			len(stats.Outliers), stats.Mean, stats.MeanWithoutOutliers)
	}
	t.Logf("response times: %d incidents, %d outliers, mean %.1f min, %.1f without them, median %.1f",
		stats.Count, len(stats.Outliers), stats.Mean, stats.MeanWithoutOutliers, stats.Median)
}
