package mapping

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/assure-pcc/assure/metrics"
)

// PeriodInText finds a year-ending period in a title such as "Table P1:
// Police recorded crime …, year ending December 20191,2": after phrase
// (matched ignoring case) come a month name and a year, to which footnote
// numbers may be glued. found is false when the text does not hold the
// phrase followed by a month name.
//
// Footnotes glued to a year are told from it by length: a four-digit year
// from 1990 to 2099 is read first ("20191,2" is 2019, footnotes 1 and 2),
// else a two-digit year ("181,2,3" is 2018, footnotes 1, 2 and 3). Either
// way the glued footnote may have at most two digits; anything else is an
// error rather than a guess.
func PeriodInText(text, phrase string) (p metrics.Period, found bool, err error) {
	if len(text) > 4096 {
		text = text[:4096]
	}
	lower := strings.ToLower(text)
	phrase = strings.ToLower(strings.TrimSpace(phrase))
	if phrase == "" {
		return metrics.Period{}, false, nil
	}
	from := 0
	for {
		i := strings.Index(lower[from:], phrase)
		if i < 0 {
			return metrics.Period{}, false, nil
		}
		rest := text[from+i+len(phrase):]
		from += i + len(phrase)
		words := strings.FieldsFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' })
		if len(words) < 2 {
			continue
		}
		month, ok := metrics.ParseMonthName(strings.Trim(words[0], ",.:;"))
		if !ok {
			continue
		}
		digits := leadingDigits(words[1])
		year, ok := splitYear(digits)
		if !ok {
			return metrics.Period{}, true, metrics.Errorf(metrics.EINVALID,
				"%q does not end with a year that can be told from its footnotes: give the period with --period, e.g. \"YE %s 2019\"",
				strings.TrimSpace(phrase+" "+words[0]+" "+words[1]), month.String()[:3])
		}
		return metrics.YearEndingOf(year, month), true, nil
	}
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// splitYear reads the year at the start of digits, the rest being a
// glued footnote of at most two digits.
func splitYear(d string) (int, bool) {
	if len(d) >= 4 && len(d) <= 6 {
		if y, _ := strconv.Atoi(d[:4]); y >= 1990 && y <= 2099 {
			return y, true
		}
	}
	if len(d) >= 2 && len(d) <= 4 {
		yy, _ := strconv.Atoi(d[:2])
		return 2000 + yy, yy < 70
	}
	return 0, false
}
