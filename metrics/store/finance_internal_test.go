package store

import (
	"context"
	"testing"

	"github.com/assure-pcc/assure/metrics"
)

// rollbackFinanceForTest runs rollbackFinance in a transaction of its own.
func (s *Store) rollbackFinanceForTest(ctx context.Context, id int64) (removed, restored int64, err error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	removed, restored, err = s.rollbackFinance(ctx, tx, id)
	if err != nil {
		return 0, 0, err
	}
	return removed, restored, tx.Commit()
}

// Rolling back a revision makes the month it revised current again.
func TestRollbackFinance(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir()+"/a.db")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	p := metrics.FinancePeriod{FYStart: 2021, Month: 5}
	add := func(name string, forecast int64) int64 {
		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: name, Kind: metrics.KindFinance}, []byte(name))
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		f := metrics.FinanceFigures{Month: metrics.FinanceMonth{Period: p, PeriodSource: "test"},
			Revenue: []metrics.RevenueLine{{BusinessArea: "OPCC", BudgetGBP: 1000, ForecastGBP: forecast, Sheet: "Revenue"}}}
		if _, err := tx.AddFinanceMonth(ctx, f); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		return tx.UploadID()
	}
	first := add("m5.xlsx", 910)
	second := add("m5 revised.xlsx", 920)
	removed, restored, err := s.rollbackFinanceForTest(ctx, second)
	if err != nil || removed != 1 || restored != 1 {
		t.Fatalf("rollback = %d removed, %d restored, %v", removed, restored, err)
	}
	f, err := s.FinanceMonthFigures(ctx, metrics.Everything, p)
	if err != nil || f.Month.UploadID != first || f.Revenue[0].ForecastGBP != 910 {
		t.Errorf("after rollback: %+v, %v", f, err)
	}
}
