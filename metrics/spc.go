package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Statistical process control, as NHS England's "Making Data Count"
// programme teaches it to boards: an XmR chart of individual values with
// a mean and natural process limits, and four rules that tell a signal
// (special cause variation) from noise (common cause variation). It
// answers the board's questions "has the response time stabilised?" and
// "is the fall in neighbourhood crime sustainable?" without reading a
// rise or fall between two months as news.
//
// The rule lengths and thresholds are those of the Making Data Count
// "plot the dots" Excel tools, as reproduced by the NHS-R Community's
// NHSRplotthedots package (which documents where it deviates from them):
// limits at the mean ± 2.66 average moving ranges, with no screening of
// outlying moving ranges; a shift of 7 points; a trend of 7 points; two
// of three points in the outer third of the limits. Some NHS material
// gives 6 points for a trend; the plot-the-dots tools use 7 for both
// rules, and so does Assure.
const (
	// XmRLimitFactor turns the average moving range into the distance
	// from the mean to a process limit: 3 / 1.128, where 1.128 is the
	// bias-correction constant d2 for ranges of two values, so that the
	// limits sit at three estimated standard deviations.
	XmRLimitFactor = 2.66
	// XmRMinPoints is the fewest baseline points ComputeXmR accepts:
	// three give two moving ranges, the least from which an average
	// range means anything (one range is a single difference).
	XmRMinPoints = 3
	// XmRReliablePoints is the number of baseline points from which
	// limits count as reliable, following Making Data Count's advice of
	// at least 15 points; fewer give trial limits, which move as data
	// arrive (NHSRplotthedots warns below 12, Wheeler finds 5 or 6
	// useful: there is no agreed number, so the stricter one is used).
	XmRReliablePoints = 15
	// ShiftLength is the length of a shift: this many or more
	// consecutive points all above or all below the mean.
	ShiftLength = 7
	// TrendLength is the length of a trend: this many or more
	// consecutive points each higher (or each lower) than the one
	// before, that is ShiftLength-1 rises or falls in a row.
	TrendLength = 7
)

// Rule names, stable for the API and for styling.
const (
	// RuleOutsideLimits: a single point above the upper or below the
	// lower process limit.
	RuleOutsideLimits = "outside limits"
	// RuleShift: ShiftLength or more points in a row on one side of the
	// mean.
	RuleShift = "shift"
	// RuleTrend: TrendLength or more points in a row each rising or
	// each falling.
	RuleTrend = "trend"
	// RuleTwoOfThree: two of three points in a row close to the same
	// process limit (between two and three sigma from the mean).
	RuleTwoOfThree = "two of three"
)

// Sides of a signal.
const (
	SideHigh = "high"
	SideLow  = "low"
)

// Variation categories of the latest point, as on the Making Data Count
// variation icons.
const (
	VariationCommonCause = "common cause"
	VariationImprovement = "special cause improvement"
	VariationConcern     = "special cause concern"
	VariationNeutral     = "special cause (no direction)"
)

// SPCPoint is one value on an XmR chart.
type SPCPoint struct {
	Period Period
	Value  float64
	// MovingRange is |Value - previous Value|, nil for the first point.
	// ComputeXmR fills it in; what the caller passes is ignored.
	MovingRange *float64
}

// XmR is an individuals and moving range chart.
type XmR struct {
	// Mean and AvgMovingRange are of the baseline points only.
	Mean, AvgMovingRange float64
	// UpperLimit and LowerLimit are the natural process limits,
	// Mean ± XmRLimitFactor × AvgMovingRange. The lower limit may be
	// below zero for a measure that cannot be: it is shown as computed,
	// as the Making Data Count tools do.
	UpperLimit, LowerLimit float64
	// Points are all the points, in period order, with moving ranges.
	Points []SPCPoint
	// BaselineFrom and BaselineTo are the half-open range of indices of
	// Points, Points[BaselineFrom:BaselineTo], from which the mean and
	// limits were computed.
	BaselineFrom, BaselineTo int
	// Reliable is false when the baseline has fewer than
	// XmRReliablePoints points: the limits are then trial limits.
	Reliable bool
	// Segments are the stretches of Points that each have a mean and
	// limits of their own, in order, covering every point: one for a
	// chart from ComputeXmR, one more for each change point that
	// ComputeSegmentedXmR applied. The fields above are those of the
	// last segment, against which the latest point is judged. A chart
	// built by hand with no segments is read as one segment.
	Segments []Segment
	// Pending are the change points given to ComputeSegmentedXmR that
	// it could not apply yet: too few points after them to set limits
	// (see XmRMinPoints), or none at all.
	Pending []ChangePoint
}

// ComputeXmR builds an XmR chart of points, which must be in period
// order. The mean and average moving range come from the baseline
// points[baselineFrom:baselineTo] (half-open, as a Go slice); a
// baselineTo of zero means len(points), so (0, 0) uses every point. Fixing
// the baseline to a stable stretch, such as the months before a change,
// lets later points be judged against it. The moving ranges of the
// baseline are those between consecutive baseline points. Every point
// gets its moving range; the input slice is not changed.
//
// Errors (EINVALID): a baseline range outside points or empty, fewer than
// XmRMinPoints baseline points, or a value that is NaN or infinite.
// Reliable is set when the baseline has at least XmRReliablePoints
// points.
func ComputeXmR(points []SPCPoint, baselineFrom, baselineTo int) (XmR, error) {
	if baselineTo == 0 {
		baselineTo = len(points)
	}
	if baselineFrom < 0 || baselineTo > len(points) || baselineFrom >= baselineTo {
		return XmR{}, Errorf(EINVALID, "the baseline must be a range of the %d points, from index 0 up to %d, not %d to %d",
			len(points), len(points), baselineFrom, baselineTo)
	}
	if n := baselineTo - baselineFrom; n < XmRMinPoints {
		return XmR{}, Errorf(EINVALID, "an XmR chart needs at least %d points in its baseline to set limits, and this one has %d: "+
			"show the values as a plain line until there are more", XmRMinPoints, n)
	}
	x := XmR{Points: make([]SPCPoint, len(points)), BaselineFrom: baselineFrom, BaselineTo: baselineTo}
	for i, p := range points {
		if !finite(p.Value) {
			return XmR{}, Errorf(EINVALID, "point %d (%s) is %g: every value on a chart must be a finite number", i+1, pointLabel(p, i), p.Value)
		}
		p.MovingRange = nil
		if i > 0 {
			mr := math.Abs(p.Value - points[i-1].Value)
			p.MovingRange = &mr
		}
		x.Points[i] = p
	}
	sum, sumMR := 0.0, 0.0
	for i := baselineFrom; i < baselineTo; i++ {
		sum += x.Points[i].Value
		if i > baselineFrom {
			sumMR += *x.Points[i].MovingRange
		}
	}
	n := baselineTo - baselineFrom
	x.Mean = sum / float64(n)
	x.AvgMovingRange = sumMR / float64(n-1)
	x.UpperLimit = x.Mean + XmRLimitFactor*x.AvgMovingRange
	x.LowerLimit = x.Mean - XmRLimitFactor*x.AvgMovingRange
	x.Reliable = n >= XmRReliablePoints
	x.Segments = []Segment{{From: 0, To: len(points) - 1, Mean: x.Mean, AvgMovingRange: x.AvgMovingRange,
		UpperLimit: x.UpperLimit, LowerLimit: x.LowerLimit, Points: n, Reliable: x.Reliable}}
	return x, nil
}

// Signal is one instance of special cause variation on an XmR chart.
type Signal struct {
	// Rule is one of RuleOutsideLimits, RuleShift, RuleTrend and
	// RuleTwoOfThree.
	Rule string
	// From and To are the indices of the first and last point of the
	// signal, inclusive.
	From, To int
	// Side is SideHigh for values above the mean (or rising, for a
	// trend) and SideLow for values below it (or falling).
	Side string
	// Improvement and Concern say whether the signal is good or bad news
	// given the metric's direction; both are false for a metric with no
	// direction of good.
	Improvement, Concern bool
	// Sentence says what happened in plain English for a lay reader,
	// naming the periods and the number of points.
	Sentence string
}

// Signals finds special cause variation on x by the four Making Data
// Count rules, testing every point (baseline or not) against x's mean and
// limits:
//
//   - RuleOutsideLimits: a point strictly above UpperLimit or below
//     LowerLimit; a point on a limit is inside. Consecutive points
//     beyond the same limit make one signal, so that a run is said
//     once ("From Apr to Oct 2021, 7 months in a row were above the
//     upper limit"), not once a point.
//   - RuleShift: ShiftLength (7) or more consecutive points all strictly
//     above or all strictly below the mean. A point equal to the mean
//     belongs to neither side, so it ends the run.
//   - RuleTrend: TrendLength (7) or more consecutive points each strictly
//     higher, or each strictly lower, than the one before. A point equal
//     to the one before does not continue the trend, so it ends the run
//     (and starts the next). The point at a peak or trough ends one run
//     and begins the next.
//   - RuleTwoOfThree: among three consecutive points all on the same
//     side of the mean, at least two lie close to the limit on that side:
//     beyond two thirds of the way from the mean to the limit (two sigma)
//     but not beyond the limit itself, which RuleOutsideLimits reports.
//     Overlapping windows on one side make one signal, from the first to
//     the last close point.
//
// Each run or window is one signal spanning all its points. The ties
// follow the Making Data Count tools, which differ from the run chart
// rules of the Institute for Healthcare Improvement, where points on the
// centre line and repeated values are skipped rather than breaking a
// run. dir decides Improvement and Concern; a direction that is not
// valid counts as NoDirection. Signals are ordered by From, then by the
// rule order above, then by To. A chart with no points has no signals.
func Signals(x XmR, dir Direction) []Signal {
	if !dir.Valid() {
		dir = NoDirection
	}
	var out []Signal
	for _, seg := range x.segments() {
		out = append(out, segmentSignals(x.Points, seg, dir)...)
	}
	slices.SortStableFunc(out, func(a, b Signal) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(ruleRank(a.Rule), ruleRank(b.Rule)), cmp.Compare(a.To, b.To))
	})
	return out
}

// segmentSignals finds the signals among the points of one segment,
// all[x.From:x.To+1], judged against the segment's own mean and limits,
// with indices into all. A run never crosses into another segment.
func segmentSignals(all []SPCPoint, x Segment, dir Direction) []Signal {
	var out []Signal
	add := func(rule string, from, to int, side string, sentence func(tail string) string) {
		s := Signal{Rule: rule, From: from + x.From, To: to + x.From, Side: side}
		s.Improvement, s.Concern = judge(dir, side)
		s.Sentence = sentence(consequence(dir, s.Improvement, s.Concern))
		out = append(out, s)
	}
	pts := all[x.From : x.To+1]
	label := func(i int) string { return pointLabel(pts[i], i+x.From) }
	span := func(from, to int) string {
		return fmt.Sprintf("From %s to %s, %d %s", label(from), label(to), to-from+1, unitWord(pts[from].Period.Kind, to-from+1))
	}

	// (a) points outside the limits, a run of them on one side as one.
	outside := func(i int) int {
		switch {
		case pts[i].Value > x.UpperLimit:
			return 1
		case pts[i].Value < x.LowerLimit:
			return -1
		}
		return 0
	}
	for start := 0; start < len(pts); {
		o, end := outside(start), start
		for end+1 < len(pts) && outside(end+1) == o {
			end++
		}
		if o != 0 {
			from, to, sd := start, end, sideWord(o)
			add(RuleOutsideLimits, from, to, sd, func(tail string) string {
				where, limit, what := "above", x.UpperLimit, "high"
				if sd == SideLow {
					where, limit, what = "below", x.LowerLimit, "low"
				}
				if from == to {
					return fmt.Sprintf("%s, at %s, was %s the %s limit of %s: a value this %s is unlikely to be chance%s",
						label(from), formatValue(pts[from].Value), where, limitWord(sd), formatValue(limit), what, tail)
				}
				extreme := pts[from].Value
				for i := from; i <= to; i++ {
					if sd == SideHigh && pts[i].Value > extreme || sd == SideLow && pts[i].Value < extreme {
						extreme = pts[i].Value
					}
				}
				return fmt.Sprintf("%s in a row were %s the %s limit of %s (%s %s): values this %s are unlikely to be chance%s",
					span(from, to), where, limitWord(sd), formatValue(limit), map[string]string{SideHigh: "up to", SideLow: "down to"}[sd],
					formatValue(extreme), what, tail)
			})
		}
		start = end + 1
	}

	// (b) shifts: runs of points strictly on one side of the mean.
	side := func(i int) int { return cmp.Compare(pts[i].Value, x.Mean) }
	for start := 0; start < len(pts); {
		s, end := side(start), start
		for end+1 < len(pts) && side(end+1) == s {
			end++
		}
		if s != 0 && end-start+1 >= ShiftLength {
			from, to, sd := start, end, sideWord(s)
			add(RuleShift, from, to, sd, func(tail string) string {
				where, what := "above", "a sustained increase"
				if sd == SideLow {
					where, what = "below", "a sustained fall"
				}
				return fmt.Sprintf("%s in a row were %s the average: %s%s", span(from, to), where, what, tail)
			})
		}
		start = end + 1
	}

	// (c) trends: runs of strict rises or strict falls.
	trend := func(from, to, d int) {
		if d == 0 || to-from+1 < TrendLength {
			return
		}
		sd := sideWord(d)
		add(RuleTrend, from, to, sd, func(tail string) string {
			what, how := "higher", "a steady rise"
			if sd == SideLow {
				what, how = "lower", "a steady fall"
			}
			return fmt.Sprintf("%s in a row were each %s than the one before: %s%s", span(from, to), what, how, tail)
		})
	}
	start, d := 0, 0
	for i := 1; i < len(pts); i++ {
		step := cmp.Compare(pts[i].Value, pts[i-1].Value)
		switch {
		case step == 0:
			trend(start, i-1, d)
			start, d = i, 0
		case d == 0:
			d = step
		case step != d:
			trend(start, i-1, d)
			start, d = i-1, step
		}
	}
	trend(start, len(pts)-1, d)

	// (d) two of three points close to one limit.
	nearUpper := x.Mean + 2.0/3.0*(x.UpperLimit-x.Mean)
	nearLower := x.Mean - 2.0/3.0*(x.Mean-x.LowerLimit)
	nearLimit := func(i int) int {
		v := pts[i].Value
		switch {
		case v > nearUpper && v <= x.UpperLimit:
			return 1
		case v < nearLower && v >= x.LowerLimit:
			return -1
		}
		return 0
	}
	type window struct{ from, to, side int }
	var cur *window
	flush := func() {
		if cur == nil {
			return
		}
		from, to, sd := cur.from, cur.to, sideWord(cur.side)
		n := 0
		for i := from; i <= to; i++ {
			if nearLimit(i) != 0 {
				n++
			}
		}
		add(RuleTwoOfThree, from, to, sd, func(tail string) string {
			limit, what := "upper", "an early sign of an increase"
			if sd == SideLow {
				limit, what = "lower", "an early sign of a fall"
			}
			return fmt.Sprintf("From %s to %s, %d of %d %s were close to the %s limit: %s%s",
				label(from), label(to), n, to-from+1, unitWord(pts[from].Period.Kind, to-from+1), limit, what, tail)
		})
		cur = nil
	}
	for i := 0; i+2 < len(pts); i++ {
		s := side(i)
		if s == 0 || side(i+1) != s || side(i+2) != s {
			continue
		}
		first, last, n := -1, -1, 0
		for j := i; j <= i+2; j++ {
			if nearLimit(j) == s {
				if first < 0 {
					first = j
				}
				last, n = j, n+1
			}
		}
		if n < 2 {
			continue
		}
		if cur != nil && cur.side == s && first <= cur.to {
			cur.to = max(cur.to, last)
			continue
		}
		flush()
		cur = &window{first, last, s}
	}
	flush()
	return out
}

// LatestSignal is the signal among signals that covers the last of n
// points (From <= n-1 <= To), or nil when none does or n is not
// positive. When several cover it, the rule order of Signals decides
// (a point outside the limits first, then a shift, a trend, two of
// three), and then the signal that began latest, because it describes
// the most recent behaviour. The result points into signals.
func LatestSignal(signals []Signal, n int) *Signal {
	if n <= 0 {
		return nil
	}
	var best *Signal
	for i := range signals {
		s := &signals[i]
		if s.From > n-1 || s.To < n-1 {
			continue
		}
		if best == nil || ruleRank(s.Rule) < ruleRank(best.Rule) || ruleRank(s.Rule) == ruleRank(best.Rule) && s.From > best.From {
			best = s
		}
	}
	return best
}

// Variation is the Making Data Count variation category of x's latest
// point: VariationCommonCause when no signal covers it, otherwise the
// category of LatestSignal: VariationImprovement, VariationConcern, or
// VariationNeutral for a metric with no direction of good. It is "" for
// a chart with no points.
func Variation(x XmR, dir Direction) string {
	if len(x.Points) == 0 {
		return ""
	}
	s := LatestSignal(Signals(x, dir), len(x.Points))
	switch {
	case s == nil:
		return VariationCommonCause
	case s.Improvement:
		return VariationImprovement
	case s.Concern:
		return VariationConcern
	}
	return VariationNeutral
}

// ruleRank is the order of the rules in Signals; unknown rules last.
func ruleRank(rule string) int {
	switch rule {
	case RuleOutsideLimits:
		return 0
	case RuleShift:
		return 1
	case RuleTrend:
		return 2
	case RuleTwoOfThree:
		return 3
	}
	return 4
}

// judge says whether movement to side is an improvement or a concern.
func judge(dir Direction, side string) (improvement, concern bool) {
	switch {
	case dir == HigherIsBetter && side == SideHigh, dir == LowerIsBetter && side == SideLow:
		return true, false
	case dir == HigherIsBetter, dir == LowerIsBetter:
		return false, true
	}
	return false, false
}

// consequence ends a signal's sentence with what it means for the board.
func consequence(dir Direction, improvement, concern bool) string {
	why := "higher is better"
	if dir == LowerIsBetter {
		why = "lower is better"
	}
	switch {
	case improvement:
		return ", which is an improvement because " + why + "."
	case concern:
		return ", which is a concern because " + why + "."
	}
	return "."
}

func sideWord(s int) string {
	if s > 0 {
		return SideHigh
	}
	return SideLow
}

// unitWord names n points of a kind for a sentence: "7 months".
func unitWord(k PeriodKind, n int) string {
	w := "periods"
	switch k {
	case Month:
		w = "months"
	case Quarter:
		w = "quarters"
	case FinancialYear, CalendarYear:
		w = "years"
	}
	if n == 1 {
		w = w[:len(w)-1]
	}
	return w
}

// pointLabel is the period label of a point, or its position when the
// caller gave no period.
func pointLabel(p SPCPoint, i int) string {
	if l := p.Period.Label(); l != "" {
		return l
	}
	return "point " + strconv.Itoa(i+1)
}

// formatValue writes v with at most two decimals and no trailing zeros:
// enough for minutes, counts and percentages in a sentence.
func formatValue(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// limitWord names the limit on a side: "upper" or "lower".
func limitWord(side string) string {
	if side == SideLow {
		return "lower"
	}
	return "upper"
}
