package chart

// Annotations on charts: a date becomes a vertical line at its period, a
// span a shaded band across its periods, each labelled with its number
// and label. They are go-echarts markLine and markArea options on the
// chart's first series, so they travel in the option JSON like every
// other label: data, never markup.

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/assure-pcc/assure/metrics"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ChartMark is an annotation placed on a chart's category axis: the
// periods From to To (indices into the chart's period labels, inclusive).
// From == To draws a line, From < To a band.
type ChartMark struct {
	Label    string
	From, To int
}

// chartMarkLabelRunes bounds a mark's label on the chart, where a long one
// would run over the lines; the list beside the chart gives it whole.
const chartMarkLabelRunes = 28

// chartMarkColour is a mid grey with 4.5:1 contrast on white: marks are
// context, drawn quieter than the data.
const chartMarkColour = "#505a5f"

// AnnotationMarks places annotations on a chart of periods (in order):
// each at the periods its dates overlap, numbered from 1 in the order
// given, as in the list beside the chart. Annotations wholly outside the
// periods are left off the chart but keep their number.
func AnnotationMarks(anns []metrics.Annotation, periods []metrics.Period) []ChartMark {
	var out []ChartMark
	for n, a := range anns {
		from, to := -1, -1
		for i, p := range periods {
			if p.End.Before(a.Start) || p.Start.After(a.Last()) {
				continue
			}
			if from < 0 {
				from = i
			}
			to = i
		}
		if from < 0 {
			continue
		}
		out = append(out, ChartMark{Label: fmt.Sprintf("%d %s", n+1, shortLabel(a.Label)), From: from, To: to})
	}
	return out
}

// shortLabel cuts a label to chartMarkLabelRunes, with an ellipsis.
func shortLabel(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= chartMarkLabelRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:chartMarkLabelRunes-1])) + "…"
}

// checkMarks refuses marks that do not fit n periods.
func checkMarks(id string, marks []ChartMark, n int) error {
	for _, m := range marks {
		if strings.TrimSpace(m.Label) == "" {
			return chartInputError(id, "a mark has no label")
		}
		if m.From < 0 || m.To >= n || m.From > m.To {
			return chartInputError(id, "mark %q spans periods %d to %d of %d", m.Label, m.From, m.To, n)
		}
	}
	return nil
}

// markOpts are the series options that draw marks.
func markOpts(marks []ChartMark) []charts.SeriesOpts {
	var lines []opts.MarkLineNameXAxisItem
	var areas [][]opts.MarkAreaData
	for _, m := range marks {
		if m.From == m.To {
			lines = append(lines, opts.MarkLineNameXAxisItem{Name: m.Label, XAxis: m.From})
			continue
		}
		areas = append(areas, []opts.MarkAreaData{{Name: m.Label, XAxis: m.From}, {XAxis: m.To}})
	}
	var out []charts.SeriesOpts
	if len(lines) > 0 {
		out = append(out, charts.WithMarkLineNameXAxisItemOpts(lines...), charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
			Symbol:    []string{"none", "none"},
			Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop", Color: chartMarkColour},
			LineStyle: &opts.LineStyle{Type: "dashed", Width: 1, Color: chartMarkColour},
		}))
	}
	if len(areas) > 0 {
		out = append(out, charts.WithMarkAreaData(areas...), charts.WithMarkAreaStyleOpts(opts.MarkAreaStyle{
			Label:     &opts.Label{Show: opts.Bool(true), Position: "insideTop", Color: chartMarkColour},
			ItemStyle: &opts.ItemStyle{Color: "rgba(80, 90, 95, 0.12)"},
		}))
	}
	return out
}

// marksPhrase says in the chart's description how many annotations it
// marks.
func marksPhrase(marks []ChartMark) string {
	switch len(marks) {
	case 0:
		return ""
	case 1:
		return "; 1 annotation marked, listed below the chart"
	}
	return fmt.Sprintf("; %d annotations marked, listed below the chart", len(marks))
}
