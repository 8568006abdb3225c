package dashboard

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/ingest/spreadsheet"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// readExportCSV parses an exported CSV: its lines as records, with the
// byte order mark checked and removed.
func readExportCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("the CSV has no byte order mark: %.40q", body)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	return recs
}

// rowStarting finds the record whose first cells are these.
func rowStarting(recs [][]string, first ...string) []string {
	for _, r := range recs {
		if len(r) >= len(first) && strings.Join(r[:len(first)], "\x00") == strings.Join(first, "\x00") {
			return r
		}
	}
	return nil
}

// checkMarked checks that an export is marked OFFICIAL-SENSITIVE first
// and last, and states its unit.
func checkMarked(t *testing.T, what string, recs [][]string, unit string) {
	t.Helper()
	if len(recs) < 4 || recs[0][0] != "OFFICIAL-SENSITIVE" || recs[len(recs)-1][0] != "OFFICIAL-SENSITIVE" {
		t.Errorf("%s is not marked OFFICIAL-SENSITIVE first and last: %q", what, recs)
		return
	}
	if recs[2][0] != "Unit: "+unit {
		t.Errorf("%s: unit line %q, want %q", what, recs[2][0], "Unit: "+unit)
	}
}

func openXLSX(t *testing.T, body string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestFinanceExports(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := financeServer(t, d)
			for _, role := range []metrics.Role{metrics.RoleFinance, metrics.RoleAnalyst, metrics.RoleAdmin} {
				addUser(t, st, string(role)+"-user", role, boardPassword)
			}
			q := "?year=2021-22&month=5"
			var files []string
			for _, table := range []string{"revenue", "capital", "reserves"} {
				for _, format := range []string{"csv", "xlsx"} {
					files = append(files, "/finance/export/"+table+"."+format+q, "/finance/export/"+table+"."+format)
				}
			}
			// The public: not found, as the page is, with nothing in it.
			public := newClient(t, ts)
			for _, p := range files {
				if resp, body := public.get(p); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Local Policing") || strings.Contains(body, "OFFICIAL-SENSITIVE") {
					t.Errorf("public GET %s = %d", p, resp.StatusCode)
				}
			}
			for _, user := range []string{"board", "finance-user", "analyst-user", "admin-user"} {
				c := newClient(t, ts)
				c.login(user, boardPassword)
				for _, p := range files {
					if resp, _ := c.get(p); resp.StatusCode != 200 {
						t.Errorf("%s GET %s = %d", user, p, resp.StatusCode)
					}
				}
			}
			c := newClient(t, ts)
			c.login("board", boardPassword)
			for _, p := range []string{"/finance/export/secret.csv", "/finance/export/revenue.pdf", "/finance/export/revenue", "/finance/export/revenue.csv?year=2021-22&month=6"} {
				if resp, _ := c.get(p); resp.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
				}
			}
			if resp, _ := c.get("/finance/export/revenue.csv?month=13"); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("a bad month = %d, want 400", resp.StatusCode)
			}

			// The figures are the API's, in whole pounds, with the total.
			_, apiBody := c.get("/api/v1/finance/revenue" + q)
			var api apiRevenue
			if err := json.Unmarshal([]byte(apiBody), &api); err != nil || len(api.Lines) == 0 {
				t.Fatalf("revenue API: %v", err)
			}
			resp, body := c.get("/finance/export/revenue.csv" + q)
			if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename="revenue-2021-22-M5.csv"` {
				t.Errorf("Content-Disposition %q", got)
			}
			if resp.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
				t.Errorf("headers %v", resp.Header)
			}
			recs := readExportCSV(t, body)
			checkMarked(t, "revenue.csv", recs, "£ (whole pounds)")
			if h := rowStarting(recs, "Business area"); h == nil || h[1] != "Annual budget (£)" || h[3] != "Variance (£)" {
				t.Errorf("header %q", h)
			}
			for _, l := range api.Lines {
				r := rowStarting(recs, l.BusinessArea)
				if r == nil || r[1] != fmt.Sprint(l.BudgetGBP) || r[2] != fmt.Sprint(l.ForecastGBP) || r[3] != fmt.Sprint(l.VarianceGBP) {
					t.Errorf("%s: row %q, want budget %d forecast %d variance %d", l.BusinessArea, r, l.BudgetGBP, l.ForecastGBP, l.VarianceGBP)
				}
			}
			if r := rowStarting(recs, "Total"); r == nil || r[1] != fmt.Sprint(api.Total.BudgetGBP) || r[3] != fmt.Sprint(api.Total.VarianceGBP) {
				t.Errorf("total row %q", r)
			}
			if !strings.Contains(recs[3][0], "Variance = forecast outturn − budget") || !strings.Contains(recs[3][0], "upload") {
				t.Errorf("note %q should give the sign convention and the source", recs[3][0])
			}

			// The .xlsx: marked, with numbers as numbers.
			resp, body = c.get("/finance/export/capital.xlsx" + q)
			if resp.Header.Get("Content-Type") != xlsxContentType {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
			f := openXLSX(t, body)
			rows, _ := f.GetRows("Figures")
			if len(rows) < 8 || rows[0][0] != "OFFICIAL-SENSITIVE" || rows[2][0] != "Unit: £ (whole pounds)" || rows[len(rows)-1][0] != "OFFICIAL-SENSITIVE" {
				t.Errorf("capital.xlsx rows %q", rows)
			}
			if typ, _ := f.GetCellType("Figures", "C7"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("the approved budget is not a number: %v", typ)
			}
			if _, body := c.get("/finance/export/reserves.csv" + q); rowStarting(readExportCSV(t, body), "Reserve") == nil {
				t.Errorf("reserves.csv has no header")
			}

			// The page links each table to its downloads, naming the table.
			_, page := c.get("/finance" + q)
			for _, want := range []string{
				`href="/finance/export/revenue.csv?month=5&amp;year=2021-22">Download CSV<span class="visually-hidden">: revenue by business area, M5 2021/22</span>`,
				`href="/finance/export/revenue.xlsx?month=5&amp;year=2021-22">.xlsx<span class="visually-hidden"> download: revenue by business area, M5 2021/22</span>`,
				`href="/finance/export/capital.csv?month=5&amp;year=2021-22"`, `href="/finance/export/reserves.xlsx?month=5&amp;year=2021-22"`,
			} {
				if !strings.Contains(page, want) {
					t.Errorf("the finance page lacks %s", want)
				}
			}
		})
	}
}

// Labels that a spreadsheet would take for formulas are neutralised in
// both formats.
func TestFinanceExportsNeutraliseFormulas(t *testing.T) {
	book := ingesttest.Book(t, ingesttest.Sheet{Name: "Revenue", Rows: [][]any{
		{"Revenue monitoring M2 2021/22"},
		{"Business area", "Budget", "Forecast outturn", "Commentary"},
		{`=HYPERLINK("http://evil.example","x")`, 1000, 1200, `@SUM(A1:A9)`},
		{"OPCC", 1000, 900, "+44 ring me"},
	}})
	ts, st := financeServer(t, store.SQLite)
	rep, err := ingest.New(st, nil).Ingest(context.Background(), "hostile.xlsx", book, ingest.Options{})
	if err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep.Errors)
	}
	storetest.ApproveAll(t, st)
	c := newClient(t, ts)
	c.login("board", boardPassword)
	_, body := c.get("/finance/export/revenue.csv?year=2021-22&month=2")
	recs := readExportCSV(t, body)
	r := rowStarting(recs, `'=HYPERLINK("http://evil.example","x")`)
	if r == nil || r[9] != "'@SUM(A1:A9)" {
		t.Errorf("the hostile row was not neutralised: %q", recs)
	}
	if r := rowStarting(recs, "OPCC"); r == nil || r[9] != "'+44 ring me" || r[3] != "-100" {
		t.Errorf("OPCC row %q: text neutralised, the negative variance left a number", r)
	}
	_, body = c.get("/finance/export/revenue.xlsx?year=2021-22&month=2")
	f := openXLSX(t, body)
	rows, _ := f.GetRows("Figures")
	for i, row := range rows {
		for j := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if formula, _ := f.GetCellFormula("Figures", cell); formula != "" {
				t.Errorf("%s is a formula: %q", cell, formula)
			}
		}
	}
	if v, _ := f.GetCellValue("Figures", "A7"); !strings.HasPrefix(v, "'=") {
		t.Errorf("A7 = %q, want the neutralised label", v)
	}
}

func TestResponseTimeExports(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := incidentsServer(t, d)
			var files []string
			for _, table := range []string{"monthly", "outliers"} {
				for _, format := range []string{"csv", "xlsx"} {
					files = append(files, "/response-times/export/"+table+"."+format, "/response-times/export/"+table+"."+format+"?priority=Priority")
				}
			}
			public := newClient(t, ts)
			for _, p := range files {
				if resp, body := public.get(p); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "INC-") || strings.Contains(body, "OFFICIAL") {
					t.Errorf("public GET %s = %d", p, resp.StatusCode)
				}
			}
			c := newClient(t, ts)
			c.login("board", boardPassword)
			for _, p := range files {
				if resp, _ := c.get(p); resp.StatusCode != 200 {
					t.Errorf("GET %s = %d", p, resp.StatusCode)
				}
			}
			// The figures worked by hand in incidentsServer: August has
			// 10, 12, 14 and 120 minutes (urban), so a median of 13 and a
			// 90th percentile of 14 + 0.7 × 106 = 88.2; September 16, 18
			// (urban) and 22 (rural), 18 + 0.8 × 4 = 21.2.
			resp, body := c.get("/response-times/export/monthly.csv")
			if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename="response-times-monthly-Immediate.csv"` {
				t.Errorf("Content-Disposition %q", got)
			}
			recs := readExportCSV(t, body)
			checkMarked(t, "monthly.csv", recs, "minutes, and the shares within target in %")
			for _, want := range [][]string{
				{"Month", "Incidents", "Mean (minutes)", "Median (minutes)", "90th percentile (minutes)", "Urban within 15 minutes (%)", "Rural within 20 minutes (%)"},
				{"Aug 2021", "4", "39", "13", "88.2", "75", ""},
				{"Sep 2021", "3", "18.67", "18", "21.2", "0", "0"},
			} {
				if r := rowStarting(recs, want[0]); strings.Join(r, "|") != strings.Join(want, "|") {
					t.Errorf("row %q, want %q", r, want)
				}
			}
			_, body = c.get("/response-times/export/outliers.csv")
			recs = readExportCSV(t, body)
			checkMarked(t, "outliers.csv", recs, "minutes")
			if r := rowStarting(recs, "INC-SLOW"); r == nil || r[1] != "4 Aug 2021 22:00" || r[4] != hostile || r[5] != "120" {
				t.Errorf("outlier row %q", r)
			}
			if !strings.Contains(recs[1][0], "above 30.5 minutes or below 2.5 minutes") {
				t.Errorf("title %q should give the fences", recs[1][0])
			}
			_, body = c.get("/response-times/export/outliers.xlsx")
			f := openXLSX(t, body)
			if v, _ := f.GetCellValue("Figures", "A1"); v != "OFFICIAL-SENSITIVE" {
				t.Errorf("outliers.xlsx A1 = %q", v)
			}
			if v, _ := f.GetCellValue("Figures", "A7"); v != "INC-SLOW" {
				t.Errorf("outliers.xlsx A7 = %q", v)
			}
			if typ, _ := f.GetCellType("Figures", "F7"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("minutes are not a number: %v", typ)
			}
			_, body = c.get("/response-times/export/monthly.csv?priority=Priority")
			if r := rowStarting(readExportCSV(t, body), "Aug 2021"); r == nil || r[1] != "1" || r[2] != "60" {
				t.Errorf("the Priority incidents' row %q", r)
			}
			_, page := c.get("/response-times")
			for _, want := range []string{
				`href="/response-times/export/monthly.csv?priority=Immediate">Download CSV<span class="visually-hidden">: response times by month, Immediate incidents</span>`,
				`href="/response-times/export/outliers.xlsx?priority=Immediate">.xlsx<span class="visually-hidden"> download: every outlying response time, Immediate incidents</span>`,
			} {
				if !strings.Contains(page, want) {
					t.Errorf("the response times page lacks %s", want)
				}
			}
			for _, p := range []string{"/response-times/export/incidents.csv", "/response-times/export/monthly.json"} {
				if resp, _ := c.get(p); resp.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
				}
			}
		})
	}
}

func TestResponseTimeExportsWithNoIncidents(t *testing.T) {
	ts, _ := authServer(t, store.SQLite)
	c := newClient(t, ts)
	c.login("board", boardPassword)
	if resp, _ := c.get("/response-times/export/monthly.csv"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("no incidents: %d, want 404", resp.StatusCode)
	}
}

// The outliers table neutralises what a workbook put in its labels.
func TestOutliersExportNeutralises(t *testing.T) {
	v := responseTimesView{Priority: "=Immediate", From: "Aug 2021", To: "Aug 2021", UpperFence: "30 minutes",
		outliers: []outlierFigures{{ID: "-1+1", Month: "Aug 2021", Setting: "Urban", Area: "@North", Minutes: 99.999}}}
	var buf bytes.Buffer
	if err := spreadsheet.WriteCSV(&buf, outliersExport(v)); err != nil {
		t.Fatal(err)
	}
	recs := readExportCSV(t, buf.String())
	if r := rowStarting(recs, "'-1+1"); r == nil || r[4] != "'@North" || r[5] != "100" {
		t.Errorf("row %q", r)
	}
	if !strings.HasPrefix(recs[0][0], "Outlying response times, =Immediate") {
		t.Errorf("title %q", recs[0][0])
	}
}
