package dashboard

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

// seriesTable is a metric's values as a table: one row per period, one
// column per area, with where each figure came from.
type seriesTable struct {
	Areas   []string
	Periods []metrics.Period
	Rows    []seriesRow
	// Sources are where each figure came from, newest period first.
	Sources sourceRows
}

type seriesRow struct {
	Period string
	Cells  []string
}

type sourceRow struct {
	Period, Area, Value string
	File, Sheet, Cell   string
	Uploaded            string
}

// sourceRows are rows of a sources table.
type sourceRows []sourceRow

// metricParams are the query parameters a measure's page and its series
// read.
var metricParams = []string{"area", "baseline", "compare", "period", "from", "to"}

type metricPage struct {
	// asGiven is set when the page read every parameter as given (see
	// asGiven): only then is it kept.
	asGiven bool
	Page
	Metric metrics.Metric
	Target string
	Chart  *chart.ChartPanel
	// Table is the figures of the period and area chosen (Choice), newest
	// first; HasFigures is whether the measure has any figures at all,
	// and AllShown says which periods they cover.
	Table      seriesTable
	Choice     timePlace
	HasFigures bool
	AllShown   string
	// SourcesShown is how many figures are shown: the table's Sources
	// are only the newest period's, and the page of every figure's
	// source (metricSourcesPage) is a link away. Every source of a large
	// measure was two thirds of its page (380 of 560 KB for 20 areas over
	// ten years) and a sixth of the work of making it again after each
	// upload, for a table few open.
	SourcesShown int
	// Analysis is one area's standing: the force-wide area, or the one
	// ?area= names (see view.Analysis).
	Analysis view.Analysis
	// Context is the annotations and commentary (see context.go).
	Context metricContext
	// Compare sets the area beside another, indexed to a baseline, and
	// ranks the areas (see view.Compare); nil for a single area.
	Compare *view.Compare
	// Reconciled sets a response time measure beside the incidents of
	// the same month (see response_targets.go); nil for other measures.
	Reconciled []metrics.ResponseReconciliation
	// Derived says how a derived measure is computed, "" for one whose
	// values are uploaded; Inputs are the measures it is computed from,
	// those the reader may see.
	Derived string
	Inputs  []metrics.Metric
	// Benchmark is the measure's benchmark, formatted, "" for none.
	Benchmark string
}

// seriesPeriods are the periods of obs, each once, in order: the rows
// of buildSeriesTable's table, oldest first.
func seriesPeriods(obs []metrics.Observation) []metrics.Period {
	var periods []metrics.Period
	seen := map[string]bool{}
	for _, o := range obs {
		if !seen[o.Period.Key()] {
			seen[o.Period.Key()] = true
			periods = append(periods, o.Period)
		}
	}
	sort.SliceStable(periods, func(i, j int) bool { return metrics.ComparePeriods(periods[i], periods[j]) < 0 })
	return periods
}

// sourcesWanted says which figures' sources a table is built with.
type sourcesWanted int

const (
	noSources     sourcesWanted = iota // a page that shows none (the public's)
	newestSources                      // the newest period's (a measure's page)
	everySource                        // every figure's (the sources page)
)

// buildSeriesTable arranges observations by period and area, with the
// sources wanted.
func buildSeriesTable(m metrics.Metric, obs []metrics.Observation, wanted sourcesWanted) seriesTable {
	t := seriesTable{Periods: seriesPeriods(obs)}
	areaSeen := map[string]bool{}
	for _, o := range obs {
		if !areaSeen[o.Area] {
			areaSeen[o.Area] = true
			t.Areas = append(t.Areas, o.Area)
		}
	}
	sort.Strings(t.Areas)
	periodIdx := make(map[string]int, len(t.Periods))
	for i, p := range t.Periods {
		periodIdx[p.Key()] = i
	}
	areaIdx := map[string]int{}
	for i, a := range t.Areas {
		areaIdx[a] = i
	}
	t.Rows = make([]seriesRow, len(t.Periods))
	for i, p := range t.Periods {
		t.Rows[len(t.Rows)-1-i] = seriesRow{Period: p.Label(), Cells: make([]string, len(t.Areas))}
	}
	// Each figure, period label and upload time is written once, though
	// the table and the sources both show it: a page of 20 areas over
	// ten years has 2,400 of each, and many share an upload.
	decimals := metrics.KindOfUnit(m.Unit).Decimals()
	type instant struct {
		at  int64
		loc *time.Location
	}
	uploaded := map[instant]string{}
	// The sources go newest period first, each period's in the order
	// given: placed by counting, as sorting rows this wide cost as much
	// as all the rest of the table.
	rowOf := make([]int, len(obs))
	next := make([]int, len(t.Rows)+1)
	for i, o := range obs {
		rowOf[i] = len(t.Rows) - 1 - periodIdx[o.Period.Key()]
		next[rowOf[i]+1]++
	}
	for r := 1; r < len(next); r++ {
		next[r] += next[r-1]
	}
	switch wanted {
	case everySource:
		t.Sources = make([]sourceRow, len(obs))
	case newestSources:
		if len(t.Rows) > 0 {
			t.Sources = make([]sourceRow, next[1])
		}
	}
	for i, o := range obs {
		// Newest first: the row of the latest period is at the top.
		row := &t.Rows[rowOf[i]]
		figure := metrics.FormatFixed(o.Value, decimals)
		row.Cells[areaIdx[o.Area]] = figure
		at := o.Source.UploadedAt
		when, ok := uploaded[instant{at.UnixNano(), at.Location()}]
		if !ok {
			when = at.Format("2 Jan 2006 15:04")
			uploaded[instant{at.UnixNano(), at.Location()}] = when
		}
		if wanted == noSources || wanted == newestSources && rowOf[i] > 0 {
			continue
		}
		t.Sources[next[rowOf[i]]] = sourceRow{
			Period: row.Period, Area: o.Area, Value: figure,
			File: o.Source.File, Sheet: o.Source.Sheet, Cell: o.Source.Cell,
			Uploaded: when,
		}
		next[rowOf[i]]++
	}
	return t
}

// metricChart draws the series by period, one line per area, with the
// target as a line and the annotations marked.
func metricChart(m metrics.Metric, obs []metrics.Observation, t seriesTable, anns []metrics.Annotation) (*chart.ChartPanel, error) {
	if len(obs) == 0 {
		return nil, nil
	}
	labels := make([]string, len(t.Periods))
	idx := map[string]int{}
	for i, p := range t.Periods {
		labels[i] = p.Label()
		idx[p.Key()] = i
	}
	series := make([]chart.LineSeries, len(t.Areas))
	areaIdx := map[string]int{}
	for i, a := range t.Areas {
		series[i] = chart.LineSeries{Name: a, Values: make([]*float64, len(labels))}
		areaIdx[a] = i
	}
	for _, o := range obs {
		v := o.Value
		series[areaIdx[o.Area]].Values[idx[o.Period.Key()]] = &v
	}
	panel, err := chart.LineChartPanelWithMarks("chart-series", m.Name, m.Unit, labels, series, m.Target, "", chart.AnnotationMarks(anns, t.Periods))
	if err != nil {
		return nil, fmt.Errorf("chart of %s: %w", m.ID, err)
	}
	return &panel, nil
}

func (s *Server) handleMetric(c echo.Context) error {
	return s.renderShared(c, metricParams, func() (sharedPage, error) {
		p, err := s.metricPage(c)
		return sharedPage{name: "metric", data: &p, keep: p.asGiven}, err
	})
}

// metricPage builds a measure's page, ENOTFOUND when the reader may not
// see the measure.
func (s *Server) metricPage(c echo.Context) (metricPage, error) {
	ctx := c.Request().Context()
	m, err := s.store.GetMetric(ctx, auth.Scope(c), c.Param("id"))
	if err != nil {
		return metricPage{}, err
	}
	obs, err := s.series(ctx, auth.Scope(c), m)
	if err != nil {
		return metricPage{}, err
	}
	baselineYear, err := baselineYearParam(c)
	if err != nil {
		return metricPage{}, err
	}
	p := metricPage{Page: s.page(c, m.Name), Metric: m}
	p.Sensitive = m.Classification == metrics.Sensitive
	if m.Target != nil {
		p.Target = formatTarget(*m.Target, m.Unit)
	}
	// The choice of period and area limits the chart by period and the
	// tables; the analysis (how it stands, signal or noise) is of the
	// whole series, since process limits from a year's figures alone
	// would be other limits, and the page says so.
	if p.Choice, err = readTimePlace(c, view.AreasOf(obs), false); err != nil {
		return metricPage{}, err
	}
	p.Choice.keep(c, "baseline", "compare")
	shown := p.Choice.choose(obs)
	p.HasFigures, p.AllShown = len(obs) > 0, shownText(obs)
	p.Table = buildSeriesTable(m, shown, newestSources)
	p.SourcesShown = len(shown)
	// The context is of every period, shown or not. When every value is
	// shown (the page as first opened), those are the table's own; the
	// table is not built a second time for them.
	allPeriods := p.Table.Periods
	if len(shown) != len(obs) {
		allPeriods = seriesPeriods(obs)
	}
	var anns []metrics.Annotation
	if p.Context, anns, err = s.loadMetricContext(ctx, c, m, allPeriods); err != nil {
		return metricPage{}, err
	}
	if p.Chart, err = metricChart(m, shown, p.Table, anns); err != nil {
		return metricPage{}, err
	}
	area := metrics.HeadlineArea(view.AreasOf(obs), c.QueryParam("area"), s.settings(ctx).HomeArea)
	if p.Analysis, err = view.BuildAnalysis(m, obs, area, baselineYear, "chart", anns, 0); err != nil {
		return metricPage{}, err
	}
	p.Context.selectPeriod(p.Analysis.Period)
	compareYear := 0
	if c.QueryParam("baseline") != "" {
		compareYear = baselineYear
	}
	if p.Compare, err = view.BuildCompare(m, obs, area, c.QueryParam("compare"), compareYear); err != nil {
		return metricPage{}, err
	}
	if p.Reconciled, err = s.measureBesideIncidents(ctx, auth.Scope(c), m); err != nil {
		return metricPage{}, err
	}
	if m.Benchmark != nil {
		p.Benchmark = formatTarget(*m.Benchmark, m.Unit)
	}
	if p.Derived, p.Inputs, err = s.derivedFrom(ctx, auth.Scope(c), m); err != nil {
		return metricPage{}, err
	}
	areas := view.AreasOf(obs)
	p.asGiven = asGiven(c, "area", areas...) && asGiven(c, "compare", areas...) && asGiven(c, "baseline", strconv.Itoa(baselineYear))
	return p, nil
}
