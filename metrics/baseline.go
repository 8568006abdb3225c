package metrics

import "math"

// DefaultBaselineYear is the pre-pandemic year that figures are compared
// with: the calendar year 2019 for months and the financial year 2019/20
// for quarters and financial years. The board found year-on-year change
// "almost meaningless" after Covid, because the year before was itself
// distorted by lockdowns.
const DefaultBaselineYear = 2019

// Change is how a value moved from a base period to the current one.
type Change struct {
	// Base and Current are the two values compared.
	Base, Current float64
	// Absolute is Current - Base, in the metric's units.
	Absolute float64
	// Percent is Absolute as a percentage of |Base|, so that its sign is
	// always the sign of Absolute, even for a negative base such as an
	// overspend. It is nil when Base is zero, where no percentage exists.
	Percent *float64
	// BasePeriod is the period Base belongs to.
	BasePeriod Period
}

// BaselinePeriod is the period of the baseline year that p is compared
// with:
//
//   - a month: the same month of the calendar year baselineYear
//     (Aug 2021 against Aug 2019);
//   - a quarter: the same quarter of the financial year starting in
//     baselineYear (2021/22 Q3 against 2019/20 Q3);
//   - a financial year: the financial year starting in baselineYear;
//   - a calendar year: baselineYear itself;
//   - a year ending: the twelve months ending in the same month of
//     baselineYear (year ending Aug 2021 against year ending Aug 2019).
//
// A baselineYear of zero means DefaultBaselineYear. It reports false for
// a zero or unknown period, and for a baseline year outside 1900..9998
// (the years a Period can be parsed back from). The baseline may be p
// itself, or later than p: the comparison is then still well defined.
func BaselinePeriod(p Period, baselineYear int) (Period, bool) {
	if baselineYear == 0 {
		baselineYear = DefaultBaselineYear
	}
	if baselineYear < periodMinYear || baselineYear >= periodMaxYear {
		return Period{}, false
	}
	switch p.Kind {
	case Month:
		return MonthOf(baselineYear, p.Start.Month()), true
	case Quarter:
		return QuarterOf(baselineYear, FinancialQuarter(p.Start)), true
	case FinancialYear:
		return FinancialYearOf(baselineYear), true
	case CalendarYear:
		return CalendarYearOf(baselineYear), true
	case YearEnding:
		return YearEndingOf(baselineYear, p.End.Month()), true
	}
	return Period{}, false
}

// CompareToBaseline compares area's value for p in series with its value
// for BaselinePeriod(p, baselineYear). It reports false when either value
// is missing (or not a finite number) or p has no baseline. Observations
// of other areas are ignored, whatever their MetricID: the caller passes
// one metric's series. When series holds the same area and period twice,
// the later one counts, as a revision supersedes what came before.
func CompareToBaseline(series []Observation, area string, p Period, baselineYear int) (Change, bool) {
	base, ok := BaselinePeriod(p, baselineYear)
	if !ok {
		return Change{}, false
	}
	return compareObservations(series, area, base, p)
}

// YearOnYear compares area's value for p with its value for the same
// period one year before: the same month of the previous year, the same
// quarter of the previous financial year, the previous financial or
// calendar year, or the twelve months ending a year earlier. It reports
// false when either value is missing. The board distrusts it for years
// touched by Covid; CompareToBaseline is the comparison to show first.
func YearOnYear(series []Observation, area string, p Period) (Change, bool) {
	y, ok := periodBaseYear(p)
	if !ok || y-1 < periodMinYear {
		return Change{}, false
	}
	base, ok := BaselinePeriod(p, y-1)
	if !ok {
		return Change{}, false
	}
	return compareObservations(series, area, base, p)
}

// periodBaseYear is the year of p in the sense BaselinePeriod uses: the
// calendar year of a month or calendar year, the starting year of a
// quarter's or financial year's financial year, and the year in which a
// year ending ends.
func periodBaseYear(p Period) (int, bool) {
	switch p.Kind {
	case Month, CalendarYear:
		return p.Start.Year(), true
	case Quarter, FinancialYear:
		return FinancialYearStart(p.Start), true
	case YearEnding:
		return p.End.Year(), true
	}
	return 0, false
}

func compareObservations(series []Observation, area string, base, current Period) (Change, bool) {
	b, ok := observedValue(series, area, base)
	if !ok {
		return Change{}, false
	}
	c, ok := observedValue(series, area, current)
	if !ok {
		return Change{}, false
	}
	return newChange(b, c, base), true
}

// observedValue is the last finite value for area and p in series.
func observedValue(series []Observation, area string, p Period) (float64, bool) {
	v, found := 0.0, false
	for _, o := range series {
		if o.Area != area || !samePeriod(o.Period, p) {
			continue
		}
		if math.IsNaN(o.Value) || math.IsInf(o.Value, 0) {
			continue
		}
		v, found = o.Value, true
	}
	return v, found
}

func samePeriod(a, b Period) bool {
	return a.Kind == b.Kind && a.Start.Equal(b.Start) && a.End.Equal(b.End)
}

func newChange(base, current float64, basePeriod Period) Change {
	c := Change{Base: base, Current: current, Absolute: current - base, BasePeriod: basePeriod}
	if base != 0 {
		pct := c.Absolute / math.Abs(base) * 100
		c.Percent = &pct
	}
	return c
}
