package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/assure-pcc/assure/metrics"
)

// Limits bound what one uploaded .xlsx package may cost to open. excelize
// trusts the sizes in the zip headers, preallocates them and keeps every
// part except worksheets and shared strings in memory, so CheckPackage
// enforces these before excelize sees the file. Each limit names the
// command-line flag that will set it, so that an error can say which one
// to raise. A zero limit refuses everything: start from DefaultLimits.
type Limits struct {
	// MaxFileBytes bounds the compressed file (--max-file-mb).
	MaxFileBytes int64
	// MaxPartBytes bounds the declared uncompressed size of each part
	// that excelize holds in memory: every part but worksheets and shared
	// strings (--max-part-mb).
	MaxPartBytes int64
	// MaxSheetXMLBytes bounds the declared uncompressed size of each
	// worksheet part (xl/worksheets/sheet*.xml) and of
	// xl/sharedStrings.xml, which excelize streams from a temporary file
	// rather than memory (--max-sheet-mb).
	MaxSheetXMLBytes int64
	// MaxTotalUncompressed bounds the declared uncompressed size of all
	// parts together, and so the time spent decompressing (--max-total-mb).
	MaxTotalUncompressed int64
	// MaxInMemoryBytes bounds the declared uncompressed size of all the
	// parts excelize holds in memory together (--max-memory-mb).
	MaxInMemoryBytes int64
	// MaxEntries bounds the number of zip entries (--max-entries).
	MaxEntries int
	// MaxRatio bounds uncompressed size over compressed size for parts
	// larger than RatioMinBytes (--max-ratio). Small parts are exempt:
	// a few kilobytes of repeated XML legitimately compress very well and
	// cannot hurt.
	MaxRatio float64
	// RatioMinBytes is the uncompressed size from which MaxRatio applies.
	RatioMinBytes int64
}

// DefaultLimits returns limits that accept any workbook a finance officer
// or analyst would produce (a 500,000-row sheet is about 250 MB of XML)
// and refuse zip bombs: a 100 MB file, 1 GB per sheet, 64 MB per other
// part, 256 MB of parts in memory, 2 GB in all, 10,000 entries, and a
// compression ratio of 200:1 for parts over 1 MB. Real sheets compress
// about 5:1 to 30:1 and very repetitive ones under 150:1, while deflate
// can reach 1032:1.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:         100 << 20,
		MaxPartBytes:         64 << 20,
		MaxSheetXMLBytes:     1 << 30,
		MaxTotalUncompressed: 2 << 30,
		MaxInMemoryBytes:     256 << 20,
		MaxEntries:           10000,
		MaxRatio:             200,
		RatioMinBytes:        1 << 20,
	}
}

// PackageInfo describes a package that passed CheckPackage.
type PackageInfo struct {
	// Entries is the number of zip entries, directories included.
	Entries int
	// TotalUncompressed is the sum of the declared uncompressed sizes,
	// which CheckPackage has verified for every XML part.
	TotalUncompressed int64
	// XMLParts is the number of .xml and .rels parts checked to be well
	// formed: [Content_Types].xml and those under xl/ and _rels/.
	XMLParts int
	// Macros reports a VBA project (xl/vbaProject.bin), as in .xlsm files.
	// Assure never runs macros; it is reported so that the ingest can say
	// so.
	Macros bool
}

// maxNameBytes bounds one element or attribute name in checked XML;
// maxDepth bounds element nesting. Both bound the scanner's memory, and
// both are far beyond anything in a spreadsheet part.
const (
	maxNameBytes = 512
	maxDepth     = 1024
)

// CheckPackage checks an .xlsx package before excelize opens it: the
// file size; the zip's central directory (entry count, declared sizes,
// their total, compression ratios, duplicate names ignoring case, names
// with "..", "." or empty segments, a leading slash, backslashes or NUL,
// encrypted entries, compression methods other than store and deflate);
// the entries' compressed data (within the file, and not overlapping,
// which is how zip bombs reuse one payload); the parts [Content_Types].xml
// and xl/workbook.xml; and every .xml and .rels part that excelize reads
// (see PackageInfo.XMLParts), decompressed under
// a cap of its declared size, which must be well formed XML without a
// DOCTYPE (see CheckSheetXML) and exactly as long as declared.
//
// Every error is a *metrics.Error, ETOOLARGE for a limit (its message
// names the flag that raises it) and EINVALID otherwise, whose message
// says what is wrong and what to do; the caller adds the file name.
func CheckPackage(r io.ReaderAt, size int64, lim Limits) (PackageInfo, error) {
	var info PackageInfo
	if size > lim.MaxFileBytes {
		return info, metrics.Errorf(metrics.ETOOLARGE,
			"the file is %s, over the %s limit: split the workbook, or ask for --max-file-mb to be raised",
			formatSize(size), formatSize(lim.MaxFileBytes))
	}
	// A zip may carry anything in front of its first entry, so that one
	// file is both an .xls and a zip. Excel's packages start with an entry.
	head := make([]byte, min(size, 4096))
	n, _ := r.ReadAt(head, 0)
	if head = head[:n]; !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		t := sniffHead(head)
		switch t {
		case FileXLSX, FileCSV:
			t = FileUnknown // CSV is fine elsewhere, but not as a package
		case FileOLE:
			if found := sniffCompoundFile(r, size); found != "" {
				t = found
			}
		}
		return info, t.Reject("the file")
	}
	// Count the entries before archive/zip reads the directory: it keeps
	// a struct per entry.
	if n, ok := zipEntryCount(r, size, lim.MaxEntries); ok && n > uint64(lim.MaxEntries) {
		return info, tooManyEntries(n, lim)
	}
	zr, err := zip.NewReader(io.NewSectionReader(r, 0, size), size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// ErrInsecurePath (with GODEBUG zipinsecurepath=0) still returns
		// the reader; the name checks below give a better message.
		return info, metrics.Errorf(metrics.EINVALID,
			"the file is not a readable .xlsx workbook (its zip structure is damaged: %v): open it in Excel and save it again as .xlsx",
			strings.TrimPrefix(err.Error(), "zip: "))
	}
	info.Entries = len(zr.File)
	if len(zr.File) > lim.MaxEntries {
		return info, tooManyEntries(uint64(len(zr.File)), lim)
	}

	type span struct {
		start, end int64
		name       string
	}
	spans := make([]span, 0, len(zr.File))
	seen := make(map[string]string, len(zr.File))
	var total, inMemory uint64
	var hasTypes, hasWorkbook bool
	for _, f := range zr.File {
		name := f.Name
		if err := checkPartName(name); err != nil {
			return info, err
		}
		key := strings.ToLower(name)
		if prev, dup := seen[key]; dup {
			return info, metrics.Errorf(metrics.EINVALID,
				"the workbook is damaged: it holds two parts named %q and %q (names differ at most in case), and readers disagree on which one counts: open it in Excel and save it again",
				prev, name)
		}
		seen[key] = name
		switch key {
		case "[content_types].xml":
			hasTypes = true
		case "xl/workbook.xml":
			hasWorkbook = true
		case "xl/vbaproject.bin":
			info.Macros = true
		}
		if f.Flags&0x1 != 0 {
			return info, metrics.Errorf(metrics.EINVALID,
				"part %q is encrypted inside the zip, which Excel never does: open the workbook in Excel and save it again as .xlsx, without a password",
				name)
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return info, metrics.Errorf(metrics.EINVALID,
				"part %q uses zip compression method %d, which Excel does not write: open the workbook in Excel and save it again",
				name, f.Method)
		}

		usize := f.UncompressedSize64
		partLimit, flag, what := lim.MaxPartBytes, "--max-part-mb", "a part"
		streamed := isStreamedPart(key)
		if streamed {
			partLimit, flag, what = lim.MaxSheetXMLBytes, "--max-sheet-mb", "a sheet"
		}
		if usize > uint64(partLimit) {
			return info, metrics.Errorf(metrics.ETOOLARGE,
				"part %q declares %s uncompressed, over the %s limit for %s: split the workbook, or ask for %s to be raised",
				name, formatSize(usize), formatSize(partLimit), what, flag)
		}
		total += usize
		if total > uint64(lim.MaxTotalUncompressed) {
			return info, metrics.Errorf(metrics.ETOOLARGE,
				"the workbook declares more than %s uncompressed in all: split it, or ask for --max-total-mb to be raised",
				formatSize(lim.MaxTotalUncompressed))
		}
		if !streamed {
			inMemory += usize
			if inMemory > uint64(lim.MaxInMemoryBytes) {
				return info, metrics.Errorf(metrics.ETOOLARGE,
					"the workbook's parts other than sheets declare more than %s uncompressed (images, pivot caches or embedded files): remove them, or ask for --max-memory-mb to be raised",
					formatSize(lim.MaxInMemoryBytes))
			}
		}
		if usize > uint64(lim.RatioMinBytes) {
			ratio := float64(usize) / float64(max(f.CompressedSize64, 1))
			if ratio > lim.MaxRatio {
				return info, metrics.Errorf(metrics.ETOOLARGE,
					"part %q expands from %s to %s (%.0f:1, over the %.0f:1 limit), as zip bombs do: if the workbook is genuine, ask for --max-ratio to be raised",
					name, formatSize(f.CompressedSize64), formatSize(usize), ratio, lim.MaxRatio)
			}
		}

		// DataOffset reads the local header, so a header outside the
		// file or without its signature fails here.
		off, err := f.DataOffset()
		if err != nil || off < 0 || off > size {
			return info, damagedEntry(name, "its local header is missing or outside the file")
		}
		if f.CompressedSize64 > uint64(size-off) {
			return info, damagedEntry(name, "its data runs past the end of the file")
		}
		if f.CompressedSize64 > 0 {
			spans = append(spans, span{off, off + int64(f.CompressedSize64), name})
		}
	}
	info.TotalUncompressed = int64(total)

	// Entries whose data overlap let a small file expand to many copies of
	// one payload, and let readers disagree on the content.
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return info, metrics.Errorf(metrics.EINVALID,
				"the workbook is damaged or crafted: parts %q and %q share compressed data, as zip bombs do: open it in Excel and save it again",
				spans[i-1].name, spans[i].name)
		}
	}

	if !hasTypes || !hasWorkbook {
		switch SniffPackage(zr) {
		case FileXLSB, FileODS:
			return info, SniffPackage(zr).Reject("the file")
		}
		missing := "[Content_Types].xml"
		if hasTypes {
			missing = "xl/workbook.xml"
		}
		return info, metrics.Errorf(metrics.EINVALID,
			"the file is a zip archive but not an Excel workbook (it has no %s): upload the .xlsx workbook itself, saved from Excel",
			missing)
	}

	for _, f := range zr.File {
		if !isXMLPart(f.Name) {
			continue
		}
		if err := checkPartXML(f); err != nil {
			return info, err
		}
		info.XMLParts++
	}
	return info, nil
}

func tooManyEntries(n uint64, lim Limits) error {
	return metrics.Errorf(metrics.ETOOLARGE,
		"the workbook has %d zip entries, over the limit of %d: split it, or ask for --max-entries to be raised",
		n, lim.MaxEntries)
}

func damagedEntry(name, why string) error {
	return metrics.Errorf(metrics.EINVALID,
		"the workbook is damaged: part %q: %s: open it in Excel and save it again", name, why)
}

// isStreamedPart reports the parts excelize unzips to a temporary file
// rather than memory when large, by the same test as excelize's
// ReadZipReader; key is the lower-cased name.
func isStreamedPart(key string) bool {
	return strings.HasPrefix(key, "xl/worksheets/sheet") || key == "xl/sharedstrings.xml"
}

// isXMLPart reports the parts whose XML CheckPackage checks: those that
// excelize reads for the workbook's data, all written by Excel in UTF-8.
// Parts outside xl/ and the package relationships, such as customXml/
// (often UTF-16, from SharePoint) and docProps/, are never read by the
// ingest and are left alone.
func isXMLPart(name string) bool {
	n := strings.ToLower(name)
	if !strings.HasSuffix(n, ".xml") && !strings.HasSuffix(n, ".rels") {
		return false
	}
	return n == "[content_types].xml" || strings.HasPrefix(n, "xl/") || strings.HasPrefix(n, "_rels/")
}

// checkPartName rejects zip entry names that could escape a directory if
// anything ever extracted them, or that readers interpret differently:
// excelize, for one, turns backslashes into slashes.
func checkPartName(name string) error {
	bad := ""
	switch {
	case name == "":
		bad = "an empty name"
	case strings.IndexByte(name, 0) >= 0:
		bad = "a NUL character"
	case strings.IndexByte(name, '\\') >= 0:
		bad = "a backslash"
	case name[0] == '/':
		bad = "a leading slash"
	default:
		segs := strings.Split(strings.TrimSuffix(name, "/"), "/")
		for _, seg := range segs {
			switch seg {
			case "..", ".":
				bad = fmt.Sprintf("a %q segment", seg)
			case "":
				bad = "an empty segment"
			}
		}
	}
	if bad == "" {
		return nil
	}
	return metrics.Errorf(metrics.EINVALID,
		"the workbook is damaged or crafted: the part name %q has %s, which Excel never writes: open it in Excel and save it again",
		strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", "\\0"), "?"), bad)
}

// checkPartXML decompresses one part under a cap and checks its XML.
func checkPartXML(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return damagedEntry(f.Name, "it cannot be decompressed")
	}
	defer rc.Close()
	declared := int64(f.UncompressedSize64)
	// archive/zip already refuses to read past the declared size; the
	// cap does not depend on that.
	err = checkXML(io.LimitReader(rc, declared+1), declared)
	if err == nil {
		return nil
	}
	var re *xmlReadError
	var corrupt flate.CorruptInputError
	switch {
	case errors.As(err, &corrupt):
		return damagedEntry(f.Name, "its compressed data is corrupt")
	case errors.Is(err, zip.ErrChecksum):
		return damagedEntry(f.Name, "it fails its checksum")
	case errors.Is(err, zip.ErrFormat), errors.Is(err, errXMLTooLarge), errors.Is(err, io.ErrUnexpectedEOF):
		return damagedEntry(f.Name, fmt.Sprintf("its size does not match the %s its zip header declares", formatSize(declared)))
	case errors.As(err, &re):
		return damagedEntry(f.Name, "it cannot be decompressed")
	}
	var me *metrics.Error
	if errors.As(err, &me) {
		return metrics.Errorf(me.Code, "the workbook is damaged: part %q: %s", f.Name, me.Message)
	}
	return damagedEntry(f.Name, err.Error())
}

// zipEntryCount counts a zip's entries without building archive/zip's
// struct per entry (a 100 MB file could hold two million of them). It
// takes the count the end record declares and, because archive/zip reads
// directory records until one is malformed and checks the count only
// modulo 65536, also counts the records themselves, up to limit+1, from
// each offset archive/zip may start at. ok is false when there is no end
// record, which archive/zip then reports.
func zipEntryCount(r io.ReaderAt, size int64, limit int) (n uint64, ok bool) {
	const eocdLen = 22
	if size < eocdLen {
		return 0, false
	}
	tail := min(size, eocdLen+65535)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, false
	}
	i := len(buf) - eocdLen
	for ; i >= 0 && binary.LittleEndian.Uint32(buf[i:]) != 0x06054b50; i-- {
	}
	if i < 0 {
		return 0, false
	}
	eocdPos := size - tail + int64(i)
	n = uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	dirSize := uint64(binary.LittleEndian.Uint32(buf[i+12:]))
	dirOff := uint64(binary.LittleEndian.Uint32(buf[i+16:]))
	if n == 0xffff || dirSize == 0xffffffff || dirOff == 0xffffffff {
		// zip64: the locator sits just before the end record and points
		// to the zip64 end record.
		var loc [20]byte
		var rec [56]byte
		if eocdPos >= 20 {
			if _, err := r.ReadAt(loc[:], eocdPos-20); err == nil && binary.LittleEndian.Uint32(loc[:]) == 0x07064b50 {
				off := binary.LittleEndian.Uint64(loc[8:])
				if off < uint64(size) && uint64(size)-off >= 56 {
					if _, err := r.ReadAt(rec[:], int64(off)); err == nil && binary.LittleEndian.Uint32(rec[:]) == 0x06064b50 {
						n = binary.LittleEndian.Uint64(rec[32:])
						dirSize = binary.LittleEndian.Uint64(rec[40:])
						dirOff = binary.LittleEndian.Uint64(rec[48:])
						eocdPos = int64(off)
					}
				}
			}
		}
	}
	for _, start := range []uint64{dirOff, uint64(eocdPos) - dirSize} {
		if start < uint64(size) {
			n = max(n, countCentralRecords(r, size, int64(start), limit))
		}
	}
	return n, true
}

// countCentralRecords counts consecutive central directory records from
// start, stopping after limit+1.
func countCentralRecords(r io.ReaderAt, size, start int64, limit int) uint64 {
	br := bufio.NewReaderSize(io.NewSectionReader(r, start, size-start), 64<<10)
	var hdr [46]byte
	n := uint64(0)
	for n <= uint64(limit) {
		if _, err := io.ReadFull(br, hdr[:]); err != nil || binary.LittleEndian.Uint32(hdr[:]) != 0x02014b50 {
			break
		}
		skip := int(binary.LittleEndian.Uint16(hdr[28:])) + int(binary.LittleEndian.Uint16(hdr[30:])) + int(binary.LittleEndian.Uint16(hdr[32:]))
		if _, err := br.Discard(skip); err != nil {
			break
		}
		n++
	}
	return n
}

// formatSize writes a byte count for a message, in the units the flags
// use.
func formatSize[T int64 | uint64](n T) string {
	v := float64(n)
	switch {
	case v >= 1<<30:
		return fmt.Sprintf("%.1f GB", v/(1<<30))
	case v >= 1<<20:
		return fmt.Sprintf("%.1f MB", v/(1<<20))
	case v >= 1<<10:
		return fmt.Sprintf("%.1f KB", v/(1<<10))
	}
	return fmt.Sprintf("%d bytes", uint64(n))
}

// CheckSheetXML reads r to its end and checks that it is one well-formed
// XML document no longer than maxBytes: tags balanced and properly
// nested, attribute values quoted, only the five predefined entities and
// numeric references to legal characters, valid UTF-8 without control
// characters, a UTF-8 encoding declaration if any, and no DOCTYPE or other
// declaration. It is stricter than encoding/xml, on which excelize relies
// and whose errors excelize's row reader drops: anything accepted here,
// encoding/xml reads to the end. Element and attribute names must be
// ASCII, as in every OOXML part.
//
// It streams with constant memory, at close to the speed of
// decompression (encoding/xml is several times slower). Errors are
// *metrics.Error: ETOOLARGE past maxBytes, EINVALID otherwise, giving the
// byte offset of the fault.
func CheckSheetXML(r io.Reader, maxBytes int64) error {
	err := checkXML(r, maxBytes)
	if err == nil {
		return nil
	}
	var re *xmlReadError
	switch {
	case errors.Is(err, errXMLTooLarge):
		return metrics.Errorf(metrics.ETOOLARGE,
			"the sheet's XML is over %s: split the workbook, or ask for --max-sheet-mb to be raised", formatSize(maxBytes))
	case errors.As(err, &re):
		return metrics.Errorf(metrics.EINVALID,
			"the sheet's XML could not be read (%v): open the workbook in Excel and save it again", re.err)
	}
	return err
}

var errXMLTooLarge = errors.New("xml: over the size limit")

// xmlReadError wraps a failure of the underlying reader, such as a
// decompression error, as opposed to a fault in the XML.
type xmlReadError struct{ err error }

func (e *xmlReadError) Error() string { return e.err.Error() }
func (e *xmlReadError) Unwrap() error { return e.err }

// xmlScanner is a strict, streaming XML well-formedness checker.
type xmlScanner struct {
	r        io.Reader
	buf      []byte
	pos, end int
	off      int64 // stream offset of buf[0]
	max      int64
	err      error // sticky read error; io.EOF at the end
	stack    []byte
	ends     []int  // end of each open element's name in stack
	scratch  []byte // the name of an end tag or processing instruction
}

func checkXML(r io.Reader, maxBytes int64) error {
	s := &xmlScanner{r: r, buf: make([]byte, 64<<10), max: maxBytes}
	return s.document()
}

// fill keeps the unread bytes and reads more. It returns false at the end
// of input or on a read error (kept in s.err).
func (s *xmlScanner) fill() bool {
	if s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.off += int64(s.pos)
		s.pos, s.end = 0, n
	}
	for s.end < len(s.buf) {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if s.off+int64(s.end) > s.max {
			s.err = errXMLTooLarge
			return false
		}
		if err != nil {
			if err != io.EOF {
				err = &xmlReadError{err}
			}
			s.err = err
			return s.pos < s.end
		}
		if n > 0 {
			return true
		}
	}
	return true
}

// ensure makes n bytes available after pos if the input has them.
func (s *xmlScanner) ensure(n int) {
	for s.end-s.pos < n && s.fill() {
	}
}

func (s *xmlScanner) next() (byte, bool) {
	if s.pos < s.end || s.fill() {
		c := s.buf[s.pos]
		s.pos++
		return c, true
	}
	return 0, false
}

func (s *xmlScanner) peek() (byte, bool) {
	if s.pos < s.end || s.fill() {
		return s.buf[s.pos], true
	}
	return 0, false
}

// fail reports a fault at the current offset, or the read error that
// caused it.
func (s *xmlScanner) fail(format string, args ...any) error {
	if s.err != nil && s.err != io.EOF {
		return s.err
	}
	return metrics.Errorf(metrics.EINVALID,
		"the XML is not well formed at byte %d: %s: open the workbook in Excel and save it again",
		s.off+int64(s.pos), fmt.Sprintf(format, args...))
}

// eof reports the end of input inside a construct.
func (s *xmlScanner) eof(inside string) error {
	if s.err != nil && s.err != io.EOF {
		return s.err
	}
	if len(s.ends) > 0 {
		inside = "<" + s.top() + ">"
	}
	return s.fail("it ends inside %s, so the file was cut off", inside)
}

func (s *xmlScanner) top() string {
	start := 0
	if len(s.ends) > 1 {
		start = s.ends[len(s.ends)-2]
	}
	return string(s.stack[start:s.ends[len(s.ends)-1]])
}

func (s *xmlScanner) document() error {
	s.ensure(3)
	if s.end-s.pos >= 2 && (s.buf[s.pos] == 0xff && s.buf[s.pos+1] == 0xfe || s.buf[s.pos] == 0xfe && s.buf[s.pos+1] == 0xff) {
		return s.fail("the XML is in UTF-16; workbooks are written in UTF-8")
	}
	if s.end-s.pos >= 3 && s.buf[s.pos] == 0xef && s.buf[s.pos+1] == 0xbb && s.buf[s.pos+2] == 0xbf {
		s.pos += 3
	}
	first := true
	root := false
	for {
		s.skipSpace()
		c, ok := s.next()
		if !ok {
			if s.err != nil && s.err != io.EOF {
				return s.err
			}
			if !root {
				return s.fail("there is no root element")
			}
			return nil
		}
		if c != '<' {
			return s.fail("text outside the root element")
		}
		c, ok = s.next()
		if !ok {
			return s.eof("a tag")
		}
		switch {
		case c == '?':
			if err := s.pi(first); err != nil {
				return err
			}
		case c == '!':
			if err := s.bang(false); err != nil {
				return err
			}
		case isNameStart(c) && !root:
			s.pos--
			if err := s.element(); err != nil {
				return err
			}
			root = true
		case isNameStart(c):
			return s.fail("a second root element")
		default:
			return s.fail("%s after '<'", describeByte(c))
		}
		first = false
	}
}

// element checks one element from its name (after '<') to its end.
func (s *xmlScanner) element() error {
	selfClosed, err := s.startTag()
	if err != nil || selfClosed {
		return err
	}
	for len(s.ends) > 0 {
		if err := s.text(); err != nil {
			return err
		}
		// text stops before '<'.
		s.pos++
		c, ok := s.next()
		if !ok {
			return s.eof("a tag")
		}
		switch {
		case c == '/':
			if err := s.endTag(); err != nil {
				return err
			}
		case c == '!':
			if err := s.bang(true); err != nil {
				return err
			}
		case c == '?':
			if err := s.pi(false); err != nil {
				return err
			}
		case isNameStart(c):
			s.pos--
			if _, err := s.startTag(); err != nil {
				return err
			}
		default:
			return s.fail("%s after '<'", describeByte(c))
		}
	}
	return nil
}

// textClass marks the bytes that end a fast run of character data: markup,
// references, a ']' that may start "]]>", non-ASCII (checked as UTF-8)
// and control characters.
var textClass = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '<' || c == '&' || c == ']' || c >= 0x80 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
	}
	return t
}()

// bracket steps over a ']' in character data, refusing "]]>", which
// encoding/xml rejects outside CDATA.
func (s *xmlScanner) bracket() error {
	s.ensure(3)
	if s.end-s.pos >= 3 && s.buf[s.pos+1] == ']' && s.buf[s.pos+2] == '>' {
		return s.fail("\"]]>\" outside a CDATA section")
	}
	s.pos++
	return nil
}

// text checks character data up to the next '<', which it leaves unread.
func (s *xmlScanner) text() error {
	for {
		for s.pos < s.end && !textClass[s.buf[s.pos]] {
			s.pos++
		}
		if s.pos == s.end {
			if !s.fill() {
				return s.eof("")
			}
			continue
		}
		switch c := s.buf[s.pos]; {
		case c == '<':
			return nil
		case c == '&':
			s.pos++
			if err := s.reference(); err != nil {
				return err
			}
		case c == ']':
			if err := s.bracket(); err != nil {
				return err
			}
		case c >= 0x80:
			if err := s.utf8Rune(); err != nil {
				return err
			}
		default:
			return s.fail("the control character U+%04X, which XML does not allow", c)
		}
	}
}

// utf8Rune checks one multi-byte character at pos and steps over it.
func (s *xmlScanner) utf8Rune() error {
	s.ensure(utf8.UTFMax)
	r, size := utf8.DecodeRune(s.buf[s.pos:s.end])
	if r == utf8.RuneError && size <= 1 {
		return s.fail("invalid UTF-8 (the text is in another encoding)")
	}
	if !isXMLChar(r) {
		return s.fail("the character U+%04X, which XML does not allow", r)
	}
	s.pos += size
	return nil
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0a || r == 0x0d ||
		r >= 0x20 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
}

// reference checks an entity or character reference after '&'.
func (s *xmlScanner) reference() error {
	var name [12]byte
	n := 0
	for {
		c, ok := s.next()
		if !ok {
			return s.eof("a reference")
		}
		if c == ';' {
			break
		}
		if n == len(name) || !(isNameByte(c) || c == '#') {
			return s.fail("a '&' that does not start a reference (write &amp;)")
		}
		name[n] = c
		n++
	}
	ref := name[:n]
	switch string(ref) { // compared without allocating
	case "lt", "gt", "amp", "quot", "apos":
		return nil
	}
	if n == 0 || ref[0] != '#' {
		return s.fail("the undefined entity &%s;", string(ref))
	}
	digits, base := ref[1:], rune(10)
	if len(digits) > 0 && digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 8 {
		return s.fail("the bad character reference &%s;", string(ref))
	}
	var v rune
	for _, c := range digits {
		d := rune(hexValue(c))
		if d < 0 || d >= base {
			return s.fail("the bad character reference &%s;", string(ref))
		}
		v = v*base + d
	}
	if !isXMLChar(v) {
		return s.fail("a reference to the character U+%04X, which XML does not allow", v)
	}
	return nil
}

func hexValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isNameStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ':'
}

func isNameByte(c byte) bool {
	return isNameStart(c) || '0' <= c && c <= '9' || c == '-' || c == '.'
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *xmlScanner) skipSpace() bool {
	skipped := false
	for {
		for s.pos < s.end && isXMLSpace(s.buf[s.pos]) {
			s.pos++
			skipped = true
		}
		if s.pos < s.end || !s.fill() {
			return skipped
		}
	}
}

// name reads an ASCII name, appending it to *dst unless dst is nil.
func (s *xmlScanner) name(dst *[]byte) error {
	c, ok := s.peek()
	if !ok {
		return s.eof("a tag")
	}
	if !isNameStart(c) {
		return s.fail("%s where a name should start", describeByte(c))
	}
	n, colons := 0, 0
	for {
		start := s.pos
		for s.pos < s.end && isNameByte(s.buf[s.pos]) {
			s.pos++
		}
		if n += s.pos - start; n > maxNameBytes {
			return s.fail("a name longer than %d bytes", maxNameBytes)
		}
		// encoding/xml refuses a name with more than one colon.
		if colons += bytes.Count(s.buf[start:s.pos], []byte{':'}); colons > 1 {
			return s.fail("a name with more than one ':'")
		}
		if dst != nil {
			*dst = append(*dst, s.buf[start:s.pos]...)
		}
		if s.pos < s.end {
			break
		}
		if !s.fill() {
			return s.eof("a tag")
		}
	}
	if s.buf[s.pos] >= 0x80 {
		return s.fail("a non-ASCII character in a name")
	}
	return nil
}

// startTag checks a start tag from its name to '>' or '/>', pushing the
// element unless it closes itself.
func (s *xmlScanner) startTag() (selfClosed bool, err error) {
	if len(s.ends) == maxDepth {
		return false, s.fail("elements nested more than %d deep", maxDepth)
	}
	base := len(s.stack)
	if err := s.name(&s.stack); err != nil {
		return false, err
	}
	s.ends = append(s.ends, len(s.stack))
	for {
		spaced := s.skipSpace()
		c, ok := s.next()
		if !ok {
			return false, s.eof("a tag")
		}
		switch {
		case c == '>':
			return false, nil
		case c == '/':
			if c, ok := s.next(); !ok {
				return false, s.eof("a tag")
			} else if c != '>' {
				return false, s.fail("'/' not followed by '>' in a tag")
			}
			s.stack = s.stack[:base]
			s.ends = s.ends[:len(s.ends)-1]
			return true, nil
		case !spaced:
			return false, s.fail("%s where a space or the end of the tag should be", describeByte(c))
		}
		s.pos--
		if err := s.name(nil); err != nil {
			return false, err
		}
		s.skipSpace()
		if c, ok := s.next(); !ok {
			return false, s.eof("a tag")
		} else if c != '=' {
			return false, s.fail("an attribute without a value")
		}
		s.skipSpace()
		q, ok := s.next()
		if !ok {
			return false, s.eof("a tag")
		}
		if q != '"' && q != '\'' {
			return false, s.fail("an attribute value without quotes")
		}
		if err := s.attrValue(q); err != nil {
			return false, err
		}
	}
}

// attrValue checks a quoted attribute value after its opening quote.
func (s *xmlScanner) attrValue(q byte) error {
	for {
		for s.pos < s.end && !textClass[s.buf[s.pos]] && s.buf[s.pos] != q {
			s.pos++
		}
		if s.pos == s.end {
			if !s.fill() {
				return s.eof("an attribute value")
			}
			continue
		}
		switch c := s.buf[s.pos]; {
		case c == q:
			s.pos++
			return nil
		case c == '<':
			return s.fail("a '<' inside an attribute value")
		case c == '&':
			s.pos++
			if err := s.reference(); err != nil {
				return err
			}
		case c == ']':
			if err := s.bracket(); err != nil {
				return err
			}
		case c >= 0x80:
			if err := s.utf8Rune(); err != nil {
				return err
			}
		default:
			return s.fail("the control character U+%04X, which XML does not allow", c)
		}
	}
}

// endTag checks an end tag after "</" against the open element.
func (s *xmlScanner) endTag() error {
	s.scratch = s.scratch[:0]
	if err := s.name(&s.scratch); err != nil {
		return err
	}
	name := s.scratch
	s.skipSpace()
	if c, ok := s.next(); !ok {
		return s.eof("a tag")
	} else if c != '>' {
		return s.fail("%s in an end tag", describeByte(c))
	}
	start := 0
	if len(s.ends) > 1 {
		start = s.ends[len(s.ends)-2]
	}
	open := s.stack[start:s.ends[len(s.ends)-1]]
	if string(open) != string(name) {
		return s.fail("</%s> closes <%s>", name, open)
	}
	s.stack = s.stack[:start]
	s.ends = s.ends[:len(s.ends)-1]
	return nil
}

// bang checks what follows "<!": a comment, or CDATA inside the root.
// DOCTYPE and other declarations are refused: spreadsheet parts never
// have them, and they are how entity-expansion attacks begin.
func (s *xmlScanner) bang(inRoot bool) error {
	s.ensure(7)
	rest := s.buf[s.pos:s.end]
	switch {
	case len(rest) >= 2 && rest[0] == '-' && rest[1] == '-':
		s.pos += 2
		return s.comment()
	case inRoot && len(rest) >= 7 && string(rest[:7]) == "[CDATA[":
		s.pos += 7
		return s.cdata()
	case len(rest) >= 7 && strings.EqualFold(string(rest[:7]), "DOCTYPE"):
		return s.fail("a DOCTYPE declaration, which spreadsheet files never have")
	}
	return s.fail("a declaration ('<!'), which spreadsheet files never have")
}

// comment checks a comment after "<!--": "--" may only end it.
func (s *xmlScanner) comment() error {
	dashes := 0
	for {
		c, ok := s.next()
		if !ok {
			return s.eof("a comment")
		}
		switch {
		case c == '-':
			dashes++
			continue
		case c == '>' && dashes >= 2:
			if dashes > 2 {
				return s.fail("'--' inside a comment")
			}
			return nil
		case dashes >= 2:
			return s.fail("'--' inside a comment")
		case c >= 0x80:
			s.pos--
			if err := s.utf8Rune(); err != nil {
				return err
			}
		case c < 0x20 && !isXMLSpace(c):
			return s.fail("the control character U+%04X, which XML does not allow", c)
		}
		dashes = 0
	}
}

// cdata checks a CDATA section after "<![CDATA[".
func (s *xmlScanner) cdata() error {
	brackets := 0
	for {
		c, ok := s.next()
		if !ok {
			return s.eof("a CDATA section")
		}
		switch {
		case c == ']':
			brackets++
			continue
		case c == '>' && brackets >= 2:
			return nil
		case c >= 0x80:
			s.pos--
			if err := s.utf8Rune(); err != nil {
				return err
			}
		case c < 0x20 && !isXMLSpace(c):
			return s.fail("the control character U+%04X, which XML does not allow", c)
		}
		brackets = 0
	}
}

// pi checks a processing instruction after "<?". The XML declaration may
// only come first and must declare UTF-8 if it names an encoding.
func (s *xmlScanner) pi(first bool) error {
	s.scratch = s.scratch[:0]
	if err := s.name(&s.scratch); err != nil {
		return err
	}
	isDecl := strings.EqualFold(string(s.scratch), "xml")
	if isDecl && !first {
		return s.fail("an XML declaration that is not at the start")
	}
	s.scratch = s.scratch[:0]
	question := false
	for {
		c, ok := s.next()
		if !ok {
			return s.eof("a processing instruction")
		}
		if c == '>' && question {
			break
		}
		question = c == '?'
		switch {
		case c >= 0x80:
			s.pos--
			if err := s.utf8Rune(); err != nil {
				return err
			}
			continue
		case c < 0x20 && !isXMLSpace(c):
			return s.fail("the control character U+%04X, which XML does not allow", c)
		}
		if isDecl && len(s.scratch) < 256 {
			s.scratch = append(s.scratch, c)
		}
	}
	if !isDecl {
		return nil
	}
	// As encoding/xml reads it: only version 1.0, and (stricter) only
	// UTF-8, which is all Excel writes.
	decl := string(s.scratch)
	if v, ok := declAttr(decl, "version"); ok && v != "1.0" {
		return s.fail("XML version %q; workbooks use 1.0", v)
	}
	if v, ok := declAttr(decl, "encoding"); ok && !strings.EqualFold(v, "utf-8") {
		return s.fail("the encoding %q; workbooks are written in UTF-8", v)
	}
	return nil
}

// declAttr finds a pseudo-attribute's value in an XML declaration.
func declAttr(decl, name string) (string, bool) {
	i := strings.Index(decl, name)
	if i < 0 {
		return "", false
	}
	rest := strings.TrimLeft(decl[i+len(name):], " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return "", false
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return "", false
	}
	v, _, _ := strings.Cut(rest[1:], rest[:1])
	return v, true
}

func describeByte(c byte) string {
	if c >= 0x21 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("the byte 0x%02X", c)
}
