package metrics

// TargetStatus says how a value stands against its metric's target.
type TargetStatus string

const (
	// NoTarget: the metric has no target, or no direction of good.
	NoTarget TargetStatus = "none"
	// TargetMet: the value is at or on the good side of the target.
	TargetMet TargetStatus = "met"
	// TargetMissed: the value is on the bad side of the target.
	TargetMissed TargetStatus = "missed"
)

// AgainstTarget compares v with m's target, aware of its direction of
// good: for a lower-is-better metric 14 against a target of 15 is met.
// A value exactly on target is met.
func AgainstTarget(m Metric, v float64) TargetStatus {
	if m.Target == nil {
		return NoTarget
	}
	switch m.Direction {
	case HigherIsBetter:
		if v >= *m.Target {
			return TargetMet
		}
		return TargetMissed
	case LowerIsBetter:
		if v <= *m.Target {
			return TargetMet
		}
		return TargetMissed
	}
	return NoTarget
}
