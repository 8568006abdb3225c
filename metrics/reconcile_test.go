package metrics

import (
	"strings"
	"testing"
	"time"
)

func TestReconcileResponse(t *testing.T) {
	mar, feb := MonthOf(2022, time.March), MonthOf(2022, time.February)
	measure := []Observation{
		{Period: feb, Area: "North", Value: 15.5},
		{Period: mar, Area: "North", Value: 16},
		{Period: mar, Area: "South", Value: 14},
		{Period: mar, Area: "East", Value: 12}, // no incidents for East
	}
	inc := func(setting, area string, minutes float64) Incident {
		return Incident{ID: "x", Setting: setting, Area: area, Minutes: minutes}
	}
	months := []MonthIncidents{
		{Month: feb, Incidents: []Incident{inc("Urban", "North", 15)}},
		// Worked by hand: North's urban incidents are 10, 14 and 18
		// minutes (mean 14, median 14; two of three within 15 minutes,
		// 66.67%); the rural one and West's are left out. South's one
		// incident of 14 minutes agrees with its measure of 14.
		{Month: mar, Incidents: []Incident{inc("Urban", "North", 10), inc("urban", "North", 14), inc("Urban", "North", 18),
			inc("Rural", "North", 40), inc("Urban", "West", 30), inc("Urban", "South", 14.04)}},
	}
	got := ReconcileResponse(measure, months, "urban", 15)
	if len(got) != 2 {
		t.Fatalf("%d rows: %+v", len(got), got)
	}
	n, s := got[0], got[1]
	if n.Area != "North" || n.Month != mar || n.Measure != 16 || n.Stats.Count != 3 || !nearly(n.Stats.Mean, 14) || !nearly(n.Stats.Median, 14) ||
		!nearly(n.Stats.WithinTargetShare, 200.0/3) || n.Agree {
		t.Errorf("North = %+v", n)
	}
	want := "Mar 2022, North: the monthly measure is 16 minutes; the 3 urban incidents of that month: mean 14 minutes, median 14, 90th percentile"
	if !strings.HasPrefix(n.Sentence, want) || !strings.HasSuffix(n.Sentence, "66.67% attended within 15 minutes. They differ by 2 minutes.") {
		t.Errorf("North sentence = %q", n.Sentence)
	}
	if s.Area != "South" || !s.Agree || !strings.HasSuffix(s.Sentence, "The two agree.") {
		t.Errorf("South = %+v", s)
	}
	if !AnyDisagree(got) || AnyDisagree(got[1:]) {
		t.Errorf("AnyDisagree is wrong")
	}
	// No month in common: nothing to compare.
	if got := ReconcileResponse(measure, months[:0], "urban", 15); got != nil {
		t.Errorf("no incidents, still compared: %+v", got)
	}
	if got := ReconcileResponse(measure[:1], months[1:], "urban", 15); got != nil {
		t.Errorf("no month in common, still compared: %+v", got)
	}
}
