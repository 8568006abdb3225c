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
}

type packFinanceLine struct{ Area, Budget, Forecast, Variance string }

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
			return newPackFinance(figs)
		}
	}
	return nil, nil
}

func newPackFinance(f metrics.FinanceFigures) (*packFinance, error) {
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
	var areas []string
	var values []float64
	for _, l := range f.Revenue {
		out.Lines = append(out.Lines, packFinanceLine{
			Area: l.BusinessArea, Budget: kFig(l.BudgetGBP), Forecast: kFig(l.ForecastGBP),
			Variance: strings.TrimPrefix(kFig(l.VarianceGBP()), "-") + " " + metrics.SpendWord(l.VarianceGBP()),
		})
		if !slices.Contains(areas, l.BusinessArea) {
			areas = append(areas, l.BusinessArea)
			values = append(values, float64(l.VarianceGBP())/1000)
		}
	}
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
