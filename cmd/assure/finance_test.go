package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestFinanceTemplateThenIngest(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	tmpl := filepath.Join(dir, "blank finance.xlsx")
	if code, out, errs := runCmd(t, "template", "finance", tmpl); code != 0 {
		t.Fatalf("template finance: exit %d %s %s", code, out, errs)
	}

	// The blank template is a finance workbook, but says no month and
	// holds no figures: rejected, with what to do.
	code, out, _ := runCmd(t, "ingest", "--db", db, "--json", tmpl)
	var blank map[string]any
	if err := json.Unmarshal([]byte(out), &blank); err != nil || code != 1 {
		t.Fatalf("blank template: exit %d, %v\n%s", code, err, out)
	}
	if blank["kind"] != "finance" || blank["status"] != "rejected" || !strings.Contains(out, "which month") {
		t.Errorf("blank template report = %s", out)
	}

	// Filled in as a finance officer would, without naming the month.
	f, err := excelize.OpenFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for cell, v := range map[string]any{"A1": "Revenue and Capital Monitoring Report", "B4": 71240, "E4": 71752, "F4": 512, "B8": 1412, "E8": 1322, "F8": "(90)"} {
		if err := f.SetCellValue("Revenue", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	filled := filepath.Join(dir, "monitoring.xlsx")
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	f.Close()

	if code, _, errs := runCmd(t, "ingest", "--db", db, "--period", "M5", filled); code != 2 || !strings.Contains(errs, "2021-22/M5") {
		t.Errorf("--period without a year: exit %d, %q", code, errs)
	}
	if code, out, _ := runCmd(t, "ingest", "--db", db, filled); code != 1 || !strings.Contains(out, "--period 2021-22/M5") {
		t.Errorf("no month anywhere: exit %d\n%s", code, out)
	}
	code, out, errs := runCmd(t, "ingest", "--db", db, "--kind", "finance", "--period", "2021-22/M5", filled)
	if code != 0 || !strings.Contains(out, "M5 2021/22: 2 revenue lines") || !strings.Contains(out, "variance £422k overspend") {
		t.Errorf("ingest with --period: exit %d\n%s%s", code, out, errs)
	}
}
