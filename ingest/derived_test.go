package ingest

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// populationMapping reads a table of mid-year population estimates in
// the manner of the ONS tables: a year, an area and the people living
// there, one row each.
const populationMapping = `
name: mid-year-population
description: "Mid-year population estimates by police force area"
header:
  find: Population
period:
  column: Year
  format: year
area:
  column: Police force area
metric:
  fixed: Population
value:
  column: Population
combine: error
unit: residents
direction: none
classification: open
category: Context
`

// A rate per 1,000 residents from a population table loaded through a
// mapping, defined in the catalogue: its values follow the crimes and the
// population, and the catalogue columns for a benchmark and a derivation
// are read. A definition the catalogue cannot accept names its cell.
func TestDerivedRateFromAPopulationTable(t *testing.T) {
	m, err := mapping.Load("population.yaml", strings.NewReader(populationMapping))
	if err != nil {
		t.Fatal(err)
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		in := New(st, nil)
		path := filepath.Join(t.TempDir(), "population.csv")
		if err := os.WriteFile(path, []byte("Year,Police force area,Population\n2020,Cambridgeshire,850000\n2021,Cambridgeshire,860000\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := in.IngestFile(t.Context(), path, Options{Mapping: m})
		if err != nil {
			t.Fatal(err)
		}
		requireStatus(t, rep, StatusStored)
		book := ingesttest.Book(t,
			ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
				{"Id", "Name", "Unit", "Direction", "Classification", "Benchmark", "Benchmark label", "Derived"},
				{"crimes", "Crimes", "offences", "down", "open", 450, "most similar forces"},
				{"crime-rate", "Crimes per 1,000 residents", "per 1,000", "down", "open", nil, nil, "per1000(crimes, population)"},
			}},
			ingesttest.Sheet{Name: "Data", Rows: [][]any{
				{"Metric", "Area", "Period", "Value"},
				{"crimes", "Cambridgeshire", "2021-01", 516}, {"crimes", "Cambridgeshire", "2021-02", 430},
			}},
		)
		rep, err = in.Ingest(t.Context(), "crimes.xlsx", book, Options{})
		if err != nil {
			t.Fatal(err)
		}
		requireStatus(t, rep, StatusStored)
		crimes, err := st.GetMetric(t.Context(), metrics.Everything, "crimes")
		if err != nil || crimes.Benchmark == nil || *crimes.Benchmark != 450 || crimes.BenchmarkLabel != "most similar forces" {
			t.Errorf("crimes = %+v, %v", crimes, err)
		}
		obs, err := st.Series(t.Context(), metrics.Everything, "crime-rate")
		if err != nil {
			t.Fatal(err)
		}
		// 1000 × 516 / 860,000 = 0.6; 1000 × 430 / 860,000 = 0.5.
		var got []string
		for _, o := range obs {
			got = append(got, fmt.Sprintf("%s %s %g", o.Period.Key(), o.Area, math.Round(o.Value*1e6)/1e6))
		}
		if strings.Join(got, "; ") != "2021-01 Cambridgeshire 0.6; 2021-02 Cambridgeshire 0.5" {
			t.Errorf("crime-rate = %v", got)
		}
		if len(obs) > 0 && !strings.Contains(obs[0].Source.File, "population 860000 (population.csv") {
			t.Errorf("trace = %q", obs[0].Source.File)
		}

		bad := ingesttest.Book(t, ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Derived"},
			{"loop", "Loop", "ratio(loop, crimes)"},
			{"nowhere", "Nowhere", "ratio(crimes, no-such-measure)"},
			{"twice", "Twice derived", "difference(crime-rate, crimes)"},
			{"typo", "Typo", "ratio crimes"},
		}})
		rep, err = in.Ingest(t.Context(), "bad.xlsx", bad, Options{})
		if err != nil {
			t.Fatal(err)
		}
		requireStatus(t, rep, StatusRejected)
		var msgs []string
		for _, e := range rep.Errors {
			msgs = append(msgs, e.Sheet+"!"+e.Cell+": "+e.Message)
		}
		all := strings.Join(msgs, "\n")
		for _, want := range []string{"loop is derived from itself", "no-such-measure, which is not in the catalogue",
			"derived from crime-rate, which is derived itself", "Metrics!C5: \"ratio crimes\" is not a definition"} {
			if !strings.Contains(all, want) {
				t.Errorf("the report lacks %q:\n%s", want, all)
			}
		}
	})
}

// A derived measure of a sensitive input is stored as sensitive, with a
// warning, whatever its row asks.
func TestDerivedFromASensitiveMeasureStaysSensitive(t *testing.T) {
	forEachStore(t, func(t *testing.T, st *store.Store) {
		book := ingesttest.Book(t,
			ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
				{"Id", "Name", "Classification", "Derived"},
				{"granted", "Granted", "sensitive"}, {"apps", "Applications", "open"},
				{"rate", "Granted per application", "open", "ratio(granted, apps)"},
			}},
			ingesttest.Sheet{Name: "Data", Rows: [][]any{{"Metric", "Area", "Period", "Value"}, {"granted", "Force", "2021-01", 18}, {"apps", "Force", "2021-01", 20}}},
		)
		rep, err := New(st, nil).Ingest(t.Context(), "book.xlsx", book, Options{})
		if err != nil {
			t.Fatal(err)
		}
		requireStatus(t, rep, StatusStored)
		warned := false
		for _, w := range rep.Warnings {
			warned = warned || strings.Contains(w.Message, "rate is derived from granted, which is sensitive, so it is stored as sensitive")
		}
		if !warned {
			t.Errorf("no warning: %+v", rep.Warnings)
		}
		ps, err := st.ListProposals(t.Context(), false)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.MetricID == "rate" {
				t.Errorf("opening rate was proposed: %+v", p)
			}
		}
		if m, _ := st.GetMetric(t.Context(), metrics.Everything, "rate"); m.Classification != metrics.Sensitive {
			t.Errorf("rate is %s", m.Classification)
		}
	})
}
