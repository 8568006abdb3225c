package sample

import (
	"fmt"
	"path/filepath"

	"github.com/assure-pcc/assure/ingest/spreadsheet"
)

// The sample monitoring workbooks of 2021/22, invented to agree with the
// board minutes: at M5 a forecast underspend of £404k, with an overspend
// in Local Policing offset by an underspend in Investigations and
// Safeguarding, underspends in Non-operational and in Collaboration and
// Partnerships, and OPCC £90k under; at M9 an underspend of £1,319k, the
// same as before except Mutual Aid, whose forecast cost recovery rose
// from £500k to £800k (COP26); capital additions at M9 funded by RCCO
// (£57k Oracle, £18k Parkside fencing, £51k JPS cameras) and POCA (£40k
// DFU laptops); and a Prevention reserve of £330k created at M9. The M5
// file comes twice: a first version, then a revision that corrects
// Collaboration and Partnerships, so that the demo shows a revision.
//
// Each file states its units a different way, as real ones do: revenue in
// £000 with a unit row above the header and negatives in brackets,
// capital in whole pounds, reserves with "£000" in the headings.

// financeFile is one sample monitoring workbook.
type financeFile struct {
	name  string
	month int
	// title is the Revenue sheet's title; the M7 one names no month, so
	// that the file name gives it.
	title string
	// variances are the forecast variances in £000 by business area, in
	// FinanceAreas order.
	variances [6]int
	capital   []capitalSample
	reserves  []reserveSample
}

type capitalSample struct {
	scheme, funding               string
	approved, additions, forecast int
	commentary                    string
}

type reserveSample struct {
	reserve                     string
	opening, transfers, closing int
	commentary                  string
}

// FinanceAreas are the business areas with their 2021/22 annual budgets
// in £000 (Mutual Aid is budgeted income: £500k of cost recovery), for
// the sample monitoring workbooks and the load test's.
var FinanceAreas = []struct {
	Name   string
	Budget int
}{
	{"Local Policing", 71240},
	{"Investigations and Safeguarding", 38615},
	{"Non-operational", 29870},
	{"Collaboration and Partnerships", 24105},
	{"OPCC", 1412},
	{"Mutual Aid", -500},
}

// FinanceFiles are the file names of the sample monitoring workbooks, in
// the order they are ingested.
var FinanceFiles = []string{
	"Illustrative sample - Revenue and Capital Monitoring M3 2021-22.xlsx",
	"Illustrative sample - Revenue and Capital Monitoring M5 2021-22.xlsx",
	"Illustrative sample - Revenue and Capital Monitoring M5 2021-22 revised.xlsx",
	"Illustrative sample - Revenue and Capital Monitoring M7 2021-22.xlsx",
	"Illustrative sample - Revenue and Capital Monitoring M9 2021-22.xlsx",
}

func financeSamples() []financeFile {
	capital := func(m int) []capitalSample {
		vehicles := map[int]int{3: 1850000, 5: 1850000, 7: 1790000, 9: 1760000}[m]
		parkside := 2400000
		storage := 420000
		delegated := "Within budget"
		if m >= 5 {
			delegated = "Includes the purchase of a digital van, a capital amendment noted at M5"
		}
		storageNote := ""
		if m >= 9 {
			parkside = 2250000
			storage = 363000
			storageNote = "£57k transferred to the new Oracle project"
		}
		c := []capitalSample{
			{"Vehicle replacement programme", "Borrowing", 1850000, 0, vehicles, "Slippage in vehicle deliveries"},
			{"Parkside refurbishment", "Capital receipts", 2400000, 0, parkside, ""},
			{"ICT infrastructure storage", "RCCO", 420000, 0, storage, storageNote},
			{"Chief Constable's delegated capital budget", "RCCO", 250000, 0, 250000, delegated},
			{"Body-worn video refresh", "Grant", 310000, 0, 310000, ""},
		}
		if m >= 9 {
			c = append(c,
				capitalSample{"Oracle project", "RCCO", 0, 57000, 57000, "Transfer from the ICT infrastructure storage project"},
				capitalSample{"Parkside security fencing", "RCCO", 0, 18000, 18000, ""},
				capitalSample{"Digital Forensics Unit (DFU) laptops", "POCA", 0, 40000, 40000, "Proceeds of Crime Act funding"},
				capitalSample{"JPS mobile phone cameras (Cambs share)", "RCCO", 0, 51000, 51000, "Joint Protective Services"},
			)
		}
		return c
	}
	reserves := func(m int) []reserveSample {
		ict := -650
		ictNote := "Planned use for the ICT programme"
		if m >= 9 {
			ict = -420
			ictNote = "Underspend in the reserves plan for ICT: costs are being rephased"
		}
		r := []reserveSample{
			{"General reserve", 6200, 0, 6200, ""},
			{"Budget support reserve", 2850, -500, 2350, ""},
			{"ICT reserve", 1400, ict, 1400 + ict, ictNote},
			{"Insurance reserve", 900, 0, 900, ""},
		}
		if m >= 9 {
			r = append(r, reserveSample{"Prevention reserve", 0, 330, 330, "Created from the Prevention budget underspend of £330k"})
		}
		return r
	}
	return []financeFile{
		{FinanceFiles[0], 3, "Revenue and Capital Monitoring Report Month 3 2021/22",
			[6]int{300, -260, -110, -70, -40, 0}, capital(3), reserves(3)},
		{FinanceFiles[1], 5, "Revenue and Capital Monitoring Report Month 5 2021/22",
			[6]int{512, -498, -186, -124, -90, 0}, capital(5), reserves(5)},
		{FinanceFiles[2], 5, "Revenue and Capital Monitoring Report Month 5 2021/22 (revised)",
			[6]int{512, -498, -186, -142, -90, 0}, capital(5), reserves(5)},
		{FinanceFiles[3], 7, "Revenue and Capital Monitoring Report",
			[6]int{640, -820, -390, -285, -164, 0}, capital(7), reserves(7)},
		{FinanceFiles[4], 9, "Revenue and Capital Monitoring Report M9 2021/22",
			[6]int{640, -820, -390, -285, -164, -300}, capital(9), reserves(9)},
	}
}

// areaCommentary is the commentary of a business area at month m, given
// its variance.
func areaCommentary(area string, m, variance int) string {
	switch area {
	case "Local Policing":
		return "Overtime and agency costs above budget"
	case "Investigations and Safeguarding":
		return "Vacancies in investigation teams ahead of recruitment"
	case "Non-operational":
		return "Estates and fleet running costs below budget"
	case "Collaboration and Partnerships":
		return "Lower contributions to collaborated units"
	case "OPCC":
		if m >= 9 {
			return "After transferring the £330k Prevention budget underspend to a new Prevention reserve; the group position, after interest payments, is a £42k underspend"
		}
		return fmt.Sprintf("Office running costs below budget (£%dk)", -variance)
	case "Mutual Aid":
		if m >= 9 {
			return "Forecast cost recovery raised from £500k to £800k: income expected from policing COP26"
		}
		return "Cost recovery of £500k forecast, as budgeted"
	}
	return ""
}

// WriteFinance writes the sample monitoring workbooks into dir and
// returns their paths in FinanceFiles order.
func WriteFinance(dir string) ([]string, error) {
	var paths []string
	for _, s := range financeSamples() {
		path := filepath.Join(dir, s.name)
		if err := writeFinanceFile(path, s); err != nil {
			return nil, fmt.Errorf("sample %s: %w", s.name, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func writeFinanceFile(path string, s financeFile) error {
	w := spreadsheet.NewBook("Cover")
	w.Set("Cover", "A1", "Illustrative sample data: not real figures")
	w.Set("Cover", "A2", "Revenue and capital monitoring, made up for the Assure demonstration in the spirit of the Business Coordination Board minutes.")
	for _, name := range []string{"Revenue", "Capital", "Reserves"} {
		w.AddSheet(name)
	}
	money := w.NumberFormat("#,##0;(#,##0)")

	// Revenue, in £000: the unit in a row of its own above the header.
	w.Set("Revenue", "A1", s.title)
	for _, col := range []string{"B", "C", "D", "E", "F"} {
		w.Set("Revenue", col+"2", "£000")
	}
	for i, h := range []string{"Business area", "Annual budget", "Budget to date", "Actual to date", "Forecast outturn", "Variance", "Commentary"} {
		w.Set("Revenue", cell(i+1, 3), h)
	}
	var tb, tbtd, tatd, tf, tv int
	for i, a := range FinanceAreas {
		row := 4 + i
		v := s.variances[i]
		btd := roundDiv(a.Budget*s.month, 12)
		atd := btd + roundDiv(v*s.month, 12)
		setRow(w, "Revenue", row, a.Name, a.Budget, btd, atd, a.Budget+v, v, areaCommentary(a.Name, s.month, v))
		tb, tbtd, tatd, tf, tv = tb+a.Budget, tbtd+btd, tatd+atd, tf+a.Budget+v, tv+v
	}
	total := 4 + len(FinanceAreas)
	setRow(w, "Revenue", total, "Total", tb, tbtd, tatd, tf, tv)
	w.SetStyle("Revenue", "B4", cell(6, total), money)

	// Capital, in whole pounds.
	w.Set("Capital", "A1", "Capital programme 2021/22")
	for i, h := range []string{"Scheme", "Approved budget £", "Additions £", "Funding source", "Forecast £", "Commentary"} {
		w.Set("Capital", cell(i+1, 2), h)
	}
	var ca, cad, cf int
	for i, c := range s.capital {
		setRow(w, "Capital", 3+i, c.scheme, c.approved, c.additions, c.funding, c.forecast, unlessEmpty(c.commentary))
		ca, cad, cf = ca+c.approved, cad+c.additions, cf+c.forecast
	}
	total = 3 + len(s.capital)
	setRow(w, "Capital", total, "Total capital programme", ca, cad, nil, cf)

	// Reserves, with the unit in each heading.
	for i, h := range []string{"Reserve", "Opening balance £000", "Transfers to/(from) £000", "Forecast closing balance £000", "Commentary"} {
		w.Set("Reserves", cell(i+1, 1), h)
	}
	var ro, rt, rc int
	for i, r := range s.reserves {
		setRow(w, "Reserves", 2+i, r.reserve, r.opening, r.transfers, r.closing, unlessEmpty(r.commentary))
		ro, rt, rc = ro+r.opening, rt+r.transfers, rc+r.closing
	}
	total = 2 + len(s.reserves)
	setRow(w, "Reserves", total, "Total", ro, rt, rc)
	w.SetStyle("Reserves", "B2", cell(4, total), money)
	for _, sheet := range []string{"Revenue", "Capital", "Reserves"} {
		w.ColumnWidth(sheet, "A", "A", 40)
	}
	return w.SaveAs(path)
}

// setRow writes values into a sheet's row from column A on, one a cell;
// a nil value leaves its cell blank.
func setRow(w *spreadsheet.Book, sheet string, row int, values ...any) {
	for i, v := range values {
		if v != nil {
			w.Set(sheet, cell(i+1, row), v)
		}
	}
}

// unlessEmpty is s, or nil (a blank cell for setRow) when s is empty.
func unlessEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// roundDiv is a/b rounded half away from zero.
func roundDiv(a, b int) int {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}
