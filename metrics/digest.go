package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// What changed since the last meeting. A PackState is what the board
// was shown at a meeting, reduced to what can be compared: each
// measure's standing (its latest period, rating against target and the
// special causes on its chart) and the figures it reported, and the
// revenue monitoring by business area. The digest of two states says
// what is new: signals begun and ended, ratings changed, measures newly
// off target, figures revised since they were reported, and the
// movement of the forecast variance by business area; with the action
// log, the actions closed and those overdue.

// PackState is what a board pack showed, or would have shown.
type PackState struct {
	// Meeting is the date of the meeting it was for.
	Meeting time.Time `json:"meeting"`
	// Measures are in catalogue order.
	Measures []MeasureState `json:"measures"`
	// Finance is the revenue monitoring month shown, nil when none.
	Finance *FinanceState `json:"finance,omitempty"`
}

// MeasureState is one measure's standing in a pack.
type MeasureState struct {
	MetricID       string         `json:"metric_id"`
	Name           string         `json:"name"`
	Classification Classification `json:"classification"`
	// Area is the area the standing is of: the force-wide one, or the
	// first.
	Area string `json:"area"`
	// Period is the latest period (its Key).
	Period string `json:"period"`
	RAG    RAG    `json:"rag"`
	// Signals are the special causes on the area's chart.
	Signals []SignalState `json:"signals,omitempty"`
	// Values are the figures the pack reported: the area's charted
	// periods and every area's latest.
	Values []ValueState `json:"values,omitempty"`
}

// SignalState is a special cause, by the periods it spans.
type SignalState struct {
	Rule string `json:"rule"`
	Side string `json:"side"`
	// From and To are the period keys of its first and last points.
	From string `json:"from"`
	To   string `json:"to"`
	// Active is true when the signal covers the latest point.
	Active      bool   `json:"active"`
	Concern     bool   `json:"concern"`
	Improvement bool   `json:"improvement"`
	Sentence    string `json:"sentence"`
}

// ValueState is one reported figure.
type ValueState struct {
	Area   string  `json:"area"`
	Period string  `json:"period"`
	Label  string  `json:"label"`
	Value  float64 `json:"value"`
}

// FinanceState is a revenue monitoring month by business area.
type FinanceState struct {
	Period string             `json:"period"`
	Lines  []FinanceLineState `json:"lines"`
	Status BudgetStatus       `json:"status"`
	Total  FinanceLineState   `json:"total"`
}

// FinanceLineState is one business area's budget and forecast, pounds.
type FinanceLineState struct {
	Area        string `json:"area"`
	BudgetGBP   int64  `json:"budget_gbp"`
	ForecastGBP int64  `json:"forecast_gbp"`
}

// VarianceGBP is forecast − budget.
func (l FinanceLineState) VarianceGBP() int64 { return l.ForecastGBP - l.BudgetGBP }

// MeasureStateOf reduces an analysis to what a digest compares. window
// is how many of the latest charted periods count as reported (the pack
// charts 36); latest holds every area's values of the latest period.
func MeasureStateOf(m Metric, a Analysis, latest []Observation, window int) MeasureState {
	s := MeasureState{MetricID: m.ID, Name: m.Name, Classification: m.Classification, Area: a.Area, RAG: a.RAG}
	if !a.HasValue() {
		return s
	}
	s.Period = a.Latest.Period.Key()
	pts := a.Points
	for _, sig := range a.Signals {
		if sig.From < 0 || sig.To >= len(pts) {
			continue
		}
		s.Signals = append(s.Signals, SignalState{Rule: sig.Rule, Side: sig.Side, From: pts[sig.From].Period.Key(), To: pts[sig.To].Period.Key(),
			Active: sig.To == len(pts)-1, Concern: sig.Concern, Improvement: sig.Improvement, Sentence: sig.Sentence})
	}
	for _, p := range pts[max(0, len(pts)-window):] {
		s.Values = append(s.Values, ValueState{Area: a.Area, Period: p.Period.Key(), Label: p.Period.Label(), Value: p.Value})
	}
	for _, o := range latest {
		if o.Area == a.Area {
			continue
		}
		s.Values = append(s.Values, ValueState{Area: o.Area, Period: o.Period.Key(), Label: o.Period.Label(), Value: o.Value})
	}
	return s
}

// FinanceStateOf is the revenue monitoring of a month, rated by t.
func FinanceStateOf(p FinancePeriod, lines []RevenueLine, t BudgetThresholds) *FinanceState {
	f := &FinanceState{Period: p.Label()}
	for _, l := range lines {
		f.Lines = append(f.Lines, FinanceLineState{Area: l.BusinessArea, BudgetGBP: l.BudgetGBP, ForecastGBP: l.ForecastGBP})
		f.Total.BudgetGBP += l.BudgetGBP
		f.Total.ForecastGBP += l.ForecastGBP
	}
	f.Total.Area = "Total"
	f.Status = BudgetRAG(f.Total.VarianceGBP(), f.Total.BudgetGBP, t)
	return f
}

// Digest is what changed between two packs.
type Digest struct {
	// Since is the earlier pack's meeting; Now the later one's.
	Since, Now time.Time
	// NewSignals are special causes active now that the earlier pack
	// did not have; EndedSignals those active then and no longer.
	NewSignals, EndedSignals []SignalChange
	// RAGChanges are the measures whose rating against target moved;
	// NewlyOffTarget those now off target (red) that were not.
	RAGChanges, NewlyOffTarget []RAGChange
	// Revisions are figures reported then that differ now.
	Revisions []Revision
	// Finance is the movement of the revenue forecast, nil when either
	// pack had no monitoring month.
	Finance *FinanceMovement
	// NewMeasures have figures now and had none then.
	NewMeasures []string
	// ActionsClosed were closed since the earlier meeting; ActionsOverdue
	// are open past their due date.
	ActionsClosed, ActionsOverdue []Action
}

// SignalChange is a signal begun or ended on a measure.
type SignalChange struct {
	MetricID, Name, Area string
	Classification       Classification
	Signal               SignalState
}

// RAGChange is a measure whose rating moved.
type RAGChange struct {
	MetricID, Name, Area string
	Classification       Classification
	From, To             RAG
	// FromPeriod and ToPeriod are the latest periods rated.
	FromPeriod, ToPeriod string
}

// Revision is a reported figure that has changed since.
type Revision struct {
	MetricID, Name, Area string
	Classification       Classification
	Period, Label        string
	Was, Now             float64
}

// FinanceMovement is how the revenue forecast moved between two months.
type FinanceMovement struct {
	FromPeriod, ToPeriod string
	FromStatus, ToStatus BudgetStatus
	Total                AreaMovement
	// Areas are the business areas whose variance moved, the largest
	// movement first; an area in one month only counts from zero.
	Areas []AreaMovement
}

// AreaMovement is one business area's variance then and now.
type AreaMovement struct {
	Area                   string
	WasVarianceGBP         int64
	NowVarianceGBP         int64
	WasPresent, NowPresent bool
}

// MovementGBP is the change of the variance: positive towards overspend.
func (a AreaMovement) MovementGBP() int64 { return a.NowVarianceGBP - a.WasVarianceGBP }

// Empty reports whether nothing changed.
func (d Digest) Empty() bool {
	return len(d.NewSignals)+len(d.EndedSignals)+len(d.RAGChanges)+len(d.Revisions)+len(d.NewMeasures)+len(d.ActionsClosed)+len(d.ActionsOverdue) == 0 &&
		(d.Finance == nil || (len(d.Finance.Areas) == 0 && d.Finance.FromPeriod == d.Finance.ToPeriod))
}

// revisionTolerance is the smallest change of a figure that counts as a
// revision, relative to its size: a figure read back through a decimal
// form is not revised.
const revisionTolerance = 1e-9

// Compare is the digest of was (the earlier pack) and now. Measures are
// matched by id; signals by rule and side and the periods they span
// overlapping, since a run grows as months come and its limits move.
func Compare(was, now PackState) Digest {
	d := Digest{Since: was.Meeting, Now: now.Meeting}
	old := map[string]MeasureState{}
	for _, m := range was.Measures {
		old[m.MetricID] = m
	}
	for _, n := range now.Measures {
		w, ok := old[n.MetricID]
		if n.Period == "" {
			continue
		}
		if !ok || w.Period == "" {
			d.NewMeasures = append(d.NewMeasures, n.Name)
			w = MeasureState{RAG: NoRAG}
		}
		for _, s := range n.Signals {
			if s.Active && !overlapsAny(s, w.Signals, false) {
				d.NewSignals = append(d.NewSignals, SignalChange{MetricID: n.MetricID, Name: n.Name, Area: n.Area, Classification: n.Classification, Signal: s})
			}
		}
		for _, s := range w.Signals {
			if s.Active && !overlapsAny(s, n.Signals, true) {
				d.EndedSignals = append(d.EndedSignals, SignalChange{MetricID: n.MetricID, Name: n.Name, Area: w.Area, Classification: n.Classification, Signal: s})
			}
		}
		from, to := cmp.Or(w.RAG, NoRAG), cmp.Or(n.RAG, NoRAG)
		if from != to && ok {
			c := RAGChange{MetricID: n.MetricID, Name: n.Name, Area: n.Area, Classification: n.Classification, From: from, To: to, FromPeriod: w.Period, ToPeriod: n.Period}
			d.RAGChanges = append(d.RAGChanges, c)
			if to == Red {
				d.NewlyOffTarget = append(d.NewlyOffTarget, c)
			}
		} else if !ok && to == Red {
			d.NewlyOffTarget = append(d.NewlyOffTarget, RAGChange{MetricID: n.MetricID, Name: n.Name, Area: n.Area, Classification: n.Classification, From: NoRAG, To: to, ToPeriod: n.Period})
		}
		current := map[[2]string]ValueState{}
		for _, v := range n.Values {
			current[[2]string{v.Area, v.Period}] = v
		}
		for _, v := range w.Values {
			c, ok := current[[2]string{v.Area, v.Period}]
			if ok && math.Abs(c.Value-v.Value) > revisionTolerance*max(1, math.Abs(v.Value)) {
				d.Revisions = append(d.Revisions, Revision{MetricID: n.MetricID, Name: n.Name, Area: v.Area, Classification: n.Classification,
					Period: v.Period, Label: v.Label, Was: v.Value, Now: c.Value})
			}
		}
	}
	d.Finance = financeMovement(was.Finance, now.Finance)
	return d
}

// overlapsAny reports whether s matches a signal of others: the same
// rule and side over overlapping periods (compared as keys, which sort
// within a kind). With active, only an active signal of others counts.
func overlapsAny(s SignalState, others []SignalState, active bool) bool {
	for _, o := range others {
		if o.Rule == s.Rule && o.Side == s.Side && o.From <= s.To && s.From <= o.To && (!active || o.Active) {
			return true
		}
	}
	return false
}

func financeMovement(was, now *FinanceState) *FinanceMovement {
	if was == nil || now == nil {
		return nil
	}
	f := &FinanceMovement{FromPeriod: was.Period, ToPeriod: now.Period, FromStatus: was.Status, ToStatus: now.Status,
		Total: AreaMovement{Area: "Total", WasVarianceGBP: was.Total.VarianceGBP(), NowVarianceGBP: now.Total.VarianceGBP(), WasPresent: true, NowPresent: true}}
	byArea := map[string]*AreaMovement{}
	var order []string
	key := func(s string) string { return boardKey(s) }
	for _, l := range was.Lines {
		k := key(l.Area)
		byArea[k] = &AreaMovement{Area: l.Area, WasVarianceGBP: l.VarianceGBP(), WasPresent: true}
		order = append(order, k)
	}
	for _, l := range now.Lines {
		k := key(l.Area)
		a, ok := byArea[k]
		if !ok {
			a = &AreaMovement{Area: l.Area}
			byArea[k] = a
			order = append(order, k)
		}
		a.Area, a.NowVarianceGBP, a.NowPresent = l.Area, l.VarianceGBP(), true
	}
	for _, k := range order {
		if a := byArea[k]; a.MovementGBP() != 0 || a.WasPresent != a.NowPresent {
			f.Areas = append(f.Areas, *a)
		}
	}
	slices.SortStableFunc(f.Areas, func(a, b AreaMovement) int {
		return cmp.Compare(absInt(b.MovementGBP()), absInt(a.MovementGBP()))
	})
	return f
}

func absInt(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// AddActions sets the actions closed since the earlier meeting and those
// overdue at the end of asOf, from the action log of the later meeting.
func (d *Digest) AddActions(log []Action, asOf time.Time) {
	for _, a := range log {
		switch {
		case a.StatusAt(asOf).Closed() && !a.ClosedOn().Before(Day(d.Since)):
			d.ActionsClosed = append(d.ActionsClosed, a)
		case a.OverdueOn(asOf):
			d.ActionsOverdue = append(d.ActionsOverdue, a)
		}
	}
}

// Describe says a RAG change in words: "Off target, was On target".
func (c RAGChange) Describe() string {
	return fmt.Sprintf("%s, was %s", c.To.Word(), c.From.Word())
}
