package metrics

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Recalculated limits. When a process changes for a known reason (a
// vulnerability desk opens, a new crime recording system goes live) the
// old mean and limits no longer describe it, and every later point reads
// as unusual. Making Data Count's answer is to recalculate the limits
// from the change: the chart is split into segments, each with its own
// mean and limits, drawn as steps, and each point is judged within its
// own segment. Limits are recalculated only at a change someone can
// name, never because the data moved: a persistent shift is offered as
// a suggestion (SuggestChangePoint), for a person to accept or not.

// SegmentReliablePoints is the number of points from which a segment's
// limits count as settled. Making Data Count asks for 15 to 20 points
// after a change before its limits are relied on; fewer give limits
// that are provisional. It is XmRReliablePoints, so that a chart with one
// segment and one with several follow the same rule.
const SegmentReliablePoints = XmRReliablePoints

// ChangePoint is a known change in the process from which the limits are
// recalculated.
type ChangePoint struct {
	// Start is the first day of the change. The new segment begins with
	// the first point whose period ends on or after it: the period in
	// which the change happened.
	Start time.Time
	// Reason says what changed ("vulnerability desk launched").
	Reason string
}

// Segment is a stretch of an XmR chart with its own mean and limits.
type Segment struct {
	// From and To are the indices of its first and last point in the
	// chart's Points, inclusive.
	From, To int
	// Mean, AvgMovingRange and the limits are of the segment's own
	// points; the moving range between the last point of one segment and
	// the first of the next belongs to neither.
	Mean, AvgMovingRange, UpperLimit, LowerLimit float64
	// Points is the number of points the limits were computed from:
	// To-From+1 for a segment of a recalculated chart.
	Points int
	// Reliable is false when Points is below SegmentReliablePoints: the
	// limits are provisional.
	Reliable bool
	// Reason is the reason of the change point that begins the segment,
	// "" for the first.
	Reason string
}

// segments is x.Segments, or one segment over every point with x's mean
// and limits for a chart made by hand without them.
func (x XmR) segments() []Segment {
	if len(x.Segments) > 0 || len(x.Points) == 0 {
		return x.Segments
	}
	return []Segment{{From: 0, To: len(x.Points) - 1, Mean: x.Mean, AvgMovingRange: x.AvgMovingRange,
		UpperLimit: x.UpperLimit, LowerLimit: x.LowerLimit, Points: x.BaselineTo - x.BaselineFrom, Reliable: x.Reliable}}
}

// SegmentAt is the segment that holds point i, and false when no
// segment does.
func (x XmR) SegmentAt(i int) (Segment, bool) {
	for _, s := range x.segments() {
		if i >= s.From && i <= s.To {
			return s, true
		}
	}
	return Segment{}, false
}

// ComputeSegmentedXmR builds an XmR chart of points (in period order)
// whose limits are recalculated at each change point: every segment has
// the mean, average moving range and limits of its own points, computed
// as ComputeXmR does, and the moving range across a change counts in
// neither segment. A change point begins a segment at the first point
// whose period ends on or after its Start. Change points at or before
// the first point, or that fall on the same point as another, begin no
// new segment (the latest given wins the reason). A change that would
// leave a segment with fewer than XmRMinPoints points cannot set limits
// yet: it is returned in Pending, and its points stay in the segment
// before. With no change points the chart is ComputeXmR(points, 0, 0).
//
// The fields of XmR outside Segments are those of the last segment;
// Reliable is that segment's. Errors are those of ComputeXmR.
func ComputeSegmentedXmR(points []SPCPoint, changes []ChangePoint) (XmR, error) {
	x, err := ComputeXmR(points, 0, 0)
	if err != nil || len(changes) == 0 {
		return x, err
	}
	changes = slices.Clone(changes)
	slices.SortStableFunc(changes, func(a, b ChangePoint) int { return a.Start.Compare(b.Start) })
	// The index at which each change begins its segment.
	starts := map[int]ChangePoint{}
	var order []int
	for _, c := range changes {
		i := slices.IndexFunc(points, func(p SPCPoint) bool { return !p.Period.End.Before(c.Start) })
		switch {
		case i < 0:
			x.Pending = append(x.Pending, c)
			continue
		case i == 0:
			continue
		}
		if _, dup := starts[i]; !dup {
			order = append(order, i)
		}
		starts[i] = c
	}
	slices.Sort(order)
	// A change stands when the segments before and after it have enough
	// points for limits; one too close to the change before it, or to
	// the latest point, waits.
	var kept []int
	prev := 0
	for _, i := range order {
		if i-prev < XmRMinPoints || len(points)-i < XmRMinPoints {
			x.Pending = append(x.Pending, starts[i])
			continue
		}
		kept = append(kept, i)
		prev = i
	}
	x.Segments = x.Segments[:0]
	from := 0
	for k := 0; k <= len(kept); k++ {
		to := len(points) - 1
		if k < len(kept) {
			to = kept[k] - 1
		}
		seg := segmentStats(x.Points, from, to)
		if from > 0 {
			seg.Reason = starts[from].Reason
		}
		x.Segments = append(x.Segments, seg)
		from = to + 1
	}
	last := x.Segments[len(x.Segments)-1]
	x.Mean, x.AvgMovingRange, x.UpperLimit, x.LowerLimit = last.Mean, last.AvgMovingRange, last.UpperLimit, last.LowerLimit
	x.BaselineFrom, x.BaselineTo, x.Reliable = last.From, last.To+1, last.Reliable
	slices.SortStableFunc(x.Pending, func(a, b ChangePoint) int { return a.Start.Compare(b.Start) })
	return x, nil
}

// segmentStats is the mean and limits of pts[from:to+1], which must hold
// at least two points with their moving ranges set.
func segmentStats(pts []SPCPoint, from, to int) Segment {
	s := Segment{From: from, To: to, Points: to - from + 1}
	sum, sumMR := 0.0, 0.0
	for i := from; i <= to; i++ {
		sum += pts[i].Value
		if i > from {
			sumMR += *pts[i].MovingRange
		}
	}
	s.Mean = sum / float64(s.Points)
	s.AvgMovingRange = sumMR / float64(s.Points-1)
	s.UpperLimit = s.Mean + XmRLimitFactor*s.AvgMovingRange
	s.LowerLimit = s.Mean - XmRLimitFactor*s.AvgMovingRange
	s.Reliable = s.Points >= SegmentReliablePoints
	return s
}

// ProvisionalNote says, for a segment whose limits come from fewer than
// SegmentReliablePoints points, that they are provisional; "" otherwise.
func ProvisionalNote(x XmR, s Segment) string {
	if s.Reliable || len(x.Points) == 0 {
		return ""
	}
	since := ""
	if s.From > 0 {
		since = " since " + pointLabel(x.Points[s.From], s.From)
	}
	return fmt.Sprintf("The limits%s are provisional: they come from %d %s, fewer than the %d that Making Data Count asks for, and will move as more data arrive.",
		since, s.Points, plural(s.Points, "value", "values"), SegmentReliablePoints)
}

// ChangeSuggestion proposes a change point where a shift persists.
type ChangeSuggestion struct {
	// From is the index of the first point of the shift; Period is its
	// period, from which the limits would be recalculated.
	From   int
	Period Period
	// Run is the number of points in the shift, up to the latest; Side
	// is SideHigh above the mean and SideLow below it.
	Run  int
	Side string
	// Sentence asks the question, for a person to answer.
	Sentence string
}

// SuggestChangePoint proposes recalculating the limits when a shift
// persists: when the latest point ends a run of ShiftLength or more
// points on one side of its segment's mean (RuleShift among signals),
// the run's first point is offered as a change point. It is nil when no
// shift reaches the latest point. It proposes only: limits are
// recalculated when a person marks the change and says why, never by
// this function. When the run is shorter than SegmentReliablePoints the
// sentence warns that limits from it would be provisional.
func SuggestChangePoint(x XmR, signals []Signal) *ChangeSuggestion {
	n := len(x.Points)
	if n == 0 {
		return nil
	}
	var best *Signal
	for i := range signals {
		s := &signals[i]
		if s.Rule == RuleShift && s.To == n-1 && (best == nil || s.From < best.From) {
			best = s
		}
	}
	if best == nil {
		return nil
	}
	seg, _ := x.SegmentAt(n - 1)
	if best.From <= seg.From {
		return nil // the whole segment: recalculating would change nothing
	}
	run := best.To - best.From + 1
	where := "above"
	if best.Side == SideLow {
		where = "below"
	}
	first := pointLabel(x.Points[best.From], best.From)
	s := &ChangeSuggestion{From: best.From, Period: x.Points[best.From].Period, Run: run, Side: best.Side}
	s.Sentence = fmt.Sprintf("A run of %d %s the average since %s: if something changed then, recalculate the limits from %s?",
		run, where, first, first)
	if run < SegmentReliablePoints {
		s.Sentence += fmt.Sprintf(" Limits from %d %s would be provisional until there are %d.", run, plural(run, "value", "values"), SegmentReliablePoints)
	}
	return s
}

// Icons of the Making Data Count variation and assurance charts: stable
// names, for the API and for the icon files.
const (
	IconCommonCause     = "common-cause"
	IconImprovementHigh = "improvement-high"
	IconImprovementLow  = "improvement-low"
	IconConcernHigh     = "concern-high"
	IconConcernLow      = "concern-low"
	IconNeitherHigh     = "neither-high"
	IconNeitherLow      = "neither-low"

	IconAssurancePass = "assurance-pass"
	IconAssuranceFail = "assurance-fail"
	IconAssuranceHit  = "assurance-hit-and-miss"
)

// VariationIcon is the variation of the latest point as Making Data
// Count draws it.
type VariationIcon struct {
	// Category is one of the Variation constants.
	Category string
	// Side is SideHigh or SideLow for a special cause, "" for common
	// cause.
	Side string
	// Icon is one of the Icon constants above; Text is its text
	// alternative, a sentence a screen reader can read in its place.
	Icon, Text string
}

// VariationOf is the variation icon of x's latest point: common cause
// when no signal covers it; otherwise LatestSignal's category and side
// (high for values above the mean or rising, low for below or falling).
// It is the zero VariationIcon for a chart with no points.
func VariationOf(x XmR, signals []Signal) VariationIcon {
	n := len(x.Points)
	if n == 0 {
		return VariationIcon{}
	}
	s := LatestSignal(signals, n)
	if s == nil {
		return VariationIcon{Category: VariationCommonCause, Icon: IconCommonCause,
			Text: "Common cause variation: no significant change"}
	}
	v := VariationIcon{Side: s.Side}
	high := s.Side == SideHigh
	word := map[bool]string{true: "high", false: "low"}[high]
	switch {
	case s.Improvement:
		v.Category, v.Icon = VariationImprovement, map[bool]string{true: IconImprovementHigh, false: IconImprovementLow}[high]
		v.Text = "Special cause variation of an improving nature: unusually " + word + " values"
	case s.Concern:
		v.Category, v.Icon = VariationConcern, map[bool]string{true: IconConcernHigh, false: IconConcernLow}[high]
		v.Text = "Special cause variation of a concerning nature: unusually " + word + " values"
	default:
		v.Category, v.Icon = VariationNeutral, map[bool]string{true: IconNeitherHigh, false: IconNeitherLow}[high]
		v.Text = "Special cause variation, neither improvement nor concern: unusually " + word + " values"
	}
	return v
}

// Assurance categories: whether the process, as it runs now, will meet
// its target.
const (
	AssurancePass       = "consistently passes"
	AssuranceFail       = "consistently fails"
	AssuranceHitAndMiss = "hit and miss"
)

// AssuranceIcon is the Making Data Count assurance of a target.
type AssuranceIcon struct {
	// Category is one of the Assurance constants; Icon and Text as for
	// VariationIcon.
	Category, Icon, Text string
}

// AssuranceOf judges target against the limits of x's latest segment,
// as Making Data Count does: when the target lies strictly between the
// limits the process will meet and miss it by chance (hit and miss);
// when both limits are on the good side of the target, or one is on
// it, it will consistently pass; when both are on the bad side, or one
// is on it, it will consistently fail. "Good" follows dir. It is false
// when there is no target, no chart, or no direction of good (a target
// then has no side to pass on).
func AssuranceOf(x XmR, target *float64, dir Direction) (AssuranceIcon, bool) {
	if target == nil || len(x.Points) == 0 || (dir != HigherIsBetter && dir != LowerIsBetter) || math.IsNaN(*target) {
		return AssuranceIcon{}, false
	}
	t := *target
	lo, hi := x.LowerLimit, x.UpperLimit
	pass := func() (AssuranceIcon, bool) {
		return AssuranceIcon{AssurancePass, IconAssurancePass, "The process limits are on the right side of the target: it will consistently be met"}, true
	}
	fail := func() (AssuranceIcon, bool) {
		return AssuranceIcon{AssuranceFail, IconAssuranceFail, "The process limits are on the wrong side of the target: it will consistently be missed unless something changes"}, true
	}
	switch {
	case t > lo && t < hi:
		return AssuranceIcon{AssuranceHitAndMiss, IconAssuranceHit, "The target is within the process limits: it will be met and missed at random"}, true
	case dir == HigherIsBetter && t <= lo, dir == LowerIsBetter && t >= hi:
		return pass()
	}
	return fail()
}

// BenchmarkComparison sets a value beside a benchmark: a national
// average, the most similar forces' average, last year's outturn.
type BenchmarkComparison struct {
	Benchmark float64
	// Side is "above", "below" or "level with".
	Side string
	// Better and Worse follow the direction of good; both false for a
	// value level with the benchmark or a measure with no direction.
	Better, Worse bool
}

// CompareToBenchmark compares value with benchmark, judged by dir. Values
// equal at two decimal places are level, so that a figure shown as the
// benchmark never reads as above or below it.
func CompareToBenchmark(value, benchmark float64, dir Direction) BenchmarkComparison {
	c := BenchmarkComparison{Benchmark: benchmark, Side: "level with"}
	switch d := math.Round(value*100) - math.Round(benchmark*100); {
	case d > 0:
		c.Side = "above"
		c.Better, c.Worse = dir == HigherIsBetter, dir == LowerIsBetter
	case d < 0:
		c.Side = "below"
		c.Better, c.Worse = dir == LowerIsBetter, dir == HigherIsBetter
	}
	return c
}

// Sentence says the comparison: "below the benchmark of 60 (worse)";
// label, when not "", names the benchmark instead of "the benchmark".
func (c BenchmarkComparison) Sentence(label, shown string) string {
	if label == "" {
		label = "the benchmark"
	}
	s := fmt.Sprintf("%s %s of %s", c.Side, label, shown)
	switch {
	case c.Better:
		s += ": better"
	case c.Worse:
		s += ": worse"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
