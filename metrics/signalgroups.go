package metrics

import (
	"cmp"
	"fmt"
	"slices"
)

// The board reads the current state first: what is true of the latest
// point, then the most recent unusual stretch, and only then the older
// history. Signals of the same stretch (a run above the limit is often
// also a shift and two of three close to the limit) are one story and
// are told as one.

// SignalGroup is a stretch of overlapping signals.
type SignalGroup struct {
	// From and To are the first and last point of the stretch,
	// inclusive: the union of its signals' spans.
	From, To int
	// Signals are the group's signals in the order Signals gives.
	Signals []Signal
	// Lead is the signal that best tells the group's story: the first
	// by rule order (a point outside the limits before a shift, a trend,
	// two of three), then the longest. It points into Signals.
	Lead *Signal
	// Improvement and Concern say whether any signal of the group is
	// one; a group can hold both (a fall, then a rise).
	Improvement, Concern bool
	// Current is set when the group reaches the latest point.
	Current bool
}

// GroupSignals groups signals whose spans overlap (sharing at least one
// point, directly or through another signal) and orders the groups
// newest first: by their last point, then their first, descending. n is
// the number of points on the chart, to tell the current group.
func GroupSignals(signals []Signal, n int) []SignalGroup {
	sorted := slices.Clone(signals)
	slices.SortStableFunc(sorted, func(a, b Signal) int { return cmp.Compare(a.From, b.From) })
	var groups []SignalGroup
	for _, s := range sorted {
		if k := len(groups) - 1; k >= 0 && s.From <= groups[k].To {
			g := &groups[k]
			g.To = max(g.To, s.To)
			g.Signals = append(g.Signals, s)
			continue
		}
		groups = append(groups, SignalGroup{From: s.From, To: s.To, Signals: []Signal{s}})
	}
	for i := range groups {
		g := &groups[i]
		slices.SortStableFunc(g.Signals, func(a, b Signal) int {
			return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(ruleRank(a.Rule), ruleRank(b.Rule)), cmp.Compare(a.To, b.To))
		})
		for j := range g.Signals {
			s := &g.Signals[j]
			g.Improvement = g.Improvement || s.Improvement
			g.Concern = g.Concern || s.Concern
			if g.Lead == nil || ruleRank(s.Rule) < ruleRank(g.Lead.Rule) ||
				ruleRank(s.Rule) == ruleRank(g.Lead.Rule) && s.To-s.From > g.Lead.To-g.Lead.From {
				g.Lead = s
			}
		}
		g.Current = n > 0 && g.To == n-1
	}
	slices.SortStableFunc(groups, func(a, b SignalGroup) int { return cmp.Or(cmp.Compare(b.To, a.To), cmp.Compare(b.From, a.From)) })
	return groups
}

// CurrentState is one sentence that says what is true of x now, for the
// top of a page: the latest point against its segment's limits and the
// pattern, if any, that it belongs to (the signal LatestSignal chooses),
// with what that means given dir. It is "" for a chart with no points.
//
//   - beyond a limit: "Since Apr 2021, every month (12 in a row) has
//     been above the upper limit of 16.32, ..." or, for the latest point
//     alone, "The latest month, Mar 2022, at 19.2, is above ...";
//   - a shift: "Since Sep 2021, every month (7 in a row) has been above
//     the average of 11, ...";
//   - a trend: "Since ..., each month (7 in a row) has been higher than
//     the one before, ...";
//   - two of three: "2 of the latest 3 months have been close to the
//     upper limit, ...";
//   - none: "Mar 2022, at 17.1, is within the process limits of 15.9 to
//     18, and no unusual pattern is running: the latest values vary by
//     chance alone."
func CurrentState(x XmR, signals []Signal, dir Direction) string {
	n := len(x.Points)
	if n == 0 {
		return ""
	}
	if !dir.Valid() {
		dir = NoDirection
	}
	last := x.Points[n-1]
	seg, _ := x.SegmentAt(n - 1)
	lastLabel := pointLabel(last, n-1)
	s := LatestSignal(signals, n)
	if s == nil {
		return fmt.Sprintf("%s, at %s, is within the process limits of %s to %s, and no unusual pattern is running: the latest values vary by chance alone.",
			lastLabel, formatValue(last.Value), formatValue(seg.LowerLimit), formatValue(seg.UpperLimit))
	}
	tail := consequence(dir, s.Improvement, s.Concern)
	k := s.To - s.From + 1
	unit := unitWord(last.Period.Kind, 1)
	since := fmt.Sprintf("Since %s, every %s (%d in a row) has been", pointLabel(x.Points[s.From], s.From), unit, k)
	where := map[string]string{SideHigh: "above", SideLow: "below"}[s.Side]
	switch s.Rule {
	case RuleOutsideLimits:
		limit := seg.UpperLimit
		if s.Side == SideLow {
			limit = seg.LowerLimit
		}
		if k == 1 {
			return fmt.Sprintf("The latest %s, %s, at %s, is %s the %s limit of %s%s", unit, lastLabel, formatValue(last.Value), where,
				limitWord(s.Side), formatValue(limit), tail)
		}
		return fmt.Sprintf("%s %s the %s limit of %s%s", since, where, limitWord(s.Side), formatValue(limit), tail)
	case RuleShift:
		return fmt.Sprintf("%s %s the average of %s%s", since, where, formatValue(seg.Mean), tail)
	case RuleTrend:
		what := map[string]string{SideHigh: "higher", SideLow: "lower"}[s.Side]
		return fmt.Sprintf("Since %s, each %s (%d in a row) has been %s than the one before%s", pointLabel(x.Points[s.From], s.From), unit, k, what, tail)
	}
	near := 0
	for i := s.From; i <= s.To; i++ {
		v := x.Points[i].Value
		if s.Side == SideHigh && v > seg.Mean+2.0/3.0*(seg.UpperLimit-seg.Mean) || s.Side == SideLow && v < seg.Mean-2.0/3.0*(seg.Mean-seg.LowerLimit) {
			near++
		}
	}
	return fmt.Sprintf("%d of the latest %d %s have been close to the %s limit%s", near, k, unitWord(last.Period.Kind, k), limitWord(s.Side), tail)
}
