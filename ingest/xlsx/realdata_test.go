package xlsx

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// realdata holds public workbooks that nobody on the project wrote; see
// its README.md.
const realdata = "../../../shared/realdata"

// realdataOutcome pins what happens to each file that is not simply read:
// a substring of the expected error and its kind. Every other workbook must
// read completely and agree with excelize cell for cell.
var realdataOutcome = map[string]struct {
	kind error // nil: archive/zip refuses the file before this package sees it
	msg  string
}{
	"xlsx-corpus/calamine/pass_protected.xlsx": {nil, "not a valid zip file"}, // encrypted: an OLE file
	"xlsx-corpus/excelize/encryptAES.xlsx":     {nil, "not a valid zip file"},
	"xlsx-corpus/excelize/encryptSHA1.xlsx":    {nil, "not a valid zip file"},
	// An .xls whose end holds an embedded theme package, which archive/zip
	// finds: the package is refused for what it is.
	"xlsx-corpus/calamine/any_sheets.xls":                 {ErrUnsupported, "the main part theme/theme/themeManager.xml is a <themeManager>, not a workbook"},
	"xlsx-corpus/calamine/date_1904.xls":                  {nil, "not a valid zip file"},
	"xlsx-corpus/calamine/too_small.xls":                  {nil, "not a valid zip file"},
	"xlsx-corpus/calamine/any_sheets.xlsb":                {ErrUnsupported, "binary workbook (.xlsb)"},
	"xlsx-corpus/calamine/any_sheets.ods":                 {ErrUnsupported, "OpenDocument spreadsheet (.ods)"},
	"xlsx-corpus/excelize/BadWorkbook.xlsx":               {ErrMalformed, "xl/workbook.xml lists no sheets"},
	"xlsx-corpus/tealeg-xlsx/badfile_noWorkbookRels.xlsx": {ErrMalformed, "missing part xl/_rels/workbook.xml.rels"},
	"xlsx-corpus/tealeg-xlsx/badfile_noWorksheets.xlsx":   {ErrMalformed, `sheet "Tabelle1": part xl/worksheets/sheet1.xml is missing`},
}

// excelizeDiffers lists files where excelize's GetRows is known to be
// wrong, so its values are not compared.
var excelizeDiffers = map[string]string{
	// s="" on every cell: excelize's decoder fails on the empty integer and
	// GetRows returns no cells at all, without an error.
	"xlsx-corpus/calamine/empty_s_attribute.xlsx": "excelize silently reads no cells",
}

// TestRealData opens every file under realdata and reads every sheet to
// its end. A file must be read completely (and agree with excelize) or be
// refused with the pinned error; it may not hang or panic.
func TestRealData(t *testing.T) {
	if _, err := os.Stat(realdata); err != nil {
		t.Skipf("no real data: %v", err)
	}
	seen := 0
	err := filepath.WalkDir(realdata, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") {
			return err
		}
		rel, _ := filepath.Rel(realdata, path)
		rel = filepath.ToSlash(rel)
		seen++
		t.Run(rel, func(t *testing.T) {
			done := make(chan struct{})
			var read int
			var rerr error
			go func() {
				defer close(done)
				read, rerr = readRealFile(t, path)
			}()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("still reading after 30 s")
			}
			want, special := realdataOutcome[rel]
			switch {
			case !special && rerr != nil:
				t.Fatalf("error: %v", rerr)
			case !special:
				t.Logf("read %d cells", read)
			case rerr == nil:
				t.Fatalf("read %d cells, want error %q", read, want.msg)
			case want.kind != nil && !errors.Is(rerr, want.kind):
				t.Errorf("error %q does not wrap %v", rerr, want.kind)
			case !strings.Contains(rerr.Error(), want.msg):
				t.Errorf("error %q does not contain %q", rerr, want.msg)
			}
			if why, ok := excelizeDiffers[rel]; ok || special || rerr != nil {
				if ok {
					t.Logf("not compared with excelize: %s", why)
				}
				return
			}
			compareFileWithExcelize(t, path)
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 60 {
		t.Errorf("saw only %d files", seen)
	}
}

// readRealFile reads every sheet of a file and returns the number of cells.
func readRealFile(t *testing.T, path string) (int, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	wb, err := Open(&zr.Reader, Limits{})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range wb.Sheets {
		if s.Chart {
			if _, err := wb.Rows(s.Name); err == nil {
				t.Errorf("Rows on chartsheet %q gave no error", s.Name)
			}
			continue
		}
		rows, err := wb.Rows(s.Name)
		if err != nil {
			return n, err
		}
		for rows.Next() {
			n += len(rows.Cells())
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
	}
	return n, nil
}

func compareFileWithExcelize(t *testing.T, path string) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	wb, err := Open(&zr.Reader, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	xf, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer xf.Close()
	for _, s := range wb.Sheets {
		if s.Chart {
			continue
		}
		for _, d := range diffExcelize(t, wb, xf, s.Name) {
			t.Errorf("sheet %q differs from excelize: %s", s.Name, d)
		}
	}
}

// TestONSTableP1 checks every cell of the ONS police force area table P1
// against excelize, and a few cells against the published figures.
func TestONSTableP1(t *testing.T) {
	path := filepath.Join(realdata, "ons-pfa/ons_policeforceareatablesyearendingmarch2018v2.xlsx")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no real data: %v", err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	wb, err := Open(&zr.Reader, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	xf, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	if diffs := diffExcelize(t, wb, xf, "Table P1"); len(diffs) > 0 {
		t.Errorf("%d cells differ from excelize, first: %s", len(diffs), diffs[0])
	}
	rows, err := wb.Rows("Table P1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts := map[CellType]int{}
	cells := map[string]Cell{}
	for rows.Next() {
		for _, c := range rows.Cells() {
			if c.Copied(rows.RowNum()) {
				continue
			}
			counts[c.Type]++
			cells[CellName(c.Col, rows.RowNum())] = c
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// The README's inventory of this sheet: 152 strings and 1,288 numbers.
	if counts[String] != 152 || counts[Number] != 1288 || len(counts) != 2 {
		t.Errorf("cell types %v, want 152 strings and 1288 numbers", counts)
	}
	for _, s := range wb.Sheets {
		if s.Name == "Table P1" && (s.State != "visible" || s.Chart) {
			t.Errorf("sheet %+v", s)
		}
	}
	if c := cells["A1"]; c.Type != String || !strings.HasPrefix(c.Value, "Table P1") {
		t.Errorf("A1 = %+v, want the table's title", c)
	}
}
