package dashboard

import (
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
}

// headlineAreas are the area names that mean the whole force.
var headlineAreas = map[string]bool{"Force": true, "Force-wide": true, "All": true, "All areas": true, "Total": true}

func (s *Server) handleOverview(c echo.Context) error {
	latest, err := s.store.Latest(c.Request().Context(), s.scope(c))
	if err != nil {
		return err
	}
	p := overviewPage{Page: s.page(c, "Overview")}
	for _, lv := range latest {
		p.Tiles = append(p.Tiles, newTile(lv))
		if lv.Metric.Classification == metrics.Sensitive {
			p.Sensitive = true
		}
	}
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
