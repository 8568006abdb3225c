package dashboard

import (
	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

// metricSourcesPage is where each figure of a measure came from: the
// file, sheet and cell it was read from and when it was uploaded, for
// the period and area chosen on the measure's page, newest first. The
// measure's page shows the newest period's and links here.
type metricSourcesPage struct {
	asGiven bool
	Page
	Metric metrics.Metric
	Choice timePlace
	// HasFigures is whether the measure has any figures at all, and
	// AllShown which periods they cover.
	HasFigures bool
	AllShown   string
	Sources    sourceRows
}

// sourcesParams are the query parameters the sources page reads: the
// choice of period and area (see timePlace).
var sourcesParams = []string{"area", "period", "from", "to"}

func (s *Server) handleMetricSources(c echo.Context) error {
	return s.renderShared(c, sourcesParams, func() (sharedPage, error) {
		p, err := s.metricSources(c)
		return sharedPage{name: "metric_sources", data: &p, keep: p.asGiven}, err
	})
}

// metricSources builds the sources page, ENOTFOUND when the reader may
// not see the measure: the same check as its page.
func (s *Server) metricSources(c echo.Context) (metricSourcesPage, error) {
	ctx := c.Request().Context()
	m, err := s.store.GetMetric(ctx, auth.Scope(c), c.Param("id"))
	if err != nil {
		return metricSourcesPage{}, err
	}
	obs, err := s.series(ctx, auth.Scope(c), m)
	if err != nil {
		return metricSourcesPage{}, err
	}
	p := metricSourcesPage{Page: s.page(c, "Sources: "+m.Name), Metric: m}
	p.Sensitive = m.Classification == metrics.Sensitive
	areas := view.AreasOf(obs)
	if p.Choice, err = readTimePlace(c, areas, false); err != nil {
		return metricSourcesPage{}, err
	}
	p.HasFigures, p.AllShown = len(obs) > 0, shownText(obs)
	p.Sources = buildSeriesTable(m, p.Choice.choose(obs), everySource).Sources
	p.asGiven = asGiven(c, "area", areas...)
	return p, nil
}
