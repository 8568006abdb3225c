package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// Parts of a minimal workbook with one sheet, "Sheet1", two shared strings
// and three cell formats (General, 0.0%, dd/mm/yyyy), for tests that supply
// their own sheet XML.
const (
	testRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	testWorkbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	testWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	testStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/></numFmts><cellStyleXfs count="1"><xf numFmtId="49"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/></cellXfs></styleSheet>`
	testSST = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>Force</t></si><si><r><t>Crime </t></r><r><rPr><b/></rPr><t>rate</t></r></si></sst>`
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
)

// testParts returns the minimal workbook's parts with the given sheet XML.
func testParts(sheet string) map[string]string {
	return map[string]string{
		"_rels/.rels":                testRootRels,
		"xl/workbook.xml":            testWorkbook,
		"xl/_rels/workbook.xml.rels": testWorkbookRels,
		"xl/styles.xml":              testStyles,
		"xl/sharedStrings.xml":       testSST,
		"xl/worksheets/sheet1.xml":   sheet,
	}
}

// zipParts builds an in-memory zip of the given parts.
func zipParts(t testing.TB, parts map[string]string) *zip.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

// readSheet reads a whole sheet and renders it one line per row, cells as
// NAME=Type:Value[fmt][f], so tests can compare with a literal.
func readSheet(wb *Workbook, name string) (string, error) {
	rows, err := wb.Rows(name)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		for i, c := range rows.Cells() {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(renderCell(c, rows.RowNum()))
		}
		b.WriteByte('\n')
	}
	return b.String(), rows.Err()
}

func renderCell(c Cell, row int) string {
	s := fmt.Sprintf("%s=%s:%s", CellName(c.Col, row), c.Type, c.Value)
	if c.Format != "" {
		s += "[" + c.Format + "]"
	}
	if c.Formula {
		s += "[f]"
	}
	if c.Merge != nil {
		s += "[in " + c.Merge.String() + "]"
	}
	return s
}

// readTestSheet opens the minimal workbook around sheet XML and reads it.
func readTestSheet(t testing.TB, sheet string, lim Limits) (string, error) {
	t.Helper()
	wb, err := Open(zipParts(t, testParts(sheet)), lim)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return readSheet(wb, "Sheet1")
}
