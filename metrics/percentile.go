package metrics

import (
	"math"
	"slices"
)

// DefaultTukeyK is the usual multiplier of Tukey's fences: values more
// than 1.5 interquartile ranges outside the quartiles are outliers.
const DefaultTukeyK = 1.5

// Percentile is the p-th percentile (p from 0 to 100) of sorted, which
// must be in ascending order, by linear interpolation between the closest
// ranks: type 7 of Hyndman and Fan (1996), the method of Excel's
// PERCENTILE.INC and QUARTILE.INC, of numpy.percentile's default and of
// R's quantile default. With n values x[0..n-1] it finds the position
// h = (n-1)·p/100 and returns x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]), so
// the 0th percentile is the smallest value, the 100th the largest, and a
// single value is every percentile of itself. The method is named here
// because methods differ on small samples, and a figure the board
// questions must be reproducible in a spreadsheet.
//
// Errors (EINVALID): no values, p outside 0..100 or not a number, a value
// that is NaN or infinite, values not in ascending order.
func Percentile(sorted []float64, p float64) (float64, error) {
	if err := checkSorted(sorted); err != nil {
		return 0, err
	}
	if math.IsNaN(p) || p < 0 || p > 100 {
		return 0, Errorf(EINVALID, "a percentile must be from 0 to 100, not %g", p)
	}
	return percentileType7(sorted, p), nil
}

// percentileType7 is Percentile without the checks, for callers that
// have made them.
func percentileType7(sorted []float64, p float64) float64 {
	h := float64(len(sorted)-1) * p / 100
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Median is the middle of values, which need not be sorted (values is
// not changed): the 50th percentile by the same type 7 method, which for
// an even count is the mean of the two middle values. Errors as for
// Percentile, except that order does not matter.
func Median(values []float64) (float64, error) {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return Percentile(sorted, 50)
}

// Mean is the arithmetic mean of values. Errors (EINVALID): no values, or
// a value that is NaN or infinite.
func Mean(values []float64) (float64, error) {
	if len(values) == 0 {
		return 0, Errorf(EINVALID, "there are no values to average")
	}
	sum := 0.0
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, Errorf(EINVALID, "cannot average %g: every value must be a finite number", v)
		}
		sum += v
	}
	return sum / float64(len(values)), nil
}

// TukeyFences are the bounds outside which a value of sorted (ascending)
// is an outlier by Tukey's rule: lower = Q1 - k·IQR and
// upper = Q3 + k·IQR, where Q1 and Q3 are the 25th and 75th percentiles by
// the type 7 method of Percentile and IQR = Q3 - Q1. A value strictly
// outside the fences is an outlier; one on a fence is not. k is usually
// DefaultTukeyK (1.5); 3 marks only far outliers. Because the quartiles
// ignore the extremes, one very slow response cannot widen the fences
// enough to hide itself, which a rule based on the standard deviation
// would allow.
//
// Errors (EINVALID): as for Percentile, and k negative or not finite.
func TukeyFences(sorted []float64, k float64) (lower, upper float64, err error) {
	if math.IsNaN(k) || math.IsInf(k, 0) || k < 0 {
		return 0, 0, Errorf(EINVALID, "the fence multiplier must be a finite number of at least 0, not %g", k)
	}
	if err := checkSorted(sorted); err != nil {
		return 0, 0, err
	}
	q1, q3 := percentileType7(sorted, 25), percentileType7(sorted, 75)
	iqr := q3 - q1
	return q1 - k*iqr, q3 + k*iqr, nil
}

// checkSorted rejects what the percentile methods cannot use. Checking
// order costs one pass, and catches a caller who forgot to sort, which
// would otherwise give a plausible but wrong figure.
func checkSorted(sorted []float64) error {
	if len(sorted) == 0 {
		return Errorf(EINVALID, "there are no values to take a percentile of")
	}
	for i, v := range sorted {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Errorf(EINVALID, "value %d is %g: every value must be a finite number", i+1, v)
		}
		if i > 0 && v < sorted[i-1] {
			return Errorf(EINVALID, "values must be in ascending order, but value %d (%g) is less than value %d (%g)", i+1, v, i, sorted[i-1])
		}
	}
	return nil
}
