// Package chart holds Assure's chart builders: plain functions from data
// to a go-echarts chart, and the one way a chart reaches a page
// (ChartPanel through ChartPanelTemplate).
//
// go-echarts' own renderers (Render, RenderContent, RenderSnippet) are
// never used here: they write the option into an inline <script> with
// HTML escaping off, turn "__f__" markers inside labels into code, and
// load ECharts from a public host by default. Instead the option map is
// marshalled with encoding/json, whose default escaping keeps every label
// inert inside <script type="application/json">, and static/js/charts.js
// reads it with JSON.parse. Pages can therefore forbid inline scripts.
package chart

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ChartPanel is a chart ready for a page: everything a template needs and
// nothing it has to escape by hand. Build one with LineChartPanel or
// BarChartPanel and place it with ChartPanelTemplate.
type ChartPanel struct {
	// ID is the id of the <script type="application/json"> element that
	// holds the option; the chart element names it in data-chart. It is
	// a safe HTML id (ASCII letters, digits, '-' and '_', starting with a
	// letter) and must be unique on the page.
	ID string
	// Title is the chart's title as given, plain text.
	Title string
	// Description is a one-sentence plain-text summary of what the chart
	// shows, for the chart element's aria-label. The figures themselves
	// belong in the table that every chart has beside it.
	Description string
	// OptionJSON is the ECharts option as JSON text in which '<', '>',
	// '&', U+2028 and U+2029 appear only as \u escapes, so it cannot end
	// its <script> element or open a comment. It is template.JS because
	// html/template treats <script type="application/json"> as a
	// JavaScript context and inserts template.JS there verbatim (a plain
	// string would be quoted into a JSON string and break the option);
	// in any other context html/template escapes it as text.
	OptionJSON template.JS
}

// ChartPanelTemplate defines the template "chart-panel", the only markup
// that puts a ChartPanel on a page. Parse it into the page templates and
// call it with a ChartPanel:
//
//	{{template "chart-panel" .Chart}}
//
// It writes the chart element (class "chart", which static/css/assure.css
// sizes, with the Description as its aria-label and a fallback sentence
// for browsers without JavaScript) followed by the option's JSON element.
// The page must load /static/js/echarts.min.js and /static/js/charts.js
// with defer, and should put the chart's figures in a table beside it.
const ChartPanelTemplate = `{{define "chart-panel"}}<div class="chart" data-chart="{{.ID}}" role="img" aria-label="{{.Description}}"><p class="chart-fallback">{{.Title}}: the figures are in the table that goes with this chart.</p></div>
<script type="application/json" id="{{.ID}}">{{.OptionJSON}}</script>{{end}}`

// LineSeries is one line of a line chart. Values are in the order of the
// chart's period labels, one per period; a nil value is a period with no
// figure and is drawn as a gap, never as zero.
type LineSeries struct {
	Name   string
	Values []*float64
}

// ErrChartInput is wrapped by every error that LineChartPanel and
// BarChartPanel return for input they will not draw. Such input is a bug
// upstream (ingest rejects non-finite values), so handlers should treat
// it as an internal error, not show it.
var ErrChartInput = errors.New("invalid chart input")

// chartPalette is the Government Analysis Function's accessible categorical
// palette: each colour has at least 3:1 contrast with white (WCAG 1.4.11)
// and neighbours differ for common colour-vision deficiencies. ECharts'
// default palette has yellows and light greens that fail on white.
var chartPalette = opts.Colors{"#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"}

// chartSymbols gives each line its own marker shape, so that lines can be
// told apart without colour (WCAG 1.4.1) and on a greyscale printout.
var chartSymbols = []string{"circle", "rect", "triangle", "diamond", "emptyCircle", "emptyRect", "emptyTriangle", "emptyDiamond"}

// chartTargetColour is the text colour of the stylesheet: the target line
// is black and dashed, unlike any data line.
const chartTargetColour = "#0b0c0c"

// chartNoValue is ECharts' documented marker for a missing data item: the
// line breaks there instead of dropping to zero.
const chartNoValue = "-"

// chartMaxIDLen bounds panel ids: they are written into attributes and
// file names of exported images.
const chartMaxIDLen = 64

// LineChartPanel builds a line chart of one or more series over the same
// periods, with an optional target drawn as a black dashed line.
//
// periodLabels label the x axis in order; every series has exactly one
// value per label (nil for no value). unit names the y axis and may be
// empty. target, when not nil, is drawn as a series named targetLabel, or
// "Target (15 minutes)" built from the target and unit when targetLabel is
// empty. Names must be distinct, since ECharts merges series that share a
// name in its legend.
//
// It returns an error wrapping ErrChartInput for an invalid id, an empty
// title, no periods, no series, an unnamed or duplicated series, a series
// whose length differs from the periods, or a value or target that is NaN
// or infinite (which would otherwise leave a blank chart).
func LineChartPanel(id, title, unit string, periodLabels []string, series []LineSeries, target *float64, targetLabel string) (ChartPanel, error) {
	return LineChartPanelWithMarks(id, title, unit, periodLabels, series, target, targetLabel, nil)
}

// LineChartPanelWithMarks is LineChartPanel with annotations marked on
// the periods (see ChartMark); a mark outside the periods, or without a
// label, is an error wrapping ErrChartInput.
func LineChartPanelWithMarks(id, title, unit string, periodLabels []string, series []LineSeries, target *float64, targetLabel string, marks []ChartMark) (ChartPanel, error) {
	if err := chartCheckHeader(id, title); err != nil {
		return ChartPanel{}, err
	}
	if err := checkMarks(id, marks, len(periodLabels)); err != nil {
		return ChartPanel{}, err
	}
	if len(periodLabels) == 0 {
		return ChartPanel{}, chartInputError(id, "no periods")
	}
	if len(series) == 0 {
		return ChartPanel{}, chartInputError(id, "no series")
	}
	names := make(map[string]bool, len(series)+1)
	if err := checkLineSeries(id, periodLabels, series, names); err != nil {
		return ChartPanel{}, err
	}
	if target != nil {
		if !chartIsFinite(*target) {
			return ChartPanel{}, chartInputError(id, "target %v is not a finite number", *target)
		}
		if targetLabel == "" {
			targetLabel = chartDefaultTargetLabel(*target, unit)
		}
		if names[targetLabel] {
			return ChartPanel{}, chartInputError(id, "the target and a series are both named %q", targetLabel)
		}
	}

	line := newLineChart(id, title, opts.YAxis{Type: "value", Name: unit}, periodLabels)
	for i, s := range series {
		seriesOpts := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{
				Symbol:     chartSymbols[i%len(chartSymbols)],
				SymbolSize: 7,
				// Keep every symbol: a period with figures on neither side
				// is visible only as its symbol.
				ShowSymbol: opts.Bool(true),
			}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 2}),
		}
		if i == 0 {
			seriesOpts = append(seriesOpts, markOpts(marks)...)
		}
		line.AddSeries(s.Name, nil, seriesOpts...)
		// The items written by hand (see lineValues).
		line.MultiSeries[len(line.MultiSeries)-1].Data = lineValues(s.Values)
	}
	if target != nil {
		addReferenceLine(line, targetLabel, *target, len(periodLabels))
	}
	line.Validate()

	desc := fmt.Sprintf("Line chart of %s%s, %s, %s to %s", title, chartUnitPhrase(unit),
		chartSeriesPhrase(series), periodLabels[0], periodLabels[len(periodLabels)-1])
	if target != nil {
		desc += ", with a dashed line for " + targetLabel
	}
	desc += marksPhrase(marks)
	return chartNewPanel(id, title, desc+".", line.JSON())
}

// BarChartPanel builds a horizontal bar chart of one value per category,
// such as a measure or a forecast variance by area. Bars run from top to
// bottom in the order of categories, and every category label is shown.
//
// It returns an error wrapping ErrChartInput for an invalid id, an empty
// title, no categories, a values slice of another length, an empty or
// duplicated category, or a value that is NaN or infinite.
func BarChartPanel(id, title, unit string, categories []string, values []float64) (ChartPanel, error) {
	return BarChartPanelWithTarget(id, title, unit, categories, values, nil)
}

// BarChartPanelWithTarget is BarChartPanel with the target, when not
// nil, drawn across the bars as a black dashed line labelled as the line
// charts label it ("Target (15 minutes)"); a target that is NaN or
// infinite is an error wrapping ErrChartInput.
func BarChartPanelWithTarget(id, title, unit string, categories []string, values []float64, target *float64) (ChartPanel, error) {
	if target != nil && !chartIsFinite(*target) {
		return ChartPanel{}, chartInputError(id, "target %v is not a finite number", *target)
	}
	if err := checkCategories(id, title, categories, len(values), "category", "categories", "values"); err != nil {
		return ChartPanel{}, err
	}
	data := make([]opts.BarData, len(values))
	for i, c := range categories {
		if !chartIsFinite(values[i]) {
			return ChartPanel{}, chartInputError(id, "category %q: value %v is not a finite number", c, values[i])
		}
		data[i] = opts.BarData{Value: chartNumber(values[i])}
	}

	bar := charts.NewBar()
	bar.SetGlobalOptions(append(chartCommonOpts(id, title),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		// One series: a legend would only repeat the title.
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Top: "48", Left: "8", Right: "32", Bottom: "40", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: unit, NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(opts.YAxis{
			Type: "category",
			// Category axes start at the bottom; inverting reads top to
			// bottom in the same order as the table beside the chart.
			Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{
				Show: opts.Bool(true),
				// "0": label every bar. ECharts otherwise hides labels it
				// thinks would overlap, leaving bars without an area name.
				Interval: "0",
				// Labels stay whole, on one line: wrapped axis labels
				// (overflow "break") overprinted each other in Chromium,
				// and the fix, lineHeight, is a string in go-echarts that
				// ECharts 5.6 mishandles.
			},
		}),
	)...)
	bar.SetXAxis(append([]string(nil), categories...))
	seriesOpts := []charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: chartPalette[0]})}
	targetLabel := ""
	if target != nil {
		targetLabel = chartDefaultTargetLabel(*target, unit)
		seriesOpts = append(seriesOpts,
			charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: targetLabel, XAxis: chartNumber(*target)}),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
				Symbol:    []string{"none", "none"},
				Label:     &opts.Label{Show: opts.Bool(true), Formatter: targetLabel, Position: "start", Color: chartTargetColour},
				LineStyle: &opts.LineStyle{Type: "dashed", Width: 2, Color: chartTargetColour},
			}))
	}
	bar.AddSeries(title, data, seriesOpts...)
	bar.XYReversal()
	bar.Validate()

	desc := fmt.Sprintf("Bar chart of %s%s, %s", title, chartUnitPhrase(unit), chartListPhrase(categories, "bar", "bars"))
	if target != nil {
		desc += ", with a dashed line for " + targetLabel
	}
	return chartNewPanel(id, title, desc+".", bar.JSON())
}

// newLineChart is a line chart over labels (the category axis) with the
// options every Assure line chart shares: a tooltip for the whole axis,
// a scrolling legend below, and room for the title above; y is its value
// axis.
func newLineChart(id, title string, y opts.YAxis, labels []string) *charts.Line {
	line := charts.NewLine()
	line.SetGlobalOptions(append(chartCommonOpts(id, title),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Top: "64", Left: "8", Right: "24", Bottom: "40", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(y),
	)...)
	// Copy the labels: the chart keeps the slice until it is marshalled.
	line.SetXAxis(append([]string(nil), labels...))
	return line
}

// checkLineSeries checks series to be drawn over periodLabels: each
// named, no name twice (nor one already in names, which gets each name),
// one value per period and every value finite.
func checkLineSeries(id string, periodLabels []string, series []LineSeries, names map[string]bool) error {
	for _, s := range series {
		if strings.TrimSpace(s.Name) == "" {
			return chartInputError(id, "a series has no name")
		}
		if names[s.Name] {
			return chartInputError(id, "two series are named %q", s.Name)
		}
		names[s.Name] = true
		if len(s.Values) != len(periodLabels) {
			return chartInputError(id, "series %q has %d values for %d periods", s.Name, len(s.Values), len(periodLabels))
		}
		for i, v := range s.Values {
			if v != nil && !chartIsFinite(*v) {
				return chartInputError(id, "series %q, period %q: value %v is not a finite number", s.Name, periodLabels[i], *v)
			}
		}
	}
	return nil
}

// lineData is values as line data: a nil value is a gap (chartNoValue),
// never zero.
func lineData(values []*float64) []opts.LineData {
	data := make([]opts.LineData, len(values))
	for i, v := range values {
		if v == nil {
			data[i] = opts.LineData{Value: chartNoValue}
		} else {
			data[i] = opts.LineData{Value: chartNumber(*v)}
		}
	}
	return data
}

// flatData is v at each of n periods: a horizontal line.
func flatData(v float64, n int) []opts.LineData {
	data := make([]opts.LineData, n)
	for i := range data {
		data[i] = opts.LineData{Value: chartNumber(v)}
	}
	return data
}

// addReferenceLine draws a target (or zero) across n periods: black and
// dashed, unlike any data line, with no symbols.
func addReferenceLine(line *charts.Line, name string, v float64, n int) {
	line.AddSeries(name, flatData(v, n),
		charts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 2, Color: chartTargetColour}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: chartTargetColour}),
	)
}

// checkCategories checks a bar chart's id, title and category labels: at
// least one, one of n values for each, none blank and none twice (ECharts
// puts two bars with one category name on one row). one and many name a
// label in errors ("category", "categories"), and values its values.
func checkCategories(id, title string, labels []string, n int, one, many, values string) error {
	if err := chartCheckHeader(id, title); err != nil {
		return err
	}
	if len(labels) == 0 {
		return chartInputError(id, "no %s", many)
	}
	if n != len(labels) {
		return chartInputError(id, "%d %s for %d %s", n, values, len(labels), many)
	}
	seen := make(map[string]bool, len(labels))
	for i, l := range labels {
		if strings.TrimSpace(l) == "" {
			return chartInputError(id, "%s %d has no name", one, i+1)
		}
		if seen[l] {
			return chartInputError(id, "%s %q appears twice", one, l)
		}
		seen[l] = true
	}
	return nil
}

// chartCommonOpts are the options every Assure chart shares.
func chartCommonOpts(id, title string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{
			// A fixed id instead of go-echarts' random one keeps output
			// repeatable; the assets host points at Assure's own copy in
			// case anyone ever renders the chart with go-echarts itself.
			ChartID:    id,
			AssetsHost: "/static/js/",
		}),
		// Still images: identical screenshots and printouts, and no
		// motion for people who are distracted by it.
		charts.WithAnimation(false),
		charts.WithColorsOpts(chartPalette),
		// The title is drawn in the chart too, so that an exported PNG
		// says what it shows.
		charts.WithTitleOpts(opts.Title{
			Title: title, Left: "0", Top: "0",
			TitleStyle: &opts.TextStyle{FontSize: 16, Color: "#0b0c0c"},
		}),
		charts.WithToolboxOpts(opts.Toolbox{
			Show:  opts.Bool(true),
			Right: "8",
			// Below the title's line, so a long title cannot run under
			// the button.
			Top: "28",
			Feature: &opts.ToolBoxFeature{
				// PNG export only: data view would show the figures in an
				// unlabelled textarea, and the table already does better.
				SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{
					Show:  opts.Bool(true),
					Type:  "png",
					Name:  id,
					Title: "Save as PNG",
				},
			},
		}),
	}
}

// chartNewPanel marshals the option into a ChartPanel.
func chartNewPanel(id, title, desc string, option map[string]any) (ChartPanel, error) {
	// json.Marshal, not an Encoder with SetEscapeHTML(false): its default
	// escaping of <, > and & (and always of U+2028 and U+2029) is what
	// keeps a label such as "</script>" inert inside the script element.
	b, err := json.Marshal(option)
	if err != nil {
		return ChartPanel{}, fmt.Errorf("chart %s: encoding option: %w", id, err)
	}
	// encoding/json re-escapes what custom marshallers return, so this
	// cannot fail today; it keeps the guarantee if that ever changes.
	if i := chartUnsafeIndex(b); i >= 0 {
		return ChartPanel{}, fmt.Errorf("chart %s: option has an unescaped %q at byte %d", id, b[i], i)
	}
	return ChartPanel{ID: id, Title: title, Description: desc, OptionJSON: template.JS(b)}, nil
}

// chartUnsafeIndex returns the index of the first '<', '>', '&' or UTF-8
// encoded U+2028 or U+2029 in b, or -1. It scans bytes because
// bytes.IndexAny decodes every rune when the set is not all ASCII, which
// made it a tenth of the cost of building a chart.
func chartUnsafeIndex(b []byte) int {
	for i, c := range b {
		switch c {
		case '<', '>', '&':
			return i
		case 0xE2: // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
			if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9) {
				return i
			}
		}
	}
	return -1
}

// Safe reports whether a panel read back from storage (a board pack
// edition) is one this package could have built: a valid id and an
// option that is well-formed JSON with nothing that could end its script
// element.
func Safe(p ChartPanel) bool {
	return chartValidID(p.ID) && chartUnsafeIndex([]byte(p.OptionJSON)) < 0 && json.Valid([]byte(p.OptionJSON))
}

func chartCheckHeader(id, title string) error {
	if !chartValidID(id) {
		return chartInputError(id, "id must be 1 to %d ASCII letters, digits, '-' or '_', starting with a letter", chartMaxIDLen)
	}
	if strings.TrimSpace(title) == "" {
		return chartInputError(id, "no title")
	}
	return nil
}

// chartValidID reports whether id is safe as an HTML id, in a CSS or
// querySelector selector without escaping, and as an exported file name.
func chartValidID(id string) bool {
	if id == "" || len(id) > chartMaxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '_'):
		default:
			return false
		}
	}
	return true
}

func chartInputError(id, format string, args ...any) error {
	return fmt.Errorf("chart %q: %s: %w", id, fmt.Sprintf(format, args...), ErrChartInput)
}

func chartIsFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// chartNumber rounds v to 15 significant digits. A float64 holds about 16,
// so this changes nothing a spreadsheet could have stored, but it turns
// binary noise such as 0.1+0.2 = 0.30000000000000004 back into 0.3 before
// ECharts prints it in a tooltip.
func chartNumber(v float64) float64 {
	var buf [32]byte
	r, err := strconv.ParseFloat(string(strconv.AppendFloat(buf[:0], v, 'g', 15, 64)), 64)
	if err != nil {
		return v
	}
	return r
}

// chartDefaultTargetLabel names a target series after its value and unit:
// "Target (15 minutes)", or "Target (15)" without a unit.
func chartDefaultTargetLabel(target float64, unit string) string {
	s := strconv.FormatFloat(chartNumber(target), 'f', -1, 64)
	if u := strings.TrimSpace(unit); u != "" {
		s += " " + u
	}
	return "Target (" + s + ")"
}

func chartUnitPhrase(unit string) string {
	if u := strings.TrimSpace(unit); u != "" {
		return " (" + u + ")"
	}
	return ""
}

func chartSeriesPhrase(series []LineSeries) string {
	names := make([]string, len(series))
	for i, s := range series {
		names[i] = s.Name
	}
	return chartListPhrase(names, "series", "series")
}

// chartListPhrase counts items and names them when there are few enough to
// read out: "1 series: North", "3 bars: A, B and C", "12 bars".
func chartListPhrase(items []string, one, many string) string {
	const maxNamed = 6
	noun := many
	if len(items) == 1 {
		noun = one
	}
	s := fmt.Sprintf("%d %s", len(items), noun)
	switch {
	case len(items) > maxNamed:
		return s
	case len(items) == 1:
		return s + ": " + items[0]
	default:
		return s + ": " + strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
	}
}
