package metrics

import (
	"math"
	"strings"
	"testing"
	"time"
)

// monthly makes chart points for consecutive months from start.
func monthly(start Period, values ...float64) []SPCPoint {
	out := make([]SPCPoint, len(values))
	p := start
	for i, v := range values {
		out[i] = SPCPoint{Period: p, Value: v}
		p = p.Next()
	}
	return out
}

// The baseline used by the rule tests below, worked by hand: 12, 10, 12,
// 10, 12, 10 has mean 11 and five moving ranges of 2, so mR̄ = 2; the
// limits are 11 ± 2.66 × 2 = 5.68 and 16.32; two sigma is
// (2/3) × 5.32 = 3.5466..., so "close to a limit" means above 14.5466...
// or below 7.4533... . The first point is Oct 2020, so the seventh is
// Apr 2021 and the thirteenth Oct 2021.
var ruleBaseline = []float64{12, 10, 12, 10, 12, 10}

func ruleChart(t *testing.T, after ...float64) XmR {
	t.Helper()
	x, err := ComputeXmR(monthly(MonthOf(2020, time.October), append(append([]float64(nil), ruleBaseline...), after...)...), 0, len(ruleBaseline))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestComputeXmR(t *testing.T) {
	tests := []struct {
		name                 string
		values               []float64
		from, to             int
		mean, amr, upl, lpl  float64
		reliable             bool
		wantFrom, wantTo     int
		roundedUPL, roundLPL float64 // published limits to 2 decimals, or 0
	}{
		// From NHSRplotthedots, vignette "Deviations from Excel
		// defaults": the data 1, 2, 1, 2, 10, 1, 2, ..., 1 (18 points)
		// with screen_outliers = FALSE, which "produces the same output
		// as Excel" (the Making Data Count tool), gives UPL 6.95, mean
		// 1.94, LPL -3.06. Worked by hand: the sum is 35, so the mean is
		// 35/18; the 17 moving ranges are 1, 1, 1, 8, 9 and twelve 1s,
		// 32 in all, so mR̄ = 32/17.
		{"Making Data Count example", []float64{1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1}, 0, 0,
			35.0 / 18, 32.0 / 17, 35.0/18 + 2.66*32/17, 35.0/18 - 2.66*32/17, true, 0, 18, 6.95, -3.06},
		// Worked by hand: the rule tests' baseline (see ruleBaseline).
		{"six-point baseline", ruleBaseline, 0, 0, 11, 2, 16.32, 5.68, false, 0, 6, 0, 0},
		// Worked by hand: limits from the first three points only
		// (4, 6, 5: mean 5, ranges 2 and 1, mR̄ 1.5, limits 5 ± 3.99);
		// the later 20 and 30 do not move them.
		{"fixed baseline", []float64{4, 6, 5, 20, 30}, 0, 3, 5, 1.5, 8.99, 1.01, false, 0, 3, 0, 0},
		// Worked by hand: a later baseline, 20, 30, 25: mean 25, ranges
		// 10 and 5, mR̄ 7.5, limits 25 ± 19.95.
		{"later baseline", []float64{4, 6, 20, 30, 25}, 2, 5, 25, 7.5, 44.95, 5.05, false, 2, 5, 0, 0},
		// Worked by hand: three equal values have no spread: the limits
		// are the mean.
		{"no variation", []float64{7, 7, 7}, 0, 0, 7, 0, 7, 7, false, 0, 3, 0, 0},
		// Worked by hand: 14 points 1..14 are one short of reliable;
		// mean 7.5, every range 1.
		{"fourteen points", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, 0, 0, 7.5, 1, 10.16, 4.84, false, 0, 14, 0, 0},
		// Worked by hand: 15 points 1..15 are enough to be reliable;
		// mean 8, every range 1.
		{"fifteen points", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 0, 0, 8, 1, 10.66, 5.34, true, 0, 15, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := monthly(MonthOf(2021, time.April), tt.values...)
			x, err := ComputeXmR(in, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if !near(x.Mean, tt.mean) || !near(x.AvgMovingRange, tt.amr) || !near(x.UpperLimit, tt.upl) || !near(x.LowerLimit, tt.lpl) {
				t.Errorf("mean %v mR̄ %v limits %v..%v; want %v %v %v..%v", x.Mean, x.AvgMovingRange, x.LowerLimit, x.UpperLimit, tt.mean, tt.amr, tt.lpl, tt.upl)
			}
			if x.Reliable != tt.reliable || x.BaselineFrom != tt.wantFrom || x.BaselineTo != tt.wantTo {
				t.Errorf("reliable %t baseline %d..%d; want %t %d..%d", x.Reliable, x.BaselineFrom, x.BaselineTo, tt.reliable, tt.wantFrom, tt.wantTo)
			}
			if tt.roundedUPL != 0 && (formatValue(x.UpperLimit) != formatValue(tt.roundedUPL) || formatValue(x.LowerLimit) != formatValue(tt.roundLPL)) {
				t.Errorf("limits to 2 decimals %s..%s, published %v..%v", formatValue(x.LowerLimit), formatValue(x.UpperLimit), tt.roundLPL, tt.roundedUPL)
			}
			// Moving ranges: none for the first point, then |difference|.
			if len(x.Points) != len(in) || x.Points[0].MovingRange != nil {
				t.Fatalf("points = %+v", x.Points)
			}
			for i := 1; i < len(in); i++ {
				d := in[i].Value - in[i-1].Value
				if d < 0 {
					d = -d
				}
				if mr := x.Points[i].MovingRange; mr == nil || *mr != d {
					t.Errorf("moving range %d = %v, want %v", i, mr, d)
				}
				if in[i].MovingRange != nil {
					t.Errorf("ComputeXmR changed its input")
				}
			}
		})
	}
}

func TestComputeXmRErrors(t *testing.T) {
	pts := monthly(MonthOf(2021, time.April), 1, 2, 3, 4)
	nan := monthly(MonthOf(2021, time.April), 1, 2, 3)
	nan[1].Value = math.NaN()
	// Worked by hand: each breaks one stated rule.
	tests := []struct {
		name     string
		points   []SPCPoint
		from, to int
		says     string
	}{
		{"no points", nil, 0, 0, "range"},
		{"two points", pts[:2], 0, 0, "at least 3 points"},
		{"two-point baseline", pts, 1, 3, "at least 3 points"},
		{"baseline past the end", pts, 0, 5, "range"},
		{"negative start", pts, -1, 3, "range"},
		{"empty baseline", pts, 3, 3, "range"},
		{"NaN value", nan, 0, 0, "May 2021"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ComputeXmR(tt.points, tt.from, tt.to)
			if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tt.says) {
				t.Errorf("error = %v, want EINVALID saying %q", err, tt.says)
			}
		})
	}
}

func TestSignals(t *testing.T) {
	type sig struct {
		rule     string
		from, to int
		side     string
	}
	tests := []struct {
		name  string
		after []float64
		want  []sig
	}{
		// Worked by hand: 12, 13, 12, 13, 12, 13, 12 are 7 points above
		// the mean 11 (the baseline ends on 10, below it), none rising
		// for long and none near the limit of 16.32.
		{"shift of 7", []float64{12, 13, 12, 13, 12, 13, 12}, []sig{{RuleShift, 6, 12, SideHigh}}},
		{"6 above is not a shift", []float64{12, 13, 12, 13, 12, 13, 10}, nil},
		// Worked by hand: 11 equals the mean, so it splits the run into 3
		// and 4.
		{"a point on the mean breaks a shift", []float64{12, 13, 12, 11, 13, 12, 13, 12}, nil},
		{"shift below", []float64{9, 10, 9, 10, 9, 10, 9}, []sig{{RuleShift, 5, 12, SideLow}}},
		// Worked by hand: 10 (the last baseline point), 10.5, 11, 11.5,
		// 12, 12.5, 13 rise 6 times: 7 points, indices 5 to 11. No shift:
		// 11 sits on the mean.
		{"trend of 7", []float64{10.5, 11, 11.5, 12, 12.5, 13}, []sig{{RuleTrend, 5, 11, SideHigh}}},
		{"6 rising is not a trend", []float64{10.5, 11.5, 12, 12.5, 13}, nil},
		// Worked by hand: 11 then 11 again does not continue the trend:
		// runs of 3 (10, 10.5, 11) and 6 (the second 11, 11.5, ...,
		// 13.5); counting the repeated 11 would make 7. Only 5 points
		// (11.5 to 13.5) are above the mean.
		{"a repeated value breaks a trend", []float64{10.5, 11, 11, 11.5, 12, 12.5, 13, 13.5}, nil},
		// Worked by hand: points on the mean are on neither side, so
		// seven of them are no shift, and repeated values no trend.
		{"points on the mean are no shift", []float64{11, 11, 11, 11, 11, 11, 11}, nil},
		// Worked by hand: 12 (index 4) falls to 10 (index 5, the last of
		// the baseline), then 9.5, 9, 8.5, 8, 7.8, 7.6 (indices 6 to 11):
		// a falling run of eight points, 4 to 11. Indices 5 to 11 are
		// all below the mean 11, a shift of 7. 7.6 is not below 7.45, so
		// no point is close to the lower limit.
		{"falling trend and shift", []float64{9.5, 9, 8.5, 8, 7.8, 7.6}, []sig{{RuleTrend, 4, 11, SideLow}, {RuleShift, 5, 11, SideLow}}},
		// Worked by hand: 15 and 15.5 are above 14.55 and below 16.32,
		// with 12 between them, all above the mean.
		{"two of three high", []float64{15, 12, 15.5}, []sig{{RuleTwoOfThree, 6, 8, SideHigh}}},
		{"two of three, adjacent", []float64{12, 15, 15.5, 12}, []sig{{RuleTwoOfThree, 7, 8, SideHigh}}},
		// Worked by hand: 7 and 7.2 are below 7.45 and above 5.68.
		{"two of three low", []float64{7, 10, 7.2}, []sig{{RuleTwoOfThree, 6, 8, SideLow}}},
		// Worked by hand: 10 is below the mean, so the window is not all
		// on one side (the Making Data Count tools require it).
		{"two of three needs one side", []float64{15, 10, 15.5}, nil},
		// Worked by hand: 17 is outside, not close, so only one point
		// is close; 17 is its own signal.
		{"outside is not close", []float64{15, 17, 12}, []sig{{RuleOutsideLimits, 7, 7, SideHigh}}},
		// Worked by hand: 15, 15.2, 12, 15.4 makes windows (6..8) and
		// (7..9) overlap: one signal from 6 to 9.
		{"overlapping windows merge", []float64{15, 15.2, 12, 15.4}, []sig{{RuleTwoOfThree, 6, 9, SideHigh}}},
		// Worked by hand: 16.32 is on the limit, so inside (but close);
		// 5 is below 5.68.
		{"on the limit is inside", []float64{16.32, 5}, []sig{{RuleOutsideLimits, 7, 7, SideLow}}},
		{"common cause", []float64{12, 10, 11.5, 10.5}, nil},
		// Worked by hand: 17, 17.5 and 16.5 are all above 16.32: one
		// run, one signal; 5 below 5.68 right after is a run of its own.
		{"a run outside is one signal", []float64{17, 17.5, 16.5, 5}, []sig{{RuleOutsideLimits, 6, 8, SideHigh}, {RuleOutsideLimits, 9, 9, SideLow}}},
		// Worked by hand: 12 between them is inside, so two signals.
		{"a point inside ends a run", []float64{17, 12, 17}, []sig{{RuleOutsideLimits, 6, 6, SideHigh}, {RuleOutsideLimits, 8, 8, SideHigh}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Signals(ruleChart(t, tt.after...), LowerIsBetter)
			var gs []sig
			for _, s := range got {
				gs = append(gs, sig{s.Rule, s.From, s.To, s.Side})
				if s.Sentence == "" {
					t.Errorf("signal %+v has no sentence", s)
				}
			}
			if len(gs) != len(tt.want) {
				t.Fatalf("signals = %+v, want %+v", gs, tt.want)
			}
			for i := range gs {
				if gs[i] != tt.want[i] {
					t.Errorf("signal %d = %+v, want %+v", i, gs[i], tt.want[i])
				}
			}
		})
	}
}

func TestSignalsMakingDataCountExample(t *testing.T) {
	// From NHSRplotthedots, "Deviations from Excel defaults": in the
	// Excel-equivalent chart the fifth point (10) is the only special
	// cause point, shown as an improvement (the package's default
	// direction is that higher is better).
	x, err := ComputeXmR(monthly(MonthOf(2021, time.March), 1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := Signals(x, HigherIsBetter)
	if len(got) != 1 || got[0].Rule != RuleOutsideLimits || got[0].From != 4 || got[0].Side != SideHigh || !got[0].Improvement || got[0].Concern {
		t.Fatalf("signals = %+v, want one improvement outside the limits at index 4", got)
	}
	// Worked by hand: the limit 6.9515... shows as 6.95.
	want := "Jul 2021, at 10, was above the upper limit of 6.95: a value this high is unlikely to be chance, which is an improvement because higher is better."
	if got[0].Sentence != want {
		t.Errorf("sentence = %q\nwant       %q", got[0].Sentence, want)
	}
}

func TestSignalJudgementAndSentences(t *testing.T) {
	shift := []float64{12, 13, 12, 13, 12, 13, 12}
	tests := []struct {
		name                 string
		after                []float64
		dir                  Direction
		improvement, concern bool
		sentence             string
	}{
		// Worked by hand from the shift case above (Apr to Oct 2021).
		{"rise, lower is better", shift, LowerIsBetter, false, true,
			"From Apr 2021 to Oct 2021, 7 months in a row were above the average: a sustained increase, which is a concern because lower is better."},
		{"rise, higher is better", shift, HigherIsBetter, true, false,
			"From Apr 2021 to Oct 2021, 7 months in a row were above the average: a sustained increase, which is an improvement because higher is better."},
		{"rise, no direction", shift, NoDirection, false, false,
			"From Apr 2021 to Oct 2021, 7 months in a row were above the average: a sustained increase."},
		{"rise, unknown direction is none", shift, Direction("sideways"), false, false,
			"From Apr 2021 to Oct 2021, 7 months in a row were above the average: a sustained increase."},
		// Worked by hand from the trend case above: Mar 2021 (index 5)
		// to Sep 2021 (index 11).
		{"trend", []float64{10.5, 11, 11.5, 12, 12.5, 13}, LowerIsBetter, false, true,
			"From Mar 2021 to Sep 2021, 7 months in a row were each higher than the one before: a steady rise, which is a concern because lower is better."},
		// Worked by hand from the two-of-three low case: Apr to Jun 2021.
		{"two of three", []float64{7, 10, 7.2}, HigherIsBetter, false, true,
			"From Apr 2021 to Jun 2021, 2 of 3 months were close to the lower limit: an early sign of a fall, which is a concern because higher is better."},
		{"outside, low", []float64{5}, LowerIsBetter, true, false,
			"Apr 2021, at 5, was below the lower limit of 5.68: a value this low is unlikely to be chance, which is an improvement because lower is better."},
		// Worked by hand: Apr, May and Jun 2021 (indices 6 to 8) are all
		// above 16.32, the highest 17.5.
		{"a run outside, high", []float64{17, 17.5, 16.5}, LowerIsBetter, false, true,
			"From Apr 2021 to Jun 2021, 3 months in a row were above the upper limit of 16.32 (up to 17.5): values this high are unlikely to be chance, which is a concern because lower is better."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Signals(ruleChart(t, tt.after...), tt.dir)
			if len(got) != 1 {
				t.Fatalf("signals = %+v, want one", got)
			}
			s := got[0]
			if s.Improvement != tt.improvement || s.Concern != tt.concern {
				t.Errorf("improvement, concern = %t, %t; want %t, %t", s.Improvement, s.Concern, tt.improvement, tt.concern)
			}
			if s.Sentence != tt.sentence {
				t.Errorf("sentence = %q\nwant       %q", s.Sentence, tt.sentence)
			}
		})
	}
}

func TestSignalSentenceWithoutPeriods(t *testing.T) {
	// Worked by hand: points with no period are named by position, 1-based,
	// and counted as periods.
	pts := make([]SPCPoint, 0, 13)
	for _, v := range append(append([]float64(nil), ruleBaseline...), 12, 13, 12, 13, 12, 13, 12) {
		pts = append(pts, SPCPoint{Value: v})
	}
	x, err := ComputeXmR(pts, 0, 6)
	if err != nil {
		t.Fatal(err)
	}
	got := Signals(x, NoDirection)
	want := "From point 7 to point 13, 7 periods in a row were above the average: a sustained increase."
	if len(got) != 1 || got[0].Sentence != want {
		t.Errorf("signals = %+v, want one saying %q", got, want)
	}
}

func TestLatestSignalAndVariation(t *testing.T) {
	tests := []struct {
		name      string
		after     []float64
		dir       Direction
		rule      string // "" for none
		variation string
	}{
		// Worked by hand from the rule cases above.
		{"shift ends on the last point", []float64{12, 13, 12, 13, 12, 13, 12}, LowerIsBetter, RuleShift, VariationConcern},
		{"same, higher is better", []float64{12, 13, 12, 13, 12, 13, 12}, HigherIsBetter, RuleShift, VariationImprovement},
		{"same, no direction", []float64{12, 13, 12, 13, 12, 13, 12}, NoDirection, RuleShift, VariationNeutral},
		// Worked by hand: the shift (5..11) and the trend (4..11) both
		// cover the last point; the shift comes first in rule order.
		{"shift before trend", []float64{9.5, 9, 8.5, 8, 7.8, 7.6}, LowerIsBetter, RuleShift, VariationImprovement},
		// Worked by hand: 17 at index 7 is outside, but the last point,
		// 12, is covered by nothing.
		{"an old signal is not the latest", []float64{15, 17, 12}, LowerIsBetter, "", VariationCommonCause},
		// Worked by hand: the outside point is the last one and wins
		// over the shift it ends (indices 5 to 11 are all below 11).
		{"outside wins", []float64{9, 10, 9, 10, 9, 5}, HigherIsBetter, RuleOutsideLimits, VariationConcern},
		{"nothing", []float64{12, 10}, LowerIsBetter, "", VariationCommonCause},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := ruleChart(t, tt.after...)
			s := LatestSignal(Signals(x, tt.dir), len(x.Points))
			switch {
			case tt.rule == "" && s != nil:
				t.Errorf("latest = %+v, want none", *s)
			case tt.rule != "" && (s == nil || s.Rule != tt.rule || s.To != len(x.Points)-1):
				t.Errorf("latest = %+v, want %s ending on the last point", s, tt.rule)
			}
			if got := Variation(x, tt.dir); got != tt.variation {
				t.Errorf("Variation = %q, want %q", got, tt.variation)
			}
		})
	}
	// Worked by hand: no points, no signal and no category.
	if s := LatestSignal([]Signal{{Rule: RuleShift, From: 0, To: 6}}, 0); s != nil {
		t.Errorf("LatestSignal(n=0) = %+v, want nil", s)
	}
	if got := Variation(XmR{}, LowerIsBetter); got != "" {
		t.Errorf("Variation(empty) = %q, want \"\"", got)
	}
	// Worked by hand: of two shifts covering the last point, the one
	// that began later describes the recent behaviour.
	sigs := []Signal{{Rule: RuleShift, From: 0, To: 9}, {Rule: RuleShift, From: 3, To: 9}}
	if s := LatestSignal(sigs, 10); s == nil || s.From != 3 {
		t.Errorf("LatestSignal = %+v, want the shift from 3", s)
	}
}
