package dashboard

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// financeHeadline is the overview's line on the revenue budget: the
// latest month's status, forecast variance and movement since the month
// before.
type financeHeadline struct {
	Period, Status, StatusClass, Variance, Movement, Previous, Link string
}

type overviewPage struct {
	Page
	// Finance is the revenue headline, for readers who may see finance;
	// nil when none is held.
	Finance *financeHeadline
	// Query filters the measures by name (?q=).
	Query string
	Tiles []view.Tile
	// Exceptions and Others are Tiles split, exceptions first.
	Exceptions, Others []view.Tile
	// Categories are those of the measures the viewer may see; Category
	// is the one chosen with ?category=, "" for all.
	Categories []string
	Category   string
}

func (s *Server) handleOverview(c echo.Context) error {
	return s.renderShared(c, []string{"category", "q"}, func() (sharedPage, error) {
		p, err := s.overviewPage(c)
		// A page of a category there is none of is not kept.
		return sharedPage{name: "overview", data: &p, keep: asGiven(c, "category", p.Categories...)}, err
	})
}

func (s *Server) overviewPage(c echo.Context) (overviewPage, error) {
	all, err := s.cachedOverview(c.Request().Context(), auth.Scope(c))
	if err != nil {
		return overviewPage{}, err
	}
	p := overviewPage{Page: s.page(c, "Overview"), Categories: all.categories, Category: c.QueryParam("category"),
		Query: strings.TrimSpace(c.QueryParam("q"))}
	if auth.Scope(c).Sensitive {
		if p.Finance, err = s.financeHeadline(c.Request().Context(), auth.Scope(c)); err != nil {
			return overviewPage{}, err
		}
	}
	for _, t := range all.tiles {
		if p.Category != "" && t.Metric.Category != p.Category {
			continue
		}
		if p.Query != "" && !matchesQuery(t.Metric, p.Query) {
			continue
		}
		p.Tiles = append(p.Tiles, t)
		if t.Metric.Classification == metrics.Sensitive {
			p.Sensitive = true
		}
	}
	p.Exceptions, p.Others = view.SplitExceptions(p.Tiles)
	return p, nil
}

// overviewTiles are every measure's tile for one scope, the part of the
// overview that depends only on the figures (and so is cached).
type overviewTiles struct {
	tiles      []view.Tile
	categories []string
}

// cachedOverview is overviewTiles, kept until the figures or the
// catalogue change (see viewCache).
func (s *Server) cachedOverview(ctx context.Context, scope metrics.Scope) (overviewTiles, error) {
	day := metrics.Day(s.now())
	v, err := s.views.get(ctx, s.dataVersion, fmt.Sprintf("overview/%t/%s", scope.Sensitive, day.Format(time.DateOnly)), func() (any, error) {
		// Not the request's context: other requests may be waiting on
		// this computation, or none (it may run in the background).
		return s.overviewTiles(context.WithoutCancel(ctx), scope, day)
	})
	if err != nil {
		return overviewTiles{}, err
	}
	return v.(overviewTiles), nil
}

func (s *Server) overviewTiles(ctx context.Context, scope metrics.Scope, day time.Time) (overviewTiles, error) {
	latest, err := s.store.Latest(ctx, scope)
	if err != nil {
		return overviewTiles{}, err
	}
	set, err := s.store.Settings(ctx)
	if err != nil {
		return overviewTiles{}, err
	}
	series, err := view.HeadlineSeries(ctx, s.store, scope, time.Time{}, set.HomeArea)
	if err != nil {
		return overviewTiles{}, err
	}
	fresh, err := s.freshnessOn(ctx, scope, day)
	if err != nil {
		return overviewTiles{}, err
	}
	changes, err := s.changePoints(ctx, scope)
	if err != nil {
		return overviewTiles{}, err
	}
	return buildTiles(latest, series, fresh, changes, set)
}

// changePoints are the change points of every measure the viewer may
// see, by measure id: the annotations that recalculate the limits.
func (s *Server) changePoints(ctx context.Context, scope metrics.Scope) (map[string][]metrics.ChangePoint, error) {
	anns, err := s.store.AllAnnotations(ctx, scope)
	if err != nil {
		return nil, err
	}
	out := map[string][]metrics.ChangePoint{}
	for _, a := range anns {
		if a.Recalculate && a.MetricID != "" {
			out[a.MetricID] = append(out[a.MetricID], metrics.ChangePoints([]metrics.Annotation{a})...)
		}
	}
	return out, nil
}

// buildTiles analyses each measure's latest values against its series,
// with the limits recalculated at each measure's change points.
func buildTiles(latest []store.LatestValue, series map[string][]metrics.Observation, fresh freshness, changes map[string][]metrics.ChangePoint, set metrics.Settings) (overviewTiles, error) {
	out := overviewTiles{categories: view.CategoriesOf(latest)}
	newest := fresh.Newest(latest)
	for i, lv := range latest {
		t := view.NewTile(lv, set)
		if err := view.AnalyseTile(&t, lv, view.NewAnalyses(lv.Metric, series[lv.Metric.ID], changes[lv.Metric.ID]), newest(lv.Metric.ID), fmt.Sprintf("spark-%d", i)); err != nil {
			return overviewTiles{}, err
		}
		fresh.Apply(&t, lv)
		t.AddNational(series[lv.Metric.ID])
		out.tiles = append(out.tiles, t)
	}
	return out, nil
}

// matchesQuery reports whether a measure's name, id or category holds
// every word of q, ignoring case.
func matchesQuery(m metrics.Metric, q string) bool {
	hay := strings.ToLower(m.Name + " " + m.ID + " " + m.Category)
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// financeHeadline reads the latest finance month held and the month
// before it in the same year; nil when none is held.
func (s *Server) financeHeadline(ctx context.Context, scope metrics.Scope) (*financeHeadline, error) {
	years, err := s.store.FinanceYears(ctx, scope)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND || err == nil && len(years) == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	year, err := s.store.FinanceYear(ctx, scope, years[0])
	if metrics.ErrorCode(err) == metrics.ENOTFOUND || err == nil && len(year.Months) == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	last := year.Months[len(year.Months)-1]
	tot := metrics.SumRevenue(last.Revenue)
	p := last.Month.Period
	h := &financeHeadline{Period: p.Label(), Variance: varianceK(tot.VarianceGBP()),
		Link: fmt.Sprintf("/finance?year=%s&month=%d", metrics.FinancialYearParam(p.FYStart), p.Month)}
	r := s.ragView(tot)
	h.Status, h.StatusClass = r.Word, r.Class
	if len(year.Months) > 1 {
		prev := year.Months[len(year.Months)-2]
		pv := metrics.SumRevenue(prev.Revenue).VarianceGBP()
		h.Previous = prev.Month.Period.Label()
		h.Movement = metrics.FormatMovement(tot.VarianceGBP()-pv, 0)
	}
	return h, nil
}
