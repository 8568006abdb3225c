package mapping

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/assure-pcc/assure/metrics"
)

// Check validates a mapping and compiles its patterns. Its errors say
// which field is wrong and how to fix it. Load calls it; a Mapping built
// in code must be checked before use.
func (m *Mapping) Check() error {
	if m.Source.Sheet != "" && m.Source.SheetPattern != "" {
		return fmt.Errorf("source: give sheet or sheet_pattern, not both")
	}
	if m.Source.SheetPattern != "" {
		re, err := compile(m.Source.SheetPattern)
		if err != nil {
			return fmt.Errorf("source.sheet_pattern: %v", err)
		}
		m.sheetRE = re
	}
	switch strings.ToLower(m.Source.Format) {
	case "", "xlsx", "csv":
		m.Source.Format = strings.ToLower(m.Source.Format)
	default:
		return fmt.Errorf("source.format %q: write xlsx, csv, or leave it out", m.Source.Format)
	}
	switch strings.ToLower(m.Source.Encoding) {
	case "", "auto", "utf-8", "utf8", "windows-1252", "cp1252":
	default:
		return fmt.Errorf("source.encoding %q: write auto, utf-8 or windows-1252", m.Source.Encoding)
	}
	if _, err := m.Delimiter(); err != nil {
		return err
	}

	h := &m.Header
	if h.Row < 0 || h.Row > 1000 {
		return fmt.Errorf("header.row %d: give the row number of the header, from 1", h.Row)
	}
	if h.Row > 0 && h.Find != "" {
		return fmt.Errorf("header: give row or find, not both")
	}
	if h.Rows == 0 {
		h.Rows = 1
	}
	if h.Rows != 1 && h.Rows != 2 {
		return fmt.Errorf("header.rows %d: a header is 1 or 2 rows", h.Rows)
	}
	if h.Row == 1 && h.Rows == 2 {
		return fmt.Errorf("header: row 1 cannot be the lower of two header rows")
	}
	if h.Within == 0 {
		h.Within = 30
	}
	if h.Within < 1 || h.Within > 1000 {
		return fmt.Errorf("header.within %d: search 1 to 1000 rows", h.Within)
	}
	if h.Row == 0 && h.Find == "" {
		h.Row = 1
	}

	if m.Area.Column != nil && m.Area.Fixed != "" {
		return fmt.Errorf("area: give column or fixed, not both")
	}
	if m.Area.Column == nil && m.Area.Fixed == "" {
		return fmt.Errorf("area: give the column that holds the area (area: {column: Force}) or a fixed area")
	}
	if err := m.Area.Column.check("area.column"); err != nil {
		return err
	}

	p := &m.Period
	sources := 0
	for _, set := range []bool{p.Column != nil, p.InText != "", p.Fixed != ""} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return fmt.Errorf("period: give one of column, in_text or fixed")
	}
	if p.Quarter != nil && p.Column == nil {
		return fmt.Errorf("period.quarter needs period.column, the financial year")
	}
	if err := p.Column.check("period.column"); err != nil {
		return err
	}
	if err := p.Quarter.check("period.quarter"); err != nil {
		return err
	}
	if p.Fixed != "" {
		if _, err := metrics.ParsePeriod(p.Fixed); err != nil {
			return fmt.Errorf("period.fixed: %s", metrics.ErrorMessage(err))
		}
	}
	if _, err := m.PeriodKind(); err != nil {
		return err
	}

	if m.Wide != nil {
		if m.Metric.Column != nil || m.Metric.Fixed != "" {
			return fmt.Errorf("wide: each wide column is a metric, so leave out metric.column and metric.fixed")
		}
		if m.Value.Column != nil || m.Value.Count {
			return fmt.Errorf("wide: the value is in each metric column, so leave out value")
		}
		if (len(m.Wide.Columns) == 0) == (m.Wide.After == nil) {
			return fmt.Errorf("wide: give columns (a list) or after (every named column to the right of one)")
		}
		for i := range m.Wide.Columns {
			if err := m.Wide.Columns[i].check(fmt.Sprintf("wide.columns[%d]", i)); err != nil {
				return err
			}
		}
		if err := m.Wide.After.check("wide.after"); err != nil {
			return err
		}
	} else {
		if (m.Metric.Column == nil) == (m.Metric.Fixed == "") {
			return fmt.Errorf("metric: give the column that names the metric (metric: {column: Crime type}), a fixed metric, or use wide")
		}
		if err := m.Metric.Column.check("metric.column"); err != nil {
			return err
		}
		if (m.Value.Column == nil) == !m.Value.Count {
			return fmt.Errorf("value: give the column that holds the number (value: {column: Count}), or count: true to count rows")
		}
		if err := m.Value.Column.check("value.column"); err != nil {
			return err
		}
	}
	if m.Metric.IDPrefix != "" && metrics.Slug(m.Metric.IDPrefix+"x") != m.Metric.IDPrefix+"x" {
		return fmt.Errorf("metric.id_prefix %q: use lower-case letters, digits and dashes, e.g. ons-", m.Metric.IDPrefix)
	}
	for label, id := range m.Metric.IDs {
		if id == "" || metrics.Slug(id) != id {
			return fmt.Errorf("metric.ids[%q]: %q is not a metric id: use lower-case letters, digits and dashes", label, id)
		}
	}

	for i := range m.Keep {
		if err := m.Keep[i].check(fmt.Sprintf("keep[%d]", i)); err != nil {
			return err
		}
	}
	for i := range m.Drop {
		if err := m.Drop[i].check(fmt.Sprintf("drop[%d]", i)); err != nil {
			return err
		}
	}
	switch m.Combine {
	case "", CombineSum, CombineError:
	default:
		return fmt.Errorf("combine %q: write sum (add the rows together) or error (reject the file)", m.Combine)
	}
	if m.Direction != "" {
		if _, err := metrics.ParseDirection(m.Direction); err != nil {
			return fmt.Errorf("direction: %s", metrics.ErrorMessage(err))
		}
	}
	if m.Classification != "" {
		if _, err := metrics.ParseClassification(m.Classification); err != nil {
			return fmt.Errorf("classification: %s", metrics.ErrorMessage(err))
		}
	}
	return nil
}

func (c *Column) check(field string) error {
	if c == nil {
		return nil
	}
	set := 0
	for _, s := range []string{c.Name, c.Pattern, c.Letter} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return fmt.Errorf("%s: name a column by its header text, a pattern or a letter (one of them)", field)
	}
	if c.Pattern != "" {
		re, err := compile(c.Pattern)
		if err != nil {
			return fmt.Errorf("%s.pattern: %v", field, err)
		}
		c.re = re
	}
	if c.Letter != "" {
		if _, ok := LetterIndex(c.Letter); !ok {
			return fmt.Errorf("%s.letter %q: write a column letter such as C", field, c.Letter)
		}
	}
	return nil
}

func (f *Filter) check(field string) error {
	if err := f.Column.check(field + ".column"); err != nil {
		return err
	}
	set := 0
	if f.Equals != "" {
		set++
	}
	if len(f.In) > 0 {
		set++
	}
	if f.Matches != "" {
		set++
		re, err := compile(f.Matches)
		if err != nil {
			return fmt.Errorf("%s.matches: %v", field, err)
		}
		f.re = re
	}
	if set != 1 {
		return fmt.Errorf("%s: give one of equals, in or matches", field)
	}
	return nil
}

// compile compiles a case-insensitive pattern. Go's regexp runs in time
// linear in the input, so a pattern from a mapping cannot hang the ingest.
func compile(p string) (*regexp.Regexp, error) {
	if len(p) > 1000 {
		return nil, fmt.Errorf("the pattern is over 1000 characters")
	}
	return regexp.Compile("(?i)" + p)
}

// LetterIndex turns a column letter ("A", "aa") into a 0-based index.
func LetterIndex(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for _, r := range strings.ToUpper(s) {
		if r < 'A' || r > 'Z' {
			return 0, false
		}
		n = n*26 + int(r-'A') + 1
	}
	return n - 1, true
}

// PeriodKind is Period.Format as a metrics.PeriodKind, or "" for any.
func (m *Mapping) PeriodKind() (metrics.PeriodKind, error) {
	switch strings.ToLower(m.Period.Format) {
	case "", "auto":
		if m.Period.InText != "" {
			return metrics.YearEnding, nil
		}
		if m.Period.Quarter != nil {
			return metrics.Quarter, nil
		}
		return "", nil
	case "month":
		return metrics.Month, nil
	case "quarter":
		return metrics.Quarter, nil
	case "fy", "financial_year":
		return metrics.FinancialYear, nil
	case "year":
		return metrics.CalendarYear, nil
	case "year_ending":
		return metrics.YearEnding, nil
	}
	return "", fmt.Errorf("period.format %q: write month, quarter, fy, year or year_ending", m.Period.Format)
}

// Delimiter is the CSV field delimiter.
func (m *Mapping) Delimiter() (rune, error) {
	switch m.Source.Delimiter {
	case "", ",":
		return ',', nil
	case ";":
		return ';', nil
	case "tab", "\t":
		return '\t', nil
	case "|":
		return '|', nil
	}
	return 0, fmt.Errorf("source.delimiter %q: write \",\", \";\", tab or \"|\"", m.Source.Delimiter)
}

// MetricFor builds the catalogue entry for a cleaned label: its id from
// IDs or the prefixed slug, its name from NamePrefix and the label, and
// the mapping's unit, direction, classification and category.
func (m *Mapping) MetricFor(label string) metrics.Metric {
	id := ""
	if len(m.Metric.IDs) > 0 {
		key := Fold(label)
		for l, v := range m.Metric.IDs {
			if Fold(l) == key {
				id = v
				break
			}
		}
	}
	if id == "" {
		id = metrics.Slug(m.Metric.IDPrefix + label)
	}
	dir, _ := metrics.ParseDirection(m.Direction)
	class, _ := metrics.ParseClassification(m.Classification)
	return metrics.Metric{ID: id, Name: m.Metric.NamePrefix + label, Unit: m.Unit, Direction: dir, Classification: class, Category: m.Category}
}
