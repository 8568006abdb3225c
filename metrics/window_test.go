package metrics

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		w    Window
		p    Period
		want bool
	}{
		{"open window", Window{}, MonthOf(2015, time.May), true},
		{"last 12 months keeps the first", LastMonths(MonthOf(2021, time.December), 12), MonthOf(2021, time.January), true},
		{"last 12 months leaves the 13th", LastMonths(MonthOf(2021, time.December), 12), MonthOf(2020, time.December), false},
		{"last 12 months of quarters keeps four", LastMonths(QuarterOf(2021, 3), 12), QuarterOf(2020, 4), true},
		{"last 12 months of quarters leaves the fifth", LastMonths(QuarterOf(2021, 3), 12), QuarterOf(2020, 3), false},
		{"last 24 months", LastMonths(MonthOf(2021, time.December), 24), MonthOf(2020, time.January), true},
		{"since 2019", Window{From: day(2019, time.January, 1)}, MonthOf(2018, time.December), false},
		{"to the end of a month keeps it", Window{To: day(2021, time.March, 31)}, MonthOf(2021, time.March), true},
		{"to the end of a month leaves the next", Window{To: day(2021, time.March, 31)}, MonthOf(2021, time.April), false},
		{"a year straddling the start is left out", Window{From: day(2019, time.January, 1)}, FinancialYearOf(2018), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.Contains(tt.p); got != tt.want {
				t.Errorf("%+v contains %s = %t, want %t", tt.w, tt.p.Label(), got, tt.want)
			}
		})
	}
}
