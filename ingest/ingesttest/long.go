package ingesttest

import (
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// WriteLong writes a long-layout workbook of n data rows to path with
// excelize's StreamWriter: 50 metrics, 20 areas and as many months from
// January 2000 as it takes, one number per row. It is the large file of
// benchmarks and fault tests.
func WriteLong(tb testing.TB, path string, n int) {
	tb.Helper()
	writeRows(tb, path, []any{"Metric", "Area", "Period", "Value"}, n, longRow)
}

// longRow is WriteLong's row i: metric, area, month and value.
func longRow(i int) []any {
	start := time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
	return []any{fmt.Sprintf("metric-%02d", i%50), fmt.Sprintf("Area %02d", (i/50)%20), start.AddDate(0, i/1000, 0).Format("2006-01"), float64(i%997) + 0.25}
}

// WriteLongTwelve writes the rows of WriteLong with the eight columns
// beside them that analysts' long sheets carry: the measure's unit,
// target, classification and direction (which Assure reads on each row)
// and its source, notes, owner and date of update (which it reports as
// ignored). Twelve columns, as the workbook the ingest's target was set
// on: the floor of a wider sheet is slower while the values stored stay
// the same.
func WriteLongTwelve(tb testing.TB, path string, n int) {
	tb.Helper()
	header := []any{"Metric", "Area", "Period", "Value", "Unit", "Target", "Classification", "Direction",
		"Source", "Notes", "Owner", "Last updated"}
	writeRows(tb, path, header, n, func(i int) []any {
		return append(longRow(i), "crimes", float64(500+i%50), "open", "down",
			"Force crime recording system", fmt.Sprintf("Extract %d, checked", i%7), "Performance team", "2024-03-31")
	})
}

// writeRows writes a one-sheet workbook to path with excelize's
// StreamWriter: header, then row(0) to row(n-1).
func writeRows(tb testing.TB, path string, header []any, n int, row func(i int) []any) {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	if err := sw.SetRow("A1", header); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row(i)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
}
