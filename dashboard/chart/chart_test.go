package chart

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"math"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// chartHostileLabels are texts that a spreadsheet could put in a metric name,
// area or period, and that must reach the chart as the same text.
var chartHostileLabels = []struct{ name, label string }{
	{"script close", `</script><script>alert(1)</script>`},
	{"go-echarts function marker", `__f__function(){alert(1)}__f__`},
	{"quoted function marker", `"__f__alert(1)__f__"`},
	{"double quotes", `"quotes"`},
	{"single quotes", `it's 'quoted'`},
	{"entity", `&amp;`},
	{"html", `<b onmouseover="alert(1)">bold</b>`},
	{"comment open", `<!-- <script>`},
	{"cdata end", `]]>`},
	{"backslash", `C:\temp\n\u0041`},
	{"template action", `{{.ID}}`},
	{"emoji", "🚓 Response 🚨"},
	{"line separators", "a\u2028b\u2029c"},
	{"newline and tab", "line one\nline\ttwo"},
	{"echarts rich text", "{a|b}{c}"},
}

// chartTestPage is a page as the dashboard's templates will build it.
func chartTestPage(t *testing.T) *template.Template {
	t.Helper()
	tmpl := template.Must(template.New("page").Parse(
		`<!DOCTYPE html><html><head><title>{{.Title}}</title>` +
			`<script src="/static/js/echarts.min.js" defer></script>` +
			`<script src="/static/js/charts.js" defer></script></head>` +
			`<body><h2>{{.Title}}</h2>{{template "chart-panel" .}}<p>after</p></body></html>`))
	return template.Must(tmpl.Parse(ChartPanelTemplate))
}

// chartRendered executes the page for p and reads it back the way a
// browser would: it returns the parsed option from the JSON script
// element, the chart element's attributes, and the raw script text.
func chartRendered(t *testing.T, p ChartPanel) (option map[string]any, chartAttrs map[string]string, raw string) {
	t.Helper()
	var buf bytes.Buffer
	if err := chartTestPage(t).Execute(&buf, p); err != nil {
		t.Fatalf("executing template: %v", err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("parsing page: %v", err)
	}
	var scripts, charts []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" {
				scripts = append(scripts, n)
			}
			if _, ok := chartAttrsOf(n)["data-chart"]; ok {
				charts = append(charts, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	// Two scripts in the head plus the option: any other script element
	// is markup injected by a label.
	if len(scripts) != 3 {
		t.Fatalf("page has %d script elements, want 3:\n%s", len(scripts), buf.String())
	}
	if len(charts) != 1 {
		t.Fatalf("page has %d chart elements, want 1:\n%s", len(charts), buf.String())
	}
	s := scripts[2]
	a := chartAttrsOf(s)
	if a["type"] != "application/json" || a["id"] != p.ID {
		t.Fatalf("option script has attributes %v, want type application/json and id %q", a, p.ID)
	}
	if s.FirstChild == nil || s.FirstChild != s.LastChild || s.FirstChild.Type != html.TextNode {
		t.Fatalf("option script does not hold exactly one text node:\n%s", buf.String())
	}
	// The text after the script must still be parsed as markup, i.e. the
	// option did not swallow or end the rest of the page.
	if !strings.Contains(buf.String(), "</script><p>after</p></body>") {
		t.Fatalf("page does not end as written:\n%s", buf.String())
	}
	raw = s.FirstChild.Data
	if err := json.Unmarshal([]byte(raw), &option); err != nil {
		t.Fatalf("option is not JSON: %v\n%s", err, raw)
	}
	return option, chartAttrsOf(charts[0]), raw
}

func chartAttrsOf(n *html.Node) map[string]string {
	m := make(map[string]string, len(n.Attr))
	for _, a := range n.Attr {
		m[a.Key] = a.Val
	}
	return m
}

// chartAt walks a decoded JSON value by keys and indexes, failing the test
// when the path does not exist.
func chartAt(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %T is not an object", path, v)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("at %v: no key %q", path, k)
			}
		case int:
			s, ok := v.([]any)
			if !ok || k >= len(s) {
				t.Fatalf("at %v: %T has no index %d", path, v, k)
			}
			v = s[k]
		}
	}
	return v
}

func chartFP(v float64) *float64 { return &v }

func TestHostileLabelsStayText(t *testing.T) {
	for _, tc := range chartHostileLabels {
		t.Run(tc.name, func(t *testing.T) {
			label := tc.label
			line, err := LineChartPanel("chart-line", label, label,
				[]string{label, "Feb 2020"},
				[]LineSeries{{Name: label, Values: []*float64{chartFP(1), chartFP(2)}}, {Name: label + " 2", Values: []*float64{nil, chartFP(3)}}},
				chartFP(15), label+" target")
			if err != nil {
				t.Fatal(err)
			}
			bar, err := BarChartPanel("chart-bar", label, label, []string{label, "Other"}, []float64{1, 2})
			if err != nil {
				t.Fatal(err)
			}

			// The SPC chart's series are marshalled on their own and
			// written into the option whole (showAllSymbols).
			spc, err := SPCChartPanel("chart-spc", label, label, SPCChart{SeriesName: label, Labels: []string{label, "Feb 2020"},
				Values: []float64{1, 2}, Means: []float64{1.5, 1.5}, Uppers: []float64{3, 3}, Lowers: []float64{0, 0}, Kinds: []string{"", ""}})
			if err != nil {
				t.Fatal(err)
			}
			if opt, _, _ := chartRendered(t, spc); chartAt(t, opt, "series", 0, "name") != label || chartAt(t, opt, "series", 0, "showAllSymbol") != true {
				t.Errorf("the SPC chart's first series is %v", chartAt(t, opt, "series", 0))
			}
			for _, p := range []ChartPanel{line, bar, spc} {
				if i := strings.IndexAny(string(p.OptionJSON), "<>&\u2028\u2029"); i >= 0 {
					t.Errorf("%s: OptionJSON has a raw %q", p.ID, string(p.OptionJSON)[i:i+1])
				}
			}

			opt, chartAttrs, _ := chartRendered(t, line)
			if chartAttrs["data-chart"] != "chart-line" {
				t.Errorf("data-chart = %q", chartAttrs["data-chart"])
			}
			if chartAttrs["aria-label"] != line.Description {
				t.Errorf("aria-label = %q, want the Description %q", chartAttrs["aria-label"], line.Description)
			}
			if !strings.Contains(line.Description, label) {
				t.Errorf("Description %q does not name the title", line.Description)
			}
			for _, c := range []struct {
				what string
				got  any
				want string
			}{
				{"title", chartAt(t, opt, "title", "text"), label},
				{"series name", chartAt(t, opt, "series", 0, "name"), label},
				{"second series name", chartAt(t, opt, "series", 1, "name"), label + " 2"},
				{"target name", chartAt(t, opt, "series", 2, "name"), label + " target"},
				{"period label", chartAt(t, opt, "xAxis", 0, "data", 0), label},
				{"unit", chartAt(t, opt, "yAxis", 0, "name"), label},
			} {
				if c.got != c.want {
					t.Errorf("line %s = %q, want %q", c.what, c.got, c.want)
				}
			}

			opt, _, _ = chartRendered(t, bar)
			for _, c := range []struct {
				what string
				got  any
				want string
			}{
				{"title", chartAt(t, opt, "title", "text"), label},
				{"category", chartAt(t, opt, "yAxis", 0, "data", 0), label},
				{"unit", chartAt(t, opt, "xAxis", 0, "name"), label},
			} {
				if c.got != c.want {
					t.Errorf("bar %s = %q, want %q", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestLineChartPanelOption(t *testing.T) {
	periods := []string{"Apr 2019", "May 2019", "Jun 2019", "Jul 2019"}
	series := []LineSeries{
		{Name: "North", Values: []*float64{chartFP(10), nil, chartFP(0), chartFP(12.5)}},
		{Name: "South", Values: []*float64{chartFP(0.1 + 0.2), chartFP(14), chartFP(-3), nil}},
		{Name: "West", Values: []*float64{nil, nil, nil, nil}},
	}
	p, err := LineChartPanel("chart-response", "Response time", "minutes", periods, series, chartFP(15), "")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "chart-response" || p.Title != "Response time" {
		t.Errorf("ID, Title = %q, %q", p.ID, p.Title)
	}
	want := "Line chart of Response time (minutes), 3 series: North, South and West, Apr 2019 to Jul 2019, with a dashed line for Target (15 minutes)."
	if p.Description != want {
		t.Errorf("Description:\n got %q\nwant %q", p.Description, want)
	}

	var opt map[string]any
	if err := json.Unmarshal([]byte(p.OptionJSON), &opt); err != nil {
		t.Fatal(err)
	}
	if opt["animation"] != false {
		t.Errorf("animation = %v, want false", opt["animation"])
	}
	if got := chartAt(t, opt, "tooltip", "trigger"); got != "axis" {
		t.Errorf("tooltip.trigger = %v", got)
	}
	if got := chartAt(t, opt, "legend", "show"); got != true {
		t.Errorf("legend.show = %v", got)
	}
	if got := chartAt(t, opt, "xAxis", 0, "type"); got != "category" {
		t.Errorf("xAxis type = %v", got)
	}
	if got := chartAt(t, opt, "xAxis", 0, "data"); !reflect.DeepEqual(got, []any{"Apr 2019", "May 2019", "Jun 2019", "Jul 2019"}) {
		t.Errorf("xAxis data = %v", got)
	}
	if got := chartAt(t, opt, "yAxis", 0, "name"); got != "minutes" {
		t.Errorf("yAxis name = %v", got)
	}
	feature := chartAt(t, opt, "toolbox", "feature").(map[string]any)
	if len(feature) != 1 || chartAt(t, feature, "saveAsImage", "type") != "png" || chartAt(t, feature, "saveAsImage", "show") != true {
		t.Errorf("toolbox features = %v, want saveAsImage (png) only", feature)
	}

	// Values: nil is ECharts' "-" (a gap), zero stays zero, float noise
	// is rounded away.
	values := func(i int) []any {
		var out []any
		for _, d := range chartAt(t, opt, "series", i, "data").([]any) {
			out = append(out, chartAt(t, d, "value"))
		}
		return out
	}
	for i, want := range [][]any{
		{10.0, "-", 0.0, 12.5},
		{0.3, 14.0, -3.0, "-"},
		{"-", "-", "-", "-"},
		{15.0, 15.0, 15.0, 15.0},
	} {
		if got := values(i); !reflect.DeepEqual(got, want) {
			t.Errorf("series %d data = %v, want %v", i, got, want)
		}
	}
	if got := len(chartAt(t, opt, "series").([]any)); got != 4 {
		t.Fatalf("%d series, want 3 and the target", got)
	}
	target := chartAt(t, opt, "series", 3).(map[string]any)
	if target["name"] != "Target (15 minutes)" || chartAt(t, target, "lineStyle", "type") != "dashed" {
		t.Errorf("target series = %v", target)
	}
	// Lines differ in shape, not only colour.
	if s0, s1 := chartAt(t, opt, "series", 0, "symbol"), chartAt(t, opt, "series", 1, "symbol"); s0 == s1 {
		t.Errorf("series 0 and 1 share symbol %v", s0)
	}

	// No random ids or map-order effects: the same input gives the same bytes.
	again, err := LineChartPanel("chart-response", "Response time", "minutes", periods, series, chartFP(15), "")
	if err != nil {
		t.Fatal(err)
	}
	if again.OptionJSON != p.OptionJSON {
		t.Error("building the same chart twice gave different JSON")
	}
}

func TestLineChartPanelTargetLabel(t *testing.T) {
	for _, tc := range []struct {
		target float64
		unit   string
		label  string
		want   string
	}{
		{15, "minutes", "", "Target (15 minutes)"},
		{92.5, "%", "", "Target (92.5 %)"},
		{20, "", "", "Target (20)"},
		{20, "minutes", "Rural target", "Rural target"},
	} {
		p, err := LineChartPanel("c", "T", tc.unit, []string{"Q1"}, []LineSeries{{Name: "A", Values: []*float64{chartFP(1)}}}, &tc.target, tc.label)
		if err != nil {
			t.Fatal(err)
		}
		var opt map[string]any
		if err := json.Unmarshal([]byte(p.OptionJSON), &opt); err != nil {
			t.Fatal(err)
		}
		if got := chartAt(t, opt, "series", 1, "name"); got != tc.want {
			t.Errorf("target %v %q label %q: name %q, want %q", tc.target, tc.unit, tc.label, got, tc.want)
		}
	}

	// Without a target there is no target series.
	p, err := LineChartPanel("c", "T", "u", []string{"Q1"}, []LineSeries{{Name: "A", Values: []*float64{chartFP(1)}}}, nil, "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(p.OptionJSON), "ignored") || strings.Contains(p.Description, "dashed") {
		t.Errorf("a chart without a target mentions one: %s / %s", p.Description, p.OptionJSON)
	}
}

func TestLineChartPanelRejects(t *testing.T) {
	periods := []string{"Q1", "Q2"}
	ok := []LineSeries{{Name: "A", Values: []*float64{chartFP(1), chartFP(2)}}}
	one := func(v float64) []LineSeries {
		return []LineSeries{{Name: "A", Values: []*float64{chartFP(1), chartFP(v)}}}
	}
	for _, tc := range []struct {
		name        string
		id, title   string
		periods     []string
		series      []LineSeries
		target      *float64
		targetLabel string
	}{
		{"NaN value", "c", "T", periods, one(math.NaN()), nil, ""},
		{"+Inf value", "c", "T", periods, one(math.Inf(1)), nil, ""},
		{"-Inf value", "c", "T", periods, one(math.Inf(-1)), nil, ""},
		{"NaN target", "c", "T", periods, ok, chartFP(math.NaN()), ""},
		{"Inf target", "c", "T", periods, ok, chartFP(math.Inf(1)), ""},
		{"too few values", "c", "T", periods, []LineSeries{{Name: "A", Values: []*float64{chartFP(1)}}}, nil, ""},
		{"too many values", "c", "T", periods, []LineSeries{{Name: "A", Values: []*float64{chartFP(1), nil, nil}}}, nil, ""},
		{"no periods", "c", "T", nil, []LineSeries{{Name: "A"}}, nil, ""},
		{"no series", "c", "T", periods, nil, nil, ""},
		{"unnamed series", "c", "T", periods, []LineSeries{{Name: " ", Values: []*float64{nil, nil}}}, nil, ""},
		{"duplicate series", "c", "T", periods, append(append([]LineSeries(nil), ok...), ok...), nil, ""},
		{"target named like a series", "c", "T", periods, ok, chartFP(1), "A"},
		{"empty title", "c", " ", periods, ok, nil, ""},
		{"empty id", "", "T", periods, ok, nil, ""},
		{"id starts with a digit", "1c", "T", periods, ok, nil, ""},
		{"id with a space", "c d", "T", periods, ok, nil, ""},
		{"id with a quote", `c"d`, "T", periods, ok, nil, ""},
		{"id with markup", `c</script>`, "T", periods, ok, nil, ""},
		{"id too long", "c" + strings.Repeat("x", chartMaxIDLen), "T", periods, ok, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LineChartPanel(tc.id, tc.title, "u", tc.periods, tc.series, tc.target, tc.targetLabel)
			if !errors.Is(err, ErrChartInput) {
				t.Fatalf("err = %v, want ErrChartInput", err)
			}
			if p != (ChartPanel{}) {
				t.Errorf("returned a panel with the error: %+v", p)
			}
		})
	}
}

func TestBarChartPanel(t *testing.T) {
	cats := []string{"Local Policing", "Investigations and Safeguarding", "OPCC"}
	p, err := BarChartPanel("chart-variance", "Forecast variance", "£000", cats, []float64{-120.5, 30, 0})
	if err != nil {
		t.Fatal(err)
	}
	want := "Bar chart of Forecast variance (£000), 3 bars: Local Policing, Investigations and Safeguarding and OPCC."
	if p.Description != want {
		t.Errorf("Description:\n got %q\nwant %q", p.Description, want)
	}
	var opt map[string]any
	if err := json.Unmarshal([]byte(p.OptionJSON), &opt); err != nil {
		t.Fatal(err)
	}
	if got := chartAt(t, opt, "yAxis", 0, "data"); !reflect.DeepEqual(got, []any{cats[0], cats[1], cats[2]}) {
		t.Errorf("categories = %v", got)
	}
	if chartAt(t, opt, "yAxis", 0, "type") != "category" || chartAt(t, opt, "yAxis", 0, "inverse") != true {
		t.Errorf("y axis = %v, want an inverted category axis", chartAt(t, opt, "yAxis", 0))
	}
	if chartAt(t, opt, "yAxis", 0, "axisLabel", "interval") != "0" {
		t.Error("category labels may be hidden: axisLabel.interval is not 0")
	}
	if chartAt(t, opt, "xAxis", 0, "type") != "value" || chartAt(t, opt, "xAxis", 0, "name") != "£000" {
		t.Errorf("x axis = %v, want a value axis named £000", chartAt(t, opt, "xAxis", 0))
	}
	var got []any
	for _, d := range chartAt(t, opt, "series", 0, "data").([]any) {
		got = append(got, chartAt(t, d, "value"))
	}
	if !reflect.DeepEqual(got, []any{-120.5, 30.0, 0.0}) {
		t.Errorf("values = %v", got)
	}
	if opt["animation"] != false {
		t.Error("animation is on")
	}

	many := make([]string, 8)
	for i := range many {
		many[i] = string(rune('A' + i))
	}
	p, err = BarChartPanel("c", "T", "", many, make([]float64, 8))
	if err != nil {
		t.Fatal(err)
	}
	if p.Description != "Bar chart of T, 8 bars." {
		t.Errorf("Description = %q", p.Description)
	}
}

func TestBarChartPanelRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		id     string
		cats   []string
		values []float64
	}{
		{"NaN", "c", []string{"A", "B"}, []float64{1, math.NaN()}},
		{"Inf", "c", []string{"A", "B"}, []float64{math.Inf(-1), 1}},
		{"too few values", "c", []string{"A", "B"}, []float64{1}},
		{"too many values", "c", []string{"A"}, []float64{1, 2}},
		{"no categories", "c", nil, nil},
		{"empty category", "c", []string{"A", ""}, []float64{1, 2}},
		{"duplicate category", "c", []string{"A", "A"}, []float64{1, 2}},
		{"bad id", "c/d", []string{"A"}, []float64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := BarChartPanel(tc.id, "T", "u", tc.cats, tc.values); !errors.Is(err, ErrChartInput) {
				t.Fatalf("err = %v, want ErrChartInput", err)
			}
		})
	}
}

func TestChartNumber(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{
		{0.1 + 0.2, 0.3},
		{1.1 * 3, 3.3},
		{1234567890.12, 1234567890.12},
		{-0.000123456789, -0.000123456789},
		{1e21, 1e21},
		{0, 0},
		// Rounding the largest float64 up would overflow: keep it as is.
		{math.MaxFloat64, math.MaxFloat64},
	} {
		if got := chartNumber(tc.in); got != tc.want {
			t.Errorf("chartNumber(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func BenchmarkLineChartPanel(b *testing.B) {
	const periods, nseries = 60, 5
	labels := make([]string, periods)
	for i := range labels {
		labels[i] = "Period " + string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	series := make([]LineSeries, nseries)
	for s := range series {
		series[s].Name = "Area " + string(rune('A'+s))
		series[s].Values = make([]*float64, periods)
		for i := range series[s].Values {
			if (i+s)%17 != 0 {
				series[s].Values[i] = chartFP(float64(i*s) + 0.5)
			}
		}
	}
	target := 15.0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LineChartPanel("chart-bench", "Benchmark", "minutes", labels, series, &target, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func TestChartUnsafeIndex(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`{"a":"\u003c/script\u003e"}`, -1},
		{"{\"a\":\"é 🚓 \u2027\"}", -1},
		{`{"a":"<"}`, 6},
		{`{"a":">"}`, 6},
		{`{"a":"&"}`, 6},
		{"{\"a\":\"x\u2028\"}", 7},
		{"{\"a\":\"\u2029\"}", 6},
		{"\xe2\x80", -1},
	} {
		if got := chartUnsafeIndex([]byte(tc.in)); got != tc.want {
			t.Errorf("chartUnsafeIndex(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
