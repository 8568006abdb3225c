package chart

import (
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Colours of a variance bar: overspend and underspend differ in hue and
// lightness (so they part for every common colour-vision deficiency and
// in greyscale), and each bar is labelled with its word as well.
const (
	chartOverspendColour  = "#942514"
	chartUnderspendColour = "#12436D"
)

// VarianceBar is one business area's forecast variance, in the unit of
// the chart, and the label written at the end of its bar.
type VarianceBar struct {
	Category string
	Value    float64
	Label    string
}

// VarianceChartPanel builds a horizontal bar chart of forecast variances
// by category, in the order given: overspends (positive) in one colour
// and series, underspends (negative) in another, so that the legend names
// the colours, and every bar carries its own label ("£512k overspend").
// The axis is titled with unit. It returns an error wrapping
// ErrChartInput as BarChartPanel does.
func VarianceChartPanel(id, title, unit string, bars []VarianceBar) (ChartPanel, error) {
	categories := make([]string, len(bars))
	for i, b := range bars {
		categories[i] = b.Category
	}
	if err := checkCategories(id, title, categories, len(bars), "category", "categories", "values"); err != nil {
		return ChartPanel{}, err
	}
	lo, hi := 0.0, 0.0
	over := make([]opts.BarData, len(bars))
	under := make([]opts.BarData, len(bars))
	for i, b := range bars {
		if !chartIsFinite(b.Value) {
			return ChartPanel{}, chartInputError(id, "category %q: value %v is not a finite number", b.Category, b.Value)
		}
		lo, hi = math.Min(lo, b.Value), math.Max(hi, b.Value)
		over[i] = opts.BarData{Value: chartNoValue}
		under[i] = opts.BarData{Value: chartNoValue}
		label := &opts.Label{Show: opts.Bool(true), Formatter: b.Label, Color: "#0b0c0c"}
		switch {
		case b.Value > 0:
			label.Position = "right"
			over[i] = opts.BarData{Value: chartNumber(b.Value), Label: label}
		default:
			// Zero too: its label still says "on budget".
			label.Position = "left"
			under[i] = opts.BarData{Value: chartNumber(b.Value), Label: label}
		}
	}

	bar := charts.NewBar()
	bar.SetGlobalOptions(append(chartCommonOpts(id, title),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		// Room either side for the bar labels.
		charts.WithGridOpts(opts.Grid{Top: "48", Left: "96", Right: "140", Bottom: "56", ContainLabel: opts.Bool(true)}),
		// Each side of zero is widened beyond its longest bar, so that the
		// label at the bar's end stays clear of the area names.
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: unit, NameLocation: "middle", NameGap: 28,
			Min: chartAxisEnd(lo), Max: chartAxisEnd(hi)}),
		charts.WithYAxisOpts(opts.YAxis{
			Type:      "category",
			Inverse:   opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), Interval: "0"},
		}),
	)...)
	bar.SetXAxis(append([]string(nil), categories...))
	// One stack: each category has its bar in one series only.
	bar.AddSeries("Overspend", over, charts.WithBarChartOpts(opts.BarChart{Stack: "variance"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: chartOverspendColour}))
	bar.AddSeries("Underspend", under, charts.WithBarChartOpts(opts.BarChart{Stack: "variance"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: chartUnderspendColour}))
	bar.XYReversal()
	bar.Validate()

	desc := fmt.Sprintf("Bar chart of %s%s, overspends and underspends in two colours, %s", title, chartUnitPhrase(unit),
		chartListPhrase(categories, "bar", "bars"))
	return chartNewPanel(id, title, desc+".", bar.JSON())
}

// chartAxisEnd is an end of a value axis with room for bar labels beyond
// v: 1.7 times v, rounded away from zero to 1, 1.5, 2, 2.5, 3, 4, 5, 6 or
// 8 times a power of ten, so the axis ticks stay round. Zero stays zero.
func chartAxisEnd(v float64) float64 {
	if v == 0 {
		return 0
	}
	a := math.Abs(v) * 1.7
	p := math.Pow(10, math.Floor(math.Log10(a)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if m*p >= a {
			return math.Copysign(m*p, v)
		}
	}
	return v
}

// TrendChartPanel builds a line chart over a fixed run of periods (the
// twelve months of a financial year) in which each series joins the
// periods it has, across the ones it lacks: a month that was not
// reported is a gap in the data, not in the trend. Missing periods have
// no marker, so a joined line is never mistaken for a reported figure.
// A dashed black line marks zero ("On budget (0)"). It returns an error
// wrapping ErrChartInput as LineChartPanel does.
func TrendChartPanel(id, title, unit string, periodLabels []string, series []LineSeries) (ChartPanel, error) {
	if err := chartCheckHeader(id, title); err != nil {
		return ChartPanel{}, err
	}
	if len(periodLabels) == 0 || len(series) == 0 {
		return ChartPanel{}, chartInputError(id, "no periods or no series")
	}
	const zeroLabel = "On budget (0)"
	if err := checkLineSeries(id, periodLabels, series, map[string]bool{zeroLabel: true}); err != nil {
		return ChartPanel{}, err
	}
	line := newLineChart(id, title, opts.YAxis{Type: "value", Name: unit}, periodLabels)
	for i, s := range series {
		data := lineData(s.Values)
		width := float32(2)
		if i == 0 {
			width = 4 // the first series is the total
		}
		line.AddSeries(s.Name, data,
			charts.WithLineChartOpts(opts.LineChart{
				Symbol: chartSymbols[i%len(chartSymbols)], SymbolSize: 8, ShowSymbol: opts.Bool(true),
				ConnectNulls: opts.Bool(true),
			}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: width}),
		)
	}
	addReferenceLine(line, zeroLabel, 0, len(periodLabels))
	line.Validate()
	desc := fmt.Sprintf("Line chart of %s%s, %s, %s to %s, each line joining the periods it has, with a dashed line at zero", title,
		chartUnitPhrase(unit), chartSeriesPhrase(series), periodLabels[0], periodLabels[len(periodLabels)-1])
	return chartNewPanel(id, title, desc+".", line.JSON())
}
