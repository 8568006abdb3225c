package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// failingSource gives data, then err, counting its Close calls.
type failingSource struct {
	r      io.Reader
	err    error
	closes int
}

func (f *failingSource) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF && f.err != nil {
		err = f.err
	}
	return n, err
}

func (f *failingSource) Close() error { f.closes++; return nil }

// readInSteps reads r to its end in reads of varied sizes, as the
// scanner does.
func readInSteps(r io.Reader) ([]byte, error) {
	var out []byte
	sizes := []int{1, 7, 4096, readAheadChunk - 3, readAheadChunk + 11, 65536}
	for i := 0; ; i++ {
		buf := make([]byte, sizes[i%len(sizes)])
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return out, err
		}
	}
}

func TestReadAheadReadsTheSame(t *testing.T) {
	boom := errors.New("flate: corrupt input")
	for _, size := range []int{0, 1, readAheadChunk - 1, readAheadChunk, readAheadChunk + 1, readAheadChunks*readAheadChunk + 5, 10*readAheadChunk + 17} {
		for _, fail := range []error{nil, boom, io.ErrUnexpectedEOF} {
			t.Run(fmt.Sprintf("%d bytes, error %v", size, fail), func(t *testing.T) {
				data := make([]byte, size)
				for i := range data {
					data[i] = byte(i*31 + i/7)
				}
				src := &failingSource{r: bytes.NewReader(data), err: fail}
				ra := newReadAhead(src)
				got, err := readInSteps(ra)
				want := io.EOF
				if fail != nil {
					want = fail
				}
				if err != want {
					t.Errorf("ended with %v, want %v", err, want)
				}
				if !bytes.Equal(got, data) {
					t.Errorf("read %d bytes that differ from the %d written", len(got), len(data))
				}
				if _, err := ra.Read(make([]byte, 10)); err != want {
					t.Errorf("a read after the end gave %v, want %v again", err, want)
				}
				if err := ra.Close(); err != nil || src.closes != 1 {
					t.Errorf("Close: %v, source closed %d times", err, src.closes)
				}
				if err := ra.Close(); err != nil || src.closes != 1 {
					t.Errorf("second Close: %v, source closed %d times", err, src.closes)
				}
			})
		}
	}
}

// endless is a source that never ends, like a zip bomb.
type endless struct{ closes int }

func (e *endless) Read(p []byte) (int, error) { return len(p), nil }
func (e *endless) Close() error               { e.closes++; return nil }

// TestReadAheadCloseStops checks that Close stops the goroutine of a
// source that would never end, and closes the source once it has.
func TestReadAheadCloseStops(t *testing.T) {
	before := runtime.NumGoroutine()
	src := &endless{}
	ra := newReadAhead(src)
	if _, err := ra.Read(make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	if err := ra.Close(); err != nil || src.closes != 1 {
		t.Fatalf("Close: %v, source closed %d times", err, src.closes)
	}
	select {
	case <-ra.done:
	default:
		t.Fatal("the goroutine was still running after Close")
	}
	if _, err := ra.Read(make([]byte, 10)); err == nil {
		t.Error("a read after Close succeeded")
	}
	waitForGoroutines(t, before)
}

// waitForGoroutines fails unless the number of goroutines falls back to
// n within a few seconds.
func waitForGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines still running, %d before", runtime.NumGoroutine(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// longSheet is sheet XML of rows rows with strings, numbers, formats,
// a merged header and blank rows, and an error at the end unless
// complete.
func longSheet(rows int, complete bool) string {
	var b strings.Builder
	b.WriteString(sheetHead)
	b.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>Header</t></is></c><c r="C1" t="s"><v>0</v></c></row>`)
	for r := 2; r <= rows; r++ {
		if r%97 == 0 {
			continue // a missing row
		}
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>Area %d &amp; more</t></is></c><c r="B%d" s="1"><v>%d.5</v></c><c r="D%d" s="2"><v>%d</v></c><c r="E%d" t="b"><v>%d</v></c><c r="F%d"><f>B%d*2</f></c></row>`,
			r, r, r%13, r, r, r, 40000+r, r, r%2, r, r)
	}
	if !complete {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d"><v>1`, rows+1, rows+1)
		return b.String()
	}
	b.WriteString(`</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`)
	return b.String()
}

// readRendered reads the sheet, switching to reading ahead after skip
// rows (skip < 0: never), and renders every row and the error.
func readRendered(t *testing.T, wb *Workbook, skip int) string {
	t.Helper()
	rows, err := wb.Rows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	n := 0
	for {
		if n == skip {
			rows.ReadAhead()
			rows.ReadAhead() // a second call does nothing
		}
		if !rows.Next() {
			break
		}
		n++
		fmt.Fprintf(&b, "%d:", rows.RowNum())
		for _, c := range rows.Cells() {
			b.WriteString(" " + renderCell(c, rows.RowNum()))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "end at row %d, %v; next %t\n", rows.RowNum(), rows.Err(), rows.Next())
	return b.String()
}

// TestRowsReadAheadReadsTheSame checks that a Rows reading ahead gives the
// same rows, cells, row numbers and error as one that does not, whether
// it starts before the first row or part way, on sheets small and large
// enough to be inflated ahead too, complete or cut short.
func TestRowsReadAheadReadsTheSame(t *testing.T) {
	for _, rows := range []int{0, 3, rowsAheadBatch, rowsAheadBatch + 1, 20_000} {
		for _, complete := range []bool{true, false} {
			sheet := longSheet(rows, complete)
			if rows == 20_000 && len(sheet) < readAheadMinBytes {
				t.Fatalf("the large sheet is %d bytes: too small to be inflated ahead", len(sheet))
			}
			wb, err := Open(zipParts(t, testParts(sheet)), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			want := readRendered(t, wb, -1)
			if complete && !strings.Contains(want, "<nil>") || !complete && strings.Contains(want, "<nil>") {
				t.Fatalf("%d rows, complete %t: the sheet read as %s", rows, complete, want[max(0, len(want)-200):])
			}
			for _, skip := range []int{0, 1, rowsAheadBatch + 2} {
				t.Run(fmt.Sprintf("%d rows, complete %t, ahead after %d", rows, complete, skip), func(t *testing.T) {
					if got := readRendered(t, wb, skip); got != want {
						t.Errorf("read ahead:\n%s\nwant:\n%s", tail(got), tail(want))
					}
				})
			}
		}
	}
}

func tail(s string) string { return s[max(0, len(s)-300):] }

// TestRowsReadAheadClose checks that closing a Rows part way through
// stops its goroutines, and that it then reads nothing more.
func TestRowsReadAheadClose(t *testing.T) {
	wb, err := Open(zipParts(t, testParts(longSheet(20_000, true))), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	rows, err := wb.Rows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	rows.ReadAhead()
	for range 10 {
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("Next after Close returned true")
	}
	if err := rows.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	waitForGoroutines(t, before)
}

// panicky gives data, then panics, as a bug in a decompressor might.
type panicky struct{ r io.Reader }

func (p *panicky) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err == io.EOF {
		panic("decompressor bug")
	}
	return n, err
}

func (p *panicky) Close() error { return nil }

// mustPanic runs fn and returns what it panicked with, failing if it
// did not.
func mustPanic(t *testing.T, fn func()) (p any) {
	t.Helper()
	defer func() { p = recover() }()
	fn()
	t.Fatal("did not panic")
	return nil
}

// TestAheadPanicsWhereTheReaderIs checks that a panic in a goroutine
// reading ahead is raised again in the goroutine that reads, where a
// server's recovery from a panicking request can catch it, instead of
// ending the process.
func TestAheadPanicsWhereTheReaderIs(t *testing.T) {
	ra := newReadAhead(&panicky{r: bytes.NewReader(make([]byte, 3*readAheadChunk))})
	got := mustPanic(t, func() { _, _ = io.ReadAll(ra) })
	if got != "decompressor bug" {
		t.Errorf("readAhead panicked with %v", got)
	}
	ra.Close()

	wb, err := Open(zipParts(t, testParts(sheetHead+sheetTail)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	sheet := longSheet(2000, true)
	rows := wb.rowsFrom("Sheet1", &panicky{r: strings.NewReader(sheet)})
	rows.ReadAhead()
	n := 0
	got = mustPanic(t, func() {
		for rows.Next() {
			n++
		}
	})
	if got != "decompressor bug" || n == 0 {
		t.Errorf("Rows panicked with %v after %d rows", got, n)
	}
	if rows.Next() {
		t.Error("Next after the panic returned true")
	}
	rows.Close()
}
