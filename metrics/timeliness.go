package metrics

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Timeliness: when each measure's figures are due, and which are late.
// A measure reports every month, quarter or year (its cadence), and its
// figures for a period are due a number of working days after the period
// ends (its lag): the force's monthly figures 15 working days after the
// month, say. National tables (ONS, Home Office, police.uk) keep their
// own, longer lag, so that they are not late merely for coming after the
// force's own figures. Working days leave out weekends and the bank
// holidays of England and Wales, or a list the office gives.

// Cadence is how often a measure reports.
type Cadence string

// Cadences. CadenceNone is a measure that reports irregularly: it is
// never late.
const (
	Monthly     Cadence = "monthly"
	Quarterly   Cadence = "quarterly"
	Annual      Cadence = "annual"
	CadenceNone Cadence = "none"
)

// Cadences lists every cadence, for forms.
var Cadences = []Cadence{Monthly, Quarterly, Annual, CadenceNone}

// ParseCadence reads a cadence as written: "monthly", "month",
// "quarterly", "annual" (or "yearly"), "none" (or "irregular").
func ParseCadence(s string) (Cadence, error) {
	switch normalizeWord(s) {
	case "monthly", "month", "m":
		return Monthly, nil
	case "quarterly", "quarter", "q":
		return Quarterly, nil
	case "annual", "annually", "yearly", "year", "y":
		return Annual, nil
	case "none", "irregular", "adhoc":
		return CadenceNone, nil
	}
	return "", Errorf(EINVALID, "%q is not a cadence: write monthly, quarterly, annual or none", s)
}

// Months is the length of one step of the cadence, in months; 0 for none.
func (c Cadence) Months() int {
	switch c {
	case Monthly:
		return 1
	case Quarterly:
		return 3
	case Annual:
		return 12
	}
	return 0
}

// Word is the cadence for a sentence: "monthly".
func (c Cadence) Word() string {
	if c == CadenceNone || c == "" {
		return "irregularly"
	}
	return string(c)
}

// Default lags, in working days after a period ends.
const (
	// DefaultLocalLag is when the force's own figures are due: 15
	// working days after the period.
	DefaultLocalLag = 15
	// DefaultNationalLag is when national tables are: about four months
	// after the period, as ONS's quarterly crime tables and the Home
	// Office's open data come.
	DefaultNationalLag = 85
)

// Schedule is when a measure's figures are due, and whom to ask when
// they are not in.
type Schedule struct {
	Cadence Cadence
	// Lag is the number of working days after a period's end by which
	// its figures are due.
	Lag int
	// National marks figures from national tables, which keep their own
	// lag.
	National bool
	// Owner is who provides the figures: a team or a person.
	Owner string
	// Set is true when someone set the schedule in the catalogue, false
	// when it was worked out from the figures (see InferSchedule).
	Set bool
}

// Validate checks a schedule as typed.
func (s Schedule) Validate() error {
	if !slices.Contains(Cadences, s.Cadence) {
		return Errorf(EINVALID, "%q is not a cadence: write monthly, quarterly, annual or none", s.Cadence)
	}
	if s.Lag < 0 || s.Lag > 400 {
		return Errorf(EINVALID, "The lag is a number of working days from 0 to 400, not %d.", s.Lag)
	}
	if len([]rune(s.Owner)) > MaxActionOwner || !plainText(s.Owner) {
		return Errorf(EINVALID, "The owner is plain text of up to %d characters.", MaxActionOwner)
	}
	return nil
}

// InferSchedule is the schedule of a measure that no one has set: its
// cadence follows the kind of its latest period (a month monthly, a
// quarter or a year ending quarterly, as national statistics publish
// rolling years, a year annually), and its lag is DefaultNationalLag for
// national tables and DefaultLocalLag otherwise. owner is who last gave
// its figures.
func InferSchedule(latest PeriodKind, national bool, owner string) Schedule {
	s := Schedule{Cadence: CadenceNone, Lag: DefaultLocalLag, National: national, Owner: owner}
	switch latest {
	case Month:
		s.Cadence = Monthly
	case Quarter, YearEnding:
		s.Cadence = Quarterly
	case FinancialYear, CalendarYear:
		s.Cadence = Annual
	}
	if national {
		s.Lag = DefaultNationalLag
	}
	return s
}

// Describe says the schedule in words: "monthly, due 15 working days
// after each month".
func (s Schedule) Describe() string {
	if s.Cadence.Months() == 0 {
		return "irregular: never late"
	}
	unit := map[Cadence]string{Monthly: "month", Quarterly: "quarter", Annual: "year"}[s.Cadence]
	return fmt.Sprintf("%s, due %d working %s after each %s", s.Cadence, s.Lag, plural(s.Lag, "day", "days"), unit)
}

// Calendar tells working days from weekends and holidays.
type Calendar struct {
	holidays map[time.Time]bool
	// english computes the bank holidays of England and Wales for any
	// year; false when a list was given instead.
	english bool
}

// EnglishCalendar is the calendar of England and Wales: weekends and
// the bank holidays, as EnglandAndWalesBankHolidays gives them.
func EnglishCalendar() *Calendar {
	return &Calendar{english: true, holidays: map[time.Time]bool{}}
}

// CalendarOf is a calendar whose holidays are exactly days, besides
// weekends: the office's own list.
func CalendarOf(days []time.Time) *Calendar {
	c := &Calendar{holidays: map[time.Time]bool{}}
	for _, d := range days {
		c.holidays[Day(d)] = true
	}
	return c
}

// ParseHolidays reads a list of holidays, one date a line (2022-06-03),
// blank lines and lines starting with # ignored; a line may carry a
// name after the date ("2022-06-03 Platinum Jubilee").
func ParseHolidays(text string) ([]time.Time, error) {
	var out []time.Time
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		field := strings.Fields(line)[0]
		d, err := time.Parse(time.DateOnly, strings.TrimSuffix(field, ","))
		if err != nil {
			return nil, Errorf(EINVALID, "line %d: %q is not a date written as 2022-06-03", i+1, field)
		}
		out = append(out, d)
	}
	return out, nil
}

// IsWorkingDay reports whether day is neither a weekend nor a holiday.
func (c *Calendar) IsWorkingDay(day time.Time) bool {
	day = Day(day)
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	if c == nil {
		return true
	}
	if c.english {
		return !slices.ContainsFunc(EnglandAndWalesBankHolidays(day.Year()), func(h time.Time) bool { return h.Equal(day) })
	}
	return !c.holidays[day]
}

// AddWorkingDays is the nth working day after day (n >= 0): with n of
// zero, day itself if it is a working day, else the next one.
func (c *Calendar) AddWorkingDays(day time.Time, n int) time.Time {
	day = Day(day)
	if n == 0 {
		for !c.IsWorkingDay(day) {
			day = day.AddDate(0, 0, 1)
		}
		return day
	}
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day
}

// WorkingDaysBetween counts the working days after from up to and
// including to; 0 when to is not after from.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	n := 0
	for d := Day(from).AddDate(0, 0, 1); !d.After(Day(to)); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// EnglandAndWalesBankHolidays are the bank holidays of England and Wales
// in year: New Year's Day, Good Friday, Easter Monday, the early May and
// spring bank holidays, the summer bank holiday, Christmas Day and
// Boxing Day, each moved to the next weekday when it falls at a weekend
// as the substitute days are; and the changes proclaimed for particular
// years (VE Day in 2020, the Platinum Jubilee and the State Funeral in
// 2022, the Coronation in 2023, and those of 1995 to 2012).
func EnglandAndWalesBankHolidays(year int) []time.Time {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, time.UTC) }
	firstMonday := func(m time.Month) time.Time {
		t := d(m, 1)
		for t.Weekday() != time.Monday {
			t = t.AddDate(0, 0, 1)
		}
		return t
	}
	lastMonday := func(m time.Month) time.Time {
		t := d(m+1, 0)
		for t.Weekday() != time.Monday {
			t = t.AddDate(0, 0, -1)
		}
		return t
	}
	easter := easterSunday(year)
	newYear := d(time.January, 1)
	switch newYear.Weekday() {
	case time.Saturday:
		newYear = newYear.AddDate(0, 0, 2)
	case time.Sunday:
		newYear = newYear.AddDate(0, 0, 1)
	}
	christmas, boxing := d(time.December, 25), d(time.December, 26)
	switch christmas.Weekday() {
	case time.Friday: // Boxing Day on Saturday: Monday
		boxing = d(time.December, 28)
	case time.Saturday:
		christmas, boxing = d(time.December, 27), d(time.December, 28)
	case time.Sunday:
		christmas = d(time.December, 27)
	}
	earlyMay, spring := firstMonday(time.May), lastMonday(time.May)
	out := []time.Time{newYear, easter.AddDate(0, 0, -2), easter.AddDate(0, 0, 1), earlyMay, spring, lastMonday(time.August), christmas, boxing}
	switch year {
	case 1995:
		out[3] = d(time.May, 8) // VE Day's 50th anniversary
	case 1999:
		out = append(out, d(time.December, 31))
	case 2002:
		out[4] = d(time.June, 4) // Golden Jubilee
		out = append(out, d(time.June, 3))
	case 2011:
		out = append(out, d(time.April, 29)) // a royal wedding
	case 2012:
		out[4] = d(time.June, 4) // Diamond Jubilee
		out = append(out, d(time.June, 5))
	case 2020:
		out[3] = d(time.May, 8) // VE Day's 75th anniversary
	case 2022:
		out[4] = d(time.June, 2) // Platinum Jubilee
		out = append(out, d(time.June, 3), d(time.September, 19))
	case 2023:
		out = append(out, d(time.May, 8)) // the Coronation
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// easterSunday is Easter Day in the Gregorian calendar (the anonymous
// Gregorian algorithm).
func easterSunday(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// Lateness is a measure whose figures are due and missing.
type Lateness struct {
	MetricID, Name string
	Classification Classification
	// Latest is the latest period it has; Missing the first period that
	// is due and not in, and Due the day it was due.
	Latest, Missing Period
	Due             time.Time
	// Count is how many periods are due and missing, Missing the first.
	Count int
	// Owner is who provides the figures ("" when no one is named).
	Owner    string
	National bool
}

// Sentence says the lateness for a reader: "Dec 2021 was due by
// 24 Jan 2022 and is not in (2 periods missing); ask Performance team."
func (l Lateness) Sentence() string {
	s := fmt.Sprintf("%s was due by %s and is not in", l.Missing.Label(), l.Due.Format("2 Jan 2006"))
	if l.Count > 1 {
		s += " (" + strconv.Itoa(l.Count) + " periods missing)"
	}
	if l.Owner != "" {
		s += "; owner: " + l.Owner
	}
	return s + "."
}

// nextPeriod is the period of latest's kind one cadence step later: the
// next month for monthly figures, the quarter (or the year ending three
// months later) for quarterly ones.
func nextPeriod(latest Period, months int) Period {
	switch latest.Kind {
	case Month, Quarter, FinancialYear, CalendarYear:
		end := latest.End.AddDate(0, 0, 1).AddDate(0, months, -1)
		p := latest
		for p.End.Before(end) {
			p = p.Next()
		}
		return p
	case YearEnding:
		end := time.Date(latest.End.Year(), latest.End.Month()+time.Month(months)+1, 0, 0, 0, 0, 0, time.UTC)
		return YearEndingOf(end.Year(), end.Month())
	}
	return Period{}
}

// Late reports whether the measure m, whose latest period is latest, has
// figures due and missing at the end of day under schedule s and
// calendar cal: the period one cadence step after latest ended more
// than s.Lag working days before day. A measure with no figures yet, or
// an irregular one, is never late.
func Late(m Metric, latest Period, s Schedule, cal *Calendar, day time.Time) (Lateness, bool) {
	months := s.Cadence.Months()
	if latest.IsZero() || months == 0 {
		return Lateness{}, false
	}
	day = Day(day)
	l := Lateness{MetricID: m.ID, Name: m.Name, Classification: m.Classification, Latest: latest, Owner: s.Owner, National: s.National}
	p := latest
	for range 1000 {
		next := nextPeriod(p, months)
		if next.IsZero() {
			break
		}
		due := cal.AddWorkingDays(next.End, s.Lag)
		if !due.Before(day) {
			break
		}
		if l.Count == 0 {
			l.Missing, l.Due = next, due
		}
		l.Count++
		p = next
	}
	return l, l.Count > 0
}
