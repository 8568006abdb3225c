package metrics

import (
	"math"
	"testing"
)

func TestRAGStatus(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	urban := Metric{Direction: LowerIsBetter, Target: f(15)}
	outcome := Metric{Direction: HigherIsBetter, Target: f(65)}
	overspend := Metric{Direction: LowerIsBetter, Target: f(0)}
	tests := []struct {
		name string
		m    Metric
		v    float64
		tol  Tolerance
		want RAG
	}{
		// Worked by hand: urban response target 15 minutes (from the
		// October 2021 minutes), lower is better; 5% of 15 is 0.75, so
		// amber runs from just over 15 to 15.75 inclusive.
		{"urban, under target", urban, 14, DefaultTolerance, Green},
		{"urban, on target", urban, 15, DefaultTolerance, Green},
		{"urban, just over", urban, 15.5, DefaultTolerance, Amber},
		{"urban, on the amber edge", urban, 15.75, DefaultTolerance, Amber},
		{"urban, 17 minutes is 13% over", urban, 17, DefaultTolerance, Red},
		{"urban, no amber band", urban, 15.5, Tolerance{}, Red},
		{"urban, negative band counts as none", urban, 15.5, Tolerance{AmberPercent: -5}, Red},
		// Worked by hand: higher is better, target 65; 5% of 65 is 3.25,
		// so amber from 61.75 up to just under 65.
		{"outcome rate above target", outcome, 70, DefaultTolerance, Green},
		{"outcome rate 62", outcome, 62, DefaultTolerance, Amber},
		{"outcome rate on the amber edge", outcome, 61.75, DefaultTolerance, Amber},
		{"outcome rate 50, the minutes' detection rate", outcome, 50, DefaultTolerance, Red},
		{"wider band of 25%: 50 is 15 under, band 16.25", outcome, 50, Tolerance{AmberPercent: 25}, Amber},
		// Worked by hand: a zero target uses the absolute band.
		{"zero target met", overspend, 0, DefaultTolerance, Green},
		{"zero target, under is met", overspend, -3, DefaultTolerance, Green},
		{"zero target, default has no band", overspend, 0.1, DefaultTolerance, Red},
		{"zero target, within absolute band 2", overspend, 1.5, Tolerance{AmberPercent: 5, AmberAbsolute: 2}, Amber},
		{"zero target, on absolute edge", overspend, 2, Tolerance{AmberAbsolute: 2}, Amber},
		{"zero target, beyond absolute band", overspend, 3, Tolerance{AmberAbsolute: 2}, Red},
		// Worked by hand: a negative target of -100 (higher is better);
		// 5% of |-100| is 5, so -104 is amber and -106 red.
		{"negative target, amber", Metric{Direction: HigherIsBetter, Target: f(-100)}, -104, DefaultTolerance, Amber},
		{"negative target, red", Metric{Direction: HigherIsBetter, Target: f(-100)}, -106, DefaultTolerance, Red},
		// Nothing to rate.
		{"no target", Metric{Direction: LowerIsBetter}, 99, DefaultTolerance, NoRAG},
		{"no direction", Metric{Direction: NoDirection, Target: f(15)}, 99, DefaultTolerance, NoRAG},
		{"not a number", urban, math.NaN(), DefaultTolerance, NoRAG},
		{"infinite", urban, math.Inf(1), DefaultTolerance, NoRAG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RAGStatus(tt.m, tt.v, tt.tol); got != tt.want {
				t.Errorf("RAGStatus(target %s, %v, %+v) = %q, want %q", targetText(tt.m), tt.v, tt.tol, got, tt.want)
			}
		})
	}
}

// targetText shows a metric's target in failure messages.
func targetText(m Metric) string {
	if m.Target == nil {
		return "none"
	}
	return formatValue(*m.Target)
}

func TestRAGWord(t *testing.T) {
	// Worked by hand: the four words of the brief, and an unknown value
	// read as no rating.
	tests := []struct {
		r    RAG
		want string
	}{
		{Green, "On target"},
		{Amber, "Near target"},
		{Red, "Off target"},
		{NoRAG, "No target"},
		{RAG("purple"), "No target"},
	}
	for _, tt := range tests {
		t.Run(string(tt.r), func(t *testing.T) {
			if got := tt.r.Word(); got != tt.want {
				t.Errorf("%q.Word() = %q, want %q", tt.r, got, tt.want)
			}
		})
	}
}
