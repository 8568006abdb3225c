package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// Workbook is an open workbook: its sheets, date system, shared strings
// and cell formats. It reads parts from the zip.Reader given to Open, which
// must stay usable while the Workbook is. Rows of different sheets may be
// read at the same time from several goroutines.
type Workbook struct {
	// Sheets lists the workbook's sheets in workbook order.
	Sheets []Sheet
	// Date1904 is true when date serials count from 1904-01-01 (the old
	// Mac date system) rather than from 1899-12-30.
	Date1904 bool

	sheets  []Sheet              // Sheets as read, safe from callers' changes
	files   map[string]*zip.File // by lower-case name: OPC part names ignore case
	lim     Limits
	sst     []string
	formats []string // number format code per cellXfs index; "" is General
	byFold  map[string]int

	// merges keeps each sheet's quick pass, running or done, so that a
	// sheet opened again (the kind's detection reads a sheet's first
	// rows, the reader then reads it whole) is not decompressed an extra
	// time for its merged ranges. The other fields are the reading of
	// merged ranges alongside the rows (merge_alongside.go).
	mergesMu  sync.Mutex
	merges    map[string]*quickPass
	alongside atomic.Bool
	passes    sync.WaitGroup // quick passes running in goroutines
	unchecked []uncheckedRead
	late      atomic.Bool
	// alongsideMin is the declared size of a sheet's part from which its
	// quick pass runs alongside: below it, the pass costs less than the
	// risk of reading again. Tests lower it.
	alongsideMin uint64
	passSlot     chan struct{} // held by the one quick pass running alongside
	// holdPasses, when tests set it, holds the quick passes running
	// alongside until it is closed; the counts are for tests too.
	holdPasses                     chan struct{}
	releaseOnAwait                 func() // called before a reading waits for its pass
	passesAtOnce, mostPassesAtOnce atomic.Int32
}

// sheetMergeList is what sheetMerges found in a sheet.
type sheetMergeList struct {
	ranges []Range
	refs   []string
}

// Open reads a workbook's structure: the workbook part found through the
// package relationships, its relationships, styles.xml (number formats of
// cell styles) and the shared-string table, which it keeps in memory. It
// does not read any sheet. Sheet names must be unique regardless of case,
// as Excel requires and as excelize assumes when it looks one up.
func Open(zr *zip.Reader, lim Limits) (*Workbook, error) {
	w := &Workbook{lim: lim.withDefaults(), files: make(map[string]*zip.File, len(zr.File)), alongsideMin: readAheadMinBytes,
		passSlot: make(chan struct{}, 1)}
	for _, f := range zr.File {
		key := strings.ToLower(f.Name)
		if _, dup := w.files[key]; dup {
			return nil, errorf(ErrMalformed, "the zip holds %q twice (names differ only in case or are repeated)", f.Name)
		}
		w.files[key] = f
	}
	wbPart, err := w.workbookPart()
	if err != nil {
		return nil, err
	}
	dir, base := path.Split(wbPart)
	rels, err := w.readRels(dir + "_rels/" + base + ".rels")
	if err != nil {
		return nil, err
	}
	if err := w.readWorkbook(wbPart, dir, rels); err != nil {
		return nil, err
	}
	if p := w.relPart(rels, dir, "styles", "styles.xml"); p != "" {
		if err := w.readStyles(p); err != nil {
			return nil, err
		}
	}
	if p := w.relPart(rels, dir, "sharedStrings", "sharedStrings.xml"); p != "" {
		if err := w.readSharedStrings(p); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// Sheet returns the sheet called name. An exact match is preferred; failing
// that, the match regardless of case (as Excel matches names), of which
// there is at most one.
func (w *Workbook) Sheet(name string) (Sheet, bool) {
	for _, s := range w.sheets {
		if s.Name == name {
			return s, true
		}
	}
	if i, ok := w.byFold[foldKey(name)]; ok {
		return w.sheets[i], true
	}
	return Sheet{}, false
}

// file returns the zip entry for a part name, ignoring case.
func (w *Workbook) file(name string) *zip.File {
	return w.files[strings.ToLower(name)]
}

// workbookPart finds the workbook through the package relationships,
// falling back to the conventional xl/workbook.xml when there are none.
func (w *Workbook) workbookPart() (string, error) {
	if w.file("mimetype") != nil && w.file("content.xml") != nil {
		return "", errorf(ErrUnsupported, "an OpenDocument spreadsheet (.ods), not an .xlsx workbook: save it from Excel as .xlsx")
	}
	target := "xl/workbook.xml"
	if w.file("_rels/.rels") != nil {
		rels, err := w.readRels("_rels/.rels")
		if err != nil {
			return "", err
		}
		target = ""
		for _, r := range rels {
			if relType(r.typ) == "officeDocument" && !r.external {
				if target, err = resolvePart("", r.target); err != nil {
					return "", err
				}
				break
			}
		}
		if target == "" {
			return "", errorf(ErrMalformed, "_rels/.rels names no workbook (officeDocument relationship)")
		}
	}
	if strings.HasSuffix(strings.ToLower(target), ".bin") {
		return "", errorf(ErrUnsupported, "a binary workbook (.xlsb), not an .xlsx workbook: save it from Excel as .xlsx")
	}
	if w.file(target) == nil {
		if w.file("xl/workbook.bin") != nil {
			return "", errorf(ErrUnsupported, "a binary workbook (.xlsb), not an .xlsx workbook: save it from Excel as .xlsx")
		}
		return "", errorf(ErrMalformed, "no workbook part %s: not an .xlsx workbook", target)
	}
	return w.file(target).Name, nil
}

type relationship struct {
	id, typ, target string
	external        bool
}

// relType returns the last segment of a relationship type URI, which is
// the same in Transitional ("http://schemas.openxmlformats.org/.../worksheet")
// and Strict ("http://purl.oclc.org/ooxml/.../worksheet") documents.
func relType(uri string) string {
	return uri[strings.LastIndexByte(uri, '/')+1:]
}

// resolvePart turns a relationship target into a part name: relative to
// dir, or from the package root when it starts with "/". A target that
// climbs out of the package is refused.
func resolvePart(dir, target string) (string, error) {
	var p string
	if strings.HasPrefix(target, "/") {
		p = path.Clean(target[1:])
	} else {
		p = path.Clean(dir + target)
	}
	if p == "." || p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return "", errorf(ErrMalformed, "relationship target %q is outside the package", target)
	}
	return p, nil
}

// relPart finds the part of the single relationship of type typ, or the
// conventional name when the relationship is missing but the part exists
// (some writers omit it); "" when there is neither.
func (w *Workbook) relPart(rels []relationship, dir, typ, conventional string) string {
	for _, r := range rels {
		if relType(r.typ) == typ && !r.external {
			if p, err := resolvePart(dir, r.target); err == nil && w.file(p) != nil {
				return w.file(p).Name
			}
		}
	}
	if f := w.file(dir + conventional); f != nil {
		return f.Name
	}
	return ""
}

// openPart starts a scanner on a part, refusing at once one whose declared
// size is over limit (archive/zip also stops a part that decompresses to
// more than it declared).
func (w *Workbook) openPart(name string, limit int64, s *scanner) (io.ReadCloser, error) {
	f := w.file(name)
	if f == nil {
		return nil, errorf(ErrMalformed, "missing part %s", name)
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, errorf(ErrLimit, "%s declares %d bytes, over the limit of %d", f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, damagedPart(f.Name, f.UncompressedSize64, err)
	}
	if f.UncompressedSize64 >= readAheadMinBytes {
		rc = newReadAhead(rc)
	}
	s.reset(rc, f.Name, limit)
	s.declared = f.UncompressedSize64
	return rc, nil
}

// walkPart calls fn for each start tag of a small part with the local
// names of the open elements (known ones only; others are ""), the
// current element last.
func (w *Workbook) walkPart(name, root string, fn func(path []string, s *scanner) error) error {
	var s scanner
	rc, err := w.openPart(name, w.lim.MaxPartBytes, &s)
	if err != nil {
		return err
	}
	defer rc.Close()
	var stack []string
	for {
		switch s.next() {
		case tokStart:
			stack = append(stack, knownName(s.local()))
			if len(stack) == 1 && stack[0] != root {
				if root == "workbook" {
					// The package names some other document as its main part:
					// a file of another kind that happens to be a zip.
					return errorf(ErrUnsupported, "the main part %s is a <%s>, not a workbook: not an .xlsx file", name, s.local())
				}
				return errorf(ErrMalformed, "%s: root element is <%s>, want <%s>", name, s.local(), root)
			}
			if err := fn(stack, &s); err != nil {
				return err
			}
		case tokEnd:
			stack = stack[:len(stack)-1]
		case tokEOF:
			return nil
		default:
			return s.err
		}
	}
}

// knownName interns the element names the small parts are read by, so
// walkPart's path costs no allocation.
func knownName(local []byte) string {
	switch string(local) {
	case "Relationships":
		return "Relationships"
	case "Relationship":
		return "Relationship"
	case "workbook":
		return "workbook"
	case "workbookPr":
		return "workbookPr"
	case "sheets":
		return "sheets"
	case "sheet":
		return "sheet"
	case "styleSheet":
		return "styleSheet"
	case "numFmts":
		return "numFmts"
	case "numFmt":
		return "numFmt"
	case "cellXfs":
		return "cellXfs"
	case "xf":
		return "xf"
	}
	return ""
}

func (w *Workbook) readRels(name string) ([]relationship, error) {
	if w.file(name) == nil {
		return nil, errorf(ErrMalformed, "missing part %s, which says where the sheets are", name)
	}
	var rels []relationship
	var scratch []byte
	err := w.walkPart(name, "Relationships", func(p []string, s *scanner) error {
		if len(p) != 2 || p[1] != "Relationship" {
			return nil
		}
		var r relationship
		for i := range s.attrs {
			local, prefixed := s.attrName(i)
			if prefixed {
				continue
			}
			switch string(local) {
			case "Id":
				r.id = string(s.attrValue(i, &scratch))
			case "Type":
				r.typ = string(s.attrValue(i, &scratch))
			case "Target":
				r.target = string(s.attrValue(i, &scratch))
			case "TargetMode":
				r.external = string(s.attrValue(i, &scratch)) == "External"
			}
		}
		if r.id == "" || r.typ == "" || r.target == "" {
			return errorf(ErrMalformed, "%s: a relationship lacks Id, Type or Target", name)
		}
		rels = append(rels, r)
		return nil
	})
	return rels, err
}

func (w *Workbook) readWorkbook(name, dir string, rels []relationship) error {
	var scratch []byte
	w.byFold = make(map[string]int)
	err := w.walkPart(name, "workbook", func(p []string, s *scanner) error {
		switch {
		case len(p) == 2 && p[1] == "workbookPr":
			if v, ok := s.attr("date1904", &scratch); ok {
				b, err := parseBool(v)
				if err != nil {
					return errorf(ErrMalformed, "%s: date1904=%q is not a boolean", name, v)
				}
				w.Date1904 = b
			}
		case len(p) == 3 && p[1] == "sheets" && p[2] == "sheet":
			return w.addSheet(name, dir, rels, s, &scratch)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(w.sheets) == 0 {
		return errorf(ErrMalformed, "%s lists no sheets", name)
	}
	w.Sheets = slices.Clone(w.sheets)
	return nil
}

func (w *Workbook) addSheet(part, dir string, rels []relationship, s *scanner, scratch *[]byte) error {
	sh := Sheet{State: "visible"}
	var rid string
	for i := range s.attrs {
		local, prefixed := s.attrName(i)
		switch {
		case !prefixed && string(local) == "name":
			sh.Name = string(s.attrValue(i, scratch))
		case !prefixed && string(local) == "state":
			sh.State = string(s.attrValue(i, scratch))
		case prefixed && string(local) == "id":
			// r:id, whose prefix is bound to the Transitional or the Strict
			// relationships namespace.
			rid = string(s.attrValue(i, scratch))
		}
	}
	if sh.Name == "" {
		return errorf(ErrMalformed, "%s: sheet %d has no name", part, len(w.sheets)+1)
	}
	switch sh.State {
	case "visible", "hidden", "veryHidden":
	default:
		return errorf(ErrMalformed, "%s: sheet %q has unknown state %q", part, sh.Name, sh.State)
	}
	key := foldKey(sh.Name)
	if i, dup := w.byFold[key]; dup {
		return errorf(ErrMalformed, "sheet names %q and %q differ only in case; Excel treats them as one name, so the workbook is ambiguous", w.sheets[i].Name, sh.Name)
	}
	var rel *relationship
	for i := range rels {
		if rels[i].id == rid {
			rel = &rels[i]
			break
		}
	}
	if rid == "" || rel == nil {
		return errorf(ErrMalformed, "sheet %q: no relationship %q in the workbook's relationships", sh.Name, rid)
	}
	switch relType(rel.typ) {
	case "worksheet", "dialogsheet", "xlMacrosheet", "xlIntlMacrosheet":
	case "chartsheet":
		sh.Chart = true
	default:
		return errorf(ErrMalformed, "sheet %q: relationship type %q is not a sheet", sh.Name, rel.typ)
	}
	if rel.external {
		return errorf(ErrMalformed, "sheet %q points outside the package", sh.Name)
	}
	p, err := resolvePart(dir, rel.target)
	if err != nil {
		return err
	}
	f := w.file(p)
	if f == nil {
		return errorf(ErrMalformed, "sheet %q: part %s is missing", sh.Name, p)
	}
	sh.Part = f.Name
	w.byFold[key] = len(w.sheets)
	w.sheets = append(w.sheets, sh)
	return nil
}

// foldKey maps a name to a key shared by exactly the names that
// strings.EqualFold deems equal: each rune becomes the smallest rune of
// its case-folding orbit.
func foldKey(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b = utf8.AppendRune(b, m)
	}
	return string(b)
}

func parseBool(v []byte) (bool, error) {
	switch string(v) {
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", v)
}

func (w *Workbook) readStyles(name string) error {
	custom := map[int]string{}
	var xfs []int
	var scratch []byte
	err := w.walkPart(name, "styleSheet", func(p []string, s *scanner) error {
		switch {
		case len(p) == 3 && p[1] == "numFmts" && p[2] == "numFmt":
			id, err := numFmtID(s, &scratch)
			if err != nil {
				return errorf(ErrMalformed, "%s: %v", name, err)
			}
			code, _ := s.attr("formatCode", &scratch)
			custom[id] = string(code)
		case len(p) == 3 && p[1] == "cellXfs" && p[2] == "xf":
			id, err := numFmtID(s, &scratch)
			if err != nil {
				return errorf(ErrMalformed, "%s: cell format %d: %v", name, len(xfs), err)
			}
			xfs = append(xfs, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.formats = make([]string, len(xfs))
	for i, id := range xfs {
		code, ok := custom[id]
		if !ok {
			code = BuiltinFormat(id)
		}
		if strings.EqualFold(code, "General") {
			code = ""
		}
		w.formats[i] = code
	}
	return nil
}

// numFmtID reads a numFmtId attribute; a missing one means General (0).
func numFmtID(s *scanner, scratch *[]byte) (int, error) {
	v, ok := s.attr("numFmtId", scratch)
	if !ok {
		return 0, nil
	}
	id, err := strconv.Atoi(string(v))
	if err != nil || id < 0 {
		return 0, fmt.Errorf("numFmtId %q is not a format number", v)
	}
	return id, nil
}

// readSharedStrings reads the shared-string table with the scanner rather
// than encoding/xml: it can be the largest part of a workbook, and each
// entry costs one string allocation here, nothing more.
func (w *Workbook) readSharedStrings(name string) error {
	var s scanner
	rc, err := w.openPart(name, w.lim.MaxSheetXMLBytes, &s)
	if err != nil {
		return err
	}
	defer rc.Close()
	lim := w.lim
	var total int64
	var scratch []byte
	inRun := false // inside <si><r>
	for {
		switch s.next() {
		case tokStart:
			d := s.depth()
			local := string(s.local()) // compared only: no allocation
			switch {
			case s.capture:
				return errorf(ErrMalformed, "%s: element <%s> inside the text of shared string %d", name, s.local(), len(w.sst))
			case d == 1:
				if local != "sst" {
					return errorf(ErrMalformed, "%s: root element is <%s>, want <sst>", name, s.local())
				}
				if v, ok := s.attr("uniqueCount", &scratch); ok {
					// The declared count only sizes the first allocation, and
					// never beyond a modest cap: it is not trusted.
					if n, err := strconv.Atoi(string(v)); err == nil && n > 0 {
						w.sst = make([]string, 0, min(n, lim.MaxSharedStrings, 1<<16))
					}
				}
			case d == 2 && local == "si":
				if len(w.sst) >= lim.MaxSharedStrings {
					return errorf(ErrLimit, "%s: more than MaxSharedStrings (%d) shared strings", name, lim.MaxSharedStrings)
				}
				s.text = s.text[:0]
			case (d == 3 && local == "t") || (d == 4 && inRun && local == "t"):
				s.capture = true
				// _xHHHH_ escapes shrink on decoding, so the raw text may be
				// up to seven times the decoded limit checked below.
				s.capMax = 7 * lim.MaxCellBytes
			case d == 3 && local == "r":
				inRun = true
			default:
				// rPh (phonetic text), rPr, phoneticPr, extLst: validated, not read.
				if !s.skip() {
					return w.sstErr(&s, name)
				}
			}
		case tokEnd:
			d := s.depth()
			switch {
			case s.capture:
				s.capture = false
			case d == 2 && inRun:
				inRun = false
			case d == 1:
				txt := unescapeX(s.text)
				if len(txt) > lim.MaxCellBytes {
					return errorf(ErrLimit, "%s: shared string %d is longer than MaxCellBytes (%d bytes)", name, len(w.sst), lim.MaxCellBytes)
				}
				total += int64(len(txt))
				if total > lim.MaxSharedStringBytes {
					return errorf(ErrLimit, "%s: shared strings hold more than MaxSharedStringBytes (%d bytes)", name, lim.MaxSharedStringBytes)
				}
				w.sst = append(w.sst, string(txt))
			}
		case tokEOF:
			return nil
		default:
			return w.sstErr(&s, name)
		}
	}
}

func (w *Workbook) sstErr(s *scanner, name string) error {
	if s.err == errCapture {
		return errorf(ErrLimit, "%s: shared string %d is longer than MaxCellBytes (%d bytes)", name, len(w.sst), w.lim.MaxCellBytes)
	}
	return s.err
}

// unescapeX decodes, in place, the _xHHHH_ escapes by which OOXML stores
// characters XML cannot hold (Excel writes a carriage return as _x000D_,
// and a literal "_x000D_" as "_x005F_x000D_"). A UTF-16 surrogate pair of
// escapes becomes one character; a lone surrogate becomes U+FFFD.
func unescapeX(b []byte) []byte {
	i := indexEscape(b, 0)
	if i < 0 {
		return b
	}
	out := b[:i]
	for i < len(b) {
		r, ok := escapeAt(b, i)
		if !ok {
			out = append(out, b[i])
			i++
			continue
		}
		i += 7
		if r >= 0xD800 && r <= 0xDBFF {
			if lo, ok := escapeAt(b, i); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
				i += 7
			} else {
				r = utf8.RuneError
			}
		} else if r >= 0xDC00 && r <= 0xDFFF {
			r = utf8.RuneError
		}
		// Writing never overtakes reading: an escape is seven bytes and
		// its character at most three (four for a pair of fourteen).
		out = utf8.AppendRune(out, r)
	}
	return out
}

func indexEscape(b []byte, from int) int {
	for from < len(b) {
		i := bytes.Index(b[from:], []byte("_x"))
		if i < 0 {
			return -1
		}
		if _, ok := escapeAt(b, from+i); ok {
			return from + i
		}
		from += i + 1
	}
	return -1
}

// escapeAt decodes an _xHHHH_ escape at b[i].
func escapeAt(b []byte, i int) (rune, bool) {
	if i+7 > len(b) || b[i] != '_' || b[i+1] != 'x' || b[i+6] != '_' {
		return 0, false
	}
	var r rune
	for _, c := range b[i+2 : i+6] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
