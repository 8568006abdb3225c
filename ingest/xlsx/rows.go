package xlsx

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Rows reads one sheet's cells row by row, in one pass over the sheet's
// XML. Use it like bufio.Scanner:
//
//	rows, err := wb.Rows("Data")
//	if err != nil { ... }
//	defer rows.Close()
//	for rows.Next() {
//		for _, c := range rows.Cells() { ... }
//	}
//	if err := rows.Err(); err != nil { ... } // the sheet must be rejected
//
// Next returns false only once the whole part, including everything after
// <sheetData>, has been read to its end and checked, so Err is nil only
// for a sheet that is complete and well formed.
type Rows struct {
	wb      *Workbook
	name    string
	rc      io.ReadCloser
	s       scanner
	lim     Limits
	state   uint8
	done    bool
	err     error
	rowNum  int // the current row
	prevRow int // the last row read, with cells or without
	inRow   bool
	cells   []Cell
	spans   []span
	scratch []byte
	rowMax  int // maxRowBytes; lowered by tests
	merge   mergeState
	// ahead is set once ReadAhead has moved the reading to a goroutine.
	ahead *rowsAhead
}

// span locates a cell's value in the row's text; start < 0 means the value
// is already in Cell.Value (a shared string or a boolean).
type span struct{ start, end int }

const (
	stBefore uint8 = iota // before <sheetData>
	stIn                  // inside <sheetData>
	stAfter               // after </sheetData>
)

// Rows opens the named sheet (matched as by Sheet) for reading. A
// chartsheet has no cells and is refused.
func (w *Workbook) Rows(name string) (*Rows, error) {
	sh, ok := w.Sheet(name)
	if !ok {
		return nil, errorf(nil, "no sheet %q", name)
	}
	if sh.Chart {
		return nil, errorf(ErrUnsupported, "sheet %q is a chartsheet: it has no cells", sh.Name)
	}
	r := &Rows{wb: w, name: sh.Name, lim: w.lim, rowMax: maxRowBytes}
	if f := w.file(sh.Part); f != nil && f.UncompressedSize64 <= uint64(w.lim.MaxSheetXMLBytes) {
		if err := w.startMerges(r, sh, f.UncompressedSize64); err != nil {
			return nil, err
		}
	}
	rc, err := w.openPart(sh.Part, w.lim.MaxSheetXMLBytes, &r.s)
	if err != nil {
		// Had the merged cells been read first, their error might have
		// been the one reported: MergesLate checks.
		r.leaveUnchecked()
		var e *readError
		if errors.As(err, &e) {
			return nil, errorf(e.kind, "sheet %q: %s", sh.Name, e.msg)
		}
		return nil, err
	}
	r.rc = rc
	return r, nil
}

// rowsFrom reads sheet XML from rc as the sheet called name; the fuzz test
// uses it to skip building a zip for each input.
func (w *Workbook) rowsFrom(name string, rc io.ReadCloser) *Rows {
	r := &Rows{wb: w, name: name, lim: w.lim, rc: rc, rowMax: maxRowBytes}
	r.s.reset(rc, name+".xml", w.lim.MaxSheetXMLBytes)
	return r
}

// Next advances to the next row that has at least one cell with a value or
// a formula. It returns false at the end of the sheet or on error; see Err.
func (r *Rows) Next() bool {
	if r.done {
		return false
	}
	if r.ahead != nil {
		return r.nextAhead()
	}
	r.cells = r.cells[:0]
	if r.state == stBefore && !r.toSheetData() {
		return r.stop()
	}
	for r.state == stIn {
		switch r.s.next() {
		case tokStart:
			if string(r.s.local()) != "row" {
				r.fail(ErrMalformed, "unexpected <%s> in <sheetData> after row %d", r.s.local(), r.prevRow)
				return r.stop()
			}
			if !r.readRow() {
				return r.stop()
			}
			if len(r.cells) > 0 {
				return true
			}
		case tokEnd:
			r.state = stAfter
		default:
			r.scanFail()
			return r.stop()
		}
	}
	if r.awaitMerges() {
		r.toEOF()
	}
	return r.stop()
}

// RowNum returns the 1-based number of the current row.
func (r *Rows) RowNum() int { return r.rowNum }

// Cells returns the current row's cells in column order. The slice is
// reused by the next call to Next: copy it to keep it. The strings in it
// are not reused and may be kept.
func (r *Rows) Cells() []Cell { return r.cells }

// Err returns the error that ended the reading, or nil if the sheet was
// read completely. It is non-nil if the XML was malformed or truncated, a
// cell broke a rule (order, shared-string index, type), a limit was
// exceeded, or the zip could not be read.
func (r *Rows) Err() error { return r.err }

// Close releases the sheet's part. It may be called at any time, more than
// once; reading stops.
func (r *Rows) Close() error {
	r.leaveUnchecked()
	r.done = true
	r.cells = r.cells[:0]
	if r.ahead != nil {
		r.ahead.close()
	}
	if r.rc == nil {
		return nil
	}
	err := r.rc.Close()
	r.rc = nil
	return err
}

func (r *Rows) stop() bool {
	r.Close()
	return false
}

func (r *Rows) fail(kind error, format string, args ...any) {
	if r.err == nil {
		r.err = errorf(kind, "sheet %q: %s", r.name, fmt.Sprintf(format, args...))
	}
}

// scanFail turns the scanner's error into the sheet's, saying where.
func (r *Rows) scanFail() {
	where := fmt.Sprintf("after row %d", r.prevRow)
	if r.inRow {
		where = fmt.Sprintf("in row %d", r.rowNum)
	}
	if e, ok := r.s.err.(*readError); ok {
		r.fail(e.kind, "%s (%s)", e.msg, where)
		return
	}
	r.fail(ErrMalformed, "%v", r.s.err)
}

// toSheetData checks the root element and skips (validating) what comes
// before <sheetData>.
func (r *Rows) toSheetData() bool {
	s := &r.s
	for {
		switch s.next() {
		case tokStart:
			if s.depth() == 1 {
				switch string(s.local()) {
				case "worksheet", "macrosheet", "dialogsheet":
				default:
					r.fail(ErrMalformed, "%s: root element is <%s>, not a worksheet", s.part, s.local())
					return false
				}
				continue
			}
			if string(s.local()) == "sheetData" {
				r.state = stIn
				return true
			}
			if !s.skip() {
				r.scanFail()
				return false
			}
		case tokEnd:
			r.fail(ErrMalformed, "%s has no <sheetData>", s.part)
			return false
		default:
			r.scanFail()
			return false
		}
	}
}

// toEOF reads and checks the rest of the part after </sheetData>:
// hyperlinks, page setup and the like are not returned, but a sheet whose
// end is damaged is still rejected, and the merged cells must be those
// the quick pass found (see merge.go).
func (r *Rows) toEOF() {
	s := &r.s
	for {
		switch s.next() {
		case tokStart:
			if s.depth() == 2 && string(s.local()) == "sheetData" {
				r.fail(ErrMalformed, "%s has a second <sheetData>", s.part)
				return
			}
			if s.depth() == 2 && string(s.local()) == "mergeCells" {
				continue
			}
			if s.depth() == 3 && string(s.local()) == "mergeCell" && !r.checkMergeTag() {
				return
			}
			if !s.skip() {
				r.scanFail()
				return
			}
		case tokEnd:
		case tokEOF:
			r.state = stAfter
			r.mergesComplete()
			return
		default:
			r.scanFail()
			return
		}
	}
}

// readRow reads a <row> whose start tag was just scanned.
func (r *Rows) readRow() bool {
	if !r.adoptIfReady() {
		return false
	}
	s := &r.s
	r.cells, r.spans, s.text = r.cells[:0], r.spans[:0], s.text[:0]
	num, inferred := r.prevRow+1, true
	r.inRow = true
	if v, ok := s.attr("r", &r.scratch); ok {
		n, ok := parseIndex(v)
		if !ok || n == 0 {
			r.fail(ErrMalformed, "row after row %d has invalid number %q", r.prevRow, v)
			return false
		}
		num, inferred = n, false
	}
	if !r.setRow(num) {
		return false
	}
	col := -1
	for {
		switch s.next() {
		case tokStart:
			switch string(s.local()) {
			case "c":
				if !r.readCell(&col, &inferred) {
					return false
				}
			case "extLst":
				if !s.skip() {
					r.scanFail()
					return false
				}
			default:
				r.fail(ErrMalformed, "row %d: unexpected <%s>", r.rowNum, s.local())
				return false
			}
		case tokEnd:
			r.prevRow, r.inRow = r.rowNum, false
			r.finishRow()
			return r.mergeRow()
		default:
			r.scanFail()
			return false
		}
	}
}

// setRow checks and sets the current row number.
func (r *Rows) setRow(num int) bool {
	if num > r.lim.MaxRows {
		r.fail(ErrLimit, "row %d is beyond MaxRows (%d)", num, r.lim.MaxRows)
		return false
	}
	if num <= r.prevRow {
		if num == r.prevRow {
			r.fail(ErrMalformed, "row %d appears twice", num)
		} else {
			r.fail(ErrMalformed, "row %d comes after row %d: rows must be in increasing order", num, r.prevRow)
		}
		return false
	}
	r.rowNum = num
	return true
}

// Cell type codes from the t attribute.
const (
	tNumber byte = iota
	tShared
	tInline
	tStr
	tBool
	tError
	tDate
)

// readCell reads a <c> whose start tag was just scanned. col is the
// previous cell's column in this row; inferred says the row number was
// counted rather than given, so the first cell reference may set it.
func (r *Rows) readCell(col *int, inferred *bool) bool {
	s := &r.s
	lim := &r.lim
	typ, style := tNumber, 0
	c, hasRef := *col+1, false
	for i := range s.attrs {
		local, prefixed := s.attrName(i)
		if prefixed {
			continue
		}
		switch string(local) {
		case "r":
			v := s.attrValue(i, &r.scratch)
			cc, row, ok := parseRef(v)
			if !ok {
				r.fail(ErrMalformed, "row %d: invalid cell reference %q", r.rowNum, v)
				return false
			}
			if cc >= lim.MaxCols {
				r.fail(ErrLimit, "cell %s: column %d is beyond MaxCols (%d)", v, cc+1, lim.MaxCols)
				return false
			}
			if row != r.rowNum {
				if !*inferred {
					r.fail(ErrMalformed, "cell %s is inside row %d", v, r.rowNum)
					return false
				}
				if !r.setRow(row) {
					return false
				}
			}
			*inferred = false
			c, hasRef = cc, true
		case "s":
			v := s.attrValue(i, &r.scratch)
			if len(v) > 0 { // s="" is written by some tools and means style 0
				n, ok := parseIndex(v)
				if !ok {
					r.fail(ErrMalformed, "row %d: cell after column %d has invalid style %q", r.rowNum, *col+1, v)
					return false
				}
				style = n
			}
		case "t":
			v := s.attrValue(i, &r.scratch)
			switch string(v) {
			case "n":
				typ = tNumber
			case "s":
				typ = tShared
			case "inlineStr":
				typ = tInline
			case "str":
				typ = tStr
			case "b":
				typ = tBool
			case "e":
				typ = tError
			case "d":
				typ = tDate
			default:
				r.fail(ErrMalformed, "row %d: cell has unknown type t=%q", r.rowNum, v)
				return false
			}
		}
	}
	if !hasRef && c >= lim.MaxCols {
		r.fail(ErrLimit, "row %d: cell %d is beyond MaxCols (%d)", r.rowNum, c+1, lim.MaxCols)
		return false
	}
	if c <= *col {
		name := CellName(c, r.rowNum)
		if c == *col {
			r.fail(ErrMalformed, "cell %s appears twice", name)
		} else {
			r.fail(ErrMalformed, "cell %s comes after cell %s: cells must be in increasing column order", name, CellName(*col, r.rowNum))
		}
		return false
	}
	*col = c

	cell := Cell{Col: c}
	if style > 0 || len(r.wb.formats) > 0 {
		if style >= len(r.wb.formats) {
			r.fail(ErrMalformed, "cell %s: style %d is not defined (styles.xml has %d cell formats)", CellName(c, r.rowNum), style, len(r.wb.formats))
			return false
		}
		cell.Format = r.wb.formats[style]
	}
	// The first cell fixes a counted row number; see readRow.
	*inferred = false
	v, is := span{-1, -1}, span{-1, -1}
	start := len(s.text)
	if !r.cellContent(&cell, &v, &is) {
		return false
	}
	if !r.addCell(cell, typ, v, is) {
		return false
	}
	if n := len(r.spans); n == 0 || r.cells[n-1].Col != c || r.spans[n-1].start < 0 {
		// The cell was left out, or its value is not in the row's text
		// (a shared string, a boolean): its text is not kept.
		s.text = s.text[:start]
	}
	if len(s.text) > r.rowMax {
		r.fail(ErrLimit, "row %d holds more than %d bytes of text", r.rowNum, r.rowMax)
		return false
	}
	return true
}

// cellContent reads the children of <c>: the value <v>, the formula <f>
// (only noted) and the inline string <is>.
func (r *Rows) cellContent(cell *Cell, v, is *span) bool {
	s := &r.s
	for {
		// The common cases whole (plain_text.go); the caps are those the
		// tokens' capture would apply.
		if v.start < 0 {
			if text, n := s.plainText("<v>", "</v>", 1); n > 0 && len(text) <= r.lim.MaxCellBytes {
				v.start = len(s.text)
				s.takePlain(text, n)
				v.end = len(s.text)
				continue
			}
		}
		if is.start < 0 {
			if text, n := s.plainText("<is><t>", "</t></is>", 2); n > 0 && len(text) <= 7*r.lim.MaxCellBytes {
				is.start = len(s.text)
				s.takePlain(text, n)
				is.end = len(s.text)
				continue
			}
		}
		switch s.next() {
		case tokStart:
			switch string(s.local()) {
			case "v":
				if v.start >= 0 {
					r.fail(ErrMalformed, "cell %s has two values", CellName(cell.Col, r.rowNum))
					return false
				}
				v.start = len(s.text)
				s.capture, s.capMax = true, v.start+r.lim.MaxCellBytes
				k := s.next()
				s.capture = false
				if k == tokStart {
					r.fail(ErrMalformed, "cell %s: element <%s> inside <v>", CellName(cell.Col, r.rowNum), s.local())
					return false
				}
				if k != tokEnd {
					return r.cellScanFail(cell)
				}
				v.end = len(s.text)
			case "f":
				cell.Formula = true
				if !s.skip() {
					return r.cellScanFail(cell)
				}
			case "is":
				if is.start >= 0 {
					r.fail(ErrMalformed, "cell %s has two inline strings", CellName(cell.Col, r.rowNum))
					return false
				}
				is.start = len(s.text)
				if !r.inlineString(cell, is.start) {
					return false
				}
				is.end = len(s.text)
			case "extLst":
				if !s.skip() {
					return r.cellScanFail(cell)
				}
			default:
				r.fail(ErrMalformed, "cell %s: unexpected <%s>", CellName(cell.Col, r.rowNum), s.local())
				return false
			}
		case tokEnd:
			return true
		default:
			return r.cellScanFail(cell)
		}
	}
}

// inlineString reads <is>: text of <t> and of <r><t> runs, joined; the
// phonetic guide <rPh> is not part of the value.
func (r *Rows) inlineString(cell *Cell, start int) bool {
	s := &r.s
	d := s.depth()
	inRun := false
	for {
		switch s.next() {
		case tokStart:
			local := string(s.local())
			switch {
			case s.capture:
				r.fail(ErrMalformed, "cell %s: element <%s> inside <t>", CellName(cell.Col, r.rowNum), s.local())
				return false
			case local == "t" && (s.depth() == d+1 || (inRun && s.depth() == d+2)):
				// Escapes shrink when decoded, so the raw text may be up to
				// seven times the decoded limit checked in addCell.
				s.capture, s.capMax = true, start+7*r.lim.MaxCellBytes
			case local == "r" && s.depth() == d+1:
				inRun = true
			default:
				if !s.skip() {
					return r.cellScanFail(cell)
				}
			}
		case tokEnd:
			switch {
			case s.capture:
				s.capture = false
			case s.depth() < d:
				return true
			default:
				inRun = false
			}
		default:
			s.capture = false
			return r.cellScanFail(cell)
		}
	}
}

func (r *Rows) cellScanFail(cell *Cell) bool {
	r.s.capture = false
	if r.s.err == errCapture {
		r.fail(ErrLimit, "cell %s: text is longer than MaxCellBytes (%d bytes)", CellName(cell.Col, r.rowNum), r.lim.MaxCellBytes)
		return false
	}
	r.scanFail()
	return false
}

// addCell settles the cell's type and value and appends it to the row.
// A cell with neither a value nor a formula only carries formatting and is
// left out.
func (r *Rows) addCell(cell Cell, typ byte, v, is span) bool {
	s := &r.s
	text := s.text
	hasV := v.start >= 0
	var val span
	trimmed := func() span {
		a, b := v.start, v.end
		for a < b && isSpace(text[a]) {
			a++
		}
		for b > a && isSpace(text[b-1]) {
			b--
		}
		return span{a, b}
	}
	bad := func(kind error, format string, args ...any) bool {
		r.fail(kind, "cell %s: %s", CellName(cell.Col, r.rowNum), fmt.Sprintf(format, args...))
		return false
	}
	switch typ {
	case tNumber:
		if hasV {
			val = trimmed()
		}
		if !hasV || val.start == val.end {
			hasV = false
			break
		}
		if !numberOK(text[val.start:val.end]) {
			return bad(ErrMalformed, "%q is not a finite decimal number", text[val.start:val.end])
		}
		cell.Type = Number
	case tShared:
		if !hasV {
			break
		}
		t := trimmed()
		if t.start == t.end {
			return bad(ErrMalformed, "shared-string cell has an empty value")
		}
		n, ok := parseIndex(text[t.start:t.end])
		if !ok || n >= len(r.wb.sst) {
			return bad(ErrMalformed, "shared string index %q is out of range (the table has %d strings)", text[t.start:t.end], len(r.wb.sst))
		}
		cell.Type, cell.Value, val = String, r.wb.sst[n], span{-1, -1}
	case tInline:
		switch {
		case is.start >= 0:
			// <is> is the value of an inline string; a <v> beside it, which
			// some writers add, is ignored as Excel ignores it.
			out := unescapeX(text[is.start:is.end])
			if len(out) > r.lim.MaxCellBytes {
				return bad(ErrLimit, "text is longer than MaxCellBytes (%d bytes)", r.lim.MaxCellBytes)
			}
			val, hasV = span{is.start, is.start + len(out)}, true
		case hasV:
			out := unescapeX(text[v.start:v.end])
			val = span{v.start, v.start + len(out)}
		}
		cell.Type = String
	case tStr:
		val, cell.Type = v, String
	case tBool:
		if !hasV {
			break
		}
		t := trimmed()
		b, err := parseBool(text[t.start:t.end])
		if err != nil {
			return bad(ErrMalformed, "boolean cell holds %q", text[t.start:t.end])
		}
		cell.Type, cell.Value, val = Bool, "0", span{-1, -1}
		if b {
			cell.Value = "1"
		}
	case tError, tDate:
		if !hasV {
			break
		}
		val = trimmed()
		if val.start == val.end {
			return bad(ErrMalformed, "empty value in an error or date cell")
		}
		cell.Type = Error
		if typ == tDate {
			cell.Type = Date
		}
	}
	if !hasV {
		if !cell.Formula {
			return true
		}
		// A formula whose result was not saved: the caller decides.
		cell.Type, cell.Value, val = Blank, "", span{-1, -1}
	}
	r.cells = append(r.cells, cell)
	r.spans = append(r.spans, val)
	return true
}

// finishRow gives the row's inline values their strings: one allocation
// per row, whatever the number of cells.
func (r *Rows) finishRow() {
	var str string
	for i, sp := range r.spans {
		if sp.start < 0 {
			continue
		}
		if str == "" && len(r.s.text) > 0 {
			str = string(r.s.text)
		}
		r.cells[i].Value = str[sp.start:sp.end]
	}
}

// parseIndex parses a non-negative decimal integer of at most ten digits.
func parseIndex(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// numberOK reports whether b is a decimal number within float64 range:
// an optional sign, digits with an optional point, an optional exponent.
// strconv.ParseFloat would also accept "NaN", "Inf" and hexadecimal, which
// no spreadsheet writes and which break JSON and SQL downstream; numbers
// that might overflow (more than 300 decimal orders of magnitude) are
// checked exactly, the rest cost no allocation.
func numberOK(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	digits, intSig := 0, 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		if intSig > 0 || b[i] != '0' {
			intSig++
		}
		digits++
		i++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			digits++
			i++
		}
	}
	if digits == 0 {
		return false
	}
	exp := 0
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if exp < 100000 {
				exp = exp*10 + int(b[i]-'0')
			}
			i++
		}
		if i == start {
			return false
		}
	}
	if i != len(b) {
		return false
	}
	if intSig+exp >= 300 {
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil && (f > 1e308 || f < -1e308) {
			return false
		}
	}
	return true
}
