package metrics

import (
	"fmt"
	"sync"
	"time"
)

// PeriodKind is the length and alignment of a Period.
type PeriodKind string

const (
	// Month is a calendar month.
	Month PeriodKind = "month"
	// Quarter is a quarter of a UK financial year: Q1 is April to June,
	// Q4 January to March.
	Quarter PeriodKind = "quarter"
	// FinancialYear is a UK financial year, April to March ("2021/22").
	FinancialYear PeriodKind = "fy"
	// CalendarYear is January to December.
	CalendarYear PeriodKind = "year"
	// YearEnding is the 12 months ending with a month, as national
	// statistics publish them ("year ending December 2019").
	YearEnding PeriodKind = "year_ending"
)

// Period is a span of whole days, from Start to End inclusive, both at
// midnight UTC.
type Period struct {
	Kind  PeriodKind
	Start time.Time
	End   time.Time
}

// MonthOf is the calendar month m of year y.
func MonthOf(y int, m time.Month) Period {
	start := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return Period{Kind: Month, Start: start, End: start.AddDate(0, 1, -1)}
}

// QuarterOf is quarter q (1..4) of the financial year starting in April
// of fyStart: QuarterOf(2021, 3) is October to December 2021.
func QuarterOf(fyStart, q int) Period {
	start := time.Date(fyStart, time.April, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 3*(q-1), 0)
	return Period{Kind: Quarter, Start: start, End: start.AddDate(0, 3, -1)}
}

// FinancialYearOf is the financial year April fyStart to March fyStart+1.
func FinancialYearOf(fyStart int) Period {
	start := time.Date(fyStart, time.April, 1, 0, 0, 0, 0, time.UTC)
	return Period{Kind: FinancialYear, Start: start, End: start.AddDate(1, 0, -1)}
}

// CalendarYearOf is January to December of y.
func CalendarYearOf(y int) Period {
	start := time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC)
	return Period{Kind: CalendarYear, Start: start, End: start.AddDate(1, 0, -1)}
}

// YearEndingOf is the twelve months ending with month m of year y.
func YearEndingOf(y int, m time.Month) Period {
	end := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
	return Period{Kind: YearEnding, Start: time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC).AddDate(-1, 0, 0), End: end}
}

// FinancialYearStart is the calendar year in which the financial year
// holding t begins: 2021 for any day from 1 April 2021 to 31 March 2022.
func FinancialYearStart(t time.Time) int {
	if t.Month() < time.April {
		return t.Year() - 1
	}
	return t.Year()
}

// FinancialQuarter is the financial quarter (1..4) holding t.
func FinancialQuarter(t time.Time) int {
	return (int(t.Month())+8)%12/3 + 1
}

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.Kind == "" }

// Key is the canonical, sortable-within-kind text of a period, stored in
// the database and accepted back by ParsePeriod:
// "2021-08", "2021/22 Q3", "2021/22", "2019", "YE 2019-12".
func (p Period) Key() string {
	switch p.Kind {
	case Month:
		return yearMonth(p.Start)
	case Quarter:
		fy := FinancialYearStart(p.Start)
		return fmt.Sprintf("%s Q%d", fyLabel(fy), FinancialQuarter(p.Start))
	case FinancialYear:
		return fyLabel(p.Start.Year())
	case CalendarYear:
		return p.Start.Format("2006")
	case YearEnding:
		return "YE " + p.End.Format("2006-01")
	}
	return ""
}

// PeriodID is a period's Key as a comparable value, made without
// formatting: two periods of one kind have equal IDs exactly when they
// have equal Keys. An ingest compares every stored value of the measures
// a file names with the file's periods, and making each one's Key was
// most of that comparison's time.
type PeriodID struct {
	Kind PeriodKind
	Year int
	// Part is the month (Month, YearEnding) or quarter (Quarter); 0 for
	// a kind of whole years.
	Part int
}

// ID is p's Key as a PeriodID.
func (p Period) ID() PeriodID {
	switch p.Kind {
	case Month:
		return PeriodID{Kind: p.Kind, Year: p.Start.Year(), Part: int(p.Start.Month())}
	case Quarter:
		return PeriodID{Kind: p.Kind, Year: FinancialYearStart(p.Start), Part: FinancialQuarter(p.Start)}
	case FinancialYear, CalendarYear:
		return PeriodID{Kind: p.Kind, Year: p.Start.Year()}
	case YearEnding:
		return PeriodID{Kind: p.Kind, Year: p.End.Year(), Part: int(p.End.Month())}
	}
	return PeriodID{Kind: p.Kind}
}

// yearMonth is t.Format("2006-01") without the layout's parsing: a
// month's key is made for every value the overview, the board pack and
// an ingest's checks look at, and Format was a tenth of the pack's time.
// The months of the years keyedYears covers are cut from one string made
// once, so that asking allocates nothing: a metric page of 20 areas over
// ten years asked for 5,500 keys, each an allocation of its own.
func yearMonth(t time.Time) string {
	y, m, _ := t.Date()
	if y >= keyedYears.from && y < keyedYears.to {
		i := ((y-keyedYears.from)*12 + int(m) - 1) * 7
		return monthKeys()[i : i+7]
	}
	if y < 0 || y > 9999 {
		return t.Format("2006-01")
	}
	k := monthKey(y, m)
	return string(k[:])
}

// keyedYears are the years whose months' keys monthKeys holds.
var keyedYears = struct{ from, to int }{1900, 2200}

// monthKeys are the keys of every month of keyedYears, one after another.
var monthKeys = sync.OnceValue(func() string {
	b := make([]byte, 0, (keyedYears.to-keyedYears.from)*12*7)
	for y := keyedYears.from; y < keyedYears.to; y++ {
		for m := time.January; m <= time.December; m++ {
			k := monthKey(y, m)
			b = append(b, k[:]...)
		}
	}
	return string(b)
})

// monthKey is the key of a month of a year from 0 to 9999: "2021-08".
func monthKey(y int, m time.Month) [7]byte {
	return [7]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-', byte('0' + int(m)/10), byte('0' + int(m)%10)}
}

// Label is the period as a board member reads it: "Aug 2021",
// "2021/22 Q3", "2021/22", "2019", "Year ending Dec 2019".
func (p Period) Label() string {
	switch p.Kind {
	case Month:
		return p.Start.Format("Jan 2006")
	case YearEnding:
		return "Year ending " + p.End.Format("Jan 2006")
	}
	return p.Key()
}

// String is the Key.
func (p Period) String() string { return p.Key() }

// Next is the period of the same kind that follows p.
func (p Period) Next() Period {
	switch p.Kind {
	case Month:
		return MonthOf(p.Start.AddDate(0, 1, 0).Year(), p.Start.AddDate(0, 1, 0).Month())
	case Quarter:
		n := p.Start.AddDate(0, 3, 0)
		return QuarterOf(FinancialYearStart(n), FinancialQuarter(n))
	case FinancialYear:
		return FinancialYearOf(p.Start.Year() + 1)
	case CalendarYear:
		return CalendarYearOf(p.Start.Year() + 1)
	case YearEnding:
		n := p.End.AddDate(0, 0, 1)
		return YearEndingOf(n.Year(), n.Month())
	}
	return p
}

func fyLabel(start int) string {
	return fmt.Sprintf("%d/%02d", start, (start+1)%100)
}
