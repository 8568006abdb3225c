package metrics

import (
	"fmt"
	"testing"
	"time"
)

func TestResponseMinutes(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2021, time.August, 14, h, m, 0, 0, time.UTC) }
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	tests := []struct {
		name    string
		inc     Incident
		want    float64
		invalid bool
	}{
		// Worked by hand: 02:10 to 02:27 is 17 minutes.
		{"from times", Incident{ID: "A1", Received: at(2, 10), Arrived: at(2, 27)}, 17, false},
		// Worked by hand: 90 seconds is 1.5 minutes.
		{"seconds count", Incident{ID: "A2", Received: at(2, 10), Arrived: at(2, 10).Add(90 * time.Second)}, 1.5, false},
		// Worked by hand: times win over minutes when both are given.
		{"times win", Incident{ID: "A3", Received: at(2, 10), Arrived: at(2, 22), Minutes: 99}, 12, false},
		{"minutes only", Incident{ID: "A4", Minutes: 14.5}, 14.5, false},
		{"already on scene", Incident{ID: "A5", Minutes: 0}, 0, false},
		// Worked by hand: the clocks went back at 02:00 BST on
		// 31 October 2021; 01:50 BST to 01:10 GMT is 20 minutes, though
		// the clock reads earlier.
		{"across the clock change", Incident{ID: "A6",
			Received: time.Date(2021, time.October, 31, 0, 50, 0, 0, time.UTC).In(london),
			Arrived:  time.Date(2021, time.October, 31, 1, 10, 0, 0, time.UTC).In(london)}, 20, false},
		{"arrived before received", Incident{ID: "B1", Received: at(2, 27), Arrived: at(2, 10)}, 0, true},
		{"no arrival", Incident{ID: "B2", Received: at(2, 10)}, 0, true},
		{"no received", Incident{ID: "B3", Arrived: at(2, 10)}, 0, true},
		{"negative minutes", Incident{ID: "B4", Minutes: -3}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.inc.ResponseMinutes()
			if tt.invalid {
				if ErrorCode(err) != EINVALID {
					t.Errorf("error = %v, want EINVALID", err)
				}
				return
			}
			if err != nil || !near(got, tt.want) {
				t.Errorf("ResponseMinutes() = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// outlierMonth is August 2021 as the Commissioner's question pictures
// it: 19 incidents attended in 12 to 16 minutes and one that took three
// hours. The three 16-minute incidents and the slow one are rural.
func outlierMonth() []Incident {
	minutes := []float64{12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16}
	var out []Incident
	for i, m := range minutes {
		setting := "urban"
		if m == 16 {
			setting = "Rural" // case does not matter
		}
		received := time.Date(2021, time.August, 1+i, 9, 0, 0, 0, time.UTC)
		out = append(out, Incident{ID: fmt.Sprintf("INC-%02d", i+1), Priority: "immediate", Setting: setting,
			Area: "north", Received: received, Arrived: received.Add(time.Duration(m) * time.Minute)})
	}
	// The slow one is given in minutes, as some workbooks do.
	out = append(out, Incident{ID: "INC-20", Priority: "immediate", Setting: "rural", Area: "north", Minutes: 180})
	return out
}

func TestResponseStatisticsOutlier(t *testing.T) {
	st, err := ResponseStatistics(outlierMonth(), ResponseTargets{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Worked by hand. The 19 ordinary times sum to 3×12 + 4×13 + 5×14 +
	// 4×15 + 3×16 = 266, a mean of 14; with 180 the sum is 446 and the
	// mean 446/20 = 22.3: one incident pulls the average up 8.3 minutes.
	// Sorted, the 10th and 11th of 20 are both 14, so the median is 14,
	// as it is without the outlier: the median does not move.
	// P90: h = 19 × 0.9 = 17.1, between the 18th and 19th values, both
	// 16. Quartiles: h = 4.75 gives 13, h = 14.25 gives 15, so IQR 2 and
	// fences 13 - 3 = 10 and 15 + 3 = 18: only 180 is outside. Within
	// target: 16 urban at 15 or less, 3 rural at 16 (target 20), and the
	// rural 180 is not: 19 of 20, 95%.
	checks := []struct {
		name      string
		got, want float64
	}{
		{"count", float64(st.Count), 20},
		{"mean", st.Mean, 22.3},
		{"median", st.Median, 14},
		{"p90", st.P90, 16},
		{"within target", float64(st.WithinTarget), 19},
		{"within target share", st.WithinTargetShare, 95},
		{"mean without outliers", st.MeanWithoutOutliers, 14},
		{"lower fence", st.LowerFence, 10},
		{"upper fence", st.UpperFence, 18},
		{"outlier effect on the mean", st.Mean - st.MeanWithoutOutliers, 8.3},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if len(st.Outliers) != 1 || st.Outliers[0].ID != "INC-20" || st.Outliers[0].Minutes != 180 {
		t.Errorf("outliers = %+v, want INC-20 at 180 minutes", st.Outliers)
	}
	// Worked by hand: slowest first, the 16-minute ties in ID order
	// (INC-17, INC-18, INC-19), with minutes filled in from the times.
	var slow []string
	for _, s := range st.Slowest {
		slow = append(slow, fmt.Sprintf("%s %g", s.ID, s.Minutes))
	}
	if got, want := fmt.Sprint(slow), "[INC-20 180 INC-17 16 INC-18 16]"; got != want {
		t.Errorf("slowest = %s, want %s", got, want)
	}
	// The median without the outlier, from the same data.
	med, _ := Median([]float64{12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16})
	if med != st.Median {
		t.Errorf("median without the outlier = %v, with it %v: worked by hand both are 14", med, st.Median)
	}
}

func TestResponseStatisticsFastOutlier(t *testing.T) {
	// Worked by hand: sorted 1, 14, 14, 15, 15, 16, 16, 30 have Q1 at
	// h = 1.75 (14) and Q3 at h = 5.25 (16), IQR 2, fences 11 and 19:
	// both 1 (perhaps a mistyped time) and 30 are outliers. The mean is
	// 121/8 = 15.125; without the two, 90/6 = 15. "b" and "a" tie at 16
	// and list in ID order.
	var incs []Incident
	for i, m := range []float64{15, 1, 14, 16, 30, 14, 15, 16} {
		id := string(rune('c' + i))
		if i == 3 {
			id = "b"
		}
		if i == 7 {
			id = "a"
		}
		incs = append(incs, Incident{ID: id, Setting: "urban", Minutes: m})
	}
	st, err := ResponseStatistics(incs, DefaultResponseTargets, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !near(st.LowerFence, 11) || !near(st.UpperFence, 19) || !near(st.Mean, 15.125) || !near(st.MeanWithoutOutliers, 15) {
		t.Errorf("fences %v..%v, mean %v, without outliers %v; want 11..19, 15.125, 15", st.LowerFence, st.UpperFence, st.Mean, st.MeanWithoutOutliers)
	}
	var out, slow []string
	for _, o := range st.Outliers {
		out = append(out, fmt.Sprintf("%s %g", o.ID, o.Minutes))
	}
	for _, o := range st.Slowest {
		slow = append(slow, fmt.Sprintf("%s %g", o.ID, o.Minutes))
	}
	if got, want := fmt.Sprint(out), "[g 30 d 1]"; got != want {
		t.Errorf("outliers = %s, want %s (slowest first)", got, want)
	}
	if got, want := fmt.Sprint(slow), "[g 30 a 16 b 16]"; got != want {
		t.Errorf("slowest = %s, want %s", got, want)
	}
}

func TestResponseStatisticsTargets(t *testing.T) {
	// Worked by hand: targets are inclusive and per setting.
	incs := []Incident{
		{ID: "1", Setting: "urban", Minutes: 15},
		{ID: "2", Setting: "urban", Minutes: 15.5},
		{ID: "3", Setting: "rural", Minutes: 20},
		{ID: "4", Setting: " RURAL ", Minutes: 21},
	}
	tests := []struct {
		name    string
		targets ResponseTargets
		within  int
		share   float64
	}{
		// 15 and 20 are within the default 15/20; 15.5 and 21 are not.
		{"defaults", ResponseTargets{}, 2, 50},
		{"explicit defaults", DefaultResponseTargets, 2, 50},
		// With 16/25 every incident is within.
		{"looser", ResponseTargets{UrbanMinutes: 16, RuralMinutes: 25}, 4, 100},
		// With urban 10 and rural default 20, only the rural 20 is.
		{"urban only given", ResponseTargets{UrbanMinutes: 10}, 1, 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := ResponseStatistics(incs, tt.targets, 0)
			if err != nil {
				t.Fatal(err)
			}
			if st.WithinTarget != tt.within || !near(st.WithinTargetShare, tt.share) {
				t.Errorf("within = %d (%v%%), want %d (%v%%)", st.WithinTarget, st.WithinTargetShare, tt.within, tt.share)
			}
			if st.Slowest != nil {
				t.Errorf("slowest = %+v, want none for slowestN 0", st.Slowest)
			}
		})
	}
}

func TestResponseStatisticsErrors(t *testing.T) {
	// Worked by hand: each input breaks one stated rule.
	tests := []struct {
		name    string
		incs    []Incident
		targets ResponseTargets
	}{
		{"no incidents", nil, ResponseTargets{}},
		{"unknown setting", []Incident{{ID: "1", Setting: "suburban", Minutes: 3}}, ResponseTargets{}},
		{"no setting", []Incident{{ID: "1", Minutes: 3}}, ResponseTargets{}},
		{"bad time", []Incident{{ID: "1", Setting: "urban", Minutes: -1}}, ResponseTargets{}},
		{"negative target", []Incident{{ID: "1", Setting: "urban", Minutes: 3}}, ResponseTargets{UrbanMinutes: -15}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ResponseStatistics(tt.incs, tt.targets, 5); ErrorCode(err) != EINVALID {
				t.Errorf("error = %v, want EINVALID", err)
			}
		})
	}
}

func TestResponseByMonth(t *testing.T) {
	sep := func(d, h, m int) time.Time { return time.Date(2021, time.September, d, h, m, 0, 0, time.UTC) }
	// August's 19 timed incidents (INC-20 has no times) and three in
	// September, given out of order.
	incs := outlierMonth()[:19]
	incs = append([]Incident{
		{ID: "S1", Setting: "urban", Received: sep(2, 10, 0), Arrived: sep(2, 10, 18)},
		{ID: "S2", Setting: "urban", Received: sep(3, 10, 0), Arrived: sep(3, 10, 12)},
	}, incs...)
	incs = append(incs, Incident{ID: "S3", Setting: "rural", Received: sep(30, 23, 50), Arrived: sep(30, 23, 59).Add(21 * time.Minute)})
	got, err := ResponseByMonth(incs, ResponseTargets{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Worked by hand: August has 19 incidents with mean 266/19 = 14 and
	// 19 within target; September has 18, 12 and 30 minutes (the last
	// crosses midnight into October but was received in September):
	// mean 60/3 = 20, median 18, within 1 of 3 (12 urban).
	want := []struct {
		key    string
		count  int
		mean   float64
		median float64
		within int
	}{
		{"2021-08", 19, 14, 14, 19},
		{"2021-09", 3, 20, 18, 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d months, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Period.Key() != w.key || g.Stats.Count != w.count || !near(g.Stats.Mean, w.mean) || !near(g.Stats.Median, w.median) || g.Stats.WithinTarget != w.within {
			t.Errorf("month %d = %s count %d mean %v median %v within %d; want %+v",
				i, g.Period.Key(), g.Stats.Count, g.Stats.Mean, g.Stats.Median, g.Stats.WithinTarget, w)
		}
	}
	if s := got[1].Stats.Slowest; len(s) != 1 || s[0].ID != "S3" {
		t.Errorf("September's slowest = %+v, want S3", s)
	}

	// Worked by hand: an incident given only in minutes has no month.
	if _, err := ResponseByMonth(outlierMonth(), ResponseTargets{}, 1); ErrorCode(err) != EINVALID {
		t.Errorf("error = %v, want EINVALID for INC-20, which has no received time", err)
	}
	// Worked by hand: 23:30 UTC on 31 August 2021 is 00:30 BST on
	// 1 September; read in London time it is September's.
	if london, err := time.LoadLocation("Europe/London"); err == nil {
		r := time.Date(2021, time.August, 31, 23, 30, 0, 0, time.UTC).In(london)
		got, err := ResponseByMonth([]Incident{{ID: "L1", Setting: "urban", Received: r, Arrived: r.Add(9 * time.Minute)}}, ResponseTargets{}, 0)
		if err != nil || len(got) != 1 || got[0].Period.Key() != "2021-09" {
			t.Errorf("ResponseByMonth(00:30 BST 1 Sep) = %+v, %v; want September", got, err)
		}
	}
	// No incidents, no months.
	if got, err := ResponseByMonth(nil, ResponseTargets{}, 1); err != nil || len(got) != 0 {
		t.Errorf("ResponseByMonth(nil) = %+v, %v; want nothing", got, err)
	}
}
