package metrics

import (
	"math"
	"testing"
	"time"
)

func TestRate(t *testing.T) {
	tests := []struct {
		name     string
		num, den float64
		want     float64
		invalid  bool
	}{
		// From the October 2021 minutes: 81 DVPN applications, 79 made
		// into DVPOs at court; worked by hand, 79/81 = 0.97530864...,
		// so 97.530864...%, shown as 97.5%.
		{"DVPOs granted", 79, 81, 7900.0 / 81, false},
		// Worked by hand: the minutes' detection rate, 50 of 100.
		{"half", 50, 100, 50, false},
		// Worked by hand: more than the whole is returned as it is.
		{"over 100", 12, 10, 120, false},
		{"zero numerator", 0, 81, 0, false},
		{"zero denominator", 79, 0, 0, true},
		{"NaN", math.NaN(), 81, 0, true},
		{"infinite denominator", 79, math.Inf(1), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Rate(tt.num, tt.den)
			if tt.invalid {
				if ErrorCode(err) != EINVALID {
					t.Errorf("Rate(%v, %v) error = %v, want EINVALID", tt.num, tt.den, err)
				}
				return
			}
			if err != nil || !near(got, tt.want) {
				t.Errorf("Rate(%v, %v) = %v, %v; want %v", tt.num, tt.den, got, err, tt.want)
			}
		})
	}
	// Worked by hand: 97.5308... rounds to 97.5 at one decimal.
	if got, _ := Rate(79, 81); math.Round(got*10)/10 != 97.5 {
		t.Errorf("Rate(79, 81) = %v, want 97.5 to one decimal", got)
	}
}

func TestRatePerPeriod(t *testing.T) {
	aug, sep := MonthOf(2021, time.August), MonthOf(2021, time.September)
	q2 := QuarterOf(2021, 2)
	o := func(metric, area string, p Period, v float64) Observation {
		return Observation{MetricID: metric, Area: area, Period: p, Value: v, Source: Source{File: metric + ".xlsx"}}
	}
	num := []Observation{
		o("dvpo", "north", aug, 40),
		o("dvpo", "south", aug, 39),
		o("dvpo", "north", sep, 10),
		o("dvpo", "south", sep, 5),  // no denominator
		o("dvpo", "west", aug, 3),   // zero denominator
		o("dvpo", "north", q2, 30),  // the quarter is not the month
		o("dvpo", "south", aug, 38), // revision of south, Aug
	}
	den := []Observation{
		o("dvpn", "south", aug, 40),
		o("dvpn", "north", aug, 41),
		o("dvpn", "north", sep, 20),
		o("dvpn", "west", aug, 0),
		o("dvpn", "north", q2, 60),
	}
	// Worked by hand: north Aug 40/41 = 97.56...%, south Aug uses the
	// revised 38 of 40 = 95%, north Sep 10/20 = 50%, north Q2 30/60 =
	// 50%; south Sep has no denominator and west a zero one. Order
	// follows num's first mention.
	want := []Observation{
		{Area: "north", Period: aug, Value: 4000.0 / 41},
		{Area: "south", Period: aug, Value: 95},
		{Area: "north", Period: sep, Value: 50},
		{Area: "north", Period: q2, Value: 50},
	}
	got := RatePerPeriod(num, den)
	if len(got) != len(want) {
		t.Fatalf("RatePerPeriod = %+v, want %d rates", got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Area != w.Area || !samePeriod(g.Period, w.Period) || !near(g.Value, w.Value) || g.MetricID != "" || g.Source != (Source{}) {
			t.Errorf("rate %d = %+v, want %+v with no metric id or source", i, g, w)
		}
	}
	// Worked by hand: nothing pairs with an empty denominator series.
	if got := RatePerPeriod(num, nil); len(got) != 0 {
		t.Errorf("RatePerPeriod(num, nil) = %+v, want none", got)
	}
}
