package dashboard

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/metrics"
)

// The finance page: the revenue and capital monitoring of a financial
// year, as finance officers upload it month by month. Finance is for
// signed-in users only; the store answers "not found" to the public, so
// the page and its API are 404 for them, as for a year that is not held.

// financePage is the finance page's data. Every amount is already
// formatted: the sign convention is applied in one place, here.
type financePage struct {
	// asGiven is set when the page read year and month as given (see
	// asGiven): only then is it kept.
	asGiven bool
	Page
	SignConvention string
	// Empty is true when no finance workbook has been stored yet.
	Empty  bool
	Years  []option
	Months []option
	// Year and Period name what is shown: "2021/22", "M5 2021/22";
	// YearParam and MonthParam as the API takes them.
	Year, Period, CalendarMonth string
	YearParam, MonthParam       string
	Source                      monthSource
	RAG                         ragView
	Revenue                     []revenueView
	RevenueTotal                revenueView
	VarianceChart               *chart.ChartPanel
	Trend                       trendTable
	TrendChart                  *chart.ChartPanel
	Capital                     []capitalView
	CapitalTotal                capitalView
	Funding                     []fundingView
	FundingChart                *chart.ChartPanel
	Reserves                    []reserveView
	ReserveTotal                reserveView
	History                     []historyView
	Revisions                   []string
	// Stated is true when some stated variance differs from forecast −
	// budget, so the table shows the stated column; ToDate when some line
	// has a budget or actual to date.
	Stated, ToDate bool
	// Downloads link each table to its .csv and .xlsx.
	Downloads struct{ Revenue, Capital, Reserves tableDownload }
}

// option is one choice of a <select>.
type option struct {
	Value, Label string
	Selected     bool
}

type monthSource struct {
	File, Uploaded, UploadedBy, PeriodSource string
	UploadID                                 int64
	Revisions                                int
}

type ragView struct {
	Status              metrics.BudgetStatus
	Word, Class         string
	Variance, Budget    string
	Percent             string
	Green, Amber, Red   string
	UnderspendAmberNote string
}

// spend is a variance written with its meaning, for a table cell.
type spend struct {
	Amount string // "498", in £000 and without a sign
	Word   string // "underspend"
	Class  string // status-red for an overspend, status-green for an underspend
}

func newSpend(v int64) spend {
	// The word says the direction: the amount has no minus as well.
	s := spend{Amount: strings.TrimPrefix(kFig(v), "-"), Word: metrics.SpendWord(v), Class: "status-grey"}
	switch {
	case v > 0:
		s.Class = "status-red"
	case v < 0:
		s.Class = "status-green"
	}
	return s
}

type revenueView struct {
	Area                       string
	Budget, Forecast           string
	Variance                   spend
	Percent                    string
	Stated                     string
	StatedDiffers              bool
	BudgetToDate, ActualToDate string
	Commentary                 string
	Source                     string
}

type capitalView struct {
	Scheme, Funding             string
	Approved, Additions, Budget string
	Forecast                    string
	Variance                    spend
	Commentary, Source          string
}

type fundingView struct {
	Source, Additions string
	Schemes           int
}

type reserveView struct {
	Reserve                     string
	Opening, Transfers, Closing string
	Commentary, Source          string
}

type historyView struct {
	Period, Status, File, Uploaded, UploadedBy string
	Variance                                   spend
	UploadID                                   int64
	Current                                    bool
}

// trendTable is the forecast variance by month: one row per business
// area and one for the total, one column per month held.
type trendTable struct {
	Months []string
	Rows   []trendRow
}

type trendRow struct {
	Name  string
	Total bool
	Cells []string
}

// financeMonthParam reads a month of the financial year: "5" or "M5".
func financeMonthParam(s string) (int, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "M"), "m")
	m, err := strconv.Atoi(t)
	if err != nil || m < 1 || m > 12 || len(t) > 2 {
		return 0, metrics.Errorf(metrics.EINVALID, "month %q: give a month of the financial year from 1 (April) to 12 (March), as month=5", s)
	}
	return m, nil
}

// financeQuery reads the year and month of a finance request; 0 means
// "not given": the latest held. A malformed value is EINVALID.
func financeQuery(c echo.Context) (fyStart, month int, err error) {
	if y := c.QueryParam("year"); y != "" {
		if fyStart, err = metrics.ParseFinancialYear(y); err != nil {
			return 0, 0, err
		}
	}
	if m := c.QueryParam("month"); m != "" {
		if month, err = financeMonthParam(m); err != nil {
			return 0, 0, err
		}
	}
	return fyStart, month, nil
}

// financePeriod resolves the month a finance API request is about: the
// one asked for, or the latest held. The public, and anyone asking for a
// month not held, get ENOTFOUND before the query is even judged, so that
// the public cannot tell finance from a route that does not exist.
func (s *Server) financePeriod(ctx context.Context, c echo.Context, scope metrics.Scope) (metrics.FinancePeriod, error) {
	years, err := s.store.FinanceYears(ctx, scope)
	if err != nil {
		return metrics.FinancePeriod{}, err
	}
	fy, month, err := financeQuery(c)
	if err != nil {
		return metrics.FinancePeriod{}, err
	}
	if fy == 0 {
		if len(years) == 0 {
			return metrics.FinancePeriod{}, metrics.Errorf(metrics.ENOTFOUND, "no finance workbook has been stored yet")
		}
		fy = years[0]
	}
	if month == 0 {
		months, err := s.store.FinanceMonths(ctx, scope, fy)
		if err != nil {
			return metrics.FinancePeriod{}, err
		}
		month = months[len(months)-1].Period.Month
	}
	return metrics.FinancePeriod{FYStart: fy, Month: month}, nil
}

func (s *Server) handleFinance(c echo.Context) error {
	return s.renderShared(c, []string{"year", "month"}, func() (sharedPage, error) {
		p, err := s.financePage(c)
		return sharedPage{name: "finance", data: &p, keep: p.asGiven}, err
	})
}

// financePage builds the finance page of the month the query asks for.
func (s *Server) financePage(c echo.Context) (financePage, error) {
	ctx := c.Request().Context()
	scope := auth.Scope(c)
	years, err := s.store.FinanceYears(ctx, scope)
	if err != nil {
		return financePage{}, err
	}
	p := financePage{Page: s.page(c, "Finance"), SignConvention: metrics.SignConvention}
	p.Sensitive = true
	if len(years) == 0 {
		p.Empty = true
		p.asGiven = c.QueryParam("year") == "" && c.QueryParam("month") == ""
		return p, nil
	}
	fy, month, err := financeQuery(c)
	if err != nil {
		return financePage{}, err
	}
	if fy == 0 {
		fy = years[0]
	}
	year, err := s.store.FinanceYear(ctx, scope, fy)
	if err != nil {
		return financePage{}, err
	}
	chosen := len(year.Months) - 1
	if month != 0 {
		chosen = -1
		for i, m := range year.Months {
			if m.Month.Period.Month == month {
				chosen = i
			}
		}
		if chosen < 0 {
			return financePage{}, metrics.Errorf(metrics.ENOTFOUND, "no finance figures for %s", metrics.FinancePeriod{FYStart: fy, Month: month}.Label())
		}
	}
	for _, y := range years {
		p.Years = append(p.Years, option{Value: metrics.FinancialYearParam(y), Label: metrics.FinancialYearLabel(y), Selected: y == fy})
	}
	for i, m := range year.Months {
		per := m.Month.Period
		p.Months = append(p.Months, option{Value: strconv.Itoa(per.Month), Label: per.Label() + " (" + per.CalendarMonth().Label() + ")", Selected: i == chosen})
	}
	if err := s.buildFinancePage(&p, year, chosen); err != nil {
		return financePage{}, err
	}
	m := strconv.Itoa(year.Months[chosen].Month.Period.Month)
	p.asGiven = asGiven(c, "year", metrics.FinancialYearParam(fy)) && asGiven(c, "month", m, "M"+m)
	p.Title = "Finance " + p.Period
	return p, nil
}

// buildFinancePage fills the page for month chosen (an index into
// year.Months).
func (s *Server) buildFinancePage(p *financePage, year metrics.FinanceYear, chosen int) error {
	f := year.Months[chosen]
	per := f.Month.Period
	p.Year = metrics.FinancialYearLabel(year.FYStart)
	p.YearParam = metrics.FinancialYearParam(year.FYStart)
	p.MonthParam = strconv.Itoa(per.Month)
	p.Period = per.Label()
	p.CalendarMonth = per.CalendarMonth().Label()
	p.Source = monthSource{File: f.Month.File, Uploaded: f.Month.UploadedAt.Format("2 Jan 2006 15:04"),
		UploadedBy: f.Month.UploadedBy, PeriodSource: f.Month.PeriodSource, UploadID: f.Month.UploadID, Revisions: f.Month.Revisions}

	// Revenue for the month, sorted by variance: largest overspend first.
	lines := append([]metrics.RevenueLine(nil), f.Revenue...)
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].VarianceGBP() > lines[j].VarianceGBP() })
	var bars []chart.VarianceBar
	for _, l := range lines {
		v := revenueLineView(l)
		p.Stated = p.Stated || v.StatedDiffers
		p.ToDate = p.ToDate || v.BudgetToDate != "" || v.ActualToDate != ""
		p.Revenue = append(p.Revenue, v)
		bars = append(bars, chart.VarianceBar{Category: l.BusinessArea, Value: float64(l.VarianceGBP()) / 1000,
			Label: varianceK(l.VarianceGBP())})
	}
	tot := metrics.SumRevenue(f.Revenue)
	p.RevenueTotal = revenueView{Area: "Total", Budget: kFig(tot.BudgetGBP), Forecast: kFig(tot.ForecastGBP),
		Variance: newSpend(tot.VarianceGBP()), Percent: percentOf(tot.VarianceGBP(), tot.BudgetGBP),
		Source: fmt.Sprintf("sum of the %d lines", len(f.Revenue))}
	p.RAG = s.ragView(tot)
	if len(bars) > 0 {
		panel, err := chart.VarianceChartPanel("chart-variance", "Forecast variance by business area, "+per.Label()+" (£k)", "£k", bars)
		if err != nil {
			return fmt.Errorf("finance variance chart: %w", err)
		}
		p.VarianceChart = &panel
	}
	if err := p.buildTrend(year); err != nil {
		return err
	}
	p.buildCapital(f.Capital)
	if err := p.buildFundingChart(f.Capital, per); err != nil {
		return err
	}
	p.buildReserves(f.Reserves)
	p.buildHistory(year)
	q := url.Values{"year": {p.YearParam}, "month": {p.MonthParam}}
	p.Downloads.Revenue = newTableDownload("/finance/export/revenue", q, "revenue by business area, "+p.Period)
	p.Downloads.Capital = newTableDownload("/finance/export/capital", q, "capital programme, "+p.Period)
	p.Downloads.Reserves = newTableDownload("/finance/export/reserves", q, "reserves, "+p.Period)
	return nil
}

func revenueLineView(l metrics.RevenueLine) revenueView {
	v := revenueView{
		Area: l.BusinessArea, Budget: kFig(l.BudgetGBP), Forecast: kFig(l.ForecastGBP),
		Variance: newSpend(l.VarianceGBP()), Percent: percentOf(l.VarianceGBP(), l.BudgetGBP),
		Commentary: l.Commentary, Source: l.SourceCells(),
	}
	if l.StatedVarianceGBP != nil {
		v.Stated = kFig(*l.StatedVarianceGBP)
		v.StatedDiffers = *l.StatedVarianceGBP != l.VarianceGBP()
	}
	if l.BudgetToDateGBP != nil {
		v.BudgetToDate = kFig(*l.BudgetToDateGBP)
	}
	if l.ActualToDateGBP != nil {
		v.ActualToDate = kFig(*l.ActualToDateGBP)
	}
	return v
}

// percentOf writes v as a percentage of base to one decimal place, with
// its sign: "+0.7%", "-6.4%"; "–" when base is not positive.
func percentOf(v, base int64) string {
	if base <= 0 {
		return "–"
	}
	pct := float64(v) / float64(base) * 100
	s := strconv.FormatFloat(pct, 'f', 1, 64)
	if pct > 0 {
		s = "+" + s
	}
	if s == "-0.0" || s == "+0.0" {
		s = "0.0"
	}
	return s + "%"
}

// ragView rates the revenue budget and spells out the thresholds, as
// percentages and as money for this budget.
func (s *Server) ragView(t metrics.RevenueTotals) ragView {
	th := s.budget
	status := metrics.BudgetRAG(t.VarianceGBP(), t.BudgetGBP, th)
	at := func(pct float64) string {
		return gbpK(int64(float64(t.BudgetGBP) * pct / 100))
	}
	pct := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "%" }
	r := ragView{Status: status, Variance: varianceK(t.VarianceGBP()), Budget: gbpK(t.BudgetGBP),
		Percent: percentOf(t.VarianceGBP(), t.BudgetGBP)}
	switch status {
	case metrics.BudgetGreen:
		r.Word, r.Class = "Green", "status-green"
	case metrics.BudgetAmber:
		r.Word, r.Class = "Amber", "status-amber"
	case metrics.BudgetRed:
		r.Word, r.Class = "Red", "status-red"
	default:
		r.Word, r.Class = "No status (no budget)", "status-grey"
	}
	if th.AmberOverspendPct > 0 {
		r.Green = fmt.Sprintf("forecast at or under budget, or over it by no more than %s of budget (%s)", pct(th.AmberOverspendPct), at(th.AmberOverspendPct))
		r.Amber = fmt.Sprintf("an overspend of more than %s (%s) and less than %s of budget (%s)", pct(th.AmberOverspendPct), at(th.AmberOverspendPct), pct(th.RedOverspendPct), at(th.RedOverspendPct))
	} else {
		r.Green = "forecast at or under budget"
		r.Amber = fmt.Sprintf("any overspend of less than %s of budget (%s)", pct(th.RedOverspendPct), at(th.RedOverspendPct))
	}
	r.Red = fmt.Sprintf("an overspend of %s of budget (%s) or more", pct(th.RedOverspendPct), at(th.RedOverspendPct))
	if th.AmberUnderspendPct > 0 {
		r.UnderspendAmberNote = fmt.Sprintf("An underspend of more than %s of budget (%s) is amber too.", pct(th.AmberUnderspendPct), at(th.AmberUnderspendPct))
	} else {
		r.UnderspendAmberNote = "Underspends of any size are green."
	}
	return r
}

// buildTrend draws the forecast variance of each month of the year, in
// total and by business area, so that its movement from month to month
// shows. Months not held are gaps, never zero.
func (p *financePage) buildTrend(year metrics.FinanceYear) error {
	labels := make([]string, 12)
	for m := 1; m <= 12; m++ {
		labels[m-1] = fmt.Sprintf("M%d %s", m, metrics.FinanceMonthName(m))
	}
	var areas []string
	idx := map[string]int{}
	for _, f := range year.Months {
		for _, l := range f.Revenue {
			if _, ok := idx[l.BusinessArea]; !ok {
				idx[l.BusinessArea] = len(areas)
				areas = append(areas, l.BusinessArea)
			}
		}
	}
	total := chart.LineSeries{Name: "Total", Values: make([]*float64, 12)}
	series := make([]chart.LineSeries, len(areas))
	for i, a := range areas {
		series[i] = chart.LineSeries{Name: a, Values: make([]*float64, 12)}
	}
	p.Trend.Rows = make([]trendRow, len(areas)+1)
	p.Trend.Rows[0] = trendRow{Name: "Total", Total: true}
	for i, a := range areas {
		p.Trend.Rows[i+1] = trendRow{Name: a}
	}
	for _, f := range year.Months {
		m := f.Month.Period.Month
		p.Trend.Months = append(p.Trend.Months, f.Month.Period.Label())
		t := float64(metrics.SumRevenue(f.Revenue).VarianceGBP()) / 1000
		total.Values[m-1] = &t
		cells := make([]string, len(areas))
		for i := range cells {
			cells[i] = "–"
		}
		for _, l := range f.Revenue {
			v := float64(l.VarianceGBP()) / 1000
			series[idx[l.BusinessArea]].Values[m-1] = &v
			cells[idx[l.BusinessArea]] = kFig(l.VarianceGBP())
		}
		p.Trend.Rows[0].Cells = append(p.Trend.Rows[0].Cells, kFig(metrics.SumRevenue(f.Revenue).VarianceGBP()))
		for i, c := range cells {
			p.Trend.Rows[i+1].Cells = append(p.Trend.Rows[i+1].Cells, c)
		}
	}
	panel, err := chart.TrendChartPanel("chart-trend", "Forecast outturn variance by month, "+metrics.FinancialYearLabel(year.FYStart)+" (£k)",
		"£k", labels, append([]chart.LineSeries{total}, series...))
	if err != nil {
		return fmt.Errorf("finance trend chart: %w", err)
	}
	p.TrendChart = &panel
	return nil
}

func (p *financePage) buildCapital(lines []metrics.CapitalLine) {
	for _, l := range lines {
		p.Capital = append(p.Capital, capitalView{
			Scheme: l.Scheme, Funding: orDash(l.FundingSource), Approved: kFig(l.ApprovedBudgetGBP),
			Additions: kFig(l.AdditionsGBP), Budget: kFig(l.BudgetGBP()),
			Forecast: kFig(l.ForecastGBP), Variance: newSpend(l.VarianceGBP()),
			Commentary: l.Commentary, Source: l.SourceCells(),
		})
	}
	t := metrics.SumCapital(lines)
	p.CapitalTotal = capitalView{Scheme: "Total", Approved: kFig(t.ApprovedBudgetGBP), Additions: kFig(t.AdditionsGBP),
		Budget: kFig(t.BudgetGBP()), Forecast: kFig(t.ForecastGBP),
		Variance: newSpend(t.VarianceGBP())}
}

func (p *financePage) buildFundingChart(lines []metrics.CapitalLine, per metrics.FinancePeriod) error {
	totals := metrics.AdditionsByFunding(lines)
	if len(totals) == 0 {
		return nil
	}
	names := make([]string, len(totals))
	values := make([]float64, len(totals))
	for i, t := range totals {
		p.Funding = append(p.Funding, fundingView{Source: t.Source, Additions: kFig(t.AdditionsGBP), Schemes: t.Schemes})
		names[i] = t.Source
		values[i] = float64(t.AdditionsGBP) / 1000
	}
	panel, err := chart.BarChartPanel("chart-funding", "Capital additions by funding source, "+per.Label(), "£k", names, values)
	if err != nil {
		return fmt.Errorf("finance funding chart: %w", err)
	}
	p.FundingChart = &panel
	return nil
}

func (p *financePage) buildReserves(lines []metrics.ReserveLine) {
	for _, l := range lines {
		p.Reserves = append(p.Reserves, reserveView{
			Reserve: l.Reserve, Opening: kFig(l.OpeningGBP), Transfers: signedMoney(l.TransfersGBP),
			Closing: kFig(l.ClosingGBP), Commentary: l.Commentary,
			Source: l.SourceCells(),
		})
	}
	t := metrics.SumReserves(lines)
	p.ReserveTotal = reserveView{Reserve: "Total", Opening: kFig(t.OpeningGBP), Transfers: signedMoney(t.TransfersGBP), Closing: kFig(t.ClosingGBP)}
}

// signedMoney writes a transfer in £000 with an explicit sign: "+330"
// to a reserve, "-500" from it.
func signedMoney(v int64) string {
	if v > 0 {
		return "+" + kFig(v)
	}
	return kFig(v)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// buildHistory lists every upload of every month of the year, newest
// first within a month, and says of each revised month what it was:
// "M5 2021/22, revised 4 Oct 2021, was £386k underspend".
func (p *financePage) buildHistory(year metrics.FinanceYear) {
	uploaded := map[int64]string{}
	for _, h := range year.History {
		uploaded[h.Month.UploadID] = h.Month.UploadedAt.Format("2 Jan 2006")
	}
	for _, h := range year.History {
		v := historyView{Period: h.Month.Period.Label(), File: h.Month.File, Uploaded: h.Month.UploadedAt.Format("2 Jan 2006 15:04"),
			UploadedBy: h.Month.UploadedBy, Variance: newSpend(h.VarianceGBP()), UploadID: h.Month.UploadID, Current: h.Month.Current()}
		if v.Current {
			v.Status = "Current"
		} else {
			v.Status = fmt.Sprintf("Revised by upload %d", h.Month.SupersededBy)
			p.Revisions = append(p.Revisions, fmt.Sprintf("%s, revised %s, was %s", h.Month.Period.Label(),
				orDash(uploaded[h.Month.SupersededBy]), varianceK(h.VarianceGBP())))
		}
		p.History = append(p.History, v)
	}
}
