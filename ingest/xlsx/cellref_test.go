package xlsx

import (
	"errors"
	"testing"
)

func TestCellName(t *testing.T) {
	tests := []struct {
		col, row int
		want     string
	}{
		{0, 7, "A7"},
		{25, 1, "Z1"},
		{26, 1, "AA1"},
		{51, 2, "AZ2"},
		{52, 3, "BA3"},
		{701, 10, "ZZ10"},
		{702, 1, "AAA1"},
		{16383, 1048576, "XFD1048576"},
		{-1, 1, ""},
		{0, 0, ""},
	}
	for _, tt := range tests {
		if got := CellName(tt.col, tt.row); got != tt.want {
			t.Errorf("CellName(%d, %d) = %q, want %q", tt.col, tt.row, got, tt.want)
		}
	}
}

func TestParseCellRef(t *testing.T) {
	tests := []struct {
		ref      string
		col, row int
		ok       bool
	}{
		{"A1", 0, 1, true},
		{"B7", 1, 7, true},
		{"aa1", 26, 1, true},
		{"XFD1048576", 16383, 1048576, true},
		{"XFE1048577", 16384, 1048577, true}, // past the grid: the caller's limits decide
		{"A2147483647", 0, 2147483647, true},
		{"", 0, 0, false},
		{"A", 0, 0, false},
		{"7", 0, 0, false},
		{"A0", 0, 0, false},
		{"A01", 0, 0, false},
		{"A-1", 0, 0, false},
		{"$A$1", 0, 0, false},
		{"A1:B2", 0, 0, false},
		{"A 1", 0, 0, false},
		{"ABCDEFGH1", 0, 0, false},    // eight letters: nothing real is that wide
		{"A12345678901", 0, 0, false}, // eleven digits could overflow int32
		{"É1", 0, 0, false},
	}
	for _, tt := range tests {
		col, row, err := ParseCellRef(tt.ref)
		if (err == nil) != tt.ok {
			t.Errorf("ParseCellRef(%q) error = %v, want ok=%v", tt.ref, err, tt.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("ParseCellRef(%q) error %v does not wrap ErrMalformed", tt.ref, err)
			}
			continue
		}
		if col != tt.col || row != tt.row {
			t.Errorf("ParseCellRef(%q) = %d, %d, want %d, %d", tt.ref, col, row, tt.col, tt.row)
		}
	}
}

// TestCellNameRoundTrip checks that ParseCellRef inverts CellName over and
// beyond Excel's columns.
func TestCellNameRoundTrip(t *testing.T) {
	for col := 0; col < 20000; col++ {
		for _, row := range []int{1, 9, 10, 1048576} {
			name := CellName(col, row)
			c, r, err := ParseCellRef(name)
			if err != nil || c != col || r != row {
				t.Fatalf("ParseCellRef(CellName(%d, %d) = %q) = %d, %d, %v", col, row, name, c, r, err)
			}
		}
	}
}
