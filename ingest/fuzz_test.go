package ingest

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/ingest/spreadsheet"
	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
)

// FuzzParseNumber: no input panics, and whatever is accepted is finite.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1,234", "£1.2k", "(404)", "50%", "-3.5", "0x1p-2", "NaN", "1e400", "..", "−404", " 1 234 ", "£3bn", "#DIV/0!"} {
		f.Add(s, "")
		f.Add(s, "0%")
		f.Add(s, `#,##0;(#,##0)`)
	}
	f.Fuzz(func(t *testing.T, raw, format string) {
		v, _, err := ParseNumber(raw, format)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("ParseNumber(%q, %q) = %v with no error", raw, format, v)
		}
	})
}

// FuzzReadWorkbook feeds mutated workbooks through everything the
// ingest does before it writes: recognising the file, the package and
// zip-bomb checks, the workbook's parts, every sheet's rows, header
// detection and every cell's number and period. A file may be refused,
// with a user-facing message, but nothing may panic, hang or fail
// Assure itself. (The store is left out: the fuzzer's coverage counters
// make the embedded SQLite too slow to be worth fuzzing through.)
func FuzzReadWorkbook(f *testing.F) {
	var tmpl bytes.Buffer
	if err := spreadsheet.WritePerformanceTemplate(&tmpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes())
	f.Add(ingesttest.Book(f, ingesttest.Sheet{Name: "Data", Rows: [][]any{
		{"Metric", "Area", "Period", "Value"},
		{"calls-999", "Force", "2021-08", 100},
		{"calls-999", "Force", "Sep-21", "1,234"},
	}}))
	f.Add(ingesttest.Book(f, ingesttest.Sheet{Name: "Calls", Rows: [][]any{
		{"Metric", "Area", ingesttest.Month(2021, time.April), "2021-05"},
		{"calls-999", "North", ingesttest.Pct(0.5), "(4)"},
	}}))
	in := New(nil, nil)
	f.Fuzz(func(t *testing.T, content []byte) {
		wb, err := in.open("fuzz.xlsx", inMemory(content))
		if err != nil {
			var me *metrics.Error
			if !errors.As(err, &me) {
				t.Fatalf("not a user-facing error: %v", err)
			}
			return
		}
		r := &performanceReader{wb: wb, probs: &problems{max: 100}, counts: &Counts{}, calc: newFormulaCalc(inMemory(content))}
		for _, sh := range wb.Sheets {
			rows, err := wb.Rows(sh.Name)
			if err != nil {
				continue
			}
			var buffered []bufferedRow
			for rows.Next() {
				cells := rows.Cells()
				if len(buffered) < headerRowLimit {
					buffered = append(buffered, bufferedRow{num: rows.RowNum(), cells: copyCells(cells)})
				}
				for _, c := range cells {
					if c.Type != xlsx.Blank {
						r.cellNumber(sh.Name, rows.RowNum(), c)
						r.cellPeriod(c)
					}
				}
			}
			rows.Close()
			r.findHeader(buffered)
		}
	})
}
