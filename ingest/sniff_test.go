package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/assure-pcc/assure/metrics"
)

func TestSniff(t *testing.T) {
	xlsx := zipOf(t, validParts())
	tests := []struct {
		name string
		head []byte
		want FileType
		msg  string // "" when the file is accepted
	}{
		{"Q3.xlsx", xlsx, FileXLSX, ""},
		{"Q3.xlsm", xlsx, FileXLSX, ""},
		{"Q3.xlsx", nil, FileEmpty, "Q3.xlsx is empty (0 bytes): upload the workbook again"},
		{"Q3.xlsx", []byte("Area,Month,Value\r\nNorth,Apr-21,12\r\nSouth,Apr-21,9\r\n"), FileCSV,
			"Q3.xlsx is a CSV text file, not an Excel workbook: open it in Excel and save it as .xlsx"},
		{"Q3.xlsx", []byte("\xef\xbb\xbfArea,Value\nNorth,£12\nSouth,9"), FileCSV, "CSV text file"},
		{"Q3.csv", []byte("Area,Value\nNorth,12\n"), FileCSV, ""},
		{"Q3.CSV", []byte("Area,Value\nNorth,12\n"), FileCSV, ""},
		{"Q3.xlsx", []byte("Area\tValue\nNorth\t12\n"), FileCSV, "CSV text file"},
		{"Q3.xlsx", []byte("Area;Value\nNorth;12,5\n"), FileCSV, "CSV text file"},
		{"Q3.xlsx", []byte("Caf\xe9,Value\nNorth,12\n"), FileCSV, "CSV text file"}, // Windows-1252
		{"Q3.xlsx", []byte("Just a note\nwith no columns\n"), FileText, "plain text file"},
		{"Q3.xlsx", []byte("\xff\xfeA\x00r\x00e\x00a\x00\t\x00"), FileText, "plain text file"},
		{"Q3.xls", []byte("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n<body><table><tr><td>1</td></tr></table></body></html>"),
			FileHTML, "Q3.xls is a web page (HTML) saved with a spreadsheet's name: open it in Excel and save it as .xlsx"},
		{"Q3.xls", []byte("  <!DOCTYPE html><p>"), FileHTML, "web page"},
		{"Q3.xls", []byte("<table border=1><tr><td>1</td></tr></table>"), FileHTML, "web page"},
		{"Q3.xml", []byte(`<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`),
			FileXML2003, "Excel 2003 XML spreadsheet"},
		{"Q3.xlsx", []byte(`<?xml version="1.0"?><data/>`), FileXML, "an XML file"},
		{"Q3.xlsx", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), FilePDF, "Q3.xlsx is a PDF document"},
		{"Q3.xlsx", []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), FileZip, "zip archive"},
		{"Q3.xlsx", []byte("\x89PNG\r\n\x1a\n\x00\x00"), FileUnknown, "Q3.xlsx is not an Excel workbook"},
		{"Q3.xlsx", oleMagic, FileOLE, "either password-protected or in the Excel 97-2003 format"},
		{`C:\fakepath\Q3.xlsx`, nil, FileEmpty, "Q3.xlsx is empty"},
		{"uploads/2021/Q3.xlsx", nil, FileEmpty, "Q3.xlsx is empty"},
	}
	for _, tt := range tests {
		got, err := Sniff(tt.head, tt.name)
		if got != tt.want {
			t.Errorf("Sniff(%.20q, %q) = %q; want %q", tt.head, tt.name, got, tt.want)
		}
		checkReject(t, tt.name, err, tt.msg)
	}
}

// checkReject checks an error against the expected message fragment, ""
// meaning no error.
func checkReject(t *testing.T, name string, err error, msg string) {
	t.Helper()
	switch {
	case msg == "" && err != nil:
		t.Errorf("%s: unexpected error %v", name, err)
	case msg != "" && err == nil:
		t.Errorf("%s: no error; want %q", name, msg)
	case msg != "" && (metrics.ErrorCode(err) != metrics.EINVALID || !strings.Contains(err.Error(), msg)):
		t.Errorf("%s: error %q (code %s); want EINVALID containing %q", name, err, metrics.ErrorCode(err), msg)
	}
}

func TestSniffPackage(t *testing.T) {
	tests := []struct {
		name  string
		parts []testPart
		want  FileType
	}{
		{"xlsx", validParts(), FileXLSX},
		{"xlsm", append(validParts(), testPart{"xl/vbaProject.bin", "x"}), FileXLSX},
		{"case", []testPart{{"XL/Workbook.xml", "<a/>"}}, FileXLSX},
		{"xlsb", []testPart{{"[Content_Types].xml", "<a/>"}, {"xl/workbook.bin", "\x83"}}, FileXLSB},
		{"ods", []testPart{{"mimetype", odsMimetype}, {"content.xml", "<a/>"}}, FileODS},
		{"odt", []testPart{{"mimetype", "application/vnd.oasis.opendocument.text"}}, FileZip},
		{"zip", []testPart{{"report.docx", "x"}}, FileZip},
	}
	for _, tt := range tests {
		b := zipOf(t, tt.parts)
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if got := SniffPackage(zr); got != tt.want {
			t.Errorf("%s: SniffPackage = %q; want %q", tt.name, got, tt.want)
		}
	}
	// The head alone shows an OpenDocument file: its first entry is the
	// stored mimetype.
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, _ := w.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	f.Write([]byte(odsMimetype))
	w.Close()
	if got, _ := Sniff(buf.Bytes(), "Q3.xlsx"); got != FileODS {
		t.Errorf("Sniff(ods head) = %q; want %q", got, FileODS)
	}
}

// TestSniffRealFiles recognises the real files that are not workbooks,
// from a 4 KB head as the ingest reads it, from the whole file, and
// through SniffFile.
func TestSniffRealFiles(t *testing.T) {
	type want struct {
		head, whole FileType // Sniff on the first 4 KB and on the whole file
		pkg         FileType // SniffPackage, for zips
		msg         string
	}
	wants := map[string]want{
		"any_sheets.xls":  {FileXLS, FileXLS, "", "any_sheets.xls is an Excel 97-2003 workbook (.xls): open it in Excel and save it as .xlsx"},
		"date_1904.xls":   {FileOLE, FileXLS, "", "date_1904.xls is an Excel 97-2003 workbook (.xls)"},
		"any_sheets.xlsb": {FileXLSX, FileXLSX, FileXLSB, "any_sheets.xlsb is a binary workbook (.xlsb): open it in Excel and save it as .xlsx"},
		"any_sheets.ods":  {FileODS, FileODS, FileODS, "any_sheets.ods is an OpenDocument spreadsheet (.ods): save it as .xlsx"},
		"pass_protected.xlsx": {FileEncrypted, FileEncrypted, "",
			"pass_protected.xlsx is a password-protected workbook: save a copy without a password"},
		"encryptAES.xlsx":  {FileOLE, FileEncrypted, "", "encryptAES.xlsx is a password-protected workbook"},
		"encryptSHA1.xlsx": {FileEncrypted, FileEncrypted, "", "encryptSHA1.xlsx is a password-protected workbook"},
		"too_small.xls":    {FileText, FileText, "", "too_small.xls is a plain text file, not an Excel workbook"},
	}
	seen := 0
	for _, p := range realFiles(t, ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods") {
		name := filepath.Base(p)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w, special := wants[name]
		if !special {
			// Every other real file is a workbook.
			w = want{FileXLSX, FileXLSX, FileXLSX, ""}
		} else {
			seen++
		}
		if got, _ := Sniff(b[:min(len(b), 4096)], name); got != w.head {
			t.Errorf("%s: Sniff(first 4 KB) = %q; want %q", name, got, w.head)
		}
		got, err := Sniff(b, name)
		if got != w.whole {
			t.Errorf("%s: Sniff(whole file) = %q; want %q", name, got, w.whole)
		}
		if w.pkg == "" {
			checkReject(t, name, err, w.msg)
		}
		got, err = SniffFile(bytes.NewReader(b), int64(len(b)), name)
		if got != w.whole {
			t.Errorf("%s: SniffFile = %q; want %q", name, got, w.whole)
		}
		if w.pkg == "" {
			checkReject(t, name, err, w.msg)
			continue
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pt := SniffPackage(zr)
		if pt != w.pkg {
			t.Errorf("%s: SniffPackage = %q; want %q", name, pt, w.pkg)
		}
		checkReject(t, name, pt.Reject(name), w.msg)
	}
	if seen != len(wants) {
		t.Errorf("found %d of the %d special files", seen, len(wants))
	}
}

// oleFile builds a compound file of n 512-byte sectors whose allocation
// table lives in fatSectors (the first 109 listed in the header, the rest
// in one DIFAT sector at difat), with fat entries as given, and the named
// stream entries written into the given sectors.
func oleFile(n int, fatSectors []uint32, difat uint32, dirStart uint32, fat map[uint32]uint32, entries map[uint32][]string) []byte {
	b := make([]byte, 512*(n+1))
	copy(b, oleMagic)
	binary.LittleEndian.PutUint16(b[30:], 9)
	binary.LittleEndian.PutUint32(b[44:], uint32(len(fatSectors)))
	binary.LittleEndian.PutUint32(b[48:], dirStart)
	binary.LittleEndian.PutUint32(b[68:], 0xfffffffe)
	for i := range 109 {
		id := uint32(0xffffffff)
		if i < len(fatSectors) {
			id = fatSectors[i]
		}
		binary.LittleEndian.PutUint32(b[76+4*i:], id)
	}
	sector := func(id uint32) []byte { return b[512*(int(id)+1) : 512*(int(id)+2)] }
	if len(fatSectors) > 109 {
		binary.LittleEndian.PutUint32(b[68:], difat)
		binary.LittleEndian.PutUint32(b[72:], 1)
		d := sector(difat)
		for i, id := range fatSectors[109:] {
			binary.LittleEndian.PutUint32(d[4*i:], id)
		}
		binary.LittleEndian.PutUint32(d[508:], 0xfffffffe)
	}
	for i, id := range fatSectors {
		s := sector(id)
		for j := range 128 {
			v, ok := fat[uint32(i*128+j)]
			if !ok {
				v = 0xffffffff
			}
			binary.LittleEndian.PutUint32(s[4*j:], v)
		}
	}
	for id, names := range entries {
		s := sector(id)
		for i, name := range names {
			e := s[128*i : 128*(i+1)]
			u := utf16.Encode([]rune(name))
			for k, c := range u {
				binary.LittleEndian.PutUint16(e[2*k:], c)
			}
			binary.LittleEndian.PutUint16(e[64:], uint16(2*len(u)+2))
			e[66] = 2
		}
	}
	return b
}

func TestSniffFileCompoundDirectory(t *testing.T) {
	const end = 0xfffffffe
	tests := []struct {
		name string
		file []byte
		want FileType
	}{
		{
			// The directory starts beyond the first 64 KB and goes on in a
			// second sector, as in large encrypted packages.
			name: "directory chain beyond the head",
			file: oleFile(140, []uint32{0, 1}, 0, 130,
				map[uint32]uint32{130: 131, 131: end},
				map[uint32][]string{130: {"Root Entry", "\x06DataSpaces"}, 131: {"EncryptedPackage", "EncryptionInfo"}}),
			want: FileEncrypted,
		},
		{
			// Over 109 allocation-table sectors: the 110th is found through
			// the DIFAT chain (a file of about 7 MB).
			name: "allocation table through the DIFAT",
			file: func() []byte {
				fats := make([]uint32, 110)
				for i := range fats {
					fats[i] = uint32(i)
				}
				fats[109] = 111 // sector 110 holds the DIFAT
				dir := uint32(109*128 + 5)
				return oleFile(int(dir)+2, fats, 110, dir, map[uint32]uint32{dir: end},
					map[uint32][]string{dir: {"Workbook"}})
			}(),
			want: FileXLS,
		},
		{
			name: "directory chain that loops",
			file: oleFile(140, []uint32{0, 1}, 0, 130, map[uint32]uint32{130: 130}, nil),
			want: FileOLE,
		},
		{
			name: "allocation table count beyond the file",
			file: func() []byte {
				b := oleFile(140, []uint32{0, 1}, 0, 130, nil, nil)
				binary.LittleEndian.PutUint32(b[44:], 0x7fffffff)
				return b
			}(),
			want: FileOLE,
		},
		{
			name: "directory outside the file",
			file: oleFile(4, []uint32{0}, 0, 0x7ffffff0, nil, nil),
			want: FileOLE,
		},
		{
			name: "truncated header",
			file: oleMagic,
			want: FileOLE,
		},
		{
			name: "Word document",
			file: oleFile(140, []uint32{0, 1}, 0, 130, map[uint32]uint32{130: end},
				map[uint32][]string{130: {"WordDocument"}}),
			want: FileOLE,
		},
	}
	for _, tt := range tests {
		start := time.Now()
		got, err := SniffFile(bytes.NewReader(tt.file), int64(len(tt.file)), "Q3.xlsx")
		if got != tt.want {
			t.Errorf("%s: SniffFile = %q; want %q", tt.name, got, tt.want)
		}
		if err == nil || metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("%s: error %v; want EINVALID", tt.name, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %v", tt.name, d)
		}
	}
	// The head alone cannot see a directory beyond it.
	b := tests[0].file
	if got, _ := Sniff(b[:4096], "Q3.xlsx"); got != FileOLE {
		t.Errorf("Sniff(head) = %q; want %q", got, FileOLE)
	}
}
