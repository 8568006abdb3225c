package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/assure-pcc/assure/metrics"
)

// Limits bound what one uploaded .xlsx package may cost to open, by the
// sizes its zip directory declares: CheckPackage enforces them before
// the workbook's reader (package xlsx) opens any part, and archive/zip
// holds each part to its declared size as it is read. Each limit names
// the command-line flag that will set it, so that an error can say which
// one to raise. A zero limit refuses everything: start from
// DefaultLimits.
type Limits struct {
	// MaxFileBytes bounds the compressed file (--max-file-mb).
	MaxFileBytes int64
	// MaxPartBytes bounds the declared uncompressed size of each part
	// other than worksheets and shared strings (--max-part-mb).
	MaxPartBytes int64
	// MaxSheetXMLBytes bounds the declared uncompressed size of each
	// worksheet part (xl/worksheets/sheet*.xml) and of
	// xl/sharedStrings.xml, which are read as streams (--max-sheet-mb).
	MaxSheetXMLBytes int64
	// MaxTotalUncompressed bounds the declared uncompressed size of all
	// parts together, and so the time spent decompressing (--max-total-mb).
	MaxTotalUncompressed int64
	// MaxInMemoryBytes bounds the declared uncompressed size of all the
	// parts other than sheets together: images, pivot caches, embedded
	// files (--max-memory-mb).
	MaxInMemoryBytes int64
	// MaxEntries bounds the number of zip entries (--max-entries).
	MaxEntries int
	// MaxRatio bounds uncompressed size over compressed size for parts
	// larger than RatioMinBytes (--max-ratio). Small parts are exempt:
	// a few kilobytes of repeated XML legitimately compress very well and
	// cannot hurt.
	MaxRatio float64
	// RatioMinBytes is the uncompressed size from which MaxRatio applies.
	RatioMinBytes int64
}

// DefaultLimits returns limits that accept any workbook a finance officer
// or analyst would produce (a 500,000-row sheet is about 250 MB of XML)
// and refuse zip bombs: a 100 MB file, 1 GB per sheet, 64 MB per other
// part, 256 MB of parts in memory, 2 GB in all, 10,000 entries, and a
// compression ratio of 200:1 for parts over 1 MB. Real sheets compress
// about 5:1 to 30:1 and very repetitive ones under 150:1, while deflate
// can reach 1032:1.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:         100 << 20,
		MaxPartBytes:         64 << 20,
		MaxSheetXMLBytes:     1 << 30,
		MaxTotalUncompressed: 2 << 30,
		MaxInMemoryBytes:     256 << 20,
		MaxEntries:           10000,
		MaxRatio:             200,
		RatioMinBytes:        1 << 20,
	}
}

// PackageInfo describes a package that passed CheckPackage.
type PackageInfo struct {
	// Entries is the number of zip entries, directories included.
	Entries int
	// TotalUncompressed is the sum of the declared uncompressed sizes
	// (archive/zip holds each part to its own as it is read).
	TotalUncompressed int64
	// Macros reports a VBA project (xl/vbaProject.bin), as in .xlsm files.
	// Assure never runs macros; it is reported so that the ingest can say
	// so.
	Macros bool
}

// CheckPackage checks an .xlsx package as a zip container, before any
// part of it is decompressed: the file size; the zip's central directory
// (entry count, declared sizes, their total, compression ratios,
// duplicate names ignoring case, names with "..", "." or empty segments,
// a leading slash, backslashes or NUL, encrypted entries, compression
// methods other than store and deflate); the entries' compressed data
// (within the file, and not overlapping, which is how zip bombs reuse
// one payload); and the parts [Content_Types].xml and xl/workbook.xml.
// The XML inside is the reader's to check, as it reads each part (see
// package xlsx): a part is decompressed once.
//
// Every error is a *metrics.Error, ETOOLARGE for a limit (its message
// names the flag that raises it) and EINVALID otherwise, whose message
// says what is wrong and what to do; the caller adds the file name.
func CheckPackage(r io.ReaderAt, size int64, lim Limits) (PackageInfo, error) {
	var info PackageInfo
	if size > lim.MaxFileBytes {
		return info, metrics.Errorf(metrics.ETOOLARGE,
			"the file is %s, over the %s limit: split the workbook, or ask for --max-file-mb to be raised",
			formatSize(size), formatSize(lim.MaxFileBytes))
	}
	// A zip may carry anything in front of its first entry, so that one
	// file is both an .xls and a zip. Excel's packages start with an entry.
	head := make([]byte, min(size, 4096))
	n, _ := r.ReadAt(head, 0)
	if head = head[:n]; !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		t := sniffHead(head)
		switch t {
		case FileXLSX, FileCSV:
			t = FileUnknown // CSV is fine elsewhere, but not as a package
		case FileOLE:
			if found := sniffCompoundFile(r, size); found != "" {
				t = found
			}
		}
		return info, t.Reject("the file")
	}
	// Count the entries before archive/zip reads the directory: it keeps
	// a struct per entry.
	if n, ok := zipEntryCount(r, size, lim.MaxEntries); ok && n > uint64(lim.MaxEntries) {
		return info, tooManyEntries(n, lim)
	}
	zr, err := zip.NewReader(io.NewSectionReader(r, 0, size), size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// ErrInsecurePath (with GODEBUG zipinsecurepath=0) still returns
		// the reader; the name checks below give a better message.
		return info, metrics.Errorf(metrics.EINVALID,
			"the file is not a readable .xlsx workbook (its zip structure is damaged: %v): open it in Excel and save it again as .xlsx",
			strings.TrimPrefix(err.Error(), "zip: "))
	}
	info.Entries = len(zr.File)
	if len(zr.File) > lim.MaxEntries {
		return info, tooManyEntries(uint64(len(zr.File)), lim)
	}

	type span struct {
		start, end int64
		name       string
	}
	spans := make([]span, 0, len(zr.File))
	seen := make(map[string]string, len(zr.File))
	var total, inMemory uint64
	var hasTypes, hasWorkbook bool
	for _, f := range zr.File {
		name := f.Name
		if err := checkPartName(name); err != nil {
			return info, err
		}
		key := strings.ToLower(name)
		if prev, dup := seen[key]; dup {
			return info, metrics.Errorf(metrics.EINVALID,
				"the workbook is damaged: it holds two parts named %q and %q (names differ at most in case), and readers disagree on which one counts: open it in Excel and save it again",
				prev, name)
		}
		seen[key] = name
		switch key {
		case "[content_types].xml":
			hasTypes = true
		case "xl/workbook.xml":
			hasWorkbook = true
		case "xl/vbaproject.bin":
			info.Macros = true
		}
		if f.Flags&0x1 != 0 {
			return info, metrics.Errorf(metrics.EINVALID,
				"part %q is encrypted inside the zip, which Excel never does: open the workbook in Excel and save it again as .xlsx, without a password",
				name)
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return info, metrics.Errorf(metrics.EINVALID,
				"part %q uses zip compression method %d, which Excel does not write: open the workbook in Excel and save it again",
				name, f.Method)
		}

		usize := f.UncompressedSize64
		partLimit, flag, what := lim.MaxPartBytes, "--max-part-mb", "a part"
		streamed := isStreamedPart(key)
		if streamed {
			partLimit, flag, what = lim.MaxSheetXMLBytes, "--max-sheet-mb", "a sheet"
		}
		if usize > uint64(partLimit) {
			return info, metrics.Errorf(metrics.ETOOLARGE,
				"part %q declares %s uncompressed, over the %s limit for %s: split the workbook, or ask for %s to be raised",
				name, formatSize(usize), formatSize(partLimit), what, flag)
		}
		total += usize
		if total > uint64(lim.MaxTotalUncompressed) {
			return info, metrics.Errorf(metrics.ETOOLARGE,
				"the workbook declares more than %s uncompressed in all: split it, or ask for --max-total-mb to be raised",
				formatSize(lim.MaxTotalUncompressed))
		}
		if !streamed {
			inMemory += usize
			if inMemory > uint64(lim.MaxInMemoryBytes) {
				return info, metrics.Errorf(metrics.ETOOLARGE,
					"the workbook's parts other than sheets declare more than %s uncompressed (images, pivot caches or embedded files): remove them, or ask for --max-memory-mb to be raised",
					formatSize(lim.MaxInMemoryBytes))
			}
		}
		if usize > uint64(lim.RatioMinBytes) {
			ratio := float64(usize) / float64(max(f.CompressedSize64, 1))
			if ratio > lim.MaxRatio {
				return info, metrics.Errorf(metrics.ETOOLARGE,
					"part %q expands from %s to %s (%.0f:1, over the %.0f:1 limit), as zip bombs do: if the workbook is genuine, ask for --max-ratio to be raised",
					name, formatSize(f.CompressedSize64), formatSize(usize), ratio, lim.MaxRatio)
			}
		}

		// DataOffset reads the local header, so a header outside the
		// file or without its signature fails here.
		off, err := f.DataOffset()
		if err != nil || off < 0 || off > size {
			return info, damagedEntry(name, "its local header is missing or outside the file")
		}
		if f.CompressedSize64 > uint64(size-off) {
			return info, damagedEntry(name, "its data runs past the end of the file")
		}
		if f.CompressedSize64 > 0 {
			spans = append(spans, span{off, off + int64(f.CompressedSize64), name})
		}
	}
	info.TotalUncompressed = int64(total)

	// Entries whose data overlap let a small file expand to many copies of
	// one payload, and let readers disagree on the content.
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return info, metrics.Errorf(metrics.EINVALID,
				"the workbook is damaged or crafted: parts %q and %q share compressed data, as zip bombs do: open it in Excel and save it again",
				spans[i-1].name, spans[i].name)
		}
	}

	if !hasTypes || !hasWorkbook {
		switch SniffPackage(zr) {
		case FileXLSB, FileODS:
			return info, SniffPackage(zr).Reject("the file")
		}
		missing := "[Content_Types].xml"
		if hasTypes {
			missing = "xl/workbook.xml"
		}
		return info, metrics.Errorf(metrics.EINVALID,
			"the file is a zip archive but not an Excel workbook (it has no %s): upload the .xlsx workbook itself, saved from Excel",
			missing)
	}
	return info, nil
}

func tooManyEntries(n uint64, lim Limits) error {
	return metrics.Errorf(metrics.ETOOLARGE,
		"the workbook has %d zip entries, over the limit of %d: split it, or ask for --max-entries to be raised",
		n, lim.MaxEntries)
}

func damagedEntry(name, why string) error {
	return metrics.Errorf(metrics.EINVALID,
		"the workbook is damaged: part %q: %s: open it in Excel and save it again", name, why)
}

// isStreamedPart reports the parts read as streams (sheets and shared
// strings), which have their own limit; key is the lower-cased name.
func isStreamedPart(key string) bool {
	return strings.HasPrefix(key, "xl/worksheets/sheet") || key == "xl/sharedstrings.xml"
}

// checkPartName rejects zip entry names that could escape a directory if
// anything ever extracted them, or that readers interpret differently:
// some turn backslashes into slashes.
func checkPartName(name string) error {
	bad := ""
	switch {
	case name == "":
		bad = "an empty name"
	case strings.IndexByte(name, 0) >= 0:
		bad = "a NUL character"
	case strings.IndexByte(name, '\\') >= 0:
		bad = "a backslash"
	case name[0] == '/':
		bad = "a leading slash"
	default:
		segs := strings.Split(strings.TrimSuffix(name, "/"), "/")
		for _, seg := range segs {
			switch seg {
			case "..", ".":
				bad = fmt.Sprintf("a %q segment", seg)
			case "":
				bad = "an empty segment"
			}
		}
	}
	if bad == "" {
		return nil
	}
	return metrics.Errorf(metrics.EINVALID,
		"the workbook is damaged or crafted: the part name %q has %s, which Excel never writes: open it in Excel and save it again",
		strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", "\\0"), "?"), bad)
}

// zipEntryCount counts a zip's entries without building archive/zip's
// struct per entry (a 100 MB file could hold two million of them). It
// takes the count the end record declares and, because archive/zip reads
// directory records until one is malformed and checks the count only
// modulo 65536, also counts the records themselves, up to limit+1, from
// each offset archive/zip may start at. ok is false when there is no end
// record, which archive/zip then reports.
func zipEntryCount(r io.ReaderAt, size int64, limit int) (n uint64, ok bool) {
	const eocdLen = 22
	if size < eocdLen {
		return 0, false
	}
	tail := min(size, eocdLen+65535)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, false
	}
	i := len(buf) - eocdLen
	for ; i >= 0 && binary.LittleEndian.Uint32(buf[i:]) != 0x06054b50; i-- {
	}
	if i < 0 {
		return 0, false
	}
	eocdPos := size - tail + int64(i)
	n = uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	dirSize := uint64(binary.LittleEndian.Uint32(buf[i+12:]))
	dirOff := uint64(binary.LittleEndian.Uint32(buf[i+16:]))
	if n == 0xffff || dirSize == 0xffffffff || dirOff == 0xffffffff {
		// zip64: the locator sits just before the end record and points
		// to the zip64 end record.
		var loc [20]byte
		var rec [56]byte
		if eocdPos >= 20 {
			if _, err := r.ReadAt(loc[:], eocdPos-20); err == nil && binary.LittleEndian.Uint32(loc[:]) == 0x07064b50 {
				off := binary.LittleEndian.Uint64(loc[8:])
				if off < uint64(size) && uint64(size)-off >= 56 {
					if _, err := r.ReadAt(rec[:], int64(off)); err == nil && binary.LittleEndian.Uint32(rec[:]) == 0x06064b50 {
						n = binary.LittleEndian.Uint64(rec[32:])
						dirSize = binary.LittleEndian.Uint64(rec[40:])
						dirOff = binary.LittleEndian.Uint64(rec[48:])
						eocdPos = int64(off)
					}
				}
			}
		}
	}
	for _, start := range []uint64{dirOff, uint64(eocdPos) - dirSize} {
		if start < uint64(size) {
			n = max(n, countCentralRecords(r, size, int64(start), limit))
		}
	}
	return n, true
}

// countCentralRecords counts consecutive central directory records from
// start, stopping after limit+1.
func countCentralRecords(r io.ReaderAt, size, start int64, limit int) uint64 {
	br := bufio.NewReaderSize(io.NewSectionReader(r, start, size-start), 64<<10)
	var hdr [46]byte
	n := uint64(0)
	for n <= uint64(limit) {
		if _, err := io.ReadFull(br, hdr[:]); err != nil || binary.LittleEndian.Uint32(hdr[:]) != 0x02014b50 {
			break
		}
		skip := int(binary.LittleEndian.Uint16(hdr[28:])) + int(binary.LittleEndian.Uint16(hdr[30:])) + int(binary.LittleEndian.Uint16(hdr[32:]))
		if _, err := br.Discard(skip); err != nil {
			break
		}
		n++
	}
	return n
}

// formatSize writes a byte count for a message, in the units the flags
// use.
func formatSize[T int64 | uint64](n T) string {
	v := float64(n)
	switch {
	case v >= 1<<30:
		return fmt.Sprintf("%.1f GB", v/(1<<30))
	case v >= 1<<20:
		return fmt.Sprintf("%.1f MB", v/(1<<20))
	case v >= 1<<10:
		return fmt.Sprintf("%.1f KB", v/(1<<10))
	}
	return fmt.Sprintf("%d bytes", uint64(n))
}
