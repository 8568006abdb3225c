package xlsx

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestSheetValues reads hand-written sheet XML that is valid but exercises
// each way SpreadsheetML can store a value.
func TestSheetValues(t *testing.T) {
	tests := []struct {
		name  string
		sheet string // the XML inside <sheetData>, or a whole part if it starts with '<?'
		want  string
	}{
		{
			name:  "numbers and formats",
			sheet: `<row r="1"><c r="A1"><v>42</v></c><c r="B1" s="1"><v>0.5</v></c><c r="C1" s="2"><v>43191</v></c><c r="D1" t="n"><v>-1.25E-3</v></c></row>`,
			want:  "A1=Number:42 B1=Number:0.5[0.0%] C1=Number:43191[dd/mm/yyyy] D1=Number:-1.25E-3\n",
		},
		{
			name:  "number text is trimmed, as XML Schema collapses it",
			sheet: `<row r="1"><c r="A1"><v> 7 </v></c></row>`,
			want:  "A1=Number:7\n",
		},
		{
			name:  "shared strings, rich text runs joined",
			sheet: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`,
			want:  "A1=String:Force B1=String:Crime rate\n",
		},
		{
			name:  "inline strings, runs joined, phonetic text left out",
			sheet: `<row r="1"><c r="A1" t="inlineStr"><is><t>plain</t></is></c><c r="B1" t="inlineStr"><is><r><t>rich </t></r><r><rPr><i/></rPr><t xml:space="preserve">text </t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh><phoneticPr fontId="1"/></is></c></row>`,
			want:  "A1=String:plain B1=String:rich text \n",
		},
		{
			name:  "inline string wins over a stray value",
			sheet: `<row r="1"><c r="A1" t="inlineStr"><v>1.0</v><is><t>1.</t></is></c></row>`,
			want:  "A1=String:1.\n",
		},
		{
			name:  "formula results, cached and not",
			sheet: `<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="C1"><f>NOW()</f></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E1" t="str"><f>""</f><v></v></c></row>`,
			want:  "A1=Number:2[f] B1=String:ab[f] C1=Blank:[f] D1=Error:#DIV/0![f] E1=String:[f]\n",
		},
		{
			name:  "booleans, errors and ISO dates",
			sheet: `<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="e"><v>#N/A</v></c><c r="D1" t="d" s="2"><v>2018-03-31T00:00:00</v></c></row>`,
			want:  "A1=Bool:1 B1=Bool:0 C1=Error:#N/A D1=Date:2018-03-31T00:00:00[dd/mm/yyyy]\n",
		},
		{
			name:  "cells and rows without values are left out",
			sheet: `<row r="1"><c r="A1" s="1"/><c r="B1" s="2"></c><c r="C1" t="s"/></row><row r="2"/><row r="3" spans="1:3"></row><row r="4"><c r="C4"><v>1</v></c></row>`,
			want:  "C4=Number:1\n",
		},
		{
			name:  "rows and cells without r are counted",
			sheet: `<row><c><v>1</v></c><c><v>2</v></c></row><row><c r="B2"><v>3</v></c><c><v>4</v></c></row><row r="5"><c><v>5</v></c></row><row><c><v>6</v></c></row>`,
			want:  "A1=Number:1 B1=Number:2\nB2=Number:3 C2=Number:4\nA5=Number:5\nA6=Number:6\n",
		},
		{
			name:  "a row without r takes its number from its first cell",
			sheet: `<row r="1"><c r="A1"><v>1</v></c></row><row><c r="A4"><v>4</v></c></row>`,
			want:  "A1=Number:1\nA4=Number:4\n",
		},
		{
			name:  "references, CDATA and line ends in text",
			sheet: "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t><![CDATA[<b>&amp;</b>]]></t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>a\r\nb\rc&#13;d</t></is></c></row>",
			want:  "A1=String:&<>\"'AB\U0001F600 B1=String:<b>&amp;</b> C1=String:a\nb\nc\rd\n",
		},
		{
			name:  "_xHHHH_ escapes in inline strings",
			sheet: `<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_b _x005F_x000D_ _xD83D__xDE00_ _xZZZZ_</t></is></c></row>`,
			want:  "A1=String:a\rb _x000D_ \U0001F600 _xZZZZ_\n",
		},
		{
			name:  "references in attribute values",
			sheet: `<row r="&#49;"><c r="&#65;1" t="&#115;"><v>0</v></c></row>`,
			want:  "A1=String:Force\n",
		},
		{
			name:  "many distinct attributes",
			sheet: `<row r="1" a1="" a2="" a3="" a4="" a5="" a6="" a7="" a8="" a9="" x:a1="" y:a1=""><c r="A1"><v>1</v></c></row>`,
			want:  "A1=Number:1\n",
		},
		{
			name:  "empty style attribute means style 0",
			sheet: `<row r="1"><c r="A1" s=""><v>1</v></c></row>`,
			want:  "A1=Number:1\n",
		},
		{
			name:  "row and cell extLst are skipped",
			sheet: `<row r="1"><c r="A1"><v>1</v><extLst><ext uri="x"><y/></ext></extLst></c><extLst/></row>`,
			want:  "A1=Number:1\n",
		},
		{
			name:  "empty sheetData",
			sheet: `<?xml version="1.0"?><worksheet><sheetData/></worksheet>`,
			want:  "",
		},
		{
			name: "prefixed names, comments, processing instructions, content after sheetData",
			sheet: "\ufeff<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n<!-- made by hand --><?app hint?>\n" +
				`<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:dimension ref="A1"/><x:sheetData><x:row r="1"><!-- c --><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row></x:sheetData>` +
				`<x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>` + "\n<!-- end -->\n",
			want: "A1=String:Force[in A1:B1] B1=String:Force[in A1:B1]\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := tt.sheet
			if !strings.HasPrefix(sheet, "<?") && !strings.HasPrefix(sheet, "\ufeff") {
				sheet = sheetHead + sheet + sheetTail
			}
			got, err := readTestSheet(t, sheet, Limits{})
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestSheetRejected feeds sheets that are damaged or hostile. Each must end
// in an error that says what is wrong (and where), never in a short sheet.
func TestSheetRejected(t *testing.T) {
	big := strings.Repeat("x", 101)
	tests := []struct {
		name    string
		sheet   string // inside <sheetData> unless it starts with '<?' or "!"
		lim     Limits
		kind    error
		wantErr string
	}{
		{"truncated mid-row", "!" + sheetHead + `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`, Limits{}, ErrMalformed, "unexpected end of file inside <v>: the part is truncated"},
		{"truncated mid-tag", "!" + sheetHead + `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A`, Limits{}, ErrMalformed, "unexpected end of file inside a tag"},
		{"truncated after sheetData", "!" + sheetHead + `<row r="1"><c r="A1"><v>1</v></c></row></sheetData><pageMargins left="0.7"/>`, Limits{}, ErrMalformed, "inside <worksheet>: the part is truncated"},
		{"invalid UTF-8", `<row r="1"><c r="A1" t="inlineStr"><is><t>ab` + "\xff" + `</t></is></c></row>`, Limits{}, ErrMalformed, "invalid UTF-8"},
		{"invalid UTF-8 in an attribute", `<row r="1"><c r="A1" foo="` + "\xc3" + `"><v>1</v></c></row>`, Limits{}, ErrMalformed, "invalid UTF-8 in an attribute value"},
		{"encoded surrogate", `<row r="1"><c r="A1" t="inlineStr"><is><t>` + "\xed\xa0\x80" + `</t></is></c></row>`, Limits{}, ErrMalformed, "invalid UTF-8"},
		{"undefined entity", `<row r="1"><c r="A1" t="inlineStr"><is><t>&foo;</t></is></c></row>`, Limits{}, ErrMalformed, `undefined entity "&foo;"`},
		{"bare ampersand", `<row r="1"><c r="A1" t="inlineStr"><is><t>A & B</t></is></c></row>`, Limits{}, ErrMalformed, "'&' not followed by a reference"},
		{"reference to an illegal character", `<row r="1"><c r="A1" t="inlineStr"><is><t>&#0;</t></is></c></row>`, Limits{}, ErrMalformed, "not a legal XML character"},
		{"reference to a surrogate", `<row r="1"><c r="A1" t="inlineStr"><is><t>&#xD800;</t></is></c></row>`, Limits{}, ErrMalformed, "not a legal XML character"},
		{"control character", `<row r="1"><c r="A1" t="inlineStr"><is><t>a` + "\x01" + `</t></is></c></row>`, Limits{}, ErrMalformed, "invalid character U+0001"},
		{"DOCTYPE", `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>`, Limits{}, ErrMalformed, "DOCTYPE is not allowed"},
		{"unclosed tag", `<row r="1"><c r="A1"><v>1</v></row>`, Limits{}, ErrMalformed, "end tag </row> does not match <c>"},
		{"stray end tag", `<row r="1"></c></row>`, Limits{}, ErrMalformed, "end tag </c> does not match <row>"},
		{"unquoted attribute", `<row r=1><c r="A1"><v>1</v></c></row>`, Limits{}, ErrMalformed, "unquoted value"},
		{"'<' in an attribute", `<row r="1"><c r="A<1"><v>1</v></c></row>`, Limits{}, ErrMalformed, "'<' in the value of attribute"},
		{"duplicate attribute", `<row r="1"><c r="A1" r="B1"><v>1</v></c></row>`, Limits{}, ErrMalformed, "duplicate attribute in <c>"},
		{"duplicate among many attributes", `<row r="1"><c r="A1" a1="" a2="" a3="" a4="" a5="" a6="" a7="" a8="" a9="" x:a1="" a1=""><v>1</v></c></row>`, Limits{}, ErrMalformed, "duplicate attribute in <c>"},
		{"XML 1.1", `<?xml version="1.1"?><worksheet><sheetData/></worksheet>`, Limits{}, ErrMalformed, `unsupported XML version "1.1"`},
		{"no space between attributes", `<row r="1"><c r="A1"s="1"><v>1</v></c></row>`, Limits{}, ErrMalformed, "expected white space before an attribute"},
		{"]]> in text", `<row r="1"><c r="A1" t="inlineStr"><is><t>a]]>b</t></is></c></row>`, Limits{}, ErrMalformed, `"]]>" in character data`},
		{"-- in a comment", `<!-- a -- b --><row r="1"/>`, Limits{}, ErrMalformed, `"--" inside a comment`},
		{"invalid element name", `<row r="1"><1c/></row>`, Limits{}, ErrMalformed, "invalid element name"},
		{"two colons in a name", `<row r="1"><a:b:c/></row>`, Limits{}, ErrMalformed, "invalid element name"},
		{"content after the root", "!" + sheetHead + sheetTail + "<worksheet/>", Limits{}, ErrMalformed, "content after the root element"},
		{"text after the root", "!" + sheetHead + sheetTail + "junk", Limits{}, ErrMalformed, "content after the root element"},
		{"XML declaration not first", "!\n" + sheetHead + sheetTail, Limits{}, ErrMalformed, "XML declaration not at the start"},
		{"not UTF-8", `<?xml version="1.0" encoding="ISO-8859-1"?><worksheet><sheetData/></worksheet>`, Limits{}, ErrMalformed, `unsupported encoding "ISO-8859-1"`},
		{"UTF-16 byte-order mark", "!\xff\xfe<\x00", Limits{}, ErrMalformed, "UTF-16 is not supported"},
		{"not XML", "!PK\x03\x04", Limits{}, ErrMalformed, "text before the root element"},
		{"empty part", "!", Limits{}, ErrMalformed, "no root element"},
		{"nested too deep", strings.Repeat("<row>", 300), Limits{}, ErrMalformed, "row 1: unexpected <row>"},
		{"deep extLst", `<row r="1"><c r="A1"><extLst>` + strings.Repeat("<a>", 300) + `</extLst></c></row>`, Limits{}, ErrMalformed, "elements nested more than 256 deep"},
		{"no sheetData", `<?xml version="1.0"?><worksheet><dimension ref="A1"/></worksheet>`, Limits{}, ErrMalformed, "has no <sheetData>"},
		{"second sheetData", "!" + sheetHead + sheetTail[:len("</sheetData>")] + "<sheetData/></worksheet>", Limits{}, ErrMalformed, "second <sheetData>"},
		{"not a worksheet", `<?xml version="1.0"?><chartsheet><sheetData/></chartsheet>`, Limits{}, ErrMalformed, "root element is <chartsheet>, not a worksheet"},
		{"unexpected element in sheetData", `<row r="1"/><col/>`, Limits{}, ErrMalformed, "unexpected <col> in <sheetData> after row 1"},
		{"unexpected element in a row", `<row r="1"><v>1</v></row>`, Limits{}, ErrMalformed, "row 1: unexpected <v>"},
		{"unexpected element in a cell", `<row r="1"><c r="A1"><t>1</t></c></row>`, Limits{}, ErrMalformed, "cell A1: unexpected <t>"},
		{"element inside a value", `<row r="1"><c r="A1"><v><b/>1</v></c></row>`, Limits{}, ErrMalformed, "cell A1: element <b> inside <v>"},
		{"two values", `<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>`, Limits{}, ErrMalformed, "cell A1 has two values"},
		{"duplicate cell", `<row r="7"><c r="B7"><v>1</v></c><c r="B7"><v>2</v></c></row>`, Limits{}, ErrMalformed, "cell B7 appears twice"},
		{"cells out of order", `<row r="7"><c r="C7"><v>1</v></c><c r="B7"><v>2</v></c></row>`, Limits{}, ErrMalformed, "cell B7 comes after cell C7"},
		{"cell without r after the last column", `<row r="1"><c r="XFD1"><v>1</v></c><c><v>2</v></c></row>`, Limits{}, ErrLimit, "row 1: cell 16385 is beyond MaxCols (16384)"},
		{"cell in the wrong row", `<row r="7"><c r="A8"><v>1</v></c></row>`, Limits{}, ErrMalformed, "cell A8 is inside row 7"},
		{"rows out of order", `<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>`, Limits{}, ErrMalformed, "row 1 comes after row 2"},
		{"duplicate row", `<row r="2"/><row r="2"/>`, Limits{}, ErrMalformed, "row 2 appears twice"},
		{"row zero", `<row r="0"/>`, Limits{}, ErrMalformed, `invalid number "0"`},
		{"row number not a number", `<row r="1x"/>`, Limits{}, ErrMalformed, `invalid number "1x"`},
		{"row just past Excel's grid", `<row r="1048577"><c r="A1048577"><v>1</v></c></row>`, Limits{}, ErrLimit, "row 1048577 is beyond MaxRows (1048576)"},
		{"row 2147483647", `<row r="2147483647"><c r="A2147483647"><v>1</v></c></row>`, Limits{}, ErrLimit, "row 2147483647 is beyond MaxRows (1048576)"},
		{"row number too long to parse", `<row r="99999999999"/>`, Limits{}, ErrMalformed, `invalid number "99999999999"`},
		{"cell past the last row", `<row><c r="A2147483647"><v>1</v></c></row>`, Limits{}, ErrLimit, "row 2147483647 is beyond MaxRows"},
		{"row over a lowered limit", `<row r="11"/>`, Limits{MaxRows: 10}, ErrLimit, "row 11 is beyond MaxRows (10)"},
		{"column past XFD", `<row r="1"><c r="XFE1"><v>1</v></c></row>`, Limits{}, ErrLimit, "cell XFE1: column 16385 is beyond MaxCols (16384)"},
		{"invalid cell reference", `<row r="1"><c r="A-1"><v>1</v></c></row>`, Limits{}, ErrMalformed, `invalid cell reference "A-1"`},
		{"inline text over the limit", `<row r="3"><c r="B3" t="inlineStr"><is><t>` + big + `</t></is></c></row>`, Limits{MaxCellBytes: 100}, ErrLimit, "cell B3: text is longer than MaxCellBytes (100 bytes)"},
		{"inline runs over the limit together", `<row r="3"><c r="B3" t="inlineStr"><is><r><t>` + big[:60] + `</t></r><r><t>` + big[:60] + `</t></r></is></c></row>`, Limits{MaxCellBytes: 100}, ErrLimit, "cell B3: text is longer than MaxCellBytes"},
		{"value over the limit", `<row r="3"><c r="B3" t="str"><v>` + big + `</v></c></row>`, Limits{MaxCellBytes: 100}, ErrLimit, "cell B3: text is longer than MaxCellBytes (100 bytes)"},
		{"shared string index out of range", `<row r="3"><c r="B3" t="s"><v>2</v></c></row>`, Limits{}, ErrMalformed, `cell B3: shared string index "2" is out of range (the table has 2 strings)`},
		{"negative shared string index", `<row r="3"><c r="B3" t="s"><v>-1</v></c></row>`, Limits{}, ErrMalformed, `cell B3: shared string index "-1" is out of range`},
		{"empty shared string index", `<row r="3"><c r="B3" t="s"><v></v></c></row>`, Limits{}, ErrMalformed, "cell B3: shared-string cell has an empty value"},
		{"self-closing shared string value", `<row r="3"><c r="B3" t="s"><v/></c></row>`, Limits{}, ErrMalformed, "cell B3: shared-string cell has an empty value"},
		{"unknown cell type", `<row r="1"><c r="A1" t="x"><v>1</v></c></row>`, Limits{}, ErrMalformed, `unknown type t="x"`},
		{"NaN", `<row r="1"><c r="A1"><v>NaN</v></c></row>`, Limits{}, ErrMalformed, `cell A1: "NaN" is not a finite decimal number`},
		{"infinity", `<row r="1"><c r="A1"><v>INF</v></c></row>`, Limits{}, ErrMalformed, `"INF" is not a finite decimal number`},
		{"hexadecimal float", `<row r="1"><c r="A1"><v>0x1p-2</v></c></row>`, Limits{}, ErrMalformed, `"0x1p-2" is not a finite decimal number`},
		{"overflowing number", `<row r="1"><c r="A1"><v>1e309</v></c></row>`, Limits{}, ErrMalformed, `"1e309" is not a finite decimal number`},
		{"overflowing integer", `<row r="1"><c r="A1"><v>` + strings.Repeat("9", 400) + `</v></c></row>`, Limits{}, ErrMalformed, "is not a finite decimal number"},
		{"number with a thousands separator", `<row r="1"><c r="A1"><v>1,000</v></c></row>`, Limits{}, ErrMalformed, `"1,000" is not a finite decimal number`},
		{"boolean not 0 or 1", `<row r="1"><c r="A1" t="b"><v>2</v></c></row>`, Limits{}, ErrMalformed, `cell A1: boolean cell holds "2"`},
		{"empty error value", `<row r="1"><c r="A1" t="e"><v> </v></c></row>`, Limits{}, ErrMalformed, "cell A1: empty value in an error or date cell"},
		{"undefined style", `<row r="1"><c r="A1" s="3"><v>1</v></c></row>`, Limits{}, ErrMalformed, "cell A1: style 3 is not defined (styles.xml has 3 cell formats)"},
		{"invalid style", `<row r="1"><c r="A1" s="x"><v>1</v></c></row>`, Limits{}, ErrMalformed, `invalid style "x"`},
		{"malformed after sheetData", "!" + sheetHead + `<row r="1"><c r="A1"><v>1</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B1"></mergeCells></worksheet>`, Limits{}, ErrMalformed, "end tag </mergeCells> does not match <mergeCell>"},
		{"sheet over MaxSheetXMLBytes", `<row r="1"><c r="A1" t="inlineStr"><is><t>` + strings.Repeat("y", 5000) + `</t></is></c></row>`, Limits{MaxSheetXMLBytes: 4096}, ErrLimit, "over the limit of 4096"},
		{"tag longer than 1 MiB", `<row r="1"><c r="A1" foo="` + strings.Repeat("z", maxMarkupBytes) + `"/></row>`, Limits{}, ErrMalformed, "a tag is longer than 1048576 bytes"},
		{"far longer tag", `<row r="1"><c r="A1" foo="` + strings.Repeat("z", 3*maxMarkupBytes) + `"/></row>`, Limits{}, ErrMalformed, "longer than 1048576 bytes"},
		{"comment longer than 1 MiB", `<!--` + strings.Repeat("z", maxMarkupBytes) + `-->`, Limits{}, ErrMalformed, "a comment is longer than 1048576 bytes"},
		{"CDATA longer than 1 MiB", `<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[` + strings.Repeat("z", 3*maxMarkupBytes) + `]]></t></is></c></row>`, Limits{}, ErrMalformed, "longer than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := tt.sheet
			switch {
			case strings.HasPrefix(sheet, "!"):
				sheet = sheet[1:]
			case !strings.HasPrefix(sheet, "<?"):
				sheet = sheetHead + sheet + sheetTail
			}
			start := time.Now()
			got, err := readTestSheet(t, sheet, tt.lim)
			if err == nil {
				t.Fatalf("no error; read\n%s", got)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %q does not wrap %v", err, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), `sheet "Sheet1"`) {
				t.Errorf("error %q does not name the sheet", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestSheetErrorAfterRows checks that rows read before a fault are
// followed by an error, not by a clean end: the caller must see that the
// sheet is incomplete.
func TestSheetErrorAfterRows(t *testing.T) {
	sheet := sheetHead + `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="A3"><v>3`
	wb, err := Open(zipParts(t, testParts(sheet)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.Rows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if n != 2 {
		t.Errorf("read %d rows before the fault, want 2", n)
	}
	if rows.Err() == nil || !strings.Contains(rows.Err().Error(), "in row 3") {
		t.Errorf("Err() = %v, want a truncation error in row 3", rows.Err())
	}
	if rows.Next() {
		t.Error("Next after an error returned true")
	}
}

// TestRowsReuse checks the documented contract of Cells: the slice is
// reused, the strings in it are not.
func TestRowsReuse(t *testing.T) {
	sheet := sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>first</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>other</t></is></c></row>` + sheetTail
	wb, err := Open(zipParts(t, testParts(sheet)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.Rows("sheet1") // any case
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	kept := rows.Cells()[0].Value
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	if kept != "first" || rows.Cells()[0].Value != "other" || rows.RowNum() != 2 {
		t.Errorf("kept %q, current %q in row %d", kept, rows.Cells()[0].Value, rows.RowNum())
	}
	if rows.Next() || rows.Err() != nil {
		t.Errorf("end: Err() = %v", rows.Err())
	}
	if err := rows.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestRowTextLimit checks the bound on one row's text with a lowered
// bound: kept values count towards it, skipped cells do not.
func TestRowTextLimit(t *testing.T) {
	wb, err := Open(zipParts(t, testParts(sheetHead+sheetTail)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat(" ", 60)
	tests := []struct {
		name    string
		row     string
		wantErr string
	}{
		{"kept values over the bound", `<row r="1"><c r="A1" t="str"><v>` + pad + `</v></c><c r="B1" t="str"><v>` + pad + `</v></c></row>`, "row 1 holds more than 100 bytes of text"},
		{"blank values are not kept", `<row r="1">` + strings.Repeat(`<c><v>`+pad+`</v></c>`, 10) + `<c t="s"><v>` + pad + `0</v></c></row>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := wb.rowsFrom("Sheet1", io.NopCloser(strings.NewReader(sheetHead+tt.row+sheetTail)))
			rows.rowMax = 100
			for rows.Next() {
			}
			err := rows.Err()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}
