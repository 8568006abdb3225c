package ingesttest

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// WithNumberFormats gives cells of a workbook written by Book custom
// number formats, as finance spreadsheets carry them: a bracket format
// such as "#,##0;(#,##0)" shows -90 as (90), and "#,##0," shows pounds
// in thousands. formats maps a cell ("C7") to its format code. It returns
// the new workbook's bytes.
func WithNumberFormats(t testing.TB, book []byte, sheet string, formats map[string]string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	styles := map[string]int{}
	for cell, code := range formats {
		id, ok := styles[code]
		if !ok {
			c := code
			if id, err = f.NewStyle(&excelize.Style{CustomNumFmt: &c}); err != nil {
				t.Fatal(err)
			}
			styles[code] = id
		}
		if err := f.SetCellStyle(sheet, cell, cell, id); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
