package dashboard

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
)

// The finance API: amounts are whole pounds (*_gbp), and
// variance_gbp = forecast_gbp − budget_gbp, negative for an underspend.
// Each response repeats the sign convention and names the upload the
// figures came from; each line names its sheet and cells.

type apiFinanceMonth struct {
	Month         int       `json:"month"`
	Period        string    `json:"period"`
	Label         string    `json:"label"`
	CalendarMonth string    `json:"calendar_month"`
	UploadID      int64     `json:"upload_id"`
	File          string    `json:"file"`
	UploadedAt    time.Time `json:"uploaded_at"`
	UploadedBy    string    `json:"uploaded_by"`
	PeriodSource  string    `json:"period_source"`
	// Revisions is how many earlier uploads of the month these figures
	// replaced.
	Revisions int `json:"revisions"`
}

func toAPIFinanceMonth(m metrics.FinanceMonth) apiFinanceMonth {
	return apiFinanceMonth{
		Month: m.Period.Month, Period: m.Period.Key(), Label: m.Period.Label(), CalendarMonth: m.Period.CalendarMonth().Key(),
		UploadID: m.UploadID, File: m.File, UploadedAt: m.UploadedAt.UTC(), UploadedBy: m.UploadedBy,
		PeriodSource: m.PeriodSource, Revisions: m.Revisions,
	}
}

// apiFinanceHeader opens every per-month finance response.
type apiFinanceHeader struct {
	Year           string          `json:"year"`
	Month          int             `json:"month"`
	Period         string          `json:"period"`
	Label          string          `json:"label"`
	SignConvention string          `json:"sign_convention"`
	Source         apiFinanceMonth `json:"source"`
}

func financeHeader(m metrics.FinanceMonth) apiFinanceHeader {
	return apiFinanceHeader{Year: metrics.FinancialYearParam(m.Period.FYStart), Month: m.Period.Month, Period: m.Period.Key(),
		Label: m.Period.Label(), SignConvention: metrics.SignConvention, Source: toAPIFinanceMonth(m)}
}

func (s *Server) handleAPIFinanceMonths(c echo.Context) error {
	ctx := c.Request().Context()
	scope := auth.Scope(c)
	years, err := s.store.FinanceYears(ctx, scope)
	if err != nil {
		return err
	}
	fy, _, err := financeQuery(c)
	if err != nil {
		return err
	}
	if fy == 0 {
		if len(years) == 0 {
			return metrics.Errorf(metrics.ENOTFOUND, "no finance workbook has been stored yet")
		}
		fy = years[0]
	}
	months, err := s.store.FinanceMonths(ctx, scope, fy)
	if err != nil {
		return err
	}
	out := make([]apiFinanceMonth, len(months))
	for i, m := range months {
		out[i] = toAPIFinanceMonth(m)
	}
	yearParams := make([]string, len(years))
	for i, y := range years {
		yearParams[i] = metrics.FinancialYearParam(y)
	}
	return c.JSON(http.StatusOK, map[string]any{
		"year": metrics.FinancialYearParam(fy), "year_label": metrics.FinancialYearLabel(fy),
		"years": yearParams, "months": out,
	})
}

type apiRevenueLine struct {
	BusinessArea      string            `json:"business_area"`
	BudgetGBP         int64             `json:"budget_gbp"`
	ForecastGBP       int64             `json:"forecast_gbp"`
	VarianceGBP       int64             `json:"variance_gbp"`
	StatedVarianceGBP *int64            `json:"stated_variance_gbp"`
	BudgetToDateGBP   *int64            `json:"budget_to_date_gbp"`
	ActualToDateGBP   *int64            `json:"actual_to_date_gbp"`
	Commentary        string            `json:"commentary"`
	Sheet             string            `json:"sheet"`
	Cells             map[string]string `json:"cells"`
}

type apiRevenue struct {
	apiFinanceHeader
	Lines []apiRevenueLine `json:"lines"`
	Total struct {
		BudgetGBP   int64 `json:"budget_gbp"`
		ForecastGBP int64 `json:"forecast_gbp"`
		VarianceGBP int64 `json:"variance_gbp"`
	} `json:"total"`
	RAG struct {
		Status     metrics.BudgetStatus `json:"status"`
		Thresholds struct {
			AmberOverspendPct  float64 `json:"amber_overspend_pct"`
			RedOverspendPct    float64 `json:"red_overspend_pct"`
			AmberUnderspendPct float64 `json:"amber_underspend_pct"`
		} `json:"thresholds"`
	} `json:"rag"`
}

// cells lists the non-empty cells of a line by figure name.
func cells(pairs ...string) map[string]string {
	out := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			out[pairs[i]] = pairs[i+1]
		}
	}
	return out
}

// financeFigures are the figures of the month the request asks for (see
// financePeriod), as its viewer may see them.
func (s *Server) financeFigures(c echo.Context) (metrics.FinanceFigures, error) {
	ctx := c.Request().Context()
	scope := auth.Scope(c)
	per, err := s.financePeriod(ctx, c, scope)
	if err != nil {
		return metrics.FinanceFigures{}, err
	}
	return s.store.FinanceMonthFigures(ctx, scope, per)
}

func (s *Server) handleAPIFinanceRevenue(c echo.Context) error {
	f, err := s.financeFigures(c)
	if err != nil {
		return err
	}
	out := apiRevenue{apiFinanceHeader: financeHeader(f.Month), Lines: make([]apiRevenueLine, len(f.Revenue))}
	for i, l := range f.Revenue {
		out.Lines[i] = apiRevenueLine{
			BusinessArea: l.BusinessArea, BudgetGBP: l.BudgetGBP, ForecastGBP: l.ForecastGBP, VarianceGBP: l.VarianceGBP(),
			StatedVarianceGBP: l.StatedVarianceGBP, BudgetToDateGBP: l.BudgetToDateGBP, ActualToDateGBP: l.ActualToDateGBP,
			Commentary: l.Commentary, Sheet: l.Sheet,
			Cells: cells("business_area", l.Cells.Area, "budget", l.Cells.Budget, "forecast", l.Cells.Forecast,
				"variance", l.Cells.Variance, "budget_to_date", l.Cells.BudgetToDate, "actual_to_date", l.Cells.ActualToDate,
				"commentary", l.Cells.Commentary),
		}
	}
	t := metrics.SumRevenue(f.Revenue)
	out.Total.BudgetGBP, out.Total.ForecastGBP, out.Total.VarianceGBP = t.BudgetGBP, t.ForecastGBP, t.VarianceGBP()
	out.RAG.Status = metrics.BudgetRAG(t.VarianceGBP(), t.BudgetGBP, s.budget)
	out.RAG.Thresholds.AmberOverspendPct = s.budget.AmberOverspendPct
	out.RAG.Thresholds.RedOverspendPct = s.budget.RedOverspendPct
	out.RAG.Thresholds.AmberUnderspendPct = s.budget.AmberUnderspendPct
	return c.JSON(http.StatusOK, out)
}

type apiCapitalLine struct {
	Scheme            string            `json:"scheme"`
	FundingSource     string            `json:"funding_source"`
	ApprovedBudgetGBP int64             `json:"approved_budget_gbp"`
	AdditionsGBP      int64             `json:"additions_gbp"`
	BudgetGBP         int64             `json:"budget_gbp"`
	ForecastGBP       int64             `json:"forecast_gbp"`
	VarianceGBP       int64             `json:"variance_gbp"`
	Commentary        string            `json:"commentary"`
	Sheet             string            `json:"sheet"`
	Cells             map[string]string `json:"cells"`
}

type apiFunding struct {
	FundingSource string `json:"funding_source"`
	AdditionsGBP  int64  `json:"additions_gbp"`
	Schemes       int    `json:"schemes"`
}

func (s *Server) handleAPIFinanceCapital(c echo.Context) error {
	f, err := s.financeFigures(c)
	if err != nil {
		return err
	}
	lines := make([]apiCapitalLine, len(f.Capital))
	for i, l := range f.Capital {
		lines[i] = apiCapitalLine{
			Scheme: l.Scheme, FundingSource: l.FundingSource, ApprovedBudgetGBP: l.ApprovedBudgetGBP, AdditionsGBP: l.AdditionsGBP,
			BudgetGBP: l.BudgetGBP(), ForecastGBP: l.ForecastGBP, VarianceGBP: l.VarianceGBP(), Commentary: l.Commentary, Sheet: l.Sheet,
			Cells: cells("scheme", l.Cells.Scheme, "funding_source", l.Cells.Funding, "approved_budget", l.Cells.ApprovedBudget,
				"additions", l.Cells.Additions, "forecast", l.Cells.Forecast, "commentary", l.Cells.Commentary),
		}
	}
	t := metrics.SumCapital(f.Capital)
	total := struct {
		ApprovedBudgetGBP int64 `json:"approved_budget_gbp"`
		AdditionsGBP      int64 `json:"additions_gbp"`
		BudgetGBP         int64 `json:"budget_gbp"`
		ForecastGBP       int64 `json:"forecast_gbp"`
		VarianceGBP       int64 `json:"variance_gbp"`
	}{t.ApprovedBudgetGBP, t.AdditionsGBP, t.BudgetGBP(), t.ForecastGBP, t.VarianceGBP()}
	funding := []apiFunding{}
	for _, t := range metrics.AdditionsByFunding(f.Capital) {
		funding = append(funding, apiFunding{FundingSource: t.Source, AdditionsGBP: t.AdditionsGBP, Schemes: t.Schemes})
	}
	return c.JSON(http.StatusOK, struct {
		apiFinanceHeader
		Lines              []apiCapitalLine `json:"lines"`
		Total              any              `json:"total"`
		AdditionsByFunding []apiFunding     `json:"additions_by_funding"`
	}{financeHeader(f.Month), lines, total, funding})
}

type apiReserveLine struct {
	Reserve      string            `json:"reserve"`
	OpeningGBP   int64             `json:"opening_gbp"`
	TransfersGBP int64             `json:"transfers_gbp"`
	ClosingGBP   int64             `json:"closing_gbp"`
	Commentary   string            `json:"commentary"`
	Sheet        string            `json:"sheet"`
	Cells        map[string]string `json:"cells"`
}

func (s *Server) handleAPIFinanceReserves(c echo.Context) error {
	f, err := s.financeFigures(c)
	if err != nil {
		return err
	}
	lines := make([]apiReserveLine, len(f.Reserves))
	for i, l := range f.Reserves {
		lines[i] = apiReserveLine{
			Reserve: l.Reserve, OpeningGBP: l.OpeningGBP, TransfersGBP: l.TransfersGBP, ClosingGBP: l.ClosingGBP,
			Commentary: l.Commentary, Sheet: l.Sheet,
			Cells: cells("reserve", l.Cells.Reserve, "opening", l.Cells.Opening, "transfers", l.Cells.Transfers,
				"closing", l.Cells.Closing, "commentary", l.Cells.Commentary),
		}
	}
	t := metrics.SumReserves(f.Reserves)
	total := struct {
		OpeningGBP   int64 `json:"opening_gbp"`
		TransfersGBP int64 `json:"transfers_gbp"`
		ClosingGBP   int64 `json:"closing_gbp"`
	}{t.OpeningGBP, t.TransfersGBP, t.ClosingGBP}
	return c.JSON(http.StatusOK, struct {
		apiFinanceHeader
		Lines []apiReserveLine `json:"lines"`
		Total any              `json:"total"`
	}{financeHeader(f.Month), lines, total})
}
