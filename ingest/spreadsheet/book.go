package spreadsheet

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// Book writes a workbook cell by cell, keeping the first error, which
// SaveAs, Write and Err give: the templates and the demo's sample
// workbooks are written with it.
type Book struct {
	f   *excelize.File
	err error
}

// NewBook starts a workbook whose first sheet is named first.
func NewBook(first string) *Book {
	b := &Book{f: excelize.NewFile()}
	b.err = b.f.SetSheetName("Sheet1", first)
	return b
}

// AddSheet adds a sheet after the others.
func (b *Book) AddSheet(name string) {
	if b.err == nil {
		_, b.err = b.f.NewSheet(name)
	}
}

// Set writes a value (text, a number, a time) into a cell such as "B4".
func (b *Book) Set(sheet, cell string, v any) {
	if b.err == nil {
		b.err = b.f.SetCellValue(sheet, cell, v)
	}
}

// SetStyle gives the cells from one corner to the other a style.
func (b *Book) SetStyle(sheet, from, to string, style int) {
	if b.err == nil {
		b.err = b.f.SetCellStyle(sheet, from, to, style)
	}
}

// NumberFormat is a style that shows numbers with a format code, such
// as "#,##0;(#,##0)".
func (b *Book) NumberFormat(code string) int { return b.style(&excelize.Style{CustomNumFmt: &code}) }

// BuiltinFormat is a style that shows numbers with a built-in format,
// by its id (9 is "0%", 17 "mmm-yy").
func (b *Book) BuiltinFormat(id int) int { return b.style(&excelize.Style{NumFmt: id}) }

// ColumnWidth sets the width of the columns from one to the other ("A",
// "C").
func (b *Book) ColumnWidth(sheet, from, to string, width float64) {
	if b.err == nil {
		b.err = b.f.SetColWidth(sheet, from, to, width)
	}
}

// style makes a style, 0 once an error is kept.
func (b *Book) style(s *excelize.Style) int {
	if b.err != nil {
		return 0
	}
	id, err := b.f.NewStyle(s)
	b.err = err
	return id
}

// Err is the first error met, nil when none.
func (b *Book) Err() error { return b.err }

// Write writes the workbook, unless an error was met; it is closed
// after.
func (b *Book) Write(w io.Writer) error {
	defer b.f.Close()
	if b.err != nil {
		return b.err
	}
	_, err := b.f.WriteTo(w)
	return err
}

// SaveAs writes the workbook to a file, unless an error was met; it is
// closed after.
func (b *Book) SaveAs(path string) error {
	defer b.f.Close()
	if b.err != nil {
		return b.err
	}
	return b.f.SaveAs(path)
}

// CellName is the name of a cell by its column and row, from 1: (2, 4)
// is "B4".
func CellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}
