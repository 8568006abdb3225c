package xlsx

import (
	"io"
	"runtime"
	"sync"
)

// Reading ahead.
//
// A large sheet is read in three steps that each take a core's time:
// inflating the part, scanning its XML into rows, and what the caller
// does with each row. Done one after the other, a 2-core machine leaves
// one core idle. A large part is therefore inflated by a goroutine of its
// own a few chunks ahead of the scanner (readAhead), and a caller may ask
// Rows to scan ahead of it too (Rows.ReadAhead), so that the three steps
// overlap. Both hold a fixed number of buffers, so memory stays bounded
// however long the sheet. A panic in either goroutine is raised again in
// the reader's, where it would have happened without them, so a server
// that recovers from a panic in a request still does.

// readAheadMinBytes is the declared size from which a part is inflated
// ahead: below it the part is read before a goroutine would pay.
const readAheadMinBytes = 1 << 20

// readAheadChunk is the size of each inflated chunk, and readAheadChunks
// how many exist: one being read, the others filled ahead.
const (
	readAheadChunk  = 256 << 10
	readAheadChunks = 3
)

// readAhead reads src in a goroutine of its own into a few chunks ahead
// of its reader. Errors reach the reader in order, after the bytes read
// before them. Close stops the goroutine and waits for it before closing
// src, so src is never read after Close.
type readAhead struct {
	src  io.ReadCloser
	full chan aheadChunk
	free chan []byte
	quit chan struct{}
	done chan struct{}

	cur    []byte // unread bytes of the chunk being read
	curBuf []byte // that chunk's buffer, returned to free when used up
	err    error  // the error after cur, once cur is used up
	closed bool
}

type aheadChunk struct {
	b     []byte
	err   error
	panic any // a panic in the goroutine, raised again by Read
}

func newReadAhead(src io.ReadCloser) *readAhead {
	r := &readAhead{
		src:  src,
		full: make(chan aheadChunk, readAheadChunks),
		free: make(chan []byte, readAheadChunks),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	for range readAheadChunks {
		r.free <- make([]byte, readAheadChunk)
	}
	go r.fill()
	return r
}

// fill inflates into free chunks until src ends or fails, or Close.
func (r *readAhead) fill() {
	defer close(r.done)
	defer func() {
		if p := recover(); p != nil {
			select {
			case r.full <- aheadChunk{err: io.ErrUnexpectedEOF, panic: p}:
			case <-r.quit:
			}
		}
	}()
	for {
		var buf []byte
		select {
		case buf = <-r.free:
		case <-r.quit:
			return
		}
		// Filled by hand, not with io.ReadAtLeast, which would turn a
		// short read into io.ErrUnexpectedEOF: that is what archive/zip
		// and flate say of a part shorter than its header declares or cut
		// short, and it must reach the scanner as they said it.
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var k int
			k, err = r.src.Read(buf[n:])
			n += k
		}
		// Yielding to a server's readers after each chunk's work (see
		// ingest's yieldEvery).
		runtime.Gosched()
		select {
		case r.full <- aheadChunk{b: buf[:n], err: err}:
		case <-r.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

func (r *readAhead) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.closed {
			return 0, io.ErrClosedPipe
		}
		if r.curBuf != nil {
			r.free <- r.curBuf[:cap(r.curBuf)]
			r.curBuf = nil
		}
		c := <-r.full
		if c.panic != nil {
			r.err = c.err
			panic(c.panic)
		}
		r.cur, r.curBuf, r.err = c.b, c.b, c.err
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func (r *readAhead) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	close(r.quit)
	<-r.done
	r.cur = nil
	return r.src.Close()
}

// rowsAheadBatch is how many rows the scanning goroutine hands over at a
// time, and rowsAheadBatches how many batches exist: a few thousand cells
// each, so the hand-over costs little and the memory is bounded.
const (
	rowsAheadBatch   = 256
	rowsAheadBatches = 3
)

// rowBatch is rows scanned ahead: row nums[i] has cells[ends[i-1]:ends[i]].
type rowBatch struct {
	nums  []int
	ends  []int
	cells []Cell
}

// rowsAhead is a Rows scanning in a goroutine of its own (see ReadAhead).
type rowsAhead struct {
	batches chan *rowBatch
	free    chan *rowBatch
	quit    chan struct{}
	done    chan struct{}
	stopped sync.Once

	cur *rowBatch
	i   int
	// rowNum and err are the scanner's when it stopped, and panic what
	// it panicked with; written before batches is closed, read after.
	rowNum int
	err    error
	panic  any
}

// ReadAhead makes r scan the rest of the sheet in a goroutine of its own,
// a few hundred rows ahead of Next, so that scanning and the caller's
// work on each row overlap. Rows reads the same either way: the same
// rows, cells, row numbers and error, at the same calls. Call it before
// Next or between calls; a second call does nothing. Close stops the
// goroutine.
func (r *Rows) ReadAhead() {
	if r.ahead != nil || r.done {
		return
	}
	inner := new(Rows)
	*inner = *r // the reader moves to the goroutine; r only hands out rows
	inner.cells = nil
	a := &rowsAhead{
		batches: make(chan *rowBatch, rowsAheadBatches-1),
		free:    make(chan *rowBatch, rowsAheadBatches),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	for range rowsAheadBatches {
		a.free <- &rowBatch{}
	}
	r.rc = nil
	r.cells = nil
	r.merge = mergeState{} // the goroutine's now, checked when it closes
	r.ahead = a
	go a.scan(inner)
}

// scan reads inner to its end (or until quit) in batches.
func (a *rowsAhead) scan(inner *Rows) {
	defer close(a.done)
	defer close(a.batches)
	defer func() {
		if p := recover(); p != nil {
			a.panic = p
			inner.Close()
		}
	}()
	for {
		var b *rowBatch
		select {
		case b = <-a.free:
		case <-a.quit:
			inner.Close()
			return
		}
		b.nums, b.ends, b.cells = b.nums[:0], b.ends[:0], b.cells[:0]
		more := true
		for len(b.nums) < rowsAheadBatch {
			if more = inner.Next(); !more {
				break
			}
			b.cells = append(b.cells, inner.Cells()...)
			b.nums = append(b.nums, inner.RowNum())
			b.ends = append(b.ends, len(b.cells))
		}
		if !more {
			a.rowNum, a.err = inner.RowNum(), inner.Err()
		}
		runtime.Gosched() // after each batch's work, as fill does
		select {
		case a.batches <- b:
		case <-a.quit:
			inner.Close()
			return
		}
		if !more {
			return
		}
	}
}

// next is Next for a Rows reading ahead.
func (r *Rows) nextAhead() bool {
	a := r.ahead
	for {
		if a.cur != nil && a.i < len(a.cur.nums) {
			start := 0
			if a.i > 0 {
				start = a.cur.ends[a.i-1]
			}
			end := a.cur.ends[a.i]
			r.rowNum, r.cells = a.cur.nums[a.i], a.cur.cells[start:end:end]
			a.i++
			return true
		}
		if a.cur != nil {
			a.free <- a.cur
			a.cur = nil
		}
		b, ok := <-a.batches
		if !ok {
			if a.panic != nil {
				r.done = true
				p := a.panic
				a.panic = nil
				panic(p)
			}
			r.rowNum, r.err = a.rowNum, a.err
			r.cells = nil
			r.done = true
			return false
		}
		a.cur, a.i = b, 0
	}
}

// closeAhead stops the scanning goroutine and waits for it, so the part
// is closed when Close returns.
func (a *rowsAhead) close() {
	a.stopped.Do(func() { close(a.quit) })
	<-a.done
}
