package metrics

import "math"

// RAG is a red, amber or green rating of a value against its target, as
// board papers print it. The dashboard shows Word beside any colour, so
// the rating never depends on seeing colour.
type RAG string

const (
	// Green: the target is met (a value exactly on target is met).
	Green RAG = "green"
	// Amber: the target is missed, but by no more than the tolerance.
	Amber RAG = "amber"
	// Red: the target is missed by more than the tolerance.
	Red RAG = "red"
	// NoRAG: there is nothing to rate against: the metric has no target
	// or no direction of good, or the value is not a number.
	NoRAG RAG = "none"
)

// Word is the rating in words, for screen readers, print in black and
// white and readers who do not tell red from green: "On target",
// "Near target", "Off target" or "No target". Any other value of r reads
// as "No target", because a rating that cannot be trusted is no rating.
func (r RAG) Word() string {
	switch r {
	case Green:
		return "On target"
	case Amber:
		return "Near target"
	case Red:
		return "Off target"
	}
	return "No target"
}

// DefaultAmberPercent is the usual width of the amber band: a value that
// misses its target by 5% of the target or less is amber.
const DefaultAmberPercent = 5

// Tolerance is how far a value may miss its target and still be amber
// rather than red.
type Tolerance struct {
	// AmberPercent is the width of the amber band as a percentage of the
	// size of the target: with 5, a lower-is-better target of 15 minutes
	// is amber up to 15.75 and red beyond. Zero means no amber band: any
	// miss is red. Negative values count as zero.
	AmberPercent float64
	// AmberAbsolute is the width of the amber band, in the metric's own
	// units, used only when the target is zero, where a percentage of
	// the target would be a band of no width at all (and dividing by the
	// target would fail). Zero means any miss of a zero target is red,
	// which suits targets such as "no overspend". Negative values count
	// as zero.
	AmberAbsolute float64
}

// DefaultTolerance is the board's usual tolerance: amber within 5% of the
// target on the wrong side, and no amber band around a zero target.
var DefaultTolerance = Tolerance{AmberPercent: DefaultAmberPercent}

// RAGStatus rates v against m's target, aware of m's direction of good.
// It is Green when AgainstTarget says the target is met; NoRAG when m has
// no target or no direction, or v is NaN or infinite; otherwise Amber
// when v misses by no more than the amber band and Red beyond it. The
// band's edge is amber. For a non-zero target the band is
// tol.AmberPercent% of |target| (so a negative target works as well as a
// positive one); for a target of zero it is tol.AmberAbsolute, in the
// metric's units.
func RAGStatus(m Metric, v float64, tol Tolerance) RAG {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return NoRAG
	}
	switch AgainstTarget(m, v) {
	case TargetMet:
		return Green
	case TargetMissed:
	default:
		return NoRAG
	}
	target := *m.Target
	// The band is compared as a width rather than dividing the miss by
	// the target, so a zero target needs no special arithmetic and the
	// edge of the band (15.75 against 15 at 5%) is exact.
	band := math.Max(tol.AmberPercent, 0) * math.Abs(target) / 100
	if target == 0 {
		band = math.Max(tol.AmberAbsolute, 0)
	}
	if math.Abs(v-target) <= band {
		return Amber
	}
	return Red
}
