package dashboard

import (
	"time"

	"github.com/assure-pcc/assure/metrics"
)

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
	// Variation and Assurance are the Making Data Count icons: null
	// without an XmR chart, and Assurance without a target or a
	// direction of good.
	Variation *apiVariation `json:"variation"`
	Assurance *apiAssurance `json:"assurance"`
	// State says what is true now; Benchmark compares the value with the
	// measure's benchmark (null without one).
	State     string        `json:"state"`
	Benchmark *apiBenchmark `json:"benchmark"`
}

type apiVariation struct {
	Category string `json:"category"`
	// Side is "high", "low", or "" for common cause.
	Side string `json:"side"`
	Icon string `json:"icon"`
	Text string `json:"text"`
}

type apiAssurance struct {
	Category string  `json:"category"`
	Icon     string  `json:"icon"`
	Text     string  `json:"text"`
	Target   float64 `json:"target"`
}

type apiBenchmark struct {
	Benchmark float64 `json:"benchmark"`
	Label     string  `json:"label"`
	// Side is "above", "below" or "level with"; Better and Worse follow
	// the direction of good.
	Side   string `json:"side"`
	Better bool   `json:"better"`
	Worse  bool   `json:"worse"`
}

// apiSegment is a stretch of the chart with limits of its own.
type apiSegment struct {
	FromPeriod string  `json:"from_period"`
	ToPeriod   string  `json:"to_period"`
	Mean       float64 `json:"mean"`
	UpperLimit float64 `json:"upper_limit"`
	LowerLimit float64 `json:"lower_limit"`
	Points     int     `json:"points"`
	// Reliable is false for provisional limits (fewer than 15 points).
	Reliable bool `json:"reliable"`
	// Reason is why the limits were recalculated from FromPeriod, ""
	// for the first segment.
	Reason string `json:"reason"`
}

// apiSuggestion proposes a change point where a shift persists.
type apiSuggestion struct {
	Period   string `json:"period"`
	Run      int    `json:"run"`
	Side     string `json:"side"`
	Sentence string `json:"sentence"`
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
	// Segments are the stretches with their own mean and limits, in
	// order: one unless change points recalculated the limits; the mean
	// and limits above are the last one's.
	Segments []apiSegment `json:"segments"`
	// Pending are the dates of change points that wait for more points.
	Pending []string `json:"pending"`
	// Suggestion proposes a change point; null when no shift persists.
	Suggestion *apiSuggestion `json:"suggestion"`
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
func toAPIAnalysis(m metrics.Metric, a metrics.Analysis) *apiAnalysis {
	if !a.HasValue() {
		return nil
	}
	out := &apiAnalysis{
		Area: a.Area, Period: a.Latest.Period.Key(), Value: a.Latest.Value,
		TargetStatus: string(a.TargetStatus), RAG: string(a.RAG), BaselineYear: a.BaselineYear,
		Baseline: toAPIChange(a.Baseline), YearOnYear: toAPIChange(a.YearOnYear), State: a.State,
	}
	if v := a.VariationIcon; v.Icon != "" {
		out.Variation = &apiVariation{Category: v.Category, Side: v.Side, Icon: v.Icon, Text: v.Text}
	}
	if as := a.Assurance; as != nil {
		out.Assurance = &apiAssurance{Category: as.Category, Icon: as.Icon, Text: as.Text, Target: *m.Target}
	}
	if b := a.Benchmark; b != nil {
		out.Benchmark = &apiBenchmark{Benchmark: b.Benchmark, Label: m.BenchmarkLabel, Side: b.Side, Better: b.Better, Worse: b.Worse}
	}
	if x := a.XmR; x != nil {
		out.SPC = &apiSPC{
			Mean: x.Mean, UpperLimit: x.UpperLimit, LowerLimit: x.LowerLimit, Reliable: x.Reliable,
			Points: len(x.Points), Variation: a.Variation, Signals: []apiSignal{}, Segments: []apiSegment{}, Pending: []string{},
		}
		for _, s := range x.Segments {
			out.SPC.Segments = append(out.SPC.Segments, apiSegment{
				FromPeriod: x.Points[s.From].Period.Key(), ToPeriod: x.Points[s.To].Period.Key(),
				Mean: s.Mean, UpperLimit: s.UpperLimit, LowerLimit: s.LowerLimit, Points: s.Points, Reliable: s.Reliable, Reason: s.Reason,
			})
		}
		for _, c := range x.Pending {
			out.SPC.Pending = append(out.SPC.Pending, c.Start.Format(time.DateOnly))
		}
		if s := a.Suggestion; s != nil {
			out.SPC.Suggestion = &apiSuggestion{Period: s.Period.Key(), Run: s.Run, Side: s.Side, Sentence: s.Sentence}
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
