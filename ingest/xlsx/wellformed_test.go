package xlsx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// The package check once had a well-formedness checker of its own; the
// scanner is now the only one, and it refuses all that that one refused.
// (want is what that checker said, for the reader of a failure.)

const wellFormedSheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:B2"/><sheetData><row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t xml:space="preserve">Q1 &amp; Q2 &#163;&#x2212;</t></is></c></row><row r="2"><c r="A2" s="1"><v>0.5</v></c><c r="B2"><f>A2*2</f><v>1</v></c></row></sheetData></worksheet>`

// scanToEnd reads a document through the scanner to its end.
func scanToEnd(r io.Reader, limit int64) error {
	var s scanner
	s.reset(r, "test.xml", limit)
	for {
		switch s.next() {
		case tokEOF:
			return nil
		case tokErr:
			return s.err
		}
	}
}

type namedReader struct {
	name string
	r    io.Reader
}

// readersOf serves doc whole and a byte at a time, so that every
// construct is also checked across the scanner's buffer refills.
func readersOf(doc string) []namedReader {
	return []namedReader{
		{"whole", strings.NewReader(doc)},
		{"bytewise", iotest.OneByteReader(strings.NewReader(doc))},
		{"eof-with-data", iotest.DataErrReader(strings.NewReader(doc))},
	}
}

func TestScanWellFormedness(t *testing.T) {
	testSheet := wellFormedSheet
	valid := []string{
		testSheet,
		"\xef\xbb\xbf" + testSheet,
		`<a/>`,
		"<a/>\n",
		`<?xml version='1.0' encoding='utf-8'?><a/>`,
		`<?xml version="1.0" standalone="yes"?>` + "\r\n<a/>",
		`<!-- a comment with - dashes --><a><!-- inside --></a><!-- after -->`,
		`<a><?pi data?></a><?after?>`,
		`<a><![CDATA[<not a tag> & ]] ]]]></a>`,
		`<x:a xmlns:x="u"><x:b x:c='1' d = "2"/></x:a>`,
		`<a b="&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;"/>`,
		`<a>&#9;&#10;&#13;&#xD7FF;&#xE000;&#x10FFFF;</a>`,
		`<a>£ € 漢字 😀 > ] ]] ]>]]]'"</a>`,
		`<a b="x>y" c="it's"/>`,
		`<a ></a >`,
		"<a\n\tb=\"1\"\n/>",
		`<a.b-c_d:e1/>`,
		`<a>` + strings.Repeat(`<b>`, 200) + strings.Repeat(`</b>`, 200) + `</a>`,
		// XML allows "]]>" in an attribute value and names beyond ASCII;
		// the package check's checker refused both.
		`<a b="]]>"/>`,
		// "]]" and ">" with markup between them are not "]]>".
		`<a>]]<b/>></a>`,
		`<a>]]<!--c-->></a>`,
		"<a\xc3\xa9/>",
		`<` + strings.Repeat("n", 512) + `/>`,
	}
	for _, doc := range valid {
		for _, r := range readersOf(doc) {
			if err := scanToEnd(r.r, 1<<20); err != nil {
				t.Errorf("%s %.60q: %v", r.name, doc, err)
			}
		}
	}

	invalid := []struct{ doc, want string }{
		{``, "no root element"},
		{"  \n ", "no root element"},
		{`<a>`, "it ends inside <a>"},
		{`<worksheet><sheetData><row r="1"><c r="A1"><v>1`, "it ends inside <v>"},
		{`<a b="1`, "it ends inside <a>"},
		{`<a><b></a></b>`, "</a> closes <b>"},
		{`<a></A>`, "</A> closes <a>"},
		{`</a>`, "'/' after '<'"},
		{`<a/><b/>`, "a second root element"},
		{`text<a/>`, "text outside the root element"},
		{`<a/>text`, "text outside the root element"},
		{`<a>&nbsp;</a>`, "the undefined entity &nbsp;"},
		{`<a>&lt</a>`, "does not start a reference"},
		{`<a>AT&T</a>`, "does not start a reference"},
		{`<a>& </a>`, "does not start a reference"},
		{`<a>&#0;</a>`, "U+0000"},
		{`<a>&#x1;</a>`, "U+0001"},
		{`<a>&#xD800;</a>`, "U+D800"},
		{`<a>&#x110000;</a>`, "U+110000"},
		{`<a>&#xZZ;</a>`, "bad character reference"},
		{`<a>&#;</a>`, "bad character reference"},
		{`<a>&#123456789;</a>`, "bad character reference"},
		{`<a b="&foo;"/>`, "undefined entity &foo;"},
		{"<a>\x01</a>", "control character U+0001"},
		{"<a>\x00</a>", "control character U+0000"},
		{"<a b=\"\x0b\"/>", "control character U+000B"},
		{"<a>\xff</a>", "invalid UTF-8"},
		{"<a>\xc3</a>", "invalid UTF-8"},
		{"<a>\xed\xa0\x80</a>", "invalid UTF-8"}, // an encoded surrogate
		{"<a>\xef\xbf\xbe</a>", "U+FFFE"},
		{"<a b=\"\xe9\"/>", "invalid UTF-8"},
		{"<a><!-- \xff --></a>", "invalid UTF-8"},
		{`<a b=1/>`, "without quotes"},
		{`<a b/>`, "an attribute without a value"},
		{`<a b="1"c="2"/>`, "where a space or the end of the tag should be"},
		{`<a b="<"/>`, "a '<' inside an attribute value"},
		{`<a>]]></a>`, `"]]>" outside a CDATA section`},
		{`<a>]]]></a>`, `"]]>" outside a CDATA section`},
		{`<a / >`, "'/' not followed by '>'"},
		{`<1a/>`, "'1' after '<'"},
		{`<a:b:c/>`, "more than one ':'"},
		{`<a>` + strings.Repeat(`<b>`, 300) + `</a>`, "nested more than 256 deep"},
		{`<a x:y:z="1"/>`, "more than one ':'"},
		{`<!DOCTYPE a><a/>`, "a DOCTYPE declaration"},
		{`<!doctype a><a/>`, "a DOCTYPE declaration"},
		{`<a><!ENTITY x "y"></a>`, "a declaration ('<!')"},
		{`<![CDATA[x]]><a/>`, "a declaration ('<!')"},
		{`<a><!-- a -- b --></a>`, "'--' inside a comment"},
		{`<a><!-- a ---></a>`, "'--' inside a comment"},
		{`<a><!-- open</a>`, "it ends inside <a>"},
		{`<a><![CDATA[open</a>`, "it ends inside <a>"},
		{`<a/><?xml version="1.0"?>`, "not at the start"},
		{`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, `the encoding "ISO-8859-1"`},
		{`<?xml version="1.1"?><a/>`, `XML version "1.1"`},
		{"\xff\xfe<\x00a\x00/\x00>\x00", "UTF-16"},
	}
	for _, tt := range invalid {
		for _, r := range readersOf(tt.doc) {
			err := scanToEnd(r.r, 1<<20)
			if err == nil {
				t.Errorf("%s %.60q: accepted; want refused (%s)", r.name, tt.doc, tt.want)
				continue
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%s %.60q: %v; want ErrMalformed (%s)", r.name, tt.doc, err, tt.want)
			}
		}
	}
}

func TestScanLimitAndReadErrors(t *testing.T) {
	doc := `<a>` + strings.Repeat("x", 1000) + `</a>`
	if err := scanToEnd(strings.NewReader(doc), int64(len(doc))); err != nil {
		t.Errorf("at exactly the limit: %v", err)
	}
	if err := scanToEnd(strings.NewReader(doc), int64(len(doc)-1)); !errors.Is(err, ErrLimit) {
		t.Errorf("over the limit: %v; want ErrLimit", err)
	}
	r := io.MultiReader(strings.NewReader("<a>"), iotest.ErrReader(errors.New("disk on fire")))
	if err := scanToEnd(r, 1<<20); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("read error: %v; want the cause", err)
	}
}

// FuzzScan holds the scanner to a promise: whatever it reads to the end,
// encoding/xml also reads to the end without an error, so that no
// accepted part can be silently cut short.
func FuzzScan(f *testing.F) {
	for _, s := range []string{
		wellFormedSheet, `<a b="1"><![CDATA[x]]><!--c--><?p?>&amp;&#65;</a>`, `<x:a xmlns:x="u"/>`,
		"<a>\xc3\xa9</a>", `<a><b></a>`, `<!DOCTYPE a><a/>`,
		// encoding/xml accepts no other spelling of UTF-8.
		`<?xml encoding="UTF8"?><worksheet></worksheet>`, `<a>]]></a>`, `<::/>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if scanToEnd(bytes.NewReader(doc), 1<<20) != nil {
			return
		}
		d := xml.NewDecoder(bytes.NewReader(doc))
		for {
			_, err := d.Token()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("the scanner accepted %q, which encoding/xml rejects: %v", doc, err)
			}
		}
	})
}
