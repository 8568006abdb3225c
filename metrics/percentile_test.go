package metrics

import (
	"math"
	"testing"
)

func TestPercentile(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		p      float64
		want   float64
	}{
		// From Microsoft's PERCENTILE.INC documentation: the 30th
		// percentile of 1, 3, 2, 4 is 1.9 (h = 3 × 0.3 = 0.9, so
		// 1 + 0.9 × (2 - 1)).
		{"Excel PERCENTILE.INC example", []float64{1, 2, 3, 4}, 30, 1.9},
		// From Microsoft's QUARTILE.INC documentation: the first
		// quartile of 1, 2, 4, 7, 8, 9, 10, 12 is 3.5 (h = 7 × 0.25 =
		// 1.75, so 2 + 0.75 × (4 - 2)).
		{"Excel QUARTILE.INC example", []float64{1, 2, 4, 7, 8, 9, 10, 12}, 25, 3.5},
		// From the numpy.percentile documentation: the median of
		// [[10, 7, 4], [3, 2, 1]] is 3.5.
		{"numpy median example", []float64{1, 2, 3, 4, 7, 10}, 50, 3.5},
		// Worked by hand: h = 4 × 0.25 = 1, exactly the second value.
		{"on a rank", []float64{10, 20, 30, 40, 50}, 25, 20},
		// Worked by hand: h = 9 × 0.9 = 8.1, so 9 + 0.1 × (10 - 9).
		{"90th of 1..10", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9.1},
		// Worked by hand: the ends are the smallest and largest values.
		{"0th is the minimum", []float64{3, 5, 8}, 0, 3},
		{"100th is the maximum", []float64{3, 5, 8}, 100, 8},
		// Worked by hand: a single value is every percentile of itself.
		{"single value, median", []float64{42}, 50, 42},
		{"single value, 90th", []float64{42}, 90, 42},
		// Worked by hand: ties interpolate between equal values.
		{"all tied", []float64{5, 5, 5, 5}, 37, 5},
		// Worked by hand: h = 4 × 0.5 = 2 lands on the tied 7s; h = 4 ×
		// 0.875 = 3.5 is halfway from 7 to 9, so 8.
		{"ties in the middle", []float64{1, 7, 7, 7, 9}, 50, 7},
		{"between a tie and the next", []float64{1, 7, 7, 7, 9}, 87.5, 8},
		// Worked by hand: negative values work as any other.
		{"negative values", []float64{-4, -2}, 50, -3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Percentile(tt.sorted, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got, tt.want) {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestPercentileErrors(t *testing.T) {
	// Worked by hand: each input breaks one stated rule.
	tests := []struct {
		name   string
		sorted []float64
		p      float64
	}{
		{"no values", nil, 50},
		{"p below 0", []float64{1, 2}, -1},
		{"p above 100", []float64{1, 2}, 101},
		{"p not a number", []float64{1, 2}, math.NaN()},
		{"not sorted", []float64{3, 1, 2}, 50},
		{"NaN value", []float64{1, math.NaN()}, 50},
		{"infinite value", []float64{1, math.Inf(1)}, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Percentile(tt.sorted, tt.p)
			if ErrorCode(err) != EINVALID {
				t.Errorf("Percentile(%v, %v) error = %v, want EINVALID", tt.sorted, tt.p, err)
			}
		})
	}
}

func TestMedianAndMean(t *testing.T) {
	tests := []struct {
		name       string
		values     []float64
		mean, med  float64
		wantErrors bool
	}{
		// Worked by hand: mean of 3, 5, 7 is 5; so is the median.
		{"odd count", []float64{7, 3, 5}, 5, 5, false},
		// Worked by hand: mean of 1, 2, 3, 10 is 16/4 = 4; the median is
		// the mean of 2 and 3, 2.5, whatever the input order.
		{"even count, unsorted", []float64{10, 2, 1, 3}, 4, 2.5, false},
		// Worked by hand: a single value is its own mean and median.
		{"single", []float64{17}, 17, 17, false},
		{"empty", nil, 0, 0, true},
		{"NaN", []float64{1, math.NaN()}, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := append([]float64(nil), tt.values...)
			mean, errMean := Mean(tt.values)
			med, errMed := Median(tt.values)
			if tt.wantErrors {
				if ErrorCode(errMean) != EINVALID || ErrorCode(errMed) != EINVALID {
					t.Fatalf("errors = %v, %v; want EINVALID for both", errMean, errMed)
				}
				return
			}
			if errMean != nil || errMed != nil {
				t.Fatalf("errors = %v, %v", errMean, errMed)
			}
			if !near(mean, tt.mean) || !near(med, tt.med) {
				t.Errorf("Mean, Median = %v, %v; want %v, %v", mean, med, tt.mean, tt.med)
			}
			for i := range orig {
				if orig[i] != tt.values[i] {
					t.Fatalf("Median reordered its input: %v, was %v", tt.values, orig)
				}
			}
		})
	}
}

func TestTukeyFences(t *testing.T) {
	tests := []struct {
		name         string
		sorted       []float64
		k            float64
		lower, upper float64
	}{
		// Worked by hand from the QUARTILE.INC example data: Q1 = 3.5
		// (Microsoft's figure) and Q3 = 9 + 0.25 × (10 - 9) = 9.25
		// (h = 7 × 0.75 = 5.25), so IQR = 5.75 and 1.5 × IQR = 8.625.
		{"Excel quartile data", []float64{1, 2, 4, 7, 8, 9, 10, 12}, 1.5, 3.5 - 8.625, 9.25 + 8.625},
		// Worked by hand: with k = 3 the fences are 17.25 out.
		{"far outliers", []float64{1, 2, 4, 7, 8, 9, 10, 12}, 3, 3.5 - 17.25, 9.25 + 17.25},
		// Worked by hand: all equal values have IQR 0, so the fences
		// sit on the value.
		{"no spread", []float64{5, 5, 5}, 1.5, 5, 5},
		// Worked by hand: k = 0 puts the fences on the quartiles
		// 1.75 and 3.25 of 1, 2, 3, 4.
		{"k zero", []float64{1, 2, 3, 4}, 0, 1.75, 3.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi, err := TukeyFences(tt.sorted, tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if !near(lo, tt.lower) || !near(hi, tt.upper) {
				t.Errorf("TukeyFences(%v, %v) = %v, %v; want %v, %v", tt.sorted, tt.k, lo, hi, tt.lower, tt.upper)
			}
		})
	}
	// Worked by hand: each breaks a stated rule.
	for _, bad := range []struct {
		name   string
		sorted []float64
		k      float64
	}{
		{"negative k", []float64{1, 2}, -1},
		{"NaN k", []float64{1, 2}, math.NaN()},
		{"unsorted", []float64{2, 1}, 1.5},
		{"empty", nil, 1.5},
	} {
		t.Run(bad.name, func(t *testing.T) {
			if _, _, err := TukeyFences(bad.sorted, bad.k); ErrorCode(err) != EINVALID {
				t.Errorf("error = %v, want EINVALID", err)
			}
		})
	}
}
