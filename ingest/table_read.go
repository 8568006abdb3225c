package ingest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
)

// rowSource is a table's rows: an .xlsx sheet (*xlsx.Rows) or a CSV file
// (*csvRows). Cells come in column order and carry only non-empty cells.
type rowSource interface {
	Next() bool
	RowNum() int
	Cells() []xlsx.Cell
	Err() error
}

// tableReader applies a mapping to the rows of a table and adds up the
// values it gives, keyed by metric, area and period. Memory is bounded by
// the number of distinct keys (TableLimits.MaxKeys), not by rows.
type tableReader struct {
	m        *mapping.Mapping
	probs    *problems
	counts   *Counts
	lim      TableLimits
	date1904 bool
	progress func(rows int64)
	// given is the period from --period, or zero.
	given metrics.Period
	kind  metrics.PeriodKind
	foot  bool

	agg     map[tableKey]*tableValue
	order   []tableKey
	full    bool // MaxKeys reached: the file is rejected
	metrics map[string]metrics.Metric
	metricN []string // metric ids in order of first use
	// caches from raw cell text, bounded by cacheLimit each.
	labelIDs map[string]string
	areas    map[string]string
	periods  map[string]periodOrErr
	rows     int64
}

type tableKey struct{ metric, area, period string }

type tableValue struct {
	period metrics.Period
	value  float64
	sheet  string
	cell   string
	rows   int
}

type periodOrErr struct {
	p   metrics.Period
	key string // p.Key(), worked out once
	err error
}

// cacheLimit bounds each lookup cache: tables repeat a few hundred labels
// over millions of rows, and a hostile file of unique labels only stops
// being cached.
const cacheLimit = 10000

func newTableReader(m *mapping.Mapping, probs *problems, counts *Counts, lim TableLimits, given metrics.Period) (*tableReader, error) {
	kind, err := m.PeriodKind()
	if err != nil {
		return nil, err
	}
	return &tableReader{
		m: m, probs: probs, counts: counts, lim: lim, given: given, kind: kind, foot: m.FootnotesOn(),
		agg: map[tableKey]*tableValue{}, metrics: map[string]metrics.Metric{},
		labelIDs: map[string]string{}, areas: map[string]string{}, periods: map[string]periodOrErr{},
	}, nil
}

// tableSheet is one sheet (or the CSV file) being read: its header and
// the columns the mapping named.
type tableSheet struct {
	name      string // sheet name; "" for a CSV
	headerRow int
	labels    map[int]string // cleaned header text of each column
	area      int
	period    int
	quarter   int
	metric    int
	value     int
	wide      []wideCol
	keep      []filterCol
	drop      []filterCol
	// sheetPeriod is the period of every row: from the title, the
	// mapping or --period. Zero when a column gives it.
	sheetPeriod metrics.Period
}

type wideCol struct {
	col    int
	metric string
}

type filterCol struct {
	col int
	f   *mapping.Filter
}

// errStopTable ends the reading of a table once its errors are capped
// or its keys are over the limit: the report is already decided.
var errStopTable = errors.New("stop reading the table")

// readTable reads one sheet or CSV. required says that a sheet without the
// mapping's header is an error (the mapping named it) rather than a sheet
// to pass over; found reports whether the header was there.
func (t *tableReader) readTable(ctx context.Context, sheet string, src rowSource, required bool) (found bool, err error) {
	h := t.m.Header
	var buffered []bufferedRow
	headerAt := -1
	limit := h.Within
	if h.Row > 0 {
		limit = h.Row
	}
	for len(buffered) < limit && src.Next() {
		br := bufferedRow{num: src.RowNum(), cells: copyCells(src.Cells())}
		buffered = append(buffered, br)
		if h.Row > 0 {
			if br.num == h.Row {
				headerAt = len(buffered) - 1
				break
			}
			if br.num > h.Row {
				break
			}
			continue
		}
		if rowHasText(br.cells, h.Find) {
			headerAt = len(buffered) - 1
			break
		}
	}
	if err := src.Err(); err != nil && headerAt < 0 {
		t.probs.errorf(sheet, "", "%s", sourceError(err))
		return false, nil
	}
	if headerAt < 0 {
		where := fmt.Sprintf("row %d", h.Row)
		if h.Row == 0 {
			where = fmt.Sprintf("the first %d rows hold no cell reading %q", h.Within, h.Find)
		} else {
			where = "there is no " + where
		}
		if required {
			t.probs.errorf(sheet, "", "the header of mapping %s was not found: %s. Check that this is the table the mapping reads, or fix the mapping's header", t.m.Name, where)
		} else if sheet != "" {
			t.probs.warnf(sheet, "", "skipped: %s (mapping %s)", where, t.m.Name)
		}
		return false, nil
	}
	s, ok := t.header(sheet, buffered, headerAt)
	if !ok {
		return true, nil
	}
	if !t.sheetPeriod(s, buffered[:headerAt+1]) {
		return true, nil
	}
	for _, br := range buffered[headerAt+1:] {
		if err := t.row(ctx, s, br.num, br.cells); err != nil {
			return true, t.stopped(err)
		}
	}
	for src.Next() {
		if err := t.row(ctx, s, src.RowNum(), src.Cells()); err != nil {
			return true, t.stopped(err)
		}
	}
	if err := src.Err(); err != nil {
		t.probs.errorf(sheet, "", "%s", sourceError(err))
	}
	return true, nil
}

// stopped turns errStopTable into a normal end: the problems say why.
func (t *tableReader) stopped(err error) error {
	if errors.Is(err, errStopTable) {
		return nil
	}
	return err
}

// sourceError is the message for a sheet or CSV that broke off.
func sourceError(err error) string {
	var me *metrics.Error
	if errors.As(err, &me) {
		return me.Message
	}
	return fmt.Sprintf("the table is damaged: %v. Save it again and re-upload", err)
}

// rowHasText reports whether a cell of the row reads text, compared as
// mapping column names are.
func rowHasText(cells []xlsx.Cell, text string) bool {
	want := mapping.Fold(text)
	for _, c := range cells {
		if c.Type == xlsx.String && mapping.Fold(c.Value) == want {
			return true
		}
	}
	return false
}

// header reads the header rows into column labels and resolves the
// mapping's columns against them.
func (t *tableReader) header(sheet string, buffered []bufferedRow, at int) (*tableSheet, bool) {
	lower := buffered[at]
	s := &tableSheet{name: sheet, headerRow: lower.num, labels: map[int]string{},
		area: -1, period: -1, quarter: -1, metric: -1, value: -1}
	for _, c := range lower.cells {
		if l := mapping.CleanLabel(c.Value, t.foot); l != "" {
			s.labels[c.Col] = l
		}
	}
	if t.m.Header.Rows == 2 && at > 0 && buffered[at-1].num == lower.num-1 {
		for _, c := range buffered[at-1].cells {
			if _, named := s.labels[c.Col]; named {
				continue
			}
			if l := mapping.CleanLabel(c.Value, t.foot); l != "" {
				s.labels[c.Col] = l
			}
		}
	}
	ok := true
	resolve := func(c *mapping.Column, field string) int {
		if c == nil {
			return -1
		}
		col, found := t.column(s, c)
		if !found {
			t.probs.errorf(sheet, xlsx.CellName(0, s.headerRow), "the header row %d has no column %s, which the mapping %s needs for %s (columns found: %s): fix the mapping, or check that this is the right table",
				s.headerRow, c, t.m.Name, field, s.labelList())
			ok = false
		}
		return col
	}
	s.area = resolve(t.m.Area.Column, "the area")
	s.period = resolve(t.m.Period.Column, "the period")
	s.quarter = resolve(t.m.Period.Quarter, "the quarter")
	s.metric = resolve(t.m.Metric.Column, "the metric")
	s.value = resolve(t.m.Value.Column, "the value")
	for i := range t.m.Keep {
		s.keep = append(s.keep, filterCol{col: resolve(&t.m.Keep[i].Column, "a keep filter"), f: &t.m.Keep[i]})
	}
	for i := range t.m.Drop {
		s.drop = append(s.drop, filterCol{col: resolve(&t.m.Drop[i].Column, "a drop filter"), f: &t.m.Drop[i]})
	}
	if w := t.m.Wide; w != nil {
		used := map[int]bool{s.area: true, s.period: true, s.quarter: true}
		var cols []int
		if w.After != nil {
			after := resolve(w.After, "wide.after")
			for col := range s.labels {
				if col > after && !used[col] {
					cols = append(cols, col)
				}
			}
			sort.Ints(cols)
		}
		for i := range w.Columns {
			cols = append(cols, resolve(&w.Columns[i], "a wide column"))
		}
		for _, col := range cols {
			if col < 0 {
				continue
			}
			s.wide = append(s.wide, wideCol{col: col, metric: t.metricID(s.labels[col])})
		}
		if len(s.wide) == 0 && ok {
			t.probs.errorf(sheet, xlsx.CellName(0, s.headerRow), "the header row %d has no metric columns after %s", s.headerRow, w.After)
			ok = false
		}
	}
	return s, ok
}

// column finds the column a mapping names: by letter, by header text or
// by pattern. The first match counts.
func (t *tableReader) column(s *tableSheet, c *mapping.Column) (int, bool) {
	if c.Letter != "" {
		col, ok := mapping.LetterIndex(c.Letter)
		return col, ok
	}
	cols := make([]int, 0, len(s.labels))
	for col := range s.labels {
		cols = append(cols, col)
	}
	sort.Ints(cols)
	want := mapping.Fold(c.Name)
	for _, col := range cols {
		l := s.labels[col]
		if re := c.Regexp(); re != nil {
			if re.MatchString(l) {
				return col, true
			}
		} else if mapping.Fold(l) == want {
			return col, true
		}
	}
	return -1, false
}

func (s *tableSheet) labelList() string {
	cols := make([]int, 0, len(s.labels))
	for col := range s.labels {
		cols = append(cols, col)
	}
	sort.Ints(cols)
	var b strings.Builder
	for i, col := range cols {
		if i == 12 {
			fmt.Fprintf(&b, ", … %d more", len(cols)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(s.labels[col]))
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// sheetPeriod works out the period every row of the sheet shares, when no
// column gives it: text above the header, the mapping's fixed period, or
// --period. Where both the file and --period give one they must agree.
func (t *tableReader) sheetPeriod(s *tableSheet, above []bufferedRow) bool {
	pm := t.m.Period
	switch {
	case pm.Column != nil:
		if !t.given.IsZero() {
			t.probs.errorf(s.name, "", "--period was given, but the mapping %s reads each row's period from column %s: leave --period out", t.m.Name, pm.Column)
			return false
		}
		return true
	case pm.Fixed != "":
		p, _ := metrics.ParsePeriod(pm.Fixed)
		s.sheetPeriod = p
	case pm.InText != "":
		for _, br := range above {
			for _, c := range br.cells {
				if c.Type != xlsx.String {
					continue
				}
				p, found, err := mapping.PeriodInText(c.Value, pm.InText)
				if !found {
					continue
				}
				if err != nil {
					if !t.given.IsZero() {
						s.sheetPeriod = t.given
						return true
					}
					t.probs.errorf(s.name, xlsx.CellName(c.Col, br.num), "%s", metrics.ErrorMessage(err))
					return false
				}
				s.sheetPeriod = p
				break
			}
			if !s.sheetPeriod.IsZero() {
				break
			}
		}
		if s.sheetPeriod.IsZero() && t.given.IsZero() {
			t.probs.errorf(s.name, "", "no cell above the header says %q followed by a month and year, so the period is not known: give it with --period, e.g. \"YE Dec 2019\"", pm.InText)
			return false
		}
	}
	if !t.given.IsZero() {
		if !s.sheetPeriod.IsZero() && s.sheetPeriod.Key() != t.given.Key() {
			t.probs.errorf(s.name, "", "the table says its period is %s but --period says %s: leave --period out, or check the file", s.sheetPeriod.Label(), t.given.Label())
			return false
		}
		s.sheetPeriod = t.given
	}
	if s.sheetPeriod.IsZero() {
		t.probs.errorf(s.name, "", "the mapping %s does not say where the period is: give it with --period, or add period to the mapping", t.m.Name)
		return false
	}
	if t.kind != "" && s.sheetPeriod.Kind != t.kind {
		t.probs.errorf(s.name, "", "the period %s is not a %s, which the mapping %s expects", s.sheetPeriod.Label(), t.kind, t.m.Name)
		return false
	}
	return true
}

// row applies the mapping to one data row.
func (t *tableReader) row(ctx context.Context, s *tableSheet, num int, cells []xlsx.Cell) error {
	t.rows++
	if t.rows%1000 == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("row %d: %w", num, err)
		}
		if t.progress != nil {
			t.progress(t.rows)
		}
	}
	if t.full || (t.probs.full() && t.probs.failed()) {
		return errStopTable
	}
	t.counts.Rows++
	if !rowHasValues(cells) {
		t.counts.SkippedRows++
		return nil
	}
	for _, k := range s.keep {
		c, _ := cellAt(cells, k.col)
		if !k.f.MatchesFilter(mapping.CleanLabel(c.Value, t.foot)) {
			t.counts.SkippedRows++
			return nil
		}
	}
	for _, d := range s.drop {
		c, _ := cellAt(cells, d.col)
		if d.f.MatchesFilter(mapping.CleanLabel(c.Value, t.foot)) {
			t.counts.SkippedRows++
			return nil
		}
	}
	area := t.m.Area.Fixed
	if s.area >= 0 {
		c, _ := cellAt(cells, s.area)
		area = t.area(c.Value)
	}
	if area == "" {
		// Unit rows ("Numbers"), notes and sources below a table have no
		// area: they are not data.
		t.counts.SkippedRows++
		return nil
	}
	p := periodOrErr{p: s.sheetPeriod, key: s.sheetPeriod.Key()}
	if s.sheetPeriod.IsZero() {
		var ok bool
		if p, ok = t.rowPeriod(s, num, cells); !ok {
			return nil
		}
	}
	if s.wide != nil {
		for _, w := range s.wide {
			c, ok := cellAt(cells, w.col)
			if !ok {
				continue
			}
			if v, ok := t.number(s, num, c); ok {
				t.add(w.metric, area, p, v, s.name, c.Col, num)
			}
		}
		return nil
	}
	label := t.m.Metric.Fixed
	if s.metric >= 0 {
		c, _ := cellAt(cells, s.metric)
		label = c.Value
	}
	metricID := t.metricID(label)
	if metricID == "" {
		t.probs.errorf(s.name, xlsx.CellName(s.metric, num), "column %q: the metric is blank: fill it in, or add a filter to the mapping that leaves this row out", s.labels[s.metric])
		return nil
	}
	if t.m.Value.Count {
		t.add(metricID, area, p, 1, s.name, max(s.metric, 0), num)
		return nil
	}
	c, ok := cellAt(cells, s.value)
	if !ok {
		t.counts.SkippedRows++
		return nil
	}
	if v, ok := t.number(s, num, c); ok {
		t.add(metricID, area, p, v, s.name, c.Col, num)
	}
	return nil
}

// area cleans and renames an area label.
func (t *tableReader) area(raw string) string {
	if a, ok := t.areas[raw]; ok {
		return a
	}
	a := mapping.CleanLabel(raw, t.foot)
	for from, to := range t.m.Area.Rename {
		if strings.EqualFold(a, mapping.CleanLabel(from, t.foot)) {
			a = to
			break
		}
	}
	if len(t.areas) < cacheLimit {
		t.areas[strings.Clone(raw)] = a
	}
	return a
}

// metricID turns a metric label into its metric id, registering the
// metric on first use. A blank label gives "".
func (t *tableReader) metricID(raw string) string {
	if id, ok := t.labelIDs[raw]; ok {
		return id
	}
	label := mapping.CleanLabel(raw, t.foot)
	if label == "" {
		return ""
	}
	m := t.m.MetricFor(label)
	if _, seen := t.metrics[m.ID]; !seen {
		t.metrics[m.ID] = m
		t.metricN = append(t.metricN, m.ID)
	}
	if len(t.labelIDs) < cacheLimit {
		t.labelIDs[strings.Clone(raw)] = m.ID
	}
	return m.ID
}

// rowPeriod reads the period of a row from its period column (and
// quarter column).
func (t *tableReader) rowPeriod(s *tableSheet, num int, cells []xlsx.Cell) (periodOrErr, bool) {
	c, ok := cellAt(cells, s.period)
	ref := xlsx.CellName(s.period, num)
	if !ok {
		t.probs.errorf(s.name, ref, "column %q: the period is blank", s.labels[s.period])
		return periodOrErr{}, false
	}
	key := c.Value
	if s.quarter >= 0 {
		q, _ := cellAt(cells, s.quarter)
		key = c.Value + "\x00" + q.Value
	}
	if c.Type == xlsx.Number && xlsx.IsDateFormat(c.Format) {
		key = "\x01" + key // a serial is not the same as its text
	}
	if r, ok := t.periods[key]; ok {
		return t.checkPeriod(s, ref, c, r)
	}
	var r periodOrErr
	if s.quarter >= 0 {
		q, _ := cellAt(cells, s.quarter)
		r.p, r.err = quarterPeriod(c.Value, q.Value)
	} else {
		r.p, r.err = tableCellPeriod(c, t.date1904)
	}
	if r.err == nil && t.kind != "" && r.p.Kind != t.kind {
		r.err = metrics.Errorf(metrics.EINVALID, "%q is a %s, but the mapping %s expects a %s", c.Value, r.p.Kind, t.m.Name, t.kind)
	}
	if r.err == nil {
		r.key = r.p.Key()
	}
	if len(t.periods) < cacheLimit {
		t.periods[strings.Clone(key)] = r
	}
	return t.checkPeriod(s, ref, c, r)
}

func (t *tableReader) checkPeriod(s *tableSheet, ref string, c xlsx.Cell, r periodOrErr) (periodOrErr, bool) {
	if r.err != nil {
		t.probs.errorf(s.name, ref, "column %q: %s", s.labels[s.period], metrics.ErrorMessage(r.err))
		return periodOrErr{}, false
	}
	return r, true
}

// quarterPeriod reads a financial year ("2019/20") and a quarter ("1",
// "Q1", "Quarter 1") into a financial quarter.
func quarterPeriod(fy, q string) (metrics.Period, error) {
	y, err := metrics.ParsePeriod(fy)
	if err != nil {
		return metrics.Period{}, err
	}
	if y.Kind != metrics.FinancialYear {
		return metrics.Period{}, metrics.Errorf(metrics.EINVALID, "%q is not a financial year: write it as 2019/20", fy)
	}
	qt := strings.TrimSpace(strings.ToLower(q))
	qt = strings.TrimPrefix(strings.TrimPrefix(qt, "quarter"), "q")
	n, err := strconv.Atoi(strings.TrimSpace(qt))
	if err != nil || n < 1 || n > 4 {
		return metrics.Period{}, metrics.Errorf(metrics.EINVALID, "%q is not a financial quarter: write 1 to 4 (Q1 is April to June)", q)
	}
	return metrics.QuarterOf(y.Start.Year(), n), nil
}

// tableCellPeriod reads a period from a cell: a date (see datePeriod),
// else its text.
func tableCellPeriod(c xlsx.Cell, date1904 bool) (metrics.Period, error) {
	if p, ok, err := datePeriod(c, date1904); ok {
		return p, err
	}
	return metrics.ParsePeriod(c.Value)
}

// number reads a value cell. Blank cells and the statistical markers of
// a missing figure ("..", "[x]", "-") give ok=false with no error.
func (t *tableReader) number(s *tableSheet, num int, c xlsx.Cell) (float64, bool) {
	ref := xlsx.CellName(c.Col, num)
	if skip, err := copiedValue(c, num); skip {
		if err != nil {
			t.probs.errorf(s.name, ref, "column %q: %s", s.labels[c.Col], metrics.ErrorMessage(err))
		}
		return 0, false
	}
	raw, format := c.Value, c.Format
	switch c.Type {
	case xlsx.Blank:
		if c.Formula {
			t.probs.errorf(s.name, ref, "the formula's result was not saved: open the file in Excel, save it and upload it again")
		}
		return 0, false
	case xlsx.Bool:
		t.probs.errorf(s.name, ref, "column %q: TRUE/FALSE is not a number", s.labels[c.Col])
		return 0, false
	case xlsx.Error:
		t.probs.errorf(s.name, ref, "column %q: %q is an error value in the spreadsheet: fix the formula or clear the cell", s.labels[c.Col], c.Value)
		return 0, false
	case xlsx.Date:
		t.probs.errorf(s.name, ref, "column %q: %q is a date, not a number", s.labels[c.Col], c.Value)
		return 0, false
	case xlsx.String:
		format = ""
	}
	v, _, err := ParseNumber(raw, format)
	if errors.Is(err, ErrBlank) {
		return 0, false
	}
	if err != nil {
		t.probs.errorf(s.name, ref, "column %q: %s", s.labels[c.Col], metrics.ErrorMessage(err))
		return 0, false
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		t.probs.errorf(s.name, ref, "column %q: %q is not a finite number", s.labels[c.Col], raw)
		return 0, false
	}
	return v, true
}

// add combines one value, read from the cell at col and row num, into
// its metric, area and period.
func (t *tableReader) add(metricID, area string, p periodOrErr, v float64, sheet string, col, num int) {
	k := tableKey{metric: metricID, area: area, period: p.key}
	if tv, ok := t.agg[k]; ok {
		if t.m.CombineMode() == mapping.CombineError {
			t.probs.errorf(sheet, xlsx.CellName(col, num), "%s, %s, %s was already given at %s, and the mapping %s does not add rows together (combine: error): remove one of the rows",
				metricID, area, p.p.Label(), tv.cell, t.m.Name)
			return
		}
		tv.value += v
		tv.rows++
		return
	}
	if len(t.agg) >= t.lim.MaxKeys {
		t.probs.errorf(sheet, xlsx.CellName(col, num), "the table gives more than %d different metric, area and period combinations, the limit: split the file, or filter it with the mapping", t.lim.MaxKeys)
		t.full = true
		return
	}
	k.area = strings.Clone(area)
	t.agg[k] = &tableValue{period: p.p, value: v, sheet: sheet, cell: xlsx.CellName(col, num), rows: 1}
	t.order = append(t.order, k)
}

// observations lists the combined values in the order first seen. A value
// that adds up several rows is traced to its first cell and the count.
func (t *tableReader) observations(file string) []metrics.Observation {
	out := make([]metrics.Observation, 0, len(t.order))
	for _, k := range t.order {
		tv := t.agg[k]
		cell := tv.cell
		switch {
		case tv.rows == 2:
			cell = tv.cell + " and 1 more row"
		case tv.rows > 2:
			cell = fmt.Sprintf("%s and %d more rows", tv.cell, tv.rows-1)
		}
		out = append(out, metrics.Observation{MetricID: k.metric, Area: k.area, Period: tv.period, Value: tv.value,
			Source: metrics.Source{File: file, Sheet: tv.sheet, Cell: cell}})
	}
	return out
}
