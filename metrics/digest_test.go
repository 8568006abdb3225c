package metrics

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// series of a lower-is-better measure by month from April 2020: steady
// round 15 for n months, then the values in tail.
func monthlySeries(id, area string, n int, tail ...float64) []Observation {
	var out []Observation
	p := MonthOf(2020, time.April)
	for i := range n + len(tail) {
		v := 15 + float64(i%3)*0.1
		if i >= n {
			v = tail[i-n]
		}
		out = append(out, Observation{MetricID: id, Area: area, Period: p, Value: v})
		p = p.Next()
	}
	return out
}

func stateOf(m Metric, series []Observation, meeting time.Time) MeasureState {
	obs := EndedBefore(series, meeting)
	a := Analyse(m, obs, "Force", 0, DefaultTolerance)
	var latest []Observation
	for _, o := range obs {
		if o.Period.Key() == a.Latest.Period.Key() {
			latest = append(latest, o)
		}
	}
	return MeasureStateOf(m, a, latest, 36)
}

// The digest between two packs holding a revision, a signal, a RAG
// change and a finance movement.
func TestCompareTwoPacks(t *testing.T) {
	target := 15.5
	resp := Metric{ID: "response-urban", Name: "Immediate response, urban", Direction: LowerIsBetter, Target: &target, Classification: Sensitive}
	calls := Metric{ID: "calls-999", Name: "999 calls", Direction: NoDirection, Classification: Open}
	oct, feb := date("2021-10-12"), date("2022-02-10")
	// Response times steady to September 2021 (18 months), then, by
	// the February board, seven months well above: a shift and points
	// beyond the limit, off target.
	was := monthlySeries(resp.ID, "Force", 18)
	now := monthlySeries(resp.ID, "Force", 18, 17, 17.2, 17.1, 17.3, 17, 17.2, 17.4)
	// September 2021 was reported as 15.2 and is revised to 15.9.
	for i := range now {
		if now[i].Period.Key() == "2021-09" {
			now[i].Value = 15.9
		}
	}
	callsSeries := monthlySeries(calls.ID, "Force", 24)
	wasState := PackState{Meeting: oct, Measures: []MeasureState{stateOf(resp, was, oct), stateOf(calls, callsSeries, oct)},
		Finance: FinanceStateOf(FinancePeriod{FYStart: 2021, Month: 5}, []RevenueLine{
			{BusinessArea: "Local Policing", BudgetGBP: 71_240_000, ForecastGBP: 71_752_000},
			{BusinessArea: "OPCC", BudgetGBP: 1_412_000, ForecastGBP: 1_322_000},
			{BusinessArea: "Mutual Aid", BudgetGBP: 0, ForecastGBP: -500_000},
		}, DefaultBudgetThresholds)}
	nowState := PackState{Meeting: feb, Measures: []MeasureState{stateOf(resp, now, feb), stateOf(calls, callsSeries, feb)},
		Finance: FinanceStateOf(FinancePeriod{FYStart: 2021, Month: 9}, []RevenueLine{
			{BusinessArea: "Local policing", BudgetGBP: 71_240_000, ForecastGBP: 71_752_000},
			{BusinessArea: "OPCC", BudgetGBP: 1_412_000, ForecastGBP: 1_370_000},
			{BusinessArea: "Mutual Aid", BudgetGBP: 0, ForecastGBP: -800_000},
		}, DefaultBudgetThresholds)}
	if wasState.Measures[0].RAG != Green || nowState.Measures[0].RAG != Red {
		t.Fatalf("the fixture: RAG %s then %s, want green then red", wasState.Measures[0].RAG, nowState.Measures[0].RAG)
	}
	d := Compare(wasState, nowState)

	if len(d.Revisions) != 1 {
		t.Fatalf("revisions %+v, want September's", d.Revisions)
	}
	if r := d.Revisions[0]; r.MetricID != resp.ID || r.Period != "2021-09" || r.Was != 15.2 || r.Now != 15.9 || r.Area != "Force" {
		t.Errorf("revision %+v", r)
	}
	if len(d.RAGChanges) != 1 || d.RAGChanges[0].From != Green || d.RAGChanges[0].To != Red || d.RAGChanges[0].ToPeriod != "2022-01" {
		t.Errorf("RAG changes %+v", d.RAGChanges)
	}
	if len(d.NewlyOffTarget) != 1 || d.NewlyOffTarget[0].MetricID != resp.ID {
		t.Errorf("newly off target %+v", d.NewlyOffTarget)
	}
	var rules []string
	for _, s := range d.NewSignals {
		if s.MetricID != resp.ID || !s.Signal.Concern || !s.Signal.Active {
			t.Errorf("new signal %+v", s)
		}
		rules = append(rules, s.Signal.Rule)
	}
	if len(rules) == 0 {
		t.Error("no new signal")
	}
	if len(d.EndedSignals) != 0 {
		t.Errorf("ended signals %+v", d.EndedSignals)
	}
	f := d.Finance
	if f == nil || f.FromPeriod != "M5 2021/22" || f.ToPeriod != "M9 2021/22" {
		t.Fatalf("finance %+v", f)
	}
	// Mutual aid moved most (300k more income), then OPCC (48k less
	// underspend); Local Policing, spelt differently, did not move.
	want := []AreaMovement{
		{Area: "Mutual Aid", WasVarianceGBP: -500_000, NowVarianceGBP: -800_000, WasPresent: true, NowPresent: true},
		{Area: "OPCC", WasVarianceGBP: -90_000, NowVarianceGBP: -42_000, WasPresent: true, NowPresent: true},
	}
	if !reflect.DeepEqual(f.Areas, want) {
		t.Errorf("areas %+v\nwant %+v", f.Areas, want)
	}
	if f.Total.MovementGBP() != -300_000+48_000 {
		t.Errorf("total movement %d", f.Total.MovementGBP())
	}
	if d.Empty() {
		t.Error("the digest says nothing changed")
	}

	// A pack compared with itself has nothing to say.
	same := Compare(nowState, nowState)
	if !same.Empty() || len(same.NewSignals) != 0 {
		t.Errorf("a pack compared with itself: %+v", same)
	}
}

func TestEndedSignals(t *testing.T) {
	s := func(active bool) MeasureState {
		return MeasureState{MetricID: "m", Name: "M", Area: "Force", Period: "2022-01", RAG: NoRAG,
			Signals: []SignalState{{Rule: RuleShift, Side: SideHigh, From: "2021-06", To: "2021-12", Active: active, Concern: true}}}
	}
	d := Compare(PackState{Measures: []MeasureState{s(true)}}, PackState{Measures: []MeasureState{s(false)}})
	if len(d.EndedSignals) != 1 || len(d.NewSignals) != 0 {
		t.Errorf("ended %+v new %+v", d.EndedSignals, d.NewSignals)
	}
	// A run that grew since is the same signal, not a new one.
	grown := s(true)
	grown.Signals[0].To = "2022-01"
	if d := Compare(PackState{Measures: []MeasureState{s(true)}}, PackState{Measures: []MeasureState{grown}}); len(d.NewSignals)+len(d.EndedSignals) != 0 {
		t.Errorf("a grown run: new %+v ended %+v", d.NewSignals, d.EndedSignals)
	}
}

func TestDigestActions(t *testing.T) {
	bcb := "Business Co-ordination Board"
	dec := Meeting{Date: date("2021-12-16"), Title: bcb}
	noon := func(s string) time.Time { return date(s).Add(12 * time.Hour) }
	done := Action{ID: 1, Meeting: dec, Status: ActionDone, ClosedAt: noon("2022-01-20"), Updates: []ActionUpdate{{At: noon("2021-12-16"), Status: ActionOpen}, {At: noon("2022-01-20"), Status: ActionDone}}}
	late := Action{ID: 2, Meeting: dec, Status: ActionOpen, Due: date("2022-01-31"), Updates: []ActionUpdate{{At: noon("2021-12-16"), Status: ActionOpen}}}
	onTime := Action{ID: 3, Meeting: dec, Status: ActionOpen, Due: date("2022-03-31"), Updates: []ActionUpdate{{At: noon("2021-12-16"), Status: ActionOpen}}}
	d := Digest{Since: dec.Date}
	d.AddActions([]Action{done, late, onTime}, date("2022-02-10"))
	if len(d.ActionsClosed) != 1 || d.ActionsClosed[0].ID != 1 || len(d.ActionsOverdue) != 1 || d.ActionsOverdue[0].ID != 2 {
		t.Errorf("closed %v overdue %v", d.ActionsClosed, d.ActionsOverdue)
	}
}

func TestAlertsBetween(t *testing.T) {
	target := 15.5
	resp := Metric{ID: "response-urban", Name: "Immediate response, urban", Direction: LowerIsBetter, Target: &target, Classification: Sensitive}
	before := monthlySeries(resp.ID, "Force", 18)
	after := monthlySeries(resp.ID, "Force", 18, 17, 17.2, 17.1, 17.3, 17, 17.2, 17.4)
	day := date("2022-03-01")
	was := AlertState{Pack: PackState{Measures: []MeasureState{stateOf(resp, before, day)},
		Finance: FinanceStateOf(FinancePeriod{FYStart: 2021, Month: 8}, []RevenueLine{{BusinessArea: "Local Policing", BudgetGBP: 1_000_000, ForecastGBP: 990_000}}, DefaultBudgetThresholds)}}
	now := AlertState{Pack: PackState{Measures: []MeasureState{stateOf(resp, after, day)},
		Finance: FinanceStateOf(FinancePeriod{FYStart: 2021, Month: 9}, []RevenueLine{{BusinessArea: "Local Policing", BudgetGBP: 1_000_000, ForecastGBP: 1_020_000}}, DefaultBudgetThresholds)},
		Late: []Lateness{{MetricID: "calls-999", Name: "999 calls", Classification: Open, Missing: MonthOf(2022, time.January), Due: date("2022-02-21"), Count: 1}}}
	got := map[AlertKind][]AlertEvent{}
	for _, e := range AlertsBetween(was, now) {
		got[e.Kind] = append(got[e.Kind], e)
	}
	if len(got[AlertConcern]) == 0 || got[AlertConcern][0].Classification != Sensitive {
		t.Errorf("concern alerts %+v", got[AlertConcern])
	}
	if len(got[AlertRed]) != 1 || got[AlertRed][0].Dedupe != "red:response-urban:Force:2022-02" {
		t.Errorf("red alerts %+v", got[AlertRed])
	}
	if len(got[AlertFinance]) != 1 || got[AlertFinance][0].Classification != Sensitive || got[AlertFinance][0].Dedupe != "finance:M9 2021/22:red" {
		t.Errorf("finance alerts %+v", got[AlertFinance])
	}
	if len(got[AlertOverdue]) != 1 || got[AlertOverdue][0].Classification != Open || got[AlertOverdue][0].Dedupe != "overdue:calls-999:2022-01" {
		t.Errorf("overdue alerts %+v", got[AlertOverdue])
	}
	// Nothing changed: nothing to say.
	if again := AlertsBetween(now, now); len(again) != 0 {
		t.Errorf("alerts with no change: %+v", again)
	}
	kinds, err := ParseAlertKinds("red, concern", "overdue,red")
	if err != nil || fmt.Sprint(kinds) != "[concern red overdue]" {
		t.Errorf("ParseAlertKinds = %v %v", kinds, err)
	}
	if _, err := ParseAlertKinds("everything"); err == nil {
		t.Error("an unknown kind was read")
	}
}
