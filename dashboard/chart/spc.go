package chart

// Chart builders for holding the force to account: an SPC (XmR) chart, a
// histogram and a sparkline. They follow charts.go: plain functions from
// data to a ChartPanel, checked input, the option marshalled with
// encoding/json and never rendered by go-echarts itself.

import (
	"fmt"
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
)

// Styles of the SPC chart's reference lines: the average is solid grey,
// the limits dotted, the target (as on every chart) black and dashed, so
// that each can be told apart in greyscale.
const (
	spcAverageColour = "#3D3D3D"
	spcLimitColour   = "#801650"
	spcUnusualColour = "#F46A25"
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
	switch name {
	case spcAverageLabel, spcUpperLabel, spcLowerLabel, spcUnusualLabel, targetLabel:
		name = "Values for " + name
	}

	line := newLineChart(id, title, opts.YAxis{Type: "value", Name: unit, Scale: opts.Bool(true)}, c.Labels)

	values := make([]opts.LineData, len(c.Values))
	unusual := make([]opts.LineData, len(c.Values))
	nUnusual := 0
	for i, v := range c.Values {
		values[i] = opts.LineData{Value: chartNumber(v)}
		unusual[i] = opts.LineData{Value: chartNoValue}
		if c.Unusual != nil && c.Unusual[i] {
			unusual[i] = opts.LineData{Value: chartNumber(v)}
			nUnusual++
		}
	}
	flat := func(v float64) []opts.LineData { return flatData(v, len(c.Values)) }
	noSymbol := charts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false)})

	line.AddSeries(name, values, append([]charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 7, ShowSymbol: opts.Bool(true)}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: chartPalette[0]}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: chartPalette[0]}),
	}, markOpts(c.Marks)...)...)
	line.AddSeries(spcAverageLabel, flat(c.Mean), noSymbol,
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: spcAverageColour}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: spcAverageColour}),
	)
	for _, l := range []struct {
		name string
		v    float64
	}{{spcUpperLabel, c.Upper}, {spcLowerLabel, c.Lower}} {
		line.AddSeries(l.name, flat(l.v), noSymbol,
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dotted", Width: 2, Color: spcLimitColour}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: spcLimitColour}),
		)
	}
	// The unusual points are a series of their own, drawn only as
	// symbols: a line between two of them would suggest values that do
	// not exist, so it is not drawn (opacity 0).
	line.AddSeries(spcUnusualLabel, unusual,
		charts.WithLineChartOpts(opts.LineChart{Symbol: "diamond", SymbolSize: 14, ShowSymbol: opts.Bool(true)}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 0, Opacity: opts.Float(0)}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: spcUnusualColour, BorderColor: chartTargetColour, BorderWidth: 1}),
	)
	if c.Target != nil {
		addReferenceLine(line, targetLabel, *c.Target, len(c.Values))
	}
	line.Validate()

	desc := fmt.Sprintf("SPC chart of %s%s for %s, %s to %s, %d %s, with lines for the average and the upper and lower process limits; %s",
		title, chartUnitPhrase(unit), c.SeriesName, c.Labels[0], c.Labels[len(c.Labels)-1], len(c.Values), plural(len(c.Values), "point", "points"),
		unusualPhrase(nUnusual))
	if c.Target != nil {
		desc += "; a dashed line for " + targetLabel
	}
	desc += marksPhrase(c.Marks)
	return chartNewPanel(id, title, desc+".", line.JSON())
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
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: chartPalette[0]}),
		charts.WithAreaStyleOpts(opts.AreaStyle{Color: chartPalette[0], Opacity: opts.Float(0.15)}),
	)
	line.Validate()
	desc := fmt.Sprintf("Small line chart of %s, %s to %s", title, labels[0], labels[len(labels)-1])
	return chartNewPanel(id, title, desc+".", line.JSON())
}
