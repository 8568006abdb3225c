package dashboard

import (
	"context"
	"fmt"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// tile is one measure on the overview.
type tile struct {
	Metric metrics.Metric
	Period string
	// Values are the latest figures by area; Headline is the force-wide
	// one when there is one.
	Values   []areaValue
	Headline *areaValue
	Status   metrics.TargetStatus
	Target   string
	// tileAnalysis is the standing against target, baseline and SPC,
	// and why the tile is an exception (see exceptions.go).
	tileAnalysis
}

type areaValue struct {
	Area  string
	Value string
	// Status against target, spelled out so it never rests on colour.
	Status metrics.TargetStatus
}

type overviewPage struct {
	Page
	Tiles []tile
	// Exceptions and Others are Tiles split, exceptions first.
	Exceptions, Others []tile
	// Categories are those of the measures the viewer may see; Category
	// is the one chosen with ?category=, "" for all.
	Categories []string
	Category   string
}

func (s *Server) handleOverview(c echo.Context) error {
	return s.renderShared(c, []string{"category"}, func() (sharedPage, error) {
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
	p := overviewPage{Page: s.page(c, "Overview"), Categories: all.categories, Category: c.QueryParam("category")}
	for _, t := range all.tiles {
		if p.Category != "" && t.Metric.Category != p.Category {
			continue
		}
		p.Tiles = append(p.Tiles, t)
		if t.Metric.Classification == metrics.Sensitive {
			p.Sensitive = true
		}
	}
	p.Exceptions, p.Others = splitExceptions(p.Tiles)
	return p, nil
}

// overviewTiles are every measure's tile for one scope, the part of the
// overview that depends only on the figures (and so is cached).
type overviewTiles struct {
	tiles      []tile
	categories []string
}

// cachedOverview is overviewTiles, kept until the figures or the
// catalogue change (see viewCache).
func (s *Server) cachedOverview(ctx context.Context, scope metrics.Scope) (overviewTiles, error) {
	day := metrics.Day(s.now())
	v, err := s.views.get(ctx, s.store.DataVersion, fmt.Sprintf("overview/%t/%s", scope.Sensitive, day.Format(time.DateOnly)), func() (any, error) {
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
	series, err := s.analysisSeries(ctx, scope, time.Time{})
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
	return buildTiles(latest, series, fresh, changes)
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
func buildTiles(latest []store.LatestValue, series map[string][]metrics.Observation, fresh freshness, changes map[string][]metrics.ChangePoint) (overviewTiles, error) {
	out := overviewTiles{categories: categoriesOf(latest)}
	newest := fresh.newest(latest)
	for i, lv := range latest {
		t := newTile(lv)
		if err := analyseTile(&t, lv, series[lv.Metric.ID], newest(lv.Metric.ID), fmt.Sprintf("spark-%d", i), changes[lv.Metric.ID]); err != nil {
			return overviewTiles{}, err
		}
		fresh.apply(&t, lv)
		out.tiles = append(out.tiles, t)
	}
	return out, nil
}

func newTile(lv store.LatestValue) tile {
	t := tile{Metric: lv.Metric, Status: metrics.NoTarget}
	if lv.Metric.Target != nil {
		t.Target = formatTarget(*lv.Metric.Target, lv.Metric.Unit)
	}
	if len(lv.Values) == 0 {
		return t
	}
	t.Period = lv.Period.Label()
	for _, o := range lv.Values {
		av := areaValue{Area: o.Area, Value: formatValue(o.Value, lv.Metric.Unit), Status: metrics.AgainstTarget(lv.Metric, o.Value)}
		t.Values = append(t.Values, av)
		if metrics.IsForceWideArea(o.Area) || len(lv.Values) == 1 {
			h := av
			t.Headline = &h
			t.Status = av.Status
		}
	}
	return t
}
