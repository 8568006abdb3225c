package ingest

import (
	"slices"
	"testing"
)

func TestInCellOrder(t *testing.T) {
	p := func(sheet, cell string) Problem {
		return Problem{Sheet: sheet, Cell: cell, Message: sheet + "!" + cell}
	}
	tests := []struct {
		name     string
		in, want []Problem
	}{
		{"a unit check after the cells' own", []Problem{p("Data", "D3"), p("Data", "D4"), p("Data", "D6"), p("Data", "D5")},
			[]Problem{p("Data", "D3"), p("Data", "D4"), p("Data", "D5"), p("Data", "D6")}},
		{"rows before columns, AA after Z", []Problem{p("Data", "AA2"), p("Data", "B10"), p("Data", "Z2"), p("Data", "A2")},
			[]Problem{p("Data", "A2"), p("Data", "Z2"), p("Data", "AA2"), p("Data", "B10")}},
		{"a summary stays after what it sums up", []Problem{p("Data", "D9"), p("Data", "D2"), p("", ""), p("Data", "D1")},
			[]Problem{p("Data", "D2"), p("Data", "D9"), p("", ""), p("Data", "D1")}},
		{"sheets keep their order", []Problem{p("Q2", "B3"), p("Q2", "B2"), p("Q1", "B5"), p("Q1", "B4")},
			[]Problem{p("Q2", "B2"), p("Q2", "B3"), p("Q1", "B4"), p("Q1", "B5")}},
		{"a sheet's own problem ends a run", []Problem{p("Data", "C4"), p("Data", ""), p("Data", "C2")},
			[]Problem{p("Data", "C4"), p("Data", ""), p("Data", "C2")}},
		{"none", nil, []Problem{}},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.in)
		got := inCellOrder(tt.in)
		if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		if !slices.Equal(tt.in, in) {
			t.Errorf("%s: the problems given were reordered", tt.name)
		}
	}
}
