package metrics

import (
	"reflect"
	"testing"
	"time"
)

func TestEnglandAndWalesBankHolidays(t *testing.T) {
	days := func(ds ...string) []time.Time {
		var out []time.Time
		for _, d := range ds {
			out = append(out, date(d))
		}
		return out
	}
	for year, want := range map[int][]time.Time{
		// Christmas on a Saturday: both days move to Monday and Tuesday.
		2021: days("2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"),
		// New Year's Day on a Saturday; the Platinum Jubilee moved the
		// spring bank holiday; the State Funeral; Christmas on a Sunday.
		2022: days("2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"),
		// VE Day moved the early May bank holiday; Boxing Day on a Saturday.
		2020: days("2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"),
		2023: days("2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"),
	} {
		if got := EnglandAndWalesBankHolidays(year); !reflect.DeepEqual(got, want) {
			t.Errorf("%d: %v\nwant %v", year, got, want)
		}
	}
}

func TestWorkingDays(t *testing.T) {
	cal := EnglishCalendar()
	for _, tt := range []struct {
		from string
		n    int
		want string
	}{
		// December 2021 ends on a Friday; 3 January 2022 is a bank
		// holiday: the fifteenth working day after is 24 January.
		{"2021-12-31", 15, "2022-01-24"},
		{"2022-01-31", 15, "2022-02-21"},
		{"2022-05-31", 3, "2022-06-07"}, // over the Jubilee
		{"2022-02-05", 0, "2022-02-07"}, // a Saturday: the next working day
		{"2022-02-07", 0, "2022-02-07"},
	} {
		if got := cal.AddWorkingDays(date(tt.from), tt.n); !got.Equal(date(tt.want)) {
			t.Errorf("%d working days after %s = %s, want %s", tt.n, tt.from, got.Format(time.DateOnly), tt.want)
		}
	}
	if n := cal.WorkingDaysBetween(date("2021-12-31"), date("2022-01-24")); n != 15 {
		t.Errorf("working days between = %d, want 15", n)
	}
	// A list of the office's own replaces the English one.
	own, err := ParseHolidays("# office closures\n2022-02-07 Staff day\n\n2022-02-08\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := CalendarOf(own).AddWorkingDays(date("2022-02-04"), 1); !got.Equal(date("2022-02-09")) {
		t.Errorf("with the office's list: %s", got.Format(time.DateOnly))
	}
	if got := CalendarOf(own).AddWorkingDays(date("2021-12-31"), 1); !got.Equal(date("2022-01-03")) {
		t.Errorf("the office's list replaces the bank holidays: %s", got.Format(time.DateOnly))
	}
	if _, err := ParseHolidays("3 June 2022"); err == nil {
		t.Error("a date in words was read")
	}
}

func TestLate(t *testing.T) {
	cal := EnglishCalendar()
	m := Metric{ID: "response-urban", Name: "Immediate response, urban", Classification: Sensitive}
	monthly := Schedule{Cadence: Monthly, Lag: 15, Owner: "Performance team"}
	for _, tt := range []struct {
		name    string
		latest  Period
		s       Schedule
		day     string
		late    bool
		missing string
		due     string
		count   int
	}{
		// December 2021 was due on 24 January 2022.
		{"on the due day", MonthOf(2021, time.November), monthly, "2022-01-24", false, "", "", 0},
		{"the day after", MonthOf(2021, time.November), monthly, "2022-01-25", true, "2021-12", "2022-01-24", 1},
		{"at the February board", MonthOf(2021, time.November), monthly, "2022-02-10", true, "2021-12", "2022-01-24", 1},
		{"two months behind", MonthOf(2021, time.November), monthly, "2022-02-22", true, "2021-12", "2022-01-24", 2},
		{"up to date", MonthOf(2021, time.December), monthly, "2022-02-10", false, "", "", 0},
		// A quarter: Q3 2021/22 ends on 31 December.
		{"quarterly", QuarterOf(2021, 2), Schedule{Cadence: Quarterly, Lag: 15}, "2022-02-10", true, "2021/22 Q3", "2022-01-24", 1},
		// A national table of years ending, published quarterly about
		// four months after: the year ending December 2021 is not late at
		// the February board even though local figures are in.
		{"national, not late", YearEndingOf(2021, time.September), InferSchedule(YearEnding, true, ""), "2022-02-10", false, "", "", 0},
		{"national, late", YearEndingOf(2021, time.September), InferSchedule(YearEnding, true, ""), "2022-06-01", true, "YE 2021-12", "2022-05-05", 1},
		{"irregular", MonthOf(2020, time.January), Schedule{Cadence: CadenceNone}, "2022-02-10", false, "", "", 0},
		{"no figures", Period{}, monthly, "2022-02-10", false, "", "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, late := Late(m, tt.latest, tt.s, cal, date(tt.day))
			if late != tt.late {
				t.Fatalf("late = %t, want %t (%+v)", late, tt.late, l)
			}
			if !late {
				return
			}
			if l.Missing.Key() != tt.missing || l.Due.Format(time.DateOnly) != tt.due || l.Count != tt.count {
				t.Errorf("missing %s due %s (%d), want %s due %s (%d)", l.Missing.Key(), l.Due.Format(time.DateOnly), l.Count, tt.missing, tt.due, tt.count)
			}
			if l.MetricID != m.ID || l.Owner != tt.s.Owner {
				t.Errorf("lateness names %q, owner %q", l.MetricID, l.Owner)
			}
		})
	}
	l, _ := Late(m, MonthOf(2021, time.November), monthly, cal, date("2022-02-10"))
	if got, want := l.Sentence(), "Dec 2021 was due by 24 Jan 2022 and is not in; owner: Performance team."; got != want {
		t.Errorf("sentence %q, want %q", got, want)
	}
}

func TestInferSchedule(t *testing.T) {
	for _, tt := range []struct {
		kind     PeriodKind
		national bool
		want     Schedule
	}{
		{Month, false, Schedule{Cadence: Monthly, Lag: DefaultLocalLag}},
		{Quarter, false, Schedule{Cadence: Quarterly, Lag: DefaultLocalLag}},
		{YearEnding, true, Schedule{Cadence: Quarterly, Lag: DefaultNationalLag, National: true}},
		{FinancialYear, false, Schedule{Cadence: Annual, Lag: DefaultLocalLag}},
	} {
		if got := InferSchedule(tt.kind, tt.national, ""); got != tt.want {
			t.Errorf("%s national %t: %+v, want %+v", tt.kind, tt.national, got, tt.want)
		}
	}
	if err := (Schedule{Cadence: "fortnightly"}).Validate(); err == nil {
		t.Error("an unknown cadence is valid")
	}
	if c, err := ParseCadence("Quarterly"); err != nil || c != Quarterly {
		t.Errorf("ParseCadence = %q %v", c, err)
	}
}
