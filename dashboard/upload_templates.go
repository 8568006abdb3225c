package dashboard

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/ingest/spreadsheet"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// xlsxType is the content type of an .xlsx download.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// handlePerformanceTemplate downloads the performance template filled in
// with the catalogue the reader may see: each measure's row, and a Data
// row for each area it reports, so that the next workbook names measures
// and areas as they are stored.
func (s *Server) handlePerformanceTemplate(c echo.Context) error {
	if err := auth.MayUpload(auth.User(c), metrics.KindPerformance); err != nil {
		return err
	}
	content, err := s.performanceTemplate(c.Request().Context(), auth.Scope(c))
	if err != nil {
		return err
	}
	return sendWorkbook(c, fmt.Sprintf("Performance workbook %s.xlsx", s.now().Format("2006-01-02")), content)
}

// performanceTemplate is the pre-filled performance template as a reader
// of scope may have it: only the measures scope lets them see.
func (s *Server) performanceTemplate(ctx context.Context, scope metrics.Scope) ([]byte, error) {
	ms, err := s.store.ListMetrics(ctx, scope)
	if err != nil {
		return nil, err
	}
	areas, err := s.store.ReportedAreas(ctx, scope, metrics.KindPerformance)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := spreadsheet.WriteCatalogueTemplate(&buf, catalogueMeasures(ms, areas)); err != nil {
		return nil, fmt.Errorf("performance template: %w", err)
	}
	return buf.Bytes(), nil
}

// templateAreaYears is how long ago an area may have last reported a
// measure and still get a row in the template: areas that stopped
// reporting (renamed or merged) are left out.
const templateAreaYears = 1

// catalogueMeasures are the template's rows: the measures in catalogue
// order, each with the areas performance workbooks report for it (not
// those of national tables, such as England and Wales), force-wide
// first.
func catalogueMeasures(ms []metrics.Metric, areas map[string][]store.ReportedArea) []spreadsheet.CatalogueMeasure {
	out := make([]spreadsheet.CatalogueMeasure, 0, len(ms))
	for _, m := range ms {
		cm := spreadsheet.CatalogueMeasure{ID: m.ID, Name: m.Name, Unit: m.Unit, Direction: string(m.Direction),
			Classification: string(m.Classification), Category: m.Category, Target: m.Target,
			Benchmark: m.Benchmark, BenchmarkLabel: m.BenchmarkLabel, Derived: m.Derivation}
		var latest time.Time
		for _, a := range areas[m.ID] {
			if a.Latest.After(latest) {
				latest = a.Latest
			}
		}
		for _, a := range areas[m.ID] {
			if !a.Latest.Before(latest.AddDate(-templateAreaYears, 0, 0)) {
				cm.Areas = append(cm.Areas, a.Area)
			}
		}
		// Force-wide first, as the pages show it; the rest stay in order.
		slices.SortStableFunc(cm.Areas, func(a, b string) int {
			return cmp.Compare(b0(metrics.IsForceWideArea(b)), b0(metrics.IsForceWideArea(a)))
		})
		out = append(out, cm)
	}
	return out
}

// b0 is 1 for true, 0 for false.
func b0(b bool) int {
	if b {
		return 1
	}
	return 0
}

// handleFinanceTemplate downloads the blank revenue and capital
// monitoring workbook.
func (s *Server) handleFinanceTemplate(c echo.Context) error {
	if err := auth.MayUpload(auth.User(c), metrics.KindFinance); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := spreadsheet.WriteFinanceTemplate(&buf); err != nil {
		return fmt.Errorf("finance template: %w", err)
	}
	return sendWorkbook(c, "Revenue and Capital Monitoring template.xlsx", buf.Bytes())
}

// sendWorkbook answers with an .xlsx attachment, never kept by a cache
// between readers (the performance template lists what its reader may
// see).
func sendWorkbook(c echo.Context, name string, content []byte) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", asciiFileName(name)))
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, xlsxType, content)
}
