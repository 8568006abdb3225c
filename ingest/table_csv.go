package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
)

// TableLimits bound what reading a table through a mapping may cost. The
// .xlsx package limits (Limits, xlsx.Limits) apply to .xlsx tables too.
type TableLimits struct {
	// MaxFieldBytes bounds one CSV field.
	MaxFieldBytes int
	// MaxRecordBytes bounds one CSV record, quoted line breaks included:
	// without it a file with an unclosed quote would be read into memory
	// as one field.
	MaxRecordBytes int64
	// MaxColumns bounds the fields of one CSV record.
	MaxColumns int
	// MaxKeys bounds the distinct metric, area and period combinations
	// that rows are added up into, which is what a table's memory grows
	// with.
	MaxKeys int
	// MaxCSVBytes bounds a CSV table ingested from a file, which is
	// streamed rather than read into memory (--max-csv-mb). Uploads
	// through the web are bounded by Limits.MaxFileBytes.
	MaxCSVBytes int64
}

// DefaultTableLimits admits any real national table: a field of 128 KB
// (Excel's cell holds 32,767 characters), a record of 1 MB, 16,384
// columns (Excel's grid), 200,000 combinations (43 forces, 20 years of
// months and 14 crime types are about 150,000) and a CSV file of 4 GB
// (three years of every force's police.uk street-level crime).
func DefaultTableLimits() TableLimits {
	return TableLimits{MaxFieldBytes: 128 << 10, MaxRecordBytes: 1 << 20, MaxColumns: 1 << 14, MaxKeys: 200_000, MaxCSVBytes: 4 << 30}
}

// csvRows reads a CSV file as rows of cells, streaming: memory is one
// record whatever the file's size. Encoding is decoded to UTF-8 first
// (see textDecoder). A record that cannot be parsed is reported through
// bad and skipped; a fault that makes the rest unreadable ends the rows
// with Err.
type csvRows struct {
	r     *csv.Reader
	dec   *textDecoder
	lim   TableLimits
	bad   func(line int, msg string)
	num   int
	cells []xlsx.Cell
	err   error
}

func newCSVRows(src io.Reader, encoding string, delim rune, lim TableLimits, bad func(line int, msg string)) *csvRows {
	dec := newTextDecoder(src, encoding, lim.MaxRecordBytes)
	r := csv.NewReader(dec)
	r.Comma = delim
	r.LazyQuotes = false
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	return &csvRows{r: r, dec: dec, lim: lim, bad: bad}
}

// Next reads the next record that parses.
func (c *csvRows) Next() bool {
	for c.err == nil {
		rec, err := c.r.Read()
		if err == io.EOF {
			return false
		}
		var pe *csv.ParseError
		if err != nil {
			if errors.As(err, &pe) {
				c.bad(pe.StartLine, fmt.Sprintf("the line cannot be read as CSV (%v): check its quotes, a quote inside a field is written twice (\"\")", pe.Err))
				continue
			}
			c.err = err
			return false
		}
		// Only after a record is read: FieldPos panics when there is none.
		line, _ := c.r.FieldPos(0)
		if len(rec) > c.lim.MaxColumns {
			c.err = metrics.Errorf(metrics.ETOOLARGE, "line %d has %d fields, more than the limit of %d", line, len(rec), c.lim.MaxColumns)
			return false
		}
		c.num = line
		c.cells = c.cells[:0]
		long := false
		for i, f := range rec {
			if f == "" {
				continue
			}
			if len(f) > c.lim.MaxFieldBytes {
				c.bad(line, fmt.Sprintf("column %s holds %d bytes, more than the limit of %d for one field", xlsx.CellName(i, 1)[:len(xlsx.CellName(i, 1))-1], len(f), c.lim.MaxFieldBytes))
				long = true
				break
			}
			c.cells = append(c.cells, xlsx.Cell{Col: i, Type: xlsx.String, Value: f})
		}
		if long {
			continue
		}
		return true
	}
	return false
}

// RowNum is the line where the current record starts.
func (c *csvRows) RowNum() int { return c.num }

// Cells are the record's non-empty fields; valid until the next Next.
func (c *csvRows) Cells() []xlsx.Cell { return c.cells }

// Err is the fault that ended the rows early, or nil.
func (c *csvRows) Err() error {
	var pe *csv.ParseError
	if errors.As(c.err, &pe) {
		return pe.Err
	}
	return c.err
}

// textDecoder turns a CSV's bytes into UTF-8 as it streams, and bounds the
// length of a record.
//
// In "auto" mode a UTF-8 byte-order mark is dropped and the text is read
// as UTF-8 if it is valid UTF-8, else as Windows-1252 (what Excel on a UK
// Windows machine writes as "CSV", with "£" as the byte A3). The choice is
// made at the first byte that is not ASCII, so nothing needs to be read
// twice: everything before it reads the same in both encodings. If text
// that began as UTF-8 later holds a byte that is not, the file mixes
// encodings and is refused.
type textDecoder struct {
	src     *bufio.Reader
	mode    textMode
	first   bool
	carry   []byte // an incomplete UTF-8 sequence at the end of a chunk
	out     []byte // decoded bytes not yet returned
	chunk   []byte
	inQuote bool
	since   int64 // bytes since the last record boundary
	max     int64
	line    int
	err     error
}

type textMode uint8

const (
	modeAuto textMode = iota
	modeUTF8
	mode1252
)

func newTextDecoder(src io.Reader, encoding string, maxRecord int64) *textDecoder {
	d := &textDecoder{src: bufio.NewReaderSize(src, 64<<10), first: true, max: maxRecord, line: 1, chunk: make([]byte, 32<<10)}
	switch strings.ToLower(encoding) {
	case "utf-8", "utf8":
		d.mode = modeUTF8
	case "windows-1252", "cp1252":
		d.mode = mode1252
	}
	return d
}

func (d *textDecoder) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		d.fill()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// fill decodes the next chunk of the source into out.
func (d *textDecoder) fill() {
	if d.first {
		d.first = false
		head, _ := d.src.Peek(3)
		switch {
		case len(head) >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF:
			_, _ = d.src.Discard(3)
			if d.mode == modeAuto {
				d.mode = modeUTF8
			}
		case len(head) >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF):
			d.err = metrics.Errorf(metrics.EINVALID, "the file is UTF-16 text (Excel's \"Unicode Text\"): save it as \"CSV UTF-8 (Comma delimited)\" and upload that")
			return
		}
	}
	n, err := d.src.Read(d.chunk)
	b := d.chunk[:n]
	d.out = d.out[:0]
	if len(d.carry) > 0 {
		b = append(d.carry, b...)
		d.carry = nil
	}
	if d.mode == modeAuto {
		d.decide(b, err != nil)
	}
	switch d.mode {
	case mode1252:
		for _, c := range b {
			if c < utf8.RuneSelf {
				d.out = append(d.out, c)
			} else {
				d.out = utf8.AppendRune(d.out, charmap.Windows1252.DecodeByte(c))
			}
		}
	default:
		valid := b
		if err == nil {
			valid, d.carry = splitIncomplete(b)
		}
		if !utf8.Valid(valid) {
			d.err = metrics.Errorf(metrics.EINVALID, "line %d is not valid UTF-8, although the lines before it were: save the file as \"CSV UTF-8 (Comma delimited)\", or say its encoding in the mapping (source: {encoding: windows-1252})",
				d.line+lineOfInvalid(valid))
			return
		}
		d.out = append(d.out, valid...)
	}
	if gerr := d.guard(d.out); gerr != nil {
		d.err = gerr
		return
	}
	if err != nil {
		if len(d.carry) > 0 {
			d.err = metrics.Errorf(metrics.EINVALID, "the file ends in the middle of a character: it is not valid UTF-8")
			return
		}
		d.err = err
	}
}

// decide picks UTF-8 or Windows-1252 at the first non-ASCII byte of b:
// UTF-8 when it starts a valid UTF-8 character. (Windows-1252 text whose
// first accented letters happen to form valid UTF-8, such as "Ã©", is
// read as UTF-8: no real label starts that way.)
func (d *textDecoder) decide(b []byte, atEOF bool) {
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	if i == len(b) {
		return // all ASCII so far
	}
	rest := b[i:]
	if !utf8.FullRune(rest) && !atEOF {
		return // the next chunk completes the character
	}
	if r, size := utf8.DecodeRune(rest); r == utf8.RuneError && size <= 1 {
		d.mode = mode1252
	} else {
		d.mode = modeUTF8
	}
}

// splitIncomplete cuts an incomplete UTF-8 sequence off the end of b.
func splitIncomplete(b []byte) (whole, tail []byte) {
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		c := b[i]
		if c < utf8.RuneSelf {
			return b, nil
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[i:]) {
				return b[:i], append([]byte(nil), b[i:]...)
			}
			return b, nil
		}
	}
	return b, nil
}

// lineOfInvalid counts the line breaks before the first invalid byte.
func lineOfInvalid(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return n
		}
		if r == '\n' {
			n++
		}
		b = b[size:]
	}
	return n
}

// guard counts the bytes of the current record, following quotes so that
// a line break inside a quoted field does not end it, and refuses a
// record over the limit before encoding/csv would hold it in memory.
func (d *textDecoder) guard(b []byte) error {
	for len(b) > 0 {
		i := indexQuoteOrNewline(b)
		if i < 0 {
			d.since += int64(len(b))
			break
		}
		d.since += int64(i + 1)
		if b[i] == '"' {
			d.inQuote = !d.inQuote
		} else {
			d.line++
			if !d.inQuote {
				d.since = 0
			}
		}
		if d.since > d.max {
			break
		}
		b = b[i+1:]
	}
	if d.since > d.max {
		return metrics.Errorf(metrics.ETOOLARGE, "a record starting before line %d runs over %d KB, the limit: a quote is probably not closed", d.line, d.max>>10)
	}
	return nil
}

func indexQuoteOrNewline(b []byte) int {
	for i, c := range b {
		if c == '"' || c == '\n' {
			return i
		}
	}
	return -1
}
