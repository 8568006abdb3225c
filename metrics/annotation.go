package metrics

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Context beside the numbers: what the board needs to read a chart
// fairly. An annotation marks a date or a span on a measure's timeline
// (the first national lockdown, a new crime recording system, an
// operation such as Op Guardian); a commentary is an analyst's note on
// one measure for one period. Both are written by analysts and carry
// their author and time.

// Limits on what an analyst writes: a label must fit beside a chart, and
// a commentary on one page of the board pack.
const (
	MaxAnnotationLabel  = 80
	MaxAnnotationDetail = 1000
	MaxCommentary       = 4000
)

// Annotation is a dated note on a measure's timeline.
type Annotation struct {
	ID int64
	// MetricID is the measure annotated; "" puts the annotation on every
	// measure's timeline.
	MetricID string
	// Start is the date annotated; End, when not zero, ends a span (on
	// or after Start). Both are dates at midnight UTC.
	Start, End time.Time
	// Label is shown on the chart; Detail, optional, beside it.
	Label, Detail string
	// Recalculate marks a change point: the measure's process limits are
	// recalculated from the period in which Start falls, and Label says
	// why ("vulnerability desk launched"). Only an annotation on one
	// measure can be one.
	Recalculate          bool
	CreatedBy, UpdatedBy string
	CreatedAt, UpdatedAt time.Time
}

// Validate checks what an analyst wrote, with messages that say the fix.
func (a Annotation) Validate() error {
	label := strings.TrimSpace(a.Label)
	switch {
	case label == "":
		return Errorf(EINVALID, "An annotation needs a label, such as First national lockdown.")
	case utf8.RuneCountInString(label) > MaxAnnotationLabel:
		return Errorf(EINVALID, "The label has %d characters: keep it to %d, and put the rest in the detail.", utf8.RuneCountInString(label), MaxAnnotationLabel)
	case utf8.RuneCountInString(a.Detail) > MaxAnnotationDetail:
		return Errorf(EINVALID, "The detail has %d characters: keep it to %d.", utf8.RuneCountInString(a.Detail), MaxAnnotationDetail)
	case !plainText(label) || !plainText(a.Detail):
		return Errorf(EINVALID, "The label or detail holds a control character: type it again as plain text.")
	case a.Start.IsZero():
		return Errorf(EINVALID, "An annotation needs a date, written as 2020-03-23.")
	case a.Start.Year() < 1900 || a.Start.Year() > 9998:
		return Errorf(EINVALID, "The date %s is out of range: give a date between 1900 and 9998.", a.Start.Format(time.DateOnly))
	case !a.End.IsZero() && a.End.Before(a.Start):
		return Errorf(EINVALID, "The span ends on %s, before it starts on %s: give the end on or after the start.",
			a.End.Format(time.DateOnly), a.Start.Format(time.DateOnly))
	case !a.End.IsZero() && a.End.Year() > 9998:
		return Errorf(EINVALID, "The end date %s is out of range: give a date before 9999.", a.End.Format(time.DateOnly))
	}
	return nil
}

// Last is the annotation's last day: End, or Start for a single date.
func (a Annotation) Last() time.Time {
	if a.End.IsZero() {
		return a.Start
	}
	return a.End
}

// ChangePoints are the change points among anns (those with Recalculate
// set), in the order given, each starting at its annotation's Start with
// its label as the reason.
func ChangePoints(anns []Annotation) []ChangePoint {
	var out []ChangePoint
	for _, a := range anns {
		if a.Recalculate {
			out = append(out, ChangePoint{Start: a.Start, Reason: a.Label})
		}
	}
	return out
}

// IsSpan reports whether the annotation covers more than one day.
func (a Annotation) IsSpan() bool { return !a.End.IsZero() && a.End.After(a.Start) }

// When says the annotation's dates for a reader: "23 Mar 2020", or
// "23 Mar 2020 to 4 Jul 2020".
func (a Annotation) When() string {
	if !a.IsSpan() {
		return a.Start.Format("2 Jan 2006")
	}
	return a.Start.Format("2 Jan 2006") + " to " + a.End.Format("2 Jan 2006")
}

// Commentary is an analyst's note on one measure for one period. Each
// save is a new version; the latest is current, and an empty Text clears
// the period's commentary.
type Commentary struct {
	ID        int64
	MetricID  string
	Period    Period
	Text      string
	Author    string
	WrittenAt time.Time
}

// Validate checks a commentary before it is saved.
func (c Commentary) Validate() error {
	switch {
	case c.MetricID == "":
		return Errorf(EINVALID, "A commentary belongs to a measure: none was given.")
	case c.Period.IsZero():
		return Errorf(EINVALID, "A commentary belongs to a period: choose one.")
	case utf8.RuneCountInString(c.Text) > MaxCommentary:
		return Errorf(EINVALID, "The commentary has %d characters: keep it to %d.", utf8.RuneCountInString(c.Text), MaxCommentary)
	case !plainText(strings.NewReplacer("\n", "", "\r", "", "\t", "").Replace(c.Text)):
		return Errorf(EINVALID, "The commentary holds a control character: type it again as plain text.")
	}
	return nil
}

// plainText reports whether s is valid UTF-8 without control characters.
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// BoardPackEdition is the board pack as presented to one meeting, frozen
// when it was published. Content is the pack as the dashboard rendered
// it (JSON), opaque to the store; an edition is never changed.
type BoardPackEdition struct {
	ID int64
	// Meeting is the meeting date; Number counts the editions published
	// for it, from 1.
	Meeting     time.Time
	Number      int
	PublishedAt time.Time
	PublishedBy string
	// SHA256 is the hex digest of Content.
	SHA256  string
	Content []byte
}
