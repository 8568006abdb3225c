package dashboard

import (
	"context"
	"time"

	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// Timeliness on the overview and in the board pack: a measure whose
// figures are due and missing, by its schedule (metrics.Late), is an
// exception that names the period missing and who owns it. And a measure
// whose figures come from national tables is judged "not up to date"
// only against other national tables, never against the force's own
// figures, which come months sooner.

// freshness is what judging timeliness needs: the schedules, the
// calendar and the day to judge on. The zero value judges nothing by
// schedule and compares every measure with every other, as before
// schedules.
type freshness struct {
	schedules map[string]store.MeasureSchedule
	cal       *metrics.Calendar
	// day is the end of which figures are judged; zero for none.
	day time.Time
}

// freshnessOn reads the schedules the viewer may see, to judge on day.
func (s *Server) freshnessOn(ctx context.Context, scope metrics.Scope, day time.Time) (freshness, error) {
	scheds, err := s.store.MeasureSchedules(ctx, scope)
	if err != nil {
		return freshness{}, err
	}
	return freshness{schedules: scheds, cal: s.calendar, day: metrics.Day(day)}, nil
}

// national reports whether a measure's figures come from national tables.
func (f freshness) national(id string) bool {
	sc, ok := f.schedules[id]
	if !ok {
		return false
	}
	if sc.Set != nil {
		return sc.Set.National
	}
	return sc.National
}

// Newest is, for each measure, the latest periods it is compared with
// to say whether it is up to date: those of the national tables for a
// national measure, those of the rest for the others.
func (f freshness) Newest(latest []store.LatestValue) func(id string) map[metrics.PeriodKind]metrics.Period {
	var local, national []store.LatestValue
	for _, lv := range latest {
		if f.national(lv.Metric.ID) {
			national = append(national, lv)
		} else {
			local = append(local, lv)
		}
	}
	l, n := view.NewestOf(local), view.NewestOf(national)
	return func(id string) map[metrics.PeriodKind]metrics.Period {
		if f.national(id) {
			return n
		}
		return l
	}
}

// late is the measure's lateness on the day, if its figures are due and
// missing.
func (f freshness) late(lv store.LatestValue) (metrics.Lateness, bool) {
	if f.day.IsZero() || lv.Period.IsZero() {
		return metrics.Lateness{}, false
	}
	sc := f.schedules[lv.Metric.ID].For(lv.Period.Kind)
	return metrics.Late(lv.Metric, lv.Period, sc, f.cal, f.day)
}

// Apply marks a tile whose figures are overdue: an exception saying
// which period is missing, since when, and who owns it.
func (f freshness) Apply(t *view.Tile, lv store.LatestValue) {
	l, late := f.late(lv)
	if !late {
		return
	}
	if t.Stale != "" {
		t.Stale += " "
	}
	t.Stale += l.Sentence()
	t.AddReason(metrics.SeverityStale, "Figures overdue")
}

// lateList is every measure late on the day, in the order given.
func (f freshness) lateList(latest []store.LatestValue) []metrics.Lateness {
	var out []metrics.Lateness
	for _, lv := range latest {
		if l, late := f.late(lv); late {
			out = append(out, l)
		}
	}
	return out
}
