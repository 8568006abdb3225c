package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store"
)

// TestRepeatedRowsResolveAsTheFirst checks that a measure's later rows,
// which take the first row's resolution when their attribute cells are
// the same, are still checked in full when they differ: a row that
// disagrees with the rows before it is refused at its own cell after
// any number of agreeing ones, and a blank attribute keeps the first.
func TestRepeatedRowsResolveAsTheFirst(t *testing.T) {
	head := []any{"Metric", "Area", "Period", "Value", "Unit", "Target"}
	row := func(i int, unit string, target any) []any {
		return []any{"Calls answered", "Force", fmt.Sprintf("2021-%02d", i), float64(100 + i), unit, target}
	}
	agreeing := [][]any{head, row(1, "calls", 90.0), row(2, "calls", 90.0), row(3, "calls", 90.0), row(4, "", nil)}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "agree.xlsx", ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: agreeing}), Options{DryRun: true})
		requireStatus(t, rep, StatusStored)
		for _, bad := range []struct {
			row  []any
			cell string
		}{
			{row(5, "minutes", 90.0), "A6"},
			{row(5, "calls", 95.0), "A6"},
		} {
			rows := append(append([][]any(nil), agreeing...), bad.row)
			rep := ingestBytes(t, st, "disagree.xlsx", ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: rows}), Options{DryRun: true})
			requireStatus(t, rep, StatusRejected)
			if len(rep.Errors) != 1 || rep.Errors[0].Cell != bad.cell || !strings.Contains(rep.Errors[0].Message, "make them agree") {
				t.Errorf("row %v: errors %+v, want one at %s asking for agreement", bad.row, rep.Errors, bad.cell)
			}
		}
	})
}

// TestRowsAfterAnErrorResolveInFull: once a file has an error, a row
// whose target is a missing-value marker no longer resolves (the full
// resolution counts it as bad then), so the rows after the error are
// not read for their values, kept answer or not.
func TestRowsAfterAnErrorResolveInFull(t *testing.T) {
	rows := [][]any{
		{"Metric", "Area", "Period", "Value", "Target"},
		{"Calls answered", "Force", "2021-01", 100.0, "n/a"},
		{"Calls answered", "Force", "2021-02", "twelve", "n/a"}, // the file's one error
		{"Calls answered", "Force", "2021-03", "thirteen", "n/a"},
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "after.xlsx", ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: rows}), Options{DryRun: true})
		requireStatus(t, rep, StatusRejected)
		if len(rep.Errors) != 1 || rep.Errors[0].Cell != "D3" {
			t.Errorf("errors %+v, want one, at D3", rep.Errors)
		}
	})
}
