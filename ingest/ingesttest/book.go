// Package ingesttest writes real .xlsx workbooks for tests, with
// excelize, as analysts' tools write them: never hand-built structs.
package ingesttest

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// Pct is a fraction written under a percent number format (0.5 shows 50%).
type Pct float64

// Date is a date written as a serial under a month format.
type Date time.Time

// Formula is a formula cell; cached is its saved value ("" for none).
type Formula struct{ Expr, Cached string }

// Sheet is one worksheet: its rows of cell values (nil for an empty
// cell; Pct, Date and Formula for styled cells), whether it is hidden,
// and ranges to merge such as "A1:D1".
type Sheet struct {
	Name   string
	Rows   [][]any
	Hidden bool
	Merge  []string
}

// Book writes the sheets into an .xlsx and returns its bytes.
func Book(t testing.TB, sheets ...Sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	pctStyle, err := f.NewStyle(&excelize.Style{NumFmt: 9})
	if err != nil {
		t.Fatal(err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 17})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.Rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				switch v := v.(type) {
				case Pct:
					err = f.SetCellFloat(s.Name, cell, float64(v), -1, 64)
					if err == nil {
						err = f.SetCellStyle(s.Name, cell, cell, pctStyle)
					}
				case Date:
					err = f.SetCellValue(s.Name, cell, time.Time(v))
					if err == nil {
						err = f.SetCellStyle(s.Name, cell, cell, dateStyle)
					}
				case Formula:
					err = f.SetCellFormula(s.Name, cell, v.Expr)
					if err == nil && v.Cached != "" {
						// A numeric cached value is stored as a number, as
						// spreadsheet programs save it.
						if n, perr := strconv.ParseFloat(v.Cached, 64); perr == nil {
							err = f.SetCellFloat(s.Name, cell, n, -1, 64)
						} else {
							err = f.SetCellValue(s.Name, cell, v.Cached)
						}
						if err == nil {
							err = f.SetCellFormula(s.Name, cell, v.Expr)
						}
					}
				default:
					err = f.SetCellValue(s.Name, cell, v)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, m := range s.Merge {
			from, to, _ := bytes.Cut([]byte(m), []byte(":"))
			if err := f.MergeCell(s.Name, string(from), string(to)); err != nil {
				t.Fatal(err)
			}
		}
		if s.Hidden {
			if err := f.SetSheetVisible(s.Name, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Month is a date cell holding the first of month m of year y.
func Month(y int, m time.Month) Date {
	return Date(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC))
}
