package xlsx

import (
	"errors"
	"sync/atomic"
)

// Reading merged ranges alongside the rows.
//
// The quick pass (merge.go) decompresses a sheet's whole part before its
// first row can be read, because the file lists the merged ranges after
// the rows. On a large sheet that is a sixth of the reading, with one core
// idle. A workbook told to ReadMergesAlongside runs a large sheet's quick
// pass in a goroutine instead, and the main pass reads the rows as if no
// range were merged until the quick pass answers, at a row boundary:
//
//   - no range, or every range below the rows read so far: the answer is
//     adopted and the rest is read exactly as it would have been;
//   - a range over a row already read, or a failed quick pass: that row
//     was read wrong. The reading fails with ErrMergesLate and the
//     workbook remembers it.
//
// A reading closed before the answer came (the kind's detection reads a
// few rows) is checked against it later, in MergesLate. A caller that
// reads alongside must ask MergesLate before it trusts or stores anything
// read, and when it says so read the workbook again after
// ReadMergesFirst: the second reading knows every sheet's ranges (or the
// error that makes it unreadable) before its first row, as without
// ReadMergesAlongside. Large data extracts rarely merge cells, and are
// read once; a large sheet with a merged title costs at most its quick
// pass again.

// ErrMergesLate marks a reading that went ahead of its sheet's merged
// ranges (see ReadMergesAlongside): read the workbook again.
var ErrMergesLate = errors.New("xlsx: merged cells learnt after their rows were read")

// quickPass is one sheet's quick pass. list and err are written before
// done is closed and ready set; ready is cheap enough to poll per row.
type quickPass struct {
	done  chan struct{}
	ready atomic.Bool
	list  sheetMergeList
	err   error
}

// uncheckedRead is a reading closed before its quick pass answered, and
// the last row it read.
type uncheckedRead struct {
	pass *quickPass
	row  int
}

// ReadMergesAlongside makes the workbook read each large sheet's merged
// ranges in a goroutine beside its rows rather than before them. Call
// MergesLate once the readings are closed, and before using what they
// read.
func (w *Workbook) ReadMergesAlongside() { w.alongside.Store(true) }

// ReadMergesFirst undoes ReadMergesAlongside, for a second reading of a
// workbook whose MergesLate was true: it waits for the quick passes still
// running, and from then on every sheet's ranges are known before its
// first row, so the second reading cannot be late.
func (w *Workbook) ReadMergesFirst() {
	w.alongside.Store(false)
	w.passes.Wait()
	w.mergesMu.Lock()
	w.unchecked = nil
	w.mergesMu.Unlock()
	w.late.Store(false)
}

// MergesLate waits for the quick passes running alongside and reports
// whether any reading of the workbook read a row before learning of a
// merged range over it, or of an error in its merged ranges: what was
// read must then be dropped and the workbook read again, after
// ReadMergesFirst. Call it once the readings are closed.
func (w *Workbook) MergesLate() bool {
	w.passes.Wait() // each checked the readings that closed before it answered
	return w.late.Load()
}

// spoils reports whether the finished pass p changes what was read of
// rows 1 to row without it: a range starting there (the ranges are sorted
// by their top row), or an error the reading never reported.
func (p *quickPass) spoils(row int) bool {
	return p.err != nil || (len(p.list.ranges) > 0 && p.list.ranges[0].Top <= row)
}

// mergePass returns the sheet's quick pass, starting it if none has: in a
// goroutine when alongside, else here, done when mergePass returns.
func (w *Workbook) mergePass(sheet Sheet, alongside bool) *quickPass {
	w.mergesMu.Lock()
	p, ok := w.merges[sheet.Part]
	if !ok {
		p = &quickPass{done: make(chan struct{})}
		if w.merges == nil {
			w.merges = map[string]*quickPass{}
		}
		w.merges[sheet.Part] = p
		if alongside {
			w.passes.Add(1)
		}
	}
	w.mergesMu.Unlock()
	switch {
	case ok:
	case alongside:
		hold := w.holdPasses
		go func() {
			defer w.passes.Done()
			if hold != nil {
				<-hold
			}
			// One at a time: the kind's detection opens every sheet, and
			// a workbook of many large sheets must not inflate them all
			// at once (each pass holds about 0.6 MB).
			w.passSlot <- struct{}{}
			defer func() { <-w.passSlot }()
			if n := w.passesAtOnce.Add(1); n > w.mostPassesAtOnce.Load() {
				w.mostPassesAtOnce.Store(n)
			}
			defer w.passesAtOnce.Add(-1)
			p.run(w, sheet)
		}()
	default:
		p.run(w, sheet)
	}
	return p
}

// run reads the sheet's merged ranges into p. A panic (a fault in this
// package) becomes the pass's error: in a goroutine, it would otherwise
// end the server.
func (p *quickPass) run(w *Workbook, sheet Sheet) {
	defer func() {
		if v := recover(); v != nil {
			p.list, p.err = sheetMergeList{}, errorf(ErrMalformed, "sheet %q: its merged cells could not be read: %v", sheet.Name, v)
		}
		// The readings that closed before this answer are checked now,
		// so that the others stop as soon as one of them was late.
		w.mergesMu.Lock()
		p.ready.Store(true)
		kept := w.unchecked[:0]
		for _, u := range w.unchecked {
			switch {
			case u.pass != p:
				kept = append(kept, u)
			case p.spoils(u.row):
				w.late.Store(true)
			}
		}
		w.unchecked = kept
		w.mergesMu.Unlock()
		close(p.done)
	}()
	ranges, refs, err := w.sheetMerges(sheet)
	p.list, p.err = sheetMergeList{ranges: ranges, refs: refs}, err
}

// startMerges sets up r's merged ranges: known before the first row, or,
// for a large sheet of a workbook reading alongside, a quick pass to
// adopt when it answers.
func (w *Workbook) startMerges(r *Rows, sh Sheet, size uint64) error {
	if w.alongside.Load() && size >= w.alongsideMin {
		p := w.mergePass(sh, true)
		if !p.ready.Load() {
			r.merge = mergeState{pass: p}
			return nil
		}
	}
	ranges, refs, err := w.knownMerges(sh)
	if err != nil {
		return err
	}
	r.merge = mergeState{known: true, ranges: ranges, refs: refs}
	return nil
}

// adopt takes the quick pass's answer into a reading that went ahead of
// it, before row r.prevRow+1 is read. It fails the reading, and marks the
// workbook late, when the answer would have changed a row already read.
func (r *Rows) adopt() bool {
	p := r.merge.pass
	r.merge.pass = nil
	if p.spoils(r.prevRow) {
		r.wb.late.Store(true)
		if p.err != nil {
			r.fail(ErrMergesLate, "its merged cells could not be read after row %d was: %v", r.prevRow, p.err)
		} else {
			r.fail(ErrMergesLate, "merged cell %s covers row %d, read before the sheet's merged cells were known: read the workbook again", p.list.ranges[0], p.list.ranges[0].Top)
		}
		return false
	}
	r.merge = mergeState{known: true, ranges: p.list.ranges, refs: p.list.refs}
	return true
}

// adoptIfReady, before each row, ends the reading if the workbook was
// found late, and adopts the quick pass's answer if it has come.
func (r *Rows) adoptIfReady() bool {
	if !r.stopIfLate() {
		return false
	}
	if r.merge.pass == nil || !r.merge.pass.ready.Load() {
		return true
	}
	return r.adopt()
}

// awaitMerges waits for the quick pass's answer, at the end of the rows,
// and adopts it: the merged cells after <sheetData> are then checked
// against it as usual.
func (r *Rows) awaitMerges() bool {
	if r.merge.pass == nil {
		return true
	}
	if r.wb.releaseOnAwait != nil {
		r.wb.releaseOnAwait()
	}
	<-r.merge.pass.done
	return r.adopt()
}

// leaveUnchecked records, as a reading closes before its quick pass
// answered, how far it read, for MergesLate to check.
func (r *Rows) leaveUnchecked() {
	p := r.merge.pass
	if p == nil {
		return
	}
	r.merge.pass = nil
	w := r.wb
	w.mergesMu.Lock()
	defer w.mergesMu.Unlock()
	if !p.ready.Load() {
		w.unchecked = append(w.unchecked, uncheckedRead{pass: p, row: r.prevRow})
	} else if p.spoils(r.prevRow) {
		w.late.Store(true)
	}
}

// stopIfLate ends a reading once another reading of the workbook was
// found late: what is read will be dropped, so reading on is wasted.
func (r *Rows) stopIfLate() bool {
	if r.wb == nil || !r.wb.late.Load() {
		return true
	}
	r.fail(ErrMergesLate, "another sheet was read before its merged cells were known: read the workbook again")
	return false
}
