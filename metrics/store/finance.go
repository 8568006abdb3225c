package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Finance monitoring: one upload is one month of a financial year, stored
// in finance_months with its revenue, capital and reserve lines. A later
// upload of the same month supersedes the whole month; the earlier one
// stays, with superseded_by set, as the month's history.

// financeVisible is the scope filter of every finance read, as visible is
// for metrics: a month is returned when it is open or when the viewer may
// see sensitive data. Its one placeholder takes Scope.Sensitive.
const financeVisible = `(fm.classification = 'open' OR ?)`

// FinanceCounts is what AddFinanceMonth reports.
type FinanceCounts struct {
	Revenue, Capital, Reserves int
	// Revised is the month this upload supersedes; its UploadID is 0 when
	// the month was not held before.
	Revised metrics.FinanceMonth
	// RevisedTotals are the revenue totals of the revised month.
	RevisedTotals metrics.RevenueTotals
	// SupersededLines counts the lines of the revised month.
	SupersededLines int
}

// AddFinanceMonth stores a month's figures under this transaction's
// upload, sensitive (board only). f.Month.Period and f.Month.PeriodSource
// are used; the rest of f.Month is ignored. Any current figures of the
// same month, from an earlier upload, are superseded by these and kept as
// history. The figures are checked first: an invalid period, a line
// without a name, the same business area, scheme and funding source, or
// reserve twice (ignoring case and spacing), or too many lines give a
// *metrics.Error EINVALID and store nothing, leaving the transaction
// usable. Any other error leaves it fit only for Rollback.
func (t *IngestTx) AddFinanceMonth(ctx context.Context, f metrics.FinanceFigures) (FinanceCounts, error) {
	if t.ended {
		return FinanceCounts{}, errors.New("add finance month: ingest transaction already ended")
	}
	if t.failed != nil {
		return FinanceCounts{}, t.failedError()
	}
	// The store's own line: the ingest checks the same first, with
	// cell-precise messages; a unique-constraint failure (which would
	// abort a PostgreSQL transaction) is never the way a duplicate is
	// found.
	if err := f.Check(); err != nil {
		return FinanceCounts{}, err
	}
	counts, err := t.addFinanceMonth(ctx, f)
	if err != nil {
		t.failed = fmt.Errorf("store finance figures of %s: %w", t.upload.FileName, err)
		return FinanceCounts{}, t.failed
	}
	return counts, nil
}

func (t *IngestTx) addFinanceMonth(ctx context.Context, f metrics.FinanceFigures) (FinanceCounts, error) {
	p := f.Month.Period
	var counts FinanceCounts
	prev, found, err := currentFinanceMonth(ctx, t.tx, t.s.rebind, p)
	if err != nil {
		return counts, err
	}
	if found {
		counts.Revised = prev.Month
		counts.RevisedTotals = metrics.RevenueTotals{BudgetGBP: prev.BudgetGBP, ForecastGBP: prev.ForecastGBP}
		if err := t.tx.GetContext(ctx, &counts.SupersededLines, t.s.rebind(`
			SELECT (SELECT COUNT(*) FROM revenue_lines WHERE finance_month_id = ?)
				+ (SELECT COUNT(*) FROM capital_lines WHERE finance_month_id = ?)
				+ (SELECT COUNT(*) FROM reserve_lines WHERE finance_month_id = ?)`), prev.id, prev.id, prev.id); err != nil {
			return counts, fmt.Errorf("count lines of %s: %w", p.Label(), err)
		}
		// Before the insert: the index allows one current upload a month.
		if _, err := t.tx.ExecContext(ctx, t.s.rebind(`UPDATE finance_months SET superseded_by = ? WHERE id = ?`), t.upload.ID, prev.id); err != nil {
			return counts, fmt.Errorf("supersede %s: %w", p.Label(), err)
		}
	}
	var monthID int64
	if err := t.tx.QueryRowxContext(ctx, t.s.rebind(`
		INSERT INTO finance_months (upload_id, fy_start, month, period_source, classification)
		VALUES (?, ?, ?, ?, ?)
		RETURNING id`), t.upload.ID, p.FYStart, p.Month, f.Month.PeriodSource, string(metrics.Sensitive)).Scan(&monthID); err != nil {
		return counts, fmt.Errorf("store %s: %w", p.Label(), err)
	}

	if len(f.Revenue) > 0 {
		stmt, err := t.tx.PreparexContext(ctx, t.s.rebind(`
			INSERT INTO revenue_lines (finance_month_id, line_no, business_area, budget_gbp, forecast_gbp,
				stated_variance_gbp, budget_to_date_gbp, actual_to_date_gbp, commentary, sheet,
				area_cell, budget_cell, forecast_cell, variance_cell, budget_to_date_cell, actual_to_date_cell, commentary_cell)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return counts, fmt.Errorf("prepare revenue lines: %w", err)
		}
		for i, l := range f.Revenue {
			c := l.Cells
			if _, err := stmt.ExecContext(ctx, monthID, i+1, l.BusinessArea, l.BudgetGBP, l.ForecastGBP,
				l.StatedVarianceGBP, l.BudgetToDateGBP, l.ActualToDateGBP, l.Commentary, l.Sheet,
				c.Area, c.Budget, c.Forecast, c.Variance, c.BudgetToDate, c.ActualToDate, c.Commentary); err != nil {
				return counts, fmt.Errorf("store revenue line %q: %w", l.BusinessArea, err)
			}
		}
		counts.Revenue = len(f.Revenue)
	}
	if len(f.Capital) > 0 {
		stmt, err := t.tx.PreparexContext(ctx, t.s.rebind(`
			INSERT INTO capital_lines (finance_month_id, line_no, scheme, funding_source, approved_budget_gbp,
				additions_gbp, forecast_gbp, commentary, sheet,
				scheme_cell, funding_cell, approved_cell, additions_cell, forecast_cell, commentary_cell)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return counts, fmt.Errorf("prepare capital lines: %w", err)
		}
		for i, l := range f.Capital {
			c := l.Cells
			if _, err := stmt.ExecContext(ctx, monthID, i+1, l.Scheme, l.FundingSource, l.ApprovedBudgetGBP,
				l.AdditionsGBP, l.ForecastGBP, l.Commentary, l.Sheet,
				c.Scheme, c.Funding, c.ApprovedBudget, c.Additions, c.Forecast, c.Commentary); err != nil {
				return counts, fmt.Errorf("store capital line %q: %w", l.Scheme, err)
			}
		}
		counts.Capital = len(f.Capital)
	}
	if len(f.Reserves) > 0 {
		stmt, err := t.tx.PreparexContext(ctx, t.s.rebind(`
			INSERT INTO reserve_lines (finance_month_id, line_no, reserve, opening_gbp, transfers_gbp, closing_gbp,
				commentary, sheet, reserve_cell, opening_cell, transfers_cell, closing_cell, commentary_cell)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return counts, fmt.Errorf("prepare reserve lines: %w", err)
		}
		for i, l := range f.Reserves {
			c := l.Cells
			if _, err := stmt.ExecContext(ctx, monthID, i+1, l.Reserve, l.OpeningGBP, l.TransfersGBP, l.ClosingGBP,
				l.Commentary, l.Sheet, c.Reserve, c.Opening, c.Transfers, c.Closing, c.Commentary); err != nil {
				return counts, fmt.Errorf("store reserve %q: %w", l.Reserve, err)
			}
		}
		counts.Reserves = len(f.Reserves)
	}
	return counts, nil
}

// financeMonthColumns select a month and its upload; queries name the
// month fm and its upload u.
const financeMonthColumns = `fm.id, fm.fy_start, fm.month, fm.upload_id, u.file_name, u.uploaded_at, u.uploaded_by,
	fm.period_source, COALESCE(fm.superseded_by, 0) AS superseded_by`

type financeMonthRow struct {
	ID           int64  `db:"id"`
	FYStart      int    `db:"fy_start"`
	Month        int    `db:"month"`
	UploadID     int64  `db:"upload_id"`
	FileName     string `db:"file_name"`
	UploadedAt   string `db:"uploaded_at"`
	UploadedBy   string `db:"uploaded_by"`
	PeriodSource string `db:"period_source"`
	SupersededBy int64  `db:"superseded_by"`
	Revisions    int    `db:"revisions"`
	BudgetGBP    int64  `db:"budget_gbp"`
	ForecastGBP  int64  `db:"forecast_gbp"`
}

func (r financeMonthRow) month() (metrics.FinanceMonth, error) {
	var p rowTimes
	m := metrics.FinanceMonth{
		Period:       metrics.FinancePeriod{FYStart: r.FYStart, Month: r.Month},
		UploadID:     r.UploadID,
		File:         r.FileName,
		UploadedAt:   p.time(r.UploadedAt),
		UploadedBy:   r.UploadedBy,
		PeriodSource: r.PeriodSource,
		SupersededBy: r.SupersededBy,
		Revisions:    r.Revisions,
	}
	return m, p.check("finance month of upload", r.UploadID)
}

// revenueTotalsSQL are the revenue totals of month fm, for the history.
const revenueTotalsSQL = `
	CAST(COALESCE((SELECT SUM(r.budget_gbp) FROM revenue_lines r WHERE r.finance_month_id = fm.id), 0) AS BIGINT) AS budget_gbp,
	CAST(COALESCE((SELECT SUM(r.forecast_gbp) FROM revenue_lines r WHERE r.finance_month_id = fm.id), 0) AS BIGINT) AS forecast_gbp`

// revisionsSQL counts the earlier uploads of month fm.
const revisionsSQL = `(SELECT COUNT(*) FROM finance_months o
	WHERE o.fy_start = fm.fy_start AND o.month = fm.month AND o.upload_id < fm.upload_id) AS revisions`

// revisedMonth is a current month found by an ingest, with its totals.
type revisedMonth struct {
	id                     int64
	Month                  metrics.FinanceMonth
	BudgetGBP, ForecastGBP int64
}

func currentFinanceMonth(ctx context.Context, q sqlx.QueryerContext, rebind func(string) string, p metrics.FinancePeriod) (revisedMonth, bool, error) {
	var r financeMonthRow
	err := sqlx.GetContext(ctx, q, &r, rebind(`
		SELECT `+financeMonthColumns+`, `+revisionsSQL+`, `+revenueTotalsSQL+`
		FROM finance_months fm JOIN uploads u ON u.id = fm.upload_id
		WHERE fm.fy_start = ? AND fm.month = ? AND fm.superseded_by IS NULL`), p.FYStart, p.Month)
	if errors.Is(err, sql.ErrNoRows) {
		return revisedMonth{}, false, nil
	}
	if err != nil {
		return revisedMonth{}, false, fmt.Errorf("find current %s: %w", p.Label(), err)
	}
	m, err := r.month()
	if err != nil {
		return revisedMonth{}, false, err
	}
	return revisedMonth{id: r.ID, Month: m, BudgetGBP: r.BudgetGBP, ForecastGBP: r.ForecastGBP}, true, nil
}

// financeNotFound is the answer to a viewer who may not see finance, and
// to one asking for a year or month that is not held: the two look the
// same, so that the answer does not reveal what is held.
func financeNotFound(what string) error {
	return metrics.Errorf(metrics.ENOTFOUND, "no finance figures for %s", what)
}

// FinanceYears returns the financial years (by their start year) that
// have current finance figures the viewer may see, latest first. A viewer
// who may see no finance figures at all gets a *metrics.Error ENOTFOUND,
// never an empty list, so that finance pages are invisible to them; a
// viewer who may see sensitive figures gets an empty list when none are
// held.
func (s *Store) FinanceYears(ctx context.Context, scope metrics.Scope) ([]int, error) {
	years := []int{}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &years, s.rebind(`
			SELECT DISTINCT fm.fy_start FROM finance_months fm
			WHERE fm.superseded_by IS NULL AND `+financeVisible+`
			ORDER BY fm.fy_start DESC`), scope.Sensitive)
	})
	if err != nil {
		return nil, fmt.Errorf("finance years: %w", err)
	}
	if len(years) == 0 && !scope.Sensitive {
		return nil, financeNotFound("any year")
	}
	return years, nil
}

// FinanceMonths returns the current upload of each month of financial
// year fyStart that the viewer may see, in month order, each with the
// number of earlier uploads it revised. No such month gives a
// *metrics.Error ENOTFOUND.
func (s *Store) FinanceMonths(ctx context.Context, scope metrics.Scope, fyStart int) ([]metrics.FinanceMonth, error) {
	out, err := readValue(ctx, s, func(tx *sqlx.Tx) ([]metrics.FinanceMonth, error) { return s.financeMonths(ctx, tx, scope, fyStart) })
	if err != nil {
		return nil, wrapRead("finance months of "+metrics.FinancialYearLabel(fyStart), err)
	}
	return out, nil
}

func (s *Store) financeMonths(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, fyStart int) ([]metrics.FinanceMonth, error) {
	var rows []financeMonthRow
	err := tx.SelectContext(ctx, &rows, s.rebind(`
		SELECT `+financeMonthColumns+`, `+revisionsSQL+`
		FROM finance_months fm JOIN uploads u ON u.id = fm.upload_id
		WHERE fm.fy_start = ? AND fm.superseded_by IS NULL AND `+financeVisible+`
		ORDER BY fm.month`), fyStart, scope.Sensitive)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, financeNotFound(metrics.FinancialYearLabel(fyStart))
	}
	out := make([]metrics.FinanceMonth, len(rows))
	for i, r := range rows {
		if out[i], err = r.month(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FinanceMonthFigures returns the current figures of one month that the
// viewer may see: revenue, capital and reserve lines in file order. A
// month that is not held, or that the viewer may not see, gives a
// *metrics.Error ENOTFOUND.
func (s *Store) FinanceMonthFigures(ctx context.Context, scope metrics.Scope, p metrics.FinancePeriod) (metrics.FinanceFigures, error) {
	var out metrics.FinanceFigures
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var r financeMonthRow
		err := tx.GetContext(ctx, &r, s.rebind(`
			SELECT `+financeMonthColumns+`, `+revisionsSQL+`
			FROM finance_months fm JOIN uploads u ON u.id = fm.upload_id
			WHERE fm.fy_start = ? AND fm.month = ? AND fm.superseded_by IS NULL AND `+financeVisible),
			p.FYStart, p.Month, scope.Sensitive)
		if errors.Is(err, sql.ErrNoRows) {
			return financeNotFound(p.Label())
		}
		if err != nil {
			return err
		}
		if out.Month, err = r.month(); err != nil {
			return err
		}
		figs, err := s.financeLines(ctx, tx, scope, "fm.id = ?", r.ID)
		if err != nil {
			return err
		}
		if f, ok := figs[r.ID]; ok {
			out.Revenue, out.Capital, out.Reserves = f.Revenue, f.Capital, f.Reserves
		}
		return nil
	})
	if err != nil {
		return metrics.FinanceFigures{}, wrapRead("finance figures of "+p.Label(), err)
	}
	return out, nil
}

// FinanceYear returns everything held for financial year fyStart that the
// viewer may see, from one snapshot: the current figures of each month,
// in month order, and the history of every upload of every month (by
// month, newest first) with its revenue totals. A year with no month the
// viewer may see gives a *metrics.Error ENOTFOUND.
func (s *Store) FinanceYear(ctx context.Context, scope metrics.Scope, fyStart int) (metrics.FinanceYear, error) {
	out := metrics.FinanceYear{FYStart: fyStart}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var rows []financeMonthRow
		err := tx.SelectContext(ctx, &rows, s.rebind(`
			SELECT `+financeMonthColumns+`, `+revisionsSQL+`, `+revenueTotalsSQL+`
			FROM finance_months fm JOIN uploads u ON u.id = fm.upload_id
			WHERE fm.fy_start = ? AND `+financeVisible+`
			ORDER BY fm.month, fm.upload_id DESC`), fyStart, scope.Sensitive)
		if err != nil {
			return err
		}
		var currentIDs []int64
		for _, r := range rows {
			m, err := r.month()
			if err != nil {
				return err
			}
			out.History = append(out.History, metrics.FinanceRevision{Month: m, BudgetGBP: r.BudgetGBP, ForecastGBP: r.ForecastGBP})
			if m.Current() {
				out.Months = append(out.Months, metrics.FinanceFigures{Month: m})
				currentIDs = append(currentIDs, r.ID)
			}
		}
		if len(out.Months) == 0 {
			return financeNotFound(metrics.FinancialYearLabel(fyStart))
		}
		figs, err := s.financeLines(ctx, tx, scope, "fm.fy_start = ? AND fm.superseded_by IS NULL", fyStart)
		if err != nil {
			return err
		}
		for i, id := range currentIDs {
			f := figs[id]
			out.Months[i].Revenue, out.Months[i].Capital, out.Months[i].Reserves = f.Revenue, f.Capital, f.Reserves
		}
		return nil
	})
	if err != nil {
		return metrics.FinanceYear{}, wrapRead("finance figures of "+metrics.FinancialYearLabel(fyStart), err)
	}
	return out, nil
}

// financeLines reads the lines of the months that where (a condition on
// fm with one placeholder, given arg) selects, keyed by month id. The
// scope is applied again here, in each query, so that these rows are safe
// whatever the caller checked before.
func (s *Store) financeLines(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, where string, arg any) (map[int64]*metrics.FinanceFigures, error) {
	out := map[int64]*metrics.FinanceFigures{}
	get := func(id int64) *metrics.FinanceFigures {
		f, ok := out[id]
		if !ok {
			f = &metrics.FinanceFigures{}
			out[id] = f
		}
		return f
	}

	// q selects columns of a line table, as l, for the months where
	// selects, in each month's order.
	q := func(table, columns string) string {
		return `SELECT l.finance_month_id, ` + columns + `
		FROM ` + table + ` l JOIN finance_months fm ON fm.id = l.finance_month_id
		WHERE ` + where + ` AND ` + financeVisible + `
		ORDER BY l.finance_month_id, l.line_no`
	}
	err := selectEach(ctx, s, tx, "revenue lines", q("revenue_lines", `l.business_area, l.budget_gbp, l.forecast_gbp, l.stated_variance_gbp,
			l.budget_to_date_gbp, l.actual_to_date_gbp, l.commentary, l.sheet,
			l.area_cell, l.budget_cell, l.forecast_cell, l.variance_cell, l.budget_to_date_cell,
			l.actual_to_date_cell, l.commentary_cell`),
		func(r revenueRow) {
			f := get(r.MonthID)
			f.Revenue = append(f.Revenue, r.line())
		}, arg, scope.Sensitive)
	if err != nil {
		return nil, err
	}
	err = selectEach(ctx, s, tx, "capital lines", q("capital_lines", `l.scheme, l.funding_source, l.approved_budget_gbp, l.additions_gbp,
			l.forecast_gbp, l.commentary, l.sheet, l.scheme_cell, l.funding_cell, l.approved_cell,
			l.additions_cell, l.forecast_cell, l.commentary_cell`),
		func(r capitalRow) {
			f := get(r.MonthID)
			f.Capital = append(f.Capital, r.line())
		}, arg, scope.Sensitive)
	if err != nil {
		return nil, err
	}
	err = selectEach(ctx, s, tx, "reserve lines", q("reserve_lines", `l.reserve, l.opening_gbp, l.transfers_gbp, l.closing_gbp, l.commentary,
			l.sheet, l.reserve_cell, l.opening_cell, l.transfers_cell, l.closing_cell, l.commentary_cell`),
		func(r reserveRow) {
			f := get(r.MonthID)
			f.Reserves = append(f.Reserves, r.line())
		}, arg, scope.Sensitive)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// selectEach runs a query (its placeholders rebound) and hands each row
// it reads to each; what names the rows in its error.
func selectEach[R any](ctx context.Context, s *Store, tx *sqlx.Tx, what, query string, each func(R), args ...any) error {
	rows, err := selectRows[R](ctx, s, tx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for _, r := range rows {
		each(r)
	}
	return nil
}

// revenueRow is a revenue_lines row as selected by financeLines.
type revenueRow struct {
	MonthID           int64  `db:"finance_month_id"`
	BusinessArea      string `db:"business_area"`
	BudgetGBP         int64  `db:"budget_gbp"`
	ForecastGBP       int64  `db:"forecast_gbp"`
	StatedVarianceGBP *int64 `db:"stated_variance_gbp"`
	BudgetToDateGBP   *int64 `db:"budget_to_date_gbp"`
	ActualToDateGBP   *int64 `db:"actual_to_date_gbp"`
	Commentary        string `db:"commentary"`
	Sheet             string `db:"sheet"`
	AreaCell          string `db:"area_cell"`
	BudgetCell        string `db:"budget_cell"`
	ForecastCell      string `db:"forecast_cell"`
	VarianceCell      string `db:"variance_cell"`
	BudgetToDateCell  string `db:"budget_to_date_cell"`
	ActualToDateCell  string `db:"actual_to_date_cell"`
	CommentaryCell    string `db:"commentary_cell"`
}

func (r revenueRow) line() metrics.RevenueLine {
	return metrics.RevenueLine{
		BusinessArea: r.BusinessArea, BudgetGBP: r.BudgetGBP, ForecastGBP: r.ForecastGBP,
		StatedVarianceGBP: r.StatedVarianceGBP, BudgetToDateGBP: r.BudgetToDateGBP, ActualToDateGBP: r.ActualToDateGBP,
		Commentary: r.Commentary, Sheet: r.Sheet,
		Cells: metrics.RevenueCells{Area: r.AreaCell, Budget: r.BudgetCell, Forecast: r.ForecastCell, Variance: r.VarianceCell,
			BudgetToDate: r.BudgetToDateCell, ActualToDate: r.ActualToDateCell, Commentary: r.CommentaryCell},
	}
}

// capitalRow is a capital_lines row as selected by financeLines.
type capitalRow struct {
	MonthID           int64  `db:"finance_month_id"`
	Scheme            string `db:"scheme"`
	FundingSource     string `db:"funding_source"`
	ApprovedBudgetGBP int64  `db:"approved_budget_gbp"`
	AdditionsGBP      int64  `db:"additions_gbp"`
	ForecastGBP       int64  `db:"forecast_gbp"`
	Commentary        string `db:"commentary"`
	Sheet             string `db:"sheet"`
	SchemeCell        string `db:"scheme_cell"`
	FundingCell       string `db:"funding_cell"`
	ApprovedCell      string `db:"approved_cell"`
	AdditionsCell     string `db:"additions_cell"`
	ForecastCell      string `db:"forecast_cell"`
	CommentaryCell    string `db:"commentary_cell"`
}

func (r capitalRow) line() metrics.CapitalLine {
	return metrics.CapitalLine{
		Scheme: r.Scheme, FundingSource: r.FundingSource, ApprovedBudgetGBP: r.ApprovedBudgetGBP,
		AdditionsGBP: r.AdditionsGBP, ForecastGBP: r.ForecastGBP, Commentary: r.Commentary, Sheet: r.Sheet,
		Cells: metrics.CapitalCells{Scheme: r.SchemeCell, Funding: r.FundingCell, ApprovedBudget: r.ApprovedCell,
			Additions: r.AdditionsCell, Forecast: r.ForecastCell, Commentary: r.CommentaryCell},
	}
}

// reserveRow is a reserve_lines row as selected by financeLines.
type reserveRow struct {
	MonthID        int64  `db:"finance_month_id"`
	Reserve        string `db:"reserve"`
	OpeningGBP     int64  `db:"opening_gbp"`
	TransfersGBP   int64  `db:"transfers_gbp"`
	ClosingGBP     int64  `db:"closing_gbp"`
	Commentary     string `db:"commentary"`
	Sheet          string `db:"sheet"`
	ReserveCell    string `db:"reserve_cell"`
	OpeningCell    string `db:"opening_cell"`
	TransfersCell  string `db:"transfers_cell"`
	ClosingCell    string `db:"closing_cell"`
	CommentaryCell string `db:"commentary_cell"`
}

func (r reserveRow) line() metrics.ReserveLine {
	return metrics.ReserveLine{
		Reserve: r.Reserve, OpeningGBP: r.OpeningGBP, TransfersGBP: r.TransfersGBP, ClosingGBP: r.ClosingGBP,
		Commentary: r.Commentary, Sheet: r.Sheet,
		Cells: metrics.ReserveCells{Reserve: r.ReserveCell, Opening: r.OpeningCell, Transfers: r.TransfersCell,
			Closing: r.ClosingCell, Commentary: r.CommentaryCell},
	}
}

// rollbackFinance undoes the finance figures of upload id inside tx, for
// RollbackUpload: its month is deleted with its lines, and the month it
// superseded becomes current again, unless another upload of that month
// is now current, in which case it stays in the history superseded by
// that one. The delete comes first, because one month may have only one
// current upload. It returns the months removed and restored.
func (s *Store) rollbackFinance(ctx context.Context, tx *sqlx.Tx, id int64) (removed, restored int64, err error) {
	res, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM finance_months WHERE upload_id = ?`), id)
	if err != nil {
		return 0, 0, fmt.Errorf("remove finance figures of upload %d: %w", id, err)
	}
	removed, _ = res.RowsAffected()
	res, err = tx.ExecContext(ctx, s.rebind(`
		UPDATE finance_months SET superseded_by = NULL
		WHERE superseded_by = ? AND NOT EXISTS (
			SELECT 1 FROM finance_months c
			WHERE c.fy_start = finance_months.fy_start AND c.month = finance_months.month AND c.superseded_by IS NULL)`), id)
	if err != nil {
		return removed, 0, fmt.Errorf("restore finance figures revised by upload %d: %w", id, err)
	}
	restored, _ = res.RowsAffected()
	_, err = tx.ExecContext(ctx, s.rebind(`
		UPDATE finance_months SET superseded_by = (
			SELECT c.upload_id FROM finance_months c
			WHERE c.fy_start = finance_months.fy_start AND c.month = finance_months.month AND c.superseded_by IS NULL)
		WHERE superseded_by = ?`), id)
	if err != nil {
		return removed, restored, fmt.Errorf("re-point finance history of upload %d: %w", id, err)
	}
	return removed, restored, nil
}
