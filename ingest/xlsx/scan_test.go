package xlsx

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// dumpScan tokenizes a document with every character captured and renders
// it as text: elements as <name a=v> and </name>, character data quoted.
func dumpScan(r io.Reader) (string, error) {
	var s scanner
	s.reset(r, "test.xml", 1<<30)
	s.capture, s.capMax = true, 1<<30
	var b strings.Builder
	var scratch []byte
	flush := func() {
		if len(s.text) > 0 {
			fmt.Fprintf(&b, "%q", s.text)
			s.text = s.text[:0]
		}
	}
	for {
		k := s.next()
		flush()
		switch k {
		case tokStart:
			fmt.Fprintf(&b, "<%s", qname(s.prefix(), s.local()))
			for i := range s.attrs {
				fmt.Fprintf(&b, " %s=%q", s.attrQName(i), s.attrValue(i, &scratch))
			}
			b.WriteString(">")
		case tokEnd:
			fmt.Fprintf(&b, "</%s>", qname(s.prefix(), s.local()))
		case tokEOF:
			return b.String(), nil
		default:
			return b.String(), s.err
		}
	}
}

func qname(prefix, local []byte) string {
	if prefix == nil {
		return string(local)
	}
	return string(prefix) + ":" + string(local)
}

// dumpEncodingXML renders a document as dumpScan does, using encoding/xml.
func dumpEncodingXML(doc string) (string, error) {
	d := xml.NewDecoder(strings.NewReader(doc))
	var b strings.Builder
	var text []byte
	depth := 0
	for {
		tok, err := d.RawToken()
		if _, ok := tok.(xml.CharData); !ok && len(text) > 0 {
			fmt.Fprintf(&b, "%q", text)
			text = text[:0]
		}
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		name := func(n xml.Name) string {
			if n.Space == "" {
				return n.Local
			}
			return n.Space + ":" + n.Local
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			fmt.Fprintf(&b, "<%s", name(t.Name))
			for _, a := range t.Attr {
				fmt.Fprintf(&b, " %s=%q", name(a.Name), a.Value)
			}
			b.WriteString(">")
		case xml.EndElement:
			depth--
			fmt.Fprintf(&b, "</%s>", name(t.Name))
		case xml.CharData:
			// Outside the root only white space may stand, and it is not
			// character data of the document.
			if depth > 0 {
				text = append(text, t...)
			}
		}
	}
}

var scanDocs = []struct {
	name, doc string
	wantErr   string // "" for a well-formed document
	notXML    bool   // encoding/xml reads it differently, wrongly
}{
	{"text and references", "<a>x &amp; &lt;&gt;&quot;&apos; &#65;&#x42;&#x10FFFF; y</a>", "", false},
	{"line ends", "<a>1\r\n2\r3\n4&#13;</a>", "", false},
	{"CDATA", "<a><![CDATA[<&>]]]]><![CDATA[>\r\n]]></a>", "", false},
	{"attributes", "<a x='1' y=\"it's\" z = \"a&amp;b&#10;c\"/>", "", false},
	// XML turns literal white space in an attribute value into spaces;
	// encoding/xml keeps it.
	{"attribute white space", "<a z=\"c\td\r\ne\nf\"/>", "", true},
	{"prefixes", `<p:a xmlns:p="u" p:x="1"><p:b/></p:a>`, "", false},
	{"non-ASCII names and text", "<données été=\"é\"><a·b>ü€𝄞</a·b></données>", "", false},
	{"comments and PIs", "<?xml version=\"1.0\"?><!-- c --><?pi x?><a><!--- - --><?pi?></a><!--z-->\n", "", false},
	{"whitespace around the root", "\n\t <a/> \n", "", false},
	{"BOM", "\ufeff<a/>", "", false},
	{"many attributes", "<a a1='' a2='' a3='' a4='' a5='' a6='' a7='' a8='' a9='' a10='' b:a1=''/>", "", false},
	{"long text", "<a>" + strings.Repeat("0123456789€", 20000) + "</a>", "", false},
	{"long attribute", "<a v='" + strings.Repeat("x", 200000) + "'/>", "", false},
	{"name starting with a middle dot", "<·a/>", "invalid element name", false},
	{"name with an empty prefix", "<:a/>", "invalid element name", false},
	{"name with an empty local part", "<a:/>", "invalid element name", false},
	{"entity without a semicolon", "<a>&amp</a>", "'&' not followed by a reference", false},
	{"empty character reference", "<a>&#;</a>", "malformed reference", false},
	{"hex digits in a decimal reference", "<a>&#1F;</a>", "malformed reference", false},
	{"reference past Unicode", "<a>&#x110000;</a>", "not a legal XML character", false},
	{"reference to U+FFFE", "<a>&#xFFFE;</a>", "not a legal XML character", false},
	{"U+FFFF in text", "<a>\uffff</a>", "invalid character U+FFFF", false},
	{"control character in an attribute", "<a x='\x02'/>", "invalid character U+0002 in an attribute value", false},
	{"U+FFFE in an attribute", "<a x='\ufffe'/>", "invalid character U+FFFE in an attribute value", false},
	{"invalid UTF-8 in a comment", "<a><!-- \xff --></a>", "invalid UTF-8", false},
	{"control character in CDATA", "<a><![CDATA[\x00]]></a>", "invalid character U+0000", false},
	{"comment ending in a dash", "<a><!-- x ---></a>", `"--" inside a comment`, false},
	{"unterminated comment", "<a><!-- x", "unexpected end of file inside a comment", false},
	{"unterminated CDATA", "<a><![CDATA[x", "unexpected end of file inside a CDATA section", false},
	{"CDATA outside the root", "<![CDATA[x]]><a/>", "CDATA section outside the root element", false},
	{"unknown declaration", "<a><!ELEMENT a ANY></a>", "unexpected '<!'", false},
	{"lower-case doctype", "<!doctype a><a/>", "DOCTYPE is not allowed", false},
	{"reserved PI target", "<a><?XML x?></a>", "XML declaration not at the start of the part", false},
	{"bad PI target", "<a><?1x?></a>", "invalid processing instruction target", false},
	{"declaration without version", "<?xml encoding='UTF-8'?><a/>", "XML declaration without a version", false},
	{"declaration with junk", "<?xml version='1.0' foo='1'?><a/>", `unknown "foo" in the XML declaration`, false},
	{"end tag with junk", "<a></a x>", "expected '>' in end tag </a>", false},
	{"end tag without a start", "</a>", "end tag </a> without a start tag", false},
	{"attribute without a value", "<a x/>", "expected '=' after attribute x in <a>", false},
	{"slash not closing a tag", "<a / >", "expected '>' after '/' in <a>", false},
	{"lone '<' at the end", "<a><", "unexpected end of file after '<'", false},
	{"reference cut by the end", "<a>&am", "'&' not followed by a reference", false},
	{"UTF-8 cut by the end", "<a>\xe2\x82", "invalid UTF-8", false},
}

// TestScan tokenizes documents through readers that return one byte, half
// the request, or data with EOF, so that every construct is also split
// across buffer refills; the result must not depend on how input arrives.
// Well-formed documents must also read the same as through encoding/xml.
func TestScan(t *testing.T) {
	readers := map[string]func(io.Reader) io.Reader{
		"one byte":  iotest.OneByteReader,
		"half":      iotest.HalfReader,
		"EOF early": iotest.DataErrReader,
	}
	for _, tt := range scanDocs {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dumpScan(strings.NewReader(tt.doc))
			if tt.wantErr == "" && err != nil {
				t.Fatalf("error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			for name, wrap := range readers {
				got2, err2 := dumpScan(wrap(strings.NewReader(tt.doc)))
				if got2 != got || fmt.Sprint(err2) != fmt.Sprint(err) {
					t.Errorf("%s reader: got %.200s, %v\nwant %.200s, %v", name, got2, err2, got, err)
				}
			}
			if tt.wantErr != "" || tt.notXML {
				return
			}
			want, err := dumpEncodingXML(tt.doc)
			if err != nil {
				t.Fatalf("encoding/xml: %v", err)
			}
			if got != want {
				t.Errorf("got\n%.300s\nencoding/xml reads\n%.300s", got, want)
			}
		})
	}
}
