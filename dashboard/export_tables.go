package dashboard

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/export"
	"github.com/assure-pcc/assure/ingest/spreadsheet"
	"github.com/assure-pcc/assure/metrics"
)

// The tables of the finance and response-time pages, as .csv and .xlsx:
// the figures as numbers in their units (whole pounds, minutes), each
// table's title, its source and, since both pages are sensitive, the
// OFFICIAL-SENSITIVE marking. Each export answers to the same access
// rule as its page, and to the same query (?year=&month=, ?priority=).

const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendTable writes t as a download named base.csv or base.xlsx. A
// sensitive table must not be kept by a shared cache or the browser's.
func sendTable(c echo.Context, base, format string, t spreadsheet.ExportTable) error {
	var buf bytes.Buffer
	var ctype string
	var err error
	switch format {
	case "csv":
		ctype, err = "text/csv; charset=utf-8", spreadsheet.WriteCSV(&buf, t)
	case "xlsx":
		ctype, err = xlsxContentType, spreadsheet.WriteXLSX(&buf, t)
	default:
		return metrics.Errorf(metrics.ENOTFOUND, "exports are .csv or .xlsx")
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", base, err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", base+"."+format))
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, ctype, buf.Bytes())
}

// handleFinanceExport serves one table of the finance page for the
// month the query names (the latest by default): 404 for the public, as
// the page's figures are.
func (s *Server) handleFinanceExport(c echo.Context) error {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	build, ok := export.FinanceTables[name]
	if !ok {
		return metrics.Errorf(metrics.ENOTFOUND, "no such export: the finance tables are revenue, capital and reserves")
	}
	f, err := s.financeFigures(c)
	if err != nil {
		return err
	}
	per := f.Month.Period
	t := build(f)
	t.Marking, t.Unit = export.MarkingSensitive, "£ (whole pounds)"
	t.Note = export.ExportedNote(s.now(), metrics.SignConvention,
		fmt.Sprintf("From %s (upload %d, %s).", f.Month.File, f.Month.UploadID, f.Month.UploadedAt.Format("2 January 2006 15:04")))
	return sendTable(c, fmt.Sprintf("%s-%s-M%d", name, metrics.FinancialYearParam(per.FYStart), per.Month), format, t)
}

// responseTables builds each response-time table by the name its URL
// gives it.
var responseTables = map[string]func(v responseTimesView) spreadsheet.ExportTable{
	"monthly":  monthlyResponseExport,
	"outliers": outliersExport,
}

// minutesFigure rounds minutes to the hundredth, as figures for a
// spreadsheet: the statistics carry more digits than they mean.
func minutesFigure(v float64) float64 { return math.Round(v*100) / 100 }

func optPercent(v *float64) any {
	if v == nil {
		return nil
	}
	return minutesFigure(*v)
}

func monthlyResponseExport(v responseTimesView) spreadsheet.ExportTable {
	tg := v.targets
	t := spreadsheet.ExportTable{
		Title: fmt.Sprintf("Response times by month, %s incidents, %s to %s", v.Priority, v.From, v.To),
		Unit:  "minutes, and the shares within target in %",
		Header: []string{"Month", "Incidents", "Mean (minutes)", "Median (minutes)", "90th percentile (minutes)",
			fmt.Sprintf("Urban within %s (%%)", formatTarget(tg.UrbanMinutes, "minutes")), fmt.Sprintf("Rural within %s (%%)", formatTarget(tg.RuralMinutes, "minutes"))},
	}
	for _, m := range v.monthly {
		t.Rows = append(t.Rows, []any{m.Month, float64(m.Count), minutesFigure(m.Mean), minutesFigure(m.Median), minutesFigure(m.P90),
			optPercent(m.Urban), optPercent(m.Rural)})
	}
	return t
}

func outliersExport(v responseTimesView) spreadsheet.ExportTable {
	fences := "above " + v.UpperFence
	if v.ShowLowerFence {
		fences += " or below " + v.LowerFence
	}
	t := spreadsheet.ExportTable{
		Title:  fmt.Sprintf("Outlying response times, %s incidents, %s to %s, slowest first (Tukey's fences: %s)", v.Priority, v.From, v.To, fences),
		Unit:   "minutes",
		Header: []string{"Incident", "Received", "Month", "Setting", "Area", "Response time (minutes)"},
	}
	for _, o := range v.outliers {
		t.Rows = append(t.Rows, []any{o.ID, o.Received, o.Month, o.Setting, o.Area, minutesFigure(o.Minutes)})
	}
	return t
}

// handleResponseTimesExport serves a table of the response-time page for
// the priority the query names. Incidents are always sensitive: the
// route is 404 for the public, like the page.
func (s *Server) handleResponseTimesExport(c echo.Context) error {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	build, ok := responseTables[name]
	if !ok {
		return metrics.Errorf(metrics.ENOTFOUND, "no such export: the response-time tables are monthly and outliers")
	}
	v, err := s.responseTimes(c)
	if err != nil {
		return err
	}
	if len(v.Priorities) == 0 {
		return metrics.Errorf(metrics.ENOTFOUND, "no incident-level response times have been loaded")
	}
	t := build(v)
	t.Marking = export.MarkingSensitive
	t.Note = export.ExportedNote(s.now(), "From "+strings.Join(v.Sources, "; ")+".")
	return sendTable(c, "response-times-"+name+"-"+export.FileSlug(v.Priority), format, t)
}

// tableDownload links a table to its exports; Name says which table,
// for the links' accessible names.
type tableDownload struct {
	CSV, XLSX, Name string
}

// newTableDownload links to path.csv and path.xlsx, with query.
func newTableDownload(path string, query url.Values, name string) tableDownload {
	q := ""
	if len(query) > 0 {
		q = "?" + query.Encode()
	}
	return tableDownload{CSV: path + ".csv" + q, XLSX: path + ".xlsx" + q, Name: name}
}
