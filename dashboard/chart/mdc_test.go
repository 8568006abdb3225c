package chart

import (
	"encoding/json"
	"strings"
	"testing"
)

// seriesByName is the chart option's series, by name.
func seriesByName(t *testing.T, p ChartPanel) map[string]map[string]any {
	t.Helper()
	var opt struct {
		Series []map[string]any `json:"series"`
	}
	if err := json.Unmarshal([]byte(p.OptionJSON), &opt); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, s := range opt.Series {
		name, _ := s["name"].(string)
		out[name] = s
	}
	return out
}

// An SPC chart of recalculated limits draws them as steps; its unusual
// points are a series a kind, coloured as Making Data Count colours them
// and each with a shape of its own; every series draws every symbol; a
// benchmark is a line of its own beside the target.
func TestSPCChartSegmentsKindsAndBenchmark(t *testing.T) {
	p, err := SPCChartPanel("chart-spc", "Response", "minutes", SPCChart{
		SeriesName: "North", Labels: []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun"},
		Values: []float64{10, 12, 11, 20, 22, 30},
		Means:  []float64{11, 11, 11, 24, 24, 24}, Uppers: []float64{14, 14, 14, 29, 29, 29}, Lowers: []float64{8, 8, 8, 19, 19, 19},
		Kinds:  []string{"", SPCKindImprovement, "", "", SPCKindNeither, SPCKindConcern},
		Target: chartFP(15), Benchmark: chartFP(18), BenchmarkLabel: "National average (18 minutes)",
	})
	if err != nil {
		t.Fatal(err)
	}
	series := seriesByName(t, p)
	for name, s := range series {
		if s["showAllSymbol"] != true {
			t.Errorf("series %q does not draw every symbol", name)
		}
	}
	for _, name := range []string{spcAverageLabel, spcUpperLabel, spcLowerLabel} {
		if s := series[name]; s == nil || s["step"] != "middle" {
			t.Errorf("%s is not drawn as steps: %v", name, s)
		}
	}
	if d := series[spcUpperLabel]["data"].([]any); d[2].(map[string]any)["value"] != 14.0 || d[3].(map[string]any)["value"] != 29.0 {
		t.Errorf("the upper limit does not step from 14 to 29: %v", d)
	}
	for _, k := range []struct{ name, colour, symbol string }{
		{spcConcernLabel, mdcOrange, "diamond"}, {spcImprovementLabel, mdcBlue, "rect"}, {spcNeitherLabel, mdcGrey, "triangle"},
	} {
		s := series[k.name]
		if s == nil || s["symbol"] != k.symbol || s["itemStyle"].(map[string]any)["color"] != k.colour {
			t.Errorf("%s: %v", k.name, s)
		}
	}
	if _, ok := series[spcUnusualLabel]; ok {
		t.Errorf("with kinds, the uncoloured unusual series is still drawn")
	}
	if s := series["National average (18 minutes)"]; s == nil || s["lineStyle"].(map[string]any)["type"] != "dotted" {
		t.Errorf("benchmark line: %v", s)
	}
	if _, ok := series["Target (15 minutes)"]; !ok {
		t.Errorf("no target line")
	}
	for _, want := range []string{"recalculated in steps", "1 concern (diamonds)", "1 improvement (squares)", "1 neither (triangles)", "a dotted line for National average (18 minutes)"} {
		if !strings.Contains(p.Description, want) {
			t.Errorf("the description %q lacks %q", p.Description, want)
		}
	}
	if _, err := SPCChartPanel("chart-spc", "R", "", SPCChart{SeriesName: "N", Labels: []string{"a"}, Values: []float64{1}, Means: []float64{1, 2}, Uppers: []float64{1}, Lowers: []float64{1}}); err == nil {
		t.Errorf("steps of the wrong length were accepted")
	}
}

func TestBarChartTargetAndSparklineRAG(t *testing.T) {
	bar, err := BarChartPanelWithTarget("chart-areas", "By area", "minutes", []string{"North", "South"}, []float64{16, 14}, chartFP(15))
	if err != nil {
		t.Fatal(err)
	}
	ml := seriesByName(t, bar)["By area"]["markLine"].(map[string]any)
	if d := ml["data"].([]any)[0].(map[string]any); d["xAxis"] != 15.0 || d["name"] != "Target (15 minutes)" {
		t.Errorf("target mark line = %v", ml)
	}
	if !strings.Contains(bar.Description, "a dashed line for Target (15 minutes)") {
		t.Errorf("description %q", bar.Description)
	}
	spark, err := SparklinePanelRAG("spark-0", "Response", []string{"Jan", "Feb"}, []*float64{chartFP(16), chartFP(17)}, "red", chartFP(15))
	if err != nil {
		t.Fatal(err)
	}
	s := seriesByName(t, spark)
	if s["Response"]["lineStyle"].(map[string]any)["color"] != ragColours["red"] || s["Target"] == nil {
		t.Errorf("sparkline = %v", s)
	}
	if !strings.Contains(spark.Description, "drawn in red") {
		t.Errorf("description %q", spark.Description)
	}
}
