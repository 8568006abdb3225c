package xlsx

import (
	"strings"
	"unicode/utf8"
)

// Number formats: the built-in codes a style may use by id, and what a
// code says about the number it shows (a percentage, a date, thousands).

// builtinFormats holds the number formats that a style may use by id
// without defining them (ECMA-376 Part 1, 18.8.30), as Excel writes them
// for en-US. Ids 5-8 and 41-44 (currency and accounting) are not in the
// standard's table but Excel uses them; their currency symbol follows the
// locale the file was saved in, which the file does not record.
var builtinFormats = map[int]string{
	0:  "General",
	1:  "0",
	2:  "0.00",
	3:  "#,##0",
	4:  "#,##0.00",
	5:  `"$"#,##0_);\("$"#,##0\)`,
	6:  `"$"#,##0_);[Red]\("$"#,##0\)`,
	7:  `"$"#,##0.00_);\("$"#,##0.00\)`,
	8:  `"$"#,##0.00_);[Red]\("$"#,##0.00\)`,
	9:  "0%",
	10: "0.00%",
	11: "0.00E+00",
	12: "# ?/?",
	13: "# ??/??",
	14: "mm-dd-yy",
	15: "d-mmm-yy",
	16: "d-mmm",
	17: "mmm-yy",
	18: "h:mm AM/PM",
	19: "h:mm:ss AM/PM",
	20: "h:mm",
	21: "h:mm:ss",
	22: "m/d/yy h:mm",
	37: "#,##0 ;(#,##0)",
	38: "#,##0 ;[Red](#,##0)",
	39: "#,##0.00;(#,##0.00)",
	40: "#,##0.00;[Red](#,##0.00)",
	41: `_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)`,
	42: `_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)`,
	43: `_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)`,
	44: `_("$"* #,##0.00_);_("$"* \(#,##0.00\);_("$"* "-"??_);_(@_)`,
	45: "mm:ss",
	46: "[h]:mm:ss",
	47: "mmss.0",
	48: "##0.0E+0",
	49: "@",
}

// BuiltinFormat returns the code of a built-in format id (a numFmtId
// below 164 that styles.xml need not define). Ids 27-36 and
// 50-58 are East Asian date and time formats whose codes depend on the
// locale the file was saved in; every locale makes them dates or times, so
// they are given as a plain date (32 and 33, times in every locale, as a
// time) to keep a caller from reading a date serial as a number. Any other
// undefined id is General, as Excel shows it.
func BuiltinFormat(id int) string {
	if code, ok := builtinFormats[id]; ok {
		return code
	}
	switch {
	case id == 32:
		return "h:mm"
	case id == 33:
		return "h:mm:ss"
	case id >= 27 && id <= 36, id >= 50 && id <= 58:
		return "yyyy-mm-dd"
	}
	return ""
}

// IsPercentFormat reports whether a number format shows values as
// percentages: it has a "%" that is not inside quoted text, not escaped
// with a backslash, not a padding or fill character ("_%", "*%") and not
// inside square brackets.
func IsPercentFormat(numFmt string) bool {
	if strings.IndexByte(numFmt, '%') < 0 {
		return false // most formats: no scan needed
	}
	found := false
	walkFormat(numFmt, func(c byte, _ string) bool {
		if c == '%' {
			found = true
			return false
		}
		return true
	})
	return found
}

// IsDateFormat reports whether a number format shows a date or a time, so
// that the cell's number is a serial date. A format is a date when it has
// a d, m, y, h or s token outside quoted text, escapes, padding and square
// brackets; the elapsed-time brackets [h], [m] and [s] (any repeat, any
// case) count as time tokens. A scientific "E+" is not a date, nor is
// "General".
func IsDateFormat(numFmt string) bool {
	found := false
	walkFormat(numFmt, func(c byte, bracket string) bool {
		if bracket != "" {
			if isElapsed(bracket) {
				found = true
			}
			return !found
		}
		switch c {
		case 'd', 'D', 'm', 'M', 'y', 'Y', 'h', 'H', 's', 'S':
			found = true
		}
		return !found
	})
	return found
}

// isElapsed reports whether the text of a bracket (without the brackets)
// is an elapsed-time token such as h, hh, mm or ss.
func isElapsed(s string) bool {
	if s == "" {
		return false
	}
	c := s[0] | 0x20
	if c != 'h' && c != 'm' && c != 's' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i]|0x20 != c {
			return false
		}
	}
	return true
}

// walkFormat calls fn for each character of a number format that is a
// format token rather than literal text: it skips quoted text, characters
// escaped with a backslash, and the character after "_" (padding) or "*"
// (fill). A square-bracketed part is passed once, as its inner text with
// c set to '['. fn returns false to stop.
func walkFormat(numFmt string, fn func(c byte, bracket string) bool) {
	for i := 0; i < len(numFmt); i++ {
		c := numFmt[i]
		switch c {
		case '"':
			j := strings.IndexByte(numFmt[i+1:], '"')
			if j < 0 {
				return
			}
			i += j + 1
		case '\\', '_', '*':
			// Skip the next character, which may be multi-byte.
			if i+1 < len(numFmt) {
				_, size := utf8.DecodeRuneInString(numFmt[i+1:])
				i += size
			}
		case '[':
			j := strings.IndexByte(numFmt[i+1:], ']')
			if j < 0 {
				return
			}
			if !fn('[', numFmt[i+1:i+1+j]) {
				return
			}
			i += j + 1
		default:
			if !fn(c, "") {
				return
			}
		}
	}
}

// FormatHasThousandsScale reports how many powers of 1000 a number format
// divides by when it displays a value: each comma after the last digit
// placeholder of the integer or decimal part ("#,##0," shows 1234567 as
// 1,235; "#,##0,," as 1) scales by 1000, while a comma between digit
// placeholders is only a grouping separator. It reads the first section,
// the one for positive numbers, and returns 0 for none. It only reports:
// whether "£000" columns are stored scaled is the finance ingest's choice.
func FormatHasThousandsScale(numFmt string) int {
	scale, run := 0, 0
	afterDigit := false
	walkFormat(numFmt, func(c byte, _ string) bool {
		switch c {
		case ';':
			return false // end of the first section
		case '0', '#', '?':
			run = 0 // the commas so far were grouping separators
			afterDigit = true
		case ',':
			if afterDigit {
				run++
			}
		default:
			scale += run
			run = 0
			afterDigit = false
		}
		return true
	})
	// walkFormat treats padding ("_)") as skipped, so a trailing run
	// before "_)" is counted here, at the end of the section.
	return scale + run
}
