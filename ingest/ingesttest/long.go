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
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"Metric", "Area", "Period", "Value"}); err != nil {
		tb.Fatal(err)
	}
	start := time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{fmt.Sprintf("metric-%02d", i%50), fmt.Sprintf("Area %02d", (i/50)%20), start.AddDate(0, i/1000, 0).Format("2006-01"), float64(i%997) + 0.25}
		if err := sw.SetRow(cell, row); err != nil {
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

// WriteLongTwelve writes the rows of WriteLong with the eight columns
// beside them that analysts' long sheets carry: the measure's unit,
// target, classification and direction (which Assure reads on each row)
// and its source, notes, owner and date of update (which it reports as
// ignored). Twelve columns, as the workbook the ingest's target was set
// on: the floor of a wider sheet is slower while the values stored stay
// the same.
func WriteLongTwelve(tb testing.TB, path string, n int) {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	header := []any{"Metric", "Area", "Period", "Value", "Unit", "Target", "Classification", "Direction",
		"Source", "Notes", "Owner", "Last updated"}
	if err := sw.SetRow("A1", header); err != nil {
		tb.Fatal(err)
	}
	start := time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		metric := i % 50
		row := []any{fmt.Sprintf("metric-%02d", metric), fmt.Sprintf("Area %02d", (i/50)%20), start.AddDate(0, i/1000, 0).Format("2006-01"),
			float64(i%997) + 0.25, "crimes", float64(500 + metric), "open", "down",
			"Force crime recording system", fmt.Sprintf("Extract %d, checked", i%7), "Performance team", "2024-03-31"}
		if err := sw.SetRow(cell, row); err != nil {
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
