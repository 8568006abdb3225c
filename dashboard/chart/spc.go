package chart

// Chart builders for holding the force to account: an SPC (XmR) chart, a
// histogram and a sparkline. They follow charts.go: plain functions from
// data to a ChartPanel, checked input, the option marshalled with
// encoding/json and never rendered by go-echarts itself.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Legend names of an SPC chart, in words a lay reader understands; the
// page explains them again in text.
const (
	spcAverageLabel = "Average"
	spcUpperLabel   = "Upper process limit"
	spcLowerLabel   = "Lower process limit"
	spcUnusualLabel = "Unusual point (special cause)"
	// With Kinds, the unusual points are named by what they mean.
	spcImprovementLabel = "Unusual: improvement"
	spcConcernLabel     = "Unusual: concern"
	spcNeitherLabel     = "Unusual: neither"
)

// Point kinds of SPCChart.Kinds, coloured as Making Data Count colours
// them: improvement blue, concern orange, neither grey.
const (
	SPCKindImprovement = "improvement"
	SPCKindConcern     = "concern"
	SPCKindNeither     = "neither"
)

// Making Data Count's colours, darkened to read on white: the icons in
// static/img/mdc-*.svg and the badges in assure.css use the same.
const (
	mdcBlue   = "#005EB8"
	mdcOrange = "#B35900"
	mdcGrey   = "#5F6B73"
)

// Styles of the SPC chart's reference lines: the average is solid grey,
// the limits dotted, the target (as on every chart) black and dashed, so
// that each can be told apart in greyscale.
const (
	spcAverageColour = "#3D3D3D"
	spcLimitColour   = "#801650"
	spcUnusualColour = "#F46A25"
	// spcValueColour draws the ordinary points of a chart whose unusual
	// points are coloured by what they mean.
	spcValueColour = "#7A868E"
)

// SPCChart is what an SPC chart draws: one area's values by period with
// the mean and natural process limits of an XmR chart.
type SPCChart struct {
	// SeriesName names the line of values, usually the area ("Force").
	// Should it equal one of the chart's own legend names, it becomes
	// "Values for " + SeriesName, since ECharts merges series that share
	// a name.
	SeriesName string
	// Labels are the period labels, one per value.
	Labels []string
	Values []float64
	// Mean, Upper and Lower are the average and the process limits.
	Mean, Upper, Lower float64
	// Unusual marks the points that belong to a special cause signal:
	// nil, or one entry per value.
	Unusual []bool
	// Target, when not nil, is drawn as the black dashed target line.
	Target *float64
	// Marks are annotations on the periods (see ChartMark).
	Marks []ChartMark
	// Means, Uppers and Lowers, when not nil, give the average and
	// limits point by point (one entry per value), for limits
	// recalculated in segments: they are drawn as steps, and Mean, Upper
	// and Lower are ignored.
	Means, Uppers, Lowers []float64
	// Kinds, when not nil (one entry per value), say what each unusual
	// point means: SPCKindImprovement, SPCKindConcern, SPCKindNeither,
	// or "" for an ordinary point. It replaces Unusual.
	Kinds []string
	// Benchmark, when not nil, is drawn as a dotted line named
	// BenchmarkLabel.
	Benchmark      *float64
	BenchmarkLabel string
}

// SPCChartPanel builds an XmR chart: the values as a line, the average
// and the upper and lower process limits as flat lines, and every point
// of a special cause signal marked again with a large diamond under the
// legend name "Unusual point (special cause)", so that the marking does
// not rest on colour. The y axis fits the data rather than starting at
// zero, so that the limits are readable.
//
// It returns an error wrapping ErrChartInput for an invalid id, an empty
// title or series name, no values, labels or Unusual of another length
// than Values, or a value, mean, limit or target that is NaN or infinite.
func SPCChartPanel(id, title, unit string, c SPCChart) (ChartPanel, error) {
	if err := chartCheckHeader(id, title); err != nil {
		return ChartPanel{}, err
	}
	switch {
	case len(c.Values) == 0:
		return ChartPanel{}, chartInputError(id, "no values")
	case len(c.Labels) != len(c.Values):
		return ChartPanel{}, chartInputError(id, "%d labels for %d values", len(c.Labels), len(c.Values))
	case c.Unusual != nil && len(c.Unusual) != len(c.Values):
		return ChartPanel{}, chartInputError(id, "%d unusual marks for %d values", len(c.Unusual), len(c.Values))
	case strings.TrimSpace(c.SeriesName) == "":
		return ChartPanel{}, chartInputError(id, "the values have no name")
	case c.Kinds != nil && len(c.Kinds) != len(c.Values):
		return ChartPanel{}, chartInputError(id, "%d point kinds for %d values", len(c.Kinds), len(c.Values))
	case c.Means != nil && (len(c.Means) != len(c.Values) || len(c.Uppers) != len(c.Values) || len(c.Lowers) != len(c.Values)):
		return ChartPanel{}, chartInputError(id, "the stepped average and limits need one entry per value")
	}
	for i := range c.Means {
		if !chartIsFinite(c.Means[i]) || !chartIsFinite(c.Uppers[i]) || !chartIsFinite(c.Lowers[i]) {
			return ChartPanel{}, chartInputError(id, "period %q: the average or a limit is not a finite number", c.Labels[i])
		}
	}
	if c.Benchmark != nil && !chartIsFinite(*c.Benchmark) {
		return ChartPanel{}, chartInputError(id, "benchmark %v is not a finite number", *c.Benchmark)
	}
	for i, v := range c.Values {
		if !chartIsFinite(v) {
			return ChartPanel{}, chartInputError(id, "period %q: value %v is not a finite number", c.Labels[i], v)
		}
	}
	for _, l := range []struct {
		name string
		v    float64
	}{{"mean", c.Mean}, {"upper limit", c.Upper}, {"lower limit", c.Lower}} {
		if !chartIsFinite(l.v) {
			return ChartPanel{}, chartInputError(id, "%s %v is not a finite number", l.name, l.v)
		}
	}
	if c.Target != nil && !chartIsFinite(*c.Target) {
		return ChartPanel{}, chartInputError(id, "target %v is not a finite number", *c.Target)
	}
	if err := checkMarks(id, c.Marks, len(c.Values)); err != nil {
		return ChartPanel{}, err
	}
	name := c.SeriesName
	targetLabel := ""
	if c.Target != nil {
		targetLabel = chartDefaultTargetLabel(*c.Target, unit)
	}
	benchmarkLabel := ""
	if c.Benchmark != nil {
		benchmarkLabel = c.BenchmarkLabel
		if strings.TrimSpace(benchmarkLabel) == "" || benchmarkLabel == targetLabel {
			benchmarkLabel = "Benchmark (" + strconv.FormatFloat(chartNumber(*c.Benchmark), 'f', -1, 64) + unitSuffixShort(unit) + ")"
		}
	}
	switch name {
	case spcAverageLabel, spcUpperLabel, spcLowerLabel, spcUnusualLabel, spcImprovementLabel, spcConcernLabel, spcNeitherLabel, targetLabel, benchmarkLabel:
		name = "Values for " + name
	}

	line := newLineChart(id, title, opts.YAxis{Type: "value", Name: unit, Scale: opts.Bool(true)}, c.Labels)

	values := make([]opts.LineData, len(c.Values))
	unusual := make([]opts.LineData, len(c.Values))
	nUnusual := 0
	for i, v := range c.Values {
		values[i] = opts.LineData{Value: chartNumber(v)}
		unusual[i] = opts.LineData{Value: chartNoValue}
		if c.Kinds == nil && c.Unusual != nil && c.Unusual[i] {
			unusual[i] = opts.LineData{Value: chartNumber(v)}
			nUnusual++
		}
	}
	// Points by kind: one series each, so that the legend says what the
	// colour means and each can be told apart by its shape too.
	kinds := []struct {
		kind, label, colour, symbol string
		data                        []opts.LineData
		n                           int
	}{
		{SPCKindConcern, spcConcernLabel, mdcOrange, "diamond", nil, 0},
		{SPCKindImprovement, spcImprovementLabel, mdcBlue, "rect", nil, 0},
		{SPCKindNeither, spcNeitherLabel, mdcGrey, "triangle", nil, 0},
	}
	if c.Kinds != nil {
		for k := range kinds {
			kinds[k].data = make([]opts.LineData, len(c.Values))
			for i, v := range c.Values {
				kinds[k].data[i] = opts.LineData{Value: chartNoValue}
				if c.Kinds[i] == kinds[k].kind {
					kinds[k].data[i] = opts.LineData{Value: chartNumber(v)}
					kinds[k].n++
					nUnusual++
				}
			}
		}
	}
	flat := func(v float64) []opts.LineData { return flatData(v, len(c.Values)) }
	stepped := func(vs []float64) []opts.LineData {
		data := make([]opts.LineData, len(vs))
		for i, v := range vs {
			data[i] = opts.LineData{Value: chartNumber(v)}
		}
		return data
	}
	meanData, upperData, lowerData := flat(c.Mean), flat(c.Upper), flat(c.Lower)
	lineShape := charts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false)})
	if c.Means != nil {
		meanData, upperData, lowerData = stepped(c.Means), stepped(c.Uppers), stepped(c.Lowers)
		// A step half-way between the last point of one segment and the
		// first of the next: each segment's lines span its own points.
		lineShape = charts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false), Step: "middle"})
	}
	noSymbol := charts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false)})

	// Ordinary points are grey, as Making Data Count draws them, so
	// that blue and orange mean improvement and concern alone; a chart
	// without Kinds keeps the palette's blue.
	valueColour := chartPalette[0]
	if c.Kinds != nil {
		valueColour = spcValueColour
	}
	line.AddSeries(name, values, append([]charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 7, ShowSymbol: opts.Bool(true)}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: valueColour}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: valueColour}),
	}, markOpts(c.Marks)...)...)
	line.AddSeries(spcAverageLabel, meanData, lineShape,
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: spcAverageColour}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: spcAverageColour}),
	)
	for _, l := range []struct {
		name string
		data []opts.LineData
	}{{spcUpperLabel, upperData}, {spcLowerLabel, lowerData}} {
		line.AddSeries(l.name, l.data, lineShape,
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dotted", Width: 2, Color: spcLimitColour}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: spcLimitColour}),
		)
	}
	// The unusual points are a series of their own, drawn only as
	// symbols: a line between two of them would suggest values that do
	// not exist, so it is not drawn (opacity 0).
	if c.Kinds == nil {
		line.AddSeries(spcUnusualLabel, unusual,
			charts.WithLineChartOpts(opts.LineChart{Symbol: "diamond", SymbolSize: 14, ShowSymbol: opts.Bool(true)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 0, Opacity: opts.Float(0)}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: spcUnusualColour, BorderColor: chartTargetColour, BorderWidth: 1}),
		)
	}
	for _, k := range kinds {
		if k.n == 0 {
			continue
		}
		line.AddSeries(k.label, k.data,
			charts.WithLineChartOpts(opts.LineChart{Symbol: k.symbol, SymbolSize: 13, ShowSymbol: opts.Bool(true)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 0, Opacity: opts.Float(0)}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: k.colour, BorderColor: chartTargetColour, BorderWidth: 1}),
		)
	}
	if c.Benchmark != nil {
		line.AddSeries(benchmarkLabel, flat(*c.Benchmark), noSymbol,
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dotted", Width: 3, Color: chartBenchmarkColour}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: chartBenchmarkColour}),
		)
	}
	if c.Target != nil {
		addReferenceLine(line, targetLabel, *c.Target, len(c.Values))
	}
	line.Validate()

	lines := "the average and the upper and lower process limits"
	if c.Means != nil {
		lines += ", recalculated in steps"
	}
	desc := fmt.Sprintf("SPC chart of %s%s for %s, %s to %s, %d %s, with lines for %s; %s",
		title, chartUnitPhrase(unit), c.SeriesName, c.Labels[0], c.Labels[len(c.Labels)-1], len(c.Values), plural(len(c.Values), "point", "points"),
		lines, unusualPhrase(nUnusual))
	if c.Kinds != nil {
		var parts []string
		for _, k := range kinds {
			if k.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s (%s)", k.n, strings.TrimPrefix(k.label, "Unusual: "), symbolWord(k.symbol)))
			}
		}
		if len(parts) > 0 {
			desc += ": " + strings.Join(parts, ", ")
		}
	}
	if c.Target != nil {
		desc += "; a dashed line for " + targetLabel
	}
	if c.Benchmark != nil {
		desc += "; a dotted line for " + benchmarkLabel
	}
	desc += marksPhrase(c.Marks)
	return chartNewPanel(id, title, desc+".", showAllSymbols(line.JSON()))
}

func unusualPhrase(n int) string {
	switch n {
	case 0:
		return "no unusual points"
	case 1:
		return "1 unusual point marked with a diamond"
	}
	return fmt.Sprintf("%d unusual points marked with diamonds", n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// HistogramPanel builds a histogram: one vertical bar per bin, left to
// right in the order given, counting how many items fall in each.
// binLabels name the bins ("0–5"), xName names what is binned ("minutes")
// and countName what is counted ("incidents").
//
// It returns an error wrapping ErrChartInput for an invalid id, an empty
// title, no bins, counts of another length, an empty or duplicated bin
// label, or a negative count.
func HistogramPanel(id, title, xName, countName string, binLabels []string, counts []int) (ChartPanel, error) {
	if err := checkCategories(id, title, binLabels, len(counts), "bin", "bins", "counts"); err != nil {
		return ChartPanel{}, err
	}
	data := make([]opts.BarData, len(counts))
	total := 0
	for i, l := range binLabels {
		if counts[i] < 0 {
			return ChartPanel{}, chartInputError(id, "bin %q: negative count %d", l, counts[i])
		}
		total += counts[i]
		data[i] = opts.BarData{Value: counts[i]}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(chartCommonOpts(id, title),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Top: "64", Left: "8", Right: "24", Bottom: "40", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: xName, NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: countName}),
	)...)
	bar.SetXAxis(append([]string(nil), binLabels...))
	// Bars nearly touch, as a histogram's bins do.
	bar.AddSeries(countName, data,
		charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "8%"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: chartPalette[0]}))
	bar.Validate()
	desc := fmt.Sprintf("Histogram of %s: %d %s in %d bins of %s, from %s to %s", title, total, countName, len(binLabels), xName,
		binLabels[0], binLabels[len(binLabels)-1])
	return chartNewPanel(id, title, desc+".", bar.JSON())
}

// SparklinePanel builds a tiny line chart of one series for an overview
// tile: no axes, legend, toolbox or drawn title, a light fill under the
// line, and no animation. It is meant for a small box (see .sparkline in
// assure.css); the tile states the latest figure in words and lists the
// values in a table. title names the chart for its description only.
//
// It returns an error wrapping ErrChartInput for an invalid id, an empty
// title, no labels, values of another length, or a value that is NaN or
// infinite.
func SparklinePanel(id, title string, labels []string, values []*float64) (ChartPanel, error) {
	return SparklinePanelRAG(id, title, labels, values, "", nil)
}

// ragColours are the stylesheet's status colours (.status-green and so
// on), for a sparkline coloured by its measure's standing.
var ragColours = map[string]string{"green": "#00703c", "amber": "#b58840", "red": "#d4351c"}

// SparklinePanelRAG is SparklinePanel with its line in the colour of the
// latest value's RAG rating (rag is "green", "amber", "red", or "" for
// the palette's blue) and the target, when not nil, as a thin dashed
// black line (the y axis stretches to include it). The rating is also printed in words
// on the tile: the colour never carries it alone. A target that is NaN or
// infinite is an error wrapping ErrChartInput.
func SparklinePanelRAG(id, title string, labels []string, values []*float64, rag string, target *float64) (ChartPanel, error) {
	if target != nil && !chartIsFinite(*target) {
		return ChartPanel{}, chartInputError(id, "target %v is not a finite number", *target)
	}
	colour := chartPalette[0]
	if c, ok := ragColours[rag]; ok {
		colour = c
	}
	if err := chartCheckHeader(id, title); err != nil {
		return ChartPanel{}, err
	}
	if len(labels) == 0 {
		return ChartPanel{}, chartInputError(id, "no periods")
	}
	if len(values) != len(labels) {
		return ChartPanel{}, chartInputError(id, "%d values for %d periods", len(values), len(labels))
	}
	for i, v := range values {
		if v != nil && !chartIsFinite(*v) {
			return ChartPanel{}, chartInputError(id, "period %q: value %v is not a finite number", labels[i], *v)
		}
	}
	data := lineData(values)
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, AssetsHost: "/static/js/"}),
		charts.WithAnimation(false),
		charts.WithColorsOpts(chartPalette),
		charts.WithTitleOpts(opts.Title{Show: opts.Bool(false)}),
		// go-echarts always writes a toolbox; an export button in a box
		// this small would cover the line.
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(false)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Top: "4", Left: "4", Right: "4", Bottom: "4"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Show: opts.Bool(false), Scale: opts.Bool(true)}),
	)
	line.SetXAxis(append([]string(nil), labels...))
	line.AddSeries(title, data,
		charts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: colour}),
		charts.WithAreaStyleOpts(opts.AreaStyle{Color: colour, Opacity: opts.Float(0.15)}),
	)
	if target != nil {
		t := make([]opts.LineData, len(labels))
		for i := range t {
			t[i] = opts.LineData{Value: chartNumber(*target)}
		}
		line.AddSeries("Target", t,
			charts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 1, Color: chartTargetColour}),
		)
	}
	line.Validate()
	desc := fmt.Sprintf("Small line chart of %s, %s to %s", title, labels[0], labels[len(labels)-1])
	if rag != "" {
		desc += ", drawn in " + rag + " for the latest value's rating"
	}
	if target != nil {
		desc += ", with a dashed line for the target"
	}
	return chartNewPanel(id, title, desc+".", line.JSON())
}

// chartBenchmarkColour draws a benchmark line: dotted and teal, unlike
// the black dashed target and the purple dotted limits.
const chartBenchmarkColour = "#28A197"

// symbolWord names a marker shape for a chart's description.
func symbolWord(symbol string) string {
	switch symbol {
	case "rect":
		return "squares"
	case "triangle":
		return "triangles"
	}
	return "diamonds"
}

// unitSuffixShort is a unit after a figure: "%" close up, others spaced.
func unitSuffixShort(unit string) string {
	switch u := strings.TrimSpace(unit); {
	case u == "":
		return ""
	case strings.HasPrefix(u, "%"):
		return "%"
	default:
		return " " + u
	}
}

// showAllSymbols sets showAllSymbol on every series of a chart option.
// ECharts otherwise thins the symbols of a line whose points are closer
// than the symbols are wide, so on a phone's width it drew 5 of 42
// unusual points; Assure's marks carry meaning and must all be drawn,
// on the screen and in print. go-echarts has no such option, so it is
// added to the marshalled option.
//
// Each series is marshalled once and the field written after its last
// one (a later key wins, should the series give one of its own):
// marshalling the series, reading them back as maps and marshalling
// the maps again was an eighth of making the board pack's analyses.
func showAllSymbols(option map[string]any) map[string]any {
	v := reflect.ValueOf(option["series"])
	if v.Kind() != reflect.Slice {
		return option
	}
	series := make([]json.RawMessage, v.Len())
	for i := range v.Len() {
		b, err := json.Marshal(v.Index(i).Interface())
		if err != nil || len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
			return option
		}
		field := `,"showAllSymbol":true}`
		if len(b) == 2 {
			field = field[1:]
		}
		series[i] = append(b[:len(b)-1:len(b)-1], field...)
	}
	option["series"] = series
	return option
}
