package dashboard

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/export"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/ingest/spreadsheet"
	"github.com/assure-pcc/assure/metrics"
)

// handleMetricExport serves a measure's figures as .csv or .xlsx, under
// the same access rule as its page: a measure the viewer may not see is
// not found.
func (s *Server) handleMetricExport(c echo.Context) error {
	id := c.Param("id")
	name, format, _ := strings.Cut(c.Param("file"), ".")
	if name != id {
		return metrics.Errorf(metrics.ENOTFOUND, "no such export")
	}
	ctx := c.Request().Context()
	m, err := s.store.GetMetric(ctx, auth.Scope(c), id)
	if err != nil {
		return err
	}
	obs, err := s.series(ctx, auth.Scope(c), m)
	if err != nil {
		return err
	}
	// The period and area the page showed, when its link carries them.
	tp, err := readTimePlace(c, view.AreasOf(obs), true)
	if err != nil {
		return err
	}
	obs = tp.choose(obs)
	switch format {
	case "csv":
		b, err := export.SeriesCSV(m, obs)
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", m.ID+".csv"))
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b)
	case "xlsx":
		var buf bytes.Buffer
		if err := spreadsheet.WriteXLSX(&buf, export.MetricTable(m, obs, s.now())); err != nil {
			return fmt.Errorf("export %s: %w", m.ID, err)
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", m.ID+".xlsx"))
		return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	}
	return metrics.Errorf(metrics.ENOTFOUND, "exports are .csv or .xlsx")
}
