package dashboard

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

type packFinance struct {
	// Period is the month as finance officers write it and its calendar
	// month: "M9 2021/22 (Dec 2021)".
	Period string
	// Link is the finance page of that month.
	Link string
	// Budget, Forecast and Variance are the revenue totals; the variance
	// says underspend or overspend in words.
	Budget, Forecast, Variance string
	Lines                      []packFinanceLine
	Source                     string
	// Chart is the variance by business area, in thousands of pounds.
	Chart *chart.ChartPanel
	// Since is the previous month held, which Movement is measured from;
	// empty when the month is the first of its year held.
	Since string
	// Capital and Reserves are nil when the month has no such lines.
	Capital  *packCapital
	Reserves *packReserves
}

type packFinanceLine struct {
	Area, Budget, Forecast, Variance string
	// Movement is the change of the variance since the previous month
	// held ("£120k towards overspend"), "new" for an area not in it.
	Movement string
}

// packCapital is the capital programme of the month: its totals, the
// additions by funding source, and each scheme.
type packCapital struct {
	Approved, Additions, Budget, Forecast, Variance string
	Funding                                         []packFunding
	Schemes                                         []packScheme
}

type packFunding struct {
	Source, Additions string
	Schemes           int
}

type packScheme struct {
	Scheme, Funding, Approved, Additions, Forecast, Commentary string
}

// packReserves are the reserves of the month with their transfers.
type packReserves struct {
	Opening, Transfers, Closing string
	Lines                       []packReserve
}

type packReserve struct {
	Reserve, Opening, Transfers, Closing, Commentary string
}

// packFinance finds the latest finance month whose calendar month ended
// before the meeting, or nil when none is held.
func (s *Server) packFinance(ctx context.Context, scope metrics.Scope, meeting time.Time) (*packFinance, error) {
	years, err := s.store.FinanceYears(ctx, scope)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, fy := range years { // latest first
		months, err := s.store.FinanceMonths(ctx, scope, fy)
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
			figs, err := s.store.FinanceMonthFigures(ctx, scope, m.Period)
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
				pf, err := s.store.FinanceMonthFigures(ctx, scope, e.Period)
				if metrics.ErrorCode(err) == metrics.ENOTFOUND {
					continue
				}
				if err != nil {
					return nil, err
				}
				prev = &pf
				break
			}
			return newPackFinance(figs, prev)
		}
	}
	return nil, nil
}

// newPackFinance lays out a month's figures, with the movement of each
// business area's variance since prev (nil when there is none).
func newPackFinance(f metrics.FinanceFigures, prev *metrics.FinanceFigures) (*packFinance, error) {
	p := f.Month.Period
	tot := metrics.SumRevenue(f.Revenue)
	out := &packFinance{
		Period:   fmt.Sprintf("%s (%s)", p.Label(), p.CalendarMonth().Label()),
		Link:     fmt.Sprintf("/finance?year=%s&month=%d", metrics.FinancialYearParam(p.FYStart), p.Month),
		Budget:   gbpK(tot.BudgetGBP),
		Forecast: gbpK(tot.ForecastGBP),
		Variance: varianceK(tot.VarianceGBP()),
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
		line := packFinanceLine{
			Area: l.BusinessArea, Budget: kFig(l.BudgetGBP), Forecast: kFig(l.ForecastGBP),
			Variance: strings.TrimPrefix(kFig(l.VarianceGBP()), "-") + " " + metrics.SpendWord(l.VarianceGBP()),
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
	out.Capital = newPackCapital(f.Capital)
	out.Reserves = newPackReserves(f.Reserves)
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

func newPackCapital(lines []metrics.CapitalLine) *packCapital {
	if len(lines) == 0 {
		return nil
	}
	t := metrics.SumCapital(lines)
	c := &packCapital{Approved: gbpK(t.ApprovedBudgetGBP), Additions: gbpK(t.AdditionsGBP),
		Budget: gbpK(t.BudgetGBP()), Forecast: gbpK(t.ForecastGBP), Variance: varianceK(t.VarianceGBP())}
	for _, f := range metrics.AdditionsByFunding(lines) {
		c.Funding = append(c.Funding, packFunding{Source: f.Source, Additions: gbpK(f.AdditionsGBP), Schemes: f.Schemes})
	}
	for _, l := range lines {
		c.Schemes = append(c.Schemes, packScheme{Scheme: l.Scheme, Funding: l.FundingSource, Approved: gbpK(l.ApprovedBudgetGBP),
			Additions: gbpK(l.AdditionsGBP), Forecast: gbpK(l.ForecastGBP), Commentary: l.Commentary})
	}
	return c
}

func newPackReserves(lines []metrics.ReserveLine) *packReserves {
	if len(lines) == 0 {
		return nil
	}
	t := metrics.SumReserves(lines)
	r := &packReserves{Opening: gbpK(t.OpeningGBP), Transfers: gbpK(t.TransfersGBP), Closing: gbpK(t.ClosingGBP)}
	for _, l := range lines {
		r.Lines = append(r.Lines, packReserve{Reserve: l.Reserve, Opening: gbpK(l.OpeningGBP), Transfers: gbpK(l.TransfersGBP),
			Closing: gbpK(l.ClosingGBP), Commentary: l.Commentary})
	}
	return r
}
