package chart

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestSPCHistogramSparklineHostileLabelsStayText(t *testing.T) {
	for _, tc := range chartHostileLabels {
		t.Run(tc.name, func(t *testing.T) {
			label := tc.label
			spc, err := SPCChartPanel("chart-spc", label, label, SPCChart{
				SeriesName: label, Labels: []string{label, "Feb 2020", "Mar 2020"},
				Values: []float64{1, 2, 9}, Mean: 4, Upper: 8, Lower: 0, Unusual: []bool{false, false, true},
				Target: chartFP(5),
			})
			if err != nil {
				t.Fatal(err)
			}
			hist, err := HistogramPanel("chart-hist", label, label, label, []string{label, "5–10"}, []int{3, 4})
			if err != nil {
				t.Fatal(err)
			}
			spark, err := SparklinePanel("spark-1", label, []string{label, "Feb 2020"}, []*float64{chartFP(1), nil})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []ChartPanel{spc, hist, spark} {
				if i := strings.IndexAny(string(p.OptionJSON), "<>&\u2028\u2029"); i >= 0 {
					t.Errorf("%s: OptionJSON has a raw %q", p.ID, string(p.OptionJSON)[i:i+1])
				}
				if !strings.Contains(p.Description, label) {
					t.Errorf("%s: Description %q does not name the title", p.ID, p.Description)
				}
			}
			opt, attrs, _ := chartRendered(t, spc)
			if attrs["aria-label"] != spc.Description {
				t.Errorf("aria-label = %q", attrs["aria-label"])
			}
			for _, c := range []struct {
				what string
				got  any
				want string
			}{
				{"spc title", chartAt(t, opt, "title", "text"), label},
				{"spc series", chartAt(t, opt, "series", 0, "name"), label},
				{"spc period", chartAt(t, opt, "xAxis", 0, "data", 0), label},
				{"spc unit", chartAt(t, opt, "yAxis", 0, "name"), label},
			} {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
			opt, _, _ = chartRendered(t, hist)
			if got := chartAt(t, opt, "xAxis", 0, "data", 0); got != label {
				t.Errorf("histogram bin = %q, want %q", got, label)
			}
			opt, _, _ = chartRendered(t, spark)
			if got := chartAt(t, opt, "series", 0, "name"); got != label {
				t.Errorf("sparkline series = %q, want %q", got, label)
			}
		})
	}
}

func TestSPCChartPanelOption(t *testing.T) {
	p, err := SPCChartPanel("chart-spc", "Response time", "minutes", SPCChart{
		SeriesName: "Force",
		Labels:     []string{"Jan 2021", "Feb 2021", "Mar 2021", "Apr 2021"},
		Values:     []float64{14, 15, 0.1 + 0.2, 30},
		Mean:       14.8, Upper: 25.1, Lower: 4.5,
		Unusual: []bool{false, false, true, true},
		Target:  chartFP(15),
	})
	if err != nil {
		t.Fatal(err)
	}
	var opt map[string]any
	if err := json.Unmarshal([]byte(p.OptionJSON), &opt); err != nil {
		t.Fatal(err)
	}
	var names []any
	for _, s := range chartAt(t, opt, "series").([]any) {
		names = append(names, chartAt(t, s, "name"))
	}
	want := []any{"Force", "Average", "Upper process limit", "Lower process limit", "Unusual point (special cause)", "Target (15 minutes)"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("series = %v, want %v", names, want)
	}
	values := func(i int) []any {
		var out []any
		for _, d := range chartAt(t, opt, "series", i, "data").([]any) {
			out = append(out, chartAt(t, d, "value"))
		}
		return out
	}
	for i, want := range [][]any{
		{14.0, 15.0, 0.3, 30.0},
		{14.8, 14.8, 14.8, 14.8},
		{25.1, 25.1, 25.1, 25.1},
		{4.5, 4.5, 4.5, 4.5},
		{"-", "-", 0.3, 30.0},
		{15.0, 15.0, 15.0, 15.0},
	} {
		if got := values(i); !reflect.DeepEqual(got, want) {
			t.Errorf("series %d (%v) data = %v, want %v", i, names[i], got, want)
		}
	}
	// The unusual points differ in shape from the values and carry no
	// line between them.
	if chartAt(t, opt, "series", 4, "symbol") != "diamond" || chartAt(t, opt, "series", 0, "symbol") == "diamond" {
		t.Errorf("unusual points are not marked by a distinct symbol")
	}
	if op, ok := chartAt(t, opt, "series", 4, "lineStyle").(map[string]any)["opacity"]; !ok || op != 0.0 {
		t.Errorf("unusual points are joined by a line: lineStyle %v", chartAt(t, opt, "series", 4, "lineStyle"))
	}
	if chartAt(t, opt, "yAxis", 0, "scale") != true {
		t.Error("the y axis starts at zero: the limits would be squeezed")
	}
	wantDesc := "SPC chart of Response time (minutes) for Force, Jan 2021 to Apr 2021, 4 points, with lines for the average and the upper and lower process limits; 2 unusual points marked with diamonds; a dashed line for Target (15 minutes)."
	if p.Description != wantDesc {
		t.Errorf("Description:\n got %q\nwant %q", p.Description, wantDesc)
	}

	// An area named like a legend entry keeps the legend unambiguous.
	p, err = SPCChartPanel("c", "T", "", SPCChart{SeriesName: "Average", Labels: []string{"a", "b", "c"}, Values: []float64{1, 2, 3}, Mean: 2, Upper: 4, Lower: 0})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(p.OptionJSON), &opt); err != nil {
		t.Fatal(err)
	}
	if got := chartAt(t, opt, "series", 0, "name"); got != "Values for Average" {
		t.Errorf("values named %q next to the Average line", got)
	}
}

func TestSPCChartPanelRejects(t *testing.T) {
	ok := SPCChart{SeriesName: "Force", Labels: []string{"a", "b", "c"}, Values: []float64{1, 2, 3}, Mean: 2, Upper: 4, Lower: 0}
	with := func(f func(c *SPCChart)) SPCChart {
		c := ok
		c.Labels = append([]string(nil), ok.Labels...)
		c.Values = append([]float64(nil), ok.Values...)
		f(&c)
		return c
	}
	for _, tc := range []struct {
		name string
		id   string
		c    SPCChart
	}{
		{"NaN value", "c", with(func(c *SPCChart) { c.Values[1] = math.NaN() })},
		{"Inf value", "c", with(func(c *SPCChart) { c.Values[1] = math.Inf(1) })},
		{"NaN mean", "c", with(func(c *SPCChart) { c.Mean = math.NaN() })},
		{"Inf upper limit", "c", with(func(c *SPCChart) { c.Upper = math.Inf(1) })},
		{"Inf lower limit", "c", with(func(c *SPCChart) { c.Lower = math.Inf(-1) })},
		{"NaN target", "c", with(func(c *SPCChart) { c.Target = chartFP(math.NaN()) })},
		{"no values", "c", with(func(c *SPCChart) { c.Values, c.Labels = nil, nil })},
		{"labels short", "c", with(func(c *SPCChart) { c.Labels = c.Labels[:2] })},
		{"unusual short", "c", with(func(c *SPCChart) { c.Unusual = []bool{true} })},
		{"unnamed values", "c", with(func(c *SPCChart) { c.SeriesName = " " })},
		{"bad id", "c d", ok},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := SPCChartPanel(tc.id, "T", "u", tc.c)
			if !errors.Is(err, ErrChartInput) {
				t.Fatalf("err = %v, want ErrChartInput", err)
			}
			if p != (ChartPanel{}) {
				t.Errorf("returned a panel with the error")
			}
		})
	}
}

func TestHistogramPanel(t *testing.T) {
	p, err := HistogramPanel("chart-hist", "Response times", "minutes", "incidents", []string{"0–5", "5–10", "10–15"}, []int{3, 0, 7})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Histogram of Response times: 10 incidents in 3 bins of minutes, from 0–5 to 10–15."; p.Description != want {
		t.Errorf("Description = %q, want %q", p.Description, want)
	}
	var opt map[string]any
	if err := json.Unmarshal([]byte(p.OptionJSON), &opt); err != nil {
		t.Fatal(err)
	}
	if chartAt(t, opt, "xAxis", 0, "type") != "category" || chartAt(t, opt, "yAxis", 0, "type") != "value" {
		t.Error("a histogram's bins run along the x axis")
	}
	var got []any
	for _, d := range chartAt(t, opt, "series", 0, "data").([]any) {
		got = append(got, chartAt(t, d, "value"))
	}
	if !reflect.DeepEqual(got, []any{3.0, 0.0, 7.0}) {
		t.Errorf("counts = %v", got)
	}
	for _, tc := range []struct {
		name   string
		bins   []string
		counts []int
	}{
		{"no bins", nil, nil},
		{"short counts", []string{"a", "b"}, []int{1}},
		{"negative", []string{"a"}, []int{-1}},
		{"duplicate bin", []string{"a", "a"}, []int{1, 2}},
		{"empty bin", []string{""}, []int{1}},
	} {
		if _, err := HistogramPanel("c", "T", "x", "n", tc.bins, tc.counts); !errors.Is(err, ErrChartInput) {
			t.Errorf("%s: err = %v, want ErrChartInput", tc.name, err)
		}
	}
}

func TestSparklinePanel(t *testing.T) {
	p, err := SparklinePanel("spark-1", "999 calls", []string{"Jan 2022", "Feb 2022", "Mar 2022"}, []*float64{chartFP(400), nil, chartFP(420)})
	if err != nil {
		t.Fatal(err)
	}
	var opt map[string]any
	if err := json.Unmarshal([]byte(p.OptionJSON), &opt); err != nil {
		t.Fatal(err)
	}
	// Nothing but the line: no toolbox, legend, axes or drawn title.
	if chartAt(t, opt, "toolbox", "show") != false {
		t.Error("a sparkline shows a toolbox")
	}
	if chartAt(t, opt, "xAxis", 0, "show") != false || chartAt(t, opt, "yAxis", 0, "show") != false {
		t.Error("a sparkline shows its axes")
	}
	if chartAt(t, opt, "legend", "show") != false {
		t.Error("a sparkline shows a legend")
	}
	var got []any
	for _, d := range chartAt(t, opt, "series", 0, "data").([]any) {
		got = append(got, chartAt(t, d, "value"))
	}
	if !reflect.DeepEqual(got, []any{400.0, "-", 420.0}) {
		t.Errorf("values = %v", got)
	}
	for _, tc := range []struct {
		name   string
		labels []string
		values []*float64
	}{
		{"no periods", nil, nil},
		{"short values", []string{"a", "b"}, []*float64{chartFP(1)}},
		{"NaN", []string{"a"}, []*float64{chartFP(math.NaN())}},
	} {
		if _, err := SparklinePanel("c", "T", tc.labels, tc.values); !errors.Is(err, ErrChartInput) {
			t.Errorf("%s: err = %v, want ErrChartInput", tc.name, err)
		}
	}
}
