package metrics

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Comparing areas of different sizes: a force of 60,000 crimes a year and
// England and Wales with 5 million cannot share an axis, but each can be
// indexed to its own value in a baseline period (baseline = 100), and then
// their trends can.

// IndexPoint is one period of two areas indexed to a common baseline.
type IndexPoint struct {
	Period Period
	// Values are the areas' values, in the order of Indexed.Areas.
	Values []float64
	// Index is each value / its baseline value * 100.
	Index []float64
}

// Indexed is two or more areas' series indexed to a baseline period.
type Indexed struct {
	Areas []string
	// Baseline is the period whose values are 100.
	Baseline Period
	// Points are the periods every area has a value for, in order, from
	// the first to the last (periods before the baseline included).
	Points []IndexPoint
}

// IndexAreas indexes the areas' values in obs to a baseline period: each
// value divided by the same area's value in the baseline period, times
// 100. Only periods in which every area has a value are compared, and only
// of one kind: the baseline's, or else the kind with the most such
// periods.
//
// baseline is the period to index to; a zero Period means the earliest
// period the areas have in common. ok is false when fewer than two areas
// are given, they share no period, the baseline is not a shared period,
// or an area's baseline value is zero (no index exists).
func IndexAreas(obs []Observation, areas []string, baseline Period) (Indexed, bool) {
	if len(areas) < 2 {
		return Indexed{}, false
	}
	values := map[string][]float64{} // period key -> value per area
	periods := map[string]Period{}
	seen := map[string][]bool{}
	for _, o := range obs {
		i := slices.Index(areas, o.Area)
		if i < 0 {
			continue
		}
		k := o.Period.Key()
		if values[k] == nil {
			values[k] = make([]float64, len(areas))
			seen[k] = make([]bool, len(areas))
			periods[k] = o.Period
		}
		values[k][i] = o.Value
		seen[k][i] = true
	}
	common := map[PeriodKind][]Period{}
	for k, s := range seen {
		if !slices.Contains(s, false) {
			p := periods[k]
			common[p.Kind] = append(common[p.Kind], p)
		}
	}
	// The kind with the most shared periods: a table of months that also
	// holds a year's total compares the months.
	var kind PeriodKind
	for k, ps := range common {
		if kind == "" || len(ps) > len(common[kind]) || len(ps) == len(common[kind]) && k < kind {
			kind = k
		}
	}
	if !baseline.IsZero() {
		kind = baseline.Kind
	}
	shared := common[kind]
	if len(shared) == 0 {
		return Indexed{}, false
	}
	sort.Slice(shared, func(i, j int) bool { return ComparePeriods(shared[i], shared[j]) < 0 })
	if baseline.IsZero() {
		baseline = shared[0]
	}
	base, ok := values[baseline.Key()]
	if !ok || slices.Contains(seen[baseline.Key()], false) || slices.Contains(base, 0) {
		return Indexed{}, false
	}
	out := Indexed{Areas: areas, Baseline: periods[baseline.Key()]}
	for _, p := range shared {
		v := values[p.Key()]
		pt := IndexPoint{Period: p, Values: v, Index: make([]float64, len(v))}
		for i := range v {
			pt.Index[i] = v[i] * 100 / base[i]
		}
		out.Points = append(out.Points, pt)
	}
	return out, true
}

// Ranked is one area's place in a ranking.
type Ranked struct {
	// Rank counts from 1; areas with equal values share a rank, and the
	// next rank skips (1, 2, 2, 4).
	Rank  int
	Area  string
	Value float64
}

// Ranking is the areas of one period in order.
type Ranking struct {
	Period Period
	// Direction is the metric's: LowerIsBetter ranks the lowest first,
	// HigherIsBetter the highest; NoDirection also puts the highest
	// first, as a list by size rather than by merit.
	Direction Direction
	Rows      []Ranked
}

// RankAreas ranks the areas of obs in the latest period that at least two
// of them share, leaving out the areas skip reports (such as national
// totals, which are not peers of the forces). ok is false when no period
// has two areas to rank.
func RankAreas(obs []Observation, dir Direction, skip func(area string) bool) (Ranking, bool) {
	// Each period's areas are counted first and only the chosen
	// period's gathered: a measure of 20 areas over ten years would
	// otherwise gather 2,400 rows to rank 20, on every first rendering
	// of its page.
	type tally struct {
		period Period
		areas  int
	}
	tallies := map[string]*tally{}
	keys := make([]string, len(obs))
	for i, o := range obs {
		if skip != nil && skip(o.Area) {
			continue
		}
		keys[i] = o.Period.Key()
		t := tallies[keys[i]]
		if t == nil {
			t = &tally{period: o.Period}
			tallies[keys[i]] = t
		}
		t.areas++
	}
	var best Period
	for _, t := range tallies {
		if t.areas < 2 {
			continue
		}
		p := t.period
		if best.IsZero() || p.End.After(best.End) || p.End.Equal(best.End) && ComparePeriods(p, best) > 0 {
			best = p
		}
	}
	if best.IsZero() {
		return Ranking{}, false
	}
	bestKey := best.Key()
	rows := make([]Ranked, 0, tallies[bestKey].areas)
	for i, o := range obs {
		if keys[i] != bestKey || skip != nil && skip(o.Area) {
			continue
		}
		rows = append(rows, Ranked{Area: o.Area, Value: o.Value})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Value != rows[j].Value {
			if dir == LowerIsBetter {
				return rows[i].Value < rows[j].Value
			}
			return rows[i].Value > rows[j].Value
		}
		return rows[i].Area < rows[j].Area
	})
	for i := range rows {
		rows[i].Rank = i + 1
		if i > 0 && rows[i].Value == rows[i-1].Value {
			rows[i].Rank = rows[i-1].Rank
		}
	}
	return Ranking{Period: best, Direction: dir, Rows: rows}, true
}

// NationalComparison sets a home force beside the nation in one period:
// a national table's measure as one line of a scorecard.
type NationalComparison struct {
	Period Period
	Home   string
	Value  float64
	// Nation names what the home force is set against: a national total
	// the table has ("England and Wales"), or, when it has none, the
	// average of the forces ranked.
	Nation      string
	NationValue float64
	// NationIsAverage is true when NationValue is the forces' average,
	// not a published national total.
	NationIsAverage bool
	// Index is Value as a share of NationValue, times 100: 110 is 10%
	// above the nation. It is 0 when NationValue is 0.
	Index float64
	// Rank is the home force's place among Of forces, in the measure's
	// direction (RankAreas).
	Rank, Of int
}

// CompareWithNation compares home with the nation in m's latest period
// that the ranking of forces has. A national total is the nation only
// for a rate or percentage: a count of England and Wales is the sum of
// the forces, and a force is then set against their average instead.
// ok is false when home is not among the areas ranked, or there are
// fewer than two.
func CompareWithNation(m Metric, obs []Observation, home string) (NationalComparison, bool) {
	r, ok := RankAreas(obs, m.Direction, IsTotalArea)
	if !ok {
		return NationalComparison{}, false
	}
	c := NationalComparison{Period: r.Period, Home: home, Of: len(r.Rows)}
	found := false
	sum := 0.0
	for _, row := range r.Rows {
		sum += row.Value
		if strings.EqualFold(row.Area, home) {
			c.Home, c.Value, c.Rank, found = row.Area, row.Value, row.Rank, true
		}
	}
	if !found {
		return NationalComparison{}, false
	}
	c.Nation, c.NationValue, c.NationIsAverage = fmt.Sprintf("the average of the %d forces", len(r.Rows)), sum/float64(len(r.Rows)), true
	for _, o := range obs {
		if KindOfUnit(m.Unit) == KindCount {
			break
		}
		if IsNationalArea(o.Area) && o.Period.Key() == r.Period.Key() {
			// The widest total the table has: England and Wales before
			// England alone.
			if !c.NationIsAverage && len(o.Area) <= len(c.Nation) {
				continue
			}
			c.Nation, c.NationValue, c.NationIsAverage = o.Area, o.Value, false
		}
	}
	if c.NationValue != 0 {
		c.Index = c.Value / c.NationValue * 100
	}
	return c, true
}
