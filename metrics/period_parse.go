package metrics

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Year limits of the parser. Excel cannot hold a date outside 1900..9999,
// so neither can a workbook header; a bare number is read as a calendar
// year only in a narrower range, because a column of counts such as 2500
// must not turn into years.
const (
	periodMinYear     = 1900
	periodMaxYear     = 9999
	calendarYearFirst = 1900
	calendarYearLast  = 2200

	// periodMaxLen bounds the work and the size of the error message for
	// a hostile cell: no period that people write is longer.
	periodMaxLen = 64
	// periodMaxTokens is the most words and numbers a period has:
	// "12 months to 31 December 2019" has five.
	periodMaxTokens = 8
)

// periodHint ends the message of every period that matches no form.
const periodHint = "write a month as 2021-08 or Aug-21, a quarter as 2021/22 Q3, a financial year as 2021/22"

// periodNoMatch is the reason a sub-parser gives when the tokens are not
// its form at all, so the next form may be tried; any other non-empty
// reason means "this form, but wrong", and parsing stops with it.
const periodNoMatch = "\x00"

// orHint is a sub-parser's reason for the user, or hint when it gave
// periodNoMatch (the tokens fit no form it knows).
func orHint(reason, hint string) string {
	if reason == periodNoMatch {
		return hint
	}
	return reason
}

// ParsePeriod reads a period as people write it in spreadsheet headers and
// cells, case-insensitively, ignoring surrounding spaces (including
// non-breaking spaces). It accepts:
//
//   - months: "2021-08", "2021-8", "Aug-21", "Aug 21", "Aug-2021",
//     "August 2021", "Sept 2021", "08/2021";
//   - full dates, which mean the month holding them: "2021-08-01",
//     "01/08/2021" and "1-Aug-21" (day first, as in the UK);
//   - financial quarters: "2021/22 Q3", "Q3 2021/22", "2021-22 Q3",
//     "2021/22 Quarter 3", "Q3 21/22", "2021/2022 Q3", "Q3 FY2021/22";
//   - financial years: "2021/22", "2021-22", "2021/2022", "FY2021/22",
//     "FY 2021-22", "21/22";
//   - calendar years: a bare "2019", from 1900 to 2200 only;
//   - years ending: "year ending December 2019", "YE Dec 2019",
//     "12 months to December 2019", "YE 2019-12".
//
// Every Key and every Label of a period whose years lie in 1900..2200 is
// read back as that period. Two-digit years 00..69 are 2000..2069 and
// 70..99 are 1970..1999. "2011-12" is December 2011, not the financial
// year 2011/12, because the month form is the canonical Key; write
// financial years with a slash. A year pair must be consecutive, so
// "2021/08" is rejected rather than guessed. A quarter without its
// financial year ("Q3 2021") is rejected as ambiguous.
//
// Errors are *Error with code EINVALID and a message that says how to
// write the period.
func ParsePeriod(s string) (Period, error) {
	// The canonical month Key is by far the commonest input: long sheets
	// carry one per row.
	if p, ok := parseKeyMonth(s); ok {
		return p, nil
	}
	t := strings.TrimFunc(s, isPeriodSpace)
	if t == "" {
		return Period{}, &Error{Code: EINVALID, Message: "the period is empty: " + periodHint}
	}
	if len(t) > periodMaxLen {
		return Period{}, periodError(t, periodHint)
	}
	var buf [periodMaxTokens]periodToken
	toks, ok := tokenizePeriod(t, &buf)
	if !ok || toks[0].sep != 0 {
		return Period{}, periodError(t, periodHint)
	}
	p, reason := parsePeriodTokens(toks)
	if reason != "" {
		return Period{}, periodError(t, orHint(reason, periodHint))
	}
	return p, nil
}

// ParseMonthName reads an English month name, case-insensitively: the
// three-letter abbreviation ("Aug"), the full name ("August") or "Sept".
// Finance month codes such as "M5" are not month names: they count from
// April and belong to the finance reader.
func ParseMonthName(s string) (time.Month, bool) {
	return periodMonthName(strings.TrimFunc(s, isPeriodSpace))
}

// DateFromSerial converts an Excel date serial number to the date and
// time it stands for, in UTC, with the fraction of a day rounded to the
// nearest second.
//
// In the 1900 date system (date1904 false) serial 1 is 1 January 1900.
// Excel counts a 29 February 1900 that never was, so serial 60 is
// rejected, and serials from 61 (1 March 1900) on are one day behind
// their count. Serials below 1 are times of day with no date and are
// rejected. In the 1904 date system serial 0 is 1 January 1904.
// Non-finite and negative serials, and serials after 31 December 9999,
// are rejected with EINVALID.
func DateFromSerial(serial float64, date1904 bool) (time.Time, error) {
	// 3e6 days is past the year 10000 in either system; checking it here
	// keeps the conversion to an integer below from overflowing.
	if math.IsNaN(serial) || math.IsInf(serial, 0) || serial < 0 || serial > 3e6 {
		return time.Time{}, serialError(serial, "Excel dates are whole or fractional day counts from 0 to 2958465")
	}
	secs := int64(math.Round(serial * 86400))
	days, sec := secs/86400, secs%86400
	var base time.Time
	if date1904 {
		base = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
	} else {
		switch {
		case days < 1:
			return time.Time{}, serialError(serial, "it is a time of day with no date")
		case days == 60:
			return time.Time{}, serialError(serial, "it is 29 February 1900, a day that Excel counts but that never existed")
		case days > 60:
			days--
		}
		base = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(sec) * time.Second)
	if t.Year() > periodMaxYear {
		return time.Time{}, serialError(serial, "it is after 31 December 9999, the last date Excel holds")
	}
	return t, nil
}

// PeriodFromSerial is the calendar month holding the date of an Excel
// date serial number; the serial is read as DateFromSerial reads it, and
// the same serials are rejected.
func PeriodFromSerial(serial float64, date1904 bool) (Period, error) {
	t, err := DateFromSerial(serial, date1904)
	if err != nil {
		return Period{}, err
	}
	return MonthOf(t.Year(), t.Month()), nil
}

// PeriodsBetween is every period of first's kind from first to last
// inclusive, in order. It is nil when the kinds differ, the kind is not
// one of the five, or last starts before first.
func PeriodsBetween(first, last Period) []Period {
	if first.Kind != last.Kind || !knownPeriodKind(first.Kind) || last.Start.Before(first.Start) {
		return nil
	}
	var out []Period
	for p := first; !p.Start.After(last.Start); p = p.Next() {
		out = append(out, p)
	}
	return out
}

// ComparePeriods orders periods by Start, then End, then Kind by name; it
// returns -1, 0 or +1 as a sorts before, with or after b, for use with
// slices.SortFunc. Periods of one kind sort in time order.
func ComparePeriods(a, b Period) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	if c := a.End.Compare(b.End); c != 0 {
		return c
	}
	return cmp.Compare(a.Kind, b.Kind)
}

func knownPeriodKind(k PeriodKind) bool {
	switch k {
	case Month, Quarter, FinancialYear, CalendarYear, YearEnding:
		return true
	}
	return false
}

// parseKeyMonth reads exactly "yyyy-mm" without allocating.
func parseKeyMonth(s string) (Period, bool) {
	if len(s) != 7 || s[4] != '-' {
		return Period{}, false
	}
	y, m := 0, 0
	for i := range 7 {
		if i == 4 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return Period{}, false
		}
		if i < 4 {
			y = y*10 + int(c-'0')
		} else {
			m = m*10 + int(c-'0')
		}
	}
	if y < periodMinYear || m < 1 || m > 12 {
		return Period{}, false
	}
	return MonthOf(y, time.Month(m)), true
}

// periodToken is a run of digits or of ASCII letters, with the separator
// written before it.
type periodToken struct {
	// sep is 0 when the token touches the one before ("Q3", "FY2021"),
	// ' ' for spaces, commas and apostrophes ("Aug '21"), or one of
	// '-', '/', '.' when the separators include it.
	sep    byte
	digits int // number of digits; 0 for a word
	num    int
	word   string // the letters as written, when digits is 0
}

func (t periodToken) isWord(lower string) bool {
	return t.digits == 0 && strings.EqualFold(t.word, lower)
}

// tokenizePeriod splits s into tokens in buf. It fails on characters that
// no period contains, on two different separators in a row ("2021/-22"),
// on a trailing separator and on too many tokens.
func tokenizePeriod(s string, buf *[periodMaxTokens]periodToken) ([]periodToken, bool) {
	n := 0
	var sep byte
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			j, v := i, 0
			for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
				if j-i == 9 {
					return nil, false // no period has such a number; stop before overflow
				}
				v = v*10 + int(s[j]-'0')
			}
			if n == len(buf) {
				return nil, false
			}
			buf[n] = periodToken{sep: sep, digits: j - i, num: v}
			n, sep, i = n+1, 0, j
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			j := i
			for ; j < len(s) && s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z'; j++ {
			}
			if n == len(buf) {
				return nil, false
			}
			buf[n] = periodToken{sep: sep, word: s[i:j]}
			n, sep, i = n+1, 0, j
		default:
			r, size := rune(c), 1
			if c >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[i:])
			}
			k := periodSeparator(r)
			switch {
			case k == 0:
				return nil, false
			case k == ' ':
				if sep == 0 {
					sep = ' '
				}
			case sep != 0 && sep != ' ':
				return nil, false
			default:
				sep = k
			}
			i += size
		}
	}
	if sep != 0 || n == 0 {
		return nil, false
	}
	return buf[:n], true
}

// periodSeparator classifies a character between tokens: ' ' for spacing,
// '-', '/' or '.' for a separator, 0 for anything else. Dashes and
// slashes that word processors substitute count as the ASCII ones.
func periodSeparator(r rune) byte {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return '-'
	case '/', '\u2044', '\u2215':
		return '/'
	case '.':
		return '.'
	case ',', '\'', '\u2018', '\u2019':
		return ' '
	}
	if isPeriodSpace(r) {
		return ' '
	}
	return 0
}

// isPeriodSpace is unicode.IsSpace, which covers the non-breaking spaces,
// plus the zero-width characters that pasted text brings into cells.
func isPeriodSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// parsePeriodTokens tries each form in turn. It returns "" on success,
// periodNoMatch when no form fits, or a reason for the user.
func parsePeriodTokens(toks []periodToken) (Period, string) {
	if rest, ok := trimYearEnding(toks); ok {
		y, m, reason := periodMonthTokens(rest)
		if reason != "" {
			return Period{}, orHint(reason, "write a year ending as YE Dec 2019, year ending December 2019 or YE 2019-12")
		}
		return YearEndingOf(y, m), ""
	}
	if i := quarterMarker(toks); i >= 0 {
		return parseQuarterTokens(toks, i)
	}
	if toks[0].isWord("fy") {
		start, reason := periodFYTokens(toks)
		if reason == periodNoMatch {
			reason = "write a financial year as 2021/22 or FY2021/22"
		}
		if reason != "" {
			return Period{}, reason
		}
		return FinancialYearOf(start), ""
	}
	if len(toks) == 1 && toks[0].digits == 4 {
		y := toks[0].num
		if y < calendarYearFirst || y > calendarYearLast {
			return Period{}, fmt.Sprintf("a bare number is read as a calendar year only from %d to %d; %s", calendarYearFirst, calendarYearLast, periodHint)
		}
		return CalendarYearOf(y), ""
	}
	y, m, reason := periodMonthTokens(toks)
	if reason == "" {
		return MonthOf(y, m), ""
	}
	if reason != periodNoMatch {
		return Period{}, reason
	}
	start, reason := periodFYTokens(toks)
	if reason != "" {
		return Period{}, reason
	}
	return FinancialYearOf(start), ""
}

// trimYearEnding removes a leading "YE", "year ending", "year ended",
// "year to" or "12 months to" (or "ending", "ended").
func trimYearEnding(toks []periodToken) ([]periodToken, bool) {
	isEnding := func(t periodToken) bool {
		return t.isWord("ending") || t.isWord("ended") || t.isWord("to")
	}
	switch {
	case toks[0].isWord("ye"):
		return toks[1:], true
	case len(toks) >= 2 && toks[0].isWord("year") && isEnding(toks[1]):
		return toks[2:], true
	case len(toks) >= 3 && (toks[0].digits > 0 && toks[0].num == 12 || toks[0].isWord("twelve")) &&
		(toks[1].isWord("months") || toks[1].isWord("month")) && isEnding(toks[2]):
		return toks[3:], true
	}
	return nil, false
}

// quarterMarker is the index of "Q", "Qtr" or "Quarter" followed by a
// number, or -1.
func quarterMarker(toks []periodToken) int {
	for i := 0; i+1 < len(toks); i++ {
		t, n := toks[i], toks[i+1]
		if (t.isWord("q") || t.isWord("qtr") || t.isWord("quarter")) && n.digits > 0 && (n.sep == 0 || n.sep == ' ') {
			return i
		}
	}
	return -1
}

// parseQuarterTokens reads a financial year before or after the quarter
// marker at toks[i].
func parseQuarterTokens(toks []periodToken, i int) (Period, string) {
	q := toks[i+1].num
	var fy []periodToken
	switch {
	case i == 0:
		fy = toks[2:]
	case i+2 == len(toks):
		fy = toks[:i]
	default:
		return Period{}, "write a quarter as 2021/22 Q3"
	}
	if q < 1 || q > 4 || toks[i+1].digits > 1 {
		return Period{}, "a quarter is Q1 to Q4 of a financial year (Q1 is April to June): write it as 2021/22 Q3"
	}
	if len(fy) == 0 {
		return Period{}, "a quarter needs its financial year: write it as 2021/22 Q3"
	}
	if len(fy) == 1 && (fy[0].digits == 4 || fy[0].digits == 2) {
		y := fy[0].num
		if fy[0].digits == 2 {
			y = periodTwoDigitYear(y)
		}
		return Period{}, fmt.Sprintf("Q%d of which year is ambiguous: write the financial year, as in %s Q%d for the year from April %d to March %d", q, fyLabel(y), q, y, y+1)
	}
	start, reason := periodFYTokens(fy)
	if reason != "" {
		return Period{}, orHint(reason, "write a quarter as 2021/22 Q3")
	}
	return QuarterOf(start, q), ""
}

// periodFYTokens reads a financial year, "2021/22", "2021-22",
// "2021/2022" or "21/22", with an optional "FY" before it, and returns
// the year in which it starts.
func periodFYTokens(toks []periodToken) (int, string) {
	explicit := false
	if len(toks) > 0 && toks[0].isWord("fy") {
		toks, explicit = toks[1:], true
	}
	switch len(toks) {
	case 1:
		t := toks[0]
		if !explicit || (t.digits != 4 && t.digits != 2) {
			return 0, periodNoMatch
		}
		y := t.num
		if t.digits == 2 {
			y = periodTwoDigitYear(y)
		}
		// Some write FY2022 for the year ending March 2022, some for
		// the year starting April 2022.
		return 0, fmt.Sprintf("a single year is ambiguous: write %s or %s", fyLabel(y-1), fyLabel(y))
	case 2:
	default:
		return 0, periodNoMatch
	}
	a, b := toks[0], toks[1]
	if b.sep != '/' && b.sep != '-' {
		return 0, periodNoMatch
	}
	var y int
	switch a.digits {
	case 4:
		y = a.num
	case 2:
		y = periodTwoDigitYear(a.num)
	default:
		return 0, periodNoMatch
	}
	switch {
	case b.digits == 2 && b.num == (y+1)%100, a.digits == 4 && b.digits == 4 && b.num == y+1:
		if y < periodMinYear || y >= periodMaxYear {
			return 0, fmt.Sprintf("a financial year must start between %d and %d", periodMinYear, periodMaxYear-1)
		}
		return y, ""
	case b.digits > 4 || (a.digits == 2 && b.digits != 2):
		return 0, periodNoMatch
	}
	if a.digits == 4 && b.sep == '-' && b.digits <= 2 {
		return 0, fmt.Sprintf("it is neither a month (01 to 12, as in %d-08) nor a financial year (%s)", y, fyLabel(y))
	}
	if a.digits == 4 && b.sep == '/' && b.digits <= 2 && b.num >= 1 && b.num <= 12 {
		return 0, fmt.Sprintf("the second year of a financial year must follow the first, as in %s; for a month write %d-%02d", fyLabel(y), y, b.num)
	}
	return 0, fmt.Sprintf("the second year of a financial year must follow the first, as in %s", fyLabel(y))
}

// periodMonthTokens reads a month or a full date (which stands for its
// month).
func periodMonthTokens(toks []periodToken) (int, time.Month, string) {
	oneOrTwo := func(t periodToken) bool { return t.digits == 1 || t.digits == 2 }
	switch len(toks) {
	case 1:
		if _, ok := periodMonthName(toks[0].word); ok && toks[0].digits == 0 {
			return 0, 0, "a month needs its year: write it as Aug-21 or 2021-08"
		}
	case 2:
		a, b := toks[0], toks[1]
		switch {
		case a.digits == 4 && b.sep == '-' && oneOrTwo(b):
			// Not a month: "2021-22" may still be a financial year.
			if b.num < 1 || b.num > 12 {
				return 0, 0, periodNoMatch
			}
			return periodMonth(a, b.num)
		case oneOrTwo(a) && b.digits == 4 && (b.sep == '/' || b.sep == '-' || b.sep == '.'):
			return periodMonth(b, a.num)
		case a.digits == 0 && (b.digits == 2 || b.digits == 4) && b.sep != '/':
			if m, ok := periodMonthName(a.word); ok {
				return periodMonth(b, int(m))
			}
		}
	case 3:
		a, b, c := toks[0], toks[1], toks[2]
		switch {
		case a.digits == 4 && oneOrTwo(b) && oneOrTwo(c) && b.sep == c.sep && (b.sep == '-' || b.sep == '/'):
			return periodDate(a, b.num, c.num)
		case oneOrTwo(a) && oneOrTwo(b) && (c.digits == 4 || c.digits == 2) && b.sep == c.sep && b.sep != ' ':
			return periodDate(c, b.num, a.num)
		case oneOrTwo(a) && b.digits == 0 && (c.digits == 4 || c.digits == 2) && c.sep != '/':
			if m, ok := periodMonthName(b.word); ok {
				return periodDate(c, int(m), a.num)
			}
		}
	}
	return 0, 0, periodNoMatch
}

// periodYear is the year a two- or four-digit token stands for.
func periodYear(t periodToken) (int, string) {
	y := t.num
	if t.digits == 2 {
		y = periodTwoDigitYear(y)
	}
	if y < periodMinYear || y > periodMaxYear {
		return 0, fmt.Sprintf("the year %d is outside %d to %d", y, periodMinYear, periodMaxYear)
	}
	return y, ""
}

func periodMonth(year periodToken, m int) (int, time.Month, string) {
	y, reason := periodYear(year)
	if reason != "" {
		return 0, 0, reason
	}
	if m < 1 || m > 12 {
		return 0, 0, fmt.Sprintf("there is no month %d: write a month as 2021-08 or Aug-21", m)
	}
	return y, time.Month(m), ""
}

func periodDate(year periodToken, m, d int) (int, time.Month, string) {
	y, mon, reason := periodMonth(year, m)
	if reason != "" {
		return 0, 0, reason
	}
	if d < 1 || d > time.Date(y, mon+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, 0, fmt.Sprintf("%s %d has no day %d (dates are read day first, as 01/08/2021 for 1 August 2021)", mon, y, d)
	}
	return y, mon, ""
}

// periodTwoDigitYear reads 00..69 as 2000..2069 and 70..99 as 1970..1999,
// as Excel does.
func periodTwoDigitYear(yy int) int {
	if yy < 70 {
		return 2000 + yy
	}
	return 1900 + yy
}

var periodMonthNames = [12]string{
	"january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december",
}

func periodMonthName(w string) (time.Month, bool) {
	if len(w) < 3 || len(w) > len("september") {
		return 0, false
	}
	for i, name := range periodMonthNames {
		if !strings.EqualFold(w[:3], name[:3]) {
			continue
		}
		if len(w) == 3 || strings.EqualFold(w, name) || (i == 8 && strings.EqualFold(w, "sept")) {
			return time.Month(i + 1), true
		}
		return 0, false
	}
	return 0, false
}

// periodError quotes at most the first 40 bytes of s, so a hostile cell
// cannot make the report huge.
func periodError(s, reason string) *Error {
	if len(s) > 40 {
		i := 40
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	return &Error{Code: EINVALID, Message: strconv.Quote(s) + " is not a period: " + reason}
}

func serialError(serial float64, reason string) *Error {
	return &Error{Code: EINVALID, Message: strconv.FormatFloat(serial, 'g', -1, 64) + " is not an Excel date: " + reason}
}
