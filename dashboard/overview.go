package dashboard

import (
	"fmt"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/labstack/echo/v4"
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

// headlineAreas are the area names that mean the whole force.
var headlineAreas = map[string]bool{"Force": true, "Force-wide": true, "All": true, "All areas": true, "Total": true}

func (s *Server) handleOverview(c echo.Context) error {
	ctx := c.Request().Context()
	latest, err := s.store.Latest(ctx, s.scope(c))
	if err != nil {
		return err
	}
	series, err := s.store.CurrentSeries(ctx, s.scope(c))
	if err != nil {
		return err
	}
	p := overviewPage{Page: s.page(c, "Overview"), Categories: categoriesOf(latest), Category: c.QueryParam("category")}
	newest := newestOf(latest)
	for i, lv := range latest {
		if p.Category != "" && lv.Metric.Category != p.Category {
			continue
		}
		t := newTile(lv)
		if err := analyseTile(&t, lv, series[lv.Metric.ID], newest, fmt.Sprintf("spark-%d", i)); err != nil {
			return err
		}
		p.Tiles = append(p.Tiles, t)
		if lv.Metric.Classification == metrics.Sensitive {
			p.Sensitive = true
		}
	}
	p.Exceptions, p.Others = splitExceptions(p.Tiles)
	return s.renderOK(c, "overview", p)
}

func newTile(lv store.LatestValue) tile {
	t := tile{Metric: lv.Metric, Status: metrics.NoTarget}
	if lv.Metric.Target != nil {
		t.Target = formatValue(*lv.Metric.Target, lv.Metric.Unit)
	}
	if len(lv.Values) == 0 {
		return t
	}
	t.Period = lv.Period.Label()
	for _, o := range lv.Values {
		av := areaValue{Area: o.Area, Value: formatValue(o.Value, lv.Metric.Unit), Status: metrics.AgainstTarget(lv.Metric, o.Value)}
		t.Values = append(t.Values, av)
		if headlineAreas[o.Area] || len(lv.Values) == 1 {
			h := av
			t.Headline = &h
			t.Status = av.Status
		}
	}
	return t
}
