package sample_test

import (
	"context"
	"testing"

	"github.com/assure-pcc/assure/cmd/assure/sample"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// The sample monitoring workbooks go through the real ingest without a
// single warning and agree with the board minutes.
func TestFinanceSamplesAgreeWithTheMinutes(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	paths, err := sample.WriteFinance(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(sample.FinanceFiles) {
		t.Fatalf("%d files written", len(paths))
	}
	in := ingest.New(st, nil)
	for _, p := range paths {
		rep, err := in.IngestFile(context.Background(), p, ingest.Options{})
		if err != nil || rep.Status != ingest.StatusStored || rep.Kind != metrics.KindFinance || len(rep.Warnings) != 0 {
			t.Fatalf("%s: %v %s %+v %+v", p, err, rep.Status, rep.Errors, rep.Warnings)
		}
	}
	ctx := context.Background()
	year, err := st.FinanceYear(ctx, metrics.Everything, 2021)
	if err != nil {
		t.Fatal(err)
	}
	byMonth := map[int]metrics.FinanceFigures{}
	for _, f := range year.Months {
		byMonth[f.Month.Period.Month] = f
	}
	area := func(m int, name string) metrics.RevenueLine {
		for _, l := range byMonth[m].Revenue {
			if l.BusinessArea == name {
				return l
			}
		}
		t.Fatalf("M%d has no %s line", m, name)
		return metrics.RevenueLine{}
	}
	if len(byMonth) != 4 {
		t.Fatalf("months held = %d, want M3, M5, M7, M9", len(byMonth))
	}
	// M5: underspend £404k; Local Policing over, offset by Investigations
	// and Safeguarding; Non-operational, Collaboration and Partnerships
	// and OPCC (£90k) under. The first M5 upload was revised.
	if v := metrics.SumRevenue(byMonth[5].Revenue).VarianceGBP(); v != -404000 {
		t.Errorf("M5 variance = %d, want -404000", v)
	}
	if area(5, "Local Policing").VarianceGBP() <= 0 || area(5, "Investigations and Safeguarding").VarianceGBP() >= 0 ||
		area(5, "Non-operational").VarianceGBP() >= 0 || area(5, "Collaboration and Partnerships").VarianceGBP() >= 0 ||
		area(5, "OPCC").VarianceGBP() != -90000 {
		t.Errorf("M5 lines = %+v", byMonth[5].Revenue)
	}
	if byMonth[5].Month.Revisions != 1 {
		t.Errorf("M5 revisions = %d, want 1", byMonth[5].Month.Revisions)
	}
	// M9: underspend £1,319k; Mutual Aid's cost recovery up from £500k to £800k.
	if v := metrics.SumRevenue(byMonth[9].Revenue).VarianceGBP(); v != -1319000 {
		t.Errorf("M9 variance = %d, want -1319000", v)
	}
	if ma5, ma9 := area(5, "Mutual Aid"), area(9, "Mutual Aid"); ma5.ForecastGBP != -500000 || ma9.ForecastGBP != -800000 {
		t.Errorf("Mutual Aid forecast M5 %d, M9 %d; want -500000 and -800000", ma5.ForecastGBP, ma9.ForecastGBP)
	}
	// M9 capital additions: RCCO £57k + £18k + £51k, POCA £40k.
	funding := map[string]int64{}
	for _, f := range metrics.AdditionsByFunding(byMonth[9].Capital) {
		funding[f.Source] = f.AdditionsGBP
	}
	if funding[metrics.FundingRCCO] != 126000 || funding[metrics.FundingPOCA] != 40000 || len(funding) != 2 {
		t.Errorf("M9 additions by funding = %v", funding)
	}
	// A Prevention reserve of £330k, created at M9.
	var prevention *metrics.ReserveLine
	for i, r := range byMonth[9].Reserves {
		if r.Reserve == "Prevention reserve" {
			prevention = &byMonth[9].Reserves[i]
		}
	}
	if prevention == nil || prevention.OpeningGBP != 0 || prevention.TransfersGBP != 330000 || prevention.ClosingGBP != 330000 {
		t.Errorf("Prevention reserve = %+v", prevention)
	}
	for _, r := range byMonth[7].Reserves {
		if r.Reserve == "Prevention reserve" {
			t.Errorf("the Prevention reserve exists before M9")
		}
	}
}
