package metrics

import (
	"math"
	"testing"
	"time"
)

func TestFindFinancePeriod(t *testing.T) {
	tests := []struct {
		text    string
		want    FinancePeriod
		wantErr bool
	}{
		{"Revenue and Capital Monitoring Report Month 5 2021/22", FinancePeriod{2021, 5}, false},
		{"Revenue and Capital Monitoring Report M5 2021/22", FinancePeriod{2021, 5}, false},
		{"Revenue and Capital Monitoring M5 2021-22", FinancePeriod{2021, 5}, false},
		{"Illustrative sample - Revenue and Capital Monitoring M9 2021-22 revised", FinancePeriod{2021, 9}, false},
		{"Monitoring_M05_2021-22", FinancePeriod{2021, 5}, false},
		{"2021/2022 Month: 12", FinancePeriod{2021, 12}, false},
		{"FY21/22 Period 3", FinancePeriod{2021, 3}, false},
		{"Capital programme 2021/22", FinancePeriod{FYStart: 2021}, false},
		{"Month 7", FinancePeriod{Month: 7}, false},
		{"Revenue monitoring", FinancePeriod{}, false},
		// Not periods: a date, a non-consecutive pair, a month 13, words
		// that merely contain the letter m.
		{"Board meeting 2021-10-12", FinancePeriod{}, false},
		{"2021/08 figures", FinancePeriod{}, false},
		{"M13 2019/20", FinancePeriod{FYStart: 2019}, false},
		{"ITEM5 Summary", FinancePeriod{}, false},
		{"M25 motorway", FinancePeriod{}, false},
		// Ambiguous: rejected, never guessed.
		{"Month 5 2021/22 (was Month 4)", FinancePeriod{}, true},
		{"M5 2021/22 compared with 2020/21", FinancePeriod{}, true},
	}
	for _, tt := range tests {
		got, err := FindFinancePeriod(tt.text)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("FindFinancePeriod(%q) = %+v, %v; want %+v, error %t", tt.text, got, err, tt.want, tt.wantErr)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("FindFinancePeriod(%q): error code %q", tt.text, ErrorCode(err))
		}
	}
}

func TestParseFinancePeriodAndYear(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want FinancePeriod
		ok   bool
	}{
		{"2021-22/M5", FinancePeriod{2021, 5}, true},
		{"M5 2021/22", FinancePeriod{2021, 5}, true},
		{"2021-22/M12", FinancePeriod{2021, 12}, true},
		{"M5", FinancePeriod{}, false},
		{"2021-22", FinancePeriod{}, false},
		{"2021-22/M0", FinancePeriod{}, false},
	} {
		got, err := ParseFinancePeriod(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseFinancePeriod(%q) = %+v, %v", tt.in, got, err)
		}
		if tt.ok && got.Key() != "2021-22/M"+itoa(got.Month) {
			t.Errorf("Key() = %q", got.Key())
		}
	}
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"2021-22", 2021, true}, {"2021/22", 2021, true}, {"2021/2022", 2021, true}, {"FY2021-22", 2021, true},
		{" 1999-00 ", 1999, true},
		{"2021", 0, false}, {"2021-23", 0, false}, {"21-22", 0, false}, {"2021-22/M5", 0, false}, {"", 0, false},
	} {
		got, err := ParseFinancialYear(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseFinancialYear(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func itoa(n int) string {
	if n >= 10 {
		return string(rune('0'+n/10)) + string(rune('0'+n%10))
	}
	return string(rune('0' + n))
}

func TestFinancePeriodCalendar(t *testing.T) {
	tests := []struct {
		p     FinancePeriod
		month time.Month
		year  int
		label string
		name  string
	}{
		{FinancePeriod{2021, 1}, time.April, 2021, "M1 2021/22", "Apr"},
		{FinancePeriod{2021, 5}, time.August, 2021, "M5 2021/22", "Aug"},
		{FinancePeriod{2021, 9}, time.December, 2021, "M9 2021/22", "Dec"},
		{FinancePeriod{2021, 10}, time.January, 2022, "M10 2021/22", "Jan"},
		{FinancePeriod{2021, 12}, time.March, 2022, "M12 2021/22", "Mar"},
		{FinancePeriod{1999, 12}, time.March, 2000, "M12 1999/00", "Mar"},
	}
	for _, tt := range tests {
		cm := tt.p.CalendarMonth()
		if cm.Start.Month() != tt.month || cm.Start.Year() != tt.year || tt.p.Label() != tt.label || FinanceMonthName(tt.p.Month) != tt.name {
			t.Errorf("%+v: %s %s %s", tt.p, cm.Label(), tt.p.Label(), FinanceMonthName(tt.p.Month))
		}
		if back := FinanceMonthOf(cm.Start); back != tt.p {
			t.Errorf("FinanceMonthOf(%s) = %+v, want %+v", cm.Label(), back, tt.p)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		gbp            int64
		money, pounds  string
		variance, word string
	}{
		{0, "£0", "£0", "£0 on budget", "on budget"},
		{650, "£650", "£650", "£650 overspend", "overspend"},
		{-90000, "-£90k", "-£90,000", "£90k underspend", "underspend"},
		{-404000, "-£404k", "-£404,000", "£404k underspend", "underspend"},
		{-404499, "-£404k", "-£404,499", "£404k underspend", "underspend"},
		{-1500, "-£2k", "-£1,500", "£2k underspend", "underspend"},
		{-1319000, "-£1,319k", "-£1,319,000", "£1,319k underspend", "underspend"},
		{9999499, "£9,999k", "£9,999,499", "£9,999k overspend", "overspend"},
		{9999500, "£10.0m", "£9,999,500", "£10.0m overspend", "overspend"},
		{164742000, "£164.7m", "£164,742,000", "£164.7m overspend", "overspend"},
		{-1300000000, "-£1,300.0m", "-£1,300,000,000", "£1,300.0m underspend", "underspend"},
		{math.MinInt64, "-£9,223,372,036,854.8m", "-£9,223,372,036,854,775,808", "£9,223,372,036,854.8m underspend", "underspend"},
	}
	for _, tt := range tests {
		if got := FormatMoney(tt.gbp); got != tt.money {
			t.Errorf("FormatMoney(%d) = %q, want %q", tt.gbp, got, tt.money)
		}
		if got := FormatPounds(tt.gbp); got != tt.pounds {
			t.Errorf("FormatPounds(%d) = %q, want %q", tt.gbp, got, tt.pounds)
		}
		if got := FormatVariance(tt.gbp); got != tt.variance || SpendWord(tt.gbp) != tt.word {
			t.Errorf("FormatVariance(%d) = %q, want %q", tt.gbp, got, tt.variance)
		}
	}
}

func TestBudgetRAG(t *testing.T) {
	const budget = 164742000 // the 2021/22 sample revenue budget
	d := DefaultBudgetThresholds
	strict := BudgetThresholds{AmberOverspendPct: 0.5, RedOverspendPct: 2, AmberUnderspendPct: 0.5}
	tests := []struct {
		name     string
		variance int64
		budget   int64
		t        BudgetThresholds
		want     BudgetStatus
	}{
		// The minutes: the dashboard showed the revenue budget green with
		// a forecast underspend of £404k at M5.
		{"M5 underspend", -404000, budget, d, BudgetGreen},
		{"M9 underspend", -1319000, budget, d, BudgetGreen},
		{"on budget", 0, budget, d, BudgetGreen},
		{"any overspend is amber by default", 1000, budget, d, BudgetAmber},
		{"just under 1% is amber", 1647419, budget, d, BudgetAmber},
		{"exactly 1% is red", 1647420, budget, d, BudgetRed},
		{"small overspend under a 0.5% amber line is green", 800000, budget, strict, BudgetGreen},
		{"overspend over 0.5% is amber", 900000, budget, strict, BudgetAmber},
		{"underspend over 0.5% is amber when asked", -1319000, budget, strict, BudgetAmber},
		{"underspend under 0.5% stays green", -404000, budget, strict, BudgetGreen},
		{"no budget", 5, 0, d, BudgetNoStatus},
		{"negative budget (income)", -300000, -500000, d, BudgetNoStatus},
	}
	for _, tt := range tests {
		if got := BudgetRAG(tt.variance, tt.budget, tt.t); got != tt.want {
			t.Errorf("%s: BudgetRAG(%d, %d) = %q, want %q", tt.name, tt.variance, tt.budget, got, tt.want)
		}
	}
	for _, bad := range []BudgetThresholds{{AmberOverspendPct: 1, RedOverspendPct: 1}, {RedOverspendPct: -1}, {RedOverspendPct: math.NaN()}, {RedOverspendPct: 1, AmberUnderspendPct: -2}} {
		if bad.Validate() == nil {
			t.Errorf("Validate(%+v) = nil", bad)
		}
	}
	if err := d.Validate(); err != nil {
		t.Errorf("DefaultBudgetThresholds: %v", err)
	}
}

func TestFundingAndTotals(t *testing.T) {
	for in, want := range map[string]string{
		"RCCO": FundingRCCO, "Revenue contribution to capital (RCCO)": FundingRCCO, "poca": FundingPOCA,
		"Proceeds of Crime Act": FundingPOCA, "Home Office grant": FundingGrant, "Prudential borrowing": FundingBorrowing,
		"Capital receipts": FundingCapitalReceipts, "Earmarked reserve": FundingReserves,
	} {
		if got, known := ParseFundingSource(in); got != want || !known {
			t.Errorf("ParseFundingSource(%q) = %q, %t", in, got, known)
		}
	}
	if got, known := ParseFundingSource("  Delegated budget "); got != "Delegated budget" || known {
		t.Errorf("an unknown source is kept as written: %q, %t", got, known)
	}
	// The M9 2021/22 additions of the minutes.
	lines := []CapitalLine{
		{Scheme: "Oracle", FundingSource: FundingRCCO, AdditionsGBP: 57000, ForecastGBP: 57000},
		{Scheme: "Parkside fencing", FundingSource: FundingRCCO, AdditionsGBP: 18000},
		{Scheme: "DFU laptops", FundingSource: FundingPOCA, AdditionsGBP: 40000},
		{Scheme: "JPS cameras", FundingSource: FundingRCCO, AdditionsGBP: 51000},
		{Scheme: "Vehicles", FundingSource: FundingBorrowing, ApprovedBudgetGBP: 1850000, ForecastGBP: 1760000},
		{Scheme: "Unfunded", AdditionsGBP: 5000},
	}
	got := AdditionsByFunding(lines)
	want := []FundingTotal{{FundingRCCO, 126000, 3}, {FundingPOCA, 40000, 1}, {"Not stated", 5000, 1}}
	if len(got) != len(want) {
		t.Fatalf("AdditionsByFunding = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("AdditionsByFunding[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if v := lines[4].VarianceGBP(); v != -90000 {
		t.Errorf("capital variance = %d", v)
	}
	rev := []RevenueLine{{BudgetGBP: 71240000, ForecastGBP: 71752000}, {BudgetGBP: 1412000, ForecastGBP: 1322000}}
	if tot := SumRevenue(rev); tot.VarianceGBP() != 422000 || tot.BudgetGBP != 72652000 {
		t.Errorf("SumRevenue = %+v", tot)
	}
}

func TestFinanceTotals(t *testing.T) {
	capital := []CapitalLine{
		{Scheme: "Fleet", ApprovedBudgetGBP: 1_000_000, AdditionsGBP: 200_000, ForecastGBP: 1_150_000},
		{Scheme: "Estates", ApprovedBudgetGBP: 500_000, AdditionsGBP: 0, ForecastGBP: 600_000},
	}
	tests := []struct {
		name             string
		lines            []CapitalLine
		want             CapitalTotals
		budget, variance int64
	}{
		{"none", nil, CapitalTotals{}, 0, 0},
		{"one", capital[:1], CapitalTotals{1_000_000, 200_000, 1_150_000}, 1_200_000, -50_000},
		{"two", capital, CapitalTotals{1_500_000, 200_000, 1_750_000}, 1_700_000, 50_000},
	}
	for _, tt := range tests {
		got := SumCapital(tt.lines)
		if got != tt.want || got.BudgetGBP() != tt.budget || got.VarianceGBP() != tt.variance {
			t.Errorf("%s: SumCapital = %+v (budget %d, variance %d), want %+v (%d, %d)", tt.name, got, got.BudgetGBP(), got.VarianceGBP(), tt.want, tt.budget, tt.variance)
		}
	}
	reserves := []ReserveLine{
		{Reserve: "General", OpeningGBP: 5_000_000, TransfersGBP: -500_000, ClosingGBP: 4_500_000},
		{Reserve: "Insurance", OpeningGBP: 1_000_000, TransfersGBP: 330_000, ClosingGBP: 1_330_000},
	}
	for _, tt := range []struct {
		lines []ReserveLine
		want  ReserveTotals
	}{
		{nil, ReserveTotals{}},
		{reserves[:1], ReserveTotals{5_000_000, -500_000, 4_500_000}},
		{reserves, ReserveTotals{6_000_000, -170_000, 5_830_000}},
	} {
		if got := SumReserves(tt.lines); got != tt.want {
			t.Errorf("SumReserves(%d lines) = %+v, want %+v", len(tt.lines), got, tt.want)
		}
	}
}

func TestSourceCells(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{RevenueLine{Sheet: "Revenue", Cells: RevenueCells{Budget: "B4", Forecast: "E4", Variance: "F4"}}.SourceCells(), "Revenue!B4, E4, F4"},
		{RevenueLine{Sheet: "Revenue", Cells: RevenueCells{Budget: "B4", Forecast: "E4"}}.SourceCells(), "Revenue!B4, E4"},
		{CapitalLine{Sheet: "Capital", Cells: CapitalCells{ApprovedBudget: "B5", Additions: "C5", Funding: "D5", Forecast: "E5"}}.SourceCells(), "Capital!B5, C5, D5, E5"},
		{ReserveLine{Sheet: "Reserves", Cells: ReserveCells{Opening: "B3", Closing: "D3"}}.SourceCells(), "Reserves!B3, D3"},
	} {
		if tt.got != tt.want {
			t.Errorf("SourceCells = %q, want %q", tt.got, tt.want)
		}
	}
}
