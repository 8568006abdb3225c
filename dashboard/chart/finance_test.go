package chart

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// hostileArea is a business area that would run as script if a chart
// let it through as markup.
const hostileArea = `</script><script>alert("area")</script>`

func TestVarianceChartPanel(t *testing.T) {
	bars := []VarianceBar{
		{Category: "Local Policing", Value: 512, Label: "£512k overspend"},
		{Category: hostileArea, Value: -90, Label: "-£90k underspend"},
		{Category: "Mutual Aid", Value: 0, Label: "£0 on budget"},
	}
	p, err := VarianceChartPanel("chart-variance", "Variance", "£k", bars)
	if err != nil {
		t.Fatal(err)
	}
	if i := chartUnsafeIndex([]byte(p.OptionJSON)); i >= 0 {
		t.Fatalf("option has an unescaped character at %d", i)
	}
	var option struct {
		Series []struct {
			Name string `json:"name"`
			Data []struct {
				Value any `json:"value"`
				Label *struct {
					Formatter string `json:"formatter"`
				} `json:"label"`
			} `json:"data"`
		} `json:"series"`
		YAxis []struct {
			Data []string `json:"data"`
		} `json:"yAxis"`
	}
	if err := json.Unmarshal([]byte(p.OptionJSON), &option); err != nil {
		t.Fatal(err)
	}
	if len(option.Series) != 2 || option.Series[0].Name != "Overspend" || option.Series[1].Name != "Underspend" {
		t.Fatalf("series = %+v", option.Series)
	}
	over, under := option.Series[0].Data, option.Series[1].Data
	if over[0].Value != 512.0 || under[0].Value != "-" || over[1].Value != "-" || under[1].Value != -90.0 || under[1].Label.Formatter != "-£90k underspend" {
		t.Errorf("bars: over %+v, under %+v", over, under)
	}
	if len(option.YAxis) != 1 || option.YAxis[0].Data[1] != hostileArea {
		t.Errorf("the hostile category should survive as text: %+v", option.YAxis)
	}
	for _, bad := range [][]VarianceBar{nil, {{Category: "A"}, {Category: "A"}}, {{Category: " "}}, {{Category: "A", Value: math.NaN()}}} {
		if _, err := VarianceChartPanel("chart-variance", "Variance", "£k", bad); !errors.Is(err, ErrChartInput) {
			t.Errorf("VarianceChartPanel(%+v) = %v, want ErrChartInput", bad, err)
		}
	}
}

func TestTrendChartPanel(t *testing.T) {
	v := func(f float64) *float64 { return &f }
	labels := []string{"M1 Apr", "M2 May", "M3 Jun"}
	p, err := TrendChartPanel("chart-trend", "Trend", "£k", labels, []LineSeries{{Name: "Total", Values: []*float64{v(-180), nil, v(-404)}}})
	if err != nil {
		t.Fatal(err)
	}
	js := string(p.OptionJSON)
	if !strings.Contains(js, `"connectNulls":true`) || !strings.Contains(js, `"-"`) || !strings.Contains(js, "On budget (0)") {
		t.Errorf("option = %s", js)
	}
	for _, bad := range [][]LineSeries{nil, {{Name: "On budget (0)", Values: make([]*float64, 3)}}, {{Name: "A", Values: make([]*float64, 2)}}, {{Name: "A", Values: []*float64{v(math.Inf(1)), nil, nil}}}} {
		if _, err := TrendChartPanel("chart-trend", "Trend", "£k", labels, bad); !errors.Is(err, ErrChartInput) {
			t.Errorf("TrendChartPanel(%+v) = %v, want ErrChartInput", bad, err)
		}
	}
}

func TestChartAxisEnd(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{{0, 0}, {640, 1500}, {-820, -1500}, {-90, -200}, {100, 200}, {1, 2}, {5.9, 15}} {
		if got := chartAxisEnd(tt.in); got != tt.want {
			t.Errorf("chartAxisEnd(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
