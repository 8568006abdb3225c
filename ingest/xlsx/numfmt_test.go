package xlsx

import "testing"

func TestIsPercentFormat(t *testing.T) {
	tests := []struct {
		fmt  string
		want bool
	}{
		{"", false},
		{"General", false},
		{"0%", true},
		{"0.0%", true},
		{"0.00%;[Red]-0.00%", true},
		{`[$-010409]#,##0.00#%`, true},
		{`0"%"`, false},
		{`0" %"`, false},
		{`0\%`, false},
		{`0_%`, false},
		{`0*%`, false},
		{`[$%-809]0`, false},
		{`#,##0;(#,##0)`, false},
		{`"unterminated %`, false},
	}
	for _, tt := range tests {
		if got := IsPercentFormat(tt.fmt); got != tt.want {
			t.Errorf("IsPercentFormat(%q) = %v; want %v", tt.fmt, got, tt.want)
		}
	}
}

func TestIsDateFormat(t *testing.T) {
	tests := []struct {
		fmt  string
		want bool
	}{
		{"", false},
		{"General", false},
		{"0", false},
		{"0.00E+00", false},
		{"##0.0E+0", false},
		{"0%", false},
		{"@", false},
		{`#,##0;(#,##0)`, false},
		{`_-* #,##0_-;\-* #,##0_-;_-* "-"??_-;_-@_-`, false},
		{`_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)`, false},
		{`"$"#,##0_);[Red]\("$"#,##0\)`, false},
		{`#,##0" days"`, false},
		{`0.0\ \m`, false},
		{`[DBNum1][$-804]General`, false},
		{`[Red][>=100]0`, false},
		{"General_)", false},
		{"mm-dd-yy", true},
		{"dd/mm/yyyy", true},
		{"d-mmm-yy", true},
		{"mmm-yy", true},
		{"MMM YYYY", true},
		{"h:mm AM/PM", true},
		{"[h]:mm:ss", true},
		{"[mm]", true},
		{"[SS]", true},
		{`yyyy\-mm\-dd`, true},
		{`[$-F800]dddd\,\ mmmm\ dd\,\ yyyy`, true},
		{`[$-809]dd mmmm yyyy;@`, true},
		{`"Week "0`, false},
		{`"date: "0`, false},
	}
	for _, tt := range tests {
		if got := IsDateFormat(tt.fmt); got != tt.want {
			t.Errorf("IsDateFormat(%q) = %v; want %v", tt.fmt, got, tt.want)
		}
	}
}

func TestFormatHasThousandsScale(t *testing.T) {
	tests := []struct {
		fmt  string
		want int
	}{
		{"", 0},
		{"General", 0},
		{"#,##0", 0},
		{"#,##0.00", 0},
		{"#,##0,", 1},
		{"#,##0,,", 2},
		{"0.0,", 1},
		{"#,##0,.0", 1},
		{`#,##0,"k"`, 1},
		{`_(* #,##0,_);_(* \(#,##0,\)_)`, 1}, // Tulsa budget: amounts in thousands
		{`#,##0;(#,##0,)`, 0},                // only the first section counts
		{`"£"#,##0,,"m"`, 2},
		{`#","##0`, 0},
		{`0\,`, 0},
		{`[>=1000]#,##0,;0`, 1},
	}
	for _, tt := range tests {
		if got := FormatHasThousandsScale(tt.fmt); got != tt.want {
			t.Errorf("FormatHasThousandsScale(%q) = %d; want %d", tt.fmt, got, tt.want)
		}
	}
}

// The cell reader resolves a style's numFmtId to its code, and these
// classify it.
func TestBuiltinFormatsClassify(t *testing.T) {
	// Every id the ECMA-376 list and Excel treat as a date classifies as one,
	// and no other does.
	for id := range 200 {
		want := id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
		if got := IsDateFormat(BuiltinFormat(id)); got != want {
			t.Errorf("IsDateFormat(BuiltinFormat(%d) = %q) = %v; want %v", id, BuiltinFormat(id), got, want)
		}
		wantPct := id == 9 || id == 10
		if got := IsPercentFormat(BuiltinFormat(id)); got != wantPct {
			t.Errorf("IsPercentFormat(BuiltinFormat(%d)) = %v; want %v", id, got, wantPct)
		}
	}
}
