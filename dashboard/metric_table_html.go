package dashboard

import (
	"html/template"
	"strings"
)

// The figures and sources tables of a measure are written here rather
// than by ranging in the template: a measure of 20 areas by 120 months is
// 2,400 cells and 2,400 rows of sources, and html/template's call of an
// escaper for every value was a third of a metric page's first rendering
// (and first renderings most of the load test's CPU). Every text from the
// data is escaped with template.HTMLEscapeString, as the template's
// escaper would: spreadsheet labels are data, never markup
// (TestSpreadsheetLabelsAreText).

// RowsHTML is the body of the figures table: a row per period, a cell per
// area, "–" where an area has no figure.
func (t seriesTable) RowsHTML() template.HTML {
	var b strings.Builder
	for _, r := range t.Rows {
		b.WriteString(`<tr><th scope="row">`)
		b.WriteString(template.HTMLEscapeString(r.Period))
		b.WriteString(`</th>`)
		for _, c := range r.Cells {
			b.WriteString(`<td class="num">`)
			if c == "" {
				b.WriteString("–")
			} else {
				b.WriteString(template.HTMLEscapeString(c))
			}
			b.WriteString(`</td>`)
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// SourcesHTML is the body of the sources table: where each figure came
// from.
func (t seriesTable) SourcesHTML() template.HTML {
	var b strings.Builder
	for _, s := range t.Sources {
		b.WriteString("<tr>")
		for i, v := range [...]string{s.Period, s.Area, s.Value, s.File, s.Sheet, s.Cell, s.Uploaded} {
			if i == 2 {
				b.WriteString(`<td class="num">`)
			} else {
				b.WriteString("<td>")
			}
			b.WriteString(template.HTMLEscapeString(v))
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}
