package metrics

import (
	"slices"
	"time"
)

// Analysis is how one area of one measure stands, as the board reads it
// when holding the force to account: the latest value against its target,
// against the same period of the pre-pandemic baseline year (and, second,
// the year before), and whether the values show special cause variation
// on an XmR chart.
type Analysis struct {
	// Area is the area analysed.
	Area string
	// Latest is the area's latest value. When the area has no values it
	// is the zero Observation and every other field is empty.
	Latest Observation
	// TargetStatus and RAG rate Latest against the metric's target.
	TargetStatus TargetStatus
	RAG          RAG
	// BaselineYear is the year compared with (DefaultBaselineYear when
	// the caller passed zero).
	BaselineYear int
	// Baseline compares Latest with the same period of BaselineYear; nil
	// when that period has no value.
	Baseline *Change
	// YearOnYear compares Latest with the same period a year earlier;
	// nil when that period has no value. It is shown second: after Covid
	// the year before is itself distorted.
	YearOnYear *Change
	// Points are the area's values of Latest's period kind, in period
	// order, one per period: what an SPC chart of the area draws.
	Points []SPCPoint
	// XmR is the chart of Points, with limits from every point; nil when
	// there are fewer than XmRMinPoints points.
	XmR *XmR
	// Signals are the special causes on XmR, in the order Signals gives.
	Signals []Signal
	// Variation is the category of the latest point (see Variation), ""
	// when there is no XmR.
	Variation string
	// VariationIcon is the Making Data Count variation of the latest
	// point, zero when there is no XmR.
	VariationIcon VariationIcon
	// Assurance judges the target against the latest segment's limits;
	// nil when there is no XmR, no target or no direction of good.
	Assurance *AssuranceIcon
	// Benchmark compares Latest with the metric's benchmark; nil when it
	// has none.
	Benchmark *BenchmarkComparison
	// Groups are Signals grouped by stretch, newest first (see
	// GroupSignals); State says what is true now (see CurrentState).
	Groups []SignalGroup
	State  string
	// Suggestion proposes a change point where a shift persists; nil
	// when none does (see SuggestChangePoint).
	Suggestion *ChangeSuggestion
}

// AnalysisOptions are the choices behind an Analysis.
type AnalysisOptions struct {
	// BaselineYear is the year compared with; zero means
	// DefaultBaselineYear.
	BaselineYear int
	// Tolerance rates the target.
	Tolerance Tolerance
	// ChangePoints are the known changes from which the XmR limits are
	// recalculated (see ComputeSegmentedXmR).
	ChangePoints []ChangePoint
}

// HasValue reports whether the area had any value to analyse.
func (a Analysis) HasValue() bool { return len(a.Points) > 0 }

// OffTarget reports whether the latest value misses its target, by a
// little (amber) or by more (red).
func (a Analysis) OffTarget() bool { return a.RAG == Red || a.RAG == Amber }

// Concern reports whether the latest point is part of a special cause
// that is bad news given the metric's direction of good.
func (a Analysis) Concern() bool { return a.Variation == VariationConcern }

// Analyse analyses one area of metric m from its series (every current
// observation of m; other areas are ignored). Only the values of the
// kind of the area's latest period are charted, so a measure that once
// reported quarterly and now monthly is judged on its months. When the
// series holds a period twice for the area, the later value counts, as a
// revision supersedes; values that are not finite numbers are ignored.
// baselineYear of zero means DefaultBaselineYear; tol rates the target.
func Analyse(m Metric, series []Observation, area string, baselineYear int, tol Tolerance) Analysis {
	return AnalyseWith(m, series, area, AnalysisOptions{BaselineYear: baselineYear, Tolerance: tol})
}

// AnalyseWith is Analyse with the limits of the XmR chart recalculated
// at o.ChangePoints, each segment's points judged against its own limits,
// the latest point's variation and the target's assurance judged against
// the latest segment, and the metric's benchmark compared.
func AnalyseWith(m Metric, series []Observation, area string, o AnalysisOptions) Analysis {
	baselineYear, tol := o.BaselineYear, o.Tolerance
	if baselineYear == 0 {
		baselineYear = DefaultBaselineYear
	}
	a := Analysis{Area: area, BaselineYear: baselineYear, TargetStatus: NoTarget, RAG: NoRAG}
	var latest *Observation
	for i := range series {
		o := &series[i]
		if o.Area != area || !finite(o.Value) {
			continue
		}
		if latest == nil || ComparePeriods(o.Period, latest.Period) >= 0 {
			latest = o
		}
	}
	if latest == nil {
		return a
	}
	kind := latest.Period.Kind
	// Last value per period wins; the order of first appearance does not
	// matter because the points are sorted afterwards.
	byKey := map[string]int{}
	for _, o := range series {
		if o.Area != area || o.Period.Kind != kind || !finite(o.Value) {
			continue
		}
		if i, ok := byKey[o.Period.Key()]; ok {
			a.Points[i].Value = o.Value
			continue
		}
		byKey[o.Period.Key()] = len(a.Points)
		a.Points = append(a.Points, SPCPoint{Period: o.Period, Value: o.Value})
	}
	slices.SortFunc(a.Points, func(x, y SPCPoint) int { return ComparePeriods(x.Period, y.Period) })
	last := a.Points[len(a.Points)-1]
	a.Latest = *latest
	a.Latest.Value = last.Value
	a.TargetStatus = AgainstTarget(m, last.Value)
	a.RAG = RAGStatus(m, last.Value, tol)
	if c, ok := CompareToBaseline(series, area, last.Period, baselineYear); ok {
		a.Baseline = &c
	}
	if c, ok := YearOnYear(series, area, last.Period); ok {
		a.YearOnYear = &c
	}
	if len(a.Points) >= XmRMinPoints {
		// Every value here is finite and there are enough of them, so
		// ComputeXmR cannot fail; the check keeps that true if it changes.
		if x, err := ComputeSegmentedXmR(a.Points, o.ChangePoints); err == nil {
			a.XmR = &x
			a.Points = x.Points
			a.Signals = Signals(x, m.Direction)
			a.VariationIcon = VariationOf(x, a.Signals)
			a.Variation = a.VariationIcon.Category
			if as, ok := AssuranceOf(x, m.Target, m.Direction); ok {
				a.Assurance = &as
			}
			a.Groups = GroupSignals(a.Signals, len(x.Points))
			a.State = CurrentState(x, a.Signals, m.Direction)
			a.Suggestion = SuggestChangePoint(x, a.Signals)
		}
	}
	if m.Benchmark != nil && finite(*m.Benchmark) {
		c := CompareToBenchmark(last.Value, *m.Benchmark, m.Direction)
		a.Benchmark = &c
	}
	return a
}

// NewestPeriods is, for each period kind among periods, the latest period
// of that kind (by ComparePeriods). Zero periods are ignored.
func NewestPeriods(periods []Period) map[PeriodKind]Period {
	out := map[PeriodKind]Period{}
	for _, p := range periods {
		if p.IsZero() {
			continue
		}
		if n, ok := out[p.Kind]; !ok || ComparePeriods(p, n) > 0 {
			out[p.Kind] = p
		}
	}
	return out
}

// IsStale reports whether a measure whose latest period is p has fallen
// behind: some other measure reporting by the same kind of period already
// has a later one (a monthly measure whose latest month is July when
// others have August). A zero p is not stale: a measure with no values at
// all is shown as such, not as late.
func IsStale(p Period, newest map[PeriodKind]Period) bool {
	if p.IsZero() {
		return false
	}
	n, ok := newest[p.Kind]
	return ok && ComparePeriods(n, p) > 0
}

// EndedBefore returns the observations of series whose period ended
// before the day of t (by date, whatever t's time of day): what a board
// meeting on that day can have seen. When every one did, as for any
// meeting after the latest period, it is series itself (clipped, so that
// an append copies), not a copy: the board pack asks this of every
// measure's series, and copying them all held 200 MB at 2,000 measures.
// Callers must not change the result.
func EndedBefore(series []Observation, t time.Time) []Observation {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	n := 0
	for _, o := range series {
		if o.Period.End.Before(day) {
			n++
		}
	}
	if n == len(series) {
		return slices.Clip(series)
	}
	out := make([]Observation, 0, n)
	for _, o := range series {
		if o.Period.End.Before(day) {
			out = append(out, o)
		}
	}
	return out
}
