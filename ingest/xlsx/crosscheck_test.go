package xlsx

import (
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

// diffExcelize compares every cell of a sheet read by this package with
// excelize's GetRows (raw values), returning one line per difference.
// excelize gives "" for a cell with no value, which this package leaves
// out, or returns as Blank when it has a formula.
func diffExcelize(t testing.TB, wb *Workbook, xf *excelize.File, sheet string) []string {
	t.Helper()
	want, err := xf.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("excelize GetRows %q: %v", sheet, err)
	}
	got := map[string]string{}
	rows, err := wb.Rows(sheet)
	if err != nil {
		t.Fatalf("Rows %q: %v", sheet, err)
	}
	defer rows.Close()
	for rows.Next() {
		for _, c := range rows.Cells() {
			if c.Copied(rows.RowNum()) {
				continue // excelize gives a merged value in its top-left cell only
			}
			got[CellName(c.Col, rows.RowNum())] = c.Value
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading %q: %v", sheet, err)
	}
	var diffs []string
	for r, row := range want {
		for c, v := range row {
			name := CellName(c, r+1)
			g, ok := got[name]
			if v == "" && !ok {
				continue
			}
			if g != v {
				diffs = append(diffs, fmt.Sprintf("%s: got %q, excelize %q", name, g, v))
			}
			delete(got, name)
		}
	}
	for name, g := range got {
		if g != "" {
			diffs = append(diffs, fmt.Sprintf("%s: got %q, excelize has no value", name, g))
		}
	}
	return diffs
}
