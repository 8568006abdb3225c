package dashboard

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

// apiMetric is a metric in the JSON API.
type apiMetric struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Unit           string   `json:"unit"`
	Direction      string   `json:"direction"`
	Target         *float64 `json:"target"`
	Classification string   `json:"classification"`
	Category       string   `json:"category"`
	// Benchmark and BenchmarkLabel: a figure to compare with besides the
	// target (null and "" when there is none).
	Benchmark      *float64 `json:"benchmark"`
	BenchmarkLabel string   `json:"benchmark_label"`
	// Derivation defines a derived measure, "" for an uploaded one.
	Derivation string `json:"derivation"`
}

func toAPIMetric(m metrics.Metric) apiMetric {
	return apiMetric{ID: m.ID, Name: m.Name, Unit: m.Unit, Direction: string(m.Direction), Target: m.Target,
		Classification: string(m.Classification), Category: m.Category,
		Benchmark: m.Benchmark, BenchmarkLabel: m.BenchmarkLabel, Derivation: m.Derivation}
}

// apiObservation is one value in a series.
type apiObservation struct {
	PeriodStart string    `json:"period_start"`
	PeriodEnd   string    `json:"period_end"`
	Period      string    `json:"period"`
	PeriodKind  string    `json:"period_kind"`
	Area        string    `json:"area"`
	Value       float64   `json:"value"`
	Source      apiSource `json:"source"`
}

type apiSource struct {
	UploadID int64  `json:"upload_id"`
	File     string `json:"file"`
	Sheet    string `json:"sheet"`
	Cell     string `json:"cell"`
	// UploadedAt is RFC 3339 with the fraction of a second it has, in
	// UTC, as time.Time writes itself in JSON: written once per upload
	// (see apiSeries), not once per value.
	UploadedAt string `json:"uploaded_at"`
}

type apiSeries struct {
	// asGiven: the answer read ?area= and ?baseline= as given, and may
	// be kept (see asGiven).
	asGiven      bool
	Metric       apiMetric        `json:"metric"`
	Observations []apiObservation `json:"observations"`
	// Analysis is that of the force-wide area, or of the area ?area=
	// names, against ?baseline=YEAR (2019 by default); null when the
	// series has no values. See api_analysis.go.
	Analysis *apiAnalysis `json:"analysis"`
}

func (s *Server) handleAPIMetrics(c echo.Context) error {
	ms, err := s.store.ListMetrics(c.Request().Context(), auth.Scope(c))
	if err != nil {
		return err
	}
	out := make([]apiMetric, len(ms))
	for i, m := range ms {
		out[i] = toAPIMetric(m)
	}
	return c.JSON(http.StatusOK, map[string]any{"metrics": out})
}

func (s *Server) handleAPISeries(c echo.Context) error {
	return s.sharedJSON(c, []string{"area", "baseline"}, func() (any, bool, error) {
		v, err := s.apiSeries(c)
		return v, v.asGiven, err
	})
}

// apiSeries is a measure's observations and analysis, ENOTFOUND when the
// reader may not see the measure.
func (s *Server) apiSeries(c echo.Context) (apiSeries, error) {
	ctx := c.Request().Context()
	m, err := s.store.GetMetric(ctx, auth.Scope(c), c.Param("id"))
	if err != nil {
		return apiSeries{}, err
	}
	obs, err := s.series(ctx, auth.Scope(c), m)
	if err != nil {
		return apiSeries{}, err
	}
	baselineYear, err := baselineYearParam(c)
	if err != nil {
		return apiSeries{}, err
	}
	anns, err := s.store.Annotations(ctx, auth.Scope(c), m.ID)
	if err != nil {
		return apiSeries{}, err
	}
	areas := view.AreasOf(obs)
	area := metrics.HeadlineArea(areas, c.QueryParam("area"), s.settings(ctx).HomeArea)
	a := metrics.AnalyseWith(m, obs, area, metrics.AnalysisOptions{BaselineYear: baselineYear, Tolerance: metrics.DefaultTolerance, ChangePoints: metrics.ChangePoints(anns)})
	out := apiSeries{asGiven: asGiven(c, "area", areas...) && asGiven(c, "baseline", strconv.Itoa(baselineYear)), Metric: toAPIMetric(m),
		Analysis: toAPIAnalysis(m, a)}
	out.Observations = apiObservations(obs)
	return out, nil
}

// apiObservations are obs as the API writes them. A series of 2,400
// values has a hundred or so periods and a few uploads: each is written
// once.
func apiObservations(obs []metrics.Observation) []apiObservation {
	type periodText struct{ start, end, key string }
	periods := map[metrics.Period]periodText{}
	uploaded := map[int64]string{}
	out := make([]apiObservation, len(obs))
	for i, o := range obs {
		pt, ok := periods[o.Period]
		if !ok {
			pt = periodText{o.Period.Start.Format(time.DateOnly), o.Period.End.Format(time.DateOnly), o.Period.Key()}
			periods[o.Period] = pt
		}
		at, ok := uploaded[o.Source.UploadedAt.UnixNano()]
		if !ok {
			at = jsonTime(o.Source.UploadedAt)
			uploaded[o.Source.UploadedAt.UnixNano()] = at
		}
		out[i] = apiObservation{
			PeriodStart: pt.start, PeriodEnd: pt.end, Period: pt.key, PeriodKind: string(o.Period.Kind), Area: o.Area, Value: o.Value,
			Source: apiSource{UploadID: o.Source.UploadID, File: o.Source.File, Sheet: o.Source.Sheet, Cell: o.Source.Cell, UploadedAt: at},
		}
	}
	return out
}

// jsonTime is t in UTC as encoding/json writes a time.Time, without the
// quotes.
func jsonTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
