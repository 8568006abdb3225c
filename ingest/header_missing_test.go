package ingest

import (
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// TestMissingHeaderColumnIsNamed: a workbook whose header row lacks a
// column the layout needs is refused with the sheet, the header row's
// first heading and the missing column named; a workbook with nothing
// like a header gets the general message; a near miss beside a sheet
// that has a header is skipped with a warning that says what it lacks.
func TestMissingHeaderColumnIsNamed(t *testing.T) {
	data := func(rows ...[]any) ingesttest.Sheet { return ingesttest.Sheet{Name: "Data", Rows: rows} }
	tests := []struct {
		name             string
		sheets           []ingesttest.Sheet
		sheet, cell      string
		want, notWanted  []string
		stored           bool
		warnSheet, warnC string
	}{
		{name: "no Value", sheets: []ingesttest.Sheet{data([]any{"Metric", "Area", "Period"}, []any{"calls-999", "Force", "2021-04"})},
			sheet: "Data", cell: "A1", want: []string{"with Metric, Area and Period", "no Value column", "add the Value column"}},
		{name: "no Area", sheets: []ingesttest.Sheet{data([]any{"Metric", "Period", "Value"}, []any{"calls-999", "2021-04", 3})},
			sheet: "Data", cell: "A1", want: []string{"with Metric, Period and Value", "no Area column"}},
		{name: "two missing, below a title, from column B", sheets: []ingesttest.Sheet{data([]any{"Quarterly figures"}, []any{}, []any{nil, "Measure", "Area"}, []any{nil, "calls-999", "Force"})},
			sheet: "Data", cell: "B3", want: []string{"no Period and Value columns", "add the Period and Value columns"}},
		{name: "nothing like a header", sheets: []ingesttest.Sheet{data([]any{"Foo", "Bar"}, []any{1, 2})},
			want: []string{"no sheet has a header row with Metric, Area, Period and Value columns", "Download on the upload page"}, notWanted: []string{"looks like"}},
		{name: "a near miss beside a good sheet", sheets: []ingesttest.Sheet{
			data([]any{"Metric", "Area", "Period", "Value"}, []any{"calls-999", "Force", "2021-04", 3}),
			{Name: "Extra", Rows: [][]any{{"Metric", "Area", "Period"}, {"calls-999", "North", "2021-04"}}}},
			stored: true, warnSheet: "Extra", warnC: "A1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := ingestBytes(t, storetest.Open(t, "sqlite"), "q.xlsx", ingesttest.Book(t, tt.sheets...), Options{DryRun: true})
			if tt.stored {
				requireStatus(t, rep, StatusStored)
				if !hasProblem(rep.Warnings, tt.warnSheet, tt.warnC, "no Value column") {
					t.Errorf("warnings %+v do not say sheet %s, %s lacks a Value column", rep.Warnings, tt.warnSheet, tt.warnC)
				}
				return
			}
			requireStatus(t, rep, StatusRejected)
			if len(rep.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", rep.Errors)
			}
			e := rep.Errors[0]
			if e.Sheet != tt.sheet || e.Cell != tt.cell {
				t.Errorf("the error is at %q %q, want %q %q: %s", e.Sheet, e.Cell, tt.sheet, tt.cell, e.Message)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("the error %q lacks %q", e.Message, w)
				}
			}
			for _, w := range tt.notWanted {
				if strings.Contains(e.Message, w) {
					t.Errorf("the error %q says %q", e.Message, w)
				}
			}
			if len(rep.Warnings) != 0 {
				t.Errorf("a rejected file's sheet is also warned of: %+v", rep.Warnings)
			}
		})
	}
}
