package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"path"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/assure-pcc/assure/metrics"
)

// FileType is what an uploaded file really is, whatever its name says.
type FileType string

// The file types Sniff tells apart. Only FileXLSX is read as a workbook;
// FileCSV is accepted by Sniff when the file is named .csv, for the table
// loader; every other type is refused with a message saying what to do.
const (
	FileXLSX      FileType = "xlsx"      // an Office Open XML workbook, .xlsx or .xlsm
	FileXLSB      FileType = "xlsb"      // an Excel binary workbook
	FileODS       FileType = "ods"       // an OpenDocument spreadsheet
	FileZip       FileType = "zip"       // a zip archive that is no workbook
	FileEncrypted FileType = "encrypted" // a password-protected (encrypted) Office Open XML workbook
	FileXLS       FileType = "xls"       // an Excel 97-2003 workbook
	FileOLE       FileType = "ole"       // another or unidentified OLE2 compound file
	FileCSV       FileType = "csv"       // delimited text
	FileText      FileType = "text"      // other plain text
	FileHTML      FileType = "html"      // a web page, as Excel's "Web Page" and many exports write
	FileXML2003   FileType = "xml2003"   // an Excel 2003 XML spreadsheet
	FileXML       FileType = "xml"       // other XML
	FilePDF       FileType = "pdf"       // a PDF document
	FileEmpty     FileType = "empty"     // no bytes at all
	FileUnknown   FileType = "unknown"   // anything else
)

// oleMagic opens every OLE2 compound file: .xls, .doc, and the container
// Office uses for an encrypted .xlsx.
var oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// odsMimetype is the content of the "mimetype" entry of an .ods file.
const odsMimetype = "application/vnd.oasis.opendocument.spreadsheet"

// Sniff recognises a file from its first bytes and its name. head should
// hold at least the first 4 KB (all of a smaller file); name is the
// uploaded file name, used in messages and to accept .csv text.
//
// For a zip it returns FileXLSX and no error unless the first entry shows
// an OpenDocument spreadsheet: telling .xlsx from .xlsb and other zips
// needs the central directory, which SniffPackage reads (CheckPackage
// does so too). For an OLE2 compound file it looks for the directory
// entries EncryptionInfo and EncryptedPackage (a password-protected
// workbook) or Workbook and Book (an .xls) in head, and returns FileOLE
// when the directory lies beyond head; SniffFile follows the directory
// wherever it is. Nothing is ever decrypted.
//
// The error, for any type but FileXLSX (and FileCSV named .csv), is a
// *metrics.Error with code EINVALID naming the file and the fix.
func Sniff(head []byte, name string) (FileType, error) {
	t := sniffHead(head)
	return t, t.Reject(name)
}

// SniffFile is Sniff for a whole file: it reads the head from r and, for
// an OLE2 compound file whose directory lies beyond it, walks the
// directory through the file's allocation table.
func SniffFile(r io.ReaderAt, size int64, name string) (FileType, error) {
	head := make([]byte, min(size, 64<<10))
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return FileUnknown, metrics.Errorf(metrics.EINVALID, "%s could not be read: upload it again", baseName(name))
	}
	head = head[:n]
	t := sniffHead(head)
	if t == FileOLE {
		if found := sniffCompoundFile(r, size); found != "" {
			t = found
		}
	}
	return t, t.Reject(name)
}

// Reject returns the error that explains why a file of type t, uploaded as
// name, cannot be read as a workbook, or nil for FileXLSX and for FileCSV
// in a file named .csv.
func (t FileType) Reject(name string) error {
	name = baseName(name)
	msg := ""
	switch t {
	case FileXLSX:
		return nil
	case FileCSV:
		if strings.EqualFold(path.Ext(name), ".csv") {
			return nil
		}
		msg = "%s is a CSV text file, not an Excel workbook: open it in Excel and save it as .xlsx (Excel Workbook)"
	case FileXLSB:
		msg = "%s is a binary workbook (.xlsb): open it in Excel and save it as .xlsx (Excel Workbook)"
	case FileODS:
		msg = "%s is an OpenDocument spreadsheet (.ods): save it as .xlsx (Excel 2007-365)"
	case FileZip:
		msg = "%s is a zip archive, not an Excel workbook: upload the .xlsx workbook itself"
	case FileEncrypted:
		msg = "%s is a password-protected workbook: save a copy without a password (in Excel: File, Info, Protect Workbook, Encrypt with Password, and clear it) and upload that"
	case FileXLS:
		msg = "%s is an Excel 97-2003 workbook (.xls): open it in Excel and save it as .xlsx (Excel Workbook)"
	case FileOLE:
		msg = "%s is an older Office file, either password-protected or in the Excel 97-2003 format: open it in Excel, remove any password, and save it as .xlsx (Excel Workbook)"
	case FileText:
		msg = "%s is a plain text file, not an Excel workbook: upload the .xlsx workbook"
	case FileHTML:
		msg = "%s is a web page (HTML) saved with a spreadsheet's name: open it in Excel and save it as .xlsx (Excel Workbook)"
	case FileXML2003:
		msg = "%s is an Excel 2003 XML spreadsheet: open it in Excel and save it as .xlsx (Excel Workbook)"
	case FileXML:
		msg = "%s is an XML file, not an Excel workbook: upload the .xlsx workbook"
	case FilePDF:
		msg = "%s is a PDF document, not a workbook: upload the Excel workbook the figures came from"
	case FileEmpty:
		msg = "%s is empty (0 bytes): upload the workbook again"
	default:
		msg = "%s is not an Excel workbook: save it from Excel as .xlsx (Excel Workbook) and upload that"
	}
	return metrics.Errorf(metrics.EINVALID, msg, name)
}

// baseName drops any folder a browser or script put in front of the file
// name, with either kind of slash.
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 && i < len(name)-1 {
		name = name[i+1:]
	}
	if name == "" {
		return "The file"
	}
	return name
}

func sniffHead(head []byte) FileType {
	switch {
	case len(head) == 0:
		return FileEmpty
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if isODSHead(head) {
			return FileODS
		}
		return FileXLSX
	case bytes.HasPrefix(head, []byte("PK\x05\x06")), bytes.HasPrefix(head, []byte("PK\x07\x08")):
		return FileZip // an empty or spanned archive
	case bytes.HasPrefix(head, oleMagic):
		return sniffCompoundHead(head)
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return FilePDF
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}), bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		// UTF-16, as Excel's "Unicode Text" export writes.
		return FileText
	}
	return sniffText(head)
}

// isODSHead reports an OpenDocument file, whose first zip entry must be
// an uncompressed "mimetype" holding the media type.
func isODSHead(head []byte) bool {
	if len(head) < 30 {
		return false
	}
	nameLen := int(binary.LittleEndian.Uint16(head[26:]))
	extraLen := int(binary.LittleEndian.Uint16(head[28:]))
	if 30+nameLen > len(head) || string(head[30:30+nameLen]) != "mimetype" {
		return false
	}
	data := head[min(len(head), 30+nameLen+extraLen):]
	return bytes.HasPrefix(data, []byte(odsMimetype))
}

// SniffPackage tells what kind of zip package zr is from its entries:
// FileXLSX (.xlsx or .xlsm: it has xl/workbook.xml), FileXLSB (it has
// xl/workbook.bin), FileODS (its mimetype entry says OpenDocument
// spreadsheet) or FileZip.
func SniffPackage(zr *zip.Reader) FileType {
	t := FileZip
	for _, f := range zr.File {
		switch strings.ToLower(f.Name) {
		case "xl/workbook.xml":
			return FileXLSX
		case "xl/workbook.bin":
			t = FileXLSB
		case "mimetype":
			if t == FileZip && f.UncompressedSize64 < 256 && readsODSMimetype(f) {
				t = FileODS
			}
		}
	}
	return t
}

func readsODSMimetype(f *zip.File) bool {
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 256))
	return strings.TrimSpace(string(b)) == odsMimetype
}

// sniffText classifies a head that is none of the binary formats.
func sniffText(head []byte) FileType {
	b := bytes.TrimPrefix(head, []byte{0xef, 0xbb, 0xbf})
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return FileText
	}
	// A text file has no control characters but tab, line ends and form
	// feed; Windows-1252 text (not valid UTF-8) is still text.
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
			return FileUnknown
		}
	}
	if b[0] == '<' {
		start := strings.ToLower(string(b[:min(len(b), 2048)]))
		switch {
		case strings.Contains(start, "urn:schemas-microsoft-com:office:spreadsheet"),
			strings.Contains(start, `progid="excel.sheet"`):
			return FileXML2003
		case strings.Contains(start, "<html"), strings.Contains(start, "<!doctype html"),
			strings.Contains(start, "<table"), strings.Contains(start, "<body"):
			return FileHTML
		case strings.HasPrefix(start, "<?xml"):
			return FileXML
		}
	}
	if isDelimited(b) {
		return FileCSV
	}
	return FileText
}

// isDelimited reports text whose first lines all hold the same delimiter:
// a comma, semicolon or tab. The last line of head may be cut short, so
// it is left out when there are others.
func isDelimited(b []byte) bool {
	lines := strings.Split(strings.ReplaceAll(string(b[:min(len(b), 8192)]), "\r\n", "\n"), "\n")
	if len(lines) > 1 {
		lines = lines[:len(lines)-1]
	}
	lines = lines[:min(len(lines), 20)]
	for _, d := range []string{",", "\t", ";"} {
		ok := true
		for _, l := range lines {
			if strings.TrimSpace(l) != "" && !strings.Contains(l, d) {
				ok = false
				break
			}
		}
		if ok && strings.Contains(lines[0], d) {
			return true
		}
	}
	return false
}

// OLE2 compound file layout (MS-CFB): a 512-byte header, then sectors of
// 512 or 4096 bytes. The directory is a chain of sectors of 128-byte
// entries, each naming a stream in UTF-16.
const (
	oleHeaderLen = 512
	oleDirEntry  = 128
	oleEndChain  = 0xfffffffa // sector ids at or above this are markers
)

// sniffCompoundHead looks for telling directory entries among the
// 128-byte records in head. Every directory entry sits at a multiple of
// 128 bytes in the file, and matching a whole entry (name, its length and
// a stream type) will not happen by chance in other data.
func sniffCompoundHead(head []byte) FileType {
	if t := classifyOLEEntries(head, oleHeaderLen); t != "" {
		return t
	}
	return FileOLE
}

// classifyOLEEntries scans the 128-byte records of b from offset from,
// and returns FileEncrypted, FileXLS, or "" when neither is seen.
func classifyOLEEntries(b []byte, from int) FileType {
	found := FileType("")
	for off := from; off+oleDirEntry <= len(b); off += oleDirEntry {
		switch oleEntryName(b[off : off+oleDirEntry]) {
		case "EncryptionInfo", "EncryptedPackage":
			return FileEncrypted // wins over an .xls stream name
		case "Workbook", "Book":
			found = FileXLS
		}
	}
	return found
}

// oleEntryName decodes a directory entry's name if the record looks like
// a stream entry, or returns "".
func oleEntryName(e []byte) string {
	nameLen := int(binary.LittleEndian.Uint16(e[64:]))
	if nameLen < 4 || nameLen > 64 || nameLen%2 != 0 || e[66] != 2 {
		return ""
	}
	u := make([]uint16, nameLen/2-1) // without the terminating NUL
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(e[2*i:])
	}
	if binary.LittleEndian.Uint16(e[nameLen-2:]) != 0 {
		return ""
	}
	name := string(utf16.Decode(u))
	if !utf8.ValidString(name) {
		return ""
	}
	return name
}

// sniffCompoundFile follows the directory chain of an OLE2 file through
// its allocation table, with every count bounded by the file size, and
// classifies it by its stream names; "" when the structure is unreadable
// or shows neither an encrypted package nor an .xls.
func sniffCompoundFile(r io.ReaderAt, size int64) FileType {
	var hdr [oleHeaderLen]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return ""
	}
	shift := binary.LittleEndian.Uint16(hdr[30:])
	if shift != 9 && shift != 12 {
		return ""
	}
	ssz := int64(1) << shift
	maxSectors := size/ssz + 1
	perSector := ssz / 4
	numFAT := int64(binary.LittleEndian.Uint32(hdr[44:]))
	if numFAT > maxSectors {
		return ""
	}
	sector := make([]byte, ssz)
	readSector := func(id uint32) bool {
		off := (int64(id) + 1) * ssz
		if off+ssz > size {
			return false
		}
		_, err := r.ReadAt(sector, off)
		return err == nil
	}
	// The allocation table's own sectors: 109 listed in the header, the
	// rest in a chain of DIFAT sectors.
	fat := make([]uint32, 0, min(numFAT, 109))
	for i := 0; i < 109 && int64(len(fat)) < numFAT; i++ {
		fat = append(fat, binary.LittleEndian.Uint32(hdr[76+4*i:]))
	}
	next := binary.LittleEndian.Uint32(hdr[68:])
	for steps := int64(0); int64(len(fat)) < numFAT && next < oleEndChain && steps < maxSectors; steps++ {
		if !readSector(next) {
			return ""
		}
		for i := int64(0); i < perSector-1 && int64(len(fat)) < numFAT; i++ {
			fat = append(fat, binary.LittleEndian.Uint32(sector[4*i:]))
		}
		next = binary.LittleEndian.Uint32(sector[ssz-4:])
	}
	nextInChain := func(id uint32) uint32 {
		i := int64(id) / perSector
		if i >= int64(len(fat)) {
			return oleEndChain
		}
		var b [4]byte
		off := (int64(fat[i])+1)*ssz + (int64(id)%perSector)*4
		if off+4 > size {
			return oleEndChain
		}
		if _, err := r.ReadAt(b[:], off); err != nil {
			return oleEndChain
		}
		return binary.LittleEndian.Uint32(b[:])
	}
	found := FileType("")
	id := binary.LittleEndian.Uint32(hdr[48:])
	// A directory of more than 1024 sectors (thousands of streams) is not
	// a workbook's; the bound also stops a chain that loops.
	for steps := int64(0); id < oleEndChain && steps < min(maxSectors, 1024); steps++ {
		if !readSector(id) {
			break
		}
		switch classifyOLEEntries(sector, 0) {
		case FileEncrypted:
			return FileEncrypted
		case FileXLS:
			found = FileXLS
		}
		id = nextInChain(id)
	}
	return found
}
