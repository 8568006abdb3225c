package xlsx

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

// TestMergedCells reads sheets with merged ranges: each cell of a range
// carries the top-left cell's value, marked with its range.
func TestMergedCells(t *testing.T) {
	str := func(s string) string { return `<is><t>` + s + `</t></is>` }
	tests := []struct {
		name   string
		rows   string
		merges string
		want   string
	}{
		{
			name: "a unit band over three columns above a header",
			rows: `<row r="1"><c r="B1" t="inlineStr">` + str("£'000") + `</c></row>` +
				`<row r="2"><c r="A2" t="inlineStr">` + str("Area") + `</c><c r="B2" t="inlineStr">` + str("Budget") + `</c><c r="C2" t="inlineStr">` + str("Forecast") + `</c><c r="D2" t="inlineStr">` + str("Variance") + `</c></row>`,
			merges: `<mergeCell ref="B1:D1"/>`,
			want: "B1=String:£'000[in B1:D1] C1=String:£'000[in B1:D1] D1=String:£'000[in B1:D1]\n" +
				"A2=String:Area B2=String:Budget C2=String:Forecast D2=String:Variance\n",
		},
		{
			name: "a label merged down over rows, beside values",
			rows: `<row r="1"><c r="A1" t="inlineStr">` + str("North") + `</c><c r="B1"><v>1</v></c></row>` +
				`<row r="2"><c r="B2"><v>2</v></c></row>` +
				`<row r="3"><c r="B3"><v>3</v></c></row>`,
			merges: `<mergeCell ref="A1:A2"/>`,
			want:   "A1=String:North[in A1:A2] B1=Number:1\nA2=String:North[in A1:A2] B2=Number:2\nB3=Number:3\n",
		},
		{
			name:   "a hidden value under a merged range gives way to the range's",
			rows:   `<row r="1"><c r="A1" t="inlineStr">` + str("2021/22") + `</c><c r="B1" t="inlineStr">` + str("stale") + `</c><c r="D1"><v>9</v></c></row>`,
			merges: `<mergeCell ref="A1:B1"/>`,
			want:   "A1=String:2021/22[in A1:B1] B1=String:2021/22[in A1:B1] D1=Number:9\n",
		},
		{
			name:   "an empty merged range adds nothing",
			rows:   `<row r="1"><c r="C1"><v>5</v></c></row>`,
			merges: `<mergeCell ref="A1:B1"/>`,
			want:   "C1=Number:5\n",
		},
		{
			name:   "a range whose top row the file leaves out is empty",
			rows:   `<row r="2"><c r="C2"><v>5</v></c></row>`,
			merges: `<mergeCell ref="A1:B3"/>`,
			want:   "C2=Number:5\n",
		},
		{
			name:   "two bands side by side, in any order in the list",
			rows:   `<row r="1"><c r="A1" t="inlineStr">` + str("2020/21") + `</c><c r="C1" t="inlineStr">` + str("2021/22") + `</c></row>`,
			merges: `<mergeCell ref="C1:D1"/><mergeCell ref="A1:B1"/>`,
			want:   "A1=String:2020/21[in A1:B1] B1=String:2020/21[in A1:B1] C1=String:2021/22[in C1:D1] D1=String:2021/22[in C1:D1]\n",
		},
		{
			name:   "a one-cell range merges nothing",
			rows:   `<row r="1"><c r="A1"><v>1</v></c></row>`,
			merges: `<mergeCell ref="A1"/>`,
			want:   "A1=Number:1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := sheetHead + tt.rows + `</sheetData><mergeCells count="1">` + tt.merges + `</mergeCells></worksheet>`
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

// TestMergedCellsRejected: merged ranges that would change what is read
// without being what the sheet lists, or that cost too much.
func TestMergedCellsRejected(t *testing.T) {
	row := `<row r="1"><c r="A1"><v>1</v></c></row>`
	tests := []struct {
		name  string
		sheet string
		lim   Limits
		kind  error
		want  string
	}{
		{"overlapping ranges", sheetHead + row + `</sheetData><mergeCells><mergeCell ref="A1:C1"/><mergeCell ref="B1:D2"/></mergeCells></worksheet>`,
			Limits{}, ErrMalformed, "merged cells A1:C1 and B1:D2 overlap"},
		{"a range hidden in a comment", sheetHead + row + `</sheetData><!-- <mergeCell ref="A1:Z1"/> --></worksheet>`,
			Limits{}, ErrMalformed, "outside its <mergeCells> list"},
		{"a range in a comment inside the list", sheetHead + row + `</sheetData><mergeCells><!-- <mergeCell ref="C5:D5"/> --><mergeCell ref="A1:B1"/></mergeCells></worksheet>`,
			Limits{}, ErrMalformed, "are not those the sheet lists"},
		{"not a range", sheetHead + row + `</sheetData><mergeCells><mergeCell ref="A1:"/></mergeCells></worksheet>`,
			Limits{}, ErrMalformed, `merged cell "A1:" is not a range`},
		{"too many ranges", sheetHead + row + `</sheetData><mergeCells><mergeCell ref="A1:B1"/><mergeCell ref="A2:B2"/><mergeCell ref="A3:B3"/></mergeCells></worksheet>`,
			Limits{MaxMergedRanges: 2}, ErrLimit, "more than 2 merged ranges"},
		{"ranges covering too many cells", sheetHead + row + `</sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>`,
			Limits{}, ErrLimit, "merged cells cover more than 1000000 cells"},
		{"a range beyond the grid", sheetHead + row + `</sheetData><mergeCells><mergeCell ref="A1:XFE1"/></mergeCells></worksheet>`,
			Limits{}, ErrLimit, "outside the sheet's limits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, err := Open(zipParts(t, testParts(tt.sheet)), tt.lim)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			_, err = readSheet(wb, "Sheet1")
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %v containing %q", err, tt.kind, tt.want)
			}
		})
	}
}

// TestScanMergeRefs checks the quick pass across chunk boundaries: a tag
// split between two reads, prefixed names, quotes of either kind, and
// look-alikes that are not <mergeCell> elements.
func TestScanMergeRefs(t *testing.T) {
	pad := strings.Repeat("<c/>", 65536) // pushes the tags across a 256 KiB chunk
	doc := pad + `<x:mergeCell ref="A1:B1"/>` + `<mergeCells count="2">` + pad[:262141] + `<mergeCell  ref = 'C3:D4' />` +
		`<t>mergeCell ref="Z9:Z10"</t><mergeCellx ref="E1:F1"/>`
	for _, name := range []string{"whole", "one byte at a time"} {
		t.Run(name, func(t *testing.T) {
			var src = bytes.NewReader([]byte(doc))
			var r = iotestReader(name, src)
			var got []string
			if err := scanMergeRefs(r, func(ref []byte) error { got = append(got, string(ref)); return nil }); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != "A1:B1 C3:D4" {
				t.Errorf("found %q", got)
			}
		})
	}
}

func iotestReader(name string, r *bytes.Reader) interface{ Read([]byte) (int, error) } {
	if name == "whole" {
		return r
	}
	return iotest.OneByteReader(r)
}
