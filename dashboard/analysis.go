package dashboard

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/metrics"
)

// analysisView is one area of a measure as the board reads it: the latest
// value against its target, against the baseline year and the year
// before, and its SPC chart with the signals in words. Every chart in it
// has its figures in a table and a sentence beside it.
type analysisView struct {
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
	Baseline     *changeView
	YearOnYear   *changeView
	// SPC is the XmR chart, nil when there are too few points; SPCNote
	// then says why, or notes trial limits when there is a chart.
	SPC     *chart.ChartPanel
	SPCNote string
	// Mean, Upper and Lower are the XmR lines, formatted.
	Mean, Upper, Lower string
	// MeanFigure, UpperFigure and LowerFigure are the same without the
	// unit, for the table whose heading names it.
	MeanFigure, UpperFigure, LowerFigure string
	SPCRows                              []spcRow
	// Variation is the category of the latest point and VariationWord
	// says it for a lay reader.
	Variation     string
	VariationWord string
	// Signals are metrics.Signal.Sentence, one per signal, oldest first.
	Signals []string
	// Icons: the Making Data Count variation of the latest point and the
	// assurance of the target (see mdc.go); nil when there is none.
	VariationIcon *mdcIcon
	AssuranceIcon *mdcIcon
	// State says what is true now, first; Current are the groups of
	// signals that reach the latest point and Older the rest, newest
	// first, folded away on the page.
	State          string
	Current, Older []signalGroupView
	// Suggestion proposes a change point where a shift persists; ""
	// when none does.
	Suggestion string
	// Segments are the stretches with limits of their own, when the
	// limits were recalculated (more than one); Pending says which
	// change points wait for more points.
	Segments []segmentView
	Pending  []string
	// Benchmark compares the latest value with the measure's
	// benchmark, "" when it has none.
	Benchmark string
	// ByArea is a bar chart of every area's value for the latest period,
	// nil when there is only one area; ByAreaRows are its figures.
	ByArea     *chart.ChartPanel
	ByAreaRows []areaRow
}

// changeView is a metrics.Change as words and figures.
type changeView struct {
	BasePeriod, Base, Current string
	// Absolute and Percent are signed ("+3.5 minutes", "+25.9%");
	// Percent is "" when the base is zero.
	Absolute, Percent string
	// Judgement is "better", "worse", "no change" or "" for a measure
	// with no direction of good.
	Judgement string
}

// spcRow is one point of an SPC chart in its table.
// recentFigures is how many of the latest figures a board pack's
// measure lists: its whole series is in the chart and on the metric page.
const recentFigures = 6

// RecentRows are the latest figures of the SPC table, oldest first.
func (a analysisView) RecentRows() []spcRow {
	return a.SPCRows[max(0, len(a.SPCRows)-recentFigures):]
}

type spcRow struct {
	Period, Value, MovingRange string
	// Unusual names the rules of the signals the point belongs to, ""
	// for an ordinary point.
	Unusual string
}

type areaRow struct {
	Area, Value, RAGWord, RAGClass string
}

// areasOf lists the areas of a series, sorted.
func areasOf(obs []metrics.Observation) []string {
	var areas []string
	for _, o := range obs {
		if !slices.Contains(areas, o.Area) {
			areas = append(areas, o.Area)
		}
	}
	slices.Sort(areas)
	return areas
}

// baselineYearParam reads ?baseline=YEAR; empty means the default year.
func baselineYearParam(c echo.Context) (int, error) {
	s := strings.TrimSpace(c.QueryParam("baseline"))
	if s == "" {
		return metrics.DefaultBaselineYear, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1900 || y > 9998 {
		return 0, metrics.Errorf(metrics.EINVALID, "the baseline must be a year such as 2019, not %q", s)
	}
	return y, nil
}

// packSPCPoints is how many of the latest periods the board pack's SPC
// chart and table show: three years of months. A pack holds every
// measure, and with ten years of monthly figures each measure's chart
// and table of every period made a pack of 200 measures 8 MB of HTML
// (seconds to render, and to print); the measure's page keeps every
// period.
const packSPCPoints = 36

// buildAnalysis analyses one area of m's series for a page, with
// annotations marked on the SPC chart, numbered in the order given (see
// annotationMarks). The SPC chart and table show the latest window
// periods only (0: all); the average, limits and signals are those of
// the whole series either way. idPrefix makes the chart ids unique on
// the page ("chart" gives "chart-spc" and "chart-areas"). The error is an
// internal one: charts refuse only input that the store never holds.
func buildAnalysis(m metrics.Metric, obs []metrics.Observation, area string, baselineYear int, idPrefix string, anns []metrics.Annotation, window int) (analysisView, error) {
	return buildAnalysisWith(m, obs, area, baselineYear, idPrefix, anns, metrics.ChangePoints(anns), window)
}

// buildAnalysisWith is buildAnalysis with the limits recalculated at
// changes (the measure's change points, which anns may or may not hold).
func buildAnalysisWith(m metrics.Metric, obs []metrics.Observation, area string, baselineYear int, idPrefix string, anns []metrics.Annotation, changes []metrics.ChangePoint, window int) (analysisView, error) {
	a := metrics.AnalyseWith(m, obs, area, metrics.AnalysisOptions{BaselineYear: baselineYear, Tolerance: metrics.DefaultTolerance, ChangePoints: changes})
	v := analysisView{
		Metric: m, Area: area, Areas: areasOf(obs), BaselineYear: a.BaselineYear,
		RAG: a.RAG, RAGWord: a.RAG.Word(), RAGClass: ragClass(a.RAG),
	}
	if m.Target != nil {
		v.Target = formatTarget(*m.Target, m.Unit)
	}
	if !a.HasValue() {
		return v, nil
	}
	v.Period = a.Latest.Period.Label()
	v.Value = formatValue(a.Latest.Value, m.Unit)
	if s := a.Latest.Source; s.File != "" {
		v.Source = fmt.Sprintf("%s, sheet %s, cell %s, uploaded %s", s.File, s.Sheet, s.Cell, s.UploadedAt.Format("2 Jan 2006 15:04"))
		switch {
		case s.Sheet == "" && s.Cell == "": // a derived value, traced in File
			v.Source = fmt.Sprintf("its inputs, %s, uploaded %s", strings.TrimPrefix(s.File, "Derived: "), s.UploadedAt.Format("2 Jan 2006 15:04"))
		case s.Sheet == "": // a CSV has no sheets
			v.Source = fmt.Sprintf("%s, cell %s, uploaded %s", s.File, s.Cell, s.UploadedAt.Format("2 Jan 2006 15:04"))
		}
	}
	v.Baseline = newChangeView(m, a.Baseline)
	v.YearOnYear = newChangeView(m, a.YearOnYear)
	v.Variation = a.Variation
	v.VariationWord = variationWord(a.Variation)
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
func (v *analysisView) addSPC(m metrics.Metric, a metrics.Analysis, idPrefix string, anns []metrics.Annotation, window int) error {
	if a.XmR == nil {
		v.SPCNote = fmt.Sprintf("A chart of process limits needs at least %d values, and %s has %d so far, so none is drawn: the figures are in the table below.",
			metrics.XmRMinPoints, areaPhrase(a.Area), len(a.Points))
		return nil
	}
	x := a.XmR
	if !x.Reliable && len(x.Segments) < 2 {
		v.SPCNote = fmt.Sprintf("These are trial limits: with fewer than %d values they will move as more data arrive.", metrics.XmRReliablePoints)
	}
	v.Mean, v.Upper, v.Lower = formatValue(x.Mean, m.Unit), formatValue(x.UpperLimit, m.Unit), formatValue(x.LowerLimit, m.Unit)
	v.MeanFigure, v.UpperFigure, v.LowerFigure = formatFigure(x.Mean, m.Unit), formatFigure(x.UpperLimit, m.Unit), formatFigure(x.LowerLimit, m.Unit)
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
		row := spcRow{Period: p.Period.Label(), Value: formatFigure(p.Value, m.Unit), MovingRange: "–"}
		if p.MovingRange != nil {
			row.MovingRange = formatFigure(*p.MovingRange, m.Unit)
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
func (v *analysisView) addByArea(m metrics.Metric, obs []metrics.Observation, p metrics.Period, idPrefix string) error {
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
		v.ByAreaRows = append(v.ByAreaRows, areaRow{Area: a, Value: formatFigure(values[i], m.Unit), RAGWord: r.Word(), RAGClass: ragClass(r)})
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

// newChangeView formats a change, or returns nil for none.
func newChangeView(m metrics.Metric, c *metrics.Change) *changeView {
	if c == nil {
		return nil
	}
	v := &changeView{
		BasePeriod: c.BasePeriod.Label(),
		Base:       formatValue(c.Base, m.Unit),
		Current:    formatValue(c.Current, m.Unit),
		Absolute:   metrics.FormatChange(c.Absolute, m.Unit),
	}
	if c.Percent != nil {
		v.Percent = metrics.FormatPercentChange(*c.Percent)
	}
	// Judged on the figures as shown, so that "+0 calls" never reads
	// as worse.
	shown := formatFigure(c.Absolute, m.Unit)
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

// ragClass is the status class that colours a RAG word.
func ragClass(r metrics.RAG) string {
	switch r {
	case metrics.Green:
		return "status-green"
	case metrics.Amber:
		return "status-amber"
	case metrics.Red:
		return "status-red"
	}
	return "status-grey"
}

// variationWord says a variation category for a lay reader.
func variationWord(v string) string {
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
