package metrics

import "math"

// Rate is numerator as a percentage of denominator: 79 DVPOs granted from
// 81 DVPN applications is 97.5...%. Errors (EINVALID): a zero
// denominator, where no rate exists, and a value that is NaN or
// infinite. Rates above 100 and negative rates are returned as they are:
// a rate is not always a share of a whole.
func Rate(numerator, denominator float64) (float64, error) {
	if !finite(numerator) || !finite(denominator) {
		return 0, Errorf(EINVALID, "cannot take a rate of %g out of %g: both must be finite numbers", numerator, denominator)
	}
	if denominator == 0 {
		return 0, Errorf(EINVALID, "cannot take a rate of %g out of 0: the denominator is zero", numerator)
	}
	return numerator / denominator * 100, nil
}

// RatePerPeriod pairs num and den by area and period and returns, for
// each pair, Rate(num, den) as an observation of that area and period.
// Pairs without both values, with a zero denominator or with a value that
// is not finite are left out, since no rate exists for them. When either
// slice holds the same area and period twice, the later value counts, as
// a revision supersedes. The result follows the order in which num first
// names each area and period. MetricID is left empty for the caller to
// set, and Source is left empty because a rate is derived from two cells,
// not read from one.
func RatePerPeriod(num, den []Observation) []Observation {
	type key struct {
		area string
		kind PeriodKind
		key  string
	}
	keyOf := func(o Observation) key { return key{o.Area, o.Period.Kind, o.Period.Key()} }

	dens := make(map[key]float64, len(den))
	for _, o := range den {
		dens[keyOf(o)] = o.Value
	}
	// Last value wins, first appearance orders.
	nums := make(map[key]float64, len(num))
	var order []Observation
	for _, o := range num {
		k := keyOf(o)
		if _, seen := nums[k]; !seen {
			order = append(order, o)
		}
		nums[k] = o.Value
	}
	var out []Observation
	for _, o := range order {
		k := keyOf(o)
		d, ok := dens[k]
		if !ok {
			continue
		}
		r, err := Rate(nums[k], d)
		if err != nil {
			continue
		}
		out = append(out, Observation{Area: o.Area, Period: o.Period, Value: r})
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
