package metrics

import (
	"math"
	"strings"
	"testing"
	"time"
)

// stepValues is a process that steps up by 10 after eight months, worked
// by hand below: 10, 12 alternating (mean 11, every moving range 2) then
// 20, 22 alternating (mean 21, every moving range 2). The first point is
// Oct 2020, so the ninth, the first of the step, is Jun 2021.
var stepValues = []float64{10, 12, 10, 12, 10, 12, 10, 12, 20, 22, 20, 22, 20, 22, 20, 22}

var stepStart = MonthOf(2020, time.October)

func nearly(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestComputeSegmentedXmR(t *testing.T) {
	type seg struct {
		from, to        int
		mean, amr, u, l float64
		reliable        bool
		reason          string
	}
	tests := []struct {
		name    string
		values  []float64
		changes []ChangePoint
		want    []seg
		pending int
	}{
		// Without a change: 16 points summing to 256, mean 16; the 15
		// moving ranges are fourteen 2s and one 8 (12 to 20): 36/15 =
		// 2.4, so the limits are 16 ± 6.384.
		{"no change point", stepValues, nil,
			[]seg{{0, 15, 16, 2.4, 22.384, 9.616, true, ""}}, 0},
		// Recalculated at Jun 2021: each half has mean 11 or 21 and
		// moving ranges of 2 (the 8 across the change counts in
		// neither), so limits 11 ± 5.32 and 21 ± 5.32; 8 points each,
		// fewer than 15, so provisional.
		{"change at Jun 2021", stepValues, []ChangePoint{{Start: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC), Reason: "desk opened"}},
			[]seg{{0, 7, 11, 2, 16.32, 5.68, false, ""}, {8, 15, 21, 2, 26.32, 15.68, false, "desk opened"}}, 0},
		// A change dated mid-month starts with the month it falls in.
		{"change mid-month", stepValues, []ChangePoint{{Start: time.Date(2021, 6, 17, 0, 0, 0, 0, time.UTC), Reason: "x"}},
			[]seg{{0, 7, 11, 2, 16.32, 5.68, false, ""}, {8, 15, 21, 2, 26.32, 15.68, false, "x"}}, 0},
		// Two points after a change cannot set limits: it waits.
		{"too few points after the change", stepValues, []ChangePoint{{Start: time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)}},
			[]seg{{0, 15, 16, 2.4, 22.384, 9.616, true, ""}}, 1},
		// A change after the last point waits too; one at or before the
		// first point changes nothing.
		{"change beyond and before the data", stepValues, []ChangePoint{
			{Start: time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC)}, {Start: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)}},
			[]seg{{0, 15, 16, 2.4, 22.384, 9.616, true, ""}}, 1},
		// Two changes one month apart: the later would leave a segment
		// of one point, so it waits and the earlier stands.
		{"changes too close together", stepValues, []ChangePoint{
			{Start: time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC), Reason: "later"}, {Start: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC), Reason: "earlier"}},
			[]seg{{0, 7, 11, 2, 16.32, 5.68, false, ""}, {8, 15, 21, 2, 26.32, 15.68, false, "earlier"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := ComputeSegmentedXmR(monthly(stepStart, tt.values...), tt.changes)
			if err != nil {
				t.Fatal(err)
			}
			if len(x.Segments) != len(tt.want) {
				t.Fatalf("%d segments, want %d: %+v", len(x.Segments), len(tt.want), x.Segments)
			}
			for i, w := range tt.want {
				g := x.Segments[i]
				if g.From != w.from || g.To != w.to || !nearly(g.Mean, w.mean) || !nearly(g.AvgMovingRange, w.amr) ||
					!nearly(g.UpperLimit, w.u) || !nearly(g.LowerLimit, w.l) || g.Reliable != w.reliable || g.Reason != w.reason {
					t.Errorf("segment %d = %+v, want %+v", i, g, w)
				}
			}
			last := tt.want[len(tt.want)-1]
			if !nearly(x.Mean, last.mean) || !nearly(x.UpperLimit, last.u) || !nearly(x.LowerLimit, last.l) {
				t.Errorf("chart lines %v %v %v are not the last segment's", x.Mean, x.UpperLimit, x.LowerLimit)
			}
			if len(x.Pending) != tt.pending {
				t.Errorf("pending = %+v, want %d", x.Pending, tt.pending)
			}
		})
	}
}

func TestSignalsWithinSegments(t *testing.T) {
	pts := monthly(stepStart, stepValues...)
	whole, _ := ComputeSegmentedXmR(pts, nil)
	// Against the mean of 16: the first eight are below it and the last
	// eight above (two shifts); two sigma above is 16 + 4.256 =
	// 20.256, so 22, 20, 22 has two points close to the upper limit;
	// two sigma below is 11.744, so 10, 12, 10 has two close to the
	// lower.
	got := rulesOf(Signals(whole, LowerIsBetter))
	want := "shift 0-7 low; two of three 0-6 low; shift 8-15 high; two of three 9-15 high"
	if got != want {
		t.Errorf("whole chart: %s\nwant %s", got, want)
	}
	split, _ := ComputeSegmentedXmR(pts, []ChangePoint{{Start: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)}})
	// Within each half the values alternate about the mean, well inside
	// limits 5.32 either side: nothing unusual.
	if s := Signals(split, LowerIsBetter); len(s) != 0 {
		t.Errorf("recalculated chart has signals: %s", rulesOf(s))
	}
	// A ninth point of 30 after the step: that segment is 20, 22, ...,
	// 22, 30, sum 198, mean 22; moving ranges seven 2s and an 8, mR̄
	// 22/8 = 2.75; upper limit 22 + 7.315 = 29.315, so 30 is beyond it.
	withOutlier := monthly(stepStart, append(append([]float64(nil), stepValues...), 30)...)
	x, _ := ComputeSegmentedXmR(withOutlier, []ChangePoint{{Start: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)}})
	if !nearly(x.Mean, 22) || !nearly(x.UpperLimit, 29.315) {
		t.Fatalf("segment 2: mean %v, upper %v", x.Mean, x.UpperLimit)
	}
	if got := rulesOf(Signals(x, LowerIsBetter)); got != "outside limits 16-16 high" {
		t.Errorf("with outlier: %s", got)
	}
	// A run that crosses a change is not a shift: four points above the
	// first segment's mean, then four above the second's.
	cross := monthly(stepStart, 10, 12, 10, 12, 10, 12, 10, 12, 13, 13, 13, 13, 21, 22, 21, 22, 21, 19, 19, 19, 19)
	cx, _ := ComputeSegmentedXmR(cross, []ChangePoint{{Start: cross[12].Period.Start}})
	for _, s := range Signals(cx, LowerIsBetter) {
		if s.From < 12 && s.To >= 12 {
			t.Errorf("signal %s %d-%d crosses the change at 12", s.Rule, s.From, s.To)
		}
	}
}

func rulesOf(signals []Signal) string {
	var parts []string
	for _, s := range signals {
		parts = append(parts, s.Rule+" "+itoa(s.From)+"-"+itoa(s.To)+" "+s.Side)
	}
	return strings.Join(parts, "; ")
}

func TestVariationIcons(t *testing.T) {
	// ruleChart's limits are 5.68 and 16.32 around a mean of 11.
	tests := []struct {
		name  string
		after []float64
		dir   Direction
		icon  string
		text  string
	}{
		{"common cause", []float64{11}, LowerIsBetter, IconCommonCause, "Common cause variation: no significant change"},
		{"high, higher is better", []float64{17}, HigherIsBetter, IconImprovementHigh, "Special cause variation of an improving nature: unusually high values"},
		{"high, lower is better", []float64{17}, LowerIsBetter, IconConcernHigh, "Special cause variation of a concerning nature: unusually high values"},
		{"high, no direction", []float64{17}, NoDirection, IconNeitherHigh, "Special cause variation, neither improvement nor concern: unusually high values"},
		{"low, higher is better", []float64{5}, HigherIsBetter, IconConcernLow, "Special cause variation of a concerning nature: unusually low values"},
		{"low, lower is better", []float64{5}, LowerIsBetter, IconImprovementLow, "Special cause variation of an improving nature: unusually low values"},
		{"low, no direction", []float64{5}, NoDirection, IconNeitherLow, "Special cause variation, neither improvement nor concern: unusually low values"},
		// Seven falling points (a trend) end low.
		{"falling trend, lower is better", []float64{12, 11.5, 11, 10.5, 10, 9.5, 9}, LowerIsBetter, IconImprovementLow, "Special cause variation of an improving nature: unusually low values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := ruleChart(t, tt.after...)
			v := VariationOf(x, Signals(x, tt.dir))
			if v.Icon != tt.icon || v.Text != tt.text {
				t.Errorf("VariationOf = %+v, want %s, %q", v, tt.icon, tt.text)
			}
			if v.Category != Variation(x, tt.dir) {
				t.Errorf("category %q, Variation says %q", v.Category, Variation(x, tt.dir))
			}
		})
	}
	if v := VariationOf(XmR{}, nil); v != (VariationIcon{}) {
		t.Errorf("empty chart: %+v", v)
	}
}

func TestAssuranceIcons(t *testing.T) {
	x := ruleChart(t) // limits 5.68 to 16.32
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		target *float64
		dir    Direction
		want   string // "" for none
	}{
		{"higher is better, target below the lower limit", f(5), HigherIsBetter, IconAssurancePass},
		{"higher is better, target above the upper limit", f(17), HigherIsBetter, IconAssuranceFail},
		{"higher is better, target within", f(10), HigherIsBetter, IconAssuranceHit},
		{"lower is better, target above the upper limit", f(17), LowerIsBetter, IconAssurancePass},
		{"lower is better, target below the lower limit", f(5), LowerIsBetter, IconAssuranceFail},
		{"lower is better, target within", f(15), LowerIsBetter, IconAssuranceHit},
		{"target on the upper limit, lower is better", f(11 + 2.66*2), LowerIsBetter, IconAssurancePass},
		{"no target", nil, LowerIsBetter, ""},
		{"no direction", f(10), NoDirection, ""},
	}
	for _, tt := range tests {
		a, ok := AssuranceOf(x, tt.target, tt.dir)
		if got := map[bool]string{true: a.Icon}[ok]; got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		if ok && a.Text == "" {
			t.Errorf("%s: no text alternative", tt.name)
		}
	}
	// After the step of stepValues with a target of 15 minutes (lower is
	// better): the whole chart's limits 9.616 to 22.384 hold the target
	// (hit and miss); recalculated, the latest segment's 15.68 to 26.32
	// are all above it (consistently fails).
	pts := monthly(stepStart, stepValues...)
	whole, _ := ComputeSegmentedXmR(pts, nil)
	split, _ := ComputeSegmentedXmR(pts, []ChangePoint{{Start: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)}})
	if a, _ := AssuranceOf(whole, f(15), LowerIsBetter); a.Category != AssuranceHitAndMiss {
		t.Errorf("whole chart: %s", a.Category)
	}
	if a, _ := AssuranceOf(split, f(15), LowerIsBetter); a.Category != AssuranceFail {
		t.Errorf("recalculated: %s", a.Category)
	}
}

func TestSuggestChangePoint(t *testing.T) {
	pts := monthly(stepStart, stepValues...)
	whole, _ := ComputeSegmentedXmR(pts, nil)
	s := SuggestChangePoint(whole, Signals(whole, LowerIsBetter))
	if s == nil {
		t.Fatal("no suggestion for a shift of 8 up to the latest point")
	}
	want := "A run of 8 above the average since Jun 2021: if something changed then, recalculate the limits from Jun 2021? Limits from 8 values would be provisional until there are 15."
	if s.From != 8 || s.Period != MonthOf(2021, time.June) || s.Run != 8 || s.Side != SideHigh || s.Sentence != want {
		t.Errorf("suggestion = %+v\nwant sentence %q", s, want)
	}
	// Once the change is marked, nothing is suggested.
	split, _ := ComputeSegmentedXmR(pts, []ChangePoint{{Start: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)}})
	if s := SuggestChangePoint(split, Signals(split, LowerIsBetter)); s != nil {
		t.Errorf("suggestion after the change: %+v", s)
	}
	// A shift that has ended is history, not a change to mark: the
	// step, then a return to the old level for three months.
	ended := monthly(stepStart, append(append([]float64(nil), stepValues...), 11, 10, 11)...)
	ex, _ := ComputeSegmentedXmR(ended, nil)
	if s := SuggestChangePoint(ex, Signals(ex, LowerIsBetter)); s != nil {
		t.Errorf("suggestion for an ended shift: %+v", s)
	}
	// Six above the mean is not yet a shift.
	six := monthly(stepStart, 10, 12, 10, 12, 10, 12, 10, 12, 20, 22, 20, 22, 20, 22)
	sx, _ := ComputeSegmentedXmR(six, nil)
	if s := SuggestChangePoint(sx, Signals(sx, LowerIsBetter)); s != nil {
		t.Errorf("suggestion for a run of 6: %+v", s)
	}
	// Twenty above: no provisional warning.
	long := make([]float64, 0, 36)
	for i := range 16 {
		long = append(long, float64(10+2*(i%2)))
	}
	for i := range 20 {
		long = append(long, float64(20+2*(i%2)))
	}
	lx, _ := ComputeSegmentedXmR(monthly(stepStart, long...), nil)
	ls := SuggestChangePoint(lx, Signals(lx, LowerIsBetter))
	if ls == nil || ls.Run != 20 || strings.Contains(ls.Sentence, "provisional") {
		t.Errorf("long run: %+v", ls)
	}
}

func TestProvisionalNote(t *testing.T) {
	split, _ := ComputeSegmentedXmR(monthly(stepStart, stepValues...), []ChangePoint{{Start: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)}})
	want := "The limits since Jun 2021 are provisional: they come from 8 values, fewer than the 15 that Making Data Count asks for, and will move as more data arrive."
	if got := ProvisionalNote(split, split.Segments[1]); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := ProvisionalNote(split, Segment{Reliable: true}); got != "" {
		t.Errorf("reliable segment: %q", got)
	}
}

func TestGroupSignalsAndCurrentState(t *testing.T) {
	pts := monthly(stepStart, stepValues...)
	whole, _ := ComputeSegmentedXmR(pts, nil)
	sig := Signals(whole, LowerIsBetter)
	groups := GroupSignals(sig, len(pts))
	// Two stretches: the step (8-15: a shift and two of three, current,
	// a concern) first, then the months before it (0-7).
	if len(groups) != 2 {
		t.Fatalf("%d groups: %+v", len(groups), groups)
	}
	g := groups[0]
	if g.From != 8 || g.To != 15 || !g.Current || !g.Concern || g.Improvement || len(g.Signals) != 2 || g.Lead.Rule != RuleShift {
		t.Errorf("newest group = %+v", g)
	}
	g = groups[1]
	if g.From != 0 || g.To != 7 || g.Current || !g.Improvement || g.Concern || len(g.Signals) != 2 || g.Lead.Rule != RuleShift {
		t.Errorf("older group = %+v", g)
	}

	tests := []struct {
		name   string
		values []float64
		change bool
		want   string
	}{
		{"a shift now", stepValues, false,
			"Since Jun 2021, every month (8 in a row) has been above the average of 16, which is a concern because lower is better."},
		{"recalculated: common cause", stepValues, true,
			"Jan 2022, at 22, is within the process limits of 15.68 to 26.32, and no unusual pattern is running: the latest values vary by chance alone."},
		// ruleBaseline's limits 5.68 to 16.32, then three points above.
		{"beyond the limit", append(append([]float64(nil), ruleBaseline...), 17, 18, 17), false, ""},
	}
	for _, tt := range tests {
		var changes []ChangePoint
		if tt.change {
			changes = []ChangePoint{{Start: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)}}
		}
		x, _ := ComputeSegmentedXmR(monthly(stepStart, tt.values...), changes)
		got := CurrentState(x, Signals(x, LowerIsBetter), LowerIsBetter)
		if tt.want == "" {
			// Worked by hand: 12,10,12,10,12,10,17,18,17 has mean 118/9
			// = 13.11 and moving ranges 2,2,2,2,2,7,1,1: 19/8 = 2.375,
			// upper limit 13.11 + 6.3175 = 19.43: nothing beyond it; the
			// last three are above the mean, not yet a shift.
			if !strings.HasPrefix(got, "Jun 2021, at 17, is within the process limits") {
				t.Errorf("%s: %q", tt.name, got)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
	// Beyond the limit against a fixed baseline: ruleChart's limits.
	x := ruleChart(t, 17, 18, 17)
	want := "Since Apr 2021, every month (3 in a row) has been above the upper limit of 16.32, which is a concern because lower is better."
	if got := CurrentState(x, Signals(x, LowerIsBetter), LowerIsBetter); got != want {
		t.Errorf("beyond the limit:\n got %q\nwant %q", got, want)
	}
	x = ruleChart(t, 11, 17)
	want = "The latest month, May 2021, at 17, is above the upper limit of 16.32, which is an improvement because higher is better."
	if got := CurrentState(x, Signals(x, HigherIsBetter), HigherIsBetter); got != want {
		t.Errorf("one point:\n got %q\nwant %q", got, want)
	}
}

func TestCompareToBenchmark(t *testing.T) {
	tests := []struct {
		value, bench float64
		dir          Direction
		want         string
	}{
		{55, 60, HigherIsBetter, "below the national average of 60%: worse"},
		{65, 60, HigherIsBetter, "above the national average of 60%: better"},
		{55, 60, LowerIsBetter, "below the national average of 60%: better"},
		{60.001, 60, HigherIsBetter, "level with the national average of 60%"},
		{65, 60, NoDirection, "above the national average of 60%"},
	}
	for _, tt := range tests {
		if got := CompareToBenchmark(tt.value, tt.bench, tt.dir).Sentence("the national average", "60%"); got != tt.want {
			t.Errorf("%v vs %v (%s): %q, want %q", tt.value, tt.bench, tt.dir, got, tt.want)
		}
	}
}
