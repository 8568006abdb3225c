// Package xlsx reads the cell data of .xlsx workbooks strictly, in a
// stream, and in bounded memory.
//
// Assure reads uploads with this package rather than excelize's Rows for
// three reasons, each measured: excelize's streaming reader spends nearly
// all its time in encoding/xml and runs at a few percent of the speed of
// decompressing the sheet; its Rows.Next drops XML errors, so a truncated
// or corrupt sheet reads as a short one; and it does not give a cell's
// number format, without which 0.5 under a percent format, a date serial
// and a plain number look alike.
//
// Every part is checked to be well-formed XML to its end (see scan.go): a
// sheet that is cut off, holds invalid UTF-8, an undefined entity or a
// DOCTYPE is an error, never a short sheet. Sizes are bounded by Limits.
// Memory is the shared-string table plus one row, whatever the number of
// rows. The package uses only the standard library.
package xlsx

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Errors returned by this package wrap one of these, so that a caller can
// tell a file it should reject as damaged from one that is merely too big
// or of a kind Assure does not read. The message always says which part,
// sheet, row or cell is at fault.
var (
	// ErrMalformed marks a package or XML part that is not well formed or
	// breaks a rule of SpreadsheetML that affects the data read.
	ErrMalformed = errors.New("xlsx: malformed workbook")
	// ErrLimit marks input over one of the Limits.
	ErrLimit = errors.New("xlsx: workbook over a size limit")
	// ErrUnsupported marks a package that is not an .xlsx workbook, such
	// as an .xlsb or .ods file.
	ErrUnsupported = errors.New("xlsx: unsupported file")
)

// readError carries a full message and the sentinel it wraps.
type readError struct {
	kind error
	msg  string
}

func (e *readError) Error() string { return "xlsx: " + e.msg }
func (e *readError) Unwrap() error { return e.kind }

// damagedPart says how a part that cannot be decompressed is damaged:
// corrupt compressed data, a failed checksum, or a size other than the
// one its zip header declares (archive/zip holds each part to it).
func damagedPart(part string, declared uint64, err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.As(err, &corrupt):
		return errorf(ErrMalformed, "%s: its compressed data is corrupt", part)
	case errors.Is(err, zip.ErrChecksum):
		return errorf(ErrMalformed, "%s fails its checksum", part)
	case errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(ErrMalformed, "%s: its size does not match the %d bytes its zip header declares", part, declared)
	}
	return errorf(ErrMalformed, "%s: it cannot be decompressed: %v", part, err)
}

func errorf(kind error, format string, args ...any) error {
	return &readError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// Limits bounds what reading a workbook may cost. A zero or negative field
// means the DefaultLimits value, so Limits{MaxRows: 5000} changes one bound
// and keeps the rest.
//
// Beyond these, two bounds are fixed: one tag, comment or CDATA section may
// not exceed 1 MiB, and one row's inline text (shared strings excluded) may
// not exceed 64 MiB, so a single hostile row cannot cost more than that.
type Limits struct {
	// MaxSheetXMLBytes bounds the decompressed size of one worksheet part,
	// and of the shared-strings part.
	MaxSheetXMLBytes int64
	// MaxSharedStrings bounds the number of entries in the shared-string
	// table.
	MaxSharedStrings int
	// MaxSharedStringBytes bounds the total decoded text of the
	// shared-string table, which is held in memory while the workbook is
	// open.
	MaxSharedStringBytes int64
	// MaxRows is the highest row number a sheet may use.
	MaxRows int
	// MaxCols is the highest column number (1-based) a sheet may use.
	MaxCols int
	// MaxCellBytes bounds the decoded UTF-8 text of one cell or shared
	// string.
	MaxCellBytes int
	// MaxPartBytes bounds the decompressed size of each small part:
	// workbook.xml, the relationship parts and styles.xml.
	MaxPartBytes int64
	// MaxMergedRanges bounds the merged ranges of one sheet, and
	// MaxMergedCells the cells they cover together: each covered cell may
	// be given a copy of its range's value (see Cell.Merge).
	MaxMergedRanges int
	MaxMergedCells  int
}

// DefaultLimits returns bounds that admit any workbook Excel itself can
// save with up to 5 million distinct strings, and no more:
//
//   - MaxSheetXMLBytes 2 GiB: the XML of a full-height sheet (1,048,576
//     rows) of twelve columns is about 0.4 GiB.
//   - MaxSharedStrings 5,000,000 and MaxSharedStringBytes 256 MiB: the table
//     is held in memory, so these bound the workbook's memory.
//   - MaxRows 1,048,576 and MaxCols 16,384 (column XFD): Excel's own grid,
//     so a row number past it (r="1048577", r="2147483647") is rejected at
//     once instead of being trusted.
//   - MaxCellBytes 98,301: Excel holds at most 32,767 UTF-16 code units in
//     a cell, and one code unit is at most three bytes of UTF-8.
//   - MaxPartBytes 64 MiB: styles.xml of real workbooks is under 10 MiB even
//     when bloated by copied formats.
//   - MaxMergedRanges 100,000 and MaxMergedCells 1,000,000: a report merges
//     titles, bands and labels, tens to thousands of ranges; the bounds
//     keep a hostile sheet from multiplying its cells by copies.
func DefaultLimits() Limits {
	return Limits{
		MaxSheetXMLBytes:     2 << 30,
		MaxSharedStrings:     5_000_000,
		MaxSharedStringBytes: 256 << 20,
		MaxRows:              1 << 20,
		MaxCols:              1 << 14,
		MaxCellBytes:         3 * 32767,
		MaxPartBytes:         64 << 20,
		MaxMergedRanges:      100_000,
		MaxMergedCells:       1_000_000,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	orDefault(&l.MaxSheetXMLBytes, d.MaxSheetXMLBytes)
	orDefault(&l.MaxSharedStrings, d.MaxSharedStrings)
	orDefault(&l.MaxSharedStringBytes, d.MaxSharedStringBytes)
	orDefault(&l.MaxRows, d.MaxRows)
	orDefault(&l.MaxCols, d.MaxCols)
	orDefault(&l.MaxCellBytes, d.MaxCellBytes)
	orDefault(&l.MaxPartBytes, d.MaxPartBytes)
	orDefault(&l.MaxMergedRanges, d.MaxMergedRanges)
	orDefault(&l.MaxMergedCells, d.MaxMergedCells)
	return l
}

// orDefault sets *v to d when it is zero or negative (a limit left unset).
func orDefault[T int | int64](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// maxRowBytes bounds the inline text (numbers, inline strings, formula
// results) held for one row; see Limits.
const maxRowBytes = 64 << 20

// Sheet describes one sheet of a workbook, in workbook order.
type Sheet struct {
	// Name is the sheet's name exactly as stored, trailing spaces included.
	Name string
	// State is "visible", "hidden" or "veryHidden".
	State string
	// Part is the sheet's path in the zip, e.g. "xl/worksheets/sheet1.xml".
	Part string
	// Chart is true for a chartsheet, which has no cells.
	Chart bool
}

// CellType says how a cell's Value is to be read.
type CellType uint8

// Cell types. A Date cell (t="d") is rare: Excel stores dates as Number
// cells whose Format is a date format.
const (
	Blank  CellType = iota // no value: only a formula whose result was not saved
	Number                 // Value is a decimal number as written, e.g. "0.5", "-1.2E-3"
	String                 // Value is text: shared, inline, or a formula's string result
	Bool                   // Value is "1" or "0"
	Error                  // Value is an error such as "#DIV/0!" or "#N/A"
	Date                   // Value is an ISO 8601 date or date-time (t="d")
)

var cellTypeNames = [...]string{"Blank", "Number", "String", "Bool", "Error", "Date"}

// String returns the type's name, e.g. "Number".
func (t CellType) String() string {
	if int(t) < len(cellTypeNames) {
		return cellTypeNames[t]
	}
	return "CellType(" + strconv.Itoa(int(t)) + ")"
}

// Cell is one cell holding a value or a formula. Cells with neither, which
// only carry formatting, are not returned.
type Cell struct {
	// Col is the 0-based column: A is 0.
	Col int
	// Type says how to read Value.
	Type CellType
	// Value is the cell's raw value. A Number is the text stored in the
	// file, syntactically a decimal number (never NaN, Inf or hex) within
	// float64 range; apply Format yourself. Strings are decoded (entities,
	// _xHHHH_ escapes in shared and inline strings, rich-text runs joined,
	// phonetic runs left out); line ends are LF as XML specifies.
	Value string
	// Format is the number format code of the cell's style, such as "0.0%"
	// or "dd/mm/yyyy", or "" for General. Built-in formats are given as
	// their ECMA-376 codes.
	Format string
	// Formula is true when the cell has a formula. A formula cell whose
	// result was not saved has Type Blank.
	Formula bool
	// Merge is the merged range the cell lies in, or nil. Every cell of a
	// range is returned with the value of the range's top-left cell, as a
	// person sees it; Copied tells the copies from the original.
	Merge *Range
}

// CellName returns the A1-style name of the cell at 0-based column col and
// 1-based row: CellName(0, 7) is "A7", CellName(26, 1) is "AA1". It returns
// "" when col is negative or row is less than 1.
func CellName(col, row int) string {
	if col < 0 || row < 1 {
		return ""
	}
	var b [32]byte
	i := len(b)
	for n := row; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		i--
		b[i] = byte('A' + (n-1)%26)
	}
	return string(b[i:])
}

// ParseCellRef parses an A1-style reference such as "B7" (letters in
// either case, then a row number with no leading zero) into a 0-based
// column and a 1-based row. It does not apply any Limits: the grid's size
// is the caller's to check.
func ParseCellRef(ref string) (col, row int, err error) {
	col, row, ok := parseRef([]byte(ref))
	if !ok {
		return 0, 0, errorf(ErrMalformed, "invalid cell reference %q", ref)
	}
	return col, row, nil
}

// ParseCellName is CellName's inverse: the zero-based column and the
// row of an A1 reference such as "D12"; ok is false for anything else.
func ParseCellName(ref string) (col, row int, ok bool) { return parseRef([]byte(ref)) }

// parseRef parses an A1 reference without allocating. Columns are capped at
// seven letters and rows at ten digits, which keeps both far from overflow
// while still parsing any reference past Excel's grid, so that such a
// reference is reported against the limit rather than as a syntax error.
func parseRef(b []byte) (col, row int, ok bool) {
	i := 0
	for i < len(b) && i < 8 {
		c := b[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
		i++
	}
	if i == 0 || i > 7 || i == len(b) || b[i] == '0' || len(b)-i > 10 {
		return 0, 0, false
	}
	for _, c := range b[i:] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		row = row*10 + int(c-'0')
	}
	return col - 1, row, true
}
