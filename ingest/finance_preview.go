package ingest

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/assure-pcc/assure/metrics"
)

// The finance preview: what a monitoring workbook says against what is
// stored, read before anything is written, the same for a dry run and a
// real ingest.

// AreaRevision is a business area whose figures for the month a file
// revises: the stored figures and the file's.
type AreaRevision struct {
	BusinessArea   string `json:"business_area"`
	OldBudgetGBP   int64  `json:"old_budget_gbp"`
	NewBudgetGBP   int64  `json:"new_budget_gbp"`
	OldForecastGBP int64  `json:"old_forecast_gbp"`
	NewForecastGBP int64  `json:"new_forecast_gbp"`
	// Added and Removed mark an area only one of the two has.
	Added   bool `json:"added,omitempty"`
	Removed bool `json:"removed,omitempty"`
}

// OldVarianceGBP is the stored variance, NewVarianceGBP the file's.
func (a AreaRevision) OldVarianceGBP() int64 { return a.OldForecastGBP - a.OldBudgetGBP }
func (a AreaRevision) NewVarianceGBP() int64 { return a.NewForecastGBP - a.NewBudgetGBP }

// AreaMovement is a business area's variance in the previous month held
// and in this file.
type AreaMovement struct {
	BusinessArea        string `json:"business_area"`
	PreviousVarianceGBP int64  `json:"previous_variance_gbp"`
	VarianceGBP         int64  `json:"variance_gbp"`
}

// MovementGBP is how far the variance moved since the previous month.
func (a AreaMovement) MovementGBP() int64 { return a.VarianceGBP - a.PreviousVarianceGBP }

// financeStored is what the store holds that a month's file is compared
// with: the same month (which the file revises) and the latest earlier
// month of the same year.
type financeStored struct {
	same, previous       metrics.FinanceFigures
	hasSame, hasPrevious bool
}

func (in *Ingester) financeStored(ctx context.Context, p metrics.FinancePeriod) (financeStored, error) {
	var fs financeStored
	months, err := in.Store.FinanceMonths(ctx, metrics.Everything, p.FYStart)
	if err != nil && metrics.ErrorCode(err) != metrics.ENOTFOUND {
		return fs, err
	}
	prev := 0
	for _, m := range months {
		if m.Period.Month < p.Month && m.Period.Month > prev {
			prev = m.Period.Month
		}
	}
	get := func(q metrics.FinancePeriod) (metrics.FinanceFigures, bool, error) {
		f, err := in.Store.FinanceMonthFigures(ctx, metrics.Everything, q)
		if metrics.ErrorCode(err) == metrics.ENOTFOUND {
			return f, false, nil
		}
		return f, err == nil, err
	}
	if fs.same, fs.hasSame, err = get(p); err != nil {
		return fs, err
	}
	if prev > 0 {
		if fs.previous, fs.hasPrevious, err = get(metrics.FinancePeriod{FYStart: p.FYStart, Month: prev}); err != nil {
			return fs, err
		}
	}
	return fs, nil
}

// TotalMoveShare is the default share by which a revenue total may move
// since the previous month before the preview warns.
const TotalMoveShare = 0.05

// financePreview fills the summary's comparison with the stored months
// and warns of what a person should look at twice: an annual budget that
// changed since last month's file (a virement), and a total that moved
// by more than share.
func (r *financeReader) financePreview(sum *FinanceSummary, fs financeStored, share float64) {
	for _, l := range r.fig.Capital {
		sum.CapitalBudgetGBP += l.ApprovedBudgetGBP
		sum.CapitalAdditionsGBP += l.AdditionsGBP
		sum.CapitalForecastGBP += l.ForecastGBP
	}
	for _, l := range r.fig.Reserves {
		sum.ReservesOpeningGBP += l.OpeningGBP
		sum.ReservesTransfersGBP += l.TransfersGBP
		sum.ReservesClosingGBP += l.ClosingGBP
	}
	if fs.hasSame {
		sum.RevisesUpload = fs.same.Month.UploadID
		sum.RevisesFile = fs.same.Month.File
		v := metrics.SumRevenue(fs.same.Revenue).VarianceGBP()
		sum.RevisedVarianceGBP = &v
		sum.Revisions = areaRevisions(fs.same.Revenue, r.fig.Revenue)
	}
	if !fs.hasPrevious {
		return
	}
	prev := fs.previous
	sum.PreviousMonth = prev.Month.Period.Label()
	pv := metrics.SumRevenue(prev.Revenue).VarianceGBP()
	sum.PreviousVarianceGBP = &pv
	byArea := map[string]metrics.RevenueLine{}
	for _, l := range prev.Revenue {
		byArea[metrics.NameKey(l.BusinessArea)] = l
	}
	for _, l := range r.fig.Revenue {
		old, ok := byArea[metrics.NameKey(l.BusinessArea)]
		if !ok {
			continue
		}
		sum.Movements = append(sum.Movements, AreaMovement{BusinessArea: l.BusinessArea, PreviousVarianceGBP: old.VarianceGBP(), VarianceGBP: l.VarianceGBP()})
		if old.BudgetGBP != l.BudgetGBP {
			r.probs.warnf(l.Sheet, l.Cells.Budget, "the annual budget of %s is %s here but was %s in %s (%s): a virement between business areas? Check both figures",
				l.BusinessArea, metrics.FormatPounds(l.BudgetGBP), metrics.FormatPounds(old.BudgetGBP), sum.PreviousMonth, prev.Month.File)
		}
	}
	now, then := metrics.SumRevenue(r.fig.Revenue), metrics.SumRevenue(prev.Revenue)
	for _, t := range []struct {
		what     string
		now, was int64
	}{
		{"total annual budget", now.BudgetGBP, then.BudgetGBP},
		{"total forecast outturn", now.ForecastGBP, then.ForecastGBP},
	} {
		if t.was != 0 && math.Abs(float64(t.now-t.was)) > share*math.Abs(float64(t.was)) {
			r.probs.warnf(r.tables[tableRevenue], "", "the %s is %s, %s than the %s of %s: more than %.0f%% in a month; check the figures and their unit",
				t.what, metrics.FormatPounds(t.now), moreOrLess(t.now, t.was), metrics.FormatPounds(t.was), sum.PreviousMonth, share*100)
		}
	}
}

func moreOrLess(now, was int64) string {
	if now > was {
		return "more"
	}
	return "less"
}

// areaRevisions lists the business areas whose budget or forecast a
// revision changes, in the file's order, then those it drops.
func areaRevisions(old, now []metrics.RevenueLine) []AreaRevision {
	byArea := map[string]metrics.RevenueLine{}
	for _, l := range old {
		byArea[metrics.NameKey(l.BusinessArea)] = l
	}
	var out []AreaRevision
	for _, l := range now {
		key := metrics.NameKey(l.BusinessArea)
		o, ok := byArea[key]
		delete(byArea, key)
		switch {
		case !ok:
			out = append(out, AreaRevision{BusinessArea: l.BusinessArea, NewBudgetGBP: l.BudgetGBP, NewForecastGBP: l.ForecastGBP, Added: true})
		case o.BudgetGBP != l.BudgetGBP || o.ForecastGBP != l.ForecastGBP:
			out = append(out, AreaRevision{BusinessArea: l.BusinessArea, OldBudgetGBP: o.BudgetGBP, NewBudgetGBP: l.BudgetGBP,
				OldForecastGBP: o.ForecastGBP, NewForecastGBP: l.ForecastGBP})
		}
	}
	for _, l := range old {
		if _, gone := byArea[metrics.NameKey(l.BusinessArea)]; gone {
			out = append(out, AreaRevision{BusinessArea: l.BusinessArea, OldBudgetGBP: l.BudgetGBP, OldForecastGBP: l.ForecastGBP, Removed: true})
		}
	}
	return out
}

// describe says a revision in words, for the text report.
func (a AreaRevision) describe() string {
	switch {
	case a.Added:
		return fmt.Sprintf("%s: new line, budget %s, forecast %s", a.BusinessArea, metrics.FormatThousands(a.NewBudgetGBP), metrics.FormatThousands(a.NewForecastGBP))
	case a.Removed:
		return fmt.Sprintf("%s: no longer in the file (was budget %s, forecast %s)", a.BusinessArea, metrics.FormatThousands(a.OldBudgetGBP), metrics.FormatThousands(a.OldForecastGBP))
	}
	var parts []string
	if a.OldBudgetGBP != a.NewBudgetGBP {
		parts = append(parts, fmt.Sprintf("budget %s → %s", metrics.FormatThousands(a.OldBudgetGBP), metrics.FormatThousands(a.NewBudgetGBP)))
	}
	if a.OldForecastGBP != a.NewForecastGBP {
		parts = append(parts, fmt.Sprintf("forecast %s → %s", metrics.FormatThousands(a.OldForecastGBP), metrics.FormatThousands(a.NewForecastGBP)))
	}
	parts = append(parts, fmt.Sprintf("variance %s → %s", metrics.VarianceInThousands(a.OldVarianceGBP()), metrics.VarianceInThousands(a.NewVarianceGBP())))
	return a.BusinessArea + ": " + strings.Join(parts, ", ")
}
