package export

// The tables people download, as spreadsheet.ExportTable for
// ingest/spreadsheet to write as CSV or .xlsx: the figures as numbers in
// their units (whole pounds), each table's title and source, and the
// OFFICIAL-SENSITIVE marking where the figures are sensitive. The
// dashboard's handlers serve them under the same access rule as the
// pages they come from.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/assure-pcc/assure/ingest/spreadsheet"
	"github.com/assure-pcc/assure/metrics"
)

// MarkingSensitive marks a table of sensitive figures.
const MarkingSensitive = "OFFICIAL-SENSITIVE"

// MetricTable is a measure's figures for a spreadsheet, one row per
// figure with its period and source, marked when sensitive.
func MetricTable(m metrics.Metric, obs []metrics.Observation, now time.Time) spreadsheet.ExportTable {
	t := spreadsheet.ExportTable{
		Title:  m.Name,
		Unit:   m.Unit,
		Note:   fmt.Sprintf("Exported from Assure on %s. Classification: %s.", now.Format("2 January 2006 15:04"), m.Classification),
		Header: []string{"Period", "Period start", "Period end", "Area", "Value", "Unit", "Source file", "Sheet", "Cell"},
	}
	if m.Classification == metrics.Sensitive {
		t.Marking = MarkingSensitive
	}
	for _, o := range obs {
		t.Rows = append(t.Rows, []any{o.Period.Label(), o.Period.Start.Format(time.DateOnly), o.Period.End.Format(time.DateOnly),
			o.Area, o.Value, m.Unit, o.Source.File, o.Source.Sheet, o.Source.Cell})
	}
	return t
}

// SeriesCSV writes a series as CSV: one row per figure. Text that came
// from a spreadsheet is neutralised so that no cell runs as a formula
// when the file is opened in a spreadsheet.
func SeriesCSV(m metrics.Metric, obs []metrics.Observation) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // a BOM, so Excel reads UTF-8 (and "£") correctly
	w := csv.NewWriter(&buf)
	rows := [][]string{{"metric_id", "metric", "area", "period", "period_start", "period_end", "value", "unit", "classification"}}
	for _, o := range obs {
		rows = append(rows, []string{
			spreadsheet.Neutralise(m.ID), spreadsheet.Neutralise(m.Name), spreadsheet.Neutralise(o.Area), spreadsheet.Neutralise(o.Period.Label()),
			o.Period.Start.Format(time.DateOnly), o.Period.End.Format(time.DateOnly),
			strconv.FormatFloat(o.Value, 'f', -1, 64), spreadsheet.Neutralise(m.Unit), string(m.Classification),
		})
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("csv of %s: %w", m.ID, err)
	}
	return buf.Bytes(), nil
}

// ExportedNote says when a table was exported, after what the table
// itself needs said.
func ExportedNote(now time.Time, parts ...string) string {
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

// FinanceTables builds each finance table by the name its URL gives it.
var FinanceTables = map[string]func(f metrics.FinanceFigures) spreadsheet.ExportTable{
	"revenue":  RevenueTable,
	"capital":  CapitalTable,
	"reserves": ReservesTable,
}

// RevenueTable is the revenue lines, largest overspend first, and their
// total.
func RevenueTable(f metrics.FinanceFigures) spreadsheet.ExportTable {
	t := spreadsheet.ExportTable{
		Title: "Revenue by business area, " + f.Month.Period.Label() + ", largest overspend first",
		Header: []string{"Business area", "Annual budget (£)", "Forecast outturn (£)", "Variance (£)", "Over or under", "% of budget",
			"Variance as stated (£)", "Budget to date (£)", "Actual to date (£)", "Commentary", "Source cells"},
	}
	lines := append([]metrics.RevenueLine(nil), f.Revenue...)
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].VarianceGBP() > lines[j].VarianceGBP() })
	for _, l := range lines {
		t.Rows = append(t.Rows, []any{l.BusinessArea, gbp(l.BudgetGBP), gbp(l.ForecastGBP), gbp(l.VarianceGBP()), metrics.SpendWord(l.VarianceGBP()),
			percentFigure(l.VarianceGBP(), l.BudgetGBP), optGBP(l.StatedVarianceGBP), optGBP(l.BudgetToDateGBP), optGBP(l.ActualToDateGBP),
			l.Commentary, l.SourceCells()})
	}
	tot := metrics.SumRevenue(f.Revenue)
	t.Rows = append(t.Rows, []any{"Total", gbp(tot.BudgetGBP), gbp(tot.ForecastGBP), gbp(tot.VarianceGBP()), metrics.SpendWord(tot.VarianceGBP()),
		percentFigure(tot.VarianceGBP(), tot.BudgetGBP), nil, nil, nil, "", fmt.Sprintf("sum of the %d lines", len(f.Revenue))})
	return t
}

// CapitalTable is the capital schemes and their total.
func CapitalTable(f metrics.FinanceFigures) spreadsheet.ExportTable {
	t := spreadsheet.ExportTable{
		Title: "Capital programme, " + f.Month.Period.Label() + "; variance = forecast − (approved budget + additions)",
		Header: []string{"Scheme", "Funding source", "Approved budget (£)", "Additions (£)", "Budget (£)", "Forecast (£)", "Variance (£)",
			"Over or under", "Commentary", "Source cells"},
	}
	for _, l := range f.Capital {
		t.Rows = append(t.Rows, []any{l.Scheme, l.FundingSource, gbp(l.ApprovedBudgetGBP), gbp(l.AdditionsGBP), gbp(l.BudgetGBP()),
			gbp(l.ForecastGBP), gbp(l.VarianceGBP()), metrics.SpendWord(l.VarianceGBP()), l.Commentary, l.SourceCells()})
	}
	tot := metrics.SumCapital(f.Capital)
	t.Rows = append(t.Rows, []any{"Total", "", gbp(tot.ApprovedBudgetGBP), gbp(tot.AdditionsGBP), gbp(tot.BudgetGBP()), gbp(tot.ForecastGBP),
		gbp(tot.VarianceGBP()), metrics.SpendWord(tot.VarianceGBP()), "", fmt.Sprintf("sum of the %d schemes", len(f.Capital))})
	return t
}

// ReservesTable is the reserves and their total.
func ReservesTable(f metrics.FinanceFigures) spreadsheet.ExportTable {
	t := spreadsheet.ExportTable{
		Title:  "Reserves, " + f.Month.Period.Label() + "; transfers to a reserve are positive, from it negative",
		Header: []string{"Reserve", "Opening balance (£)", "Transfers (£)", "Forecast closing balance (£)", "Commentary", "Source cells"},
	}
	for _, l := range f.Reserves {
		t.Rows = append(t.Rows, []any{l.Reserve, gbp(l.OpeningGBP), gbp(l.TransfersGBP), gbp(l.ClosingGBP), l.Commentary, l.SourceCells()})
	}
	tot := metrics.SumReserves(f.Reserves)
	t.Rows = append(t.Rows, []any{"Total", gbp(tot.OpeningGBP), gbp(tot.TransfersGBP), gbp(tot.ClosingGBP), "", fmt.Sprintf("sum of the %d reserves", len(f.Reserves))})
	return t
}

// FileSlug makes a label from a spreadsheet safe in a file name: ASCII
// letters and digits, other runs as one '-'.
func FileSlug(s string) string {
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
