package ingest

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
)

func TestParseNumber(t *testing.T) {
	const acct = `_-* #,##0_-;\-* #,##0_-;_-* "-"??_-;_-@_-`
	tests := []struct {
		raw, fmt string
		want     float64
		pct      bool
	}{
		// Numeric cells as stored.
		{"1234", "", 1234, false},
		{"0.5", "General", 0.5, false},
		{"-404", "", -404, false},
		{"-0", "", 0, false},
		{"1.5E-3", "", 0.0015, false},
		{"1.5e3", "", 1500, false},
		{"1e-400", "", 0, false}, // underflow reads as zero, as in Excel
		{"0.5", "0%", 50, true},
		{"0.07", "0.0%", 7, true}, // exact: the decimal point moves
		{"1.1", "0%", 110, true},
		{"-0.125", "0.00%;[Red]-0.00%", -12.5, true},
		{"5E-3", "0%", 0.5, true},
		{"1234", acct, 1234, false},
		{"1234", `#,##0;(#,##0)`, 1234, false},
		{"1234", `"£"#,##0`, 1234, false},
		{"12", `0" %"`, 12, false}, // quoted % is text
		{"12", `0\%`, 12, false},   // escaped % is text
		{"12", `0_%`, 12, false},   // padding, not a percent
		{"12", `[$%-809]0`, 12, false},
		// Text that a person reads as a number.
		{"1,234", "", 1234, false},
		{"1,234,567.25", "", 1234567.25, false},
		{" 1 234 ", "", 1234, false},
		{"1\u00a0234\u00a0567", "", 1234567, false},
		{"1\u202f234", "", 1234, false},
		{"£1,234.50", "", 1234.5, false},
		{"£ 1,234", "", 1234, false},
		{"-£5", "", -5, false},
		{"£-5", "", -5, false},
		{"(404)", "", -404, false},
		{"( 1,234 )", "", -1234, false},
		{"(£404)", "", -404, false},
		{"£(404)", "", -404, false},
		{"−404", "", -404, false},
		{"+5", "", 5, false},
		{"- 404", "", -404, false},
		{"£1.2k", "", 1200, false},
		{"1.2k", "", 1200, false},
		{"1.2K", "", 1200, false},
		{"1.2m", "", 1200000, false},
		{"1.2M", "", 1200000, false},
		{"£3bn", "", 3e9, false},
		{"£3.25 BN", "", 3.25e9, false},
		{"0.1k", "", 100, false},
		{"50%", "", 50, true},
		{"50 %", "", 50, true},
		{"-12.5%", "", -12.5, true},
		{"(3%)", "", -3, true},
		{"50%", "0%", 50, true}, // the text's own % wins: no double scaling
		{" 0.5 ", "0%", 50, true},
		{"\t42\n", "", 42, false},
		{".5", "", 0.5, false},
		{"5.", "", 5, false},
		{"007", "", 7, false},
		{"1.5e3", "", 1500, false},
		{" 1.5e3 ", "", 1500, false},
	}
	for _, tt := range tests {
		got, pct, err := ParseNumber(tt.raw, tt.fmt)
		if err != nil {
			t.Errorf("ParseNumber(%q, %q): %v", tt.raw, tt.fmt, err)
			continue
		}
		if got != tt.want || pct != tt.pct || math.Signbit(got) != math.Signbit(tt.want) {
			t.Errorf("ParseNumber(%q, %q) = %v, %v; want %v, %v", tt.raw, tt.fmt, got, pct, tt.want, tt.pct)
		}
	}
}

func TestParseNumberBlank(t *testing.T) {
	for _, raw := range []string{
		"", " ", "\u00a0", "..", "-", "–", "—", "n/a", "N/A", "x", "X",
		"[x]", "[c]", "[z]", "[C]", " .. ",
	} {
		_, _, err := ParseNumber(raw, "")
		if !errors.Is(err, ErrBlank) {
			t.Errorf("ParseNumber(%q) error = %v; want ErrBlank", raw, err)
		}
	}
}

func TestParseNumberRejects(t *testing.T) {
	tests := []struct {
		raw  string
		want string // a fragment of the message
	}{
		{"tbc", `"tbc" is not a number`},
		{"TBC", "is not a number"},
		{"12 apples", "is not a number"},
		{"#DIV/0!", `"#DIV/0!" is an error value in the spreadsheet: fix the formula or clear the cell`},
		{"#N/A", `"#N/A" is an error value`},
		{"#VALUE!", "error value"},
		{"#REF!", "error value"},
		{"#NAME?", "error value"},
		{"#NUM!", "error value"},
		{"#NULL!", "error value"},
		{"#GETTING_DATA", "error value"},
		{"#SPILL!", "error value"},
		{"#CALC!", "error value"},
		{"#1", "is not a number"},
		{"0x1p-2", "hexadecimal"},
		{"0X10", "hexadecimal"},
		{"NaN", "not a finite number"},
		{"nan", "not a finite number"},
		{"Inf", "not a finite number"},
		{"-Inf", "not a finite number"},
		{"+Infinity", "not a finite number"},
		{"∞", "not a finite number"},
		{"1e400", "too large"},
		{"-1e400", "too large"},
		{"1e99999999999", "too large"},
		{"404-", "minus sign after the number"},
		{"404−", "minus sign after the number"},
		{"–404", "starts with a dash"},
		{"--404", "more than one sign"},
		{"(-404)", "more than one sign"},
		{"(404", "is not a number"},
		{"404)", "is not a number"},
		{"12,5", "comma as the decimal mark"},
		{"0,5", "comma as the decimal mark"},
		{"1.234,5", "comma as the decimal mark"},
		{"1,23,456", "thousands separators in the wrong places"},
		{"1,2345", "comma as the decimal mark"},
		{"£(-404)", "more than one sign"},
		{"£(404", "is not a number"},
		{"1,234 567", "thousands separators in the wrong places"},
		{"12 34", "thousands separators in the wrong places"},
		{",123", "thousands separators in the wrong places"},
		{"0,123,456", "thousands separators in the wrong places"},
		{"1.2.3", "is not a number"},
		{"1_000", "is not a number"},
		{"£", "is not a number"},
		{"()", "is not a number"},
		{"+", "is not a number"},
		{"££5", "is not a number"},
		{"£50%", "both a £ sign and a % sign"},
		{"1.5e3k", "exponent"},
		{"£1e3", "exponent"},
		{"1,000e3", "exponent"},
		{"1e", "is not a number"},
		{"e5", "is not a number"},
		{"$5", "is not a number"},
		{"5kk", "is not a number"},
		{"５", "is not a number"}, // full-width digit
		{"1 234.5.6", "is not a number"},
	}
	for _, tt := range tests {
		v, _, err := ParseNumber(tt.raw, "")
		if err == nil {
			t.Errorf("ParseNumber(%q) = %v; want an error containing %q", tt.raw, v, tt.want)
			continue
		}
		if errors.Is(err, ErrBlank) {
			t.Errorf("ParseNumber(%q) = ErrBlank; want a rejection", tt.raw)
			continue
		}
		if code := metrics.ErrorCode(err); code != metrics.EINVALID {
			t.Errorf("ParseNumber(%q) code %q; want %q", tt.raw, code, metrics.EINVALID)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseNumber(%q) = %q; want it to contain %q", tt.raw, err, tt.want)
		}
	}
}

// TestParseNumberMessageShort checks that a long or odd cell text is
// quoted on one short line, so a report stays readable.
func TestParseNumberMessageShort(t *testing.T) {
	_, _, err := ParseNumber(strings.Repeat("word ", 100)+"\x00\n", "")
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if len(msg) > 200 || strings.ContainsAny(msg, "\x00\n") || !strings.Contains(msg, "…") {
		t.Errorf("message not shortened and cleaned: %q", msg)
	}
}

func TestParseNumberFinite(t *testing.T) {
	// Whatever the text, an accepted value must be finite: one NaN makes
	// every JSON response for its metric fail.
	for _, raw := range []string{
		"1e308", "-1e308", "1.7976931348623157e308", "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
		"1.7976931348623157e308%", "999999999999999999999bn",
	} {
		v, _, err := ParseNumber(raw, "0%")
		if err == nil && (math.IsInf(v, 0) || math.IsNaN(v)) {
			t.Errorf("ParseNumber(%q) = %v with no error", raw, v)
		}
	}
}

func TestParseNumberAllocs(t *testing.T) {
	for _, tt := range []struct{ raw, fmt string }{
		{"1234", ""}, {"0.5", "General"}, {"-12.75", `#,##0.00;(#,##0.00)`},
		{"0.5", "0%"}, {"1,234", ""},
	} {
		n := testing.AllocsPerRun(100, func() {
			if _, _, err := ParseNumber(tt.raw, tt.fmt); err != nil {
				t.Fatal(err)
			}
		})
		if n != 0 {
			t.Errorf("ParseNumber(%q, %q) allocates %v times per call; want 0", tt.raw, tt.fmt, n)
		}
	}
}

func BenchmarkParseNumber(b *testing.B) {
	for _, bb := range []struct{ name, raw, fmt string }{
		{"integer", "1234", ""},
		{"decimal", "0.5", "General"},
		{"percentFormat", "0.125", "0.0%"},
		{"accounting", "1234567.89", `_-* #,##0.00_-;\-* #,##0.00_-;_-* "-"??_-;_-@_-`},
		{"text", "£1,234.50", ""},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ParseNumber(bb.raw, bb.fmt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestCleanLabelFastPathAgrees: every string of up to five characters
// from an alphabet of the awkward ones that cleanLabel returns as it is
// is one that cleaning leaves unchanged.
func TestCleanLabelFastPathAgrees(t *testing.T) {
	alphabet := []string{"a", " ", "\t", "\u00a0", "\x00", "é", "~", "\x7f"}
	var walk func(prefix string, n int)
	checked := 0
	walk = func(prefix string, n int) {
		if isCleanASCII(prefix) {
			checked++
			if got := cleanLabelSlow(prefix); got != prefix {
				t.Errorf("cleanLabel(%q) returns it as it is, but cleaning gives %q", prefix, got)
			}
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			walk(prefix+c, n-1)
		}
	}
	walk("", 5)
	if checked < 20 {
		t.Errorf("only %d strings took the fast path", checked)
	}
}
