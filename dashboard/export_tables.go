package dashboard

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/labstack/echo/v4"
)

// The tables of the finance and response-time pages, as .csv and .xlsx:
// the figures as numbers in their units (whole pounds, minutes), each
// table's title, its source and, since both pages are sensitive, the
// OFFICIAL-SENSITIVE marking. Each export answers to the same access
// rule as its page, and to the same query (?year=&month=, ?priority=).

const (
	markingSensitive = "OFFICIAL-SENSITIVE"
	xlsxContentType  = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// sendTable writes t as a download named base.csv or base.xlsx. A
// sensitive table must not be kept by a shared cache or the browser's.
func sendTable(c echo.Context, base, format string, t ingest.ExportTable) error {
	var buf bytes.Buffer
	var ctype string
	var err error
	switch format {
	case "csv":
		ctype, err = "text/csv; charset=utf-8", ingest.WriteCSV(&buf, t)
	case "xlsx":
		ctype, err = xlsxContentType, ingest.WriteXLSX(&buf, t)
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

// exportedNote says when a table was exported, after what the table
// itself needs said.
func exportedNote(now time.Time, parts ...string) string {
	return strings.Join(append(parts, "Exported from Assure on "+now.Format("2 January 2006 15:04")+"."), " ")
}

// gbp is an amount of whole pounds as a spreadsheet number.
func gbp(v int64) float64 { return float64(v) }

func optGBP(v *int64) any {
	if v == nil {
		return nil
	}
	return float64(*v)
}

// percentFigure is v as a percentage of base to one decimal place, nil
// when base is not positive (as "–" on the page).
func percentFigure(v, base int64) any {
	if base <= 0 {
		return nil
	}
	return math.Round(float64(v)/float64(base)*1000) / 10
}

// financeTables builds each finance table by the name its URL gives it.
var financeTables = map[string]func(f metrics.FinanceFigures) ingest.ExportTable{
	"revenue":  revenueExport,
	"capital":  capitalExport,
	"reserves": reservesExport,
}

func revenueExport(f metrics.FinanceFigures) ingest.ExportTable {
	t := ingest.ExportTable{
		Title: "Revenue by business area, " + f.Month.Period.Label() + ", largest overspend first",
		Header: []string{"Business area", "Annual budget (£)", "Forecast outturn (£)", "Variance (£)", "Over or under", "% of budget",
			"Variance as stated (£)", "Budget to date (£)", "Actual to date (£)", "Commentary", "Source cells"},
	}
	lines := append([]metrics.RevenueLine(nil), f.Revenue...)
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].VarianceGBP() > lines[j].VarianceGBP() })
	for _, l := range lines {
		t.Rows = append(t.Rows, []any{l.BusinessArea, gbp(l.BudgetGBP), gbp(l.ForecastGBP), gbp(l.VarianceGBP()), metrics.SpendWord(l.VarianceGBP()),
			percentFigure(l.VarianceGBP(), l.BudgetGBP), optGBP(l.StatedVarianceGBP), optGBP(l.BudgetToDateGBP), optGBP(l.ActualToDateGBP),
			l.Commentary, revenueSource(l)})
	}
	tot := metrics.SumRevenue(f.Revenue)
	t.Rows = append(t.Rows, []any{"Total", gbp(tot.BudgetGBP), gbp(tot.ForecastGBP), gbp(tot.VarianceGBP()), metrics.SpendWord(tot.VarianceGBP()),
		percentFigure(tot.VarianceGBP(), tot.BudgetGBP), nil, nil, nil, "", fmt.Sprintf("sum of the %d lines", len(f.Revenue))})
	return t
}

func capitalExport(f metrics.FinanceFigures) ingest.ExportTable {
	t := ingest.ExportTable{
		Title: "Capital programme, " + f.Month.Period.Label() + "; variance = forecast − (approved budget + additions)",
		Header: []string{"Scheme", "Funding source", "Approved budget (£)", "Additions (£)", "Budget (£)", "Forecast (£)", "Variance (£)",
			"Over or under", "Commentary", "Source cells"},
	}
	var approved, additions, forecast int64
	for _, l := range f.Capital {
		t.Rows = append(t.Rows, []any{l.Scheme, l.FundingSource, gbp(l.ApprovedBudgetGBP), gbp(l.AdditionsGBP), gbp(l.BudgetGBP()),
			gbp(l.ForecastGBP), gbp(l.VarianceGBP()), metrics.SpendWord(l.VarianceGBP()), l.Commentary, capitalSource(l)})
		approved, additions, forecast = approved+l.ApprovedBudgetGBP, additions+l.AdditionsGBP, forecast+l.ForecastGBP
	}
	v := forecast - approved - additions
	t.Rows = append(t.Rows, []any{"Total", "", gbp(approved), gbp(additions), gbp(approved + additions), gbp(forecast), gbp(v),
		metrics.SpendWord(v), "", fmt.Sprintf("sum of the %d schemes", len(f.Capital))})
	return t
}

func reservesExport(f metrics.FinanceFigures) ingest.ExportTable {
	t := ingest.ExportTable{
		Title:  "Reserves, " + f.Month.Period.Label() + "; transfers to a reserve are positive, from it negative",
		Header: []string{"Reserve", "Opening balance (£)", "Transfers (£)", "Forecast closing balance (£)", "Commentary", "Source cells"},
	}
	var opening, transfers, closing int64
	for _, l := range f.Reserves {
		t.Rows = append(t.Rows, []any{l.Reserve, gbp(l.OpeningGBP), gbp(l.TransfersGBP), gbp(l.ClosingGBP), l.Commentary, reserveSource(l)})
		opening, transfers, closing = opening+l.OpeningGBP, transfers+l.TransfersGBP, closing+l.ClosingGBP
	}
	t.Rows = append(t.Rows, []any{"Total", gbp(opening), gbp(transfers), gbp(closing), "", fmt.Sprintf("sum of the %d reserves", len(f.Reserves))})
	return t
}

// handleFinanceExport serves one table of the finance page for the
// month the query names (the latest by default): 404 for the public, as
// the page's figures are.
func (s *Server) handleFinanceExport(c echo.Context) error {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	build, ok := financeTables[name]
	if !ok {
		return metrics.Errorf(metrics.ENOTFOUND, "no such export: the finance tables are revenue, capital and reserves")
	}
	ctx := c.Request().Context()
	scope := s.scope(c)
	per, err := s.financePeriod(ctx, c, scope)
	if err != nil {
		return err
	}
	f, err := s.store.FinanceMonthFigures(ctx, scope, per)
	if err != nil {
		return err
	}
	t := build(f)
	t.Marking, t.Unit = markingSensitive, "£ (whole pounds)"
	t.Note = exportedNote(s.now(), metrics.SignConvention,
		fmt.Sprintf("From %s (upload %d, %s).", f.Month.File, f.Month.UploadID, f.Month.UploadedAt.Format("2 January 2006 15:04")))
	return sendTable(c, fmt.Sprintf("%s-%s-M%d", name, metrics.FinancialYearParam(per.FYStart), per.Month), format, t)
}

// responseTables builds each response-time table by the name its URL
// gives it.
var responseTables = map[string]func(v responseTimesView) ingest.ExportTable{
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

func monthlyResponseExport(v responseTimesView) ingest.ExportTable {
	tg := v.targets
	t := ingest.ExportTable{
		Title: fmt.Sprintf("Response times by month, %s incidents, %s to %s", v.Priority, v.From, v.To),
		Unit:  "minutes, and the shares within target in %",
		Header: []string{"Month", "Incidents", "Mean (minutes)", "Median (minutes)", "90th percentile (minutes)",
			fmt.Sprintf("Urban within %s minutes (%%)", formatNumber(tg.UrbanMinutes)), fmt.Sprintf("Rural within %s minutes (%%)", formatNumber(tg.RuralMinutes))},
	}
	for _, m := range v.monthly {
		t.Rows = append(t.Rows, []any{m.Month, float64(m.Count), minutesFigure(m.Mean), minutesFigure(m.Median), minutesFigure(m.P90),
			optPercent(m.Urban), optPercent(m.Rural)})
	}
	return t
}

func outliersExport(v responseTimesView) ingest.ExportTable {
	fences := "above " + v.UpperFence
	if v.ShowLowerFence {
		fences += " or below " + v.LowerFence
	}
	t := ingest.ExportTable{
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
	t.Marking = markingSensitive
	t.Note = exportedNote(s.now(), "From "+strings.Join(v.Sources, "; ")+".")
	return sendTable(c, "response-times-"+name+"-"+fileSlug(v.Priority), format, t)
}

// fileSlug makes a label from a spreadsheet safe in a file name: ASCII
// letters and digits, other runs as one '-'.
func fileSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 40 {
		out = strings.TrimSuffix(out[:40], "-")
	}
	if out == "" {
		return "all"
	}
	return out
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
