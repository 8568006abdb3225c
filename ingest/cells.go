package ingest

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
)

// ErrBlank is returned by ParseNumber for a cell that holds no value: an
// empty or all-space cell, or one of the markers that UK official
// statistics use for a missing figure (see ParseNumber). It is a sentinel,
// compared with errors.Is, because only the caller knows whether a blank
// is allowed where it stands; it is still a *metrics.Error so that a
// caller which passes it on unchanged shows a sensible message.
var ErrBlank error = &metrics.Error{Code: metrics.EINVALID, Message: "the cell is blank or marks a missing value"}

// blankMarkers are the texts that stand for "no value" rather than for a
// number. The GSS guidance on symbols in tables, followed by the ONS and
// Home Office tables that Assure loads, uses ".." and "x" (or "[x]") for
// not available, "[c]" for confidential and "[z]" for not applicable; "-"
// and dashes mean nil or not applicable, and "n/a" is what people type.
// "-" is sometimes used for a true zero, but treating a suppressed figure
// as zero would invent data, whereas treating a zero as missing only
// leaves a gap: so all of them are missing values, never zero.
var blankMarkers = [...]string{"..", "-", "–", "—", "n/a", "x", "[x]", "[c]", "[z]"}

// excelErrors are the error values a spreadsheet cell can hold, including
// those of dynamic arrays and data types in current Excel.
var excelErrors = [...]string{
	"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
	"#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!",
	"#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!",
}

// ParseNumber turns a cell's raw stored value into a number the way a
// person reading the sheet would.
//
// raw is the raw value: for a numeric cell the text of its <v> element
// ("0.5", "1234", "1.5E-3"), for a text cell its string. numFmt is the
// cell's number format code ("" or "General" when it has none). Callers
// should pass "" for text cells: Excel shows a text cell as typed, so its
// format says nothing about it.
//
// Accepted, besides plain decimals: thousands separators ("1,234",
// "1 234 567" with spaces or no-break spaces, only in consistent groups of
// three); a leading "£"; a minus sign as "-", "−" (U+2212) or brackets
// "(404)", and a leading "+"; multiplier suffixes k, m and bn (thousand,
// million, billion; any case, as in "£1.2k" or "£3bn"); a trailing "%",
// which gives the number in percent with isPercent set ("50%" is 50).
// A bare number under a percent format is scaled to percent as Excel
// displays it (0.5 under "0%" is 50, isPercent). Exponent notation
// ("1.5e3") is accepted only in an otherwise bare number: numeric cells
// store it, and Excel itself reads a typed "1.5e3" as 1500, so a text cell
// holding it is read the same way; combined with a currency sign, a
// suffix, separators or a percent sign it is rejected as ambiguous.
// Decimal shifts (percent formats and suffixes) are applied to the decimal
// digits before conversion, so 0.07 under "0%" is exactly 7.
//
// It returns ErrBlank for an empty cell and for the missing-value markers
// "..", "-", "–", "—", "n/a", "x", "[x]", "[c]" and "[z]" (any case).
// Every other failure is a *metrics.Error with code EINVALID whose message
// quotes the text and says how to fix it; the caller adds the file, sheet
// and cell. Rejected: words ("tbc"), Excel error values ("#DIV/0!"),
// NaN, infinities, hexadecimal floats, numbers too large for a float64,
// a trailing minus ("404-"), a decimal comma and inconsistent grouping.
// Underflow (such as "1e-400") reads as zero, as it does in Excel.
//
// The common path (a bare number, as in every numeric cell) does not
// allocate.
func ParseNumber(raw string, numFmt string) (value float64, isPercent bool, err error) {
	pctFmt := numFmt != "" && numFmt != "General" && xlsx.IsPercentFormat(numFmt)
	if isBareNumber(raw) {
		if !pctFmt {
			v, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return 0, false, rangeError(raw)
			}
			return v + 0, false, nil // + 0 turns -0 into 0
		}
		v, err := shiftDecimal(raw, 2)
		if err != nil {
			return 0, false, rangeError(raw)
		}
		return v, true, nil
	}
	return parseDecorated(raw, pctFmt)
}

// isBareNumber reports whether s is a number as a numeric cell stores it:
// an optional "-", digits with at most one ".", and an optional exponent.
// Checking this before strconv.ParseFloat keeps out what ParseFloat would
// otherwise accept: "NaN", "Inf", hexadecimal floats and underscores.
func isBareNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number is a decimal broken into its parts, so that percent and suffix
// scaling can move the decimal point instead of multiplying floats.
type number struct {
	neg      bool
	intPart  string // digits, possibly with group separators
	sep      rune   // the group separator used in intPart, or 0
	fracPart string // digits after the point
	exp      string // exponent digits with optional sign, or ""
}

// shiftDecimal converts a bare number multiplied by 10^shift.
func shiftDecimal(s string, shift int) (float64, error) {
	var n number
	if s[0] == '-' {
		n.neg = true
		s = s[1:]
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		n.exp = s[i+1:]
		s = s[:i]
	}
	n.intPart, n.fracPart, _ = strings.Cut(s, ".")
	return n.float(shift)
}

// float converts n multiplied by 10^shift, through one strconv.ParseFloat
// call on a rebuilt decimal so that the result is correctly rounded.
func (n *number) float(shift int) (float64, error) {
	exp := 0
	if n.exp != "" {
		e, err := strconv.Atoi(n.exp)
		if err != nil || e > 100000 || e < -100000 {
			return 0, errRange
		}
		exp = e
	}
	exp += shift
	// A stack buffer covers every realistic cell; the rare longer text
	// (digits beyond float64 precision) spills to the heap.
	var stack [64]byte
	b := stack[:0]
	if n.neg {
		b = append(b, '-')
	}
	for i := 0; i < len(n.intPart); i++ {
		if isDigit(n.intPart[i]) {
			b = append(b, n.intPart[i])
		}
	}
	if len(b) == 0 || (n.neg && len(b) == 1) {
		b = append(b, '0')
	}
	if n.fracPart != "" {
		b = append(b, '.')
		b = append(b, n.fracPart...)
	}
	if exp != 0 {
		b = append(b, 'e')
		b = strconv.AppendInt(b, int64(exp), 10)
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, errRange
	}
	return v + 0, nil
}

var errRange = errors.New("out of range")

// parseDecorated handles text that is not a bare number: spaces,
// markers, signs, brackets, currency, separators and suffixes.
func parseDecorated(raw string, pctFmt bool) (float64, bool, error) {
	s := strings.TrimFunc(raw, isSpace)
	if s == "" {
		return 0, false, ErrBlank
	}
	for _, m := range blankMarkers {
		if strings.EqualFold(s, m) {
			return 0, false, ErrBlank
		}
	}
	if s[0] == '#' {
		for _, e := range excelErrors {
			if strings.EqualFold(s, e) {
				return 0, false, metrics.Errorf(metrics.EINVALID,
					"%s is an error value in the spreadsheet: fix the formula or clear the cell", quoteText(e))
			}
		}
		return 0, false, notNumber(raw)
	}
	if looksNonFinite(s) {
		return 0, false, metrics.Errorf(metrics.EINVALID,
			"%s is not a finite number: enter the figure, or leave the cell blank if it is not available", quoteText(raw))
	}
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") || strings.HasPrefix(s, "-0x") || strings.HasPrefix(s, "-0X") {
		return 0, false, metrics.Errorf(metrics.EINVALID,
			"%s is a hexadecimal number: enter the value in decimal", quoteText(raw))
	}

	var n number
	paren := false
	if strings.HasPrefix(s, "(") {
		if !strings.HasSuffix(s, ")") {
			return 0, false, notNumber(raw)
		}
		paren = true
		s = strings.TrimFunc(s[1:len(s)-1], isSpace)
	}

	signs := 0
	currency := false
	// A sign and a pound sign may come in either order: "-£5" and "£-5".
	for range 2 {
		if r, size := utf8.DecodeRuneInString(s); r == '-' || r == '−' || r == '+' {
			n.neg = r != '+'
			signs++
			s = strings.TrimFunc(s[size:], isSpace)
		} else if r == '–' || r == '—' {
			return 0, false, metrics.Errorf(metrics.EINVALID,
				"%s starts with a dash, not a minus sign: type the number with a minus sign (-) or in brackets", quoteText(raw))
		} else if strings.HasPrefix(s, "£") && !currency {
			currency = true
			s = strings.TrimFunc(s[len("£"):], isSpace)
		}
	}
	if !paren && currency && strings.HasPrefix(s, "(") {
		// "£(404)": brackets inside the pound sign.
		if !strings.HasSuffix(s, ")") {
			return 0, false, notNumber(raw)
		}
		paren = true
		s = strings.TrimFunc(s[1:len(s)-1], isSpace)
		if r, _ := utf8.DecodeRuneInString(s); r == '-' || r == '−' || r == '+' {
			signs++
		}
	}
	if signs > 1 || (paren && signs > 0) {
		return 0, false, metrics.Errorf(metrics.EINVALID,
			"%s has more than one sign: write a negative number as -404 or (404)", quoteText(raw))
	}
	if paren {
		n.neg = true
	}

	textPct := false
	shift := 0
	switch {
	case strings.HasSuffix(s, "%"):
		textPct = true
		s = strings.TrimFunc(s[:len(s)-1], isSpace)
	case hasSuffixFold(s, "bn"):
		shift = 9
		s = strings.TrimFunc(s[:len(s)-2], isSpace)
	case hasSuffixFold(s, "k"):
		shift = 3
		s = strings.TrimFunc(s[:len(s)-1], isSpace)
	case hasSuffixFold(s, "m"):
		shift = 6
		s = strings.TrimFunc(s[:len(s)-1], isSpace)
	}
	if textPct && currency {
		return 0, false, metrics.Errorf(metrics.EINVALID,
			"%s has both a £ sign and a %% sign: enter either an amount or a percentage", quoteText(raw))
	}
	if strings.HasSuffix(s, "-") || strings.HasSuffix(s, "−") {
		return 0, false, metrics.Errorf(metrics.EINVALID,
			"%s has its minus sign after the number: put it in front (-404) or use brackets (404)", quoteText(raw))
	}

	if err := n.split(s); err != nil {
		return 0, false, cellError(raw, err)
	}
	if n.exp != "" && (currency || textPct || shift != 0 || n.sep != 0 || paren) {
		return 0, false, metrics.Errorf(metrics.EINVALID,
			"%s mixes exponent notation with other symbols: enter the plain number", quoteText(raw))
	}
	pct := textPct
	if pctFmt && !textPct && !currency && shift == 0 {
		// A bare number under a percent format, as a numeric cell would be.
		shift = 2
		pct = true
	}
	v, err := n.float(shift)
	if err != nil {
		return 0, false, rangeError(raw)
	}
	return v, pct, nil
}

// split parses the digits of s (signs, currency and suffixes removed)
// into n, checking the thousands separators.
func (n *number) split(s string) error {
	if s == "" {
		return errNotNumber
	}
	mant := s
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		n.exp = s[i+1:]
		mant = s[:i]
		e := n.exp
		if e != "" && (e[0] == '+' || e[0] == '-') {
			e = e[1:]
		}
		if e == "" || strings.TrimLeft(e, "0123456789") != "" {
			return errNotNumber
		}
	}
	intPart, frac, hasPoint := strings.Cut(mant, ".")
	if hasPoint && strings.ContainsAny(frac, ".,") {
		if strings.Contains(frac, ",") && !strings.Contains(intPart, ",") {
			return errDecimalComma
		}
		return errNotNumber
	}
	if strings.TrimLeft(frac, "0123456789") != "" {
		return errNotNumber
	}
	if intPart == "" && frac == "" {
		return errNotNumber
	}
	n.intPart, n.fracPart = intPart, frac

	// Thousands separators: one kind throughout, a first group of one to
	// three digits not starting with 0, then groups of exactly three.
	// Anything else ("1,23,456", "1,234 567", "12 34") could be read more
	// than one way, so it is rejected rather than guessed; a single comma
	// followed by other than three digits ("12,5") is a decimal comma.
	groups, firstLen, cur := 0, 0, 0
	middleOK := true
	for _, r := range intPart {
		switch {
		case r >= '0' && r <= '9':
			cur++
			continue
		case r == ',' || isSpace(r):
		default:
			return errNotNumber
		}
		kind := r
		if kind != ',' {
			kind = ' ' // spaces of every width are one kind
		}
		if n.sep != 0 && n.sep != kind {
			return errGrouping
		}
		n.sep = kind
		if groups == 0 {
			firstLen = cur
		} else if cur != 3 {
			middleOK = false
		}
		groups++
		cur = 0
	}
	if groups == 0 {
		return nil
	}
	if n.sep == ',' && groups == 1 && !hasPoint && cur != 3 && firstLen > 0 && cur > 0 {
		return errDecimalComma
	}
	if firstLen < 1 || firstLen > 3 || intPart[0] == '0' || !middleOK || cur != 3 {
		return errGrouping
	}
	return nil
}

var (
	errNotNumber    = errors.New("not a number")
	errGrouping     = errors.New("grouping")
	errDecimalComma = errors.New("decimal comma")
)

func cellError(raw string, err error) error {
	switch err {
	case errDecimalComma:
		return metrics.Errorf(metrics.EINVALID,
			"%s seems to use a comma as the decimal mark: use a point (1234.5), and commas only between groups of three digits", quoteText(raw))
	case errGrouping:
		return metrics.Errorf(metrics.EINVALID,
			"%s has thousands separators in the wrong places: group digits in threes (1,234,567) or leave the separators out", quoteText(raw))
	}
	return notNumber(raw)
}

func notNumber(raw string) error {
	return metrics.Errorf(metrics.EINVALID,
		"%s is not a number: enter the figure, or leave the cell blank if it is not available", quoteText(raw))
}

func rangeError(raw string) error {
	return metrics.Errorf(metrics.EINVALID,
		"%s is too large to be stored as a number: check the cell", quoteText(raw))
}

// looksNonFinite catches the words strconv.ParseFloat would turn into
// NaN or an infinity, signed or not.
func looksNonFinite(s string) bool {
	s = strings.TrimLeft(s, "+-−")
	for _, w := range [...]string{"nan", "inf", "infinity", "∞"} {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// isSpace reports the spaces people and exports put around and inside
// numbers: ASCII white space, no-break spaces and the thin spaces.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// quoteText quotes cell text for a message, shortened and with control
// characters replaced, so that a message stays one readable line.
func quoteText(s string) string {
	const maxRunes = 40
	var b strings.Builder
	b.WriteByte('"')
	n := 0
	for _, r := range s {
		if n == maxRunes {
			b.WriteString("…")
			break
		}
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	b.WriteByte('"')
	return b.String()
}

// cellAt is the cell of column col (from 0) among a row's cells, which
// are in column order; none for a column that is not there (col < 0).
func cellAt(cells []xlsx.Cell, col int) (xlsx.Cell, bool) {
	if col < 0 {
		return xlsx.Cell{}, false
	}
	i := sort.Search(len(cells), func(i int) bool { return cells[i].Col >= col })
	if i < len(cells) && cells[i].Col == col {
		return cells[i], true
	}
	return xlsx.Cell{}, false
}

// datePeriod reads the period of a date: an ISO date cell (its month),
// or a date serial under a date format in the workbook's date system
// (date1904). ok is false for a cell that is not a date, which each
// reader reads its own way.
func datePeriod(c xlsx.Cell, date1904 bool) (p metrics.Period, ok bool, err error) {
	switch {
	case c.Type == xlsx.Date && len(c.Value) >= 7:
		p, err = metrics.ParsePeriod(c.Value[:7])
		return p, true, err
	case c.Type == xlsx.Number && xlsx.IsDateFormat(c.Format):
		serial, err := strconv.ParseFloat(c.Value, 64)
		if err != nil {
			return metrics.Period{}, true, metrics.Errorf(metrics.EINVALID, "%q is not a date", c.Value)
		}
		p, err = metrics.PeriodFromSerial(serial, date1904)
		return p, true, err
	}
	return metrics.Period{}, false, nil
}

// copiedValue judges a value cell of a data row that lies inside a merged
// range but is not its top-left cell, and so carries a copy of the
// range's value (see xlsx.Cell.Merge). Text there is a note or a label
// spread across the row, as a footnote merged over a table's width: the
// cell is read as blank (skip). A number would count once per cell of
// the range although the sheet holds it once, so it is an error.
func copiedValue(c xlsx.Cell, row int) (skip bool, err error) {
	if !c.Copied(row) {
		return false, nil
	}
	if c.Type == xlsx.String {
		if _, _, err := ParseNumber(c.Value, ""); err != nil {
			return true, nil
		}
	}
	return true, metrics.Errorf(metrics.EINVALID, "the cell is part of the merged cell %s, whose one value %s would count once for each of its %d cells: unmerge the cells and write each value in its own cell",
		c.Merge, quoteText(c.Value), c.Merge.Cols()*c.Merge.Rows())
}
