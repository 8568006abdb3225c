package ingest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The monthly revenue and capital monitoring workbook: a Revenue sheet
// (one line per business area with its annual budget, forecast outturn,
// variance and commentary), an optional Capital sheet (schemes with
// their approved budget, additions, funding source and forecast) and an
// optional Reserves sheet (opening balance, transfers, forecast closing
// balance). One file is one month of one financial year.

// FinanceSummary is what a finance workbook held, in the Report.
type FinanceSummary struct {
	// Period is the month as --period takes it ("2021-22/M5"), Label as
	// people read it ("M5 2021/22").
	Period       string `json:"period"`
	Label        string `json:"label"`
	PeriodSource string `json:"period_source"`
	RevenueLines int    `json:"revenue_lines"`
	CapitalLines int    `json:"capital_lines"`
	ReserveLines int    `json:"reserve_lines"`
	// The revenue totals; variance = forecast − budget, negative for an
	// underspend.
	BudgetGBP   int64 `json:"budget_gbp"`
	ForecastGBP int64 `json:"forecast_gbp"`
	VarianceGBP int64 `json:"variance_gbp"`
	// RevisesUpload is the earlier upload of the same month that this
	// file supersedes (its figures stay in the history), with the
	// variance it gave.
	RevisesUpload      int64  `json:"revises_upload,omitempty"`
	RevisesFile        string `json:"revises_file,omitempty"`
	RevisedVarianceGBP *int64 `json:"revised_variance_gbp,omitempty"`
	// Revisions are the business areas whose figures a revision changes.
	Revisions []AreaRevision `json:"revisions,omitempty"`
	// The capital programme's and the reserves' totals.
	CapitalBudgetGBP     int64 `json:"capital_budget_gbp"`
	CapitalAdditionsGBP  int64 `json:"capital_additions_gbp"`
	CapitalForecastGBP   int64 `json:"capital_forecast_gbp"`
	ReservesOpeningGBP   int64 `json:"reserves_opening_gbp"`
	ReservesTransfersGBP int64 `json:"reserves_transfers_gbp"`
	ReservesClosingGBP   int64 `json:"reserves_closing_gbp"`
	// PreviousMonth is the latest earlier month of the year held, with
	// its revenue variance and each business area's movement since.
	PreviousMonth       string         `json:"previous_month,omitempty"`
	PreviousVarianceGBP *int64         `json:"previous_variance_gbp,omitempty"`
	Movements           []AreaMovement `json:"movements,omitempty"`
	// Units says, for each table, the unit of its money columns and
	// where the file stated it.
	Units []string `json:"units"`
}

// maxFinanceRows bounds the lines of one finance table; a monitoring
// workbook has tens.
const maxFinanceRows = 5000

// maxPounds bounds an amount: a thousand trillion pounds is far beyond
// any budget, and well inside what an int64 and a float64 hold exactly.
const maxPounds = 1e15

// financeReader reads a monitoring workbook into metrics.FinanceFigures,
// reporting every problem with its sheet and cell.
type financeReader struct {
	wb     *xlsx.Workbook
	probs  *problems
	counts *Counts
	file   string
	// formulas calculates formula cells saved without a value.
	formulas *formulaCalc
	tables   map[financeTable]string
	claims   []periodClaim
	fig      metrics.FinanceFigures
	// units notes each table's money columns, their unit and its source.
	units []string
}

// periodClaim is one place that names the month or year of the file.
type periodClaim struct {
	what        string // `the title "Month 5 2021/22"`, `the file name`, `--period`
	sheet, cell string
	p           metrics.FinancePeriod
}

// ingestFinance checks and stores a finance workbook: it reads the whole
// file first (it is small), then stores it in one transaction unless a
// problem was found.
func (in *Ingester) ingestFinance(ctx context.Context, rep Report, wb *xlsx.Workbook, name string, src original, opts Options) (Report, error) {
	probs := &problems{max: in.MaxErrors}
	r := &financeReader{wb: wb, probs: probs, counts: &rep.Counts, file: name,
		formulas: newFormulaCalc(src), tables: map[financeTable]string{}}
	err := r.read(ctx)
	r.formulas.close()
	if err != nil {
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	r.resolvePeriod(name, opts.Period)
	if !probs.failed() {
		if err := r.fig.Check(); err != nil {
			probs.errorf("", "", "%s", metrics.ErrorMessage(err))
		}
	}
	if !probs.failed() {
		// The stored months are read before anything is written, so a dry
		// run and a real ingest say the same.
		stored, err := in.financeStored(ctx, r.fig.Month.Period)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", name, err)
		}
		rep.Finance = r.summary(len(r.fig.Revenue), len(r.fig.Capital), len(r.fig.Reserves))
		share := in.TotalMoveShare
		if share <= 0 {
			share = TotalMoveShare
		}
		r.financePreview(rep.Finance, stored, share)
	}
	var tx *store.IngestTx
	if !probs.failed() && !opts.DryRun {
		if tx, err = in.beginUnlessDry(ctx, opts, rep, metrics.KindFinance, src); err != nil {
			return rep, err
		}
		defer tx.Rollback()
		counts, err := tx.AddFinanceMonth(ctx, r.fig)
		switch {
		case metrics.ErrorCode(err) == metrics.EINVALID:
			probs.errorf("", "", "%s", metrics.ErrorMessage(err))
		case err != nil:
			return rep, fmt.Errorf("%s: %w", name, err)
		default:
			rep.Counts.Superseded = counts.SupersededLines
			if counts.Revised.UploadID != 0 {
				// Another upload of the month may have landed since the
				// comparison was read: the transaction's answer stands.
				rep.Finance.RevisesUpload = counts.Revised.UploadID
				rep.Finance.RevisesFile = counts.Revised.File
				v := counts.RevisedTotals.VarianceGBP()
				rep.Finance.RevisedVarianceGBP = &v
			}
		}
	}
	return in.end(rep, probs, tx, wb, "kind", metrics.KindFinance, "period", r.fig.Month.Period.Key())
}

func (r *financeReader) summary(revenue, capital, reserves int) *FinanceSummary {
	t := metrics.SumRevenue(r.fig.Revenue)
	p := r.fig.Month.Period
	return &FinanceSummary{
		Period: p.Key(), Label: p.Label(), PeriodSource: r.fig.Month.PeriodSource,
		RevenueLines: revenue, CapitalLines: capital, ReserveLines: reserves,
		BudgetGBP: t.BudgetGBP, ForecastGBP: t.ForecastGBP, VarianceGBP: t.VarianceGBP(),
		Units: r.units,
	}
}

// looksLikeFinance reports whether a workbook is a monitoring workbook: a
// visible sheet named like Revenue, or one whose header row (in its first
// rows) has business area, budget and forecast outturn columns.
// Damaged sheets are left for the reader proper to report.
func looksLikeFinance(wb *xlsx.Workbook) bool {
	for _, sh := range wb.Sheets {
		if sh.Chart || sh.State != "visible" || skippedSheets[normHeader(sh.Name)] {
			continue
		}
		if sheetTableHint(sh.Name) == tableRevenue {
			return true
		}
		if revenueHeaderIn(wb, sh.Name) {
			return true
		}
	}
	return false
}

func revenueHeaderIn(wb *xlsx.Workbook, sheet string) bool {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return false
	}
	defer rows.Close()
	for rows.Next() && rows.RowNum() <= headerRowLimit {
		if h, ok := findFinanceHeader(rows.RowNum(), rows.Cells(), tableRevenue); ok && h.table == tableRevenue {
			return true
		}
	}
	return false
}

func (r *financeReader) read(ctx context.Context) error {
	for _, sh := range r.wb.Sheets {
		if sh.Chart || sh.State != "visible" || skippedSheets[normHeader(sh.Name)] {
			continue
		}
		if err := r.readSheet(ctx, sh); err != nil {
			return err
		}
	}
	if _, ok := r.tables[tableRevenue]; !ok {
		r.probs.errorf("", "", "no sheet has a revenue table: a header row with Business area, Budget and Forecast outturn columns in its first %d rows. Start from `assure template finance`", headerRowLimit)
	} else if len(r.fig.Revenue) == 0 && !r.probs.failed() {
		r.probs.errorf(r.tables[tableRevenue], "", "the revenue table has no lines: give one line per business area with its budget and forecast outturn")
	}
	return nil
}

// tableState is what reading one finance table remembers between rows.
type tableState struct {
	h     financeHeader
	sheet string
	// unit is each money column's unit in pounds; stated is true when the
	// sheet said what it was ("£000" in the header, a unit row, a title).
	unit   map[int]int64
	stated map[int]bool
	// unitFrom says where each money column's unit was stated, for the
	// report: "the heading", "the merged cell B4:D4".
	unitFrom map[int]string
	lines    int
	// cum sums every line so far, block the lines since the last total,
	// per column role, in pounds as read (before rounding).
	cum, block           map[frole]float64
	cumLines, blockLines int
	// broken is set when a figure could not be read: the totals cannot
	// then be checked, and the figure's own error says why.
	broken bool
	seen   map[string]string
	// variance checks of a revenue table, judged when it ends.
	variances []varianceCheck
}

type varianceCheck struct {
	cell             string
	stated, computed float64
	tol              float64
}

func (r *financeReader) readSheet(ctx context.Context, sh xlsx.Sheet) error {
	rows, err := r.wb.Rows(sh.Name)
	if err != nil {
		r.probs.errorf(sh.Name, "", "the sheet cannot be read: %v", err)
		return nil
	}
	defer rows.Close()
	hint := sheetTableHint(sh.Name)
	var above []bufferedRow
	var h financeHeader
	found := false
	for rows.Next() && rows.RowNum() <= headerRowLimit {
		cells := copyCells(rows.Cells())
		if hh, ok := findFinanceHeader(rows.RowNum(), cells, hint); ok {
			h, found = hh, true
			break
		}
		above = append(above, bufferedRow{num: rows.RowNum(), cells: cells})
	}
	if !found {
		switch {
		case rows.Err() != nil:
			r.probs.errorf(sh.Name, "", "the sheet is damaged: %v. Open the file in Excel, save it again and re-upload", rows.Err())
		case hint != tableNone:
			r.probs.errorf(sh.Name, "", "this looks like the %s sheet, but no row in its first %d has the %s columns: %s", hint, headerRowLimit, hint, tableColumnsHint(hint))
		case len(above) > 0:
			r.probs.warnf(sh.Name, "", "skipped: not a Revenue, Capital or Reserves table (no header row with their columns in the first %d rows)", headerRowLimit)
		}
		return nil
	}
	if first, dup := r.tables[h.table]; dup {
		r.probs.errorf(sh.Name, xlsx.CellName(h.cols[h.table.labelRole()], h.row), "a second %s table (the first is on sheet %q): keep one %s sheet in the workbook", h.table, first, h.table)
		return nil
	}
	r.tables[h.table] = sh.Name
	r.counts.Sheets++
	for _, text := range h.ignored {
		r.probs.warnf(sh.Name, "", "column %q is not a known heading and was not read", text)
	}
	for _, text := range h.duplicates {
		r.probs.warnf(sh.Name, "", "column %q repeats another column's heading and was not read", text)
	}

	s := &tableState{h: h, sheet: sh.Name, unit: map[int]int64{}, stated: map[int]bool{}, unitFrom: map[int]string{},
		cum: map[frole]float64{}, block: map[frole]float64{}, seen: map[string]string{}}
	r.readTitles(s, above)

	first := true
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sheet %q row %d: %w", sh.Name, rows.RowNum(), err)
		}
		cells := rows.Cells()
		if first {
			first = false
			if r.unitRow(s, rows.RowNum(), cells) {
				continue
			}
		}
		if s.lines >= maxFinanceRows {
			r.probs.errorf(sh.Name, xlsx.CellName(0, rows.RowNum()), "the %s table has more than %d lines: is this a monitoring workbook? Keep one line per %s", h.table, maxFinanceRows, strings.ToLower(h.table.labelRole().String()))
			return nil
		}
		r.readLine(s, rows.RowNum(), cells)
	}
	if err := rows.Err(); err != nil {
		r.probs.errorf(sh.Name, "", "the sheet is damaged after row %d: %v. Open the file in Excel, save it again and re-upload", rows.RowNum(), err)
		return nil
	}
	r.finishTable(s)
	r.noteUnits(s)
	return nil
}

func tableColumnsHint(t financeTable) string {
	switch t {
	case tableCapital:
		return "Scheme, Approved budget, Additions, Funding source, Forecast"
	case tableReserves:
		return "Reserve, Opening balance, Transfers, Forecast closing balance"
	}
	return "Business area, Budget, Forecast outturn (and Variance, Commentary)"
}

// readTitles reads the rows above a header: title cells that name the
// month ("Month 5 2021/22") and cells that state the unit of the amounts
// ("£000" above a column, or a title ending "(£000)").
func (r *financeReader) readTitles(s *tableState, above []bufferedRow) {
	var sheetUnit int64
	sheetUnitCell := ""
	moneyCol := map[int]bool{}
	for ro, col := range s.h.cols {
		if ro.isMoney() {
			moneyCol[col] = true
		}
	}
	for _, br := range above {
		for _, c := range br.cells {
			if c.Type != xlsx.String {
				continue
			}
			text := cleanLabel(c.Value)
			if text == "" {
				continue
			}
			ref := xlsx.CellName(c.Col, br.num)
			scale, only := isUnitOnly(text)
			if only && moneyCol[c.Col] && s.h.scale[c.Col] == 0 {
				// "£000" right above an amount column (or merged across
				// several) is that column's unit.
				s.unit[c.Col] = scale
				s.stated[c.Col] = true
				s.unitFrom[c.Col] = unitCell(c, br.num, "above the headings")
				continue
			}
			if c.Copied(br.num) {
				continue // a title merged across the sheet is read once, at its cell
			}
			if p, err := metrics.FindFinancePeriod(text); err != nil {
				r.probs.errorf(s.sheet, ref, "%s, as in \"Month 5 2021/22\"", metrics.ErrorMessage(err))
			} else if p != (metrics.FinancePeriod{}) {
				r.claims = append(r.claims, periodClaim{what: "the title " + quoteTitle(text), sheet: s.sheet, cell: ref, p: p})
			}
			if !only {
				// A title may end with the unit of the whole table:
				// "Revenue monitoring (£000)".
				i := strings.LastIndexAny(text, "([")
				if i < 0 || !(strings.HasSuffix(text, ")") || strings.HasSuffix(text, "]")) {
					continue
				}
				if scale, only = isUnitOnly(text[i:]); !only {
					continue
				}
			}
			if sheetUnit != 0 && sheetUnit != scale {
				r.probs.errorf(s.sheet, ref, "the unit %q disagrees with the unit stated at %s: state the unit once", text, sheetUnitCell)
				continue
			}
			sheetUnit, sheetUnitCell = scale, ref
		}
	}
	for ro, col := range s.h.cols {
		if !ro.isMoney() {
			continue
		}
		switch {
		case s.h.scale[col] != 0:
			s.unit[col], s.stated[col] = s.h.scale[col], true
			s.unitFrom[col] = "the headings"
		case s.stated[col]:
		case sheetUnit != 0:
			s.unit[col], s.stated[col] = sheetUnit, true
			s.unitFrom[col] = "the title at " + sheetUnitCell
		default:
			s.unit[col] = 1
			s.unitFrom[col] = "no unit stated, so read as pounds"
		}
	}
}

// unitRow reads the row under a header when it holds only units ("£000"
// under each amount column), and reports whether it did.
func (r *financeReader) unitRow(s *tableState, rowNum int, cells []xlsx.Cell) bool {
	units := map[int]int64{}
	from := map[int]string{}
	for _, c := range cells {
		if c.Type == xlsx.Blank && !c.Formula {
			continue
		}
		text := cleanLabel(c.Value)
		if text == "" {
			continue
		}
		scale, ok := isUnitOnly(text)
		if c.Type != xlsx.String || !ok {
			return false
		}
		units[c.Col] = scale
		from[c.Col] = unitCell(c, rowNum, "under the headings")
	}
	if len(units) == 0 {
		return false
	}
	for ro, col := range s.h.cols {
		scale, ok := units[col]
		if !ok || !ro.isMoney() {
			continue
		}
		if h := s.h.scale[col]; h != 0 && h != scale {
			r.probs.errorf(s.sheet, xlsx.CellName(col, rowNum), "the unit under the heading %q disagrees with the heading's own: state the unit once", s.h.text[col])
			continue
		}
		s.unit[col], s.stated[col] = scale, true
		s.unitFrom[col] = from[col]
	}
	r.counts.SkippedRows++
	return true
}

// unitCell says where a unit was stated, for the report: "the merged
// cell B4:D4", or "row 4, above the headings" for cells of their own.
func unitCell(c xlsx.Cell, row int, where string) string {
	if c.Merge != nil {
		return "the merged cell " + c.Merge.String()
	}
	return fmt.Sprintf("row %d, %s", row, where)
}

// noteUnits adds to the report the unit of each money column of a table
// and where it was stated, grouping columns that share both:
// "Budget, Forecast outturn: £000 from the merged cell B4:C4".
func (r *financeReader) noteUnits(s *tableState) {
	type group struct {
		unit, from string
		cols       []string
	}
	var groups []*group
	cols := make([]int, 0, len(s.unit))
	for col := range s.unit {
		cols = append(cols, col)
	}
	slices.Sort(cols)
	for _, col := range cols {
		g := &group{unit: unitName(s.unit[col]), from: s.unitFrom[col]}
		found := false
		for _, have := range groups {
			if have.unit == g.unit && have.from == g.from {
				g, found = have, true
				break
			}
		}
		if !found {
			groups = append(groups, g)
		}
		g.cols = append(g.cols, s.h.text[col])
	}
	prefix := ""
	if s.h.table != tableRevenue {
		prefix = s.h.table.String() + ": "
	}
	for _, g := range groups {
		note := prefix + strings.Join(g.cols, ", ") + ": " + g.unit
		if strings.HasPrefix(g.from, "no ") {
			note += ", " + g.from
		} else {
			note += " from " + g.from
		}
		r.units = append(r.units, note)
	}
}

// unitName writes a scale as finance papers do.
func unitName(scale int64) string {
	switch scale {
	case 1:
		return "£"
	case 1000:
		return "£000"
	case 1_000_000:
		return "£m"
	case 1_000_000_000:
		return "£bn"
	}
	return "£" + strconv.FormatInt(scale, 10)
}

// amount is one figure read from a cell.
type amount struct {
	gbp   int64
	exact float64 // pounds before rounding, for the checks
	cell  string
}

// money reads the figure of column role ro in a row. present is false for
// a missing column or a blank cell; ok is false when the cell held
// something that is not an amount (the error is reported here).
func (r *financeReader) money(s *tableState, ro frole, rowNum int, cells []xlsx.Cell) (a amount, present, ok bool) {
	col, has := s.h.cols[ro]
	if !has {
		return amount{}, false, true
	}
	c, found := cellAt(cells, col)
	if !found || (c.Type == xlsx.Blank && !c.Formula) {
		return amount{}, false, true
	}
	ref := xlsx.CellName(col, rowNum)
	raw, format := c.Value, c.Format
	fail := func(format string, args ...any) (amount, bool, bool) {
		r.probs.errorf(s.sheet, ref, format, args...)
		s.broken = true
		return amount{}, true, false
	}
	if skip, err := copiedValue(c, rowNum); skip {
		if err != nil {
			return fail("%s", metrics.ErrorMessage(err))
		}
		return amount{}, false, true
	}
	switch c.Type {
	case xlsx.Blank:
		v, err := r.formulas.calculate(s.sheet, ref)
		if err != nil {
			return fail("%s", metrics.ErrorMessage(err))
		}
		raw = v
	case xlsx.Bool:
		return fail("TRUE/FALSE is not an amount: write the %s", strings.ToLower(ro.String()))
	case xlsx.Error:
		return fail("%q is an error value in the spreadsheet: fix the formula or clear the cell", c.Value)
	case xlsx.Date:
		return fail("%q is a date, not an amount: write the %s", c.Value, strings.ToLower(ro.String()))
	case xlsx.String:
		format = ""
	}
	v, pct, err := ParseNumber(raw, format)
	if errors.Is(err, ErrBlank) {
		return amount{}, false, true
	}
	if err != nil {
		return fail("%s", metrics.ErrorMessage(err))
	}
	if pct {
		return fail("%s is a percentage, not an amount: write the %s in pounds (or in the unit of the heading)", quoteText(raw), strings.ToLower(ro.String()))
	}
	pounds := v
	switch {
	case c.Type == xlsx.String && hasScaleSuffix(raw):
		// "£1.2m" says its own unit.
	case s.stated[col]:
		// A cell formatted to show thousands ("#,##0,") holds pounds and
		// shows the £000 the heading speaks of: undo the format's scale.
		pounds = v * float64(s.unit[col])
		if c.Type != xlsx.String {
			for range xlsx.FormatHasThousandsScale(format) {
				pounds /= 1000
			}
		}
	}
	if math.IsNaN(pounds) || math.IsInf(pounds, 0) || math.Abs(pounds) > maxPounds {
		return fail("%s is too large to be an amount in pounds: check the cell and the unit of its column", quoteText(raw))
	}
	return amount{gbp: int64(math.Round(pounds)), exact: pounds, cell: ref}, true, true
}

// hasScaleSuffix reports whether amount text ends with k, m or bn.
func hasScaleSuffix(raw string) bool {
	t := strings.ToLower(strings.TrimRight(strings.TrimSpace(raw), ")"))
	return strings.HasSuffix(t, "k") || strings.HasSuffix(t, "m") || strings.HasSuffix(t, "bn")
}

// readLine reads one row of a finance table.
func (r *financeReader) readLine(s *tableState, rowNum int, cells []xlsx.Cell) {
	r.counts.Rows++
	h := s.h
	labelRole := h.table.labelRole()
	labelCol := h.cols[labelRole]
	labelCell, _ := cellAt(cells, labelCol)
	labelRef := xlsx.CellName(labelCol, rowNum)
	label := ""
	switch labelCell.Type {
	case xlsx.String, xlsx.Number:
		label = cleanLabel(labelCell.Value)
	case xlsx.Error:
		r.probs.errorf(s.sheet, labelRef, "%q is an error value, not a name: write the %s", labelCell.Value, strings.ToLower(labelRole.String()))
		s.broken = true
		return
	}

	vals := map[frole]amount{}
	anyMoney, allOK := false, true
	for _, ro := range h.table.moneyRoles() {
		a, present, ok := r.money(s, ro, rowNum, cells)
		if !ok {
			allOK = false
			anyMoney = true
			continue
		}
		if present {
			vals[ro] = a
			anyMoney = true
		}
	}
	if label == "" {
		if anyMoney {
			r.probs.errorf(s.sheet, labelRef, "the %s is blank: name the line", strings.ToLower(labelRole.String()))
			s.broken = true
		} else {
			r.counts.SkippedRows++
		}
		return
	}
	if total, sub := financeTotalKind(label); total {
		r.counts.SkippedRows++
		if allOK {
			r.checkTotal(s, rowNum, label, vals, sub)
		}
		return
	}
	if !anyMoney {
		// A heading inside the table, such as "Operational".
		r.counts.SkippedRows++
		return
	}
	if !allOK {
		return
	}
	key := foldLabel(label)
	if h.table == tableCapital {
		funding, _ := r.funding(s, rowNum, cells, false)
		key += "\x00" + foldLabel(funding)
	}
	if prev, dup := s.seen[key]; dup {
		what := strings.ToLower(labelRole.String())
		if h.table == tableCapital {
			what = "scheme and funding source"
		}
		r.probs.errorf(s.sheet, labelRef, "%q appears twice, at %s and at %s: keep one line per %s (add the two together if both are right)", label, prev, labelRef, what)
		s.broken = true
		return
	}
	s.seen[key] = labelRef
	for ro, a := range vals {
		s.cum[ro] += a.exact
		s.block[ro] += a.exact
	}
	s.cumLines++
	s.blockLines++
	s.lines++

	switch h.table {
	case tableRevenue:
		r.revenueLine(s, rowNum, cells, label, labelRef, vals)
	case tableCapital:
		r.capitalLine(s, rowNum, cells, label, labelRef, vals)
	case tableReserves:
		r.reserveLine(s, rowNum, cells, label, labelRef, vals)
	}
}

// foldLabel compares line names as a person does: case, spacing and
// punctuation do not matter.
func foldLabel(s string) string { return normHeader(s) }

// required reports a blank required figure and whether it was there.
func (r *financeReader) required(s *tableState, ro frole, rowNum int, vals map[frole]amount, hint string) (amount, bool) {
	a, ok := vals[ro]
	if !ok {
		r.probs.errorf(s.sheet, xlsx.CellName(s.h.cols[ro], rowNum), "the %s is blank: %s", strings.ToLower(ro.String()), hint)
		s.broken = true
	}
	return a, ok
}

func optional(vals map[frole]amount, ro frole) *int64 {
	if a, ok := vals[ro]; ok {
		v := a.gbp
		return &v
	}
	return nil
}

// text reads a text column (commentary, funding source) of a row.
func (s *tableState) text(ro frole, rowNum int, cells []xlsx.Cell) (string, string) {
	col, ok := s.h.cols[ro]
	if !ok {
		return "", ""
	}
	c, found := cellAt(cells, col)
	ref := xlsx.CellName(col, rowNum)
	if !found {
		return "", ref
	}
	switch c.Type {
	case xlsx.String, xlsx.Number:
		return cleanLabel(c.Value), ref
	}
	return "", ref
}

func cellIf(vals map[frole]amount, ro frole) string {
	if a, ok := vals[ro]; ok {
		return a.cell
	}
	return ""
}

func (r *financeReader) revenueLine(s *tableState, rowNum int, cells []xlsx.Cell, label, labelRef string, vals map[frole]amount) {
	budget, okB := r.required(s, froleBudget, rowNum, vals, "write the annual budget (0 if there is none)")
	forecast, okF := r.required(s, froleForecast, rowNum, vals, "write the forecast outturn")
	if !okB || !okF {
		return
	}
	commentary, commentaryRef := s.text(froleCommentary, rowNum, cells)
	if commentary == "" {
		commentaryRef = ""
	}
	line := metrics.RevenueLine{
		BusinessArea: label, BudgetGBP: budget.gbp, ForecastGBP: forecast.gbp,
		StatedVarianceGBP: optional(vals, froleVariance), BudgetToDateGBP: optional(vals, froleBudgetToDate),
		ActualToDateGBP: optional(vals, froleActualToDate), Commentary: commentary, Sheet: s.sheet,
		Cells: metrics.RevenueCells{Area: labelRef, Budget: budget.cell, Forecast: forecast.cell,
			Variance: cellIf(vals, froleVariance), BudgetToDate: cellIf(vals, froleBudgetToDate),
			ActualToDate: cellIf(vals, froleActualToDate), Commentary: commentaryRef},
	}
	if v, ok := vals[froleVariance]; ok {
		// One unit of the column is rounding: figures typed in £000 may
		// each be rounded on their own.
		tol := math.Max(1, float64(s.unit[s.h.cols[froleVariance]]))
		s.variances = append(s.variances, varianceCheck{cell: v.cell, stated: v.exact, computed: forecast.exact - budget.exact, tol: tol})
	}
	r.fig.Revenue = append(r.fig.Revenue, line)
}

// funding reads a capital line's funding source, normalised; with report
// set it warns about one Assure does not know.
func (r *financeReader) funding(s *tableState, rowNum int, cells []xlsx.Cell, report bool) (string, string) {
	text, ref := s.text(froleFunding, rowNum, cells)
	if text == "" {
		return "", ""
	}
	name, known := metrics.ParseFundingSource(text)
	if !known && report {
		r.probs.warnf(s.sheet, ref, "%s is not a funding source Assure knows (RCCO, POCA, grant, borrowing, capital receipts, reserves): stored as written", quoteText(text))
	}
	return name, ref
}

func (r *financeReader) capitalLine(s *tableState, rowNum int, cells []xlsx.Cell, label, labelRef string, vals map[frole]amount) {
	forecast, ok := r.required(s, froleForecast, rowNum, vals, "write the forecast spend (0 if none)")
	if !ok {
		return
	}
	approved := vals[froleBudget]
	additions := vals[froleAdditions]
	funding, fundingRef := r.funding(s, rowNum, cells, true)
	if additions.gbp != 0 && funding == "" {
		at := xlsx.CellName(s.h.cols[froleFunding], rowNum)
		if _, has := s.h.cols[froleFunding]; !has {
			at = additions.cell
		}
		r.probs.warnf(s.sheet, at, "the addition of %s to %q has no funding source: say how it is paid for (RCCO, POCA, grant, borrowing, capital receipts)", metrics.FormatMoney(additions.gbp), label)
	}
	commentary, commentaryRef := s.text(froleCommentary, rowNum, cells)
	if commentary == "" {
		commentaryRef = ""
	}
	r.fig.Capital = append(r.fig.Capital, metrics.CapitalLine{
		Scheme: label, FundingSource: funding, ApprovedBudgetGBP: approved.gbp, AdditionsGBP: additions.gbp,
		ForecastGBP: forecast.gbp, Commentary: commentary, Sheet: s.sheet,
		Cells: metrics.CapitalCells{Scheme: labelRef, Funding: fundingRef, ApprovedBudget: approved.cell,
			Additions: additions.cell, Forecast: forecast.cell, Commentary: commentaryRef},
	})
}

func (r *financeReader) reserveLine(s *tableState, rowNum int, cells []xlsx.Cell, label, labelRef string, vals map[frole]amount) {
	closing, ok := r.required(s, froleClosing, rowNum, vals, "write the forecast closing balance")
	if !ok {
		return
	}
	opening := vals[froleOpening]
	transfers := vals[froleTransfers]
	tol := math.Max(1, float64(s.unit[s.h.cols[froleClosing]]))
	if want := opening.exact + transfers.exact; math.Abs(closing.exact-want) > tol {
		r.probs.warnf(s.sheet, closing.cell, "the forecast closing balance is %s but the opening balance and transfers come to %s: check the cells (both are shown as written)",
			metrics.FormatPounds(closing.gbp), metrics.FormatPounds(int64(math.Round(want))))
	}
	commentary, commentaryRef := s.text(froleCommentary, rowNum, cells)
	if commentary == "" {
		commentaryRef = ""
	}
	r.fig.Reserves = append(r.fig.Reserves, metrics.ReserveLine{
		Reserve: label, OpeningGBP: opening.gbp, TransfersGBP: transfers.gbp, ClosingGBP: closing.gbp,
		Commentary: commentary, Sheet: s.sheet,
		Cells: metrics.ReserveCells{Reserve: labelRef, Opening: opening.cell, Transfers: transfers.cell,
			Closing: closing.cell, Commentary: commentaryRef},
	})
}

// checkTotal compares a Total row with the lines above it. A total
// agrees when it matches either every line so far (a grand total) or the
// lines since the previous total (a subtotal), to within half a unit of
// its column. A total that agrees with neither is an error naming both
// figures: the lines are what is stored, and a total that does not add
// up means one of them is wrong.
func (r *financeReader) checkTotal(s *tableState, rowNum int, label string, vals map[frole]amount, sub bool) {
	defer func() {
		s.block = map[frole]float64{}
		s.blockLines = 0
	}()
	if s.broken {
		return
	}
	for _, ro := range s.h.table.moneyRoles() {
		a, ok := vals[ro]
		if !ok {
			continue
		}
		tol := math.Max(0.5, float64(s.unit[s.h.cols[ro]])/2)
		cum, block := s.cum[ro], s.block[ro]
		if math.Abs(a.exact-cum) <= tol || math.Abs(a.exact-block) <= tol {
			continue
		}
		lines := fmt.Sprintf("the %d lines above add up to %s", s.cumLines, metrics.FormatPounds(int64(math.Round(cum))))
		if s.blockLines != s.cumLines && s.blockLines > 0 {
			lines += fmt.Sprintf(" (%s for the %d since the previous total)", metrics.FormatPounds(int64(math.Round(block))), s.blockLines)
		}
		row := fmt.Sprintf("the %s row", label)
		if sub {
			row = fmt.Sprintf("the subtotal %q", label)
		} else if headerLetters(label) != "total" {
			row = fmt.Sprintf("the total %q", label)
		}
		r.probs.errorf(s.sheet, a.cell, "%s gives a %s of %s but %s: correct the total or the line that is wrong",
			row, strings.ToLower(ro.String()), metrics.FormatPounds(a.gbp), lines)
	}
}

// finishTable judges the variances of a revenue table once all its lines
// are read. A variance that disagrees with forecast − budget is a
// warning, never fixed: the stated figure is kept beside the computed
// one. When every line disagrees by exactly its sign, the column uses the
// opposite convention, and one warning says so instead of one per line.
func (r *financeReader) finishTable(s *tableState) {
	if len(s.variances) == 0 {
		return
	}
	var off []varianceCheck
	flipped, nonzero := 0, 0
	for _, v := range s.variances {
		if math.Abs(v.computed) > v.tol {
			nonzero++
		}
		if math.Abs(v.stated-v.computed) > v.tol {
			off = append(off, v)
			if math.Abs(v.stated+v.computed) <= v.tol {
				flipped++
			}
		}
	}
	if len(off) > 0 && flipped == len(off) && len(off) == nonzero {
		col := s.h.cols[froleVariance]
		r.probs.warnf(s.sheet, xlsx.CellName(col, s.h.row), "the %s column gives budget − forecast (underspends positive) on every line: Assure shows variance as forecast outturn − budget, so underspends are negative; the figures are kept as written", s.h.text[col])
		return
	}
	for _, v := range off {
		r.probs.warnf(s.sheet, v.cell, "the variance is %s but forecast outturn − budget is %s: check the line; Assure shows forecast − budget and keeps the stated variance beside it",
			metrics.FormatPounds(int64(math.Round(v.stated))), metrics.FormatPounds(int64(math.Round(v.computed))))
	}
}

// resolvePeriod settles the month of the file from the title cells, the
// file name and the --period option: each may give the month, the year
// or both, and all that are given must agree.
func (r *financeReader) resolvePeriod(name, flag string) {
	claims := append([]periodClaim(nil), r.claims...)
	base := strings.TrimSuffix(name, filepath.Ext(name))
	if p, err := metrics.FindFinancePeriod(base); err != nil {
		r.probs.errorf("", "", "the file name %s: rename the file so that it names one month, as in \"Revenue and Capital Monitoring M5 2021-22.xlsx\"", metrics.ErrorMessage(err))
	} else if p != (metrics.FinancePeriod{}) {
		claims = append(claims, periodClaim{what: "the file name", p: p})
	}
	if flag != "" {
		p, err := metrics.ParseFinancePeriod(flag)
		if err != nil {
			r.probs.errorf("", "", "--period: %s", metrics.ErrorMessage(err))
			return
		}
		claims = append(claims, periodClaim{what: "--period " + flag, p: p})
	}

	var fy, month *periodClaim
	conflict := func(what string, a, b *periodClaim, av, bv string) {
		sheet, cell := a.sheet, a.cell
		if sheet == "" {
			sheet, cell = b.sheet, b.cell
		}
		r.probs.errorf(sheet, cell, "the %s is given two ways: %s by %s and %s by %s. Correct the one that is wrong (the title above the table, the file name, or --period)",
			what, av, describeClaim(a), bv, describeClaim(b))
	}
	fyBad, monthBad := false, false
	for i := range claims {
		c := &claims[i]
		if c.p.FYStart != 0 {
			switch {
			case fy == nil:
				fy = c
			case fy.p.FYStart != c.p.FYStart && !fyBad:
				conflict("financial year", fy, c, metrics.FinancialYearLabel(fy.p.FYStart), metrics.FinancialYearLabel(c.p.FYStart))
				fyBad = true
			}
		}
		if c.p.Month != 0 {
			switch {
			case month == nil:
				month = c
			case month.p.Month != c.p.Month && !monthBad:
				conflict("month", month, c, fmt.Sprintf("M%d", month.p.Month), fmt.Sprintf("M%d", c.p.Month))
				monthBad = true
			}
		}
	}
	const how = "put a title such as \"Revenue and Capital Monitoring Month 5 2021/22\" above the Revenue table, name the file like \"Revenue and Capital Monitoring M5 2021-22.xlsx\", or give the month with --period 2021-22/M5 (M1 is April)"
	switch {
	case fyBad || monthBad:
		return
	case fy == nil && month == nil:
		r.probs.errorf("", "", "the file does not say which month it is for: %s", how)
		return
	case month == nil:
		r.probs.errorf("", "", "the file gives the financial year %s (by %s) but not the month: %s", metrics.FinancialYearLabel(fy.p.FYStart), describeClaim(fy), how)
		return
	case fy == nil:
		r.probs.errorf("", "", "the file gives the month M%d (by %s) but not its financial year: %s", month.p.Month, describeClaim(month), how)
		return
	}
	r.fig.Month.Period = metrics.FinancePeriod{FYStart: fy.p.FYStart, Month: month.p.Month}
	var sources []string
	for _, c := range claims {
		if d := describeClaim(&c); !slices.Contains(sources, d) {
			sources = append(sources, d)
		}
	}
	src := strings.Join(sources, "; ")
	if len(src) > 500 {
		src = src[:500] + "…"
	}
	r.fig.Month.PeriodSource = src
}

func describeClaim(c *periodClaim) string {
	if c.cell != "" {
		return fmt.Sprintf("%s (%s!%s)", c.what, c.sheet, c.cell)
	}
	return c.what
}

// quoteTitle quotes a title cell for a message and for the stored record
// of where the month was read: long enough to recognise, one line.
func quoteTitle(s string) string {
	const maxRunes = 100
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > maxRunes {
		return strconv.Quote(string(r[:maxRunes]) + "…")
	}
	return strconv.Quote(string(r))
}
