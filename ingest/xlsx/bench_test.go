package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchRows is the size of the benchmark sheet: 100,000 data rows of
// twelve columns, about 1.2 million cells.
const benchRows = 100_000

var (
	benchOnce sync.Once
	benchDir  string
	benchPath string
)

// TestMain removes the benchmark's workbook, which is shared by the
// benchmarks and so cannot live in one benchmark's TempDir.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchFile(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "xlsx-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		p := filepath.Join(dir, "bench.xlsx")
		writeBenchWorkbook(b, p, benchRows)
		benchPath = p
	})
	if benchPath == "" {
		b.Fatal("no benchmark workbook")
	}
	return benchPath
}

// BenchmarkFloor is the least any reader must do: decompress the sheet and
// look at every byte once (here, counting "<c " with bytes.Count; a match
// split across two reads is missed, which does not matter for timing).
func BenchmarkFloor(b *testing.B) {
	path := benchFile(b)
	buf := make([]byte, 64<<10)
	var size int64
	cpu := cpuTime()
	for b.Loop() {
		zr, err := zip.OpenReader(path)
		if err != nil {
			b.Fatal(err)
		}
		var f *zip.File
		for _, zf := range zr.File {
			if zf.Name == "xl/worksheets/sheet1.xml" {
				f = zf
			}
		}
		rc, err := f.Open()
		if err != nil {
			b.Fatal(err)
		}
		cells := 0
		size = 0
		for {
			n, err := rc.Read(buf)
			cells += bytes.Count(buf[:n], []byte("<c "))
			size += int64(n)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		rc.Close()
		zr.Close()
		if cells < 12*benchRows*99/100 {
			b.Fatalf("counted %d cells", cells)
		}
	}
	b.SetBytes(size)
	reportPerCell(b, cpu)
}

// reportPerCell reports wall and CPU nanoseconds per cell of the sheet.
func reportPerCell(b *testing.B, cpu0 time.Duration) {
	cells := float64(b.N) * 12 * (benchRows + 1)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/cells, "ns/cell")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/cells, "cpu-ns/cell")
}

// BenchmarkRows reads every cell with this package, including opening the
// workbook (styles and shared strings).
func BenchmarkRows(b *testing.B) {
	path := benchFile(b)
	cpu := cpuTime()
	for b.Loop() {
		zr, err := zip.OpenReader(path)
		if err != nil {
			b.Fatal(err)
		}
		wb, err := Open(&zr.Reader, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := wb.Rows("Data")
		if err != nil {
			b.Fatal(err)
		}
		cells := 0
		for rows.Next() {
			cells += len(rows.Cells())
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
		zr.Close()
		if cells != 12*(benchRows+1) {
			b.Fatalf("read %d cells", cells)
		}
	}
	reportPerCell(b, cpu)
}

// BenchmarkExcelizeRows reads the same sheet with excelize's streaming
// reader and raw values, for comparison.
func BenchmarkExcelizeRows(b *testing.B) {
	path := benchFile(b)
	cpu := cpuTime()
	for b.Loop() {
		f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Data")
		if err != nil {
			b.Fatal(err)
		}
		cells := 0
		for rows.Next() {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			cells += len(cols)
		}
		if err := rows.Error(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
		f.Close()
		if cells != 12*(benchRows+1) {
			b.Fatalf("read %d cells", cells)
		}
	}
	reportPerCell(b, cpu)
}

// TestAllocsPerRow checks the reader's allocation budget: reading costs one
// allocation per row (the string holding the row's values), none per cell,
// beyond a constant for the part's buffers (two passes: the search for
// merged cells, then the read).
func TestAllocsPerRow(t *testing.T) {
	const n = 2000
	path := filepath.Join(t.TempDir(), "allocs.xlsx")
	writeBenchWorkbook(t, path, n)
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	wb, err := Open(&zr.Reader, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	cells := 0
	allocs := testing.AllocsPerRun(1, func() {
		rows, err := wb.Rows("Data")
		if err != nil {
			t.Fatal(err)
		}
		cells = 0
		for rows.Next() {
			cells += len(rows.Cells())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	})
	if cells != 12*(n+1) {
		t.Fatalf("read %d cells", cells)
	}
	// The header row is all shared strings and allocates nothing.
	if budget := float64(n + 200); allocs > budget {
		t.Errorf("%v allocations for %d rows of 12 cells, want at most %v", allocs, n, budget)
	}
	t.Logf("%v allocations for %d rows, %d cells", allocs, n, cells)
}
