package view

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

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
type Standing struct {
	Area, Value       string
	RAG               metrics.RAG
	RAGWord, RAGClass string
	// BaselineYear is the year compared with; Baseline is nil when the
	// same period of that year has no value.
	BaselineYear  int
	Baseline      *Change
	VariationWord string
}

// SparkRow is one point of a sparkline in its table.
type SparkRow struct{ Period, Value string }

// TileAnalysis is what the overview adds to a tile's latest values.
type TileAnalysis struct {
	Standings []Standing
	// VariationIcon and AssuranceIcon are the Making Data Count icons of
	// the first area shown; State says what is true of it now.
	VariationIcon, AssuranceIcon *Icon
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
	SparkRows []SparkRow
}

// First is the standing of the area shown first (the home area's),
// nil when it has no value.
func (t TileAnalysis) First() *Standing {
	if len(t.Standings) == 0 {
		return nil
	}
	return &t.Standings[0]
}

// Exception reports whether the tile belongs under Exceptions.
func (t TileAnalysis) Exception() bool { return t.severity > metrics.SeverityNone }

// Severity is how serious an exception the tile is, for ordering. It is
// a method, not a field, so that a frozen board pack edition (JSON) keeps
// the layout it was published with.
func (t TileAnalysis) Severity() metrics.Severity { return t.severity }

// NewestOf is the latest period of each kind among the measures' latest
// periods, against which a measure is judged up to date.
func NewestOf(latest []store.LatestValue) map[metrics.PeriodKind]metrics.Period {
	periods := make([]metrics.Period, len(latest))
	for i, lv := range latest {
		periods[i] = lv.Period
	}
	return metrics.NewestPeriods(periods)
}

// AnalyseTile analyses the tile's measure from as: each area the
// tile shows (the force-wide one, or every area when there is none), its
// staleness against newest, and a sparkline with chart id sparkID (none
// when sparkID is "").
func AnalyseTile(t *Tile, lv store.LatestValue, as *Analyses, newest map[metrics.PeriodKind]metrics.Period, sparkID string) error {
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
		a := as.Of(area)
		analyses[i] = a
		if i == 0 {
			t.VariationIcon, t.AssuranceIcon, t.State = variationIcon(a.VariationIcon), assuranceIcon(a.Assurance), a.State
		}
		if !a.HasValue() {
			continue
		}
		t.Standings = append(t.Standings, Standing{
			Area: area, Value: metrics.FormatWithUnit(a.Latest.Value, m.Unit), RAG: a.RAG, RAGWord: a.RAG.Word(), RAGClass: RAGClass(a.RAG),
			BaselineYear: a.BaselineYear, Baseline: NewChange(m, a.Baseline), VariationWord: VariationWord(a.Variation),
		})
	}
	stale := metrics.IsStale(lv.Period, newest)
	if stale {
		n := newest[lv.Period.Kind]
		t.Stale = fmt.Sprintf("The latest figure is for %s; other measures reported by %s have %s.", lv.Period.Label(), KindWord(lv.Period.Kind), n.Label())
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
func (t *TileAnalysis) addSparkline(m metrics.Metric, a metrics.Analysis, id string) error {
	points := a.Points[max(0, len(a.Points)-sparklinePoints):]
	if len(points) < 2 {
		return nil
	}
	labels := make([]string, len(points))
	values := make([]*float64, len(points))
	for i, p := range points {
		v := p.Value
		labels[i], values[i] = p.Period.Label(), &v
		t.SparkRows = append(t.SparkRows, SparkRow{Period: p.Period.Label(), Value: metrics.FormatFigure(v, m.Unit)})
	}
	panel, err := chart.SparklinePanelRAG(id, m.Name+", "+a.Area, labels, values, ragName(a.RAG), m.Target)
	if err != nil {
		return fmt.Errorf("sparkline of %s: %w", m.ID, err)
	}
	t.Spark, t.SparkArea = &panel, a.Area
	return nil
}

// KindWord names a kind of period for a sentence: "month".
func KindWord(k metrics.PeriodKind) string {
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

// SplitExceptions puts the exceptions first, most serious first, each
// group in the order given (the catalogue's).
func SplitExceptions(tiles []Tile) (exceptions, others []Tile) {
	return metrics.ExceptionsFirst(tiles, func(t Tile) metrics.Severity { return t.severity })
}

// CategoriesOf lists the categories of the measures, in catalogue order,
// once each; measures without a category are left out.
func CategoriesOf(latest []store.LatestValue) []string {
	var out []string
	for _, lv := range latest {
		if c := lv.Metric.Category; c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// AddReason makes the tile an exception for reason, of severity sev:
// the overdue figures that the server's timeliness finds beside the reasons
// metrics.JudgeException gives.
func (t *TileAnalysis) AddReason(sev metrics.Severity, reason string) {
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

// Tile is one measure on the overview, and the head of each measure in
// the board pack.
type Tile struct {
	Metric metrics.Metric
	Period string
	// Values are the latest figures by area; Headline is the force-wide
	// one when there is one.
	Values   []AreaValue
	Headline *AreaValue
	Status   metrics.TargetStatus
	Target   string
	// National sets the home force beside the nation, for a measure of
	// a national table (several forces); nil otherwise.
	National *National
	// TileAnalysis is the standing against target, baseline and SPC,
	// and why the tile is an exception (see AnalyseTile).
	TileAnalysis
}

// AreaValue is a tile's latest figure for one area.
type AreaValue struct {
	Area  string
	Value string
	// Status against target, spelled out so it never rests on colour.
	Status metrics.TargetStatus
}

// National is a metrics.NationalComparison in words.
type National struct {
	Period, Home, Value, Nation, NationValue, Index string
	Rank, Of                                        int
}

// NewTile lays out a measure's latest values as its tile, with the home
// area of set as its headline; AnalyseTile then adds the analysis.
func NewTile(lv store.LatestValue, set metrics.Settings) Tile {
	t := Tile{Metric: lv.Metric, Status: metrics.NoTarget}
	if lv.Metric.Target != nil {
		t.Target = metrics.FormatTarget(*lv.Metric.Target, lv.Metric.Unit)
	}
	if len(lv.Values) == 0 {
		return t
	}
	t.Period = lv.Period.Label()
	areas := make([]string, len(lv.Values))
	for i, o := range lv.Values {
		areas[i] = o.Area
	}
	// The home area's figure (the setting), else the force-wide one,
	// else the only one. A measure of several areas, none of them
	// these, has no headline: each area is analysed and shown.
	home, _ := set.HomeAreaOf(areas)
	if len(areas) > 1 && !strings.EqualFold(home, set.HomeArea) && !metrics.IsForceWideArea(home) {
		home = ""
	}
	for _, o := range lv.Values {
		av := AreaValue{Area: o.Area, Value: metrics.FormatWithUnit(o.Value, lv.Metric.Unit), Status: metrics.AgainstTarget(lv.Metric, o.Value)}
		t.Values = append(t.Values, av)
		if o.Area == home {
			h := av
			t.Headline = &h
			t.Status = av.Status
		}
	}
	return t
}

// AddNational sets the home area beside the nation, when the measure
// ranks several forces and the home area is one of them.
func (t *Tile) AddNational(series []metrics.Observation) {
	if t.Headline == nil {
		return
	}
	m := t.Metric
	c, ok := metrics.CompareWithNation(m, series, t.Headline.Area)
	if !ok || c.Of < 3 {
		return
	}
	t.National = &National{Period: c.Period.Label(), Home: c.Home, Value: metrics.FormatWithUnit(c.Value, m.Unit), Nation: c.Nation,
		NationValue: metrics.FormatWithUnit(c.NationValue, m.Unit), Index: metrics.FormatFixed(c.Index, 0), Rank: c.Rank, Of: c.Of}
}

// LatestOf is a metric's latest period among obs and its values then, as
// store.Latest chooses it: the greatest start, then the period ending
// last, then the greater key; values in area order.
func LatestOf(m metrics.Metric, obs []metrics.Observation) store.LatestValue {
	lv := store.LatestValue{Metric: m}
	for _, o := range obs {
		if lv.Period.IsZero() || cmp.Or(o.Period.Start.Compare(lv.Period.Start), o.Period.End.Compare(lv.Period.End), cmp.Compare(o.Period.Key(), lv.Period.Key())) > 0 {
			lv.Period = o.Period
		}
	}
	for _, o := range obs {
		if o.Period.Kind == lv.Period.Kind && o.Period.Key() == lv.Period.Key() {
			if i := slices.IndexFunc(lv.Values, func(v metrics.Observation) bool { return v.Area == o.Area }); i >= 0 {
				lv.Values[i] = o // a later revision counts
				continue
			}
			lv.Values = append(lv.Values, o)
		}
	}
	slices.SortFunc(lv.Values, func(a, b metrics.Observation) int { return cmp.Compare(a.Area, b.Area) })
	return lv
}

// nationalMeasures are the six National Crime and Policing Measures, in
// their published order: listed first on the public pages and in Part 1
// of the board pack.
var nationalMeasures = []string{
	"Reduce murder and other homicide",
	"Reduce serious violence",
	"Disrupt drugs supply and county lines",
	"Reduce neighbourhood crime",
	"Tackle cyber crime",
	"Improve satisfaction among victims",
}

// IsNational reports whether a category is one of the six national
// measures (a catalogue may write them with small differences).
func IsNational(category string) (int, bool) {
	c := strings.ToLower(category)
	for i, m := range nationalMeasures {
		if strings.HasPrefix(c, strings.ToLower(m)) {
			return i, true
		}
	}
	return 0, false
}
