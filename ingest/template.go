package ingest

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// performanceInstructions is the text of the template's Instructions
// sheet, one paragraph per row.
var performanceInstructions = []string{
	"Assure performance workbook",
	"Fill in the Metrics sheet (the catalogue) and the Data sheet, then upload the file or run: assure ingest FILE",
	"",
	"Metrics sheet: one row per measure.",
	"  Id: a short stable name such as calls-999 (lower-case letters, digits and dashes). Leave blank to make one from the name.",
	"  Name: the measure as board members read it, e.g. 999 calls, average per day.",
	"  Unit: shown beside values, e.g. calls, minutes, %.",
	"  Direction: up (higher is better), down (lower is better) or none.",
	"  Target: a number, or blank when there is none.",
	"  Classification: open (may be published) or sensitive (board only). Blank means sensitive.",
	"  Category: e.g. one of the National Crime and Policing Measures, or Local priority.",
	"",
	"Data sheet (long layout): one row per measure, area and period.",
	"  Metric: the measure's Id or Name. Area: e.g. Force, North, South. Period: 2021-08, Aug-21, 2021/22 Q3 or 2021/22, or a date cell.",
	"  Value: a number. 1,234 and (404) and 50% are understood; percentages are stored in percent (50% is 50).",
	"  Blank values, .. and n/a are skipped as not available. A row whose Metric is Total is checked, not stored.",
	"",
	"Wide layout (also accepted on any sheet): Metric, Area, then one column per period, headed 2021-08, Aug-21 or a date cell.",
	"The header row may sit anywhere in the first 20 rows, below titles. Headers ignore case, spaces and punctuation.",
	"",
	"A file is stored whole or not at all: every problem is reported with its sheet and cell.",
	"Uploading a later file with the same measure, area and period replaces those values; the earlier ones stay in the history.",
}

// WritePerformanceTemplate writes a blank performance workbook that the
// ingest accepts: Instructions, Metrics and Data sheets.
func WritePerformanceTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Instructions"); err != nil {
		return err
	}
	for i, line := range performanceInstructions {
		if err := f.SetCellStr("Instructions", fmt.Sprintf("A%d", i+1), line); err != nil {
			return err
		}
	}
	if err := f.SetColWidth("Instructions", "A", "A", 120); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle("Instructions", "A1", "A1", bold); err != nil {
		return err
	}
	sheets := []struct {
		name    string
		headers []string
	}{
		{"Metrics", []string{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"}},
		{"Data", []string{"Metric", "Area", "Period", "Value"}},
	}
	for _, s := range sheets {
		if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		for i, h := range s.headers {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			if err := f.SetCellStr(s.name, cell, h); err != nil {
				return err
			}
		}
		last, _ := excelize.CoordinatesToCellName(len(s.headers), 1)
		if err := f.SetCellStyle(s.name, "A1", last, bold); err != nil {
			return err
		}
		if err := f.SetColWidth(s.name, "A", "G", 22); err != nil {
			return err
		}
		if err := f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	// Text format on Period keeps "2021-08" from turning into a date that
	// Excel then shows in a locale's own way.
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	if err := f.SetColStyle("Data", "C", text); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
