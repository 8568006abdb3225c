package spreadsheet

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
	"  Benchmark (optional): a figure to compare with besides the target, e.g. a national average. Benchmark label: what it is, e.g. national average.",
	"  Derived (optional): leave blank for a measure whose values you upload. Otherwise Assure computes it from other measures' Ids:",
	"    ratio(a, b), percent(a, b), difference(a, b), per1000(a, population) or total(a, since 2021-05). It is sensitive when any input is.",
	"",
	"Data sheet (long layout): one row per measure, area and period.",
	"  Metric: the measure's Id or Name. Area: e.g. Force, North, South. Period: 2021-08, Aug-21, 2021/22 Q3 or 2021/22, or a date cell.",
	"  Value: a number. 1,234 and (404) and 50% are understood; percentages are stored in percent (50% is 50).",
	"  Blank values, .. and n/a are skipped as not available. A row whose Metric is Total is checked, not stored.",
	"",
	"Wide layout (also accepted on any sheet): Metric, Area, then one column per period, headed 2021-08, Aug-21 or a date cell.",
	"The header row may sit anywhere in the first 20 rows, below titles. Headers ignore case, spaces and punctuation.",
	"",
	"Incidents sheet (optional): one row per attended incident, for response times. Incidents are always sensitive.",
	"  Incident ID: the force's reference, e.g. CC-2108-0001, each once. Priority: e.g. Immediate.",
	"  Urban/Rural: Urban or Rural (the targets are those of the measures response-urban and response-rural, 15 and 20 minutes unless the catalogue says otherwise). Area: e.g. North.",
	"  Received and Arrived: the date and time of the call and of the first officer's arrival, e.g. 2021-08-03 14:05.",
	"  Instead of Arrived, a Minutes column may give the minutes taken; with minutes only, add a Month column (2021-08).",
	"  Each month's incidents are replaced whole by a later file that has any for that month. Leave the sheet empty, or delete it, when you have none.",
	"  Example row (type yours on the Incidents sheet, below its headings; this one is not read):",
	incidentsExample,
	"",
	"A file is stored whole or not at all: every problem is reported with its sheet and cell.",
	"Uploading a later file with the same measure, area and period replaces those values; the earlier ones stay in the history.",
}

// incidentsHeaders are the headings of the template's Incidents sheet,
// which ingest/incidents.go recognises.
var incidentsHeaders = []string{"Incident ID", "Priority", "Urban/Rural", "Area", "Received", "Arrived"}

// incidentsExample is an example row of the Incidents sheet, given in
// the instructions rather than on the sheet: a row left on the sheet
// would be stored as a real incident and counted in the response times.
const incidentsExample = "    CC-2108-0001 | Immediate | Urban | North | 2021-08-03 14:05 | 2021-08-03 14:17"

// incidentTimeFormat is the number format of the template's time columns.
var incidentTimeFormat = "yyyy-mm-dd hh:mm"

// CatalogueMeasure is one measure of the catalogue as the pre-filled
// performance template lists it: its Metrics row, and the areas it has
// figures for, each of which gets a Data row to fill in. Derived
// measures get no Data rows (their values are computed).
type CatalogueMeasure struct {
	ID, Name, Unit, Direction, Classification, Category string
	Target, Benchmark                                   *float64
	BenchmarkLabel, Derived                             string
	Areas                                               []string
}

// filledInstructions open the Instructions sheet of a pre-filled
// template, before the general ones.
var filledInstructions = []string{
	"This copy is filled in with the catalogue as it stood when it was downloaded.",
	"  Metrics sheet: one row per measure, as the catalogue holds it. Change a row only to change the catalogue: the check before storing lists every change the sheet makes.",
	"  Data sheet: one row per measure and area that has figures. Write the Period and Value of each; copy a row for each further period.",
	"  Rows left without a period and a value are skipped. Delete the rows of measures you do not report.",
	"",
}

// WritePerformanceTemplate writes a blank performance workbook that the
// ingest accepts: Instructions, Metrics, Data and Incidents sheets.
func WritePerformanceTemplate(w io.Writer) error { return WriteCatalogueTemplate(w, nil) }

// WriteCatalogueTemplate writes the performance template filled in with
// measures: each on the Metrics sheet, so that the figures are named as
// the catalogue names them, and a Data row for each of its areas, with
// period and value left for the analyst. With no measures it is the
// blank template.
func WriteCatalogueTemplate(w io.Writer, measures []CatalogueMeasure) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Instructions"); err != nil {
		return err
	}
	instructions := performanceInstructions
	if len(measures) > 0 {
		instructions = append(append(append([]string{}, performanceInstructions[:2]...), filledInstructions...), performanceInstructions[2:]...)
	}
	for i, line := range instructions {
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
		{"Metrics", []string{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category", "Benchmark", "Benchmark label", "Derived"}},
		{"Data", []string{"Metric", "Area", "Period", "Value"}},
		{"Incidents", incidentsHeaders},
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
	// Received and Arrived take a date and time as Excel shows it.
	when, err := f.NewStyle(&excelize.Style{CustomNumFmt: &incidentTimeFormat})
	if err != nil {
		return err
	}
	if err := f.SetColStyle("Incidents", "E:F", when); err != nil {
		return err
	}
	if err := fillCatalogue(f, measures); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// fillCatalogue writes measures on the Metrics sheet and their areas on
// the Data sheet, below the headings.
func fillCatalogue(f *excelize.File, measures []CatalogueMeasure) error {
	dataRow := 2
	for i, m := range measures {
		row := []any{m.ID, m.Name, m.Unit, m.Direction, blankOr(m.Target), m.Classification, m.Category, blankOr(m.Benchmark), m.BenchmarkLabel, m.Derived}
		if err := setRow(f, "Metrics", i+2, row); err != nil {
			return err
		}
		if m.Derived != "" {
			continue
		}
		for _, area := range m.Areas {
			if err := setRow(f, "Data", dataRow, []any{m.ID, area}); err != nil {
				return err
			}
			dataRow++
		}
	}
	return nil
}

// setRow writes values from column A of a row: text as text (never a
// formula, whatever it starts with), numbers as numbers, nil as blank.
func setRow(f *excelize.File, sheet string, row int, values []any) error {
	for i, v := range values {
		cell, err := excelize.CoordinatesToCellName(i+1, row)
		if err != nil {
			return err
		}
		switch v := v.(type) {
		case nil:
		case string:
			if v != "" {
				err = f.SetCellStr(sheet, cell, v)
			}
		default:
			err = f.SetCellValue(sheet, cell, v)
		}
		if err != nil {
			return fmt.Errorf("%s!%s: %w", sheet, cell, err)
		}
	}
	return nil
}

// blankOr is a figure's value, or nil for none.
func blankOr(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
