package metrics

import (
	"bytes"
	"math"
	"strconv"
	"strings"
)

// Numbers as board papers write them: one policy for every page, print
// and message, so that a figure reads the same wherever it appears. The
// API keeps raw values; only what people read goes through here.
//
//   - counts have no decimals: "1,017";
//   - minutes (and other durations) and percentages have one: "17.2
//     minutes", "48.3%";
//   - rates and ratios ("per 1,000 residents", "orders per application")
//     have two: "0.95";
//   - money is in thousands of pounds, with the same number of decimals
//     through a table (MoneyDecimals), never £m beside £k;
//   - a variance says its direction in a word, never with a minus as
//     well: "£164k underspend", not "−£164k underspend";
//   - a unit is said once: in a column's heading (UnitHeading) when the
//     figures are in a table, after the figure (FormatWithUnit) when it
//     stands alone.

// NumberKind is how a measure's values are written, by its unit.
type NumberKind int

const (
	// KindCount is a whole number of things: calls, offences, orders.
	KindCount NumberKind = iota
	// KindPercent is a percentage.
	KindPercent
	// KindDuration is a time: minutes, hours, days.
	KindDuration
	// KindRate is a rate or ratio: "per 1,000 residents", "per
	// application", an index.
	KindRate
)

// KindOfUnit says how values of unit are written. A unit it does not
// know is a count.
func KindOfUnit(unit string) NumberKind {
	u := strings.ToLower(strings.TrimSpace(unit))
	switch {
	case IsPercentUnit(u):
		return KindPercent
	case strings.Contains(u, " per ") || strings.HasPrefix(u, "per ") || strings.Contains(u, "ratio") || strings.Contains(u, "rate") || strings.Contains(u, "index"):
		return KindRate
	}
	// A duration's unit is one of durationWords, alone or before other
	// words ("minutes from call"), or one of them with an s, alone.
	first, _, more := strings.Cut(u, " ")
	if durationWords[first] || !more && durationWords[strings.TrimSuffix(first, "s")] {
		return KindDuration
	}
	return KindCount
}

// durationWords are the words that make a unit a duration. A page's table
// formats thousands of figures, each asking for its unit's kind: a map
// looked up once is a tenth of the time of trying each word in turn.
var durationWords = map[string]bool{
	"minute": true, "minutes": true, "min": true, "mins": true, "hour": true, "hours": true, "hrs": true,
	"second": true, "seconds": true, "secs": true, "day": true, "days": true,
}

// Decimals is how many decimal places a kind is written with.
func (k NumberKind) Decimals() int {
	switch k {
	case KindPercent, KindDuration:
		return 1
	case KindRate:
		return 2
	}
	return 0
}

// FormatFixed writes v with thousands separators and exactly decimals
// places, rounding half away from zero; a figure that rounds to zero
// has no sign. NaN and infinities, which no figure should be, are "–".
func FormatFixed(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	p := math.Pow(10, float64(decimals))
	r := math.Round(math.Abs(v)*p) / p
	// Written into buffers on the stack and copied out once: a page's
	// table writes thousands of figures.
	var digits [64]byte
	s := strconv.AppendFloat(digits[:0], r, 'f', decimals, 64)
	intPart := s
	if i := bytes.IndexByte(s, '.'); i >= 0 {
		intPart = s[:i]
	}
	var out [96]byte
	b := out[:0]
	if v < 0 && r != 0 {
		b = append(b, '-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	b = append(b, s[len(intPart):]...)
	return string(b)
}

// FormatFigure writes a value of a measure in unit without the unit, as
// a table cell under a heading that names it: "1,017", "17.2", "48.3".
func FormatFigure(v float64, unit string) string {
	return FormatFixed(v, KindOfUnit(unit).Decimals())
}

// FormatWithUnit writes a value that stands alone with its unit:
// "1,017 calls", "17.2 minutes", "48.3%". A unit of "count" or
// "number" says nothing and is left out.
func FormatWithUnit(v float64, unit string) string {
	return withUnit(FormatFigure(v, unit), unit)
}

// FormatChange writes a change in a measure's values with its sign and
// unit: "+3.5 minutes", "-228 calls", "+2.0 percentage points" (a change
// in a percentage is in points). A change that rounds to nothing is "0"
// with the unit.
func FormatChange(delta float64, unit string) string {
	s := FormatFigure(delta, unit)
	if delta > 0 && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	if KindOfUnit(unit) == KindPercent {
		return s + " percentage points"
	}
	return withUnit(s, unit)
}

// FormatPercentChange writes a relative change to one decimal place
// with its sign: "+25.9%".
func FormatPercentChange(pct float64) string {
	s := FormatFixed(pct, 1)
	if pct > 0 && s != "0.0" {
		s = "+" + s
	}
	return s + "%"
}

// UnitHeading is what a table's value column says of its unit, so that
// the cells need not: "calls", "%", "minutes". It is "" for a unit that
// says nothing ("count", "number").
func UnitHeading(unit string) string {
	u := strings.TrimSpace(unit)
	if silentUnit(u) {
		return ""
	}
	if IsPercentUnit(u) {
		return "%"
	}
	return u
}

func withUnit(figure, unit string) string {
	u := strings.TrimSpace(unit)
	switch {
	case silentUnit(u):
		return figure
	case IsPercentUnit(u):
		return figure + "%"
	}
	return figure + " " + u
}

// silentUnit reports a unit that adds nothing to a figure: none,
// "count", "number".
func silentUnit(u string) bool {
	switch strings.ToLower(u) {
	case "", "count", "counts", "number", "no.", "n":
		return true
	}
	return false
}

// MoneyDecimals is the number of decimals, in thousands of pounds, that
// a table of the amounts needs: none, unless some amount other than zero
// is under £10k, which would lose too much to rounding (£0.4k, not £0k).
// Every amount of the table is then written with the same decimals.
func MoneyDecimals(amounts ...int64) int {
	for _, a := range amounts {
		if a != 0 && a > -9_950 && a < 9_950 {
			return 1
		}
	}
	return 0
}

// FormatGBPk writes whole pounds in thousands with the given decimals:
// "£1,319k", "£0.4k", "-£404k". Large sums stay in thousands
// ("£164,742k"), so that a column never mixes £m and £k.
func FormatGBPk(gbp int64, decimals int) string {
	s := FormatFixed(float64(gbp)/1000, decimals)
	if rest, neg := strings.CutPrefix(s, "-"); neg {
		return "-£" + rest + "k"
	}
	return "£" + s + "k"
}

// FormatThousandsFigure is FormatGBPk without the £ and k, for a table
// whose heading says "£000".
func FormatThousandsFigure(gbp int64, decimals int) string {
	return FormatFixed(float64(gbp)/1000, decimals)
}

// FormatVarianceK writes a variance with its meaning in a word, in
// thousands and without a minus: "£1,319k underspend", "£90k
// overspend", "£0k on budget".
func FormatVarianceK(varianceGBP int64, decimals int) string {
	return strings.TrimPrefix(FormatGBPk(varianceGBP, decimals), "-") + " " + SpendWord(varianceGBP)
}

// FormatMovement says how a variance moved, in thousands and in words:
// "£300k towards underspend", "£12k towards overspend", "no change".
func FormatMovement(deltaGBP int64, decimals int) string {
	switch {
	case deltaGBP < 0:
		return strings.TrimPrefix(FormatGBPk(deltaGBP, decimals), "-") + " towards underspend"
	case deltaGBP > 0:
		return FormatGBPk(deltaGBP, decimals) + " towards overspend"
	}
	return "no change"
}

func groupString(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FormatTarget writes a target or threshold that stands alone with its
// unit. A target is a figure someone chose, not one measured, so it has
// no more decimals than it was set with, up to its kind's: "15
// minutes", "65%", "17.5 minutes".
func FormatTarget(v float64, unit string) string {
	s := FormatFigure(v, unit)
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return withUnit(s, unit)
}
