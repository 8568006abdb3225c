package dashboard

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// A kept page is held compressed and sent as it is held. Its body is cut
// at each CSRF hole into parts, and each part is compressed as raw
// DEFLATE on its own, ending with a sync flush: the flush leaves the
// stream byte-aligned after a non-final block, and a part's compressor
// never refers back before the part's own start, so the parts' streams
// can follow one another in any one stream. A request that accepts gzip
// gets a gzip member written around them (gzipMember): the layout's
// head, the reader's token between the parts and the layout's tail go in
// as DEFLATE stored blocks, and the member's CRC-32 is combined from the
// parts' own (see crc32combine.go). Nothing is inflated or compressed
// again to serve it. A request that does not accept gzip gets the parts
// inflated on the way out: correct, slower, and rare (browsers all
// accept gzip).

// packLevel is the compression of kept parts. Every kept page is
// compressed again when the page version moves (an upload), by the
// request that renders it, so the level is paid on the rebuild's path.
// On the load test's pages level 2 was as fast as BestSpeed (about 1 ms
// for a 570 KB metric page, as they were with every figure's source,
// 500 MB/s) and a little smaller (49 KB); the
// default level kept 40 KB but took 4 ms, 3.4 times as long; level 4
// already took 1.5 times as long for 6% less (BenchmarkPackLevels).
const packLevel = 2

// deflaters are flate.Writers at packLevel, reused: each allocates about
// a megabyte of tables.
var deflaters = sync.Pool{New: func() any {
	w, err := flate.NewWriter(nil, packLevel)
	if err != nil {
		panic(err) // only for a level out of range
	}
	return w
}}

// inflaters are flate readers, reused for identity answers.
var inflaters sync.Pool

// packedPart is one part of a kept body, compressed on its own.
type packedPart struct {
	deflate []byte // raw DEFLATE, ending with a sync flush; nil when the part is empty
	size    int64  // uncompressed
	crc     uint32 // CRC-32 (IEEE) of the part uncompressed
	// shift pushes a running CRC on by size bytes, so that each request
	// combines the part's CRC with what precedes it in 32 steps.
	shift crc32Shift
}

// packedBody is a kept body's parts, compressed.
type packedBody struct {
	parts []packedPart
	bytes int // compressed, for the cache's budget
}

// pack compresses each part on its own (see above).
func pack(parts [][]byte) (*packedBody, error) {
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	b := &packedBody{parts: make([]packedPart, len(parts))}
	var buf bytes.Buffer
	for i, part := range parts {
		p := &b.parts[i]
		p.size, p.crc, p.shift = int64(len(part)), crc32.ChecksumIEEE(part), crc32ShiftOf(int64(len(part)))
		if len(part) == 0 {
			continue
		}
		buf.Reset()
		w.Reset(&buf)
		if _, err := w.Write(part); err != nil {
			return nil, fmt.Errorf("compress a kept part: %w", err)
		}
		if err := w.Flush(); err != nil {
			return nil, fmt.Errorf("compress a kept part: %w", err)
		}
		// Kept at its size, not the buffer's.
		p.deflate = bytes.Clone(buf.Bytes())
		b.bytes += len(p.deflate)
	}
	return b, nil
}

// size is the body's length uncompressed, with token between each two
// parts.
func (b *packedBody) size(token []byte) int64 {
	n := int64(max(len(b.parts)-1, 0) * len(token))
	for _, p := range b.parts {
		n += p.size
	}
	return n
}

// gzipHeader is a gzip member's header: deflate, no flags, no time,
// no extra flags, an unknown operating system.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// finalBlock is an empty, final stored block: it ends a DEFLATE stream
// that is byte-aligned after a sync flush.
var finalBlock = []byte{0x01, 0x00, 0x00, 0xff, 0xff}

// maxStored is the most a stored block holds.
const maxStored = 0xffff

// storedLen is the length of p written as stored blocks.
func storedLen(p []byte) int64 {
	return int64(len(p)) + 5*int64((len(p)+maxStored-1)/maxStored)
}

// gzipLen is the length of the gzip member gzipMember writes.
func (b *packedBody) gzipLen(head, token, tail []byte) int64 {
	n := int64(len(gzipHeader)) + storedLen(head) + storedLen(tail) + int64(len(finalBlock)) + 8
	n += int64(max(len(b.parts)-1, 0)) * storedLen(token)
	for _, p := range b.parts {
		n += int64(len(p.deflate))
	}
	return n
}

// gzipMember writes head, the parts with token between each two, and
// tail as one gzip member, without compressing anything: the kept parts
// go as they are, head, token and tail as stored blocks.
func (b *packedBody) gzipMember(w io.Writer, head, token, tail []byte) error {
	ew := &stickyWriter{w: w}
	ew.Write(gzipHeader)
	writeStored(ew, head)
	crc := crc32.ChecksumIEEE(head)
	size := int64(len(head))
	for i := range b.parts {
		p := &b.parts[i]
		if i > 0 {
			writeStored(ew, token)
			crc = crc32.Update(crc, crc32.IEEETable, token)
			size += int64(len(token))
		}
		ew.Write(p.deflate)
		crc = p.shift.times(crc) ^ p.crc
		size += p.size
	}
	writeStored(ew, tail)
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	size += int64(len(tail))
	ew.Write(finalBlock)
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(size)) // ISIZE is the size mod 2^32
	ew.Write(trailer[:])
	return ew.err
}

// writeStored writes p as non-final stored blocks: after a sync flush
// the stream is byte-aligned, so a block is its header byte (BFINAL 0,
// BTYPE 00), LEN and its complement NLEN, little-endian, then the bytes.
func writeStored(w io.Writer, p []byte) {
	for len(p) > 0 {
		n := min(len(p), maxStored)
		hdr := [5]byte{0x00, byte(n), byte(n >> 8), ^byte(n), ^byte(n >> 8)}
		w.Write(hdr[:])
		w.Write(p[:n])
		p = p[n:]
	}
}

// identity writes head, the parts inflated with token between each two,
// and tail.
func (b *packedBody) identity(w io.Writer, head, token, tail []byte) error {
	ew := &stickyWriter{w: w}
	ew.Write(head)
	for i, p := range b.parts {
		if i > 0 {
			ew.Write(token)
		}
		if p.size == 0 || ew.err != nil {
			continue
		}
		// A part's stream is not final: the final block ends it here.
		src := io.MultiReader(bytes.NewReader(p.deflate), bytes.NewReader(finalBlock))
		r, _ := inflaters.Get().(io.ReadCloser)
		if r == nil {
			r = flate.NewReader(src)
		} else if err := r.(flate.Resetter).Reset(src, nil); err != nil {
			return fmt.Errorf("inflate a kept part: %w", err)
		}
		n, err := io.Copy(ew, r)
		inflaters.Put(r)
		if err != nil && ew.err == nil {
			return fmt.Errorf("inflate a kept part: %w", err)
		}
		if n != p.size && ew.err == nil {
			return fmt.Errorf("inflate a kept part: %d bytes, want %d", n, p.size)
		}
	}
	ew.Write(tail)
	return ew.err
}

// stickyWriter keeps the first error of its writes, so that a run of
// writes is checked once.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}
