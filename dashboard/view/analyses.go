package view

import "github.com/assure-pcc/assure/metrics"

// Analyses analyses the areas of one measure's series, each once,
// however many parts of a page read it. The board pack reads a measure's
// headline area three times (its tile, its SPC chart and the digest's
// standing), and analysing each time was a third of the time the pack
// takes to make.
//
// Each area is analysed with DefaultBaselineYear and DefaultTolerance and
// the limits recalculated at the measure's change points, as the tiles
// and the pack judge. The analyses are shared: their readers must not
// change them.
type Analyses struct {
	metric  metrics.Metric
	series  []metrics.Observation
	changes []metrics.ChangePoint
	byArea  map[string]metrics.Analysis
}

// NewAnalyses analyses m's series (every current observation of m, or
// those a meeting can have seen), with the limits recalculated at changes.
func NewAnalyses(m metrics.Metric, series []metrics.Observation, changes []metrics.ChangePoint) *Analyses {
	return &Analyses{metric: m, series: series, changes: changes, byArea: map[string]metrics.Analysis{}}
}

// Of is the analysis of area.
func (as *Analyses) Of(area string) metrics.Analysis {
	if a, ok := as.byArea[area]; ok {
		return a
	}
	a := metrics.AnalyseWith(as.metric, as.series, area, metrics.AnalysisOptions{
		BaselineYear: metrics.DefaultBaselineYear, Tolerance: metrics.DefaultTolerance, ChangePoints: as.changes,
	})
	as.byArea[area] = a
	return a
}

// WithoutChanges is the analysis of area with limits from every point,
// as the digest compares meetings (see boardpack.StateOf): the same
// analysis as Of when the measure has no change points.
func (as *Analyses) WithoutChanges(area string) metrics.Analysis {
	if len(as.changes) == 0 {
		return as.Of(area)
	}
	return metrics.Analyse(as.metric, as.series, area, metrics.DefaultBaselineYear, metrics.DefaultTolerance)
}

// Metric is the measure analysed, and Series its observations.
func (as *Analyses) Metric() metrics.Metric              { return as.metric }
func (as *Analyses) Series() []metrics.Observation       { return as.series }
func (as *Analyses) ChangePoints() []metrics.ChangePoint { return as.changes }
