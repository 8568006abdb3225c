package metrics

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestFormattingPolicy is the policy as a table: each input and the text
// it becomes on a page or in print.
func TestFormattingPolicy(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		// Counts: no decimals, thousands separated, no unit in a cell.
		{"count", FormatFigure(1017.4, "calls"), "1,017"},
		{"count rounds half away", FormatFigure(416.5, "calls"), "417"},
		{"count with unit", FormatWithUnit(1017, "calls"), "1,017 calls"},
		{"count says no 'count'", FormatWithUnit(3, "count"), "3"},
		{"no unit", FormatWithUnit(3, ""), "3"},
		{"large count", FormatFigure(1234567, "offences"), "1,234,567"},
		// Minutes and percentages: one decimal place.
		{"minutes", FormatFigure(17.25, "minutes"), "17.3"},
		{"minutes whole", FormatWithUnit(15, "minutes"), "15.0 minutes"},
		{"percent", FormatWithUnit(48.333, "%"), "48.3%"},
		{"percent word", FormatWithUnit(52, "percent"), "52.0%"},
		// Rates and ratios: two.
		{"ratio", FormatWithUnit(0.953, "orders per application"), "0.95 orders per application"},
		{"rate per 1,000", FormatFigure(1.234, "offences per 1,000 residents"), "1.23"},
		// Negatives and zero: no "-0".
		{"negative", FormatFigure(-404, "calls"), "-404"},
		{"rounds to zero", FormatFigure(-0.04, "minutes"), "0.0"},
		{"not a number", FormatFigure(math.NaN(), "calls"), "–"},
		// Targets: as set, no more decimals than the kind's.
		{"target minutes", FormatTarget(15, "minutes"), "15 minutes"},
		{"target half minute", FormatTarget(17.5, "minutes"), "17.5 minutes"},
		{"target percent", FormatTarget(65, "%"), "65%"},
		{"target count", FormatTarget(1200.4, "calls"), "1,200 calls"},
		// Changes: signed, a percentage's in points.
		{"change up", FormatChange(3.46, "minutes"), "+3.5 minutes"},
		{"change down", FormatChange(-228, "calls"), "-228 calls"},
		{"change none", FormatChange(0.2, "calls"), "0 calls"},
		{"change in points", FormatChange(2, "%"), "+2.0 percentage points"},
		{"relative change", FormatPercentChange(25.94), "+25.9%"},
		{"relative fall", FormatPercentChange(-5.01), "-5.0%"},
		// Units said once, in the heading.
		{"heading", UnitHeading("calls"), "calls"},
		{"heading percent", UnitHeading("percent"), "%"},
		{"heading count", UnitHeading("count"), ""},
		// Money: thousands, fixed decimals, never £m.
		{"money", FormatGBPk(1_319_000, 0), "£1,319k"},
		{"money large stays in k", FormatGBPk(164_742_000, 0), "£164,742k"},
		{"money small", FormatGBPk(400, 1), "£0.4k"},
		{"money fixed decimals", FormatGBPk(1_319_000, 1), "£1,319.0k"},
		{"money negative", FormatGBPk(-404_000, 0), "-£404k"},
		{"money zero", FormatGBPk(0, 0), "£0k"},
		{"money in a £000 column", FormatThousandsFigure(164_742_400, 0), "164,742"},
		// Variances: the word says the direction, no minus as well.
		{"underspend", FormatVarianceK(-1_319_000, 0), "£1,319k underspend"},
		{"underspend not twice", FormatVarianceK(-164_000, 0), "£164k underspend"},
		{"overspend", FormatVarianceK(90_000, 0), "£90k overspend"},
		{"on budget", FormatVarianceK(0, 0), "£0k on budget"},
		{"movement to underspend", FormatMovement(-300_000, 0), "£300k towards underspend"},
		{"movement to overspend", FormatMovement(12_000, 0), "£12k towards overspend"},
		{"no movement", FormatMovement(0, 0), "no change"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestKindOfUnit(t *testing.T) {
	tests := []struct {
		unit string
		want NumberKind
	}{
		{"calls", KindCount}, {"offences", KindCount}, {"", KindCount}, {"applications", KindCount},
		{"%", KindPercent}, {"% of incidents", KindPercent}, {"per cent", KindPercent},
		{"minutes", KindDuration}, {"Minutes", KindDuration}, {"mins", KindDuration}, {"days", KindDuration}, {"hour", KindDuration},
		{"minutes to attend", KindDuration}, {"hours to attend", KindDuration}, {"Minutes ", KindDuration}, {"secondss", KindDuration},
		{"minutesmen", KindCount}, {"day trips", KindDuration}, {"daily visits", KindCount}, {"s", KindCount},
		{"orders per application", KindRate}, {"offences per 1,000 residents", KindRate}, {"index", KindRate}, {"ratio", KindRate},
	}
	for _, tt := range tests {
		if got := KindOfUnit(tt.unit); got != tt.want {
			t.Errorf("KindOfUnit(%q) = %d, want %d", tt.unit, got, tt.want)
		}
	}
}

func TestMoneyDecimals(t *testing.T) {
	tests := []struct {
		amounts []int64
		want    int
	}{
		{[]int64{1_319_000, 164_742_000}, 0},
		{[]int64{1_319_000, 0}, 0},
		{[]int64{1_319_000, 400}, 1},
		{[]int64{-9_000}, 1},
		{[]int64{-9_950}, 0},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := MoneyDecimals(tt.amounts...); got != tt.want {
			t.Errorf("MoneyDecimals(%v) = %d, want %d", tt.amounts, got, tt.want)
		}
	}
}

// BenchmarkFormatFigure is the cost of one table cell: a metric page of
// 20 areas over ten years writes 4,800 of them.
func BenchmarkFormatFigure(b *testing.B) {
	for _, unit := range []string{"calls", "minutes", "%", "offences per 1,000 residents"} {
		b.Run(unit, func(b *testing.B) {
			b.ReportAllocs()
			v := 0.0
			for b.Loop() {
				v += 1234.567
				_ = FormatFigure(v, unit)
			}
		})
	}
}

// FormatFixed writes into buffers of its own; it must write what the
// plain way (FormatFloat, then a comma before each three digits) writes,
// for values small and huge, negative and rounding to zero.
func TestFormatFixedAsWrittenPlainly(t *testing.T) {
	plain := func(v float64, decimals int) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "–"
		}
		p := math.Pow(10, float64(decimals))
		r := math.Round(math.Abs(v)*p) / p
		intPart, frac, _ := strings.Cut(strconv.FormatFloat(r, 'f', decimals, 64), ".")
		var b strings.Builder
		if v < 0 && r != 0 {
			b.WriteByte('-')
		}
		for i, c := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		if frac != "" {
			b.WriteString("." + frac)
		}
		return b.String()
	}
	values := []float64{0, -0.0, 0.004, -0.004, 0.5, -0.5, 1, 999, 1000, -1000, 999999.95, 1234567.891, -98765.4321,
		1e15, 1e20, -1e20, 1e300, math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		values = append(values, (rng.Float64()-0.5)*math.Pow(10, float64(rng.IntN(16))))
	}
	for _, v := range values {
		for d := range 4 {
			if got, want := FormatFixed(v, d), plain(v, d); got != want {
				t.Errorf("FormatFixed(%v, %d) = %q, want %q", v, d, got, want)
			}
		}
	}
	if got := FormatFigure(1e20, "calls"); got != "100,000,000,000,000,000,000" {
		t.Errorf("a huge count: %q", got)
	}
}
