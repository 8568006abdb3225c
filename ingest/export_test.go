package ingest

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	err := WriteXLSX(&buf, ExportTable{
		Title: "Immediate response time, urban", Marking: "OFFICIAL-SENSITIVE", Unit: "minutes", Note: "Apr 2019 to Mar 2022",
		Header: []string{"Period", "=HYPERLINK(\"http://x\")", "South"},
		Rows:   [][]any{{"Apr 2019", 13.1, nil}, {"@SUM(A1)", -2.5, "-404"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Figures")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A1": "OFFICIAL-SENSITIVE", "A2": "Immediate response time, urban", "A3": "Unit: minutes",
		"B6": `'=HYPERLINK("http://x")`, "B7": "13.1", "A8": "'@SUM(A1)", "B8": "-2.5", "C8": "'-404", "A10": "OFFICIAL-SENSITIVE",
	}
	for cell, w := range want {
		v, _ := f.GetCellValue("Figures", cell)
		if v != w {
			t.Errorf("%s = %q, want %q (rows %q)", cell, v, w, rows)
		}
	}
	if typ, _ := f.GetCellType("Figures", "B7"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("numbers must stay numbers, B7 is %v", typ)
	}
	for _, c := range []string{"B6", "A8"} {
		if formula, _ := f.GetCellFormula("Figures", c); formula != "" {
			t.Errorf("%s became a formula: %q", c, formula)
		}
	}
}
