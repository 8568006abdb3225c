package dashboard

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/dashboard/export"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The public pages are built from open measures only, whoever asks:
// every read below passes metrics.Public, never the viewer's scope, so a
// signed-in user sees exactly what the public sees and what `assure
// publish` writes.

type publicGroup struct {
	Category string
	National bool
	Tiles    []publicTile
}

// publicTile is an open measure on the public page: its latest figure,
// a chart of its home area's recent figures, and where they came from.
type publicTile struct {
	view.Tile
	// Chart draws the latest publicChartPoints periods of Area, nil when
	// there are fewer than two.
	Chart *chart.ChartPanel
	Area  string
	// Source names the file the latest figure came from and when it was
	// loaded.
	Source string
}

// publicChartPoints is how many of the latest periods a public tile's
// chart draws: two years of months.
const publicChartPoints = 24

type publicIndexPage struct {
	Page
	Groups    []publicGroup
	Generated string
	// Link is how the index links to a measure: "/public/metrics/ID" or
	// "metrics/ID.html".
	Link func(id string) string
	// Papers are the board papers published beside the measures (the
	// open part of a board pack), in a published site only.
	Papers []paperLink
}

// paperLink is a published paper and its address.
type paperLink struct{ Title, Href string }

type publicMetricPage struct {
	Page
	Metric    metrics.Metric
	Target    string
	Chart     *chart.ChartPanel
	Table     seriesTable
	Coverage  string
	Generated string
	CSVHref   string
	IndexHref string
	// Annotations are those on the chart; commentary is never public.
	Annotations []view.Annotation
}

// publicIndex groups the open measures by category, the national
// measures first in their published order, then the rest by name.
func (s *Server) publicIndex(ctx context.Context) ([]publicGroup, error) {
	latest, err := s.store.Latest(ctx, metrics.Public)
	if err != nil {
		return nil, err
	}
	set := s.settings(ctx)
	byCat := map[string]*publicGroup{}
	for i, lv := range latest {
		if lv.Metric.Classification != metrics.Open {
			continue // defence in depth: the store already filtered
		}
		g := byCat[lv.Metric.Category]
		if g == nil {
			_, national := view.IsNational(lv.Metric.Category)
			g = &publicGroup{Category: lv.Metric.Category, National: national}
			byCat[lv.Metric.Category] = g
		}
		pt, err := s.newPublicTile(ctx, lv, set, i)
		if err != nil {
			return nil, err
		}
		g.Tiles = append(g.Tiles, pt)
	}
	groups := make([]publicGroup, 0, len(byCat))
	for _, g := range byCat {
		groups = append(groups, *g)
	}
	sort.Slice(groups, func(i, j int) bool {
		ai, an := view.IsNational(groups[i].Category)
		bi, bn := view.IsNational(groups[j].Category)
		if an != bn {
			return an
		}
		if an && ai != bi {
			return ai < bi
		}
		return groups[i].Category < groups[j].Category
	})
	return groups, nil
}

// newPublicTile builds a public tile with its chart, whose id is
// "pub-" and n.
func (s *Server) newPublicTile(ctx context.Context, lv store.LatestValue, set metrics.Settings, n int) (publicTile, error) {
	pt := publicTile{Tile: view.NewTile(lv, set)}
	switch {
	case pt.Headline != nil:
		pt.Area = pt.Headline.Area
	case len(pt.Values) > 0:
		// Several areas, none the home or force-wide one: the chart
		// draws the first, and the measure's page has them all.
		pt.Area = pt.Values[0].Area
	default:
		return pt, nil
	}
	for _, o := range lv.Values {
		switch {
		case o.Area != pt.Area || o.Source.File == "":
		case strings.HasPrefix(o.Source.File, "Derived: "):
			pt.Source = "worked out from the measures it is defined by, " + o.Source.UploadedAt.Format("2 January 2006")
		default:
			pt.Source = fmt.Sprintf("%s, loaded %s", o.Source.File, o.Source.UploadedAt.Format("2 January 2006"))
		}
	}
	obs, err := s.series(ctx, metrics.Public, lv.Metric)
	if err != nil {
		return pt, err
	}
	var labels []string
	var values []*float64
	for _, o := range obs {
		if o.Area != pt.Area {
			continue
		}
		v := o.Value
		labels, values = append(labels, o.Period.Label()), append(values, &v)
	}
	if len(values) < 2 {
		return pt, nil
	}
	from := max(0, len(values)-publicChartPoints)
	m := lv.Metric
	targetLabel := ""
	if m.Target != nil {
		targetLabel = "Target"
	}
	// The measure's name is the heading above: the chart's title says
	// only what it draws, so that it fits a phone's width.
	title := fmt.Sprintf("%s, %s to %s", pt.Area, labels[from], labels[len(labels)-1])
	panel, err := chart.LineChartPanel(fmt.Sprintf("pub-%d", n), title, m.Unit, labels[from:],
		[]chart.LineSeries{{Name: pt.Area, Values: values[from:]}}, m.Target, targetLabel)
	if err != nil {
		return pt, fmt.Errorf("public chart of %s: %w", m.ID, err)
	}
	// A screen reader hears the measure's name with the chart.
	panel.Description = strings.Replace(panel.Description, "Line chart of ", "Line chart of "+m.Name+", ", 1)
	pt.Chart = &panel
	return pt, nil
}

// publicMetric is one open measure's page data, without the Page and
// links, and its figures; a sensitive or unknown measure is ENOTFOUND.
func (s *Server) publicMetric(ctx context.Context, id string) (publicMetricPage, []metrics.Observation, error) {
	m, err := s.store.GetMetric(ctx, metrics.Public, id)
	if err != nil {
		return publicMetricPage{}, nil, err
	}
	if m.Classification != metrics.Open {
		return publicMetricPage{}, nil, metrics.Errorf(metrics.ENOTFOUND, "no such measure")
	}
	obs, err := s.series(ctx, metrics.Public, m)
	if err != nil {
		return publicMetricPage{}, nil, err
	}
	anns, err := s.store.Annotations(ctx, metrics.Public, id)
	if err != nil {
		return publicMetricPage{}, nil, err
	}
	p := publicMetricPage{Metric: m, Table: buildSeriesTable(m, obs, noSources), Annotations: view.NewAnnotations(anns)}
	p.Coverage = coverage(p.Table)
	if m.Target != nil {
		p.Target = formatTarget(*m.Target, m.Unit)
	}
	p.Chart, err = metricChart(m, obs, p.Table, anns)
	return p, obs, err
}

// coverage says which periods a series covers: "Apr 2019 to Mar 2022".
func coverage(t seriesTable) string {
	if len(t.Periods) == 0 {
		return "no figures yet"
	}
	return t.Periods[0].Label() + " to " + t.Periods[len(t.Periods)-1].Label()
}

func (s *Server) handlePublicIndex(c echo.Context) error {
	return s.renderShared(c, nil, func() (sharedPage, error) {
		groups, err := s.publicIndex(c.Request().Context())
		if err != nil {
			return sharedPage{}, err
		}
		p := publicIndexPage{Page: s.page(c, "Published measures"), Groups: groups, Generated: s.now().Format("2 January 2006 15:04"),
			Link: func(id string) string { return "/public/metrics/" + id }}
		return sharedPage{name: "public_index", data: &p, keep: true}, nil
	})
}

func (s *Server) handlePublicMetric(c echo.Context) error {
	id := c.Param("id")
	if strings.HasSuffix(id, ".csv") {
		return s.handlePublicCSV(c, strings.TrimSuffix(id, ".csv"))
	}
	return s.renderShared(c, nil, func() (sharedPage, error) {
		p, _, err := s.publicMetric(c.Request().Context(), id)
		if err != nil {
			return sharedPage{}, err
		}
		p.Page = s.page(c, p.Metric.Name)
		p.Generated = s.now().Format("2 January 2006 15:04")
		p.CSVHref, p.IndexHref = "/public/metrics/"+p.Metric.ID+".csv", "/public"
		return sharedPage{name: "public_metric", data: &p, keep: true}, nil
	})
}

func (s *Server) handlePublicCSV(c echo.Context, id string) error {
	p, obs, err := s.publicMetric(c.Request().Context(), id)
	if err != nil {
		return err
	}
	m := p.Metric
	b, err := export.SeriesCSV(m, obs)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", m.ID+".csv"))
	return c.Blob(200, "text/csv; charset=utf-8", b)
}
