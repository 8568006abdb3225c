package xlsx

import (
	"archive/zip"
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestExcelizeRoundTrip writes workbooks with excelize, the library Assure
// uses to write its own templates, and reads them back.
func TestExcelizeRoundTrip(t *testing.T) {
	date := time.Date(2018, 3, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		date1904 bool
		sheets   []Sheet
		want     map[string]string
	}{
		{
			name: "1900 date system",
			sheets: []Sheet{
				{Name: "Data", State: "visible", Part: "xl/worksheets/sheet1.xml"},
				{Name: "Stream", State: "visible", Part: "xl/worksheets/sheet2.xml"},
				{Name: "Hidden", State: "hidden", Part: "xl/worksheets/sheet3.xml"},
				{Name: "Very hidden", State: "veryHidden", Part: "xl/worksheets/sheet4.xml"},
			},
			want: map[string]string{
				"Data": `A1=String:Force B1=Number:0.125[0.00%] C1=Number:43190[dd/mm/yyyy] D1=Number:42 E1=Bool:1 F1=Bool:0 G1=Blank:[f] H1=String:bold plain I1=Number:-0.00000015` + "\n" +
					`A3=String:a & <b> "c" B3=String:two` + "\n" + `lines C3=String:` + "\r" + ` literal D3=String:tab	end` + "\n",
				"Stream": `A1=String:inline B1=Number:3[f] C1=String:ab[f] D1=Bool:1 E1=Number:0.5[0.0%] F1=Error:#DIV/0![f] G1=String:  spaced  ` + "\n" +
					`A100=Number:100` + "\n",
				"Hidden":      "A1=String:hidden\n",
				"Very hidden": "A1=String:very hidden\n",
			},
		},
		{
			name:     "1904 date system",
			date1904: true,
			sheets: []Sheet{
				{Name: "Data", State: "visible", Part: "xl/worksheets/sheet1.xml"},
			},
			want: map[string]string{
				"Data": "C1=Number:41728[dd/mm/yyyy]\n",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rt.xlsx")
			f := excelize.NewFile()
			defer f.Close()
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			if tt.date1904 {
				must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &tt.date1904}))
			}
			must(f.SetSheetName("Sheet1", "Data"))
			dateFmt := "dd/mm/yyyy"
			dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
			must(err)
			must(f.SetCellValue("Data", "C1", date))
			must(f.SetCellStyle("Data", "C1", "C1", dateStyle))
			if tt.date1904 {
				must(f.SaveAs(path))
				checkRoundTrip(t, path, tt.date1904, tt.sheets, tt.want)
				return
			}
			pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
			must(err)
			must(f.SetCellValue("Data", "A1", "Force"))
			must(f.SetCellValue("Data", "B1", 0.125))
			must(f.SetCellStyle("Data", "B1", "B1", pct))
			must(f.SetCellValue("Data", "D1", 42))
			must(f.SetCellValue("Data", "E1", true))
			must(f.SetCellValue("Data", "F1", false))
			must(f.SetCellFormula("Data", "G1", "SUM(D1,1)")) // excelize saves no result
			must(f.SetCellRichText("Data", "H1", []excelize.RichTextRun{{Text: "bold", Font: &excelize.Font{Bold: true}}, {Text: " plain"}}))
			must(f.SetCellValue("Data", "I1", -1.5e-7))
			must(f.SetCellValue("Data", "A3", `a & <b> "c"`))
			must(f.SetCellValue("Data", "B3", "two\nlines"))
			// excelize writes this text without escaping its underscore, so
			// by the standard (and by excelize's own reading) it holds a
			// carriage return: Assure's templates must not contain "_xHHHH_".
			must(f.SetCellValue("Data", "C3", "_x000D_ literal"))
			must(f.SetCellValue("Data", "D3", "tab\tend"))

			_, err = f.NewSheet("Stream")
			must(err)
			one, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0%")})
			must(err)
			sw, err := f.NewStreamWriter("Stream")
			must(err)
			must(sw.SetRow("A1", []any{
				"inline",
				excelize.Cell{Formula: "1+2", Value: 3},
				excelize.Cell{Formula: `"a"&"b"`, Value: "ab"},
				true,
				excelize.Cell{StyleID: one, Value: 0.5},
				excelize.Cell{Formula: "1/0", Value: "#DIV/0!"}, // made an error cell below
				"  spaced  ",
			}))
			must(sw.SetRow("A100", []any{100}))
			must(sw.Flush())
			for _, name := range []string{"Hidden", "Very hidden"} {
				_, err = f.NewSheet(name)
				must(err)
				must(f.SetCellValue(name, "A1", strings.ToLower(name)))
			}
			must(f.SetSheetVisible("Hidden", false))
			must(f.SetSheetVisible("Very hidden", false, true))
			must(f.SaveAs(path))
			// excelize has no way to write an error cell: turn the cached
			// "#DIV/0!" string result into one, as Excel would save it.
			rewriteParts(t, path, func(parts map[string][]byte) {
				p := "xl/worksheets/sheet2.xml"
				old := []byte(`<c r="F1" t="str">`)
				if !bytes.Contains(parts[p], old) {
					t.Fatalf("no %s in %s", old, parts[p])
				}
				parts[p] = bytes.Replace(parts[p], old, []byte(`<c r="F1" t="e">`), 1)
			})
			checkRoundTrip(t, path, tt.date1904, tt.sheets, tt.want)
		})
	}
}

func ptr[T any](v T) *T { return &v }

func checkRoundTrip(t *testing.T, path string, date1904 bool, sheets []Sheet, want map[string]string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	wb, err := Open(&zr.Reader, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if wb.Date1904 != date1904 {
		t.Errorf("Date1904 = %v", wb.Date1904)
	}
	if !slicesEqual(wb.Sheets, sheets) {
		t.Errorf("Sheets = %+v\nwant %+v", wb.Sheets, sheets)
	}
	xf, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	for name, w := range want {
		got, err := readSheet(wb, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != w {
			t.Errorf("%s: got\n%s\nwant\n%s", name, got, w)
		}
		for _, d := range diffExcelize(t, wb, xf, name) {
			t.Errorf("%s: differs from excelize: %s", name, d)
		}
	}
}
