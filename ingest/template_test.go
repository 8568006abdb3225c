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
