package dashboard

import "testing"

func TestCountOf(t *testing.T) {
	tests := []struct {
		n         any
		one, many string
		want      string
	}{
		{0, "value", "values", "0 values"},
		{1, "value", "values", "1 value"},
		{2, "value", "values", "2 values"},
		{int64(1), "earlier value", "earlier values", "1 earlier value"},
		{int64(12400), "value", "values", "12,400 values"},
		{int32(1), "sheet", "sheets", "1 sheet"},
		{-1, "value", "values", "-1 values"},
		{"x", "value", "values", "x values"},
	}
	for _, tt := range tests {
		if got := countOf(tt.n, tt.one, tt.many); got != tt.want {
			t.Errorf("countOf(%v, %q, %q) = %q, want %q", tt.n, tt.one, tt.many, got, tt.want)
		}
	}
}
