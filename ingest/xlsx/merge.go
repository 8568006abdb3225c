package xlsx

import (
	"bytes"
	"io"
	"runtime"
	"slices"
)

// Merged cells.
//
// A person reads a merged cell as its one value spread over the whole
// range: "£000" merged across the Budget, Forecast and Variance columns
// is the unit of all three, and "2021/22" merged over Q1 to Q4 is the
// year of each quarter. The file stores the value in the range's top-left
// cell only, and lists the ranges in <mergeCells> after <sheetData>, so a
// reader that takes cells as they come sees the value in one column.
//
// Rows therefore learns a sheet's merged ranges before it reads the rows
// (a quick pass that decompresses the part and looks for <mergeCell>
// tags), and gives every cell of a range a copy of the top-left cell's
// value, with Cell.Merge set. The main pass, which checks the whole part
// as XML, then confirms that the ranges it meets after <sheetData> are
// exactly those of the quick pass, so a <mergeCell> hidden in a comment
// cannot change what is read. A workbook may run a large sheet's quick
// pass beside the rows instead (merge_alongside.go).

// Range is a rectangle of cells: columns Left to Right (0-based) and rows
// Top to Bottom (1-based), inclusive.
type Range struct {
	Left, Top, Right, Bottom int
}

// String returns the range as a spreadsheet writes it, e.g. "B4:D4".
func (r Range) String() string {
	return CellName(r.Left, r.Top) + ":" + CellName(r.Right, r.Bottom)
}

// Cols is the number of columns the range spans.
func (r Range) Cols() int { return r.Right - r.Left + 1 }

// Rows is the number of rows the range spans.
func (r Range) Rows() int { return r.Bottom - r.Top + 1 }

// IsAnchor reports whether the cell at col, row is the range's top-left
// cell, the one that holds the value in the file.
func (r Range) IsAnchor(col, row int) bool { return col == r.Left && row == r.Top }

// Copied reports whether c, read in row, is a copy of a merged cell's
// value rather than the value itself: it lies in a merged range but not
// at its top-left. A reader that counts values (not labels) must refuse
// such a cell, since the one value would be counted once per cell.
func (c Cell) Copied(row int) bool {
	return c.Merge != nil && !c.Merge.IsAnchor(c.Col, row)
}

// ParseRange parses "B4:D4" (or a single cell "B4") into a Range.
func ParseRange(ref string) (Range, error) {
	a, b, found := bytes.Cut([]byte(ref), []byte(":"))
	c1, r1, ok := parseRef(a)
	if !ok {
		return Range{}, errorf(ErrMalformed, "invalid range %q", ref)
	}
	c2, r2 := c1, r1
	if found {
		if c2, r2, ok = parseRef(b); !ok {
			return Range{}, errorf(ErrMalformed, "invalid range %q", ref)
		}
	}
	return Range{Left: min(c1, c2), Top: min(r1, r2), Right: max(c1, c2), Bottom: max(r1, r2)}, nil
}

// mergeTag is what the quick pass looks for: the local name of the
// element listing one merged range.
var mergeTag = []byte("mergeCell")

// scanMergeRefs calls fn with the ref attribute of each <mergeCell> tag in
// r, in order, looking only at the bytes: it is a search, not a parse, and
// its answer is checked by the main pass.
func scanMergeRefs(r io.Reader, fn func(ref []byte) error) error {
	const chunk = 256 << 10
	buf := make([]byte, 0, 2*chunk)
	eof := false
	for {
		if !eof {
			n := len(buf)
			buf = slices.Grow(buf, chunk)[:n+chunk]
			m, err := io.ReadFull(r, buf[n:])
			buf = buf[:n+m]
			switch err {
			case nil:
			case io.EOF, io.ErrUnexpectedEOF:
				eof = true
			default:
				return err
			}
		}
		i := 0
		for {
			j := bytes.Index(buf[i:], mergeTag)
			if j < 0 {
				// Keep a tail that may hold the start of a split tag name.
				i = max(i, len(buf)-len(mergeTag)-1)
				break
			}
			j += i
			end := bytes.IndexByte(buf[j:], '>')
			if end < 0 {
				i = max(j-1, 0) // the tag goes on in the next chunk
				break
			}
			tag := buf[j+len(mergeTag) : j+end]
			i = j + end + 1
			// An element <mergeCell ...> or <x:mergeCell ...>, not
			// <mergeCells> or text that happens to hold the word.
			if j == 0 || (buf[j-1] != '<' && buf[j-1] != ':') || len(tag) == 0 || !isSpace(tag[0]) {
				continue
			}
			if ref, ok := refAttr(tag); ok {
				if err := fn(ref); err != nil {
					return err
				}
			}
		}
		if eof {
			return nil
		}
		// Yielding to a server's readers after each chunk, as the
		// inflating and scanning goroutines do (see ingest's yieldEvery):
		// the pass may run beside the rows, and a request would wait.
		runtime.Gosched()
		if i > len(buf) {
			i = len(buf)
		}
		buf = append(buf[:0], buf[i:]...)
		if len(buf) > chunk {
			// A single tag longer than a chunk is no <mergeCell> Excel
			// writes; the main pass judges the XML itself.
			buf = buf[len(buf)-len(mergeTag)-1:]
		}
	}
}

// refAttr finds ref="..." (or '...') among a tag's attributes.
func refAttr(tag []byte) ([]byte, bool) {
	for i := 0; i+4 < len(tag); i++ {
		if !isSpace(tag[i]) || string(tag[i+1:i+4]) != "ref" {
			continue
		}
		k := i + 4
		for k < len(tag) && isSpace(tag[k]) {
			k++
		}
		if k >= len(tag) || tag[k] != '=' {
			continue
		}
		k++
		for k < len(tag) && isSpace(tag[k]) {
			k++
		}
		if k >= len(tag) || (tag[k] != '"' && tag[k] != '\'') {
			return nil, false
		}
		q := tag[k]
		end := bytes.IndexByte(tag[k+1:], q)
		if end < 0 {
			return nil, false
		}
		return tag[k+1 : k+1+end], true
	}
	return nil, false
}

// knownMerges is sheetMerges, read once per sheet: it waits for a quick
// pass already running alongside another reading of the sheet rather
// than starting a second. The lists are shared: no reader changes them.
func (w *Workbook) knownMerges(sheet Sheet) ([]Range, []string, error) {
	p := w.mergePass(sheet, false)
	<-p.done
	return p.list.ranges, p.list.refs, p.err
}

// sheetMerges reads the merged ranges of a sheet's part with the quick
// pass, checks them against the limits and sorts them by their top row.
// Ranges of one cell merge nothing and are left out.
func (w *Workbook) sheetMerges(sheet Sheet) ([]Range, []string, error) {
	f := w.file(sheet.Part)
	if f == nil {
		return nil, nil, errorf(ErrMalformed, "missing part %s", sheet.Part)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, damagedPart(f.Name, f.UncompressedSize64, err)
	}
	defer rc.Close()
	var (
		ranges []Range
		refs   []string
		area   int64
	)
	err = scanMergeRefs(io.LimitReader(rc, w.lim.MaxSheetXMLBytes+1), func(ref []byte) error {
		refs = append(refs, string(ref))
		if len(refs) > w.lim.MaxMergedRanges {
			return errorf(ErrLimit, "sheet %q has more than %d merged ranges (MaxMergedRanges)", sheet.Name, w.lim.MaxMergedRanges)
		}
		rg, err := ParseRange(string(ref))
		if err != nil {
			return errorf(ErrMalformed, "sheet %q: merged cell %q is not a range such as B4:D4", sheet.Name, ref)
		}
		if rg.Right >= w.lim.MaxCols || rg.Bottom > w.lim.MaxRows || rg.Top < 1 {
			return errorf(ErrLimit, "sheet %q: merged cell %s is outside the sheet's limits", sheet.Name, ref)
		}
		if rg.Cols() == 1 && rg.Rows() == 1 {
			return nil
		}
		area += int64(rg.Cols()) * int64(rg.Rows())
		if area > int64(w.lim.MaxMergedCells) {
			return errorf(ErrLimit, "sheet %q: merged cells cover more than %d cells (MaxMergedCells): unmerge the large ranges, such as %s", sheet.Name, w.lim.MaxMergedCells, ref)
		}
		ranges = append(ranges, rg)
		return nil
	})
	if err != nil {
		if _, ok := err.(*readError); ok {
			return nil, nil, err
		}
		return nil, nil, damagedPart(f.Name, f.UncompressedSize64, err)
	}
	slices.SortStableFunc(ranges, func(a, b Range) int {
		if a.Top != b.Top {
			return a.Top - b.Top
		}
		return a.Left - b.Left
	})
	return ranges, refs, nil
}

// mergeState is what Rows keeps to spread merged values over their
// ranges, row by row.
type mergeState struct {
	known  bool       // the quick pass ran: fill, and check the main pass agrees
	pass   *quickPass // running alongside: read as if unmerged until adopted
	ranges []Range    // sorted by Top, then Left
	refs   []string   // as the quick pass found them, in file order
	seen   int        // <mergeCell> tags the main pass has met
	next   int        // the first range not yet active
	active []activeMerge
	filled []Cell // scratch for a row with copies
}

// activeMerge is a range that spans the current row, with the value of its
// top-left cell when that cell held one.
type activeMerge struct {
	rg     *Range
	anchor Cell
	has    bool
}

// mergeRow spreads the values of merged ranges over the current row's
// cells. It is called once per <row>, with the row's cells read.
func (r *Rows) mergeRow() bool {
	m := &r.merge
	if m.next == len(m.ranges) && len(m.active) == 0 {
		return true
	}
	row := r.rowNum
	// Ranges that ended above this row.
	kept := m.active[:0]
	for _, a := range m.active {
		if a.rg.Bottom >= row {
			kept = append(kept, a)
		}
	}
	m.active = kept
	// Ranges that start here (or started on a row the file left out,
	// whose top-left cell is then empty).
	for m.next < len(m.ranges) && m.ranges[m.next].Top <= row {
		rg := &m.ranges[m.next]
		m.next++
		if rg.Bottom < row {
			continue
		}
		a := activeMerge{rg: rg}
		if rg.Top == row {
			for i := range r.cells {
				if r.cells[i].Col == rg.Left {
					r.cells[i].Merge = rg
					a.anchor, a.has = r.cells[i], true
					break
				}
			}
		}
		at, _ := slices.BinarySearchFunc(m.active, rg.Left, func(x activeMerge, left int) int { return x.rg.Left - left })
		var other *Range
		if at > 0 && m.active[at-1].rg.Right >= rg.Left {
			other = m.active[at-1].rg
		}
		if at < len(m.active) && m.active[at].rg.Left <= rg.Right {
			other = m.active[at].rg
		}
		if other != nil {
			r.fail(ErrMalformed, "merged cells %s and %s overlap: unmerge one of them", other, rg)
			return false
		}
		m.active = slices.Insert(m.active, at, a)
	}
	if len(m.active) == 0 {
		return true
	}
	// Merge the row's own cells with the copies, in column order. A value
	// the file keeps under a merged range (Excel hides it) gives way to
	// the range's value, as on screen.
	out := m.filled[:0]
	ci := 0
	for _, a := range m.active {
		for ci < len(r.cells) && r.cells[ci].Col < a.rg.Left {
			out = append(out, r.cells[ci])
			ci++
		}
		for col := a.rg.Left; col <= a.rg.Right; col++ {
			own := ci < len(r.cells) && r.cells[ci].Col == col
			switch {
			case a.rg.IsAnchor(col, row):
				if own {
					out = append(out, r.cells[ci])
				}
			case a.has:
				c := a.anchor
				c.Col, c.Merge = col, a.rg
				out = append(out, c)
			}
			if own {
				ci++
			}
		}
	}
	out = append(out, r.cells[ci:]...)
	m.filled = r.cells[:0]
	r.cells = out
	return true
}

// checkMergeTag compares a <mergeCell> met by the main pass with the quick
// pass's list.
func (r *Rows) checkMergeTag() bool {
	m := &r.merge
	ref, _ := r.s.attr("ref", &r.scratch)
	if !m.known {
		return true
	}
	if m.seen >= len(m.refs) || m.refs[m.seen] != string(ref) {
		r.fail(ErrMalformed, "the merged cells after <sheetData> (%q) are not those the sheet lists: the file is damaged; open it in Excel and save it again", ref)
		return false
	}
	m.seen++
	return true
}

// mergesComplete reports, at the end of the part, whether the main pass
// met every merged range the quick pass found.
func (r *Rows) mergesComplete() bool {
	m := &r.merge
	if m.known && m.seen != len(m.refs) {
		r.fail(ErrMalformed, "the sheet names merged cells outside its <mergeCells> list: the file is damaged; open it in Excel and save it again")
		return false
	}
	return true
}
