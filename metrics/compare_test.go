package metrics

import (
	"math"
	"testing"
	"time"
)

func obsOf(area string, p Period, v float64) Observation {
	return Observation{MetricID: "m", Area: area, Period: p, Value: v}
}

func TestIndexAreas(t *testing.T) {
	ye := func(y int) Period { return YearEndingOf(y, time.December) }
	obs := []Observation{
		obsOf("Cambridgeshire", ye(2017), 60000), obsOf("Cambridgeshire", ye(2018), 63000), obsOf("Cambridgeshire", ye(2019), 66000),
		obsOf("England and Wales", ye(2018), 5000000), obsOf("England and Wales", ye(2019), 5500000), obsOf("England and Wales", ye(2020), 5600000),
		obsOf("Cambridgeshire", FinancialYearOf(2019), 1), obsOf("Suffolk", ye(2018), 0), obsOf("Suffolk", ye(2019), 10),
	}
	ix, ok := IndexAreas(obs, []string{"Cambridgeshire", "England and Wales"}, Period{})
	if !ok {
		t.Fatal("no index")
	}
	if ix.Baseline.Key() != ye(2018).Key() || len(ix.Points) != 2 {
		t.Fatalf("baseline %s, %d points: the earliest common period is YE 2018, and two periods are common", ix.Baseline.Key(), len(ix.Points))
	}
	last := ix.Points[1]
	if math.Abs(last.Index[0]-66000.0/63000*100) > 1e-9 || last.Index[1] != 110 || ix.Points[0].Index[0] != 100 || ix.Points[0].Index[1] != 100 {
		t.Errorf("points = %+v", ix.Points)
	}
	if ix, ok := IndexAreas(obs, []string{"Cambridgeshire", "England and Wales"}, ye(2019)); !ok || math.Abs(ix.Points[0].Index[1]-5000000.0/5500000*100) > 1e-9 {
		t.Errorf("chosen baseline: %+v %v", ix, ok)
	}
	for _, c := range []struct {
		name     string
		areas    []string
		baseline Period
	}{
		{"one area", []string{"Cambridgeshire"}, Period{}},
		{"a baseline not shared", []string{"Cambridgeshire", "England and Wales"}, ye(2017)},
		{"a zero baseline value", []string{"Cambridgeshire", "Suffolk"}, Period{}},
		{"no shared period", []string{"Cambridgeshire", "Nowhere"}, Period{}},
	} {
		if _, ok := IndexAreas(obs, c.areas, c.baseline); ok {
			t.Errorf("%s: indexed", c.name)
		}
	}
}

func TestRankAreas(t *testing.T) {
	m := func(mo time.Month) Period { return MonthOf(2021, mo) }
	obs := []Observation{
		obsOf("A", m(1), 5), obsOf("B", m(1), 7), obsOf("C", m(1), 7), obsOf("D", m(1), 1), obsOf("England and Wales", m(1), 100),
		obsOf("A", m(2), 9), // the latest period, but only one area has it
	}
	r, ok := RankAreas(obs, LowerIsBetter, IsNationalArea)
	if !ok || r.Period.Key() != "2021-01" {
		t.Fatalf("ranking = %+v %v", r, ok)
	}
	want := []Ranked{{1, "D", 1}, {2, "A", 5}, {3, "B", 7}, {3, "C", 7}}
	if len(r.Rows) != len(want) {
		t.Fatalf("rows = %+v", r.Rows)
	}
	for i := range want {
		if r.Rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, r.Rows[i], want[i])
		}
	}
	r, _ = RankAreas(obs, HigherIsBetter, IsNationalArea)
	if r.Rows[0].Area != "B" || r.Rows[0].Rank != 1 || r.Rows[1].Rank != 1 || r.Rows[3].Area != "D" {
		t.Errorf("higher is better: %+v", r.Rows)
	}
	if _, ok := RankAreas(obs[:1], LowerIsBetter, nil); ok {
		t.Error("one area ranked")
	}
	if !IsNationalArea(" england AND wales") || IsNationalArea("West Midlands") {
		t.Error("IsNationalArea")
	}
}

func TestCompareWithNation(t *testing.T) {
	p := Period{Kind: Month, Start: time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2022, 3, 31, 0, 0, 0, 0, time.UTC)}
	obs := func(areas map[string]float64) []Observation {
		var out []Observation
		for a, v := range areas {
			out = append(out, Observation{Area: a, Period: p, Value: v})
		}
		return out
	}
	rate := Metric{Unit: "offences per 1,000 residents", Direction: LowerIsBetter}
	count := Metric{Unit: "offences", Direction: LowerIsBetter}
	tests := []struct {
		name     string
		m        Metric
		areas    map[string]float64
		home     string
		ok       bool
		nation   string
		index    float64
		rank, of int
	}{
		{"a rate against England and Wales", rate, map[string]float64{"Kent": 6, "Essex": 4, "Cambridgeshire": 5, "England and Wales": 4}, "Cambridgeshire", true, "England and Wales", 125, 2, 3},
		{"a count against the forces' average", count, map[string]float64{"Kent": 600, "Essex": 300, "Cambridgeshire": 300, "England and Wales": 1200}, "cambridgeshire", true, "the average of the 3 forces", 75, 1, 3},
		{"home not ranked", rate, map[string]float64{"Kent": 6, "Essex": 4}, "Cambridgeshire", false, "", 0, 0, 0},
	}
	for _, tt := range tests {
		c, ok := CompareWithNation(tt.m, obs(tt.areas), tt.home)
		if ok != tt.ok {
			t.Errorf("%s: ok = %t", tt.name, ok)
			continue
		}
		if ok && (c.Nation != tt.nation || math.Abs(c.Index-tt.index) > 1e-9 || c.Rank != tt.rank || c.Of != tt.of || c.Home != "Cambridgeshire") {
			t.Errorf("%s: %+v, want %s, index %v, rank %d of %d", tt.name, c, tt.nation, tt.index, tt.rank, tt.of)
		}
	}
}
