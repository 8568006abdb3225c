package spreadsheet

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

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	err := WriteCSV(&buf, ExportTable{
		Title: "Revenue by business area, M5 2021/22", Marking: "OFFICIAL-SENSITIVE", Unit: "£ (whole pounds)", Note: "From M5.xlsx",
		Header: []string{"Business area", "Budget (£)", "=cmd"},
		Rows:   [][]any{{"Local Policing", 1250000.0, nil}, {"=HYPERLINK(\"http://x\")", -498000.0, "+44 1234"}, {"@SUM(A1)", 0.5, "\tx"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffOFFICIAL-SENSITIVE\n" +
		"\"Revenue by business area, M5 2021/22\"\n" +
		"Unit: £ (whole pounds)\n" +
		"From M5.xlsx\n" +
		"\n" +
		"Business area,Budget (£),'=cmd\n" +
		"Local Policing,1250000,\n" +
		"\"'=HYPERLINK(\"\"http://x\"\")\",-498000,'+44 1234\n" +
		"'@SUM(A1),0.5,'\tx\n" +
		"\n" +
		"OFFICIAL-SENSITIVE\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", got, want)
	}
	// Open data has no marking.
	buf.Reset()
	if err := WriteCSV(&buf, ExportTable{Title: "Open", Header: []string{"a"}, Rows: [][]any{{"x"}}}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "\ufeffOpen\n\na\nx\n" {
		t.Errorf("open CSV = %q", got)
	}
	if err := WriteCSV(&buf, ExportTable{Rows: [][]any{{42}}}); err == nil {
		t.Error("an int cell was accepted")
	}
}
