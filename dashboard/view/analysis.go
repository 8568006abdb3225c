package view

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/metrics"
)

// Analysis is one area of a measure as the board reads it: the latest
// value against its target, against the baseline year and the year
// before, and its SPC chart with the signals in words. Every chart in it
// has its figures in a table and a sentence beside it.
type Analysis struct {
	Metric metrics.Metric
	// Area is the area analysed; Areas are all the measure's areas, for
	// a selector.
	Area  string
	Areas []string
	// Period and Value are the latest period and value, formatted.
	Period, Value string
	// Source says where the latest value came from.
	Source string
	Target string
	// RAG, RAGWord and RAGClass rate the latest value; the word is
	// always printed, the class only colours it.
	RAG      metrics.RAG
	RAGWord  string
	RAGClass string
	// BaselineYear is the year compared with; Baseline and YearOnYear are
	// nil when the period compared with has no value.
	BaselineYear int
	Baseline     *Change
	YearOnYear   *Change
	// SPC is the XmR chart, nil when there are too few points; SPCNote
	// then says why, or notes trial limits when there is a chart.
	SPC     *chart.ChartPanel
	SPCNote string
	// Mean, Upper and Lower are the XmR lines, formatted.
	Mean, Upper, Lower string
	// MeanFigure, UpperFigure and LowerFigure are the same without the
	// unit, for the table whose heading names it.
	MeanFigure, UpperFigure, LowerFigure string
	SPCRows                              []SPCRow
	// Variation is the category of the latest point and VariationWord
	// says it for a lay reader.
	Variation     string
	VariationWord string
	// Signals are metrics.Signal.Sentence, one per signal, oldest first.
	Signals []string
	// Icons: the Making Data Count variation of the latest point and the
	// assurance of the target (see mdc.go); nil when there is none.
	VariationIcon *Icon
	AssuranceIcon *Icon
	// State says what is true now, first; Current are the groups of
	// signals that reach the latest point and Older the rest, newest
	// first, folded away on the page.
	State          string
	Current, Older []SignalGroup
	// Suggestion proposes a change point where a shift persists; ""
	// when none does.
	Suggestion string
	// Segments are the stretches with limits of their own, when the
	// limits were recalculated (more than one); Pending says which
	// change points wait for more points.
	Segments []Segment
	Pending  []string
	// Benchmark compares the latest value with the measure's
	// benchmark, "" when it has none.
	Benchmark string
	// ByArea is a bar chart of every area's value for the latest period,
	// nil when there is only one area; ByAreaRows are its figures.
	ByArea     *chart.ChartPanel
	ByAreaRows []AreaRow
}

// Change is a metrics.Change as words and figures.
type Change struct {
	BasePeriod, Base, Current string
	// Absolute and Percent are signed ("+3.5 minutes", "+25.9%");
	// Percent is "" when the base is zero.
	Absolute, Percent string
	// Judgement is "better", "worse", "no change" or "" for a measure
	// with no direction of good.
	Judgement string
}

// recentFigures is how many of the latest figures a board pack's
// measure lists: its whole series is in the chart and on the metric page.
const recentFigures = 6

// RecentRows are the latest figures of the SPC table, oldest first.
func (a Analysis) RecentRows() []SPCRow {
	return a.SPCRows[max(0, len(a.SPCRows)-recentFigures):]
}

// SPCRow is one point of an SPC chart in its table.
type SPCRow struct {
	Period, Value, MovingRange string
	// Unusual names the rules of the signals the point belongs to, ""
	// for an ordinary point.
	Unusual string
}

// AreaRow is one area's figure in the table of the by-area chart.
type AreaRow struct {
	Area, Value, RAGWord, RAGClass string
}

// AreasOf lists the areas of a series, sorted.
func AreasOf(obs []metrics.Observation) []string {
	var areas []string
	for _, o := range obs {
		if !slices.Contains(areas, o.Area) {
			areas = append(areas, o.Area)
		}
	}
	slices.Sort(areas)
	return areas
}

// PackSPCPoints is how many of the latest periods the board pack's SPC
// chart and table show: three years of months. A pack holds every
// measure, and with ten years of monthly figures each measure's chart
// and table of every period made a pack of 200 measures 8 MB of HTML
// (seconds to render, and to print); the measure's page keeps every
// period.
const PackSPCPoints = 36

// BuildAnalysis analyses one area of m's series for a page, with
// annotations marked on the SPC chart, numbered in the order given (see
// annotationMarks). The SPC chart and table show the latest window
// periods only (0: all); the average, limits and signals are those of
// the whole series either way. idPrefix makes the chart ids unique on
// the page ("chart" gives "chart-spc" and "chart-areas"). The error is an
// internal one: charts refuse only input that the store never holds.
func BuildAnalysis(m metrics.Metric, obs []metrics.Observation, area string, baselineYear int, idPrefix string, anns []metrics.Annotation, window int) (Analysis, error) {
	return BuildAnalysisWith(m, obs, area, baselineYear, idPrefix, anns, metrics.ChangePoints(anns), window)
}

// BuildAnalysisWith is BuildAnalysis with the limits recalculated at
// changes (the measure's change points, which anns may or may not hold).
func BuildAnalysisWith(m metrics.Metric, obs []metrics.Observation, area string, baselineYear int, idPrefix string, anns []metrics.Annotation, changes []metrics.ChangePoint, window int) (Analysis, error) {
	a := metrics.AnalyseWith(m, obs, area, metrics.AnalysisOptions{BaselineYear: baselineYear, Tolerance: metrics.DefaultTolerance, ChangePoints: changes})
	return buildAnalysis(m, obs, a, idPrefix, anns, window)
}

// BuildAnalysisOf is BuildAnalysis of an area analysed already, in as
// (so with DefaultBaselineYear), and with no annotations marked.
func BuildAnalysisOf(as *Analyses, area string, idPrefix string, window int) (Analysis, error) {
	return buildAnalysis(as.Metric(), as.Series(), as.Of(area), idPrefix, nil, window)
}

// buildAnalysis puts a, an analysis of m's series obs, into words and
// charts.
func buildAnalysis(m metrics.Metric, obs []metrics.Observation, a metrics.Analysis, idPrefix string, anns []metrics.Annotation, window int) (Analysis, error) {
	area := a.Area
	v := Analysis{
		Metric: m, Area: area, Areas: AreasOf(obs), BaselineYear: a.BaselineYear,
		RAG: a.RAG, RAGWord: a.RAG.Word(), RAGClass: RAGClass(a.RAG),
	}
	if m.Target != nil {
		v.Target = metrics.FormatTarget(*m.Target, m.Unit)
	}
	if !a.HasValue() {
		return v, nil
	}
	v.Period = a.Latest.Period.Label()
	v.Value = metrics.FormatWithUnit(a.Latest.Value, m.Unit)
	if s := a.Latest.Source; s.File != "" {
		v.Source = fmt.Sprintf("%s, sheet %s, cell %s, uploaded %s", s.File, s.Sheet, s.Cell, s.UploadedAt.Format("2 Jan 2006 15:04"))
		switch {
		case s.Sheet == "" && s.Cell == "": // a derived value, traced in File
			v.Source = fmt.Sprintf("its inputs, %s, uploaded %s", strings.TrimPrefix(s.File, "Derived: "), s.UploadedAt.Format("2 Jan 2006 15:04"))
		case s.Sheet == "": // a CSV has no sheets
			v.Source = fmt.Sprintf("%s, cell %s, uploaded %s", s.File, s.Cell, s.UploadedAt.Format("2 Jan 2006 15:04"))
		}
	}
	v.Baseline = NewChange(m, a.Baseline)
	v.YearOnYear = NewChange(m, a.YearOnYear)
	v.Variation = a.Variation
	v.VariationWord = VariationWord(a.Variation)
	for _, s := range a.Signals {
		v.Signals = append(v.Signals, s.Sentence)
	}
	v.addMDC(m, a)
	if err := v.addSPC(m, a, idPrefix, anns, window); err != nil {
		return v, err
	}
	if err := v.addByArea(m, obs, a.Latest.Period, idPrefix); err != nil {
		return v, err
	}
	return v, nil
}

// addSPC adds the XmR chart and its table, or the sentence that says why
// there is none.
func (v *Analysis) addSPC(m metrics.Metric, a metrics.Analysis, idPrefix string, anns []metrics.Annotation, window int) error {
	if a.XmR == nil {
		v.SPCNote = fmt.Sprintf("A chart of process limits needs at least %d values, and %s has %d so far, so none is drawn: the figures are in the table below.",
			metrics.XmRMinPoints, areaPhrase(a.Area), len(a.Points))
		return nil
	}
	x := a.XmR
	if !x.Reliable && len(x.Segments) < 2 {
		v.SPCNote = fmt.Sprintf("These are trial limits: with fewer than %d values they will move as more data arrive.", metrics.XmRReliablePoints)
	}
	v.Mean, v.Upper, v.Lower = metrics.FormatWithUnit(x.Mean, m.Unit), metrics.FormatWithUnit(x.UpperLimit, m.Unit), metrics.FormatWithUnit(x.LowerLimit, m.Unit)
	v.MeanFigure, v.UpperFigure, v.LowerFigure = metrics.FormatFigure(x.Mean, m.Unit), metrics.FormatFigure(x.UpperLimit, m.Unit), metrics.FormatFigure(x.LowerLimit, m.Unit)
	rules := make([][]string, len(x.Points))
	for _, s := range a.Signals {
		for i := s.From; i <= s.To && i < len(rules); i++ {
			if !slices.Contains(rules[i], s.Rule) {
				rules[i] = append(rules[i], s.Rule)
			}
		}
	}
	points := x.Points
	if window > 0 && len(points) > window {
		points, rules = points[len(points)-window:], rules[len(points)-window:]
		shown := fmt.Sprintf("The chart and table show the latest %d of %d periods; the average and limits are worked out from all of them, as on the measure's page, which shows every period.", window, len(x.Points))
		v.SPCNote = strings.TrimSpace(v.SPCNote + " " + shown)
	}
	c := chart.SPCChart{SeriesName: a.Area, Mean: x.Mean, Upper: x.UpperLimit, Lower: x.LowerLimit, Target: m.Target,
		Benchmark: m.Benchmark, BenchmarkLabel: benchmarkLegend(m)}
	kinds := pointKinds(x, a.Signals)
	offset := len(x.Points) - len(points)
	c.Kinds = kinds[offset:]
	if len(x.Segments) > 1 {
		for i := offset; i < len(x.Points); i++ {
			s, _ := x.SegmentAt(i)
			c.Means, c.Uppers, c.Lowers = append(c.Means, s.Mean), append(c.Uppers, s.UpperLimit), append(c.Lowers, s.LowerLimit)
		}
	}
	periods := make([]metrics.Period, len(points))
	for i, p := range points {
		periods[i] = p.Period
	}
	c.Marks = chart.AnnotationMarks(anns, periods)
	for i, p := range points {
		c.Labels = append(c.Labels, p.Period.Label())
		c.Values = append(c.Values, p.Value)
		row := SPCRow{Period: p.Period.Label(), Value: metrics.FormatFigure(p.Value, m.Unit), MovingRange: "–"}
		if p.MovingRange != nil {
			row.MovingRange = metrics.FormatFigure(*p.MovingRange, m.Unit)
		}
		if len(rules[i]) > 0 {
			row.Unusual = "Unusual (" + c.Kinds[i] + "): " + strings.Join(rules[i], ", ")
		}
		v.SPCRows = append(v.SPCRows, row)
	}
	panel, err := chart.SPCChartPanel(idPrefix+"-spc", m.Name+": process limits", m.Unit, c)
	if err != nil {
		return fmt.Errorf("SPC chart of %s: %w", m.ID, err)
	}
	v.SPC = &panel
	return nil
}

// addByArea adds a bar chart of every area's value for period p, when
// there is more than one.
func (v *Analysis) addByArea(m metrics.Metric, obs []metrics.Observation, p metrics.Period, idPrefix string) error {
	var areas []string
	var values []float64
	for _, o := range obs {
		if o.Period.Kind != p.Kind || o.Period.Key() != p.Key() {
			continue
		}
		if i := slices.Index(areas, o.Area); i >= 0 {
			values[i] = o.Value // a later revision counts
			continue
		}
		areas = append(areas, o.Area)
		values = append(values, o.Value)
	}
	for i, a := range areas {
		r := metrics.RAGStatus(m, values[i], metrics.DefaultTolerance)
		v.ByAreaRows = append(v.ByAreaRows, AreaRow{Area: a, Value: metrics.FormatFigure(values[i], m.Unit), RAGWord: r.Word(), RAGClass: RAGClass(r)})
	}
	if len(areas) < 2 {
		return nil
	}
	panel, err := chart.BarChartPanelWithTarget(idPrefix+"-areas", m.Name+" by area, "+p.Label(), m.Unit, areas, values, m.Target)
	if err != nil {
		return fmt.Errorf("bar chart of %s: %w", m.ID, err)
	}
	v.ByArea = &panel
	return nil
}

// areaPhrase names an area in a sentence: "the force" for the force-wide
// one.
func areaPhrase(a string) string {
	if metrics.IsForceWideArea(a) {
		return "the force"
	}
	return a
}

// NewChange formats a change, or returns nil for none.
func NewChange(m metrics.Metric, c *metrics.Change) *Change {
	if c == nil {
		return nil
	}
	v := &Change{
		BasePeriod: c.BasePeriod.Label(),
		Base:       metrics.FormatWithUnit(c.Base, m.Unit),
		Current:    metrics.FormatWithUnit(c.Current, m.Unit),
		Absolute:   metrics.FormatChange(c.Absolute, m.Unit),
	}
	if c.Percent != nil {
		v.Percent = metrics.FormatPercentChange(*c.Percent)
	}
	// Judged on the figures as shown, so that "+0 calls" never reads
	// as worse.
	shown := metrics.FormatFigure(c.Absolute, m.Unit)
	switch {
	case strings.Trim(shown, "-0.,") == "":
		v.Judgement = "no change"
	case m.Direction == metrics.HigherIsBetter && c.Absolute > 0, m.Direction == metrics.LowerIsBetter && c.Absolute < 0:
		v.Judgement = "better"
	case m.Direction == metrics.HigherIsBetter, m.Direction == metrics.LowerIsBetter:
		v.Judgement = "worse"
	}
	return v
}

// RAGClass is the status class that colours a RAG word.
func RAGClass(r metrics.RAG) string { return "status-" + cmp.Or(ragName(r), "grey") }

// ragName names a RAG rating's colour, "" for none.
func ragName(r metrics.RAG) string {
	switch r {
	case metrics.Green:
		return "green"
	case metrics.Amber:
		return "amber"
	case metrics.Red:
		return "red"
	}
	return ""
}

// VariationWord says a variation category for a lay reader.
func VariationWord(v string) string {
	switch v {
	case metrics.VariationCommonCause:
		return "No unusual change (common cause)"
	case metrics.VariationConcern:
		return "Unusual change: a concern (special cause)"
	case metrics.VariationImprovement:
		return "Unusual change: an improvement (special cause)"
	case metrics.VariationNeutral:
		return "Unusual change (special cause)"
	}
	return "Too few values to judge"
}
