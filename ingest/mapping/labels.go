package mapping

import (
	"regexp"
	"strings"
	"unicode"
)

// Footnote markers in national tables. The ONS glues footnote numbers to
// the label they annotate ("Stalking and harassment5", "ENGLAND AND
// WALES7,8", "Total recorded crime (excluding fraud4)"); newer accessible
// tables write "[note 5]"; some use superscript digits.
var (
	bracketNote = regexp.MustCompile(`(?i)\s*\[\s*notes?\s*[0-9][0-9,\s]*\]`)
	// Digits glued to a letter or closing bracket at the end: one or two
	// digits each, so that codes (E23000013) keep their digits.
	trailingNote = regexp.MustCompile(`([\p{L})])[0-9]{1,2}(?:,\s?[0-9]{1,2})*$`)
	// Digits glued to a word just inside a closing bracket.
	innerNote = regexp.MustCompile(`(\p{L})[0-9]{1,2}(?:,\s?[0-9]{1,2})*\)`)
)

// CleanLabel trims a label from a cell: surrounding and repeated white
// space (including no-break spaces) collapses, control characters go,
// and, when footnotes is true, footnote markers are removed:
// "Cambridgeshire9" is "Cambridgeshire", "ENGLAND AND WALES7,8" is
// "ENGLAND AND WALES", "Total recorded crime (excluding fraud4)" is
// "Total recorded crime (excluding fraud)", "Robbery [note 2]" is
// "Robbery". A number glued to a word is taken for a footnote only when
// it has one or two digits, so "Covid19" loses its 19 but a code such as
// E23000013 is kept whole; labels of that kind need footnotes: false.
func CleanLabel(s string, footnotes bool) string {
	s = strings.Join(strings.FieldsFunc(strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r) && !unicode.IsSpace(r):
			return -1
		case footnotes && isSuperscriptNote(r):
			return -1
		}
		return r
	}, s), func(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' || r == '\ufeff' }), " ")
	if !footnotes || s == "" {
		return s
	}
	if strings.Contains(s, "[") {
		s = strings.TrimSpace(bracketNote.ReplaceAllString(s, ""))
	}
	if strings.Contains(s, ")") {
		s = innerNote.ReplaceAllString(s, "$1)")
	}
	if n := len(s); n > 0 && s[n-1] >= '0' && s[n-1] <= '9' {
		s = trailingNote.ReplaceAllString(s, "$1")
	}
	return strings.TrimSpace(s)
}

func isSuperscriptNote(r rune) bool {
	switch r {
	case '¹', '²', '³', '⁰', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹':
		return true
	}
	return false
}

// Fold reduces a label for matching: footnote markers removed, then case,
// spacing and punctuation ignored, so "Area Name", "AREA_NAME" and
// "Area name3" agree.
func Fold(s string) string { return FoldHeading(CleanLabel(s, true)) }

// FoldHeading reduces a heading for matching: case, spacing and
// punctuation ignored, so "Metric ID", "metric_id" and "METRIC-ID:"
// agree. Every reader of a workbook or table matches headings by it.
func FoldHeading(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
