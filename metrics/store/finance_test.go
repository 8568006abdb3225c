package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

var m5 = metrics.FinancePeriod{FYStart: 2021, Month: 5}

func ptr64(v int64) *int64 { return &v }

// m5Figures are a small M5 2021/22: two revenue lines, a capital scheme
// funded from two sources, and a reserve.
func m5Figures(opccForecast int64) metrics.FinanceFigures {
	return metrics.FinanceFigures{
		Month: metrics.FinanceMonth{Period: m5, PeriodSource: `the title "Month 5 2021/22" (Revenue!A1)`},
		Revenue: []metrics.RevenueLine{
			{BusinessArea: "Local Policing", BudgetGBP: 71240000, ForecastGBP: 71752000, StatedVarianceGBP: ptr64(512000),
				Commentary: "Overtime", Sheet: "Revenue", Cells: metrics.RevenueCells{Area: "A4", Budget: "B4", Forecast: "D4", Variance: "E4", Commentary: "F4"}},
			{BusinessArea: "OPCC", BudgetGBP: 1412000, ForecastGBP: opccForecast, BudgetToDateGBP: ptr64(588000),
				Sheet: "Revenue", Cells: metrics.RevenueCells{Area: "A5", Budget: "B5", Forecast: "D5", BudgetToDate: "C5"}},
		},
		Capital: []metrics.CapitalLine{
			{Scheme: "Parkside", FundingSource: metrics.FundingRCCO, AdditionsGBP: 18000, ForecastGBP: 18000, Sheet: "Capital",
				Cells: metrics.CapitalCells{Scheme: "A3", Additions: "C3", Funding: "D3", Forecast: "E3"}},
			{Scheme: "Parkside", FundingSource: metrics.FundingCapitalReceipts, ApprovedBudgetGBP: 2400000, ForecastGBP: 2250000, Sheet: "Capital"},
		},
		Reserves: []metrics.ReserveLine{
			{Reserve: "Prevention reserve", TransfersGBP: 330000, ClosingGBP: 330000, Sheet: "Reserves",
				Cells: metrics.ReserveCells{Reserve: "A2", Transfers: "C2", Closing: "D2"}},
		},
	}
}

// addFinance stores figures as one upload and returns its id and counts.
func addFinance(t *testing.T, s *store.Store, name string, f metrics.FinanceFigures) (int64, store.FinanceCounts) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: name, Kind: metrics.KindFinance, UploadedBy: "fin"}, []byte(name))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	counts, err := tx.AddFinanceMonth(ctx, f)
	if err != nil {
		t.Fatalf("AddFinanceMonth(%s): %v", name, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return tx.UploadID(), counts
}

func TestFinanceStoredAndReadBack(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		id, counts := addFinance(t, s, "m5.xlsx", m5Figures(1322000))
		if counts.Revenue != 2 || counts.Capital != 2 || counts.Reserves != 1 || counts.Revised.UploadID != 0 {
			t.Errorf("counts = %+v", counts)
		}
		f, err := s.FinanceMonthFigures(ctx, metrics.Everything, m5)
		if err != nil {
			t.Fatal(err)
		}
		want := m5Figures(1322000)
		if f.Month.UploadID != id || f.Month.File != "m5.xlsx" || f.Month.UploadedBy != "fin" || f.Month.PeriodSource != want.Month.PeriodSource || !f.Month.Current() {
			t.Errorf("month = %+v", f.Month)
		}
		if len(f.Revenue) != 2 || f.Revenue[0].Cells != want.Revenue[0].Cells || *f.Revenue[0].StatedVarianceGBP != 512000 ||
			f.Revenue[1].StatedVarianceGBP != nil || *f.Revenue[1].BudgetToDateGBP != 588000 || f.Revenue[1].ActualToDateGBP != nil {
			t.Errorf("revenue = %+v", f.Revenue)
		}
		if len(f.Capital) != 2 || f.Capital[0].Cells != want.Capital[0].Cells || f.Capital[1].FundingSource != metrics.FundingCapitalReceipts {
			t.Errorf("capital = %+v", f.Capital)
		}
		if len(f.Reserves) != 1 || f.Reserves[0] != want.Reserves[0] {
			t.Errorf("reserves = %+v", f.Reserves)
		}
		if _, err := s.FinanceMonthFigures(ctx, metrics.Everything, metrics.FinancePeriod{FYStart: 2021, Month: 6}); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("a month not held: %v", err)
		}
	})
}

func TestFinanceRevisionKeepsHistory(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		first, _ := addFinance(t, s, "m5.xlsx", m5Figures(1340000))
		second, counts := addFinance(t, s, "m5 revised.xlsx", m5Figures(1322000))
		if counts.Revised.UploadID != first || counts.SupersededLines != 5 || counts.RevisedTotals.VarianceGBP() != 512000-72000 {
			t.Errorf("revision counts = %+v", counts)
		}
		third, _ := addFinance(t, s, "m5 again.xlsx", m5Figures(1300000))
		months, err := s.FinanceMonths(ctx, metrics.Everything, 2021)
		if err != nil || len(months) != 1 || months[0].UploadID != third || months[0].Revisions != 2 {
			t.Fatalf("months = %+v, %v", months, err)
		}
		year, err := s.FinanceYear(ctx, metrics.Everything, 2021)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, h := range year.History {
			got = append(got, h.Month.UploadID, h.Month.SupersededBy, h.VarianceGBP())
		}
		want := []int64{third, 0, 512000 - 112000, second, third, 512000 - 90000, first, second, 512000 - 72000}
		if len(got) != len(want) {
			t.Fatalf("history = %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("history = %v, want %v", got, want)
			}
		}
		if len(year.Months) != 1 || year.Months[0].Month.UploadID != third || len(year.Months[0].Revenue) != 2 || len(year.Months[0].Capital) != 2 {
			t.Errorf("current months = %+v", year.Months)
		}
	})
}

func TestFinanceStoreRefusesBadFigures(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		dupArea := m5Figures(1)
		dupArea.Revenue[1].BusinessArea = "  local   POLICING "
		dupScheme := m5Figures(1)
		dupScheme.Capital[1].FundingSource = metrics.FundingRCCO
		noName := m5Figures(1)
		noName.Reserves[0].Reserve = " "
		badMonth := m5Figures(1)
		badMonth.Month.Period.Month = 13
		tests := []struct {
			name string
			f    metrics.FinanceFigures
			msg  string
		}{
			{"duplicate business area", dupArea, "Revenue!A4 and at Revenue!A5"},
			{"duplicate scheme and funding", dupScheme, "capital scheme \"Parkside\" is given twice"},
			{"unnamed reserve", noName, "no name"},
			{"month 13", badMonth, "month 1 to 12"},
		}
		for _, tt := range tests {
			tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: tt.name, Kind: metrics.KindFinance}, []byte(tt.name))
			if err != nil {
				t.Fatal(err)
			}
			_, err = tx.AddFinanceMonth(ctx, tt.f)
			if metrics.ErrorCode(err) != metrics.EINVALID || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%s: %v, want EINVALID mentioning %q", tt.name, err, tt.msg)
			}
			// The transaction is still usable: good figures go in.
			if _, err := tx.AddFinanceMonth(ctx, m5Figures(1)); err != nil {
				t.Errorf("%s: after a refusal: %v", tt.name, err)
			}
			tx.Rollback()
		}
		if years, err := s.FinanceYears(ctx, metrics.Everything); err != nil || len(years) != 0 {
			t.Errorf("rolled back, yet FinanceYears = %v, %v", years, err)
		}
	})
}

func TestFinanceScope(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// Nothing held: the board sees an empty list, the public "not found".
		if years, err := s.FinanceYears(ctx, metrics.Everything); err != nil || len(years) != 0 {
			t.Errorf("FinanceYears(board), empty = %v, %v", years, err)
		}
		if _, err := s.FinanceYears(ctx, metrics.Public); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("FinanceYears(public), empty = %v", err)
		}
		addFinance(t, s, "m5.xlsx", m5Figures(1322000))
		for name, err := range map[string]error{
			"FinanceYears":        second(s.FinanceYears(ctx, metrics.Public)),
			"FinanceMonths":       second(s.FinanceMonths(ctx, metrics.Public, 2021)),
			"FinanceYear":         second(s.FinanceYear(ctx, metrics.Public, 2021)),
			"FinanceMonthFigures": second(s.FinanceMonthFigures(ctx, metrics.Public, m5)),
		} {
			if metrics.ErrorCode(err) != metrics.ENOTFOUND || strings.Contains(err.Error(), "OPCC") {
				t.Errorf("%s(public) = %v, want not found", name, err)
			}
		}
		if years, err := s.FinanceYears(ctx, metrics.Everything); err != nil || len(years) != 1 || years[0] != 2021 {
			t.Errorf("FinanceYears(board) = %v, %v", years, err)
		}
	})
}

func second[T any](_ T, err error) error { return err }
