package boardpack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/metrics"
)

// The board pack's finance summary: the revenue monitoring of the latest
// finance month that had ended before the meeting (Month 9, December, for
// a meeting in February), with the variance by business area. The full
// monitoring is on the finance page, which the summary links to.

type Finance struct {
	// Period is the month as finance officers write it and its calendar
	// month: "M9 2021/22 (Dec 2021)".
	Period string
	// Link is the finance page of that month.
	Link string
	// Budget, Forecast and Variance are the revenue totals; the variance
	// says underspend or overspend in words.
	Budget, Forecast, Variance string
	Lines                      []FinanceLine
	Source                     string
	// Chart is the variance by business area, in thousands of pounds.
	Chart *chart.ChartPanel
	// Since is the previous month held, which Movement is measured from;
	// empty when the month is the first of its year held.
	Since string
	// Capital and Reserves are nil when the month has no such lines.
	Capital  *Capital
	Reserves *Reserves
}

type FinanceLine struct {
	Area, Budget, Forecast, Variance string
	// Movement is the change of the variance since the previous month
	// held ("£120k towards overspend"), "new" for an area not in it.
	Movement string
}

// Capital is the capital programme of the month: its totals, the
// additions by funding source, and each scheme.
type Capital struct {
	Approved, Additions, Budget, Forecast, Variance string
	Funding                                         []Funding
	Schemes                                         []Scheme
}

type Funding struct {
	Source, Additions string
	Schemes           int
}

type Scheme struct {
	Scheme, Funding, Approved, Additions, Forecast, Commentary string
}

// Reserves are the reserves of the month with their transfers.
type Reserves struct {
	Opening, Transfers, Closing string
	Lines                       []Reserve
}

type Reserve struct {
	Reserve, Opening, Transfers, Closing, Commentary string
}

// ReadFinance finds the latest finance month whose calendar month ended
// before the meeting, or nil when none is held.
func (s Source) ReadFinance(ctx context.Context, scope metrics.Scope, meeting time.Time) (*Finance, error) {
	years, err := s.Store.FinanceYears(ctx, scope)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, fy := range years { // latest first
		months, err := s.Store.FinanceMonths(ctx, scope, fy)
		if metrics.ErrorCode(err) == metrics.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, m := range slices.Backward(months) {
			if !m.Period.CalendarMonth().End.Before(meeting) {
				continue
			}
			figs, err := s.Store.FinanceMonthFigures(ctx, scope, m.Period)
			if metrics.ErrorCode(err) == metrics.ENOTFOUND {
				continue
			}
			if err != nil {
				return nil, err
			}
			var prev *metrics.FinanceFigures
			for _, e := range slices.Backward(months) {
				if e.Period.Month >= m.Period.Month {
					continue
				}
				pf, err := s.Store.FinanceMonthFigures(ctx, scope, e.Period)
				if metrics.ErrorCode(err) == metrics.ENOTFOUND {
					continue
				}
				if err != nil {
					return nil, err
				}
				prev = &pf
				break
			}
			return NewFinance(figs, prev)
		}
	}
	return nil, nil
}

// NewFinance lays out a month's figures, with the movement of each
// business area's variance since prev (nil when there is none).
func NewFinance(f metrics.FinanceFigures, prev *metrics.FinanceFigures) (*Finance, error) {
	p := f.Month.Period
	tot := metrics.SumRevenue(f.Revenue)
	out := &Finance{
		Period:   fmt.Sprintf("%s (%s)", p.Label(), p.CalendarMonth().Label()),
		Link:     fmt.Sprintf("/finance?year=%s&month=%d", metrics.FinancialYearParam(p.FYStart), p.Month),
		Budget:   metrics.FormatGBPk(tot.BudgetGBP, 0),
		Forecast: metrics.FormatGBPk(tot.ForecastGBP, 0),
		Variance: metrics.FormatVarianceK(tot.VarianceGBP(), 0),
		Source:   fmt.Sprintf("%s, uploaded %s", f.Month.File, f.Month.UploadedAt.Format("2 Jan 2006 15:04")),
	}
	was := map[string]int64{}
	if prev != nil {
		out.Since = prev.Month.Period.Label()
		for _, l := range prev.Revenue {
			was[areaKey(l.BusinessArea)] += l.VarianceGBP()
		}
	}
	var areas []string
	var values []float64
	for _, l := range f.Revenue {
		line := FinanceLine{
			Area: l.BusinessArea, Budget: metrics.FormatThousandsFigure(l.BudgetGBP, 0), Forecast: metrics.FormatThousandsFigure(l.ForecastGBP, 0),
			Variance: strings.TrimPrefix(metrics.FormatThousandsFigure(l.VarianceGBP(), 0), "-") + " " + metrics.SpendWord(l.VarianceGBP()),
		}
		if prev != nil {
			line.Movement = "new"
			if v, ok := was[areaKey(l.BusinessArea)]; ok {
				line.Movement = movementWords(l.VarianceGBP() - v)
			}
		}
		out.Lines = append(out.Lines, line)
		if !slices.Contains(areas, l.BusinessArea) {
			areas = append(areas, l.BusinessArea)
			values = append(values, float64(l.VarianceGBP())/1000)
		}
	}
	out.Capital = newCapital(f.Capital)
	out.Reserves = newReserves(f.Reserves)
	if len(areas) == 0 {
		return out, nil
	}
	panel, err := chart.BarChartPanel("bp-finance", "Forecast variance by business area, "+p.Label(), "£k (negative: underspend)", areas, values)
	if err != nil {
		return nil, fmt.Errorf("finance chart of the board pack: %w", err)
	}
	out.Chart = &panel
	return out, nil
}

// areaKey compares business areas as finance officers write them, in
// any case and spacing.
func areaKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func newCapital(lines []metrics.CapitalLine) *Capital {
	if len(lines) == 0 {
		return nil
	}
	t := metrics.SumCapital(lines)
	c := &Capital{Approved: metrics.FormatGBPk(t.ApprovedBudgetGBP, 0), Additions: metrics.FormatGBPk(t.AdditionsGBP, 0),
		Budget: metrics.FormatGBPk(t.BudgetGBP(), 0), Forecast: metrics.FormatGBPk(t.ForecastGBP, 0), Variance: metrics.FormatVarianceK(t.VarianceGBP(), 0)}
	for _, f := range metrics.AdditionsByFunding(lines) {
		c.Funding = append(c.Funding, Funding{Source: f.Source, Additions: metrics.FormatGBPk(f.AdditionsGBP, 0), Schemes: f.Schemes})
	}
	for _, l := range lines {
		c.Schemes = append(c.Schemes, Scheme{Scheme: l.Scheme, Funding: l.FundingSource, Approved: metrics.FormatGBPk(l.ApprovedBudgetGBP, 0),
			Additions: metrics.FormatGBPk(l.AdditionsGBP, 0), Forecast: metrics.FormatGBPk(l.ForecastGBP, 0), Commentary: l.Commentary})
	}
	return c
}

func newReserves(lines []metrics.ReserveLine) *Reserves {
	if len(lines) == 0 {
		return nil
	}
	t := metrics.SumReserves(lines)
	r := &Reserves{Opening: metrics.FormatGBPk(t.OpeningGBP, 0), Transfers: metrics.FormatGBPk(t.TransfersGBP, 0), Closing: metrics.FormatGBPk(t.ClosingGBP, 0)}
	for _, l := range lines {
		r.Lines = append(r.Lines, Reserve{Reserve: l.Reserve, Opening: metrics.FormatGBPk(l.OpeningGBP, 0), Transfers: metrics.FormatGBPk(l.TransfersGBP, 0),
			Closing: metrics.FormatGBPk(l.ClosingGBP, 0), Commentary: l.Commentary})
	}
	return r
}
