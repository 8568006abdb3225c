package metrics

import (
	"fmt"
	"math"
	"slices"
)

// One answer per question. A monthly response time measure (a figure the
// force reports, by area) and the incident-level rows of the same month
// answer the same question, "how quickly did officers arrive?", and the
// board must not read "off target" on one page and "within target" on
// another. The reconciliation sets them side by side for the same month,
// setting and area, and says whether they agree and, when they do not,
// why they may differ.

// ResponseDifferenceWhy says why a monthly measure and the incidents of
// the same month may differ, for a page to say once beside
// reconciliations that do not agree.
const ResponseDifferenceWhy = "Why they may differ: the measure is the figure reported in the performance workbook, while the incidents are the rows loaded with it, so the two need not count the same incidents or time them the same way. Read the measure for the trend and the incidents for the spread behind it."

// AnyDisagree reports whether any of rs does not agree.
func AnyDisagree(rs []ResponseReconciliation) bool {
	for _, r := range rs {
		if !r.Agree {
			return true
		}
	}
	return false
}

// MonthIncidents are the incidents of one month.
type MonthIncidents struct {
	Month     Period
	Incidents []Incident
}

// ResponseReconciliation sets a monthly measure's value beside the
// incidents of the same month, setting and area.
type ResponseReconciliation struct {
	Month   Period
	Setting string
	Area    string
	// Measure is the measure's value for Month and Area.
	Measure float64
	// Stats summarise the incidents of Month, Setting and Area against
	// Target.
	Stats  ResponseStats
	Target float64
	// Agree is set when the measure and the incidents' mean round to the
	// same tenth of a minute: the measure is reported as an average.
	Agree bool
	// Sentence says the comparison for a reader.
	Sentence string
}

// ReconcileResponse compares measure (a monthly response time measure's
// observations) with the incidents of setting ("urban" or "rural") for
// the latest month that both have, area by area where both have the
// area, areas in order. Incidents whose setting differs are left out,
// and so are incidents that cannot be measured. It returns nil when no
// month and area are in both. target is the setting's target in minutes.
func ReconcileResponse(measure []Observation, months []MonthIncidents, setting string, target float64) []ResponseReconciliation {
	value := map[string]map[string]float64{} // month key, area
	for _, o := range measure {
		if o.Period.Kind != Month || !finite(o.Value) {
			continue
		}
		if value[o.Period.Key()] == nil {
			value[o.Period.Key()] = map[string]float64{}
		}
		value[o.Period.Key()][o.Area] = o.Value
	}
	var latest *MonthIncidents
	byArea := map[string][]Incident{}
	for i := range months {
		m := &months[i]
		areas := map[string][]Incident{}
		for _, inc := range m.Incidents {
			if _, err := inc.ResponseMinutes(); err != nil || !sameWord(inc.Setting, setting) {
				continue
			}
			if _, ok := value[m.Month.Key()][inc.Area]; ok {
				areas[inc.Area] = append(areas[inc.Area], inc)
			}
		}
		if len(areas) > 0 && (latest == nil || ComparePeriods(m.Month, latest.Month) > 0) {
			latest, byArea = m, areas
		}
	}
	if latest == nil {
		return nil
	}
	targets := ResponseTargets{UrbanMinutes: target, RuralMinutes: target}
	var areas []string
	for a := range byArea {
		areas = append(areas, a)
	}
	slices.Sort(areas)
	var out []ResponseReconciliation
	for _, a := range areas {
		st, err := ResponseStatistics(byArea[a], targets, 0)
		if err != nil {
			continue
		}
		r := ResponseReconciliation{Month: latest.Month, Setting: setting, Area: a, Measure: value[latest.Month.Key()][a], Stats: st, Target: target}
		r.Agree = math.Round(r.Measure*10) == math.Round(st.Mean*10)
		head := fmt.Sprintf("%s, %s: the monthly measure is %s minutes; the %d %s %s of that month: mean %s minutes, median %s, 90th percentile %s, %s%% attended within %s minutes.",
			latest.Month.Label(), a, formatValue(r.Measure), st.Count, setting, plural(st.Count, "incident", "incidents"),
			formatValue(st.Mean), formatValue(st.Median), formatValue(st.P90), formatValue(st.WithinTargetShare), formatValue(target))
		if r.Agree {
			r.Sentence = head + " The two agree."
		} else {
			r.Sentence = head + fmt.Sprintf(" They differ by %s minutes.", formatValue(math.Abs(r.Measure-st.Mean)))
		}
		out = append(out, r)
	}
	return out
}

func sameWord(a, b string) bool { return normalizeWord(a) == normalizeWord(b) }
