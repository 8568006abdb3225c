package dashboard

import (
	"fmt"
	"slices"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// What makes a measure an exception, and how serious, is the domain's
// (metrics.JudgeException); here each tile is analysed and told in words.

// sparklinePoints is how many of the latest values a tile's sparkline
// draws: a year of months, enough to see a direction.
const sparklinePoints = 12

// standing is one analysed area of a tile's measure.
type standing struct {
	Area, Value       string
	RAG               metrics.RAG
	RAGWord, RAGClass string
	// BaselineYear is the year compared with; Baseline is nil when the
	// same period of that year has no value.
	BaselineYear  int
	Baseline      *changeView
	VariationWord string
}

type sparkRow struct{ Period, Value string }

// tileAnalysis is what the overview adds to a tile's latest values.
type tileAnalysis struct {
	Standings []standing
	// VariationIcon and AssuranceIcon are the Making Data Count icons of
	// the first area shown; State says what is true of it now.
	VariationIcon, AssuranceIcon *mdcIcon
	State                        string
	// Stale says in words that the measure is not up to date, "" when it
	// is.
	Stale string
	// Reasons name why the tile is an exception, in words; empty for a
	// measure that is not one.
	Reasons  []string
	severity metrics.Severity
	// Spark is a sparkline of SparkArea's latest values, nil when there
	// are fewer than two; SparkRows are its figures.
	Spark     *chart.ChartPanel
	SparkArea string
	SparkRows []sparkRow
}

// First is the standing of the area shown first (the home area's),
// nil when it has no value.
func (t tileAnalysis) First() *standing {
	if len(t.Standings) == 0 {
		return nil
	}
	return &t.Standings[0]
}

// Exception reports whether the tile belongs under Exceptions.
func (t tileAnalysis) Exception() bool { return t.severity > metrics.SeverityNone }

// newestOf is the latest period of each kind among the measures' latest
// periods, against which a measure is judged up to date.
func newestOf(latest []store.LatestValue) map[metrics.PeriodKind]metrics.Period {
	periods := make([]metrics.Period, len(latest))
	for i, lv := range latest {
		periods[i] = lv.Period
	}
	return metrics.NewestPeriods(periods)
}

// analyseTile analyses the tile's measure from its series: each area the
// tile shows (the force-wide one, or every area when there is none), its
// staleness against newest, and a sparkline with chart id sparkID (none
// when sparkID is "").
func analyseTile(t *tile, lv store.LatestValue, series []metrics.Observation, newest map[metrics.PeriodKind]metrics.Period, sparkID string, changes []metrics.ChangePoint) error {
	m := lv.Metric
	// The headline area alone when it stands for the whole force (or is
	// the only one); else every area, the headline's first, since any
	// may be the exception.
	var areas []string
	if t.Headline != nil {
		areas = []string{t.Headline.Area}
	}
	if t.Headline == nil || !metrics.IsForceWideArea(t.Headline.Area) && !hasForceWide(lv.Values) {
		for _, o := range lv.Values {
			if t.Headline == nil || o.Area != t.Headline.Area {
				areas = append(areas, o.Area)
			}
		}
	}
	analyses := make([]metrics.Analysis, len(areas))
	for i, area := range areas {
		a := metrics.AnalyseWith(m, series, area, metrics.AnalysisOptions{BaselineYear: metrics.DefaultBaselineYear, Tolerance: metrics.DefaultTolerance, ChangePoints: changes})
		analyses[i] = a
		if i == 0 {
			t.VariationIcon, t.AssuranceIcon, t.State = variationIcon(a.VariationIcon), assuranceIcon(a.Assurance), a.State
		}
		if !a.HasValue() {
			continue
		}
		t.Standings = append(t.Standings, standing{
			Area: area, Value: formatValue(a.Latest.Value, m.Unit), RAG: a.RAG, RAGWord: a.RAG.Word(), RAGClass: ragClass(a.RAG),
			BaselineYear: a.BaselineYear, Baseline: newChangeView(m, a.Baseline), VariationWord: variationWord(a.Variation),
		})
	}
	stale := metrics.IsStale(lv.Period, newest)
	if stale {
		n := newest[lv.Period.Kind]
		t.Stale = fmt.Sprintf("The latest figure is for %s; other measures reported by %s have %s.", lv.Period.Label(), kindWord(lv.Period.Kind), n.Label())
	}
	ex := metrics.JudgeException(analyses, stale)
	t.Reasons, t.severity = ex.Reasons, ex.Severity
	if sparkID == "" {
		return nil
	}
	var first metrics.Analysis
	if len(analyses) > 0 {
		first = analyses[0]
	}
	return t.addSparkline(m, first, sparkID)
}

// addSparkline draws the latest values of the analysed area.
func (t *tileAnalysis) addSparkline(m metrics.Metric, a metrics.Analysis, id string) error {
	points := a.Points[max(0, len(a.Points)-sparklinePoints):]
	if len(points) < 2 {
		return nil
	}
	labels := make([]string, len(points))
	values := make([]*float64, len(points))
	for i, p := range points {
		v := p.Value
		labels[i], values[i] = p.Period.Label(), &v
		t.SparkRows = append(t.SparkRows, sparkRow{Period: p.Period.Label(), Value: formatFigure(v, m.Unit)})
	}
	rag := ""
	switch a.RAG {
	case metrics.Green:
		rag = "green"
	case metrics.Amber:
		rag = "amber"
	case metrics.Red:
		rag = "red"
	}
	panel, err := chart.SparklinePanelRAG(id, m.Name+", "+a.Area, labels, values, rag, m.Target)
	if err != nil {
		return fmt.Errorf("sparkline of %s: %w", m.ID, err)
	}
	t.Spark, t.SparkArea = &panel, a.Area
	return nil
}

// kindWord names a kind of period for a sentence: "month".
func kindWord(k metrics.PeriodKind) string {
	switch k {
	case metrics.Month:
		return "month"
	case metrics.Quarter:
		return "quarter"
	case metrics.FinancialYear:
		return "financial year"
	case metrics.CalendarYear:
		return "year"
	case metrics.YearEnding:
		return "year ending"
	}
	return "period"
}

// splitExceptions puts the exceptions first, most serious first, each
// group in the order given (the catalogue's).
func splitExceptions(tiles []tile) (exceptions, others []tile) {
	return metrics.ExceptionsFirst(tiles, func(t tile) metrics.Severity { return t.severity })
}

// categoriesOf lists the categories of the measures, in catalogue order,
// once each; measures without a category are left out.
func categoriesOf(latest []store.LatestValue) []string {
	var out []string
	for _, lv := range latest {
		if c := lv.Metric.Category; c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// addReason makes the tile an exception for reason, of severity sev:
// the overdue figures that timeliness.go finds beside the reasons
// metrics.JudgeException gives.
func (t *tileAnalysis) addReason(sev metrics.Severity, reason string) {
	t.severity = max(t.severity, sev)
	if !slices.Contains(t.Reasons, reason) {
		t.Reasons = append(t.Reasons, reason)
	}
}

// hasForceWide reports whether some value is of a force-wide area.
func hasForceWide(values []metrics.Observation) bool {
	for _, o := range values {
		if metrics.IsForceWideArea(o.Area) {
			return true
		}
	}
	return false
}
