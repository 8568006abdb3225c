package metrics

import (
	"slices"
	"strings"
)

// Exceptions first: the board's time goes to the measures that need it.
// A measure is an exception when its latest value is off or near target,
// when its latest value belongs to a special cause that is a concern, or
// when it is not up to date (other measures of its kind of period have
// a later one). Exceptions come first, the most serious first; the rest
// follow in catalogue order.

// Severity ranks why a measure is an exception. A measure off target
// outranks an SPC concern, which outranks one near target: a missed
// target is what the board holds the force to account for.
type Severity int

// Severities, from none to the most serious.
const (
	SeverityNone Severity = iota
	SeverityStale
	SeverityAmber
	SeverityConcern
	SeverityRed
)

// Exception is why a measure needs the board's attention: its Reasons
// in words ("Off target (North, South)", "Not up to date"), the most
// serious first, and the Severity of the most serious. The zero
// Exception is a measure that is not one.
type Exception struct {
	Severity Severity
	Reasons  []string
}

// Is reports whether the measure is an exception.
func (e Exception) Is() bool { return e.Severity > SeverityNone }

// JudgeException judges a measure from the analyses of the areas it is
// shown by (in order; an area with no value gives no reason) and whether
// its latest period is stale (see IsStale). When more than one area is
// shown, each reason names its areas: "Off target (North, South)".
func JudgeException(areas []Analysis, stale bool) Exception {
	reasons := []struct {
		severity Severity
		text     string
		applies  func(Analysis) bool
	}{
		{SeverityRed, "Off target", func(a Analysis) bool { return a.RAG == Red }},
		{SeverityAmber, "Near target", func(a Analysis) bool { return a.RAG == Amber }},
		{SeverityConcern, "Unusual change, a concern", Analysis.Concern},
	}
	var e Exception
	for _, r := range reasons {
		var where []string
		for _, a := range areas {
			if a.HasValue() && r.applies(a) {
				where = append(where, a.Area)
			}
		}
		switch {
		case len(where) == 0:
		case len(areas) > 1:
			e.add(r.severity, r.text+" ("+strings.Join(where, ", ")+")")
		default:
			e.add(r.severity, r.text)
		}
	}
	if stale {
		e.add(SeverityStale, "Not up to date")
	}
	return e
}

func (e *Exception) add(severity Severity, reason string) {
	e.Severity = max(e.Severity, severity)
	if !slices.Contains(e.Reasons, reason) {
		e.Reasons = append(e.Reasons, reason)
	}
}

// ExceptionsFirst splits items into the exceptions, the most serious
// first, and the others, each group in the order given (the catalogue's).
func ExceptionsFirst[T any](items []T, severity func(T) Severity) (exceptions, others []T) {
	for _, it := range items {
		if severity(it) > SeverityNone {
			exceptions = append(exceptions, it)
		} else {
			others = append(others, it)
		}
	}
	slices.SortStableFunc(exceptions, func(a, b T) int { return int(severity(b) - severity(a)) })
	return exceptions, others
}
