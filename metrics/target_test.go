package metrics

import "testing"

func TestAgainstTarget(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	// Worked by hand from the minutes: urban response target 15 minutes
	// (lower is better), outcome rate benchmark (higher is better).
	tests := []struct {
		name string
		m    Metric
		v    float64
		want TargetStatus
	}{
		{"no target", Metric{Direction: LowerIsBetter}, 14, NoTarget},
		{"no direction", Metric{Direction: NoDirection, Target: f(15)}, 14, NoTarget},
		{"lower is better, under target", Metric{Direction: LowerIsBetter, Target: f(15)}, 14, TargetMet},
		{"lower is better, on target", Metric{Direction: LowerIsBetter, Target: f(15)}, 15, TargetMet},
		{"lower is better, over target", Metric{Direction: LowerIsBetter, Target: f(15)}, 18, TargetMissed},
		{"higher is better, under target", Metric{Direction: HigherIsBetter, Target: f(65)}, 50, TargetMissed},
		{"higher is better, over target", Metric{Direction: HigherIsBetter, Target: f(65)}, 70, TargetMet},
		{"target of zero, lower is better", Metric{Direction: LowerIsBetter, Target: f(0)}, 0, TargetMet},
		{"target of zero, above", Metric{Direction: LowerIsBetter, Target: f(0)}, 1, TargetMissed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AgainstTarget(tt.m, tt.v); got != tt.want {
				t.Errorf("AgainstTarget(%+v, %v) = %q, want %q", tt.m, tt.v, got, tt.want)
			}
		})
	}
}
