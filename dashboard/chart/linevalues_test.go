package chart

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// The items written by hand are byte for byte what encoding/json wrote
// for lineData's: for gaps, zeros, negatives, binary noise, and numbers
// small and large enough for encoding/json's exponents.
func TestLineValuesAreLineData(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	values := []*float64{nil, f(0), f(math.Copysign(0, -1)), f(1), f(-1), f(0.1 + 0.2), f(1234.5), f(-0.04), f(48.333),
		f(1e-6), f(9.99e-7), f(-1e-7), f(1e20), f(1e21), f(-3.5e22), f(math.MaxFloat64), f(math.SmallestNonzeroFloat64), f(123456789012345678), nil}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		v := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20))
		values = append(values, f(v))
		if rng.IntN(10) == 0 {
			values = append(values, nil)
		}
	}
	want, err := json.Marshal(map[string]any{"data": lineData(values)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(map[string]any{"data": lineValues(values)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				lo := max(0, i-60)
				t.Fatalf("differs at byte %d:\n got …%s…\nwant …%s…", i, got[lo:min(len(got), i+60)], want[lo:min(len(want), i+60)])
			}
		}
		t.Fatalf("lengths differ: %d, want %d", len(got), len(want))
	}
}
