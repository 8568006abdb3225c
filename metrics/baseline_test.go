package metrics

import (
	"math"
	"testing"
	"time"
)

func TestBaselinePeriod(t *testing.T) {
	// Worked by hand from the calendar: each period's counterpart in the
	// baseline year, by the rules in BaselinePeriod's comment.
	tests := []struct {
		name string
		p    Period
		year int
		want Period
		ok   bool
	}{
		{"month against 2019", MonthOf(2021, time.August), 2019, MonthOf(2019, time.August), true},
		{"default year is 2019", MonthOf(2021, time.August), 0, MonthOf(2019, time.August), true},
		{"January stays in the calendar year", MonthOf(2022, time.January), 2019, MonthOf(2019, time.January), true},
		{"quarter 3 against 2019/20 Q3", QuarterOf(2021, 3), 2019, QuarterOf(2019, 3), true},
		{"quarter 4 (Jan-Mar 2022) against Jan-Mar 2020", QuarterOf(2021, 4), 2019, QuarterOf(2019, 4), true},
		{"financial year against 2019/20", FinancialYearOf(2021), 2019, FinancialYearOf(2019), true},
		{"calendar year", CalendarYearOf(2021), 2019, CalendarYearOf(2019), true},
		{"year ending Aug 2021 against year ending Aug 2019", YearEndingOf(2021, time.August), 2019, YearEndingOf(2019, time.August), true},
		{"another baseline year", MonthOf(2021, time.August), 2018, MonthOf(2018, time.August), true},
		{"the baseline itself", MonthOf(2019, time.August), 2019, MonthOf(2019, time.August), true},
		{"zero period", Period{}, 2019, Period{}, false},
		{"year out of range", MonthOf(2021, time.August), 1066, Period{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := BaselinePeriod(tt.p, tt.year)
			if ok != tt.ok || !samePeriod(got, tt.want) {
				t.Errorf("BaselinePeriod(%s, %d) = %s, %t; want %s, %t", tt.p, tt.year, got, ok, tt.want, tt.ok)
			}
		})
	}
	// Worked by hand: 2019/20 Q4 is January to March 2020.
	if got, _ := BaselinePeriod(QuarterOf(2021, 4), 2019); got.Start != time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("2019/20 Q4 starts %s, want 2020-01-01", got.Start)
	}
}

func TestCompareToBaseline(t *testing.T) {
	obs := func(area string, p Period, v float64) Observation {
		return Observation{MetricID: "neighbourhood-crime", Area: area, Period: p, Value: v}
	}
	aug := func(y int) Period { return MonthOf(y, time.August) }
	series := []Observation{
		obs("force", aug(2019), 400),
		obs("force", aug(2020), 250),
		obs("force", aug(2021), 300),
		obs("north", aug(2019), 0),
		obs("north", aug(2021), 12),
		obs("south", aug(2021), 90),
		obs("force", QuarterOf(2019, 2), 1200),
		obs("force", QuarterOf(2021, 2), 1260),
		obs("force", FinancialYearOf(2019), -200),
		obs("force", FinancialYearOf(2021), -150),
		obs("revised", aug(2019), 100),
		obs("revised", aug(2019), 200),
		obs("revised", aug(2021), 220),
		obs("nan", aug(2019), math.NaN()),
		obs("nan", aug(2021), 5),
	}
	pct := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		area string
		p    Period
		year int
		want Change
		ok   bool
	}{
		// Worked by hand: 300 against 400 is -100, and -100/400 is -25%.
		{"fall against 2019", "force", aug(2021), 0, Change{Base: 400, Current: 300, Absolute: -100, Percent: pct(-25), BasePeriod: aug(2019)}, true},
		// Worked by hand: against 2020 the same 300 is +50, +20% on 250,
		// the misleading rise the board warned of.
		{"against 2020", "force", aug(2021), 2020, Change{Base: 250, Current: 300, Absolute: 50, Percent: pct(20), BasePeriod: aug(2020)}, true},
		// Worked by hand: 1260 against 1200 is +60, +5%.
		{"quarter", "force", QuarterOf(2021, 2), 2019, Change{Base: 1200, Current: 1260, Absolute: 60, Percent: pct(5), BasePeriod: QuarterOf(2019, 2)}, true},
		// Worked by hand: an overspend of 150 against 200 is +50, and
		// +50 on |-200| is +25%: the sign follows the change.
		{"negative base", "force", FinancialYearOf(2021), 2019, Change{Base: -200, Current: -150, Absolute: 50, Percent: pct(25), BasePeriod: FinancialYearOf(2019)}, true},
		// Worked by hand: a base of zero has no percentage.
		{"zero base", "north", aug(2021), 2019, Change{Base: 0, Current: 12, Absolute: 12, BasePeriod: aug(2019)}, true},
		// Worked by hand: the later of two 2019 values (200) counts:
		// 220 is +20, +10%.
		{"revision supersedes", "revised", aug(2021), 2019, Change{Base: 200, Current: 220, Absolute: 20, Percent: pct(10), BasePeriod: aug(2019)}, true},
		{"no baseline value", "south", aug(2021), 2019, Change{}, false},
		{"no current value", "force", aug(2022), 2019, Change{}, false},
		{"other area's value is not used", "west", aug(2021), 2019, Change{}, false},
		{"NaN base is missing", "nan", aug(2021), 2019, Change{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := CompareToBaseline(series, tt.area, tt.p, tt.year)
			if ok != tt.ok {
				t.Fatalf("ok = %t, want %t", ok, tt.ok)
			}
			checkChange(t, got, tt.want)
		})
	}
}

func TestYearOnYear(t *testing.T) {
	series := []Observation{
		{Area: "force", Period: MonthOf(2020, time.August), Value: 250},
		{Area: "force", Period: MonthOf(2021, time.August), Value: 300},
		{Area: "force", Period: QuarterOf(2020, 4), Value: 80},
		{Area: "force", Period: QuarterOf(2021, 4), Value: 60},
		{Area: "force", Period: YearEndingOf(2020, time.December), Value: 1000},
		{Area: "force", Period: YearEndingOf(2021, time.December), Value: 1100},
	}
	pct := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		p    Period
		want Change
		ok   bool
	}{
		// Worked by hand: 300 against 250 is +50, +20%.
		{"month", MonthOf(2021, time.August), Change{Base: 250, Current: 300, Absolute: 50, Percent: pct(20), BasePeriod: MonthOf(2020, time.August)}, true},
		// Worked by hand: 2021/22 Q4 (Jan-Mar 2022) against 2020/21 Q4
		// (Jan-Mar 2021): 60 against 80 is -20, -25%.
		{"quarter", QuarterOf(2021, 4), Change{Base: 80, Current: 60, Absolute: -20, Percent: pct(-25), BasePeriod: QuarterOf(2020, 4)}, true},
		// Worked by hand: 1100 against 1000 is +100, +10%.
		{"year ending", YearEndingOf(2021, time.December), Change{Base: 1000, Current: 1100, Absolute: 100, Percent: pct(10), BasePeriod: YearEndingOf(2020, time.December)}, true},
		{"no year before", MonthOf(2020, time.August), Change{}, false},
		{"zero period", Period{}, Change{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := YearOnYear(series, "force", tt.p)
			if ok != tt.ok {
				t.Fatalf("ok = %t, want %t", ok, tt.ok)
			}
			checkChange(t, got, tt.want)
		})
	}
}

func checkChange(t *testing.T, got, want Change) {
	t.Helper()
	if got.Base != want.Base || got.Current != want.Current || !near(got.Absolute, want.Absolute) || !samePeriod(got.BasePeriod, want.BasePeriod) {
		t.Errorf("change = %+v, want %+v", got, want)
	}
	switch {
	case (got.Percent == nil) != (want.Percent == nil):
		t.Errorf("percent = %v, want %v", got.Percent, want.Percent)
	case got.Percent != nil && !near(*got.Percent, *want.Percent):
		t.Errorf("percent = %v, want %v", *got.Percent, *want.Percent)
	}
}

// near compares computed floats to hand-worked ones, allowing for
// rounding in the last places only.
func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}
