package xlsx

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// FuzzPlainText reads arbitrary bytes as a sheet with plain cell content
// recognised whole (plain_text.go) and token by token: the rows, cells,
// row numbers and error must be the same.
func FuzzPlainText(f *testing.F) {
	seeds := []string{
		sheetHead + `<row r="1"><c r="A1"><v>42</v></c><c r="B1" t="inlineStr"><is><t>North</t></is></c><c r="C1" t="inlineStr"><is><t></t></is></c><c r="D1"><v></v></c></row>` + sheetTail,
		sheetHead + `<row r="1"><c r="A1"><v>1</v><v>2</v></c><c r="B1" t="inlineStr"><is><t>a</t></is><is><t>b</t></is></c></row>` + sheetTail,
		sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>0123456789abcdef</t></is></c><c r="B1"><v>12345678901</v></c></row>` + sheetTail,
		sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>a]]</t></is></c><c r="B1" t="inlineStr"><is><t>&gt;</t></is></c></row>` + sheetTail,
		sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>x</t><t>y</t></is></c><c r="B1"/><c r="C1"><v>1</v></c></row>` + sheetTail,
		sheetHead + `<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="inlineStr"><is><t>open`,
		sheetHead + `<row r="1">]]<c r="A1"><v></v></c>></row><row r="3">]]<c r="A3" t="inlineStr"><is><t></t></is></c>></row>` + sheetTail,
		sheetHead + `<row r="1">]]<c r="A1"><v>1</v></c>></row><row r="2">]]<c r="A2" t="inlineStr"><is><t>x</t></is></c>></row>` + sheetTail, // "]]" then ">" apart is no "]]>"
		sheetHead + `<row r="1"><c r="A1"><v>1 2</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="b"><v>1</v></c><c r="D1"><f>A1</f><v>3</v></c></row>` + sheetTail,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	wb, err := Open(zipParts(f, testParts(sheetHead+sheetTail)), Limits{MaxCellBytes: 10})
	if err != nil {
		f.Fatal(err)
	}
	render := func(rows *Rows) string { return renderRows(rows, -1) }
	f.Fuzz(func(t *testing.T, data []byte) {
		whole := render(wb.rowsFrom("Fuzz", io.NopCloser(bytes.NewReader(data))))
		tokens := wb.rowsFrom("Fuzz", io.NopCloser(bytes.NewReader(data)))
		tokens.s.plainOff = true
		if byTokens := render(tokens); whole != byTokens {
			t.Fatalf("plain content read whole:\n%s\ntoken by token:\n%s", tail(whole), tail(byTokens))
		}
	})
}

// TestPlainTextIsTaken checks that the plain content of the seeds above
// is recognised, so that FuzzPlainText compares the two readings rather
// than one with itself.
func TestPlainTextIsTaken(t *testing.T) {
	for _, tc := range []struct {
		at, open, close, want string
		push                  int
	}{
		{`<v>42</v></c>`, "<v>", "</v>", "42", 1},
		{`<is><t>North, two</t></is></c>`, "<is><t>", "</t></is>", "North, two", 2},
		{`<v></v>`, "<v>", "</v>", "", 1},
	} {
		var s scanner
		s.reset(strings.NewReader(""), "t", 1<<20)
		s.buf = append(s.buf[:0], tc.at...)
		s.w = len(s.buf)
		text, n := s.plainText(tc.open, tc.close, tc.push)
		if n == 0 || string(text) != tc.want {
			t.Errorf("%s: %q, %d", tc.at, text, n)
		}
	}
	for _, at := range []string{`<v>a&amp;b</v>`, `<v>1`, `<v x="1">1</v>`, `<is> <t>a</t></is>`, `<is><t xml:space="preserve"> a</t></is>`, `<v>]]</v>`, "<v>caf\u00e9</v>", "<v>a\rb</v>"} {
		var s scanner
		s.reset(strings.NewReader(""), "t", 1<<20)
		s.buf = append(s.buf[:0], at...)
		s.w = len(s.buf)
		if _, n := s.plainText("<v>", "</v>", 1); n != 0 {
			t.Errorf("%s was taken as plain", at)
		}
		if _, n := s.plainText("<is><t>", "</t></is>", 2); n != 0 {
			t.Errorf("%s was taken as plain", at)
		}
	}
}
