package view

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/metrics"
)

// Compare sets one area beside another on a metric's page, each
// indexed to its own value in a baseline period, so that a force and
// England and Wales can share an axis; and ranks the forces in the
// latest period a national table gives them for.
type Compare struct {
	Area, With string
	// Others are the areas the page may compare Area with.
	Others   []string
	Baseline string
	// Note explains a baseline that could not be used as asked.
	Note  string
	Chart *chart.ChartPanel
	Rows  []CompareRow
	// Latest is the last row's change since the baseline, in words.
	Latest string
	// Ranking is nil unless at least three areas other than national
	// totals and force-wide totals share a period.
	Ranking *Ranking
}

// CompareRow is one period of the compare chart in its table.
type CompareRow struct {
	Period                                   string
	AreaValue, AreaIndex, WithValue, WithIdx string
}

// Ranking lists the forces in the latest period they share.
type Ranking struct {
	Period string
	// Order says how the list is ordered, in words.
	Order string
	Rows  []RankRow
	// Place is the compared area's rank in words, or "".
	Place string
}

// RankRow is one area's place in a Ranking.
type RankRow struct {
	Rank     int
	Area     string
	Value    string
	Selected bool
}

// BuildCompare builds the compare view of area against with (default:
// England and Wales when the series has it, else the first other area).
// baselineYear, when not zero, asks for the baseline period of that year
// matching the latest shared period (see metrics.BaselinePeriod); the
// default baseline is the earliest shared period. It returns nil when the
// series has one area.
func BuildCompare(m metrics.Metric, obs []metrics.Observation, area, with string, baselineYear int) (*Compare, error) {
	areas := AreasOf(obs)
	if len(areas) < 2 || !slices.Contains(areas, area) {
		return nil, nil
	}
	v := &Compare{Area: area}
	for _, a := range areas {
		if a != area {
			v.Others = append(v.Others, a)
		}
	}
	if with == "" || with == area || !slices.Contains(areas, with) {
		with = v.Others[0]
		for _, a := range v.Others {
			if metrics.IsNationalArea(a) {
				with = a
				break
			}
		}
	}
	v.With = with
	pair := []string{area, with}
	ix, ok := metrics.IndexAreas(obs, pair, metrics.Period{})
	if ok && baselineYear != 0 {
		last := ix.Points[len(ix.Points)-1].Period
		if bp, found := metrics.BaselinePeriod(last, baselineYear); found {
			if chosen, ok := metrics.IndexAreas(obs, pair, bp); ok {
				ix = chosen
			} else {
				v.Note = fmt.Sprintf("%s and %s do not both have a non-zero figure for %s, so both are indexed to %s instead.", area, with, bp.Label(), ix.Baseline.Label())
			}
		}
	}
	if !ok {
		v.Note = fmt.Sprintf("%s and %s have no period in common with a non-zero figure for both, so they cannot be indexed.", area, with)
	} else if err := v.fill(m, ix); err != nil {
		return nil, err
	}
	v.Ranking = buildRanking(m, obs, area)
	return v, nil
}

func (v *Compare) fill(m metrics.Metric, ix metrics.Indexed) error {
	v.Baseline = ix.Baseline.Label()
	labels := make([]string, len(ix.Points))
	series := []chart.LineSeries{{Name: v.Area}, {Name: v.With}}
	for i, pt := range ix.Points {
		labels[i] = pt.Period.Label()
		a, w := pt.Index[0], pt.Index[1]
		series[0].Values = append(series[0].Values, &a)
		series[1].Values = append(series[1].Values, &w)
		v.Rows = append(v.Rows, CompareRow{
			Period:    pt.Period.Label(),
			AreaValue: metrics.FormatFigure(pt.Values[0], m.Unit), AreaIndex: formatIndex(a),
			WithValue: metrics.FormatFigure(pt.Values[1], m.Unit), WithIdx: formatIndex(w),
		})
	}
	last := ix.Points[len(ix.Points)-1]
	if len(ix.Points) > 1 {
		v.Latest = fmt.Sprintf("In %s, %s stood at %s and %s at %s (%s = 100).",
			last.Period.Label(), v.Area, formatIndex(last.Index[0]), v.With, formatIndex(last.Index[1]), v.Baseline)
	}
	hundred := 100.0
	panel, err := chart.LineChartPanel("chart-compare", fmt.Sprintf("%s: %s and %s, %s = 100", m.Name, v.Area, v.With, v.Baseline),
		"index", labels, series, &hundred, fmt.Sprintf("Baseline, %s (100)", v.Baseline))
	if err != nil {
		return fmt.Errorf("compare chart of %s: %w", m.ID, err)
	}
	v.Chart = &panel
	return nil
}

// formatIndex writes an index to one decimal place.
func formatIndex(x float64) string {
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// buildRanking ranks the areas other than national and force-wide totals
// in their latest shared period, when there are at least three.
func buildRanking(m metrics.Metric, obs []metrics.Observation, selected string) *Ranking {
	r, ok := metrics.RankAreas(obs, m.Direction, metrics.IsTotalArea)
	if !ok || len(r.Rows) < 3 {
		return nil
	}
	v := &Ranking{Period: r.Period.Label()}
	switch m.Direction {
	case metrics.LowerIsBetter:
		v.Order = "lowest first, since lower is better"
	case metrics.HigherIsBetter:
		v.Order = "highest first, since higher is better"
	default:
		v.Order = "highest first (neither higher nor lower is better for this measure)"
	}
	for _, row := range r.Rows {
		v.Rows = append(v.Rows, RankRow{Rank: row.Rank, Area: row.Area, Value: metrics.FormatFigure(row.Value, m.Unit), Selected: row.Area == selected})
		if row.Area == selected {
			v.Place = fmt.Sprintf("%s is ranked %d of %d.", selected, row.Rank, len(r.Rows))
		}
	}
	return v
}
