package spreadsheet

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// financeInstructions is the text of the finance template's Instructions
// sheet, one paragraph per row.
var financeInstructions = []string{
	"Assure revenue and capital monitoring workbook",
	"One file is one month of one financial year. Fill in the sheets, then upload the file or run: assure ingest FILE",
	"",
	"Which month: replace the ? in the title of the Revenue sheet (cell A1), e.g. Revenue and Capital Monitoring Report Month 5 2021/22.",
	"  M1 is April and M12 is March. The file name may say it too (Revenue and Capital Monitoring M5 2021-22.xlsx); title and name must agree.",
	"  Uploading the same month again is a revision: it replaces the earlier figures, which stay in the history.",
	"",
	"Amounts: the headings say the unit. £000 (or £k) means thousands of pounds, £m millions; a heading without a unit means whole pounds.",
	"  A unit may also sit alone in the row above a heading, or in the row below it. Negative amounts may be written -90 or (90).",
	"",
	"Revenue sheet: one line per business area (Local Policing, Investigations and Safeguarding, Non-operational, Collaboration and Partnerships, OPCC, Mutual Aid ...).",
	"  Annual budget and Forecast outturn are required. Variance, Budget to date, Actual to date and Commentary are optional.",
	"  Sign convention: variance = forecast outturn - budget, so an underspend is negative and an overspend positive.",
	"  A variance that does not equal forecast outturn - budget is reported as a warning, and shown beside the computed one.",
	"",
	"Capital sheet: one line per scheme: Approved budget, Additions approved this year, Funding source of the additions, Forecast, Commentary.",
	"  Funding source: RCCO (revenue contribution to capital), POCA (Proceeds of Crime Act), Grant, Borrowing, Capital receipts or Reserves.",
	"  A scheme funded from two sources may have two lines, one per source.",
	"",
	"Reserves sheet: one line per reserve: Opening balance, Transfers (to the reserve positive, from it negative), Forecast closing balance.",
	"",
	"A Total row (a line named Total) may end any table: it is checked against the lines above it, and a total that does not add up is an error.",
	"The header row may sit anywhere in the first 20 rows. Headings ignore case, spaces and punctuation.",
	"A file is stored whole or not at all: every problem is reported with its sheet and cell.",
}

// financeAreas are the business areas the template lists to start with.
var financeAreas = []string{
	"Local Policing", "Investigations and Safeguarding", "Non-operational",
	"Collaboration and Partnerships", "OPCC", "Mutual Aid",
}

// WriteFinanceTemplate writes a blank monitoring workbook that the ingest
// reads as a finance workbook: Instructions, Revenue, Capital and
// Reserves sheets, amounts in £000 with negatives in brackets. It needs
// the month in its title and figures on its lines before it is stored.
func WriteFinanceTemplate(w io.Writer) error {
	t := NewBook("Instructions")
	f := t.f
	for i, line := range financeInstructions {
		t.Set("Instructions", fmt.Sprintf("A%d", i+1), line)
	}
	t.ColumnWidth("Instructions", "A", "A", 140)
	bold := t.style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	title := t.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	amount := t.NumberFormat("#,##0;(#,##0)")
	t.SetStyle("Instructions", "A1", "A1", bold)

	sheets := []struct {
		name    string
		title   string
		headers []string
		labels  []string
		money   string // columns of amounts, e.g. "B:F"
	}{
		{"Revenue", "Revenue and Capital Monitoring Report Month ? 20??/??",
			[]string{"Business area", "Annual budget £000", "Budget to date £000", "Actual to date £000", "Forecast outturn £000", "Variance £000", "Commentary"},
			financeAreas, "B:F"},
		{"Capital", "Capital programme",
			[]string{"Scheme", "Approved budget £000", "Additions £000", "Funding source", "Forecast £000", "Commentary"},
			nil, "B:C"},
		{"Reserves", "Reserves",
			[]string{"Reserve", "Opening balance £000", "Transfers £000", "Forecast closing balance £000", "Commentary"},
			[]string{"General reserve"}, "B:D"},
	}
	for _, s := range sheets {
		t.AddSheet(s.name)
		t.Set(s.name, "A1", s.title)
		t.SetStyle(s.name, "A1", "A1", title)
		for i, h := range s.headers {
			t.Set(s.name, CellName(i+1, 3), h)
		}
		t.SetStyle(s.name, "A3", CellName(len(s.headers), 3), bold)
		for i, l := range s.labels {
			t.Set(s.name, fmt.Sprintf("A%d", i+4), l)
		}
		t.ColumnWidth(s.name, "A", "A", 36)
		t.ColumnWidth(s.name, "B", "G", 20)
		from, to := s.money[:1], s.money[2:]
		t.SetStyle(s.name, from+"4", to+"200", amount)
		if t.err == nil {
			t.err = f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
		}
	}
	// The capital forecast is an amount too, beyond the funding column.
	t.SetStyle("Capital", "E4", "E200", amount)

	if t.err == nil {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = "D4:D200"
		t.err = dv.SetDropList([]string{"RCCO", "POCA", "Grant", "Borrowing", "Capital receipts", "Reserves"})
		if t.err == nil {
			t.err = f.AddDataValidation("Capital", dv)
		}
	}
	return t.Write(w)
}
