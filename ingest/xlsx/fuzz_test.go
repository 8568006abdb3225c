package xlsx

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzRows reads arbitrary bytes as a sheet. It must never panic or hang;
// what it accepts must obey the reader's contract; and, for ASCII input,
// what it accepts as well-formed must also be well-formed to encoding/xml
// (the reader is stricter, never laxer).
func FuzzRows(f *testing.F) {
	seeds := []string{
		sheetHead + `<row r="1"><c r="A1"><v>42</v></c><c r="B1" s="1"><v>0.5</v></c><c r="C1" t="s"><v>1</v></c></row>` + sheetTail,
		sheetHead + `<row><c t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh></is></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c></row>` + sheetTail,
		sheetHead + `<row r="2"><c r="A2"><f>1+1</f></c><c r="B2" t="str"><f>x</f><v>&amp;&#65;<![CDATA[<]]></v></c></row>` + sheetTail,
		"\ufeff<?xml version='1.0'?><!--c--><x:worksheet xmlns:x='u'><x:sheetData><x:row r='1'><x:c r='A1' t='d'><x:v>2018-01-01</x:v></x:c></x:row></x:sheetData><x:mergeCells/></x:worksheet>",
		sheetHead + `<row r="1048577"><c r="A1048577"><v>1</v></c></row>` + sheetTail,
		sheetHead + `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`,
		`<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>`,
		sheetHead + `<row r="7"><c r="B7"><v>1</v></c><c r="B7"><v>2</v></c></row>` + sheetTail,
		sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>&foo;` + "\xff\r\n" + `_x000D_</t></is></c></row>` + sheetTail,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	wb, err := Open(zipParts(f, testParts(sheetHead+sheetTail)), Limits{MaxCellBytes: 1000})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		rows := wb.rowsFrom("Fuzz", io.NopCloser(bytes.NewReader(data)))
		prevRow := 0
		for rows.Next() {
			if rows.RowNum() <= prevRow || rows.RowNum() > wb.lim.MaxRows {
				t.Fatalf("row %d after row %d", rows.RowNum(), prevRow)
			}
			prevRow = rows.RowNum()
			prevCol := -1
			for _, c := range rows.Cells() {
				checkCell(t, c, prevCol, wb.lim)
				prevCol = c.Col
			}
		}
		rows.Close()
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v for %d bytes", d, len(data))
		}
		if rows.Err() != nil || !isASCII(data) {
			return
		}
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			_, err := d.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("accepted, but encoding/xml says: %v", err)
			}
		}
	})
}

func checkCell(t *testing.T, c Cell, prevCol int, lim Limits) {
	t.Helper()
	if c.Col <= prevCol || c.Col >= lim.MaxCols {
		t.Fatalf("column %d after %d", c.Col, prevCol)
	}
	if !utf8.ValidString(c.Value) || len(c.Value) > lim.MaxCellBytes {
		t.Fatalf("value %q", c.Value)
	}
	switch c.Type {
	case Number:
		v, err := strconv.ParseFloat(c.Value, 64)
		if err != nil && !(math.Abs(v) < 1e-300) || math.IsInf(v, 0) || math.IsNaN(v) {
			t.Fatalf("number %q: %v, %v", c.Value, v, err)
		}
	case Bool:
		if c.Value != "0" && c.Value != "1" {
			t.Fatalf("bool %q", c.Value)
		}
	case Blank:
		if !c.Formula || c.Value != "" {
			t.Fatalf("blank %+v", c)
		}
	case Error, Date:
		if c.Value == "" {
			t.Fatalf("empty %v", c.Type)
		}
	case String:
	default:
		t.Fatalf("type %v", c.Type)
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// FuzzRowsReadAhead reads arbitrary bytes as a sheet twice, once as it
// comes and once scanned and inflated ahead (Rows.ReadAhead, over a
// readAhead source), switching part way: the two must give the same
// rows, cells, row numbers and error.
func FuzzRowsReadAhead(f *testing.F) {
	f.Add([]byte(sheetHead+`<row r="1"><c r="A1"><v>42</v></c><c r="B1" t="s"><v>1</v></c></row><row r="3"><c r="C3" t="inlineStr"><is><t>x</t></is></c></row>`+sheetTail), uint8(1))
	f.Add([]byte(sheetHead+`<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`), uint8(0))
	f.Add([]byte(longSheet(600, true)), uint8(200))
	wb, err := Open(zipParts(f, testParts(sheetHead+sheetTail)), Limits{MaxCellBytes: 1000})
	if err != nil {
		f.Fatal(err)
	}
	render := renderRows
	f.Fuzz(func(t *testing.T, data []byte, ahead uint8) {
		plain := render(wb.rowsFrom("Fuzz", io.NopCloser(bytes.NewReader(data))), -1)
		read := render(wb.rowsFrom("Fuzz", newReadAhead(io.NopCloser(bytes.NewReader(data)))), int(ahead))
		if plain != read {
			t.Fatalf("read ahead from row %d:\n%s\nas it comes:\n%s", ahead, tail(read), tail(plain))
		}
	})
}

// renderRows reads rows to their end, calling ReadAhead before the row
// numbered ahead (never for -1), and renders every row, cell, row number
// and the error, for fuzz targets that compare two readings.
func renderRows(rows *Rows, ahead int) string {
	var b strings.Builder
	for n := 0; ; n++ {
		if n == ahead {
			rows.ReadAhead()
		}
		if !rows.Next() {
			break
		}
		fmt.Fprintf(&b, "%d:", rows.RowNum())
		for _, c := range rows.Cells() {
			b.WriteString(" " + renderCell(c, rows.RowNum()))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "end at %d: %v", rows.RowNum(), rows.Err())
	rows.Close()
	return b.String()
}
