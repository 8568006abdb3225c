// Package spreadsheet writes workbooks and CSV files: the tables people
// download from the dashboard (ExportTable, with formula injection
// neutralised) and the blank templates the ingest accepts. It is the
// writing side of spreadsheets, kept apart from the readers of package
// ingest; it lives under ingest/ as the one other place that uses
// excelize.
package spreadsheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ExportTable is a table of figures to give to a spreadsheet user: a
// title, the classification marking, the unit, a header row and rows of
// text or numbers.
type ExportTable struct {
	Title   string
	Marking string // e.g. "OFFICIAL-SENSITIVE"; empty for open data
	Unit    string
	Note    string // e.g. the period covered and when it was exported
	Header  []string
	Rows    [][]any // string or float64 cells; nil for no value
}

// Neutralise makes a text cell inert in a spreadsheet: text that starts
// with =, +, -, @, a tab or a carriage return would be read as a formula
// when typed or imported, so it gets a leading apostrophe.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// preamble is the lines above the table: the marking, the title, the
// unit and the note, each when there is one.
func (t ExportTable) preamble() []string {
	var lines []string
	if t.Marking != "" {
		lines = append(lines, t.Marking)
	}
	lines = append(lines, t.Title)
	if t.Unit != "" {
		lines = append(lines, "Unit: "+t.Unit)
	}
	if t.Note != "" {
		lines = append(lines, t.Note)
	}
	return lines
}

// WriteCSV writes the table as CSV laid out as WriteXLSX lays out its
// sheet: the marking (when there is one) on the first and last lines, the
// title, unit and note, a blank line, the header and the rows. It starts
// with a byte order mark so that Excel reads UTF-8 ("£") correctly.
// Numbers are written in full; text is neutralised.
func WriteCSV(w io.Writer, t ExportTable) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for _, line := range t.preamble() {
		if err := cw.Write([]string{Neutralise(line)}); err != nil {
			return err
		}
	}
	blank := []string{""}
	if err := cw.Write(blank); err != nil {
		return err
	}
	header := make([]string, len(t.Header))
	for i, h := range t.Header {
		header[i] = Neutralise(h)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for n, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			switch v := v.(type) {
			case nil:
			case float64:
				rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
			case string:
				rec[i] = Neutralise(v)
			default:
				return fmt.Errorf("export: row %d, column %d holds a %T", n+1, i+1, v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if t.Marking != "" {
		if err := cw.Write(blank); err != nil {
			return err
		}
		if err := cw.Write([]string{t.Marking}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the table as an .xlsx workbook: the marking (when
// there is one) above and below, the title, unit and note, then the
// table with a bold, frozen header. Numbers stay numbers; text is
// neutralised.
func WriteXLSX(w io.Writer, t ExportTable) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Figures"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	row := 1
	setText := func(col, r int, s string, style int) error {
		cell, err := excelize.CoordinatesToCellName(col, r)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, cell, Neutralise(s)); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sheet, cell, cell, style)
		}
		return nil
	}
	for _, line := range t.preamble() {
		if err := setText(1, row, line, bold); err != nil {
			return err
		}
		row++
	}
	row++
	headerRow := row
	for i, h := range t.Header {
		if err := setText(i+1, row, h, bold); err != nil {
			return err
		}
	}
	row++
	for _, r := range t.Rows {
		for i, v := range r {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			var err error
			switch v := v.(type) {
			case nil:
			case float64:
				err = f.SetCellFloat(sheet, cell, v, -1, 64)
			case string:
				err = f.SetCellStr(sheet, cell, Neutralise(v))
			default:
				err = fmt.Errorf("export: cell %s holds a %T", cell, v)
			}
			if err != nil {
				return err
			}
		}
		row++
	}
	if t.Marking != "" {
		if err := setText(1, row+1, t.Marking, bold); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "A", 24); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
