// Package metrics is Assure's domain: measures, areas, periods and the
// observations that board members read. It holds plain types and pure
// calculations and imports only the standard library; SQL lives in
// metrics/store, HTTP in dashboard, file formats in ingest.
package metrics

import (
	"fmt"
	"strings"
)

// Metric is one measure in the catalogue, such as "999 calls, average per
// day" or "Immediate response time, urban".
type Metric struct {
	// ID is a stable slug ("calls-999") used in URLs and the API.
	ID   string `json:"id" db:"id"`
	Name string `json:"name" db:"name"`
	// Unit is free text shown beside values: "calls", "minutes", "%".
	Unit      string    `json:"unit" db:"unit"`
	Direction Direction `json:"direction" db:"direction"`
	// Target is nil when the measure has none.
	Target         *float64       `json:"target" db:"target"`
	Classification Classification `json:"classification" db:"classification"`
	// Category groups measures, e.g. one of the six National Crime and
	// Policing Measures, "Local priority" or "Finance".
	Category string `json:"category" db:"category"`
	// Benchmark, when not nil, is a figure to compare with besides the
	// target: a national average, the most similar forces' average, last
	// year's outturn. BenchmarkLabel names it ("national average").
	Benchmark      *float64 `json:"benchmark" db:"benchmark"`
	BenchmarkLabel string   `json:"benchmark_label" db:"benchmark_label"`
	// Derivation, when not "", makes the measure a derived one, computed
	// from other measures (see ParseDerivation); its values are never
	// uploaded.
	Derivation string `json:"derivation" db:"derivation"`
}

// Validate reports the first problem with a catalogue entry, or nil.
func (m Metric) Validate() error {
	if m.ID == "" {
		return Errorf(EINVALID, "metric has no id")
	}
	if m.ID != Slug(m.ID) {
		return Errorf(EINVALID, "metric id %q must be lower-case letters, digits and dashes (try %q)", m.ID, Slug(m.ID))
	}
	if strings.TrimSpace(m.Name) == "" {
		return Errorf(EINVALID, "metric %q has no name", m.ID)
	}
	if !m.Direction.Valid() {
		return Errorf(EINVALID, "metric %q: direction %q must be one of up, down, none", m.ID, m.Direction)
	}
	if !m.Classification.Valid() {
		return Errorf(EINVALID, "metric %q: classification %q must be open or sensitive", m.ID, m.Classification)
	}
	return nil
}

// Direction says which way is good for a measure.
type Direction string

const (
	// HigherIsBetter: more is an improvement (e.g. outcome rate).
	HigherIsBetter Direction = "up"
	// LowerIsBetter: less is an improvement (e.g. response time).
	LowerIsBetter Direction = "down"
	// NoDirection: neither way is good or bad in itself (e.g. call volume).
	NoDirection Direction = "none"
)

// Valid reports whether d is one of the three directions.
func (d Direction) Valid() bool {
	return d == HigherIsBetter || d == LowerIsBetter || d == NoDirection
}

// ParseDirection accepts the words analysts write in a catalogue:
// "up", "higher is better", "increase"; "down", "lower is better",
// "decrease"; "none", "neutral", "" (none).
func ParseDirection(s string) (Direction, error) {
	switch normalizeWord(s) {
	case "up", "higher", "higherisbetter", "higherbetter", "increase", "more", "moreisbetter", "high":
		return HigherIsBetter, nil
	case "down", "lower", "lowerisbetter", "lowerbetter", "decrease", "less", "lessisbetter", "low":
		return LowerIsBetter, nil
	case "", "none", "neutral", "neither", "na", "n/a":
		return NoDirection, nil
	}
	return "", Errorf(EINVALID, "%q is not a direction: write up (higher is better), down (lower is better) or none", s)
}

// Classification says who may see a measure. Sensitive data (drawn from
// national police systems) never reaches the public.
type Classification string

const (
	Open      Classification = "open"
	Sensitive Classification = "sensitive"
)

// Valid reports whether c is open or sensitive.
func (c Classification) Valid() bool { return c == Open || c == Sensitive }

// ParseClassification accepts "open", "public", "official" as open and
// "sensitive", "official-sensitive", "restricted" as sensitive. An empty
// cell is sensitive: a measure is published only when someone says so.
func ParseClassification(s string) (Classification, error) {
	switch normalizeWord(s) {
	case "open", "public", "official", "published":
		return Open, nil
	case "", "sensitive", "officialsensitive", "restricted", "confidential", "notforpublication":
		return Sensitive, nil
	}
	return "", Errorf(EINVALID, "%q is not a classification: write open or sensitive", s)
}

// Slug turns a display name into an id: lower case, ASCII letters and
// digits, runs of anything else become one dash. "999 Calls (avg/day)"
// becomes "999-calls-avg-day".
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// normalizeWord lower-cases s and drops spaces, dashes and underscores,
// so "Higher is better" and "higher-is-better" compare equal.
func normalizeWord(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r == ' ' || r == '-' || r == '_' || r == '\u00a0' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Scope is what a viewer may see. Every read from the store takes one, so
// a page cannot show what it never received.
type Scope struct {
	// Sensitive is true for signed-in board members and staff.
	Sensitive bool
}

// Public is the scope of an anonymous visitor: open measures only.
var Public = Scope{}

// Everything is the scope of the board and of internal jobs.
var Everything = Scope{Sensitive: true}

// CanSee reports whether a viewer with this scope may see m.
func (s Scope) CanSee(m Metric) bool {
	return m.Classification == Open || s.Sensitive
}

// String describes the scope for logs.
func (s Scope) String() string {
	return fmt.Sprintf("scope(sensitive=%t)", s.Sensitive)
}

// IsPercentUnit reports whether a unit says its values are percentages:
// "%", "percent", "per cent", "percentage", "% of incidents".
func IsPercentUnit(unit string) bool {
	u := strings.ToLower(strings.TrimSpace(unit))
	return strings.HasPrefix(u, "%") || strings.HasPrefix(u, "percent") || strings.HasPrefix(u, "per cent") || u == "pct"
}
