package ingest

import (
	"fmt"
	"io"
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
	preamble := []string{}
	if t.Marking != "" {
		preamble = append(preamble, t.Marking)
	}
	preamble = append(preamble, t.Title)
	if t.Unit != "" {
		preamble = append(preamble, "Unit: "+t.Unit)
	}
	if t.Note != "" {
		preamble = append(preamble, t.Note)
	}
	for _, line := range preamble {
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
