package metrics

import "time"

// Window is a span of time that periods are shown in: periods that
// start on or after From and end on or before To. A zero From or To
// leaves that side open.
type Window struct {
	From, To time.Time
}

// Contains reports whether p lies within w: a period is shown whole or
// not at all, so a quarter straddling From is left out.
func (w Window) Contains(p Period) bool {
	if !w.From.IsZero() && p.Start.Before(w.From) {
		return false
	}
	if !w.To.IsZero() && p.End.After(w.To) {
		return false
	}
	return true
}

// IsZero reports whether w is open on both sides: every period.
func (w Window) IsZero() bool { return w.From.IsZero() && w.To.IsZero() }

// LastMonths is the window of the n months that end with latest's end:
// the last 12 months of a series whose latest figure is Dec 2021 are
// Jan to Dec 2021, and its last four quarters.
func LastMonths(latest Period, n int) Window {
	end := latest.End
	// The first day of the month n-1 months before the end's month.
	from := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(n - 1), 0)
	return Window{From: from}
}

// FilterWindow keeps the observations whose period lies within w, in
// their order.
func FilterWindow(obs []Observation, w Window) []Observation {
	if w.IsZero() {
		return obs
	}
	out := make([]Observation, 0, len(obs))
	for _, o := range obs {
		if w.Contains(o.Period) {
			out = append(out, o)
		}
	}
	return out
}
