package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// The scanner is a strict, streaming XML tokenizer written for the parts of
// a workbook. It exists because encoding/xml spends nearly all of a large
// sheet's read time in general-purpose machinery (interfaces, allocations
// per token, namespace maps) and is lenient where Assure must not be: it
// hands DOCTYPEs through as directives, and excelize built on it drops its
// errors. This one reports start and end elements only; character data is
// validated on the way past and, when the consumer asks for it, decoded into
// a caller-owned buffer, so reading a cell allocates nothing.
//
// It enforces XML 1.0 well-formedness as far as Assure's input needs:
// matched and properly nested tags, one root element, quoted attribute
// values without '<', unique attribute names, only the five predefined
// entities and numeric character references (to legal characters), valid
// UTF-8 made of legal XML characters, no "]]>" in text, well-formed
// comments, processing instructions and CDATA sections, an XML declaration
// only at the very start and only for UTF-8, and no DOCTYPE at all.
// Namespaces are not resolved: consumers match local names, which is how
// Strict (purl.oclc.org) and prefixed (x:c) documents read like ordinary
// ones.

const (
	// initialBufSize is the read buffer's starting size: large enough that
	// the decompressor is called rarely, small enough to stay in cache.
	initialBufSize = 64 << 10
	// maxMarkupBytes bounds one tag, comment, processing instruction or
	// CDATA section, each of which must be held whole in the buffer. Real
	// workbooks stay far below it (a worksheet's root tag with all its
	// namespace declarations is under 1 KiB); the bound keeps a hostile
	// part from growing the buffer without limit.
	maxMarkupBytes = 1 << 20
	// maxDepth bounds element nesting. Sheet XML is about eight levels
	// deep; the bound keeps the open-element stack small.
	maxDepth = 256
	// maxEntityBytes bounds an entity or character reference, "&#x10FFFF;"
	// and a few leading zeros.
	maxEntityBytes = 32
)

type tokKind uint8

const (
	tokErr   tokKind = iota // s.err holds the reason
	tokEOF                  // end of a well-formed document
	tokStart                // start tag; a self-closing tag is followed by a tokEnd
	tokEnd                  // end tag
)

// xmlAttr is one attribute of the current start tag, as offsets into the
// scanner's buffer, valid until the next call to next. Offsets rather than
// slices keep pointer writes (and their GC write barriers) out of the
// per-cell path.
type xmlAttr struct {
	name, colon, end int32 // qualified name buf[name:end]; colon is -1 when unprefixed
	val, valEnd      int32 // value as written, between the quotes
	coded            bool  // the value holds a reference or a literal tab, CR or LF and needs decoding
}

// openElem is an element on the open-element stack.
type openElem struct {
	end   int // end of its qualified name in scanner.names
	colon int // index of the colon in the name, or -1
}

// scanner tokenizes one part. The zero value is not usable; call reset.
type scanner struct {
	src   io.Reader
	part  string
	limit int64 // the most bytes the part may decompress to
	// declared is the size the part's zip header declares, 0 when the
	// part is not read from a zip: a read error then says how the part
	// is damaged (see damagedPart).
	declared uint64
	buf      []byte
	r, w     int   // unread data is buf[r:w]
	base     int64 // stream offset of buf[0]
	srcEOF   bool
	err      error

	// Current token: its qualified name is buf[tq:te], with a colon at tc
	// or tc == -1.
	tq, tc, te int
	attrs      []xmlAttr
	pendingEnd bool // the last start tag was self-closing

	names    []byte     // qualified names of the open elements, concatenated
	ends     []openElem // the open elements
	started  bool       // past the byte-order mark and XML declaration check
	rootSeen bool
	rootDone bool
	brackets int // consecutive ']' at the end of the character data so far

	// Capture: while capture is set, character data is decoded and
	// appended to text; more than capMax bytes in text is an error.
	capture bool
	text    []byte
	capMax  int

	sortIdx []int // scratch for the duplicate attribute check

	plainOff bool // tests: read plain cell content token by token too
}

// errCapture marks captured text longer than the consumer's cap; the
// consumer replaces it with an error naming the cell or string.
var errCapture = errors.New("captured text over its limit")

func (s *scanner) reset(src io.Reader, part string, limit int64) {
	s.src = io.LimitReader(src, limit+1)
	s.part = part
	s.limit = limit
	s.declared = 0
	if s.buf == nil {
		s.buf = make([]byte, initialBufSize)
	}
	s.r, s.w, s.base = 0, 0, 0
	s.srcEOF = false
	s.err = nil
	s.tq, s.tc, s.te = 0, -1, 0
	s.attrs = s.attrs[:0]
	s.pendingEnd = false
	s.names = s.names[:0]
	s.ends = s.ends[:0]
	s.started, s.rootSeen, s.rootDone = false, false, false
	s.brackets = 0
	s.capture = false
	s.text = s.text[:0]
}

// offset is the position of the next unread byte in the decompressed part.
func (s *scanner) offset() int64 { return s.base + int64(s.r) }

// local returns the current element's local name, valid until next.
func (s *scanner) local() []byte {
	if s.tc >= 0 {
		return s.buf[s.tc+1 : s.te]
	}
	return s.buf[s.tq:s.te]
}

// prefix returns the current element's namespace prefix, nil for none.
func (s *scanner) prefix() []byte {
	if s.tc >= 0 {
		return s.buf[s.tq:s.tc]
	}
	return nil
}

// depth is the number of open elements; after a tokStart it includes the
// element just opened, after a tokEnd it no longer includes the one closed.
func (s *scanner) depth() int { return len(s.ends) }

// fail records a well-formedness error at the current offset.
func (s *scanner) fail(format string, args ...any) tokKind {
	if s.err == nil {
		s.err = &readError{kind: ErrMalformed, msg: fmt.Sprintf("%s: malformed XML at byte %d: %s", s.part, s.offset(), fmt.Sprintf(format, args...))}
	}
	return tokErr
}

// more reads input, keeping buf[r:]. It fills the buffer (growing it when
// it is already full) so that a token parsed again after more has at least
// twice the room it had: a long token costs a few re-parses, not one per
// read. It reports whether bytes were added; at a clean end of input it
// returns false with s.err nil.
func (s *scanner) more() bool {
	if s.err != nil || s.srcEOF {
		return false
	}
	if s.r > 0 {
		n := copy(s.buf, s.buf[s.r:s.w])
		s.base += int64(s.r)
		s.r, s.w = 0, n
	}
	// Whatever is left unread is the start of one token that did not fit.
	if s.w > maxMarkupBytes {
		s.fail("a tag, comment or CDATA section is longer than %d bytes", maxMarkupBytes)
		return false
	}
	if s.w == len(s.buf) {
		nb := make([]byte, min(2*len(s.buf), maxMarkupBytes+initialBufSize))
		copy(nb, s.buf[:s.w])
		s.buf = nb
	}
	added := 0
	for s.w < len(s.buf) {
		n, err := s.src.Read(s.buf[s.w:])
		s.w += n
		added += n
		if s.base+int64(s.w) > s.limit {
			s.err = &readError{kind: ErrLimit, msg: fmt.Sprintf("%s: decompresses to more than %d bytes", s.part, s.limit)}
			return false
		}
		if err == io.EOF {
			s.srcEOF = true
			break
		}
		if err != nil {
			if s.declared > 0 {
				s.err = damagedPart(s.part, s.declared, err)
			} else {
				s.err = &readError{kind: ErrMalformed, msg: fmt.Sprintf("%s: reading at byte %d: %v", s.part, s.base+int64(s.w), err)}
			}
			return false
		}
	}
	return added > 0
}

// next returns the next start or end element, validating and (when
// capture is set) collecting the character data before it.
func (s *scanner) next() tokKind {
	if s.err != nil {
		return tokErr
	}
	if s.pendingEnd {
		s.pendingEnd = false
		s.pop()
		return tokEnd
	}
	if !s.started {
		if k := s.prolog(); k != tokStart {
			return k
		}
	}
	for {
		// Markup often follows markup directly (<c><v>, </v></c>): then there
		// is no character data to scan.
		if (s.r >= s.w || s.buf[s.r] != '<' || len(s.ends) == 0) && !s.chars() {
			if s.err != nil {
				return tokErr
			}
			return s.atEOF()
		}
		// s.buf[s.r] == '<': markup ends the character data, so "]]"
		// before it and ">" after it are not "]]>".
		s.brackets = 0
		if s.w-s.r < 2 && !s.more() {
			if s.err != nil {
				return tokErr
			}
			return s.fail("unexpected end of file after '<'")
		}
		switch s.buf[s.r+1] {
		case '/':
			return s.endTag()
		case '!':
			if !s.bang() {
				return tokErr
			}
		case '?':
			if !s.pi(false) {
				return tokErr
			}
		default:
			return s.startTag()
		}
	}
}

// prolog checks the byte-order mark and reads the XML declaration, which
// may only stand at the very start of the part. It returns tokStart to mean
// "carry on".
func (s *scanner) prolog() tokKind {
	s.started = true
	for s.w-s.r < 6 && s.more() {
	}
	if s.err != nil {
		return tokErr
	}
	b := s.buf[s.r:s.w]
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		s.r += 3
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return s.fail("UTF-16 is not supported: save the workbook from Excel again")
	}
	if bytes.HasPrefix(s.buf[s.r:s.w], []byte("<?xml")) && s.w-s.r > 5 && isSpace(s.buf[s.r+5]) {
		if !s.pi(true) {
			return tokErr
		}
	}
	return tokStart
}

// atEOF is called when the input ends outside any markup.
func (s *scanner) atEOF() tokKind {
	if len(s.ends) > 0 {
		return s.fail("unexpected end of file inside <%s>: the part is truncated", s.names[s.topStart():])
	}
	if !s.rootSeen {
		return s.fail("no root element")
	}
	return tokEOF
}

func (s *scanner) topStart() int {
	if len(s.ends) < 2 {
		return 0
	}
	return s.ends[len(s.ends)-2].end
}

func (s *scanner) pop() {
	s.names = s.names[:s.topStart()]
	s.ends = s.ends[:len(s.ends)-1]
	if len(s.ends) == 0 {
		s.rootDone = true
	}
}

var newline = []byte{'\n'}

// attrClass marks the bytes that end the fast path of an attribute value.
var attrClass = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	t['"'], t['\''], t['<'], t['&'] = true, true, true, true
	return t
}()

// textClass marks the bytes that leave the fast path of character data.
var textClass = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n'
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	t['<'], t['&'], t['>'], t[']'], t['\r'] = true, true, true, true, true
	return t
}()

// chars consumes character data up to the next '<'. It returns false at
// the end of input (s.err nil) or on error.
func (s *scanner) chars() bool {
	if len(s.ends) == 0 {
		return s.outside()
	}
	for {
		buf := s.buf[:s.w]
		i := s.r
		for i < len(buf) && !textClass[buf[i]] {
			i++
		}
		if i > s.r {
			if s.capture && !s.appendText(buf[s.r:i]) {
				return false
			}
			s.brackets = 0
			s.r = i
		}
		if i == len(buf) {
			if !s.more() {
				return false
			}
			continue
		}
		c := buf[i]
		switch {
		case c == '<':
			return true
		case c == '&':
			r, n, st := parseCharRef(buf[i:], s.srcEOF)
			if st == refMore {
				if !s.more() && s.err == nil {
					s.fail("unexpected end of file in a reference")
				}
				if s.err != nil {
					return false
				}
				continue
			}
			if st != refOK {
				s.fail("%s", refProblem(buf[i:], st))
				return false
			}
			if s.capture && !s.appendRune(r) {
				return false
			}
			s.brackets = 0
			s.r = i + n
		case c == '\r':
			// Line ends are normalised to LF as XML requires, so that a value
			// reads the same as through any conforming parser.
			if i+1 == len(buf) && !s.srcEOF {
				if !s.more() && s.err != nil {
					return false
				}
				continue
			}
			n := 1
			if i+1 < len(buf) && buf[i+1] == '\n' {
				n = 2
			}
			if s.capture && !s.appendText(newline) {
				return false
			}
			s.brackets = 0
			s.r = i + n
		case c == ']':
			if s.brackets < 2 {
				s.brackets++
			}
			if s.capture && !s.appendText(buf[i:i+1]) {
				return false
			}
			s.r = i + 1
		case c == '>':
			if s.brackets == 2 {
				s.fail(`"]]>" in character data`)
				return false
			}
			if s.capture && !s.appendText(buf[i:i+1]) {
				return false
			}
			s.brackets = 0
			s.r = i + 1
		case c >= utf8.RuneSelf:
			n, ok := s.validRune(buf[i:])
			if !ok {
				return false
			}
			if n == 0 {
				if !s.more() && s.err == nil {
					s.fail("invalid UTF-8")
				}
				if s.err != nil {
					return false
				}
				continue
			}
			if s.capture && !s.appendText(buf[i:i+n]) {
				return false
			}
			s.brackets = 0
			s.r = i + n
		default:
			s.fail("invalid character U+%04X", c)
			return false
		}
	}
}

// outside consumes the white space allowed before and after the root
// element; anything else there is an error.
func (s *scanner) outside() bool {
	for {
		for s.r < s.w && isSpace(s.buf[s.r]) {
			s.r++
		}
		if s.r < s.w {
			if s.buf[s.r] == '<' {
				return true
			}
			if s.rootDone {
				s.fail("content after the root element")
			} else {
				s.fail("text before the root element")
			}
			return false
		}
		if !s.more() {
			return false
		}
	}
}

// validRune checks the UTF-8 sequence at b[0]. It returns its length, or 0
// when b ends inside it and more input may complete it.
func (s *scanner) validRune(b []byte) (int, bool) {
	r, n := utf8.DecodeRune(b)
	if r == utf8.RuneError && n <= 1 {
		if !utf8.FullRune(b) && !s.srcEOF {
			return 0, true
		}
		s.fail("invalid UTF-8")
		return 0, false
	}
	if !isXMLChar(r) {
		s.fail("invalid character U+%04X", r)
		return 0, false
	}
	return n, true
}

func (s *scanner) appendText(b []byte) bool {
	if len(s.text)+len(b) > s.capMax {
		s.err = errCapture
		return false
	}
	s.text = append(s.text, b...)
	return true
}

func (s *scanner) appendRune(r rune) bool {
	if len(s.text)+utf8.RuneLen(r) > s.capMax {
		s.err = errCapture
		return false
	}
	s.text = utf8.AppendRune(s.text, r)
	return true
}

// startTag parses "<name attr='v' ...>" or "<name .../>" at s.r.
func (s *scanner) startTag() tokKind {
	for {
		k, more := s.tryStartTag()
		if !more {
			return k
		}
		if !s.more() {
			if s.err != nil {
				return tokErr
			}
			return s.fail("unexpected end of file inside a tag")
		}
	}
}

// tryStartTag parses a start tag held whole in the buffer. more reports
// that the buffer ended first; the tag is then parsed again after reading.
func (s *scanner) tryStartTag() (k tokKind, more bool) {
	b := s.buf[:s.w]
	nameStart := s.r + 1
	end, colon, st := scanName(b, nameStart, s.srcEOF)
	if st == nameMore {
		return 0, true
	}
	if st != nameOK {
		return s.fail("invalid element name"), false
	}
	qname := b[nameStart:end]
	p := end
	if s.rootDone {
		return s.fail("content after the root element"), false
	}
	if len(s.ends) >= maxDepth {
		return s.fail("elements nested more than %d deep", maxDepth), false
	}
	s.attrs = s.attrs[:0]
	for {
		ws := p
		for p < len(b) && isSpace(b[p]) {
			p++
		}
		if p >= len(b) {
			return 0, true
		}
		c := b[p]
		if c == '>' || c == '/' {
			if c == '/' {
				if p+1 >= len(b) {
					return 0, true
				}
				if b[p+1] != '>' {
					return s.fail("expected '>' after '/' in <%s>", qname), false
				}
				s.pendingEnd = true
				p++
			}
			p++
			break
		}
		if p == ws {
			return s.fail("expected white space before an attribute in <%s>", qname), false
		}
		aStart := p
		aEnd, aColon, st := scanName(b, p, s.srcEOF)
		if st == nameMore {
			return 0, true
		}
		if st != nameOK {
			return s.fail("invalid attribute name in <%s>", qname), false
		}
		a := xmlAttr{name: int32(p), colon: int32(aColon), end: int32(aEnd)}
		p = aEnd
		for p < len(b) && isSpace(b[p]) {
			p++
		}
		if p >= len(b) {
			return 0, true
		}
		if b[p] != '=' {
			return s.fail("expected '=' after attribute %s in <%s>", b[aStart:aEnd], qname), false
		}
		p++
		for p < len(b) && isSpace(b[p]) {
			p++
		}
		if p >= len(b) {
			return 0, true
		}
		q := b[p]
		if q != '"' && q != '\'' {
			return s.fail("attribute %s in <%s> has an unquoted value", b[aStart:aEnd], qname), false
		}
		p++
		vStart := p
		for {
			for p < len(b) && !attrClass[b[p]] {
				p++
			}
			if p >= len(b) {
				return 0, true
			}
			c := b[p]
			if c == q {
				break
			}
			switch {
			case c == '<':
				return s.fail("'<' in the value of attribute %s", b[aStart:aEnd]), false
			case c == '&':
				_, n, st := parseCharRef(b[p:], s.srcEOF)
				if st == refMore {
					return 0, true
				}
				if st != refOK {
					return s.fail("%s", refProblem(b[p:], st)), false
				}
				a.coded = true
				p += n
			case c == '\t' || c == '\n' || c == '\r':
				a.coded = true
				p++
			case c < 0x20:
				return s.fail("invalid character U+%04X in an attribute value", c), false
			case c >= utf8.RuneSelf:
				r, n := utf8.DecodeRune(b[p:])
				if r == utf8.RuneError && n <= 1 {
					if !utf8.FullRune(b[p:]) && !s.srcEOF {
						return 0, true
					}
					return s.fail("invalid UTF-8 in an attribute value"), false
				}
				if !isXMLChar(r) {
					return s.fail("invalid character U+%04X in an attribute value", r), false
				}
				p += n
			default:
				p++
			}
		}
		a.val, a.valEnd = int32(vStart), int32(p)
		p++
		s.attrs = append(s.attrs, a)
	}
	if p-s.r > maxMarkupBytes {
		return s.fail("a tag is longer than %d bytes", maxMarkupBytes), false
	}
	if !s.uniqueAttrs() {
		return s.fail("duplicate attribute in <%s>", qname), false
	}
	s.r = p
	s.rootSeen = true
	s.names = append(s.names, qname...)
	rel := -1
	if colon >= 0 {
		rel = colon - nameStart
	}
	s.ends = append(s.ends, openElem{end: len(s.names), colon: rel})
	s.tq, s.tc, s.te = nameStart, colon, end
	return tokStart, false
}

// uniqueAttrs reports whether the current tag's attribute names are
// distinct. Few attributes are compared pairwise; many are sorted so that
// a tag with thousands of attributes costs n log n, not n squared.
func (s *scanner) uniqueAttrs() bool {
	n := len(s.attrs)
	if n < 2 {
		return true
	}
	name := func(a *xmlAttr) []byte { return s.buf[a.name:a.end] }
	same := func(a, b *xmlAttr) bool { return bytes.Equal(name(a), name(b)) }
	if n <= 8 {
		for i := 1; i < n; i++ {
			for j := range i {
				if same(&s.attrs[i], &s.attrs[j]) {
					return false
				}
			}
		}
		return true
	}
	s.sortIdx = s.sortIdx[:0]
	for i := range n {
		s.sortIdx = append(s.sortIdx, i)
	}
	slices.SortFunc(s.sortIdx, func(i, j int) int {
		return bytes.Compare(name(&s.attrs[i]), name(&s.attrs[j]))
	})
	for k := 1; k < n; k++ {
		if same(&s.attrs[s.sortIdx[k]], &s.attrs[s.sortIdx[k-1]]) {
			return false
		}
	}
	return true
}

// endTag parses "</name>" at s.r and checks it closes the open element.
func (s *scanner) endTag() tokKind {
	// Fast path: the end tag is exactly "</" + the open element's name + ">".
	if n := len(s.ends); n > 0 {
		open := s.names[s.topStart():]
		p := s.r + 2
		if e := p + len(open); e < s.w && s.buf[e] == '>' && bytes.Equal(s.buf[p:e], open) {
			s.tq, s.tc, s.te = p, -1, e
			if c := s.ends[n-1].colon; c >= 0 {
				s.tc = p + c
			}
			s.pop()
			s.r = e + 1
			return tokEnd
		}
	}
	for {
		b := s.buf[:s.w]
		p := s.r + 2
		end, colon, st := scanName(b, p, s.srcEOF)
		if st == nameOK {
			q := end
			for q < len(b) && isSpace(b[q]) {
				q++
			}
			if q < len(b) {
				if b[q] != '>' {
					return s.fail("expected '>' in end tag </%s>", b[p:end])
				}
				if len(s.ends) == 0 {
					return s.fail("end tag </%s> without a start tag", b[p:end])
				}
				if open := s.names[s.topStart():]; !bytes.Equal(open, b[p:end]) {
					return s.fail("end tag </%s> does not match <%s>", b[p:end], open)
				}
				s.tq, s.tc, s.te = p, colon, end
				s.pop()
				s.r = q + 1
				return tokEnd
			}
		} else if st != nameMore {
			return s.fail("invalid name in an end tag")
		}
		if !s.more() {
			if s.err != nil {
				return tokErr
			}
			return s.fail("unexpected end of file inside an end tag")
		}
	}
}

// bang handles "<!": comments and CDATA sections; a DOCTYPE or any other
// declaration is refused, so no entity can ever be defined.
func (s *scanner) bang() bool {
	for s.w-s.r < 9 && !s.srcEOF {
		if !s.more() && s.err != nil {
			return false
		}
	}
	b := s.buf[s.r:s.w]
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		return s.comment()
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		if len(s.ends) == 0 {
			s.fail("CDATA section outside the root element")
			return false
		}
		return s.cdata()
	case len(b) >= 9 && bytes.EqualFold(b[:9], []byte("<!DOCTYPE")):
		s.fail("DOCTYPE is not allowed")
		return false
	default:
		s.fail("unexpected '<!'")
		return false
	}
}

// findMarkupEnd finds term in the buffer after s.r+from, reading more as
// needed. It returns the index of term in s.buf, or -1 on error or EOF.
func (s *scanner) findMarkupEnd(from int, term string, what string) int {
	searched := s.r + from
	for {
		if i := bytes.Index(s.buf[searched:s.w], []byte(term)); i >= 0 {
			if searched+i+len(term)-s.r > maxMarkupBytes {
				s.fail("%s is longer than %d bytes", what, maxMarkupBytes)
				return -1
			}
			return searched + i
		}
		// Resume the search where it stopped: the tail may hold the start
		// of term, so back up by its length less one.
		rel := max(s.w-len(term)+1, searched) - s.r
		if !s.more() {
			if s.err == nil {
				s.fail("unexpected end of file inside %s", what)
			}
			return -1
		}
		searched = s.r + rel
	}
}

func (s *scanner) comment() bool {
	i := s.findMarkupEnd(4, "--", "a comment")
	if i < 0 {
		return false
	}
	rel := i - s.r
	for s.r+rel+2 >= s.w && s.more() {
	}
	if s.err != nil {
		return false
	}
	i = s.r + rel
	if i+2 >= s.w || s.buf[i+2] != '>' {
		s.fail(`"--" inside a comment`)
		return false
	}
	if !s.validChars(s.buf[s.r+4 : i]) {
		return false
	}
	s.r = i + 3
	return true
}

func (s *scanner) cdata() bool {
	i := s.findMarkupEnd(9, "]]>", "a CDATA section")
	if i < 0 {
		return false
	}
	body := s.buf[s.r+9 : i]
	if !s.validChars(body) {
		return false
	}
	if s.capture {
		for len(body) > 0 {
			j := bytes.IndexByte(body, '\r')
			if j < 0 {
				if !s.appendText(body) {
					return false
				}
				break
			}
			if !s.appendText(body[:j]) || !s.appendText(newline) {
				return false
			}
			body = body[j+1:]
			if len(body) > 0 && body[0] == '\n' {
				body = body[1:]
			}
		}
	}
	s.brackets = 0
	s.r = i + 3
	return true
}

// pi handles a processing instruction; decl is true for the XML
// declaration at the start of the part.
func (s *scanner) pi(decl bool) bool {
	i := s.findMarkupEnd(2, "?>", "a processing instruction")
	if i < 0 {
		return false
	}
	body := s.buf[s.r+2 : i]
	end, _, st := scanName(body, 0, true)
	if st != nameOK {
		s.fail("invalid processing instruction target")
		return false
	}
	target := body[:end]
	if end < len(body) && !isSpace(body[end]) {
		s.fail("invalid processing instruction target")
		return false
	}
	if !s.validChars(body[end:]) {
		return false
	}
	if bytes.EqualFold(target, []byte("xml")) {
		if !decl {
			s.fail("XML declaration not at the start of the part")
			return false
		}
		if msg := checkDecl(body[end:]); msg != "" {
			s.fail("%s", msg)
			return false
		}
	}
	s.r = i + 2
	return true
}

// checkDecl checks the pseudo-attributes of an XML declaration: version
// 1.x, and an encoding (if any) of UTF-8, the only one read here.
func checkDecl(b []byte) string {
	seen := 0
	for {
		for len(b) > 0 && isSpace(b[0]) {
			b = b[1:]
		}
		if len(b) == 0 {
			break
		}
		eq := bytes.IndexByte(b, '=')
		if eq < 0 {
			return "malformed XML declaration"
		}
		name := bytes.TrimRight(b[:eq], " \t\r\n")
		b = bytes.TrimLeft(b[eq+1:], " \t\r\n")
		if len(b) == 0 || (b[0] != '"' && b[0] != '\'') {
			return "malformed XML declaration"
		}
		q := bytes.IndexByte(b[1:], b[0])
		if q < 0 {
			return "malformed XML declaration"
		}
		val := b[1 : 1+q]
		b = b[q+2:]
		switch string(name) {
		case "version":
			// XML 1.1 changes the rules for characters and line ends, and
			// no spreadsheet writes it.
			if string(val) != "1.0" {
				return fmt.Sprintf("unsupported XML version %q", val)
			}
			seen |= 1
		case "encoding":
			if !bytes.EqualFold(val, []byte("UTF-8")) {
				return fmt.Sprintf("unsupported encoding %q: only UTF-8 is read", val)
			}
		case "standalone":
		default:
			return fmt.Sprintf("unknown %q in the XML declaration", name)
		}
	}
	if seen&1 == 0 {
		return "XML declaration without a version"
	}
	return ""
}

// validChars checks that b is UTF-8 made of legal XML characters.
func (s *scanner) validChars(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				s.fail("invalid character U+%04X", c)
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			s.fail("invalid UTF-8")
			return false
		}
		if !isXMLChar(r) {
			s.fail("invalid character U+%04X", r)
			return false
		}
		i += n
	}
	return true
}

// skip consumes the rest of the element whose start tag was just read,
// validating it.
func (s *scanner) skip() bool {
	d := len(s.ends) - 1
	for {
		switch s.next() {
		case tokEnd:
			if len(s.ends) == d {
				return true
			}
		case tokStart:
		default:
			return false
		}
	}
}

// attr returns the value of the unprefixed attribute name of the current
// start tag, decoded into scratch if it holds references.
func (s *scanner) attr(name string, scratch *[]byte) ([]byte, bool) {
	for i := range s.attrs {
		if local, prefixed := s.attrName(i); !prefixed && string(local) == name {
			return s.attrValue(i, scratch), true
		}
	}
	return nil, false
}

// attrName returns the local name of the current tag's attribute i and
// whether it has a namespace prefix.
func (s *scanner) attrName(i int) (local []byte, prefixed bool) {
	a := &s.attrs[i]
	if a.colon >= 0 {
		return s.buf[a.colon+1 : a.end], true
	}
	return s.buf[a.name:a.end], false
}

// attrQName returns the qualified name of the current tag's attribute i.
func (s *scanner) attrQName(i int) []byte {
	return s.buf[s.attrs[i].name:s.attrs[i].end]
}

// attrValue returns the value of the current tag's attribute i with
// references replaced and literal white space normalised to spaces, as XML
// specifies; decoding, when needed, is into scratch.
func (s *scanner) attrValue(i int, scratch *[]byte) []byte {
	a := &s.attrs[i]
	v := s.buf[a.val:a.valEnd]
	if !a.coded {
		return v
	}
	out := (*scratch)[:0]
	for i := 0; i < len(v); {
		switch c := v[i]; c {
		case '&':
			r, n, _ := parseCharRef(v[i:], true)
			out = utf8.AppendRune(out, r)
			i += n
		case '\r':
			out = append(out, ' ')
			i++
			if i < len(v) && v[i] == '\n' {
				i++
			}
		case '\t', '\n':
			out = append(out, ' ')
			i++
		default:
			out = append(out, c)
			i++
		}
	}
	*scratch = out
	return out
}

type refStatus uint8

const (
	refOK refStatus = iota
	refMore
	refBad
	refUndefined
	refBadChar
)

// parseCharRef decodes the entity or character reference at b[0] == '&'.
func parseCharRef(b []byte, eof bool) (rune, int, refStatus) {
	end := bytes.IndexByte(b[:min(len(b), maxEntityBytes)], ';')
	if end < 0 {
		if len(b) < maxEntityBytes && !eof {
			return 0, 0, refMore
		}
		return 0, 0, refBad
	}
	name := b[1:end]
	n := end + 1
	switch string(name) {
	case "amp":
		return '&', n, refOK
	case "lt":
		return '<', n, refOK
	case "gt":
		return '>', n, refOK
	case "quot":
		return '"', n, refOK
	case "apos":
		return '\'', n, refOK
	}
	if len(name) == 0 {
		return 0, 0, refBad
	}
	if name[0] != '#' {
		return 0, 0, refUndefined
	}
	digits, base := name[1:], rune(10)
	if len(digits) > 0 && digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, 0, refBad
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, 0, refBad
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return 0, 0, refBadChar
		}
	}
	if !isXMLChar(r) {
		return 0, 0, refBadChar
	}
	return r, n, refOK
}

func refProblem(b []byte, st refStatus) string {
	end := bytes.IndexByte(b[:min(len(b), maxEntityBytes)], ';')
	if end < 0 {
		return "'&' not followed by a reference (write &amp;)"
	}
	switch st {
	case refUndefined:
		return fmt.Sprintf("undefined entity %q", b[:end+1])
	case refBadChar:
		return fmt.Sprintf("character reference %q is not a legal XML character", b[:end+1])
	}
	return fmt.Sprintf("malformed reference %q", b[:end+1])
}

type nameStatus uint8

const (
	nameOK nameStatus = iota
	nameMore
	nameBad
)

// nameClass: 1 may start a name, 2 may continue one.
var nameClass = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 3
		t[c-'a'+'A'] = 3
	}
	t['_'] = 3
	for c := '0'; c <= '9'; c++ {
		t[c] = 2
	}
	t['-'], t['.'] = 2, 2
	return t
}()

// scanName scans an XML name at b[p]. Names with a namespace prefix have
// exactly one colon, neither first nor last, as Namespaces in XML requires;
// colon is its index, or -1.
func scanName(b []byte, p int, eof bool) (end, colon int, st nameStatus) {
	colon = -1
	start := p
	for p < len(b) {
		c := b[p]
		if c < utf8.RuneSelf {
			cls := nameClass[c]
			switch {
			case c == ':':
				if colon >= 0 || p == start {
					return 0, 0, nameBad
				}
				colon = p
				p++
				continue
			case cls == 0:
				if p == start || p == colon+1 {
					return 0, 0, nameBad
				}
				return p, colon, nameOK
			case cls&1 == 0 && (p == start || p == colon+1):
				return 0, 0, nameBad
			}
			p++
			continue
		}
		r, n := utf8.DecodeRune(b[p:])
		if r == utf8.RuneError && n <= 1 {
			if !utf8.FullRune(b[p:]) && !eof {
				return 0, 0, nameMore
			}
			return 0, 0, nameBad
		}
		first := p == start || p == colon+1
		if !isNameRune(r, first) {
			if first {
				return 0, 0, nameBad
			}
			return p, colon, nameOK
		}
		p += n
	}
	if eof {
		if p == start || p == colon+1 {
			return 0, 0, nameBad
		}
		return p, colon, nameOK
	}
	return 0, 0, nameMore
}

// isNameRune reports whether the non-ASCII rune r may start (first) or
// continue an XML name (XML 1.0 fifth edition, productions 4 and 4a).
func isNameRune(r rune, first bool) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D,
		r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	if first {
		return false
	}
	return r == 0xB7 || (r >= 0x300 && r <= 0x36F) || (r >= 0x203F && r <= 0x2040)
}

// isXMLChar reports whether r is a legal XML 1.0 character.
func isXMLChar(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0xD7FF:
		return true
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
