package dashboard

import "github.com/assure-pcc/assure/metrics"

// apiAnalysis is a series' analysis in the JSON API: one area's latest
// value against its target, the baseline year and the year before, and
// its XmR chart with the special causes found. Fields that cannot be
// worked out (no value for the baseline period, too few points for an
// XmR chart) are null.
type apiAnalysis struct {
	Area         string     `json:"area"`
	Period       string     `json:"period"`
	Value        float64    `json:"value"`
	TargetStatus string     `json:"target_status"`
	RAG          string     `json:"rag"`
	BaselineYear int        `json:"baseline_year"`
	Baseline     *apiChange `json:"baseline"`
	YearOnYear   *apiChange `json:"year_on_year"`
	SPC          *apiSPC    `json:"spc"`
}

// apiChange is a metrics.Change; Percent is null when the base is zero.
type apiChange struct {
	BasePeriod string   `json:"base_period"`
	Base       float64  `json:"base"`
	Current    float64  `json:"current"`
	Absolute   float64  `json:"absolute"`
	Percent    *float64 `json:"percent"`
}

type apiSPC struct {
	Mean       float64 `json:"mean"`
	UpperLimit float64 `json:"upper_limit"`
	LowerLimit float64 `json:"lower_limit"`
	// Reliable is false for trial limits (fewer than 15 points).
	Reliable bool `json:"reliable"`
	Points   int  `json:"points"`
	// Variation is the category of the latest point.
	Variation string      `json:"variation"`
	Signals   []apiSignal `json:"signals"`
}

type apiSignal struct {
	Rule        string `json:"rule"`
	FromPeriod  string `json:"from_period"`
	ToPeriod    string `json:"to_period"`
	Side        string `json:"side"`
	Improvement bool   `json:"improvement"`
	Concern     bool   `json:"concern"`
	Sentence    string `json:"sentence"`
}

// toAPIAnalysis is a's JSON form, nil when the area had no values.
func toAPIAnalysis(a metrics.Analysis) *apiAnalysis {
	if !a.HasValue() {
		return nil
	}
	out := &apiAnalysis{
		Area: a.Area, Period: a.Latest.Period.Key(), Value: a.Latest.Value,
		TargetStatus: string(a.TargetStatus), RAG: string(a.RAG), BaselineYear: a.BaselineYear,
		Baseline: toAPIChange(a.Baseline), YearOnYear: toAPIChange(a.YearOnYear),
	}
	if x := a.XmR; x != nil {
		out.SPC = &apiSPC{
			Mean: x.Mean, UpperLimit: x.UpperLimit, LowerLimit: x.LowerLimit, Reliable: x.Reliable,
			Points: len(x.Points), Variation: a.Variation, Signals: []apiSignal{},
		}
		for _, s := range a.Signals {
			out.SPC.Signals = append(out.SPC.Signals, apiSignal{
				Rule: s.Rule, FromPeriod: x.Points[s.From].Period.Key(), ToPeriod: x.Points[s.To].Period.Key(),
				Side: s.Side, Improvement: s.Improvement, Concern: s.Concern, Sentence: s.Sentence,
			})
		}
	}
	return out
}

func toAPIChange(c *metrics.Change) *apiChange {
	if c == nil {
		return nil
	}
	return &apiChange{BasePeriod: c.BasePeriod.Key(), Base: c.Base, Current: c.Current, Absolute: c.Absolute, Percent: c.Percent}
}
