package metrics

import (
	"math"
	"testing"
	"time"
)

func TestAnalyse(t *testing.T) {
	target := 15.0
	response := Metric{ID: "response-urban", Name: "Response", Unit: "minutes", Direction: LowerIsBetter, Target: &target}
	calls := Metric{ID: "calls-999", Name: "Calls", Direction: NoDirection}
	month := func(y int, m time.Month) Period { return MonthOf(y, m) }
	obs := func(area string, p Period, v float64) Observation {
		return Observation{MetricID: "x", Area: area, Period: p, Value: v}
	}
	// Twelve months of 2019 at 13 minutes (with a little noise), then
	// twelve months of 2021 at 17: a shift that the board asked about.
	var stepped []Observation
	for i := range 12 {
		stepped = append(stepped, obs("Force", month(2019, time.Month(i+1)), 13+float64(i%3)*0.2))
	}
	for i := range 12 {
		stepped = append(stepped, obs("Force", month(2021, time.Month(i+1)), 17+float64(i%2)*0.2))
	}
	stepped = append(stepped, obs("North", month(2021, time.December), 99))

	tests := []struct {
		name         string
		m            Metric
		series       []Observation
		area         string
		year         int
		wantValue    float64
		wantRAG      RAG
		wantBase     *float64 // Baseline.Base, nil for no baseline
		wantYoY      bool
		wantPoints   int
		wantXmR      bool
		wantVariance string
	}{
		{
			name: "step up: off target, worse than 2019, a concern",
			m:    response, series: stepped, area: "Force",
			wantValue: 17.2, wantRAG: Red, wantBase: ptr(13.4), wantYoY: false,
			wantPoints: 24, wantXmR: true, wantVariance: VariationConcern,
		},
		{
			name: "another baseline year with no data",
			m:    response, series: stepped, area: "Force", year: 2018,
			wantValue: 17.2, wantRAG: Red, wantBase: nil,
			wantPoints: 24, wantXmR: true, wantVariance: VariationConcern,
		},
		{
			name: "other area analysed alone",
			m:    response, series: stepped, area: "North",
			wantValue: 99, wantRAG: Red, wantPoints: 1, wantXmR: false,
		},
		{
			name: "no direction: no RAG, a neutral signal",
			m:    calls, series: stepped, area: "Force",
			wantValue: 17.2, wantRAG: NoRAG, wantBase: ptr(13.4),
			wantPoints: 24, wantXmR: true, wantVariance: VariationNeutral,
		},
		{
			name: "two points: too few for SPC",
			m:    response,
			series: []Observation{
				obs("Force", month(2021, time.July), 14), obs("Force", month(2020, time.July), 15),
			},
			area: "Force", wantValue: 14, wantRAG: Green, wantYoY: true, wantPoints: 2,
		},
		{
			name: "revision: the later value of a period counts",
			m:    response,
			series: []Observation{
				obs("Force", month(2021, time.June), 14), obs("Force", month(2021, time.July), 15.5),
				obs("Force", month(2021, time.August), 14), obs("Force", month(2021, time.July), 15.7),
			},
			area: "Force", wantValue: 14, wantRAG: Green, wantPoints: 3, wantXmR: true, wantVariance: VariationCommonCause,
		},
		{
			name: "amber: within 5% of the target",
			m:    response,
			series: []Observation{
				obs("Force", month(2021, time.July), 15.7),
			},
			area: "Force", wantValue: 15.7, wantRAG: Amber, wantPoints: 1,
		},
		{
			name: "the latest period's kind is charted: quarters are left out",
			m:    response,
			series: []Observation{
				obs("Force", QuarterOf(2021, 1), 30), obs("Force", month(2021, time.July), 14),
				obs("Force", month(2021, time.August), 14.5), obs("Force", month(2021, time.September), 13.5),
			},
			area: "Force", wantValue: 13.5, wantRAG: Green, wantPoints: 3, wantXmR: true, wantVariance: VariationCommonCause,
		},
		{
			name: "non-finite values are ignored",
			m:    response,
			series: []Observation{
				obs("Force", month(2021, time.July), 14), obs("Force", month(2021, time.August), math.NaN()),
			},
			area: "Force", wantValue: 14, wantRAG: Green, wantPoints: 1,
		},
		{
			name: "no values", m: response, series: stepped, area: "Nowhere", wantRAG: NoRAG,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Analyse(tt.m, tt.series, tt.area, tt.year, DefaultTolerance)
			if a.HasValue() != (tt.wantPoints > 0) || len(a.Points) != tt.wantPoints {
				t.Fatalf("%d points (HasValue %t), want %d", len(a.Points), a.HasValue(), tt.wantPoints)
			}
			if math.Abs(a.Latest.Value-tt.wantValue) > 1e-9 {
				t.Errorf("latest = %v, want %v", a.Latest.Value, tt.wantValue)
			}
			if a.RAG != tt.wantRAG {
				t.Errorf("RAG = %s, want %s", a.RAG, tt.wantRAG)
			}
			if a.OffTarget() != (tt.wantRAG == Red || tt.wantRAG == Amber) {
				t.Errorf("OffTarget = %t with RAG %s", a.OffTarget(), a.RAG)
			}
			switch {
			case tt.wantBase == nil && a.Baseline != nil:
				t.Errorf("baseline = %+v, want none", *a.Baseline)
			case tt.wantBase != nil && a.Baseline == nil:
				t.Errorf("no baseline, want base %v", *tt.wantBase)
			case tt.wantBase != nil && math.Abs(a.Baseline.Base-*tt.wantBase) > 1e-9:
				t.Errorf("baseline base = %v, want %v", a.Baseline.Base, *tt.wantBase)
			}
			if (a.YearOnYear != nil) != tt.wantYoY {
				t.Errorf("year on year = %v, want present %t", a.YearOnYear, tt.wantYoY)
			}
			if (a.XmR != nil) != tt.wantXmR {
				t.Fatalf("XmR present %t, want %t", a.XmR != nil, tt.wantXmR)
			}
			if a.Variation != tt.wantVariance {
				t.Errorf("variation = %q, want %q", a.Variation, tt.wantVariance)
			}
			if a.Concern() != (tt.wantVariance == VariationConcern) {
				t.Errorf("Concern = %t with variation %q", a.Concern(), a.Variation)
			}
			for i := 1; i < len(a.Points); i++ {
				if ComparePeriods(a.Points[i-1].Period, a.Points[i].Period) >= 0 {
					t.Errorf("points out of order at %d: %s then %s", i, a.Points[i-1].Period, a.Points[i].Period)
				}
			}
		})
	}
}

// December 2021 is compared with December 2019, never with the month
// before it, and the year-on-year figure with December 2020.
func TestAnalyseComparesTheSameMonth(t *testing.T) {
	series := []Observation{
		{Area: "Force", Period: MonthOf(2019, time.December), Value: 10},
		{Area: "Force", Period: MonthOf(2019, time.November), Value: 99},
		{Area: "Force", Period: MonthOf(2020, time.December), Value: 8},
		{Area: "Force", Period: MonthOf(2021, time.December), Value: 12},
	}
	a := Analyse(Metric{Direction: HigherIsBetter}, series, "Force", 0, DefaultTolerance)
	if a.BaselineYear != DefaultBaselineYear {
		t.Errorf("baseline year = %d", a.BaselineYear)
	}
	if a.Baseline == nil || a.Baseline.Base != 10 || a.Baseline.Absolute != 2 || a.Baseline.Percent == nil || *a.Baseline.Percent != 20 {
		t.Fatalf("baseline = %+v, want 10 -> 12, +2, +20%%", a.Baseline)
	}
	if a.YearOnYear == nil || a.YearOnYear.Base != 8 || a.YearOnYear.Absolute != 4 {
		t.Errorf("year on year = %+v, want 8 -> 12", a.YearOnYear)
	}
}

func TestStaleness(t *testing.T) {
	aug, jul := MonthOf(2021, time.August), MonthOf(2021, time.July)
	q2 := QuarterOf(2021, 2)
	newest := NewestPeriods([]Period{jul, aug, q2, {}})
	tests := []struct {
		name string
		p    Period
		want bool
	}{
		{"the newest month", aug, false},
		{"a month behind", jul, true},
		{"the only quarterly period is not behind months", q2, false},
		{"an older quarter", QuarterOf(2021, 1), true},
		{"a kind nobody else has", FinancialYearOf(2019), false},
		{"no values at all", Period{}, false},
	}
	for _, tt := range tests {
		if got := IsStale(tt.p, newest); got != tt.want {
			t.Errorf("%s: IsStale(%s) = %t, want %t", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestEndedBefore(t *testing.T) {
	series := []Observation{
		{Area: "A", Period: MonthOf(2022, time.January), Value: 1},
		{Area: "A", Period: MonthOf(2022, time.February), Value: 2},
		{Area: "A", Period: QuarterOf(2021, 3), Value: 3},
		{Area: "A", Period: QuarterOf(2021, 4), Value: 4},
	}
	// A meeting on 10 February 2022, late in the day: January and Q3 had
	// ended, February and Q4 had not.
	got := EndedBefore(series, time.Date(2022, time.February, 10, 23, 0, 0, 0, time.UTC))
	if len(got) != 2 || got[0].Value != 1 || got[1].Value != 3 {
		t.Errorf("EndedBefore = %+v, want January 2022 and 2021/22 Q3", got)
	}
	// On the last day of a month, that month has not ended.
	if got := EndedBefore(series, time.Date(2022, time.January, 31, 0, 0, 0, 0, time.UTC)); len(got) != 1 {
		t.Errorf("on 31 January: %+v, want only 2021/22 Q3", got)
	}
	// After every period has ended: every observation, in order, and an
	// append to the result does not write into series.
	all := EndedBefore(series[:3], time.Date(2022, time.April, 1, 0, 0, 0, 0, time.UTC))
	if len(all) != 3 || all[0].Value != 1 || all[1].Value != 2 || all[2].Value != 3 {
		t.Errorf("after every period: %+v, want the first three in order", all)
	}
	_ = append(all, Observation{Value: 99})
	if series[3].Value != 4 {
		t.Errorf("an append to the result wrote into the series: %+v", series[3])
	}
}

func ptr(v float64) *float64 { return &v }
