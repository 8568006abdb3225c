package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// A series is stored whole as one value (current_series.series and
// .latest): the dashboard reads a measure's series whole, and decoding
// one block is many times cheaper than scanning its values as rows. The
// encoding keeps every observation with its full source (upload, file,
// upload time, sheet, cell), in the order it was given.
//
//	version byte (1)
//	strings: uvarint count, then each as uvarint length and bytes
//	uploads: uvarint count, then each as uvarint id, uvarint file (a
//	         string's index), varint upload time in Unix microseconds
//	values:  uvarint count, then each as uvarint metric, area, kind
//	         (strings' indexes), varint start and end (days since
//	         1970-01-01), 8 bytes of the float64 (little-endian), uvarint
//	         upload (an upload's index), uvarint sheet (a string's
//	         index), the cell as uvarint length and bytes
//
// Dates are whole days in UTC, as stored everywhere else (dateLayout).
const seriesCodecVersion = 1

const secondsPerDay = 86400

// encodeSeries encodes obs in their order.
func encodeSeries(obs []metrics.Observation) []byte {
	e := newSeriesEncoder()
	for i := range obs {
		e.add(&obs[i])
	}
	return e.bytes()
}

// seriesEncoder encodes a series value by value, so that an ingest can
// keep what it stores of each measure compactly until its Finish.
type seriesEncoder struct {
	strIdx map[string]uint64
	strs   []string
	upIdx  map[int64]uint64
	ups    []encodedUpload
	body   []byte
	n      int
	// nonFinite counts values that are NaN or infinite, which the store
	// never writes (see writeBlocks): a second line behind
	// AddObservations' checks, as a CHECK on a column would be.
	nonFinite int
	// gap is how many bytes reserve left at the front of body for the
	// header.
	gap int
}

type encodedUpload struct {
	id   int64
	file uint64
	at   int64
}

func newSeriesEncoder() *seriesEncoder {
	return &seriesEncoder{strIdx: map[string]uint64{}, upIdx: map[int64]uint64{}}
}

func (e *seriesEncoder) str(s string) uint64 {
	if i, ok := e.strIdx[s]; ok {
		return i
	}
	i := uint64(len(e.strs))
	e.strIdx[s] = i
	e.strs = append(e.strs, s)
	return i
}

// add appends o.
func (e *seriesEncoder) add(o *metrics.Observation) {
	u, ok := e.upIdx[o.Source.UploadID]
	if !ok {
		u = uint64(len(e.ups))
		e.upIdx[o.Source.UploadID] = u
		e.ups = append(e.ups, encodedUpload{id: o.Source.UploadID, file: e.str(o.Source.File), at: o.Source.UploadedAt.UnixMicro()})
	}
	b := e.body
	b = binary.AppendUvarint(b, e.str(o.MetricID))
	b = binary.AppendUvarint(b, e.str(o.Area))
	b = binary.AppendUvarint(b, e.str(string(o.Period.Kind)))
	b = binary.AppendVarint(b, days(o.Period.Start))
	b = binary.AppendVarint(b, days(o.Period.End))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(o.Value))
	if math.IsNaN(o.Value) || math.IsInf(o.Value, 0) {
		e.nonFinite++
	}
	b = binary.AppendUvarint(b, u)
	b = binary.AppendUvarint(b, e.str(o.Source.Sheet))
	// A cell's address is its own: written in place, not shared.
	b = binary.AppendUvarint(b, uint64(len(o.Source.Cell)))
	b = append(b, o.Source.Cell...)
	e.body = b
	e.n++
}

// reserve makes room for a header of up to header bytes and a body of
// body bytes: bytes then writes the header in front of the body, when it
// fits, rather than copying the body after it, and the encoding shares
// the encoder's buffer (add nothing after calling bytes).
func (e *seriesEncoder) reserve(header, body int) {
	e.body = make([]byte, header, header+body)
	e.gap = header
}

// bytes is the encoding of the values added so far.
func (e *seriesEncoder) bytes() []byte {
	body := e.body[e.gap:]
	hint := len(e.strs)*8 + len(e.ups)*16 + 16
	if e.gap == 0 {
		return append(e.header(make([]byte, 0, hint+len(body))), body...)
	}
	h := e.header(make([]byte, 0, hint))
	if len(h) > e.gap {
		return append(e.header(make([]byte, 0, len(h)+len(body))), body...)
	}
	start := e.gap - len(h)
	copy(e.body[start:], h)
	return e.body[start:]
}

// header appends the version, strings, uploads and count to out.
func (e *seriesEncoder) header(out []byte) []byte {
	out = append(out, seriesCodecVersion)
	out = binary.AppendUvarint(out, uint64(len(e.strs)))
	for _, s := range e.strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	out = binary.AppendUvarint(out, uint64(len(e.ups)))
	for _, u := range e.ups {
		out = binary.AppendUvarint(out, uint64(u.id))
		out = binary.AppendUvarint(out, u.file)
		out = binary.AppendVarint(out, u.at)
	}
	return binary.AppendUvarint(out, uint64(e.n))
}

// days is t's day, counted from 1970-01-01 (negative before it).
func days(t time.Time) int64 {
	s := t.Unix()
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d--
	}
	return d
}

func fromDays(d int64) time.Time { return time.Unix(d*secondsPerDay, 0).UTC() }

var errCorruptSeries = errors.New("stored series is corrupt")

// seriesReader reads an encoded series.
type seriesReader struct {
	b   []byte
	err error
}

func (r *seriesReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorruptSeries
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *seriesReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errCorruptSeries
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *seriesReader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if uint64(len(r.b)) < n {
		r.err = errCorruptSeries
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// index reads a string's or an upload's index, checked against count.
func (r *seriesReader) index(count int) int {
	i := r.uvarint()
	if r.err == nil && i >= uint64(count) {
		r.err = errCorruptSeries
	}
	if r.err != nil {
		return 0
	}
	return int(i)
}

// decodeSeries decodes what encodeSeries made, in its order. The strings
// of all values are shared, as are their sources' file names and times.
func decodeSeries(b []byte) ([]metrics.Observation, error) {
	return decodeSeriesBlocks([][]byte{b})
}

// decodeSeriesBlocks decodes each of bodies in turn into one slice,
// sized from their headers before any value is decoded: a measure's
// upload comes in many blocks, and growing the slice block by block
// allocated more than the values themselves.
func decodeSeriesBlocks(bodies [][]byte) ([]metrics.Observation, error) {
	views := make([]*seriesView, len(bodies))
	n := 0
	for i, b := range bodies {
		v, err := parseSeries(b)
		if err != nil {
			return nil, err
		}
		v.whole = true
		views[i] = v
		n += v.n
	}
	obs := make([]metrics.Observation, 0, n)
	for _, v := range views {
		if err := v.each(func(r *rawValue) bool {
			obs = append(obs, v.observation(r))
			return true
		}); err != nil {
			return nil, err
		}
	}
	return obs, nil
}

// seriesView is an encoded series whose strings and uploads are read and
// whose values are not: a reader that wants some of the values (one
// area's, one period's) walks them with each and turns only those into
// observations, which is most of decoding's cost.
type seriesView struct {
	strs []string
	ups  []metrics.Source
	n    int
	body []byte
	// whole is set by a reader that decodes every value: each value's
	// cell is then a slice of text, body as one string made once, rather
	// than a string of its own, which saves an allocation per value. A
	// reader that keeps a few values copies their cells instead, so that
	// they do not hold the whole body.
	whole bool
	text  string
}

// rawValue is one encoded value, its strings and upload as indexes into
// its seriesView's.
type rawValue struct {
	metric, area, kind, sheet, upload int
	start, end                        int64 // days since 1970-01-01
	value                             float64
	cell                              []byte // valid only during the call
	at                                int    // where it starts in the values' bytes
}

// parseSeries reads the strings and uploads of an encoded series.
func parseSeries(b []byte) (*seriesView, error) {
	if len(b) == 0 || b[0] != seriesCodecVersion {
		return nil, fmt.Errorf("%w: unknown version", errCorruptSeries)
	}
	r := &seriesReader{b: b[1:]}
	ns := r.uvarint()
	if ns > uint64(len(r.b)) {
		return nil, errCorruptSeries
	}
	strs := make([]string, ns)
	for i := range strs {
		strs[i] = string(r.bytes(r.uvarint()))
	}
	nu := r.uvarint()
	if nu > uint64(len(r.b)) {
		return nil, errCorruptSeries
	}
	ups := make([]metrics.Source, nu)
	for i := range ups {
		id := r.uvarint()
		file := r.index(len(strs))
		at := r.varint()
		if r.err != nil {
			return nil, r.err
		}
		ups[i] = metrics.Source{UploadID: int64(id), File: strs[file], UploadedAt: time.UnixMicro(at).UTC()}
	}
	n := r.uvarint()
	// Each value takes at least 16 bytes: a count larger than the rest
	// of the bytes allow is corrupt, not a reason to allocate.
	if r.err != nil || n > uint64(len(r.b))/16 {
		return nil, errCorruptSeries
	}
	return &seriesView{strs: strs, ups: ups, n: int(n), body: r.b}, nil
}

// each calls fn with every value in order until fn returns false. A
// corrupt value ends the walk with errCorruptSeries, as do bytes left
// over after the last value of a complete walk.
func (v *seriesView) each(fn func(*rawValue) bool) error {
	r := &seriesReader{b: v.body}
	var x rawValue
	for range v.n {
		x.at = len(v.body) - len(r.b)
		if err := v.read(r, &x); err != nil {
			return err
		}
		if !fn(&x) {
			return nil
		}
	}
	if len(r.b) != 0 {
		return fmt.Errorf("%w: %d bytes left over", errCorruptSeries, len(r.b))
	}
	return nil
}

// read reads one value from r into x.
func (v *seriesView) read(r *seriesReader, x *rawValue) error {
	x.metric = r.index(len(v.strs))
	x.area = r.index(len(v.strs))
	x.kind = r.index(len(v.strs))
	x.start = r.varint()
	x.end = r.varint()
	raw := r.bytes(8)
	x.upload = r.index(len(v.ups))
	x.sheet = r.index(len(v.strs))
	x.cell = r.bytes(r.uvarint())
	if r.err != nil {
		return r.err
	}
	x.value = math.Float64frombits(binary.LittleEndian.Uint64(raw))
	return nil
}

// valueAt reads the value that starts at byte at of v.body, as each
// gave it in rawValue.at.
func (v *seriesView) valueAt(at int) (rawValue, error) {
	var x rawValue
	if at < 0 || at >= len(v.body) {
		return x, errCorruptSeries
	}
	x.at = at
	err := v.read(&seriesReader{b: v.body[at:]}, &x)
	return x, err
}

// observation is the value x as an observation.
func (v *seriesView) observation(x *rawValue) metrics.Observation {
	src := v.ups[x.upload]
	src.Sheet, src.Cell = v.strs[x.sheet], v.cellText(x.cell)
	return metrics.Observation{
		MetricID: v.strs[x.metric],
		Area:     v.strs[x.area],
		Period:   metrics.Period{Kind: metrics.PeriodKind(v.strs[x.kind]), Start: v.date(x.start), End: v.date(x.end)},
		Value:    x.value,
		Source:   src,
	}
}

// cellText is cell, a slice of v.body, as the same bytes of v.text.
func (v *seriesView) cellText(cell []byte) string {
	if !v.whole || len(cell) == 0 {
		return string(cell)
	}
	if v.text == "" {
		v.text = string(v.body)
	}
	off := cap(v.body) - cap(cell)
	return v.text[off : off+len(cell)]
}

// date is a day as a time, made once per day per series.
func (v *seriesView) date(d int64) time.Time { return fromDays(d) }
