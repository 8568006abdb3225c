package metrics

import (
	"math"
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
