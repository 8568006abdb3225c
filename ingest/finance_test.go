package ingest

import (
	"context"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// bracketFormat shows negative numbers in brackets, as finance sheets do.
const bracketFormat = "#,##0;(#,##0)"

// revenueRows is the M5 2021/22 revenue table of the board minutes, in
// £000 under a unit row: an overspend in Local Policing offset by an
// underspend in Investigations and Safeguarding, underspends elsewhere,
// OPCC £90k under, and a total underspend of £404k. Negatives are
// written three ways: a negative number (shown in brackets by the
// format set in m5Book), bracketed text and a minus sign.
func revenueRows(title string) [][]any {
	return [][]any{
		{title},
		{nil, "£000", "£000", "£000", "£000"},
		{"Business area", "Annual budget", "Budget to date", "Forecast outturn", "Variance", "Commentary"},
		{"Local Policing", 71240, 29683000, 71752, 512, "Overtime"},
		{"Investigations and Safeguarding", 38615, 16090000, 38117, -498, "Vacancies"},
		{"Non-operational", 29870, 12446000, 29684, "(186)", ""},
		{"Collaboration and Partnerships", 24105, 10044000, 23963, "-142", ""},
		{"OPCC", 1412, 588000, 1322, "(90)", "Office underspend"},
		{"Mutual Aid", -500, -208000, -500, 0, "Cost recovery"},
		{"Total", 164742, 68643000, 164338, -404},
	}
}

// m5Book is a whole monitoring workbook for M5 2021/22: revenue in £000
// (budget to date held in pounds and shown in thousands by its format),
// capital in whole pounds, reserves in £m.
func m5Book(t *testing.T, title string, revenue [][]any) []byte {
	t.Helper()
	book := ingesttest.Book(t,
		ingesttest.Sheet{Name: "Revenue", Rows: revenue},
		ingesttest.Sheet{Name: "Capital", Rows: [][]any{
			{"Capital programme"},
			{"Scheme", "Approved budget £", "Additions £", "Funding source", "Forecast £", "Commentary"},
			{"Vehicle replacement", 1850000, 0, "Prudential borrowing", 1790000, "Slippage"},
			{"Oracle project", 0, 57000, "Revenue contribution to capital (RCCO)", 57000, "Moved from ICT storage"},
			{"DFU laptops", 0, 40000, "Proceeds of Crime Act", 40000, ""},
			{"Total", 1850000, 97000, nil, 1887000},
		}},
		ingesttest.Sheet{Name: "Reserves", Rows: [][]any{
			{"Reserve", "Opening balance £m", "Transfers £m", "Forecast closing balance £m"},
			{"General reserve", 6.2, 0, 6.2},
			{"Prevention reserve", 0, 0.33, 0.33},
		}},
	)
	return ingesttest.WithNumberFormats(t, book, "Revenue", map[string]string{
		"E5": bracketFormat, "E10": bracketFormat,
		"C4": "#,##0,", "C5": "#,##0,", "C6": "#,##0,", "C7": "#,##0,", "C8": "#,##0,", "C9": "#,##0,;(#,##0,)", "C10": "#,##0,",
	})
}

const m5Title = "Revenue and Capital Monitoring Report Month 5 2021/22"
const m5File = "Revenue and Capital Monitoring M5 2021-22.xlsx"

func figures(t *testing.T, st *store.Store, p metrics.FinancePeriod) metrics.FinanceFigures {
	t.Helper()
	f, err := st.FinanceMonthFigures(context.Background(), metrics.Everything, p)
	if err != nil {
		t.Fatalf("FinanceMonthFigures(%s): %v", p.Label(), err)
	}
	return f
}

var m5 = metrics.FinancePeriod{FYStart: 2021, Month: 5}

func TestFinanceWorkbookStored(t *testing.T) {
	content := m5Book(t, m5Title, revenueRows(m5Title))
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, m5File, content, Options{})
		requireStatus(t, rep, StatusStored)
		if rep.Kind != metrics.KindFinance {
			t.Errorf("kind = %q, want finance (detected from the Revenue sheet)", rep.Kind)
		}
		if len(rep.Warnings) != 0 {
			t.Errorf("warnings = %+v", rep.Warnings)
		}
		if rep.Finance == nil || rep.Finance.Period != "2021-22/M5" || rep.Finance.VarianceGBP != -404000 ||
			rep.Finance.RevenueLines != 6 || rep.Finance.CapitalLines != 3 || rep.Finance.ReserveLines != 2 {
			t.Fatalf("finance summary = %+v", rep.Finance)
		}
		f := figures(t, st, m5)
		if f.Month.UploadID != rep.UploadID || f.Month.File != m5File || !strings.Contains(f.Month.PeriodSource, "Revenue!A1") {
			t.Errorf("month = %+v", f.Month)
		}
		want := []struct {
			area                       string
			budget, forecast, variance int64
			btd                        int64
		}{
			{"Local Policing", 71240000, 71752000, 512000, 29683000},
			{"Investigations and Safeguarding", 38615000, 38117000, -498000, 16090000},
			{"Non-operational", 29870000, 29684000, -186000, 12446000},
			{"Collaboration and Partnerships", 24105000, 23963000, -142000, 10044000},
			{"OPCC", 1412000, 1322000, -90000, 588000},
			{"Mutual Aid", -500000, -500000, 0, -208000},
		}
		if len(f.Revenue) != len(want) {
			t.Fatalf("revenue lines = %+v", f.Revenue)
		}
		for i, w := range want {
			l := f.Revenue[i]
			if l.BusinessArea != w.area || l.BudgetGBP != w.budget || l.ForecastGBP != w.forecast ||
				l.StatedVarianceGBP == nil || *l.StatedVarianceGBP != w.variance || l.VarianceGBP() != w.variance ||
				l.BudgetToDateGBP == nil || *l.BudgetToDateGBP != w.btd {
				t.Errorf("line %d = %+v (stated %v, to date %v), want %+v", i, l, deref(l.StatedVarianceGBP), deref(l.BudgetToDateGBP), w)
			}
		}
		if c := f.Revenue[4].Cells; f.Revenue[4].Sheet != "Revenue" || c.Area != "A8" || c.Budget != "B8" || c.Forecast != "D8" || c.Variance != "E8" || c.Commentary != "F8" {
			t.Errorf("OPCC sources = %s %+v", f.Revenue[4].Sheet, c)
		}
		if tot := metrics.SumRevenue(f.Revenue); tot.VarianceGBP() != -404000 {
			t.Errorf("total variance = %d, want -404000", tot.VarianceGBP())
		}
		if len(f.Capital) != 3 || f.Capital[1].FundingSource != metrics.FundingRCCO || f.Capital[1].AdditionsGBP != 57000 ||
			f.Capital[2].FundingSource != metrics.FundingPOCA || f.Capital[0].FundingSource != metrics.FundingBorrowing ||
			f.Capital[0].VarianceGBP() != -60000 {
			t.Errorf("capital = %+v", f.Capital)
		}
		if len(f.Reserves) != 2 || f.Reserves[0].ClosingGBP != 6200000 || f.Reserves[1].TransfersGBP != 330000 || f.Reserves[1].Cells.Transfers != "C3" {
			t.Errorf("reserves = %+v", f.Reserves)
		}
	})
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestFinanceChecks(t *testing.T) {
	withRow := func(i int, row []any) [][]any {
		rows := revenueRows(m5Title)
		rows[i] = row
		return rows
	}
	tests := []struct {
		name     string
		file     string
		rows     [][]any
		opts     Options
		status   string
		errors   []Problem // Message is a fragment
		warnings []Problem
	}{
		{
			name: "total disagrees", file: m5File,
			rows:   withRow(9, []any{"Total", 164752, 68643000, 164338, -404}),
			status: StatusRejected,
			errors: []Problem{{Sheet: "Revenue", Cell: "B10", Message: "£164,752,000"}, {Sheet: "Revenue", Cell: "B10", Message: "£164,742,000"}},
		},
		{
			name: "variance disagrees", file: m5File,
			rows:     withRow(3, []any{"Local Policing", 71240, 29683000, 71752, 500, "Overtime"}),
			status:   StatusRejected, // the variance total no longer adds up either
			errors:   []Problem{{Sheet: "Revenue", Cell: "E10", Message: "-£416,000"}},
			warnings: []Problem{{Sheet: "Revenue", Cell: "E4", Message: "£512,000"}},
		},
		{
			name: "duplicate business area", file: m5File,
			rows:   withRow(6, []any{"Local policing", 24105, 10044000, 23963, -142}),
			status: StatusRejected,
			errors: []Problem{{Sheet: "Revenue", Cell: "A7", Message: "A4"}},
		},
		{
			name: "no month anywhere", file: "monitoring.xlsx",
			rows:   withRow(0, []any{"Revenue monitoring"}),
			status: StatusRejected,
			errors: []Problem{{Message: "--period 2021-22/M5"}},
		},
		{
			name: "month given by --period", file: "monitoring.xlsx",
			rows: withRow(0, []any{"Revenue monitoring"}), opts: Options{Period: "2021-22/M5"},
			status: StatusStored,
		},
		{
			name: "year but no month", file: "Revenue monitoring 2021-22.xlsx",
			rows:   withRow(0, []any{"Revenue monitoring"}),
			status: StatusRejected,
			errors: []Problem{{Message: "not the month"}},
		},
		{
			name: "file name and title disagree", file: "Revenue and Capital Monitoring M6 2021-22.xlsx",
			rows:   revenueRows(m5Title),
			status: StatusRejected,
			errors: []Problem{{Sheet: "Revenue", Cell: "A1", Message: "M5"}, {Sheet: "Revenue", Cell: "A1", Message: "M6 by the file name"}},
		},
		{
			name: "--period disagrees with the title", file: m5File,
			rows: revenueRows(m5Title), opts: Options{Period: "2020-21/M5"},
			status: StatusRejected,
			errors: []Problem{{Message: "2020/21 by --period"}},
		},
		{
			name: "title names two months", file: "x.xlsx",
			rows:   withRow(0, []any{"Month 5 2021/22 (was Month 4)"}),
			status: StatusRejected,
			errors: []Problem{{Sheet: "Revenue", Cell: "A1", Message: "two months"}},
		},
		{
			name: "blank forecast", file: m5File,
			rows:   withRow(7, []any{"OPCC", 1412, 588000, nil, "(90)"}),
			status: StatusRejected,
			errors: []Problem{{Sheet: "Revenue", Cell: "D8", Message: "forecast outturn is blank"}},
		},
		{
			name: "words and error values", file: m5File,
			rows:   withRow(7, []any{"OPCC", "tbc", 588000, "#REF!", "(90)"}),
			status: StatusRejected,
			errors: []Problem{{Sheet: "Revenue", Cell: "B8", Message: `"tbc" is not a number`}, {Sheet: "Revenue", Cell: "D8", Message: "#REF!"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := m5Book(t, m5Title, tt.rows)
			forEachStore(t, func(t *testing.T, st *store.Store) {
				rep := ingestBytes(t, st, tt.file, content, tt.opts)
				requireStatus(t, rep, tt.status)
				for _, p := range append(rep.Errors, rep.Warnings...) {
					t.Log(p.Format(tt.file))
				}
				for _, want := range tt.errors {
					if !hasProblem(rep.Errors, want.Sheet, want.Cell, want.Message) {
						t.Errorf("no error at %s!%s mentioning %q; errors: %+v", want.Sheet, want.Cell, want.Message, rep.Errors)
					}
				}
				for _, want := range tt.warnings {
					if !hasProblem(rep.Warnings, want.Sheet, want.Cell, want.Message) {
						t.Errorf("no warning at %s!%s mentioning %q; warnings: %+v", want.Sheet, want.Cell, want.Message, rep.Warnings)
					}
				}
				if tt.status == StatusRejected {
					assertEmpty(t, st)
				}
			})
		})
	}
}

// A variance that disagrees is a warning and never fixed: the stated
// figure is stored beside the forecast and budget it disagrees with.
func TestFinanceVarianceWarningKeepsStatedFigure(t *testing.T) {
	rows := revenueRows(m5Title)
	rows[3] = []any{"Local Policing", 71240, 29683000, 71752, 500, "Overtime"}
	rows[9] = []any{"Total", 164742, 68643000, 164338, -416}
	content := m5Book(t, m5Title, rows)
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, m5File, content, Options{})
		requireStatus(t, rep, StatusStored)
		if len(rep.Warnings) != 1 || !hasProblem(rep.Warnings, "Revenue", "E4", "the variance is £500,000 but forecast outturn − budget is £512,000") {
			t.Errorf("warnings = %+v", rep.Warnings)
		}
		l := figures(t, st, m5).Revenue[0]
		if *l.StatedVarianceGBP != 500000 || l.VarianceGBP() != 512000 {
			t.Errorf("line = %+v, stated %d", l, *l.StatedVarianceGBP)
		}
	})
}

// A variance column written as budget − forecast on every line gives one
// warning about the convention, not one per line.
func TestFinanceOppositeSignConvention(t *testing.T) {
	rows := revenueRows(m5Title)
	for i := 3; i <= 8; i++ {
		b, f := toInt(rows[i][1]), toInt(rows[i][3])
		rows[i][4] = b - f
	}
	rows[9][4] = 404
	content := m5Book(t, m5Title, rows)
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, m5File, content, Options{})
		requireStatus(t, rep, StatusStored)
		if len(rep.Warnings) != 1 || !hasProblem(rep.Warnings, "Revenue", "E3", "budget − forecast") {
			t.Errorf("warnings = %+v", rep.Warnings)
		}
	})
}

func toInt(v any) int {
	switch v := v.(type) {
	case int:
		return v
	}
	return 0
}

// The same month again is a revision: it supersedes the earlier figures,
// and the history keeps them.
func TestFinanceRevisionSupersedesAndKeepsHistory(t *testing.T) {
	draft := revenueRows(m5Title)
	draft[6] = []any{"Collaboration and Partnerships", 24105, 10044000, 23981, -124}
	draft[9] = []any{"Total", 164742, 68643000, 164356, -386}
	first := m5Book(t, m5Title, draft)
	revised := m5Book(t, m5Title+" (revised)", revenueRows(m5Title+" (revised)"))
	forEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := ingestBytes(t, st, m5File, first, Options{})
		requireStatus(t, a, StatusStored)
		if a.Finance.RevisesUpload != 0 {
			t.Errorf("first upload revises %d", a.Finance.RevisesUpload)
		}
		b := ingestBytes(t, st, "Revenue and Capital Monitoring M5 2021-22 revised.xlsx", revised, Options{})
		requireStatus(t, b, StatusStored)
		if b.Finance.RevisesUpload != a.UploadID || b.Finance.RevisedVarianceGBP == nil || *b.Finance.RevisedVarianceGBP != -386000 {
			t.Errorf("revision summary = %+v", b.Finance)
		}
		if b.Counts.Superseded != 11 {
			t.Errorf("superseded lines = %d, want 11", b.Counts.Superseded)
		}
		if f := figures(t, st, m5); f.Month.UploadID != b.UploadID || metrics.SumRevenue(f.Revenue).VarianceGBP() != -404000 {
			t.Errorf("current M5 = upload %d, variance %d", f.Month.UploadID, metrics.SumRevenue(f.Revenue).VarianceGBP())
		}
		months, err := st.FinanceMonths(ctx, metrics.Everything, 2021)
		if err != nil || len(months) != 1 || months[0].Revisions != 1 {
			t.Errorf("months = %+v, %v", months, err)
		}
		year, err := st.FinanceYear(ctx, metrics.Everything, 2021)
		if err != nil {
			t.Fatal(err)
		}
		h := year.History
		if len(h) != 2 || h[0].Month.UploadID != b.UploadID || !h[0].Month.Current() ||
			h[1].Month.UploadID != a.UploadID || h[1].Month.SupersededBy != b.UploadID || h[1].VarianceGBP() != -386000 {
			t.Errorf("history = %+v", h)
		}
		// The same file again changes nothing.
		requireStatus(t, ingestBytes(t, st, "copy.xlsx", revised, Options{}), StatusUnchanged)
	})
}

func TestFinanceDryRunStoresNothing(t *testing.T) {
	content := m5Book(t, m5Title, revenueRows(m5Title))
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, m5File, content, Options{DryRun: true})
		requireStatus(t, rep, StatusStored)
		if rep.Finance == nil || rep.UploadID != 0 {
			t.Errorf("dry run report = %+v", rep)
		}
		assertEmpty(t, st)
		if _, err := st.FinanceYears(context.Background(), metrics.Public); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("FinanceYears(public) = %v, want not found", err)
		}
	})
}

// Finance is board-only: the public cannot read any of it, and finds the
// same "not found" whether or not anything is held.
func TestFinanceIsInvisibleToThePublic(t *testing.T) {
	content := m5Book(t, m5Title, revenueRows(m5Title))
	forEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		requireStatus(t, ingestBytes(t, st, m5File, content, Options{}), StatusStored)
		if _, err := st.FinanceYears(ctx, metrics.Public); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("FinanceYears: %v", err)
		}
		if _, err := st.FinanceMonths(ctx, metrics.Public, 2021); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("FinanceMonths: %v", err)
		}
		if _, err := st.FinanceYear(ctx, metrics.Public, 2021); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("FinanceYear: %v", err)
		}
		if _, err := st.FinanceMonthFigures(ctx, metrics.Public, m5); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("FinanceMonthFigures: %v", err)
		}
		years, err := st.FinanceYears(ctx, metrics.Everything)
		if err != nil || len(years) != 1 || years[0] != 2021 {
			t.Errorf("FinanceYears(board) = %v, %v", years, err)
		}
	})
}

func TestFinanceDetection(t *testing.T) {
	tests := []struct {
		name  string
		sheet ingesttest.Sheet
		want  string
	}{
		{"revenue header on any sheet", ingesttest.Sheet{Name: "Sheet1", Rows: [][]any{
			{"Service", "Budget 2021/22 £000", "Projected outturn £000"}, {"OPCC", 1, 1}}}, metrics.KindFinance},
		{"sheet named Revenue", ingesttest.Sheet{Name: "Revenue M5", Rows: [][]any{{"nothing yet"}}}, metrics.KindFinance},
		{"performance", ingesttest.Sheet{Name: "Data", Rows: [][]any{
			{"Metric", "Area", "Period", "Value"}, {"calls-999", "Force", "2021-08", 1}}}, metrics.KindPerformance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openSQLite(t)
			rep := ingestBytes(t, st, "M5 2021-22.xlsx", ingesttest.Book(t, tt.sheet), Options{DryRun: true})
			if rep.Kind != tt.want {
				t.Errorf("kind = %q, want %q (errors %+v)", rep.Kind, tt.want, rep.Errors)
			}
		})
	}
}

func TestFinanceHeaderRoles(t *testing.T) {
	tests := []struct {
		text  string
		role  frole
		scale int64
	}{
		{"Business area", froleArea, 0},
		{"Annual budget £000", froleBudget, 1000},
		{"Budget 2021/22 (£'000)", froleBudget, 1000},
		{"Forecast Outturn £k", froleForecast, 1000},
		{"Projected outturn £m", froleForecast, 1000000},
		{"Variance (under)/over £000", froleVariance, 1000},
		{"Variance %", frolePercent, 0},
		{"Explanation of variance", froleCommentary, 0},
		{"Budget to date", froleBudgetToDate, 0},
		{"YTD actual £", froleActualToDate, 1},
		{"Scheme", froleScheme, 0},
		{"Additions approved", froleAdditions, 0},
		{"Funding source", froleFunding, 0},
		{"Opening balance 1 April 2021 £000", froleOpening, 1000},
		{"Transfers to/(from) reserve", froleTransfers, 0},
		{"Forecast closing balance", froleClosing, 0},
		{"Budget holder", froleArea, 0},
		{"Virements", froleNone, 0},
	}
	for _, tt := range tests {
		role, scale := financeRole(tt.text)
		if role != tt.role || scale != tt.scale {
			t.Errorf("financeRole(%q) = %v, %d; want %v, %d", tt.text, role, scale, tt.role, tt.scale)
		}
	}
}

func openSQLite(t *testing.T) *store.Store { return storetest.Open(t, store.SQLite) }
