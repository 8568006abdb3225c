package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"maps"
	"strings"
	"testing"
)

const oneRow = sheetHead + `<row r="1"><c r="A1" t="s"><v>0</v></c></row>` + sheetTail

// withParts returns the minimal workbook's parts with some replaced; an
// empty value deletes the part.
func withParts(changes map[string]string) map[string]string {
	p := testParts(oneRow)
	maps.Copy(p, changes)
	for k, v := range changes {
		if v == "" {
			delete(p, k)
		}
	}
	return p
}

func workbookXML(sheets string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` + sheets + `</workbook>`
}

func relsXML(rels string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`
}

const wsType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

func TestOpen(t *testing.T) {
	tests := []struct {
		name     string
		parts    map[string]string
		sheets   []Sheet
		date1904 bool
		read     string // sheet to read, "" for none
		want     string
	}{
		{
			name:   "minimal",
			parts:  withParts(nil),
			sheets: []Sheet{{Name: "Sheet1", State: "visible", Part: "xl/worksheets/sheet1.xml"}},
			read:   "Sheet1",
			want:   "A1=String:Force\n",
		},
		{
			name: "states, 1904 dates, absolute target, chartsheet, names with spaces",
			parts: withParts(map[string]string{
				"xl/workbook.xml": workbookXML(`<workbookPr date1904="true"/><sheets><sheet name="Table P1 " sheetId="1" r:id="rId1"/><sheet name="Hidden" sheetId="2" state="hidden" r:id="rId4"/><sheet name="Very" sheetId="3" state="veryHidden" r:id="rId5"/><sheet name="Chart1" sheetId="4" r:id="rId6"/></sheets>`),
				"xl/_rels/workbook.xml.rels": relsXML(`<Relationship Id="rId1" Type="` + wsType + `" Target="/xl/worksheets/sheet1.xml"/>` +
					`<Relationship Id="rId4" Type="` + wsType + `" Target="worksheets/../worksheets/sheet2.xml"/>` +
					`<Relationship Id="rId5" Type="` + wsType + `" Target="worksheets/sheet3.xml"/>` +
					`<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>`),
				"xl/worksheets/sheet2.xml":  oneRow,
				"xl/worksheets/sheet3.xml":  oneRow,
				"xl/chartsheets/sheet1.xml": `<chartsheet/>`,
			}),
			sheets: []Sheet{
				{Name: "Table P1 ", State: "visible", Part: "xl/worksheets/sheet1.xml"},
				{Name: "Hidden", State: "hidden", Part: "xl/worksheets/sheet2.xml"},
				{Name: "Very", State: "veryHidden", Part: "xl/worksheets/sheet3.xml"},
				{Name: "Chart1", State: "visible", Part: "xl/chartsheets/sheet1.xml", Chart: true},
			},
			date1904: true,
			read:     "Very",
			want:     "A1=String:Force\n",
		},
		{
			name: "Strict namespaces, no package relationships, part names in another case",
			parts: withParts(map[string]string{
				"_rels/.rels":     "",
				"xl/workbook.xml": `<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships" conformance="strict"><workbookPr date1904="1"/><sheets><sheet name="ml_out" sheetId="1" r:id="rId1"/></sheets></workbook>`,
				"xl/_rels/workbook.xml.rels": relsXML(`<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="worksheets/SHEET1.xml"/>` +
					`<Relationship Id="rId3" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/sharedStrings" Target="sharedStrings.xml"/>`),
				"xl/sharedStrings.xml": "",
				"xl/SharedStrings.xml": strings.Replace(testSST, "Force", "Strict", 1),
			}),
			sheets:   []Sheet{{Name: "ml_out", State: "visible", Part: "xl/worksheets/sheet1.xml"}},
			date1904: true,
			read:     "ml_out",
			want:     "A1=String:Strict\n",
		},
		{
			name: "no styles part: every format is General",
			parts: withParts(map[string]string{
				"xl/styles.xml":            "",
				"xl/worksheets/sheet1.xml": sheetHead + `<row r="1"><c r="A1" s="0"><v>1</v></c></row>` + sheetTail,
			}),
			sheets: []Sheet{{Name: "Sheet1", State: "visible", Part: "xl/worksheets/sheet1.xml"}},
			read:   "Sheet1",
			want:   "A1=Number:1\n",
		},
		{
			name: "built-in formats, custom formats overriding them, General in any case, differential formats ignored",
			parts: withParts(map[string]string{
				"xl/styles.xml": `<styleSheet><numFmts><numFmt numFmtId="44" formatCode="_-&quot;£&quot;* #,##0.00_-"/><numFmt numFmtId="165" formatCode="GENERAL"/></numFmts><cellXfs><xf/><xf numFmtId="10"/><xf numFmtId="14"/><xf numFmtId="44"/><xf numFmtId="165"/><xf numFmtId="31"/><xf numFmtId="200"/></cellXfs><dxfs><dxf><numFmt numFmtId="165" formatCode="0.000"/></dxf></dxfs></styleSheet>`,
				"xl/worksheets/sheet1.xml": sheetHead + `<row r="1"><c r="A1" s="1"><v>0.25</v></c><c r="B1" s="2"><v>1</v></c><c r="C1" s="3"><v>2</v></c>` +
					`<c r="D1" s="4"><v>3</v></c><c r="E1" s="5"><v>4</v></c><c r="F1" s="6"><v>5</v></c></row>` + sheetTail,
			}),
			sheets: []Sheet{{Name: "Sheet1", State: "visible", Part: "xl/worksheets/sheet1.xml"}},
			read:   "Sheet1",
			want:   `A1=Number:0.25[0.00%] B1=Number:1[mm-dd-yy] C1=Number:2[_-"£"* #,##0.00_-] D1=Number:3 E1=Number:4[yyyy-mm-dd] F1=Number:5` + "\n",
		},
		{
			name: "shared strings: escapes, phonetic runs, empty entries, CDATA",
			parts: withParts(map[string]string{
				"xl/sharedStrings.xml":     `<sst uniqueCount="999999999"><si><t>a_x000D_b</t></si><si><t>_x005F_x000D_</t></si><si><t/></si><si><r><t>x</t></r><rPh><t>PH</t></rPh><r><t><![CDATA[<y>]]></t></r></si></sst>`,
				"xl/worksheets/sheet1.xml": sheetHead + `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>` + sheetTail,
			}),
			sheets: []Sheet{{Name: "Sheet1", State: "visible", Part: "xl/worksheets/sheet1.xml"}},
			read:   "Sheet1",
			want:   "A1=String:a\rb B1=String:_x000D_ C1=String: D1=String:x<y>\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, err := Open(zipParts(t, tt.parts), Limits{})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !slicesEqual(wb.Sheets, tt.sheets) {
				t.Errorf("Sheets = %+v\nwant %+v", wb.Sheets, tt.sheets)
			}
			if wb.Date1904 != tt.date1904 {
				t.Errorf("Date1904 = %v", wb.Date1904)
			}
			if tt.read == "" {
				return
			}
			got, err := readSheet(wb, tt.read)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func slicesEqual(a, b []Sheet) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOpenRejected(t *testing.T) {
	sheet := func(name string) string {
		return `<sheet name="` + name + `" sheetId="1" r:id="rId1"/>`
	}
	tests := []struct {
		name    string
		parts   map[string]string
		lim     Limits
		kind    error
		wantErr string
	}{
		{"names differ only in case", withParts(map[string]string{"xl/workbook.xml": workbookXML(`<sheets>` + sheet("Data") + strings.Replace(sheet("DATA"), `sheetId="1"`, `sheetId="2"`, 1) + `</sheets>`)}),
			Limits{}, ErrMalformed, `sheet names "Data" and "DATA" differ only in case`},
		{"names differ only in non-ASCII case", withParts(map[string]string{"xl/workbook.xml": workbookXML(`<sheets>` + sheet("Ärger") + sheet("äRGER") + `</sheets>`)}),
			Limits{}, ErrMalformed, "differ only in case"},
		{"no sheets", withParts(map[string]string{"xl/workbook.xml": workbookXML(`<sheets/>`)}), Limits{}, ErrMalformed, "xl/workbook.xml lists no sheets"},
		{"sheet without a name", withParts(map[string]string{"xl/workbook.xml": workbookXML(`<sheets>` + sheet("") + `</sheets>`)}), Limits{}, ErrMalformed, "sheet 1 has no name"},
		{"unknown state", withParts(map[string]string{"xl/workbook.xml": workbookXML(`<sheets><sheet name="A" state="gone" r:id="rId1"/></sheets>`)}), Limits{}, ErrMalformed, `unknown state "gone"`},
		{"unknown relationship", withParts(map[string]string{"xl/workbook.xml": workbookXML(`<sheets><sheet name="A" r:id="rId9"/></sheets>`)}), Limits{}, ErrMalformed, `sheet "A": no relationship "rId9"`},
		{"relationship not to a sheet", withParts(map[string]string{"xl/workbook.xml": workbookXML(`<sheets><sheet name="A" r:id="rId2"/></sheets>`)}), Limits{}, ErrMalformed, "is not a sheet"},
		{"date1904 not a boolean", withParts(map[string]string{"xl/workbook.xml": workbookXML(`<workbookPr date1904="yes"/><sheets>` + sheet("A") + `</sheets>`)}), Limits{}, ErrMalformed, `date1904="yes" is not a boolean`},
		{"missing workbook relationships", withParts(map[string]string{"xl/_rels/workbook.xml.rels": ""}), Limits{}, ErrMalformed, "missing part xl/_rels/workbook.xml.rels"},
		{"missing sheet part", withParts(map[string]string{"xl/worksheets/sheet1.xml": ""}), Limits{}, ErrMalformed, `sheet "Sheet1": part xl/worksheets/sheet1.xml is missing`},
		{"target outside the package", withParts(map[string]string{"xl/_rels/workbook.xml.rels": relsXML(`<Relationship Id="rId1" Type="` + wsType + `" Target="../../evil.xml"/>`)}),
			Limits{}, ErrMalformed, `relationship target "../../evil.xml" is outside the package`},
		{"package relationships without a workbook", withParts(map[string]string{"_rels/.rels": relsXML("")}), Limits{}, ErrMalformed, "names no workbook"},
		{"no workbook at all", map[string]string{"hello.txt": "hi"}, Limits{}, ErrMalformed, "no workbook part xl/workbook.xml"},
		{"binary workbook", map[string]string{"_rels/.rels": relsXML(`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/>`), "xl/workbook.bin": "x"},
			Limits{}, ErrUnsupported, "binary workbook (.xlsb)"},
		{"OpenDocument", map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}, Limits{}, ErrUnsupported, "OpenDocument spreadsheet (.ods)"},
		{"DOCTYPE in workbook.xml", withParts(map[string]string{"xl/workbook.xml": `<!DOCTYPE x [<!ENTITY e "e">]>` + workbookXML(`<sheets>`+sheet("A")+`</sheets>`)}), Limits{}, ErrMalformed, "xl/workbook.xml: malformed XML at byte 0: DOCTYPE is not allowed"},
		{"truncated styles", withParts(map[string]string{"xl/styles.xml": testStyles[:len(testStyles)-20]}), Limits{}, ErrMalformed, "xl/styles.xml: malformed XML"},
		{"bad numFmtId", withParts(map[string]string{"xl/styles.xml": `<styleSheet><cellXfs><xf numFmtId="x"/></cellXfs></styleSheet>`}), Limits{}, ErrMalformed, `numFmtId "x" is not a format number`},
		{"wrong root", withParts(map[string]string{"xl/styles.xml": `<sst/>`}), Limits{}, ErrMalformed, "root element is <sst>, want <styleSheet>"},
		{"workbook.xml over MaxPartBytes", withParts(nil), Limits{MaxPartBytes: 100}, ErrLimit, "_rels/.rels declares 296 bytes, over the limit of 100"},
		{"shared strings over MaxSharedStrings", withParts(nil), Limits{MaxSharedStrings: 1}, ErrLimit, "more than MaxSharedStrings (1)"},
		{"shared strings over MaxSharedStringBytes", withParts(nil), Limits{MaxSharedStringBytes: 10}, ErrLimit, "more than MaxSharedStringBytes (10 bytes)"},
		{"shared string over MaxCellBytes", withParts(nil), Limits{MaxCellBytes: 8}, ErrLimit, "shared string 1 is longer than MaxCellBytes (8 bytes)"},
		{"shared string escapes over MaxCellBytes", withParts(map[string]string{"xl/sharedStrings.xml": `<sst><si><t>` + strings.Repeat("_x000D_", 60) + `</t></si></sst>`}), Limits{MaxCellBytes: 8}, ErrLimit, "shared string 0 is longer than MaxCellBytes"},
		{"element inside shared text", withParts(map[string]string{"xl/sharedStrings.xml": `<sst><si><t>a<b/></t></si></sst>`}), Limits{}, ErrMalformed, "element <b> inside the text of shared string 0"},
		{"truncated shared strings", withParts(map[string]string{"xl/sharedStrings.xml": `<sst><si><t>a</t></si><si><t>b`}), Limits{}, ErrMalformed, "the part is truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(zipParts(t, tt.parts), tt.lim)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %q does not wrap %v", err, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestSheetLookup(t *testing.T) {
	wb, err := Open(zipParts(t, withParts(nil)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Sheet1", "SHEET1", "sheet1"} {
		if s, ok := wb.Sheet(name); !ok || s.Name != "Sheet1" {
			t.Errorf("Sheet(%q) = %+v, %v", name, s, ok)
		}
	}
	for _, name := range []string{"Sheet", "Sheet1 ", ""} {
		if _, ok := wb.Sheet(name); ok {
			t.Errorf("Sheet(%q) found a sheet", name)
		}
		if _, err := wb.Rows(name); err == nil {
			t.Errorf("Rows(%q) gave no error", name)
		}
	}
}

func TestChartsheetRows(t *testing.T) {
	parts := withParts(map[string]string{
		"xl/_rels/workbook.xml.rels": relsXML(`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>`),
		"xl/chartsheets/sheet1.xml":  `<chartsheet/>`,
	})
	wb, err := Open(zipParts(t, parts), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wb.Rows("Sheet1"); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "chartsheet") {
		t.Errorf("Rows on a chartsheet: %v", err)
	}
}

// TestZipDamage alters one stored byte of a sheet so that its XML is still
// well formed but its checksum is wrong: the error must surface, which it
// can only if the part is read to its end.
func TestZipDamage(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range testParts(sheetHead + `<row r="1"><c r="A1"><v>12345</v></c></row>` + sheetTail) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	data := buf.Bytes()
	i := bytes.Index(data, []byte("12345"))
	data[i] = '9'
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	wb, err := Open(zr, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := readSheet(wb, "Sheet1")
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("read %q, error %v; want a checksum error", got, err)
	}
}

func TestDuplicateZipNames(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range withParts(map[string]string{"XL/Workbook.xml": testWorkbook}) {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(zr, Limits{}); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "twice") {
		t.Errorf("Open: %v", err)
	}
}

// TestScannerStreamLimit checks the scanner's own count of decompressed
// bytes, which guards a source that does not declare its size.
func TestScannerStreamLimit(t *testing.T) {
	var s scanner
	s.reset(strings.NewReader("<a>"+strings.Repeat("b", 1000)+"</a>"), "part.xml", 500)
	for {
		k := s.next()
		if k == tokErr {
			break
		}
		if k == tokEOF {
			t.Fatal("read past the limit")
		}
	}
	if !errors.Is(s.err, ErrLimit) || !strings.Contains(s.err.Error(), "part.xml: decompresses to more than 500 bytes") {
		t.Errorf("err = %v", s.err)
	}
}

func TestDefaultLimitsFill(t *testing.T) {
	got := Limits{MaxRows: 10, MaxCols: -1}.withDefaults()
	want := DefaultLimits()
	want.MaxRows = 10
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
