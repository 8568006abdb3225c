package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

const testSheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:B2"/><sheetData><row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t xml:space="preserve">Q1 &amp; Q2 &#163;&#x2212;</t></is></c></row><row r="2"><c r="A2" s="1"><v>0.5</v></c><c r="B2"><f>A2*2</f><v>1</v></c></row></sheetData></worksheet>`

// testPart is one zip entry of a generated package.
type testPart struct{ name, body string }

func validParts() []testPart {
	return []testPart{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", testSheet},
	}
}

// zipOf deflates parts into a zip, then lets extra add hostile entries
// written raw, with whatever headers they declare.
func zipOf(t testing.TB, parts []testPart, extra ...func(*zip.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, p := range parts {
		f, err := w.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			t.Fatal(err)
		}
	}
	for _, fn := range extra {
		fn(w)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflated(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	fw.Write(data)
	fw.Close()
	return buf.Bytes()
}

// raw adds an entry whose header says what fh says, followed by data.
func raw(t testing.TB, fh zip.FileHeader, data []byte) func(*zip.Writer) {
	return func(w *zip.Writer) {
		t.Helper()
		f, err := w.CreateRaw(&fh)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
}

// honest returns the header of a deflated entry that tells the truth.
func honest(name string, body []byte, comp []byte) zip.FileHeader {
	return zip.FileHeader{
		Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: uint64(len(comp)), UncompressedSize64: uint64(len(body)),
	}
}

// without returns the valid parts less the named one.
func without(name string) []testPart {
	var out []testPart
	for _, p := range validParts() {
		if p.name != name {
			out = append(out, p)
		}
	}
	return out
}

// withSheet returns the valid parts with sheet1's XML replaced.
func withSheet(body string) []testPart {
	parts := validParts()
	parts[4].body = body
	return parts
}

// centralHeader finds the central directory record of name in a zip.
func centralHeader(t testing.TB, b []byte, name string) int {
	t.Helper()
	for i := 0; i+46 <= len(b); i++ {
		if binary.LittleEndian.Uint32(b[i:]) != 0x02014b50 {
			continue
		}
		n := int(binary.LittleEndian.Uint16(b[i+28:]))
		if i+46+n <= len(b) && string(b[i+46:i+46+n]) == name {
			return i
		}
	}
	t.Fatalf("no central directory record for %q", name)
	return -1
}

// patchCentral lets fn edit the central directory record of name.
func patchCentral(t testing.TB, b []byte, name string, fn func(rec []byte)) []byte {
	t.Helper()
	fn(b[centralHeader(t, b, name):])
	return b
}

func TestCheckPackageAccepts(t *testing.T) {
	b := zipOf(t, validParts())
	info, err := CheckPackage(bytes.NewReader(b), int64(len(b)), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range validParts() {
		total += len(p.body)
	}
	if info.Entries != 5 || info.TotalUncompressed != int64(total) || info.Macros {
		t.Errorf("info = %+v; want 5 entries, %d bytes, no macros", info, total)
	}

	// Directory entries, stored parts, a macro project and parts outside
	// xl/ in other encodings are all normal.
	parts := append(validParts(), testPart{"xl/vbaProject.bin", "\x00\x01binary"},
		testPart{"customXml/item1.xml", "\xff\xfe<\x00?\x00"}, testPart{"xl/media/", ""})
	b = zipOf(t, parts, raw(t, zip.FileHeader{Name: "xl/stored.xml", Method: zip.Store,
		CRC32: crc32.ChecksumIEEE([]byte("<a/>")), CompressedSize64: 4, UncompressedSize64: 4}, []byte("<a/>")))
	info, err = CheckPackage(bytes.NewReader(b), int64(len(b)), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if !info.Macros {
		t.Errorf("info = %+v; want macros", info)
	}
}

func TestCheckPackageRejects(t *testing.T) {
	sheet := []byte(testSheet)
	sheetComp := deflated(t, sheet)
	spaces := []byte("<worksheet>" + strings.Repeat(" ", 3<<20) + "</worksheet>")
	spacesComp := deflated(t, spaces)

	tests := []struct {
		name  string
		file  func() []byte
		limit func(*Limits)
		code  string
		want  []string // fragments of the message
	}{
		{
			name:  "file over the size limit",
			file:  func() []byte { return zipOf(t, validParts()) },
			limit: func(l *Limits) { l.MaxFileBytes = 100 },
			code:  metrics.ETOOLARGE, want: []string{"over the 100 bytes limit", "--max-file-mb"},
		},
		{
			name: "16 GB sheet declared in a 2 KB file",
			file: func() []byte {
				fh := honest("xl/worksheets/sheet1.xml", sheet, sheetComp)
				fh.UncompressedSize64 = 16 << 30
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, sheetComp))
			},
			code: metrics.ETOOLARGE, want: []string{`"xl/worksheets/sheet1.xml" declares 16.0 GB`, "--max-sheet-mb"},
		},
		{
			name: "16 GB styles part declared",
			file: func() []byte {
				fh := honest("xl/styles.xml", sheet, sheetComp)
				fh.UncompressedSize64 = 16 << 30
				return zipOf(t, validParts(), raw(t, fh, sheetComp))
			},
			code: metrics.ETOOLARGE, want: []string{`"xl/styles.xml" declares 16.0 GB`, "limit for a part", "--max-part-mb"},
		},
		{
			name: "4 GB patched into the central directory",
			file: func() []byte {
				return patchCentral(t, zipOf(t, validParts()), "xl/worksheets/sheet1.xml", func(rec []byte) {
					binary.LittleEndian.PutUint32(rec[24:], 0xfffffff0)
				})
			},
			code: metrics.ETOOLARGE, want: []string{"declares 4.0 GB", "--max-sheet-mb"},
		},
		{
			name:  "total uncompressed over the limit",
			file:  func() []byte { return zipOf(t, validParts()) },
			limit: func(l *Limits) { l.MaxTotalUncompressed = 1000 },
			code:  metrics.ETOOLARGE, want: []string{"--max-total-mb"},
		},
		{
			name:  "parts in memory over the limit",
			file:  func() []byte { return zipOf(t, validParts()) },
			limit: func(l *Limits) { l.MaxInMemoryBytes = 300 },
			code:  metrics.ETOOLARGE, want: []string{"--max-memory-mb"},
		},
		{
			name: "compression ratio of a bomb",
			file: func() []byte {
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, honest("xl/worksheets/sheet1.xml", spaces, spacesComp), spacesComp))
			},
			code: metrics.ETOOLARGE, want: []string{`"xl/worksheets/sheet1.xml" expands from`, "over the 200:1 limit", "--max-ratio"},
		},
		{
			name: "duplicate part",
			file: func() []byte { return zipOf(t, append(validParts(), testPart{"xl/workbook.xml", "<x/>"})) },
			code: metrics.EINVALID, want: []string{`two parts named "xl/workbook.xml" and "xl/workbook.xml"`},
		},
		{
			name: "duplicate part differing in case",
			file: func() []byte {
				return zipOf(t, append(validParts(), testPart{"XL/Worksheets/Sheet1.xml", testSheet}))
			},
			code: metrics.EINVALID, want: []string{`"xl/worksheets/sheet1.xml" and "XL/Worksheets/Sheet1.xml"`},
		},
		{
			name: "path traversal",
			file: func() []byte { return zipOf(t, append(validParts(), testPart{"../../etc/cron.d/x.xml", "<a/>"})) },
			code: metrics.EINVALID, want: []string{`"../../etc/cron.d/x.xml" has a ".." segment`},
		},
		{
			name: "path traversal inside",
			file: func() []byte { return zipOf(t, append(validParts(), testPart{"xl/../../x.xml", "<a/>"})) },
			code: metrics.EINVALID, want: []string{`has a ".." segment`},
		},
		{
			name: "leading slash",
			file: func() []byte { return zipOf(t, append(validParts(), testPart{"/xl/x.xml", "<a/>"})) },
			code: metrics.EINVALID, want: []string{"a leading slash"},
		},
		{
			name: "backslash",
			file: func() []byte { return zipOf(t, append(validParts(), testPart{`xl\worksheets\sheet2.xml`, "<a/>"})) },
			code: metrics.EINVALID, want: []string{"a backslash"},
		},
		{
			name: "NUL in a name",
			file: func() []byte { return zipOf(t, append(validParts(), testPart{"xl/a\x00.xml", "<a/>"})) },
			code: metrics.EINVALID, want: []string{"a NUL character", `xl/a\\0.xml`},
		},
		{
			name: "empty segment",
			file: func() []byte { return zipOf(t, append(validParts(), testPart{"xl//a.xml", "<a/>"})) },
			code: metrics.EINVALID, want: []string{"an empty segment"},
		},
		{
			name: "encrypted entry",
			file: func() []byte {
				fh := honest("xl/worksheets/sheet1.xml", sheet, sheetComp)
				fh.Flags |= 0x1
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, sheetComp))
			},
			code: metrics.EINVALID, want: []string{"encrypted inside the zip"},
		},
		{
			name: "unknown compression method",
			file: func() []byte {
				fh := honest("xl/worksheets/sheet1.xml", sheet, sheetComp)
				fh.Method = 12 // bzip2
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, sheetComp))
			},
			code: metrics.EINVALID, want: []string{"compression method 12"},
		},
		{
			name: "overlapping entries",
			file: func() []byte {
				b := zipOf(t, append(validParts(), testPart{"xl/worksheets/sheet2.xml", testSheet}))
				first := centralHeader(t, b, "xl/worksheets/sheet1.xml")
				off := binary.LittleEndian.Uint32(b[first+42:])
				return patchCentral(t, b, "xl/worksheets/sheet2.xml", func(rec []byte) {
					binary.LittleEndian.PutUint32(rec[42:], off)
				})
			},
			code: metrics.EINVALID, want: []string{"share compressed data"},
		},
		{
			name: "local header outside the file",
			file: func() []byte {
				return patchCentral(t, zipOf(t, validParts()), "xl/workbook.xml", func(rec []byte) {
					binary.LittleEndian.PutUint32(rec[42:], 0x7fffff00)
				})
			},
			code: metrics.EINVALID, want: []string{`"xl/workbook.xml": its local header is missing or outside the file`},
		},
		{
			name: "data past the end of the file",
			file: func() []byte {
				fh := honest("xl/worksheets/sheet1.xml", sheet, sheetComp)
				fh.CompressedSize64 = 1 << 20
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, sheetComp))
			},
			code: metrics.EINVALID, want: []string{"its data runs past the end of the file"},
		},
		{
			name: "no content types",
			file: func() []byte { return zipOf(t, without("[Content_Types].xml")) },
			code: metrics.EINVALID, want: []string{"a zip archive but not an Excel workbook (it has no [Content_Types].xml)"},
		},
		{
			name: "no workbook",
			file: func() []byte { return zipOf(t, without("xl/workbook.xml")) },
			code: metrics.EINVALID, want: []string{"(it has no xl/workbook.xml)"},
		},
		{
			name: "binary workbook",
			file: func() []byte {
				return zipOf(t, append(without("xl/workbook.xml"), testPart{"xl/workbook.bin", "\x83\x01"}))
			},
			code: metrics.EINVALID, want: []string{"binary workbook (.xlsb)"},
		},
		{
			name: "OpenDocument",
			file: func() []byte {
				return zipOf(t, []testPart{{"mimetype", odsMimetype}, {"content.xml", "<a/>"}})
			},
			code: metrics.EINVALID, want: []string{"OpenDocument spreadsheet (.ods)"},
		},
		{
			name: "not a zip",
			file: func() []byte { return []byte("Area,Value\nNorth,1\nSouth,2\n") },
			code: metrics.EINVALID, want: []string{"the file is not an Excel workbook"},
		},
		{
			name: "empty file",
			file: func() []byte { return nil },
			code: metrics.EINVALID, want: []string{"empty (0 bytes)"},
		},
		{
			name: "truncated zip",
			file: func() []byte { b := zipOf(t, validParts()); return b[:len(b)-30] },
			code: metrics.EINVALID, want: []string{"zip structure is damaged"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.file()
			lim := DefaultLimits()
			if tt.limit != nil {
				tt.limit(&lim)
			}
			_, err := CheckPackage(bytes.NewReader(b), int64(len(b)), lim)
			if err == nil {
				t.Fatal("accepted")
			}
			var me *metrics.Error
			if !errors.As(err, &me) {
				t.Fatalf("error %v (%T) is not a *metrics.Error", err, err)
			}
			if me.Code != tt.code {
				t.Errorf("code %q; want %q (%v)", me.Code, tt.code, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(me.Message, w) {
					t.Errorf("message %q; want it to contain %q", me.Message, w)
				}
			}
		})
	}
}

// TestDamagedPartsAreRejected: a part that does not decompress to what
// its zip header declares, or whose XML is not well formed, passes the
// package check (which reads no part) and is rejected by the reader as
// it reads the part, naming it.
func TestDamagedPartsAreRejected(t *testing.T) {
	// The test sheet with its shared string made inline, so that the
	// workbook needs no shared strings part.
	testSheet := strings.Replace(testSheet, `<c r="A1" t="s"><v>0</v></c>`, `<c r="A1" t="inlineStr"><is><t>Metric</t></is></c>`, 1)
	withSheet := func(xml string) []testPart {
		return withSheet(strings.Replace(xml, `<c r="A1" t="s"><v>0</v></c>`, `<c r="A1" t="inlineStr"><is><t>Metric</t></is></c>`, 1))
	}
	sheet := []byte(testSheet)
	sheetComp := deflated(t, sheet)
	spaces := []byte("<worksheet>" + strings.Repeat(" ", 3<<20) + "</worksheet>")
	spacesComp := deflated(t, spaces)
	// A sheet over a megabyte that compresses as real ones do.
	var long strings.Builder
	long.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	x := uint32(1)
	long.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>Metric</t></is></c><c r="B1" t="inlineStr"><is><t>Area</t></is></c><c r="C1" t="inlineStr"><is><t>Period</t></is></c><c r="D1" t="inlineStr"><is><t>Value</t></is></c></row>`)
	for r := 2; long.Len() < 1<<21; r++ {
		x = x*1664525 + 1013904223
		fmt.Fprintf(&long, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>Calls</t></is></c><c r="B%d" t="inlineStr"><is><t>Area %d</t></is></c><c r="C%d" t="inlineStr"><is><t>2021-01</t></is></c><c r="D%d"><v>%d</v></c></row>`, r, r, r, r, r, r, x%1000)
	}
	long.WriteString(`</sheetData></worksheet>`)
	longSheet := []byte(long.String())
	longComp := deflated(t, longSheet)

	tests := []struct {
		name  string
		file  func() []byte
		limit func(*Limits)
		code  string
		want  []string // fragments of the message
	}{
		{
			name: "declared size smaller than the data",
			file: func() []byte {
				fh := honest("xl/worksheets/sheet1.xml", spaces, spacesComp)
				fh.UncompressedSize64 = 1000 // small enough to escape the ratio test
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, spacesComp))
			},
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml: its size does not match the 1000 bytes its zip header declares"},
		},
		{
			name: "declared size larger than the data",
			file: func() []byte {
				fh := honest("xl/worksheets/sheet1.xml", sheet, sheetComp)
				fh.UncompressedSize64 += 10
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, sheetComp))
			},
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml: its size does not match"},
		},
		{
			// Over a megabyte, a part is inflated ahead of the scanner by a
			// goroutine of its own: the short read must reach it as the
			// zip reader says it.
			name: "declared size larger than the data, a large part",
			file: func() []byte {
				fh := honest("xl/worksheets/sheet1.xml", longSheet, longComp)
				fh.UncompressedSize64 += 10
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, longComp))
			},
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml: its size does not match the", "bytes its zip header declares"},
		},
		{
			name: "checksum mismatch",
			file: func() []byte {
				fh := honest("xl/worksheets/sheet1.xml", sheet, sheetComp)
				fh.CRC32++
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, sheetComp))
			},
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml fails its checksum"},
		},
		{
			name: "corrupt deflate data",
			file: func() []byte {
				junk := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
				fh := honest("xl/worksheets/sheet1.xml", sheet, junk)
				return zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, junk))
			},
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml: its compressed data is corrupt"},
		},
		{
			name: "sheet cut off mid-row",
			file: func() []byte { return zipOf(t, withSheet(testSheet[:strings.Index(testSheet, `<c r="A2"`)+5])) },
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml", "unexpected end of file inside a tag (in row 2)"},
		},
		{
			name: "sheet cut off between rows",
			file: func() []byte { return zipOf(t, withSheet(testSheet[:strings.Index(testSheet, `<row r="2"`)])) },
			code: metrics.EINVALID, want: []string{"inside <sheetData>: the part is truncated"},
		},
		{
			name: "invalid UTF-8 in a sheet",
			file: func() []byte { return zipOf(t, withSheet(strings.Replace(testSheet, "Q1", "Q\xa31", 1))) },
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml", "UTF-8"},
		},
		{
			name: "undefined entity",
			file: func() []byte { return zipOf(t, withSheet(strings.Replace(testSheet, "Q1", "Q&nbsp;1", 1))) },
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml", "nbsp"},
		},
		{
			name: "DOCTYPE",
			file: func() []byte {
				return zipOf(t, withSheet(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet>&lol;</worksheet>`))
			},
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml", "DOCTYPE is not allowed"},
		},
		{
			name: "DOCTYPE in the workbook part",
			file: func() []byte {
				parts := validParts()
				parts[2].body = `<!DOCTYPE workbook SYSTEM "http://example.org/x.dtd"><workbook/>`
				return zipOf(t, parts)
			},
			code: metrics.EINVALID, want: []string{"damaged.xlsx is damaged (xl/workbook.xml", "DOCTYPE is not allowed", "save it again"},
		},
		{
			name: "mismatched tags",
			file: func() []byte { return zipOf(t, withSheet(strings.Replace(testSheet, "</row>", "</col>", 1))) },
			code: metrics.EINVALID, want: []string{"xl/worksheets/sheet1.xml", "</col>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.file()
			if _, err := CheckPackage(bytes.NewReader(b), int64(len(b)), DefaultLimits()); err != nil {
				t.Fatalf("the package check read a part: %v", err)
			}
			forEachStore(t, func(t *testing.T, st *store.Store) {
				rep := ingestBytes(t, st, "damaged.xlsx", b, Options{DryRun: true})
				requireStatus(t, rep, StatusRejected)
				var msgs []string
				for _, p := range rep.Errors {
					msgs = append(msgs, p.Message)
				}
				all := strings.Join(msgs, "\n")
				for _, w := range tt.want {
					if !strings.Contains(all, w) {
						t.Errorf("errors %q; want one containing %q", all, w)
					}
				}
			})
		})
	}
}

// TestCheckPackageSmallFileHugeDeclaration is the attack from
// LIBRARY-NOTES: a file of about 2 KB that declares a 16 GB part, which
// kills excelize's process with an out-of-memory error.
func TestCheckPackageSmallFileHugeDeclaration(t *testing.T) {
	sheet := []byte(testSheet)
	comp := deflated(t, sheet)
	fh := honest("xl/worksheets/sheet1.xml", sheet, comp)
	fh.UncompressedSize64 = 16 << 30
	b := zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, comp))
	if len(b) > 3000 {
		t.Fatalf("test file is %d bytes; want about 2 KB", len(b))
	}
	_, err := CheckPackage(bytes.NewReader(b), int64(len(b)), DefaultLimits())
	if metrics.ErrorCode(err) != metrics.ETOOLARGE {
		t.Fatalf("error %v; want ETOOLARGE", err)
	}
}

func TestCheckPackageManyEntries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a zip of 100,000 entries")
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, p := range validParts() {
		f, _ := w.Create(p.name)
		io.WriteString(f, p.body)
	}
	for i := range 100000 {
		if _, err := w.CreateHeader(&zip.FileHeader{Name: "xl/media/i" + strconv.Itoa(i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// More than 65,535 entries: the count is in the zip64 end record.
	n, ok := zipEntryCount(bytes.NewReader(b), int64(len(b)), 200000)
	if !ok || n != 100005 {
		t.Errorf("zipEntryCount = %d, %v; want 100005", n, ok)
	}
	_, err := CheckPackage(bytes.NewReader(b), int64(len(b)), DefaultLimits())
	if metrics.ErrorCode(err) != metrics.ETOOLARGE || !strings.Contains(err.Error(), "100005 zip entries") ||
		!strings.Contains(err.Error(), "--max-entries") {
		t.Fatalf("error %v; want ETOOLARGE naming 100005 entries and --max-entries", err)
	}
	// archive/zip checks the count only modulo 65536, reading records
	// until a bad one: a zip64 record that understates the count by 65536
	// would make it build 100,005 entries. The records are counted too.
	understated := bytes.Clone(b)
	z64 := bytes.LastIndex(understated, []byte("PK\x06\x06"))
	binary.LittleEndian.PutUint64(understated[z64+24:], 100005-65536)
	binary.LittleEndian.PutUint64(understated[z64+32:], 100005-65536)
	if _, err := zip.NewReader(bytes.NewReader(understated), int64(len(understated))); err != nil {
		t.Fatalf("archive/zip refuses the understated count (%v): the test no longer shows the gap", err)
	}
	n, _ = zipEntryCount(bytes.NewReader(understated), int64(len(understated)), 50000)
	if n != 50001 {
		t.Errorf("zipEntryCount(understated) = %d; want 50001, the limit plus one", n)
	}
	lim := DefaultLimits()
	lim.MaxEntries = 50000
	if _, err := CheckPackage(bytes.NewReader(understated), int64(len(understated)), lim); metrics.ErrorCode(err) != metrics.ETOOLARGE {
		t.Errorf("understated count: %v; want ETOOLARGE", err)
	}

	// Below the limit it is accepted: the count alone was the problem.
	lim.MaxEntries = 200000
	if _, err := CheckPackage(bytes.NewReader(b), int64(len(b)), lim); err != nil {
		t.Errorf("with a higher limit: %v", err)
	}
}

// zeroReader yields n zero bytes.
type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), z.n)]
	clear(p)
	z.n -= int64(len(p))
	return len(p), nil
}

// TestCheckPackageBomb streams a 200 MB part of zeros that compresses to
// about 200 KB into a package, honestly declared: it fails the ratio
// limit without being decompressed. Then 200 MB of well-formed XML under
// a declaration of 1 MB: decompression stops at the cap, just past the
// declared megabyte.
func TestCheckPackageBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 400 MB")
	}
	const size = 200 << 20
	bomb := func(r io.Reader) (comp []byte, crc uint32) {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
		h := crc32.NewIEEE()
		if _, err := io.Copy(io.MultiWriter(fw, h), r); err != nil {
			t.Fatal(err)
		}
		fw.Close()
		return buf.Bytes(), h.Sum32()
	}
	zeros, zerosCRC := bomb(&zeroReader{size})
	t.Logf("200 MB of zeros deflate to %d KB", len(zeros)>>10)
	spaces, spacesCRC := bomb(io.MultiReader(strings.NewReader("<worksheet>"),
		io.LimitReader(spaceReader{}, size), strings.NewReader("</worksheet>")))

	for _, tt := range []struct {
		name     string
		comp     []byte
		crc      uint32
		declared uint64
		code     string
		want     string
	}{
		{"honest", zeros, zerosCRC, size, metrics.ETOOLARGE, "--max-ratio"},
		{"lying", spaces, spacesCRC, 1 << 20, "", "its size does not match the 1048576 bytes its zip header declares"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fh := zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: tt.crc,
				CompressedSize64: uint64(len(tt.comp)), UncompressedSize64: tt.declared}
			b := zipOf(t, without("xl/worksheets/sheet1.xml"), raw(t, fh, tt.comp))
			lim := DefaultLimits()
			if tt.name == "lying" {
				lim.MaxRatio = 1e9 // let the lie reach decompression
			}
			start := time.Now()
			_, err := CheckPackage(bytes.NewReader(b), int64(len(b)), lim)
			if tt.code == "" {
				// The package check reads no part: the reader finds the
				// lie, at the size declared.
				if err != nil {
					t.Fatalf("the package check read a part: %v", err)
				}
				forEachStore(t, func(t *testing.T, st *store.Store) {
					in := New(st, nil)
					in.Package = lim
					rep, err := in.Ingest(context.Background(), "lying.xlsx", b, Options{DryRun: true})
					if err != nil || rep.Status != StatusRejected || len(rep.Errors) == 0 || !strings.Contains(rep.Errors[0].Message, tt.want) {
						t.Fatalf("report %+v, %v; want rejected saying %q", rep, err, tt.want)
					}
				})
			} else if metrics.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v; want %s containing %q", err, tt.code, tt.want)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v: the bomb was decompressed", d)
			}
		})
	}
}

// spaceReader yields spaces for ever.
type spaceReader struct{}

func (spaceReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// realData is the shared folder of real spreadsheets, relative to this
// package; tests that need it skip without it.
const realData = "../../shared/realdata"

func realFiles(t *testing.T, exts ...string) []string {
	t.Helper()
	if _, err := os.Stat(realData); err != nil {
		t.Skip("no shared real data:", err)
	}
	var files []string
	filepath.WalkDir(realData, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			for _, e := range exts {
				if strings.EqualFold(filepath.Ext(p), e) {
					files = append(files, p)
				}
			}
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("no real files found")
	}
	return files
}

// TestCheckPackageRealFiles runs every real .xlsx and .xlsm file through
// CheckPackage: each genuine workbook passes, and the encrypted ones are
// refused as password-protected.
func TestCheckPackageRealFiles(t *testing.T) {
	rejected := map[string]string{
		"pass_protected.xlsx": "password-protected",
		"encryptAES.xlsx":     "password-protected",
		"encryptSHA1.xlsx":    "password-protected",
	}
	for _, p := range realFiles(t, ".xlsx", ".xlsm") {
		t.Run(strings.TrimPrefix(p, realData+"/"), func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			info, err := CheckPackage(bytes.NewReader(b), int64(len(b)), DefaultLimits())
			want, reject := rejected[filepath.Base(p)]
			switch {
			case reject && err == nil:
				t.Errorf("accepted; want a rejection containing %q", want)
			case reject && !strings.Contains(err.Error(), want):
				t.Errorf("error %q; want it to contain %q", err, want)
			case !reject && err != nil:
				t.Errorf("rejected: %v", err)
			case !reject && info.Entries == 0:
				t.Errorf("no entry counted: %+v", info)
			}
		})
	}
}
