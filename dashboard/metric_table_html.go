package dashboard

import (
	"html/template"
	"strings"

	"github.com/assure-pcc/assure/dashboard/view"
)

// The figures and sources tables of a measure, and the tables of its
// process limits and comparison, are written here rather than by ranging
// in the template: a measure of 20 areas by 120 months is
// 2,400 cells and 2,400 rows of sources, and html/template's call of an
// escaper for every value was a third of a metric page's first rendering
// (and first renderings most of the load test's CPU). Every text from the
// data is escaped with template.HTMLEscapeString, as the template's
// escaper would: spreadsheet labels are data, never markup
// (TestSpreadsheetLabelsAreText).

// RowsHTML is the body of the figures table: a row per period, a cell per
// area, "–" where an area has no figure.
func (t seriesTable) RowsHTML() template.HTML {
	n := 0
	for _, r := range t.Rows {
		n += len(`<tr><th scope="row"></th></tr>`) + 1 + len(r.Period)
		for _, c := range r.Cells {
			n += len(`<td class="num"></td>`) + max(len(c), len("–"))
		}
	}
	var b strings.Builder
	b.Grow(sized(n))
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

// HTML is the body of a sources table: where each figure came from.
func (rows sourceRows) HTML() template.HTML {
	n := 0
	for _, s := range rows {
		n += len(`<tr></tr>`) + 1 + 7*len(`<td></td>`) + len(` class="num"`) +
			len(s.Period) + len(s.Area) + len(s.Value) + len(s.File) + len(s.Sheet) + len(s.Cell) + len(s.Uploaded)
	}
	var b strings.Builder
	b.Grow(sized(n))
	for _, s := range rows {
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

// spcRowsHTML is the body of the process limits table: a row per point,
// "No" where a point is not unusual.
func spcRowsHTML(rows []view.SPCRow) template.HTML {
	n := 0
	for _, r := range rows {
		n += len(`<tr><th scope="row"></th><td class="num"></td><td class="num"></td><td></td></tr>`) + 1 +
			len(r.Period) + len(r.Value) + len(r.MovingRange) + max(len(r.Unusual), len("No"))
	}
	var b strings.Builder
	b.Grow(sized(n))
	for _, r := range rows {
		b.WriteString(`<tr><th scope="row">`)
		b.WriteString(template.HTMLEscapeString(r.Period))
		b.WriteString(`</th><td class="num">`)
		b.WriteString(template.HTMLEscapeString(r.Value))
		b.WriteString(`</td><td class="num">`)
		b.WriteString(template.HTMLEscapeString(r.MovingRange))
		b.WriteString(`</td><td>`)
		if r.Unusual == "" {
			b.WriteString("No")
		} else {
			b.WriteString(template.HTMLEscapeString(r.Unusual))
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}

// compareRowsHTML is the body of the comparison's table: a row per
// period, each area's figure and its index.
func compareRowsHTML(rows []view.CompareRow) template.HTML {
	n := 0
	for _, r := range rows {
		n += len(`<tr><th scope="row"></th></tr>`) + 4*len(`<td class="num"></td>`) + 1 +
			len(r.Period) + len(r.AreaValue) + len(r.AreaIndex) + len(r.WithValue) + len(r.WithIdx)
	}
	var b strings.Builder
	b.Grow(sized(n))
	for _, r := range rows {
		b.WriteString(`<tr><th scope="row">`)
		b.WriteString(template.HTMLEscapeString(r.Period))
		b.WriteString(`</th>`)
		for _, v := range [...]string{r.AreaValue, r.AreaIndex, r.WithValue, r.WithIdx} {
			b.WriteString(`<td class="num">`)
			b.WriteString(template.HTMLEscapeString(v))
			b.WriteString(`</td>`)
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// sized is room for n bytes of a table's text and what escaping adds to
// a few of them. A table of a large measure is a megabyte: grown by
// doubling, its builder allocated twice that, and as much again in
// copies, on every first rendering of the page.
func sized(n int) int { return n + n/16 }
