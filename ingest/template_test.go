package ingest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/assure-pcc/assure/ingest/spreadsheet"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The blank performance template ingests cleanly; filled in as its
// instructions say, its Incidents sheet is read as incidents, and the
// example row, which sits in the instructions, is never stored.
func TestPerformanceTemplateIngests(t *testing.T) {
	var blank bytes.Buffer
	if err := spreadsheet.WritePerformanceTemplate(&blank); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(blank.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != "Instructions,Metrics,Data,Incidents" {
		t.Errorf("sheets = %v", got)
	}
	rows, _ := f.GetRows("Incidents")
	if len(rows) != 1 || strings.Join(rows[0], ",") != "Incident ID,Priority,Urban/Rural,Area,Received,Arrived" {
		t.Errorf("Incidents sheet = %q, want its headings only", rows)
	}
	instructions, _ := f.GetRows("Instructions")
	var text []string
	for _, r := range instructions {
		text = append(text, strings.Join(r, " "))
	}
	if joined := strings.Join(text, "\n"); !strings.Contains(joined, "Incidents sheet") || !strings.Contains(joined, "CC-2108-0001 | Immediate") {
		t.Errorf("the instructions do not explain the Incidents sheet:\n%s", joined)
	}

	// Fill it in as an analyst would.
	for cell, v := range map[string]any{
		"Metrics!A2": "calls-999", "Metrics!B2": "999 calls", "Metrics!C2": "calls", "Metrics!D2": "none", "Metrics!F2": "open",
		"Data!A2": "calls-999", "Data!B2": "Force", "Data!C2": "2021-08", "Data!D2": 451,
		"Incidents!A2": "CC-2108-0001", "Incidents!B2": "Immediate", "Incidents!C2": "Urban", "Incidents!D2": "North",
		"Incidents!E2": time.Date(2021, 8, 3, 14, 5, 0, 0, time.UTC), "Incidents!F2": time.Date(2021, 8, 3, 14, 17, 0, 0, time.UTC),
	} {
		sheet, ref, _ := strings.Cut(cell, "!")
		if err := f.SetCellValue(sheet, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	var filled bytes.Buffer
	if _, err := f.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	f.Close()

	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "blank.xlsx", blank.Bytes(), Options{})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Incidents != 0 || rep.Counts.Observations != 0 || len(rep.Warnings) != 0 {
			t.Errorf("blank template: counts %+v, warnings %+v", rep.Counts, rep.Warnings)
		}
		rep = ingestBytes(t, st, "filled.xlsx", filled.Bytes(), Options{})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Incidents != 1 || rep.Counts.Observations != 1 {
			t.Errorf("filled template: counts %+v", rep.Counts)
		}
		recs, err := st.Incidents(context.Background(), metrics.Everything)
		if err != nil || len(recs) != 1 || recs[0].ID != "CC-2108-0001" || recs[0].Minutes != 12 || recs[0].Setting != "urban" {
			t.Errorf("incidents = %+v, %v", recs, err)
		}
	})
}

// The template filled in with the catalogue ingests as it comes, storing
// nothing: its Data rows, a measure and an area each, wait for a period
// and a value. Filled in, a row is stored; a period with no value is
// skipped as before, and a value with no period is still an error.
func TestCatalogueTemplateIngests(t *testing.T) {
	target := 15.0
	measures := []spreadsheet.CatalogueMeasure{
		{ID: "calls-999", Name: "999 calls", Unit: "calls", Direction: "none", Classification: "open", Category: "Demand", Areas: []string{"Force", "North"}},
		{ID: "response", Name: "Response time", Unit: "minutes", Direction: "down", Classification: "sensitive", Category: "Local priority", Target: &target, Areas: []string{"Force"}},
	}
	var buf bytes.Buffer
	if err := spreadsheet.WriteCatalogueTemplate(&buf, measures); err != nil {
		t.Fatal(err)
	}
	fill := func(cells map[string]any) []byte {
		f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for ref, v := range cells {
			if err := f.SetCellValue("Data", ref, v); err != nil {
				t.Fatal(err)
			}
		}
		var out bytes.Buffer
		if _, err := f.WriteTo(&out); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "as-downloaded.xlsx", buf.Bytes(), Options{})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Observations != 0 || rep.Counts.SkippedRows != 3 {
			t.Errorf("as downloaded: counts %+v, want 3 rows skipped and nothing stored", rep.Counts)
		}
		rep = ingestBytes(t, st, "filled.xlsx", fill(map[string]any{"C2": "2021-08", "D2": 451, "C3": "2021-08"}), Options{})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Observations != 1 {
			t.Errorf("filled: counts %+v, want 1 value", rep.Counts)
		}
		rep = ingestBytes(t, st, "no-period.xlsx", fill(map[string]any{"D4": 12}), Options{})
		requireStatus(t, rep, StatusRejected)
		if len(rep.Errors) != 1 || rep.Errors[0].Cell != "C4" {
			t.Errorf("a value without a period: errors %+v, want one at C4", rep.Errors)
		}
	})
}
