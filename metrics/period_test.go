package metrics

import (
	"testing"
	"time"
)

// periodDay is midnight UTC of a date, as Period bounds are.
func periodDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestPeriodConstructors(t *testing.T) {
	tests := []struct {
		name       string
		got        Period
		kind       PeriodKind
		start, end time.Time
	}{
		{"month", MonthOf(2021, time.August), Month, periodDay(2021, 8, 1), periodDay(2021, 8, 31)},
		{"february leap", MonthOf(2020, time.February), Month, periodDay(2020, 2, 1), periodDay(2020, 2, 29)},
		{"february", MonthOf(2021, time.February), Month, periodDay(2021, 2, 1), periodDay(2021, 2, 28)},
		{"december", MonthOf(2019, time.December), Month, periodDay(2019, 12, 1), periodDay(2019, 12, 31)},
		{"Q1", QuarterOf(2021, 1), Quarter, periodDay(2021, 4, 1), periodDay(2021, 6, 30)},
		{"Q2", QuarterOf(2021, 2), Quarter, periodDay(2021, 7, 1), periodDay(2021, 9, 30)},
		{"Q3", QuarterOf(2021, 3), Quarter, periodDay(2021, 10, 1), periodDay(2021, 12, 31)},
		{"Q4 is in the next calendar year", QuarterOf(2021, 4), Quarter, periodDay(2022, 1, 1), periodDay(2022, 3, 31)},
		{"financial year", FinancialYearOf(2021), FinancialYear, periodDay(2021, 4, 1), periodDay(2022, 3, 31)},
		{"financial year 1999/00", FinancialYearOf(1999), FinancialYear, periodDay(1999, 4, 1), periodDay(2000, 3, 31)},
		{"calendar year", CalendarYearOf(2019), CalendarYear, periodDay(2019, 1, 1), periodDay(2019, 12, 31)},
		{"year ending December", YearEndingOf(2019, time.December), YearEnding, periodDay(2019, 1, 1), periodDay(2019, 12, 31)},
		{"year ending March", YearEndingOf(2020, time.March), YearEnding, periodDay(2019, 4, 1), periodDay(2020, 3, 31)},
		{"year ending February leap", YearEndingOf(2020, time.February), YearEnding, periodDay(2019, 3, 1), periodDay(2020, 2, 29)},
		{"year ending January", YearEndingOf(2021, time.January), YearEnding, periodDay(2020, 2, 1), periodDay(2021, 1, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.Kind != tt.kind || !tt.got.Start.Equal(tt.start) || !tt.got.End.Equal(tt.end) {
				t.Errorf("got %s %s..%s, want %s %s..%s", tt.got.Kind, tt.got.Start.Format(time.DateOnly), tt.got.End.Format(time.DateOnly),
					tt.kind, tt.start.Format(time.DateOnly), tt.end.Format(time.DateOnly))
			}
			if tt.got.Start.Location() != time.UTC || tt.got.End.Location() != time.UTC {
				t.Errorf("not in UTC: %v %v", tt.got.Start, tt.got.End)
			}
			if tt.got.IsZero() {
				t.Error("IsZero() = true")
			}
		})
	}
	if !(Period{}).IsZero() {
		t.Error("Period{}.IsZero() = false")
	}
}

func TestPeriodKeyLabel(t *testing.T) {
	tests := []struct {
		p          Period
		key, label string
	}{
		{MonthOf(2021, time.August), "2021-08", "Aug 2021"},
		{MonthOf(2021, time.January), "2021-01", "Jan 2021"},
		{QuarterOf(2021, 3), "2021/22 Q3", "2021/22 Q3"},
		{QuarterOf(2021, 4), "2021/22 Q4", "2021/22 Q4"},
		{QuarterOf(1999, 4), "1999/00 Q4", "1999/00 Q4"},
		{FinancialYearOf(2021), "2021/22", "2021/22"},
		{FinancialYearOf(2009), "2009/10", "2009/10"},
		{FinancialYearOf(1999), "1999/00", "1999/00"},
		{CalendarYearOf(2019), "2019", "2019"},
		{YearEndingOf(2019, time.December), "YE 2019-12", "Year ending Dec 2019"},
		{YearEndingOf(2020, time.March), "YE 2020-03", "Year ending Mar 2020"},
		{Period{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := tt.p.Key(); got != tt.key {
				t.Errorf("Key() = %q, want %q", got, tt.key)
			}
			if got := tt.p.String(); got != tt.key {
				t.Errorf("String() = %q, want %q", got, tt.key)
			}
			if got := tt.p.Label(); got != tt.label {
				t.Errorf("Label() = %q, want %q", got, tt.label)
			}
		})
	}
}

func TestPeriodNext(t *testing.T) {
	tests := []struct {
		name    string
		p, want Period
	}{
		{"month", MonthOf(2021, time.August), MonthOf(2021, time.September)},
		{"month over the year end", MonthOf(2021, time.December), MonthOf(2022, time.January)},
		{"month from 31 January", MonthOf(2021, time.January), MonthOf(2021, time.February)},
		{"quarter", QuarterOf(2021, 2), QuarterOf(2021, 3)},
		{"Q3 to Q4 crosses the calendar year", QuarterOf(2021, 3), QuarterOf(2021, 4)},
		{"Q4 to the next financial year", QuarterOf(2021, 4), QuarterOf(2022, 1)},
		{"financial year", FinancialYearOf(2021), FinancialYearOf(2022)},
		{"calendar year", CalendarYearOf(2019), CalendarYearOf(2020)},
		{"year ending", YearEndingOf(2019, time.December), YearEndingOf(2020, time.January)},
		{"year ending into a leap February", YearEndingOf(2020, time.January), YearEndingOf(2020, time.February)},
		{"year ending from a leap February", YearEndingOf(2020, time.February), YearEndingOf(2020, time.March)},
		{"zero", Period{}, Period{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Next(); got != tt.want {
				t.Errorf("Next(%s) = %s %v..%v, want %s", tt.p.Key(), got.Key(), got.Start, got.End, tt.want.Key())
			}
		})
	}
}

// TestPeriodNextChain walks each kind for decades, so that an error in
// Next shows up as a gap or overlap between neighbours.
func TestPeriodNextChain(t *testing.T) {
	for _, first := range []Period{
		MonthOf(1990, time.January), QuarterOf(1990, 1), FinancialYearOf(1990),
		CalendarYearOf(1990), YearEndingOf(1990, time.January),
	} {
		p := first
		for range 500 {
			n := p.Next()
			if n.Kind != p.Kind {
				t.Fatalf("%s: Next changed kind to %s", p.Key(), n.Kind)
			}
			if p.Kind == YearEnding {
				// Years ending overlap by eleven months: they move on by one.
				if !n.End.Equal(p.End.AddDate(0, 0, 1).AddDate(0, 1, -1)) {
					t.Fatalf("%s: Next ends %v", p.Key(), n.End)
				}
			} else if !n.Start.Equal(p.End.AddDate(0, 0, 1)) {
				t.Fatalf("%s: Next starts %v, want the day after %v", p.Key(), n.Start, p.End)
			}
			if n.End.Before(n.Start) {
				t.Fatalf("%s: ends before it starts", n.Key())
			}
			p = n
		}
	}
}

func TestFinancialYearStartAndQuarter(t *testing.T) {
	tests := []struct {
		date    time.Time
		fy, fyQ int
	}{
		{periodDay(2022, 1, 1), 2021, 4},
		{periodDay(2022, 2, 28), 2021, 4},
		{periodDay(2022, 3, 31), 2021, 4},
		{periodDay(2021, 4, 1), 2021, 1},
		{periodDay(2021, 5, 15), 2021, 1},
		{periodDay(2021, 6, 30), 2021, 1},
		{periodDay(2021, 7, 1), 2021, 2},
		{periodDay(2021, 8, 31), 2021, 2},
		{periodDay(2021, 9, 30), 2021, 2},
		{periodDay(2021, 10, 1), 2021, 3},
		{periodDay(2021, 11, 30), 2021, 3},
		{periodDay(2021, 12, 31), 2021, 3},
		{time.Date(2022, 3, 31, 23, 59, 59, 0, time.UTC), 2021, 4},
	}
	for _, tt := range tests {
		t.Run(tt.date.Format(time.DateOnly), func(t *testing.T) {
			if got := FinancialYearStart(tt.date); got != tt.fy {
				t.Errorf("FinancialYearStart = %d, want %d", got, tt.fy)
			}
			if got := FinancialQuarter(tt.date); got != tt.fyQ {
				t.Errorf("FinancialQuarter = %d, want %d", got, tt.fyQ)
			}
		})
	}
}

// TestYearMonthIsFormat holds the month key's own formatting equal to
// time's, across years of every width.
func TestYearMonthIsFormat(t *testing.T) {
	years := []int{-1, 0, 1, 9, 10, 99, 100, 999, 1000, 1999, 2021, 9999, 10000}
	// Every year kept, and those either side.
	for y := keyedYears.from - 1; y <= keyedYears.to; y++ {
		years = append(years, y)
	}
	for _, y := range years {
		for m := time.January; m <= time.December; m++ {
			d := time.Date(y, m, 15, 13, 0, 0, 0, time.UTC)
			if got, want := yearMonth(d), d.Format("2006-01"); got != want {
				t.Errorf("yearMonth(%v) = %q, want %q", d, got, want)
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { yearMonth(time.Date(2021, time.August, 1, 0, 0, 0, 0, time.UTC)) }); n != 0 {
		t.Errorf("a month's key allocates %v times", n)
	}
}

// TestPeriodIDIsKey: two periods have equal IDs exactly when they have
// equal kinds and Keys, over every kind, months across many years, and
// periods that start or end mid-month (as a parsed one never does, but a
// stored one might have been written).
func TestPeriodIDIsKey(t *testing.T) {
	var ps []Period
	for _, y := range []int{1999, 2000, 2020, 2021, 2099, 2121} {
		for m := time.January; m <= time.December; m++ {
			ps = append(ps, MonthOf(y, m), YearEndingOf(y, m))
			odd := MonthOf(y, m)
			odd.Start, odd.End = odd.Start.AddDate(0, 0, 9), odd.End.AddDate(0, 0, -3)
			ps = append(ps, odd)
		}
		for q := 1; q <= 4; q++ {
			ps = append(ps, QuarterOf(y, q))
		}
		ps = append(ps, FinancialYearOf(y), CalendarYearOf(y), Period{Kind: "fortnight", Start: periodDay(y, 4, 1), End: periodDay(y, 4, 14)})
	}
	for _, a := range ps {
		for _, b := range ps {
			sameKey := a.Kind == b.Kind && a.Key() == b.Key()
			if sameID := a.ID() == b.ID(); sameID != sameKey {
				t.Fatalf("%+v and %+v: equal IDs %v (%+v, %+v), equal kinds and keys %v (%q, %q)", a, b, sameID, a.ID(), b.ID(), sameKey, a.Key(), b.Key())
			}
		}
	}
}
