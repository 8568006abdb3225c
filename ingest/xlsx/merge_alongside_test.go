package xlsx

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// alongsideSheets are sheets of five rows, one per row number, with their
// merged ranges: firstTop is the top row of the highest range (0 for
// none), and passFails says the quick pass itself refuses the ranges.
func alongsideSheets() []struct {
	name      string
	sheet     string
	lim       Limits
	firstTop  int
	passFails bool
} {
	var rows strings.Builder
	for n := 1; n <= 5; n++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>label %d</t></is></c><c r="C%d"><v>%d</v></c></row>`, n, n, n, n, n)
	}
	sheet := func(tail string) string { return sheetHead + rows.String() + `</sheetData>` + tail + `</worksheet>` }
	return []struct {
		name      string
		sheet     string
		lim       Limits
		firstTop  int
		passFails bool
	}{
		{name: "no merged cells", sheet: sheet("")},
		{name: "a title merged over row 1", sheet: sheet(`<mergeCells><mergeCell ref="A1:B1"/></mergeCells>`), firstTop: 1},
		{name: "a label merged down rows 3 and 4", sheet: sheet(`<mergeCells><mergeCell ref="A3:A4"/></mergeCells>`), firstTop: 3},
		{name: "a footnote merged over the last row", sheet: sheet(`<mergeCells><mergeCell ref="A5:B5"/></mergeCells>`), firstTop: 5},
		{name: "a one-cell range, which merges nothing", sheet: sheet(`<mergeCells><mergeCell ref="A2"/></mergeCells>`)},
		{name: "ranges in any order", sheet: sheet(`<mergeCells><mergeCell ref="A5:B5"/><mergeCell ref="A2:B2"/></mergeCells>`), firstTop: 2},
		{name: "a range the main pass does not see", sheet: sheet(`<!-- <mergeCell ref="A4:Z4"/> -->`), firstTop: 4},
		{name: "too many ranges", sheet: sheet(`<mergeCells><mergeCell ref="A4:B4"/><mergeCell ref="A5:B5"/></mergeCells>`),
			lim: Limits{MaxMergedRanges: 1}, passFails: true},
		{name: "a range that is not one", sheet: sheet(`<mergeCells><mergeCell ref="A5:"/></mergeCells>`), passFails: true},
	}
}

// TestMergesAlongside reads each sheet with its quick pass answering
// after each number of rows read (and after the reading closed early):
// either the reading equals the one that knew the merged cells first, or
// the workbook says it was late, and reading it again after
// ReadMergesFirst gives that reading.
func TestMergesAlongside(t *testing.T) {
	for _, tt := range alongsideSheets() {
		t.Run(tt.name, func(t *testing.T) {
			parts := testParts(tt.sheet)
			ref, err := Open(zipParts(t, parts), tt.lim)
			if err != nil {
				t.Fatal(err)
			}
			wantOut, wantErr := readSheet(ref, "Sheet1")
			if errors.Is(wantErr, ErrLimit) != (tt.lim != Limits{}) {
				t.Fatalf("reading first: %v", wantErr)
			}
			for answerAfter := 0; answerAfter <= 5; answerAfter++ {
				for _, closeEarly := range []bool{false, true} {
					name := fmt.Sprintf("answer after %d rows", answerAfter)
					if closeEarly {
						name = fmt.Sprintf("closed after %d rows, then answered", answerAfter)
					}
					t.Run(name, func(t *testing.T) {
						wb, err := Open(zipParts(t, parts), tt.lim)
						if err != nil {
							t.Fatal(err)
						}
						wb.alongsideMin = 0
						wb.holdPasses = make(chan struct{})
						wb.ReadMergesAlongside()
						out, err := readAnswering(wb, answerAfter, closeEarly)
						late := wb.MergesLate()

						wantLate := tt.passFails || (tt.firstTop > 0 && tt.firstTop <= answerAfter)
						if late != wantLate {
							t.Fatalf("MergesLate %v, want %v (reading: %q, %v)", late, wantLate, out, err)
						}
						switch {
						case late:
						case closeEarly:
							if want := firstLines(wantOut, answerAfter); out != want || err != nil {
								t.Fatalf("got %q, %v\nwant %q", out, err, want)
							}
							return
						default:
							if out != wantOut || fmt.Sprint(err) != fmt.Sprint(wantErr) {
								t.Fatalf("got %q, %v\nwant %q, %v", out, err, wantOut, wantErr)
							}
							return
						}
						if !closeEarly && !errors.Is(err, ErrMergesLate) {
							t.Errorf("a late reading ended with %v, want ErrMergesLate", err)
						}
						wb.ReadMergesFirst()
						if wb.MergesLate() {
							t.Fatal("still late after ReadMergesFirst")
						}
						again, err := readSheet(wb, "Sheet1")
						if again != wantOut || fmt.Sprint(err) != fmt.Sprint(wantErr) {
							t.Errorf("read again: %q, %v\nwant %q, %v", again, err, wantOut, wantErr)
						}
						if wb.MergesLate() {
							t.Error("the second reading was late")
						}
					})
				}
			}
		})
	}
}

// readAnswering reads Sheet1 of wb, whose quick passes are held, and lets
// them answer once n rows are read: the reading goes on to the end, or
// closes there when closeEarly.
func readAnswering(wb *Workbook, n int, closeEarly bool) (string, error) {
	rows, err := wb.Rows("Sheet1")
	if err != nil {
		close(wb.holdPasses)
		return "", err
	}
	var b strings.Builder
	line := func() {
		for i, c := range rows.Cells() {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(renderCell(c, rows.RowNum()))
		}
		b.WriteByte('\n')
	}
	read := 0
	for read < n && rows.Next() {
		line()
		read++
	}
	if closeEarly {
		rows.Close()
		close(wb.holdPasses)
		return b.String(), rows.Err()
	}
	close(wb.holdPasses)
	wb.passes.Wait()
	for rows.Next() {
		line()
	}
	rows.Close()
	return b.String(), rows.Err()
}

// firstLines is the first n lines of s.
func firstLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "")
}

// TestMergesAlongsideLargeSheet reads a sheet above the size from which
// the quick pass runs alongside, ahead in a goroutine as the ingest
// does: without merged cells it is read once and as before, whenever the
// quick pass answers; with a merged title whose answer is held until the
// first row is read, it is late, and read again right.
func TestMergesAlongsideLargeSheet(t *testing.T) {
	var rows strings.Builder
	const n = 30000
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>measure %d</t></is></c><c r="B%d"><v>%d</v></c></row>`, i, i, i%7, i, i)
	}
	for _, tc := range []struct {
		name   string
		merges string
		late   bool
	}{
		{"no merged cells", "", false},
		{"a merged title", `<mergeCells><mergeCell ref="A1:B1"/></mergeCells>`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := testParts(sheetHead + rows.String() + `</sheetData>` + tc.merges + `</worksheet>`)
			if len(parts["xl/worksheets/sheet1.xml"]) < readAheadMinBytes {
				t.Fatal("the sheet is too small to be read alongside")
			}
			ref, err := Open(zipParts(t, parts), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			want, wantErr := readSheet(ref, "Sheet1")
			if wantErr != nil {
				t.Fatal(wantErr)
			}
			wb, err := Open(zipParts(t, parts), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			wb.ReadMergesAlongside()
			if tc.late {
				wb.holdPasses = make(chan struct{})
			}
			read := func() (string, error) {
				r, err := wb.Rows("Sheet1")
				if err != nil {
					return "", err
				}
				defer r.Close()
				r.ReadAhead()
				var b strings.Builder
				for r.Next() {
					if wb.holdPasses != nil {
						close(wb.holdPasses)
						wb.holdPasses = nil
					}
					for _, c := range r.Cells() {
						b.WriteString(renderCell(c, r.RowNum()) + " ")
					}
					b.WriteByte('\n')
				}
				return b.String(), r.Err()
			}
			got, err := read()
			late := wb.MergesLate()
			if late != tc.late {
				t.Fatalf("MergesLate %v, want %v (%v)", late, tc.late, err)
			}
			if late {
				if !errors.Is(err, ErrMergesLate) {
					t.Errorf("the late reading ended with %v", err)
				}
				wb.ReadMergesFirst()
				got, err = read()
			}
			if err != nil || strings.ReplaceAll(got, " \n", "\n") != want {
				t.Errorf("read %d bytes, %v; want %d bytes", len(got), err, len(want))
			}
		})
	}
}

// TestMergesAlongsideStopsOtherReadings: once one reading is found late,
// the others stop at their next row, since what they read will be
// dropped.
func TestMergesAlongsideStopsOtherReadings(t *testing.T) {
	for _, tt := range alongsideSheets() {
		if tt.name != "a title merged over row 1" {
			continue
		}
		wb, err := Open(zipParts(t, testParts(tt.sheet)), tt.lim)
		if err != nil {
			t.Fatal(err)
		}
		wb.alongsideMin = 0
		wb.holdPasses = make(chan struct{})
		wb.ReadMergesAlongside()
		if _, err := readAnswering(wb, 2, true); err != nil {
			t.Fatal(err)
		}
		wb.passes.Wait()
		rows, err := wb.Rows("Sheet1") // its merged cells known: not ahead of them
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if rows.Next() || !errors.Is(rows.Err(), ErrMergesLate) {
			t.Errorf("the second reading read row %d, error %v", rows.RowNum(), rows.Err())
		}
		if !wb.MergesLate() {
			t.Error("not late")
		}
		return
	}
	t.Fatal("no such sheet")
}

// TestMergesAlongsideOneAtATime opens every sheet of a workbook of many,
// as the kind's detection does: their quick passes run one at a time,
// so memory does not grow with the number of sheets.
func TestMergesAlongsideOneAtATime(t *testing.T) {
	const sheets = 6
	parts := testParts("")
	var list, rels strings.Builder
	for i := 1; i <= sheets; i++ {
		fmt.Fprintf(&list, `<sheet name="S%d" sheetId="%d" r:id="rId%d"/>`, i, i, 10+i)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/s%d.xml"/>`, 10+i, i)
		parts[fmt.Sprintf("xl/worksheets/s%d.xml", i)] = sheetHead + `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>` +
			`</sheetData><mergeCells><mergeCell ref="B2:C2"/></mergeCells></worksheet>`
	}
	parts["xl/workbook.xml"] = strings.Replace(testWorkbook, `<sheet name="Sheet1" sheetId="1" r:id="rId1"/>`, list.String(), 1)
	parts["xl/_rels/workbook.xml.rels"] = strings.Replace(testWorkbookRels, `</Relationships>`, rels.String()+`</Relationships>`, 1)
	wb, err := Open(zipParts(t, parts), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	wb.alongsideMin = 0
	wb.holdPasses = make(chan struct{})
	wb.ReadMergesAlongside()
	for i := 1; i <= sheets; i++ {
		rows, err := wb.Rows(fmt.Sprintf("S%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() || rows.RowNum() != 1 {
			t.Fatalf("S%d: %v", i, rows.Err())
		}
		rows.Close()
	}
	close(wb.holdPasses) // all six start together
	if wb.MergesLate() {
		t.Error("late, though every range starts below the rows read")
	}
	if n := wb.mostPassesAtOnce.Load(); n != 1 {
		t.Errorf("%d quick passes ran at once", n)
	}
}

// FuzzMergesAlongside reads arbitrary sheet XML with its merged cells
// alongside, the quick pass answering after a given number of rows (or
// when the reading must wait for it), read ahead or not, to the end or
// closed there: either the reading equals the one that knew the merged
// cells first (its first rows, when closed early), or the workbook says
// it was late and reading it again after ReadMergesFirst gives that
// reading exactly.
func FuzzMergesAlongside(f *testing.F) {
	for _, s := range alongsideSheets() {
		for _, k := range []uint8{0, 1, 3, 5} {
			f.Add([]byte(s.sheet), k, k%2 == 1, k > 2)
		}
	}
	f.Add([]byte(sheetHead+`<row r="1"><c r="A1"><v>1</v></c></row>`+sheetTail), uint8(9), false, false)
	f.Add([]byte(sheetHead+`<row r="2"><c r="B2"><v>1</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B3"/><mergeCell ref="B1:C1"/></mergeCells></worksheet>`), uint8(1), false, true)
	f.Fuzz(func(t *testing.T, sheet []byte, answerAfter uint8, closeEarly, ahead bool) {
		lim := Limits{MaxCellBytes: 1000, MaxMergedRanges: 100, MaxMergedCells: 10000}
		parts := testParts(string(sheet))
		ref, err := Open(zipParts(t, parts), lim)
		if err != nil {
			t.Skip() // only the sheet varies, and it is not read by Open
		}
		wantOut, wantErr := readSheet(ref, "Sheet1")

		wb, err := Open(zipParts(t, parts), lim)
		if err != nil {
			t.Fatal(err)
		}
		wb.alongsideMin = 0
		hold := make(chan struct{})
		release := sync.OnceFunc(func() { close(hold) })
		wb.holdPasses, wb.releaseOnAwait = hold, release
		wb.ReadMergesAlongside()
		var out strings.Builder
		read := 0
		rows, err := wb.Rows("Sheet1")
		if err == nil {
			if ahead {
				rows.ReadAhead()
			}
			for {
				if read == int(answerAfter) {
					release()
					if closeEarly {
						break
					}
				}
				if !rows.Next() {
					break
				}
				for i, c := range rows.Cells() {
					if i > 0 {
						out.WriteByte(' ')
					}
					out.WriteString(renderCell(c, rows.RowNum()))
				}
				out.WriteByte('\n')
				read++
			}
			rows.Close()
			err = rows.Err()
		}
		release()
		late := wb.MergesLate()
		switch {
		case !late && closeEarly && read == int(answerAfter):
			if want := firstLines(wantOut, read); out.String() != want {
				t.Fatalf("closed after %d rows, not late:\n%q\nwant\n%q", read, out.String(), want)
			}
		case !late:
			if out.String() != wantOut || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("not late:\n%q, %v\nwant\n%q, %v", out.String(), err, wantOut, wantErr)
			}
		default:
			wb.ReadMergesFirst()
			again, err := readSheet(wb, "Sheet1")
			if again != wantOut || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("read again:\n%q, %v\nwant\n%q, %v", again, err, wantOut, wantErr)
			}
			if wb.MergesLate() {
				t.Fatal("late after ReadMergesFirst")
			}
		}
	})
}
