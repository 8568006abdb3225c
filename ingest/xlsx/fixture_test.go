package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeBenchWorkbook writes a workbook of one sheet, "Data", with rows data
// rows under a header row and twelve columns shaped like a force's monthly
// performance extract: an id, a reporting date (date format), a force and
// an offence group (shared strings), a detection rate (percent format) and
// seven counts and amounts. It is written with excelize's StreamWriter,
// which can only write text as inline strings; the strings are then moved
// into a shared-string table, as Excel saves them, by sharedStringsFrom.
// Other packages' benchmarks can copy this helper to get a large, realistic
// upload without a checked-in file.
func writeBenchWorkbook(tb testing.TB, path string, rows int) {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Data"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		tb.Fatal(err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		tb.Fatal(err)
	}
	pctStyle, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		tb.Fatal(err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		tb.Fatal(err)
	}
	header := []any{"Id", "Month", "Force", "Offence group", "Detection rate", "Recorded", "Detected", "Victims", "Arrests", "Budget", "Actual", "Variance"}
	if err := sw.SetRow("A1", header); err != nil {
		tb.Fatal(err)
	}
	forces := []string{"Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "Cleveland", "Cumbria", "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys", "Essex", "Gloucestershire", "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire", "Humberside", "Kent", "Lancashire", "Leicestershire", "Lincolnshire", "London, City of", "Merseyside", "Metropolitan Police", "Norfolk", "North Wales", "North Yorkshire", "Northamptonshire", "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire", "Staffordshire", "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire", "West Mercia", "West Midlands", "West Yorkshire", "Wiltshire"}
	groups := []string{"Violence against the person", "Sexual offences", "Robbery", "Theft offences", "Criminal damage and arson", "Drug offences", "Possession of weapons offences", "Public order offences", "Miscellaneous crimes against society"}
	base := time.Date(2015, 4, 1, 0, 0, 0, 0, time.UTC)
	vals := make([]any, 12)
	for i := range rows {
		rec := 100 + (i*37)%900
		det := rec * (i%7 + 1) / 10
		vals[0] = i + 1
		vals[1] = excelize.Cell{StyleID: dateStyle, Value: base.AddDate(0, i%120, 0)}
		vals[2] = forces[i%len(forces)]
		vals[3] = groups[(i/len(forces))%len(groups)]
		vals[4] = excelize.Cell{StyleID: pctStyle, Value: float64(det) / float64(rec)}
		vals[5] = rec
		vals[6] = det
		vals[7] = rec - i%13
		vals[8] = det / 2
		vals[9] = float64(1000+i%5000) * 1.25
		vals[10] = float64(1000+(i*7)%5000) * 1.1
		vals[11] = float64(i%200) - 99.5
		if err := sw.SetRow("A"+strconv.Itoa(i+2), vals); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
	rewriteParts(tb, path, sharedStringsFrom("xl/worksheets/sheet1.xml"))
}

// inlineCell matches the inline-string cells excelize's StreamWriter writes.
var inlineCell = regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t>([^<]*)</t></is></c>`)

// sharedStringsFrom returns a rewrite that replaces the sheet's inline
// strings with indexes into a new xl/sharedStrings.xml.
func sharedStringsFrom(sheetPart string) func(map[string][]byte) {
	return func(parts map[string][]byte) {
		index := map[string]int{}
		var table bytes.Buffer
		parts[sheetPart] = inlineCell.ReplaceAllFunc(parts[sheetPart], func(m []byte) []byte {
			sub := inlineCell.FindSubmatch(m)
			text := string(sub[3])
			i, ok := index[text]
			if !ok {
				i = len(index)
				index[text] = i
				fmt.Fprintf(&table, "<si><t>%s</t></si>", text) // already escaped
			}
			return fmt.Appendf(nil, `<c r="%s"%s t="s"><v>%d</v></c>`, sub[1], sub[2], i)
		})
		parts["xl/sharedStrings.xml"] = fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>`, len(index), len(index), table.Bytes())
		rels := "xl/_rels/workbook.xml.rels"
		if !bytes.Contains(parts[rels], []byte("sharedStrings")) {
			parts[rels] = bytes.Replace(parts[rels], []byte("</Relationships>"),
				[]byte(`<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`), 1)
		}
		ct := "[Content_Types].xml"
		if !bytes.Contains(parts[ct], []byte("sharedStrings")) {
			parts[ct] = bytes.Replace(parts[ct], []byte("</Types>"),
				[]byte(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`), 1)
		}
	}
}

// rewriteParts rewrites the zip at path, letting fn change its parts.
func rewriteParts(tb testing.TB, path string, fn func(parts map[string][]byte)) {
	tb.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		tb.Fatal(err)
	}
	parts := map[string][]byte{}
	var order []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		parts[f.Name] = b
		order = append(order, f.Name)
	}
	zr.Close()
	fn(parts)
	for name := range parts {
		if !contains(order, name) {
			order = append(order, name)
		}
	}
	tmp := path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(parts[name]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestBenchWorkbook checks the benchmark's fixture, so that the benchmark
// measures what it claims to: shared strings, a date and a percent column.
func TestBenchWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.xlsx")
	writeBenchWorkbook(t, path, 50)
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	wb, err := Open(&zr.Reader, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(wb.sst) < 50 {
		t.Errorf("%d shared strings, want the header, forces and groups", len(wb.sst))
	}
	rows, err := wb.Rows("Data")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		cells := rows.Cells()
		if len(cells) != 12 {
			t.Fatalf("row %d has %d cells", rows.RowNum(), len(cells))
		}
		if rows.RowNum() == 2 {
			got := fmt.Sprint(renderCell(cells[1], 2), " ", renderCell(cells[2], 2), " ", renderCell(cells[4], 2))
			if want := "B2=Number:42095[mm-dd-yy] C2=String:Avon and Somerset E2=Number:0.1[0.00%]"; got != want {
				t.Errorf("row 2: got %s, want %s", got, want)
			}
		}
	}
	if err := rows.Err(); err != nil || n != 51 {
		t.Errorf("read %d rows, err %v", n, err)
	}
}
