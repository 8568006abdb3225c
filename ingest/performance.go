package ingest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// batchSize is how many observations are sent to the store at once: big
// enough to amortise each INSERT, small enough to keep memory flat.
const batchSize = 2000

// performanceReader reads a quarterly performance workbook: an optional
// Metrics catalogue sheet and data sheets in the long or wide layout.
type performanceReader struct {
	wb       *xlsx.Workbook
	tx       *store.IngestTx // nil on a dry run
	probs    *problems
	counts   *Counts
	file     string
	progress func(rows int64)

	// cat resolves the names of measures and keeps what the file wants
	// the catalogue to say; sink takes the values.
	cat  *catalogue
	sink *valueSink

	calc *formulaCalc
	// resolved remembers how the sheet's measure names resolved.
	resolved resolveCache
	rows     int64
	// inc holds the incidents of an incidents sheet (see incidents.go).
	inc incidentState
	// near is the row nearest to a header on the sheets without one,
	// for the error when no sheet has one; skipped are those sheets, for
	// the warnings when another sheet has one.
	near    *nearHeader
	skipped []skippedSheet
}

// skippedSheet is a sheet with rows but no performance header, and the
// row nearest to one when isNear.
type skippedSheet struct {
	name   string
	near   nearHeader
	isNear bool
}

// catalogueSheet is the name of the optional metric catalogue sheet.
const catalogueSheet = "metrics"

// skippedSheets are sheets a workbook may carry that hold no data.
var skippedSheets = map[string]bool{"instructions": true, "notes": true, "readme": true, "contents": true, "cover": true, "guidance": true, "about": true}

func (r *performanceReader) read(ctx context.Context) error {
	for _, sh := range r.wb.Sheets {
		if normHeader(sh.Name) == catalogueSheet && !sh.Chart {
			r.counts.Sheets++
			if err := r.readCatalogue(ctx, sh); err != nil {
				return err
			}
		}
	}
	dataSheets := 0
	for _, sh := range r.wb.Sheets {
		name := normHeader(sh.Name)
		if sh.Chart || name == catalogueSheet || skippedSheets[name] || sh.State != "visible" {
			continue
		}
		found, err := r.readDataSheet(ctx, sh)
		if err != nil {
			return err
		}
		if found {
			dataSheets++
			r.counts.Sheets++
		}
	}
	if err := r.finishIncidents(ctx); err != nil {
		return err
	}
	if dataSheets == 0 && !r.probs.failed() {
		r.noHeaderError()
	} else if dataSheets > 0 {
		for _, s := range r.skipped {
			if s.isNear {
				r.probs.warnf(s.name, s.near.cell, "skipped: this looks like a header row, with %s, but it has no %s %s", joinWords(s.near.have), joinWords(s.near.missing), pluralWord(len(s.near.missing), "column", "columns"))
				continue
			}
			r.probs.warnf(s.name, "", "skipped: no header row with Metric and Area and either Period and Value or period columns in the first %d rows", headerRowLimit)
		}
	}
	r.reconcileUnits()
	r.checkDerived()
	r.sink.checkDuplicates(r.probs)
	if r.probs.failed() {
		r.sink.drop()
		return nil
	}
	return r.sink.flush(ctx)
}

// copyCells keeps a row's cells beyond the reader's next call.
func copyCells(cells []xlsx.Cell) []xlsx.Cell {
	return append([]xlsx.Cell(nil), cells...)
}

// header is a located header row and the role of each column.
type header struct {
	row     int
	roles   map[int]role
	periods map[int]metrics.Period // wide layout: period of each column
	cols    map[role]int
	wide    bool
	ignored []string
}

// findHeader looks for a performance header among the buffered rows.
//
// A header may take two rows when its period columns sit under merged
// group headings (see xlsx.Cell.Merge): "2021/22" merged over Q1 to Q4,
// "2021" over Apr, May and Jun, or "Monthly figures" over Apr-21 and
// May-21. A heading merged across columns names a group, not a column;
// the row under it gives the columns, each read with its group's heading
// when it is not a period on its own, and takes the Metric and Area
// headings of the row above where it has none of its own.
func (r *performanceReader) findHeader(buffered []bufferedRow) (header, int, bool) {
	for i := range buffered {
		h := r.headerAt(buffered, i)
		_, hasMetric := h.cols[roleMetric]
		_, hasArea := h.cols[roleArea]
		_, hasPeriod := h.cols[rolePeriod]
		_, hasValue := h.cols[roleValue]
		if !hasMetric || !hasArea {
			continue
		}
		if hasPeriod && hasValue {
			return h, i, true
		}
		if len(h.periods) > 0 {
			h.wide = true
			return h, i, true
		}
	}
	return header{}, 0, false
}

// headerAt reads row i of buffered as a header: the role or period of
// each of its columns, with the headings of a banded row above it.
func (r *performanceReader) headerAt(buffered []bufferedRow, i int) header {
	br := buffered[i]
	h := header{row: br.num, roles: map[int]role{}, periods: map[int]metrics.Period{}, cols: map[role]int{}}
	var above []xlsx.Cell
	if i > 0 && buffered[i-1].num == br.num-1 && hasBand(buffered[i-1]) {
		above = buffered[i-1].cells
	}
	for _, c := range withHeadingsAbove(br.cells, above, br.num-1) {
		text := cleanLabel(c.Value)
		if text == "" || isBand(c) {
			continue
		}
		if ro := headerRole(text); ro != roleNone {
			if _, dup := h.cols[ro]; !dup {
				h.cols[ro] = c.Col
				h.roles[c.Col] = ro
			}
			continue
		}
		if p, ok := r.headerPeriod(c); ok {
			h.periods[c.Col] = p
			continue
		}
		if p, ok := r.bandedPeriod(text, above, c.Col); ok {
			h.periods[c.Col] = p
			continue
		}
		h.ignored = append(h.ignored, text)
	}
	if _, ok := h.cols[roleMetric]; !ok {
		if id, ok := h.cols[roleMetricID]; ok {
			h.cols[roleMetric] = id
		}
	}
	return h
}

// nearHeader is a row that looks meant as a header, holding some of
// the columns a performance header needs but not all: where a file
// without a header went wrong.
type nearHeader struct {
	sheet   string
	cell    string // its first heading's cell
	have    []string
	missing []string
}

// nearestHeader is the row of buffered with the most of the Metric,
// Area, Period and Value headings, two at least, when no row has all
// that a header needs; ok is false when none has two.
func (r *performanceReader) nearestHeader(sheet string, buffered []bufferedRow) (nearHeader, bool) {
	needed := []struct {
		ro   role
		name string
	}{{roleMetric, "Metric"}, {roleArea, "Area"}, {rolePeriod, "Period"}, {roleValue, "Value"}}
	var best nearHeader
	for i, br := range buffered {
		h := r.headerAt(buffered, i)
		var n nearHeader
		first := -1
		for _, nd := range needed {
			if col, ok := h.cols[nd.ro]; ok {
				n.have = append(n.have, nd.name)
				if first < 0 || col < first {
					first = col
				}
			} else {
				n.missing = append(n.missing, nd.name)
			}
		}
		if len(n.have) >= 2 && len(n.have) > len(best.have) {
			n.sheet, n.cell = sheet, xlsx.CellName(first, br.num)
			best = n
		}
	}
	return best, len(best.have) >= 2
}

// noHeaderError says, when no sheet had a performance header, what the
// nearest row lacked, or that no row came near.
func (r *performanceReader) noHeaderError() {
	const layouts = "a header row with Metric, Area, Period and Value columns (long layout), or Metric and Area and one column per period (wide layout)"
	const start = "start from the performance workbook (Download on the upload page, or `assure template performance`)"
	if n := r.near; n != nil {
		cols := joinWords(n.missing) + " " + pluralWord(len(n.missing), "column", "columns")
		r.probs.errorf(n.sheet, n.cell, "this looks like the header row, with %s, but it has no %s. A performance workbook needs %s: add the %s, or %s",
			joinWords(n.have), cols, layouts, cols, start)
		return
	}
	r.probs.errorf("", "", "no sheet has %s in its first %d rows: %s", layouts, headerRowLimit, start)
}

// joinWords writes words as a list: "Metric", "Metric and Area",
// "Metric, Area and Period".
func joinWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// isBand reports whether a header cell is part of a heading merged across
// columns: a group's heading, not a column's.
func isBand(c xlsx.Cell) bool { return c.Merge != nil && c.Merge.Cols() > 1 }

// hasBand reports whether a row holds a heading merged across columns.
func hasBand(br bufferedRow) bool {
	for _, c := range br.cells {
		if isBand(c) && cleanLabel(c.Value) != "" {
			return true
		}
	}
	return false
}

// withHeadingsAbove adds to a header row the single-column headings of
// the row above (row aboveNum) in the columns where it has none: in a
// two-row header, "Metric" and "Area" are often written once, in the
// upper row, beside the group headings.
func withHeadingsAbove(cells, above []xlsx.Cell, aboveNum int) []xlsx.Cell {
	if len(above) == 0 {
		return cells
	}
	out := append([]xlsx.Cell(nil), cells...)
	for _, a := range above {
		if isBand(a) || cleanLabel(a.Value) == "" {
			continue
		}
		if _, own := cellAt(cells, a.Col); own {
			continue
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b xlsx.Cell) int { return a.Col - b.Col })
	return out
}

// bandedPeriod reads a column heading that is not a period on its own
// ("Q1", "Apr") with the group heading merged above it ("2021/22",
// "2021"), in either order.
func (r *performanceReader) bandedPeriod(text string, above []xlsx.Cell, col int) (metrics.Period, bool) {
	band, ok := cellAt(above, col)
	if !ok || !isBand(band) {
		return metrics.Period{}, false
	}
	group := cleanLabel(band.Value)
	for _, s := range []string{group + " " + text, text + " " + group} {
		if p, err := metrics.ParsePeriod(s); err == nil {
			return p, true
		}
	}
	return metrics.Period{}, false
}

// headerPeriod reads a wide layout's column header as a period: text
// such as "Aug-21" or "2021/22 Q3", or a date cell.
func (r *performanceReader) headerPeriod(c xlsx.Cell) (metrics.Period, bool) {
	p, err := r.cellPeriod(c)
	return p, err == nil
}

// cellPeriod reads a period from a cell: text, an ISO date cell, or a
// date serial under a date format in the workbook's date system.
func (r *performanceReader) cellPeriod(c xlsx.Cell) (metrics.Period, error) {
	if p, ok, err := datePeriod(c, r.wb.Date1904); ok {
		return p, err
	}
	switch c.Type {
	case xlsx.String:
		return metrics.ParsePeriod(c.Value)
	case xlsx.Number:
		if n, err := strconv.Atoi(c.Value); err == nil && n >= 1900 && n <= 2200 {
			return metrics.ParsePeriod(c.Value)
		}
		return metrics.Period{}, metrics.Errorf(metrics.EINVALID, "%s is a number, not a period: format the cell as a date, or write the period as text such as 2021-08 or 2021/22 Q3", c.Value)
	}
	return metrics.Period{}, metrics.Errorf(metrics.EINVALID, "%q is not a period: write a month as 2021-08 or Aug-21, a quarter as 2021/22 Q3, a financial year as 2021/22", c.Value)
}

type bufferedRow struct {
	num   int
	cells []xlsx.Cell
}

// readDataSheet finds the header of one sheet and reads its rows. It
// reports whether the sheet held a performance header.
func (r *performanceReader) readDataSheet(ctx context.Context, sh xlsx.Sheet) (bool, error) {
	rows, err := r.wb.Rows(sh.Name)
	if err != nil {
		r.probs.errorf(sh.Name, "", "the sheet cannot be read: %v", err)
		return false, nil
	}
	defer rows.Close()
	// The sheet is scanned in a goroutine of its own while this one
	// reads the rows: on a large sheet the two take about as long.
	rows.ReadAhead()
	var buffered []bufferedRow
	for len(buffered) < headerRowLimit && rows.Next() {
		buffered = append(buffered, bufferedRow{num: rows.RowNum(), cells: copyCells(rows.Cells())})
	}
	// A sheet of incidents is told apart by its headers, before the
	// measures' header is looked for (its Area and Priority columns would
	// otherwise read as a measure's).
	if ih, at, ok := findIncidentHeader(buffered); ok {
		return true, r.readIncidents(ctx, sh.Name, ih, buffered[at+1:], rows)
	}
	h, at, ok := r.findHeader(buffered)
	if !ok {
		if err := rows.Err(); err != nil {
			r.probs.errorf(sh.Name, "", "the sheet is damaged: %v. Open the file in Excel, save it again and re-upload", err)
		} else if len(buffered) > 0 {
			n, near := r.nearestHeader(sh.Name, buffered)
			if near && (r.near == nil || len(n.have) > len(r.near.have)) {
				r.near = &n
			}
			r.skipped = append(r.skipped, skippedSheet{name: sh.Name, near: n, isNear: near})
		}
		return false, nil
	}
	for _, text := range h.ignored {
		r.probs.warnf(sh.Name, "", "column %q is not a known heading and was ignored", text)
	}
	sr := &sheetState{header: h, sheet: sh.Name}
	for _, br := range buffered[at+1:] {
		if err := r.readRow(ctx, sr, br.num, br.cells); err != nil {
			return true, err
		}
	}
	for rows.Next() {
		if err := r.readRow(ctx, sr, rows.RowNum(), rows.Cells()); err != nil {
			return true, err
		}
	}
	if err := rows.Err(); err != nil {
		r.probs.errorf(sh.Name, "", "the sheet is damaged after row %d: %v. Open the file in Excel, save it again and re-upload", rows.RowNum(), err)
	}
	r.checkTotals(sr)
	return true, nil
}

// sheetState is what reading one data sheet remembers between rows.
type sheetState struct {
	header header
	sheet  string
	// sums and total rows for the Total check in the wide layout.
	blockSums map[int]float64
	totals    []totalRow
}

type totalRow struct {
	row  int
	sums map[int]float64
	vals map[int]float64
}

// readRow turns one data row into observations.
func (r *performanceReader) readRow(ctx context.Context, s *sheetState, rowNum int, cells []xlsx.Cell) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sheet %q row %d: %w", s.sheet, rowNum, err)
	}
	r.counts.Rows++
	r.rows++
	if r.progress != nil && r.rows%1000 == 0 {
		r.progress(r.rows)
	}
	h := s.header
	byCol := func(ro role) (xlsx.Cell, bool) {
		col, ok := h.cols[ro]
		if !ok {
			return xlsx.Cell{}, false
		}
		for _, c := range cells {
			if c.Col == col {
				return c, c.Type != xlsx.Blank || c.Formula
			}
			if c.Col > col {
				break
			}
		}
		return xlsx.Cell{}, false
	}
	metricCell, hasMetric := byCol(roleMetric)
	areaCell, hasArea := byCol(roleArea)
	metricText := cleanLabel(metricCell.Value)
	if !hasMetric || metricText == "" {
		if rowHasValues(cells) && hasArea {
			r.probs.errorf(s.sheet, xlsx.CellName(h.cols[roleMetric], rowNum), "the metric is blank: write the metric's name or id")
		} else {
			r.counts.SkippedRows++
		}
		return nil
	}
	if isTotalLabel(metricText) {
		r.counts.SkippedRows++
		if h.wide {
			r.noteTotal(s, rowNum, cells)
		}
		return nil
	}
	areaText := cleanLabel(areaCell.Value)
	if areaText == "" {
		r.probs.errorf(s.sheet, xlsx.CellName(h.cols[roleArea], rowNum), "the area is blank: write the area, e.g. Force, North or South")
		return nil
	}
	metricID, ok, err := r.resolveMetric(ctx, s.sheet, rowNum, metricCell, cells, h)
	if err != nil || !ok {
		return err
	}
	if h.wide {
		for _, c := range cells {
			p, isPeriod := h.periods[c.Col]
			if !isPeriod {
				continue
			}
			v, pct, ok := r.cellNumber(s.sheet, rowNum, c)
			if !ok {
				continue
			}
			if pct {
				r.notePercent(metricID, s.sheet, xlsx.CellName(c.Col, rowNum))
			}
			if s.blockSums == nil {
				s.blockSums = map[int]float64{}
			}
			s.blockSums[c.Col] += v
			if err := r.add(ctx, metricID, areaText, p, v, s.sheet, c.Col, rowNum); err != nil {
				return err
			}
		}
		return nil
	}
	periodCell, hasPeriod := byCol(rolePeriod)
	valueCell, hasValue := byCol(roleValue)
	if !hasPeriod && !hasValue {
		// A measure and an area with neither period nor value hold
		// nothing: the pre-filled template lists one such row per measure
		// and area for the analyst to fill in, and rows left as they came
		// are not mistakes.
		r.counts.SkippedRows++
		return nil
	}
	if !hasPeriod {
		r.probs.errorf(s.sheet, xlsx.CellName(h.cols[rolePeriod], rowNum), "the period is blank: write it as 2021-08, Aug-21, 2021/22 Q3 or 2021/22")
		return nil
	}
	p, err := r.cellPeriod(periodCell)
	if err != nil {
		r.probs.errorf(s.sheet, xlsx.CellName(periodCell.Col, rowNum), "%s", metrics.ErrorMessage(err))
		return nil
	}
	if !hasValue {
		r.counts.SkippedRows++
		return nil
	}
	v, pct, ok := r.cellNumber(s.sheet, rowNum, valueCell)
	if !ok {
		return nil
	}
	if pct {
		r.notePercent(metricID, s.sheet, xlsx.CellName(valueCell.Col, rowNum))
	}
	return r.add(ctx, metricID, areaText, p, v, s.sheet, valueCell.Col, rowNum)
}

// rowHasValues reports whether any cell of the row holds something.
func rowHasValues(cells []xlsx.Cell) bool {
	for _, c := range cells {
		if c.Type != xlsx.Blank && strings.TrimSpace(c.Value) != "" {
			return true
		}
	}
	return false
}

// cellNumber reads a value cell. Blank cells and the statistical
// "not available" markers give ok=false with no error; anything else
// that is not a finite number is an error naming the cell. pct is true
// for a percentage, "52%" or 0.52 under a percent format, both read as
// 52.
func (r *performanceReader) cellNumber(sheet string, rowNum int, c xlsx.Cell) (v float64, pct, ok bool) {
	ref := xlsx.CellName(c.Col, rowNum)
	if skip, err := copiedValue(c, rowNum); skip {
		if err != nil {
			r.probs.errorf(sheet, ref, "%s", metrics.ErrorMessage(err))
		}
		return 0, false, false
	}
	raw, format := c.Value, c.Format
	switch c.Type {
	case xlsx.Blank:
		if !c.Formula {
			return 0, false, false
		}
		v, err := r.calc.calculate(sheet, ref)
		if err != nil {
			r.probs.errorf(sheet, ref, "%s", metrics.ErrorMessage(err))
			return 0, false, false
		}
		raw = v
	case xlsx.Bool:
		r.probs.errorf(sheet, ref, "TRUE/FALSE is not a number: write the value")
		return 0, false, false
	case xlsx.Error:
		r.probs.errorf(sheet, ref, "%q is an error value in the spreadsheet: fix the formula or clear the cell", c.Value)
		return 0, false, false
	case xlsx.Date:
		r.probs.errorf(sheet, ref, "%q is a date, not a number: write the value", c.Value)
		return 0, false, false
	case xlsx.String:
		format = ""
	}
	v, pct, err := ParseNumber(raw, format)
	if errors.Is(err, ErrBlank) {
		return 0, false, false
	}
	if err != nil {
		r.probs.errorf(sheet, ref, "%s", metrics.ErrorMessage(err))
		return 0, false, false
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		r.probs.errorf(sheet, ref, "%q is not a finite number", raw)
		return 0, false, false
	}
	return v, pct, true
}

// add gives one value to the sink; nothing is written once the file is
// known to be rejected.
func (r *performanceReader) add(ctx context.Context, metricID, area string, p metrics.Period, v float64, sheet string, col, row int) error {
	r.counts.Observations++
	return r.sink.add(ctx, metricID, area, p, v, sheet, col, row, !r.probs.failed())
}

// noteTotal records a Total row of a wide sheet with the sums of the
// block of rows above it, for checkTotals.
func (r *performanceReader) noteTotal(s *sheetState, rowNum int, cells []xlsx.Cell) {
	t := totalRow{row: rowNum, sums: s.blockSums, vals: map[int]float64{}}
	for _, c := range cells {
		if _, ok := s.header.periods[c.Col]; !ok {
			continue
		}
		if v, _, ok := r.cellNumber(s.sheet, rowNum, c); ok {
			t.vals[c.Col] = v
		}
	}
	s.totals = append(s.totals, t)
	s.blockSums = nil
}

// checkTotals warns where a Total row disagrees with the rows above it.
// A total is a convenience for the reader of the sheet, not data, so a
// mismatch is a warning: the lines are what is stored.
func (r *performanceReader) checkTotals(s *sheetState) {
	for _, t := range s.totals {
		for col, v := range t.vals {
			sum := t.sums[col]
			if math.Abs(sum-v) > 0.5+1e-9*math.Abs(v) {
				r.probs.warnf(s.sheet, xlsx.CellName(col, t.row), "the Total row says %s but the rows above add up to %s: check the rows (the Total is not stored)",
					strconv.FormatFloat(v, 'f', -1, 64), strconv.FormatFloat(sum, 'f', -1, 64))
			}
		}
	}
}
