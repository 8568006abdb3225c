package store

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"

	"github.com/assure-pcc/assure/metrics"
)

// Merging a series without decoding it.
//
// Finish merges each metric's values of an upload into its current
// series. Decoding the stored series into observations, merging those
// and encoding the result made three copies of every stored value (184
// bytes each as an observation) for a metric of which the upload may
// give only a few: an allocation profile of the server while the load
// test's upload ran put 378 MB in Finish's workers in three seconds, and
// the collector's work on that is paid by every reader. mergeEncoded
// walks the stored series' encoded values and copies them, as bytes,
// into the new series; only the upload's values and the few of the
// latest period are ever observations.

// mergedRow is a metric's current series merged with an upload's
// values, encoded, with what Finish counts of it.
type mergedRow struct {
	row currentRow
	// old is how many values the stored series held, own how many of
	// them were the upload's own (from an earlier Finish).
	old, own int
}

// mergeEncoded is prepareCurrent(mergeSeries(decodeSeries(old), fresh,
// given)), byte for byte, without decoding old: old's values of an area
// and period key that fresh gives are left out, and the rest merged with
// fresh in Series order, old before fresh where Series would tie them.
// old is an encoded series in Series order, or nil for none; fresh are
// one upload's values of the metric in file order, their periods whole
// days (as decoded from a block); given maps each of their cells to the
// first value giving it. upload is the id of the upload fresh are of.
func mergeEncoded(old []byte, fresh []metrics.Observation, given map[seriesCell]int, upload int64) (mergedRow, error) {
	var v *seriesView
	if len(old) > 0 {
		var err error
		if v, err = parseSeries(old); err != nil {
			return mergedRow{}, err
		}
	}
	if given == nil {
		given = cellsOf(fresh, periodKeys{})
	}
	// The old series' header and values, room for the upload's file and
	// a few new areas and sheets, and the fresh values (at most about 40
	// bytes each).
	header, body := 256, len(fresh)*40
	if v != nil {
		header, body = header+len(old)-len(v.body), body+len(v.body)
	}
	m := newSeriesMerge(v, header, body)
	order := freshOrder(fresh)
	j := 0
	var out mergedRow
	if v != nil {
		out.old = v.n
		keys := rawPeriodKeys{}
		err := v.each(func(x *rawValue) bool {
			if v.ups[x.upload].UploadID == upload {
				out.own++
			}
			area := v.strs[x.area]
			if _, ok := given[seriesCell{area, keys.key(v, x)}]; ok {
				return true
			}
			// Fresh values that sort strictly before this one go first;
			// on a tie the older value does.
			k := mergeKey{start: x.start, area: area, end: x.end}
			for j < len(order) && order[j].compare(k) < 0 {
				m.addFresh(&fresh[order[j].i])
				j++
			}
			m.addRaw(x)
			return true
		})
		if err != nil {
			return mergedRow{}, err
		}
	}
	for ; j < len(order); j++ {
		m.addFresh(&fresh[order[j].i])
	}
	row, err := m.row()
	if err != nil {
		return mergedRow{}, err
	}
	out.row = row
	return out, nil
}

// mergeKey is what orders a value in a series: its period's start, its
// area, its period's end (days since 1970-01-01).
type mergeKey struct {
	start int64
	area  string
	end   int64
	i     int // a fresh value's index
}

func (a mergeKey) compare(b mergeKey) int {
	return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.area, b.area), cmp.Compare(a.end, b.end))
}

// freshOrder is fresh's indexes in Series order, stable.
func freshOrder(fresh []metrics.Observation) []mergeKey {
	order := make([]mergeKey, len(fresh))
	for i := range fresh {
		o := &fresh[i]
		order[i] = mergeKey{start: days(o.Period.Start), area: o.Area, end: days(o.Period.End), i: i}
	}
	slices.SortStableFunc(order, mergeKey.compare)
	return order
}

// rawPeriodKeys gives the keys of a series' periods, each worked out
// once.
type rawPeriodKeys map[rawPeriod]string

type rawPeriod struct {
	kind       int
	start, end int64
}

func (pk rawPeriodKeys) key(v *seriesView, x *rawValue) string {
	rp := rawPeriod{x.kind, x.start, x.end}
	k, ok := pk[rp]
	if !ok {
		k = v.period(x).Key()
		pk[rp] = k
	}
	return k
}

// period is x's period.
func (v *seriesView) period(x *rawValue) metrics.Period {
	return metrics.Period{Kind: metrics.PeriodKind(v.strs[x.kind]), Start: v.date(x.start), End: v.date(x.end)}
}

// seriesMerge encodes a merged series value by value, old values copied
// from their encoding, and keeps what its current_series row needs
// besides: the values of the greatest start (from which the latest
// period is chosen), whether a force-wide area has a value, and the last
// day any period covers.
type seriesMerge struct {
	v *seriesView
	e *seriesEncoder
	// strs and ups are v's strings' and uploads' indexes in e, +1; 0
	// until first used.
	strs, ups []uint64
	// tail is the values of the greatest start so far.
	tail      []mergedValue
	tailStart int64
	forceWide bool
	lastEnd   int64
}

// mergedValue is one value of the tail: a fresh observation, or an old
// value as encoded (its cell a slice of the stored series, which the
// merge holds).
type mergedValue struct {
	fresh *metrics.Observation
	raw   rawValue
}

// newSeriesMerge starts a merge of v's values (nil for none) with
// others, reserving header and body bytes for its encoding.
func newSeriesMerge(v *seriesView, header, body int) *seriesMerge {
	e := newSeriesEncoder()
	e.reserve(header, body)
	m := &seriesMerge{v: v, e: e, lastEnd: math.MinInt64}
	if v != nil {
		m.strs = make([]uint64, len(v.strs))
		m.ups = make([]uint64, len(v.ups))
	}
	return m
}

func (m *seriesMerge) seen(start, end int64, area string) {
	if m.e.n == 0 || start != m.tailStart {
		m.tail = m.tail[:0]
		m.tailStart = start
	}
	m.forceWide = m.forceWide || forceWide[area]
	m.lastEnd = max(m.lastEnd, end)
}

func (m *seriesMerge) addFresh(o *metrics.Observation) {
	m.seen(days(o.Period.Start), days(o.Period.End), o.Area)
	m.tail = append(m.tail, mergedValue{fresh: o})
	m.e.add(o)
}

// addRaw copies an old value as encoded, its strings and upload
// indexed in the new series in the order add would index them, so that
// the bytes are those encodeSeries would make.
func (m *seriesMerge) addRaw(x *rawValue) {
	v, e := m.v, m.e
	m.seen(x.start, x.end, v.strs[x.area])
	m.tail = append(m.tail, mergedValue{raw: *x})
	if m.ups[x.upload] == 0 {
		src := &v.ups[x.upload]
		u, ok := e.upIdx[src.UploadID]
		if !ok {
			u = uint64(len(e.ups))
			e.upIdx[src.UploadID] = u
			e.ups = append(e.ups, encodedUpload{id: src.UploadID, file: e.str(src.File), at: src.UploadedAt.UnixMicro()})
		}
		m.ups[x.upload] = u + 1
	}
	b := e.body
	b = binary.AppendUvarint(b, m.str(x.metric))
	b = binary.AppendUvarint(b, m.str(x.area))
	b = binary.AppendUvarint(b, m.str(x.kind))
	b = binary.AppendVarint(b, x.start)
	b = binary.AppendVarint(b, x.end)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x.value))
	if math.IsNaN(x.value) || math.IsInf(x.value, 0) {
		e.nonFinite++
	}
	b = binary.AppendUvarint(b, m.ups[x.upload]-1)
	b = binary.AppendUvarint(b, m.str(x.sheet))
	b = binary.AppendUvarint(b, uint64(len(x.cell)))
	b = append(b, x.cell...)
	e.body = b
	e.n++
}

// str is v's string i as indexed in the new series.
func (m *seriesMerge) str(i int) uint64 {
	if m.strs[i] == 0 {
		m.strs[i] = m.e.str(m.v.strs[i]) + 1
	}
	return m.strs[i] - 1
}

// row is the merged series' current_series row, as prepareCurrent makes
// it.
func (m *seriesMerge) row() (currentRow, error) {
	if m.e.n == 0 {
		return currentRow{}, nil
	}
	tail := make([]metrics.Observation, len(m.tail))
	for i, t := range m.tail {
		if t.fresh != nil {
			tail[i] = *t.fresh
		} else {
			tail[i] = m.v.observation(&t.raw)
		}
	}
	latest := latestOf(tail)
	p := latest[0].Period
	series := m.e.bytes()
	headline, err := m.headline(series)
	if err != nil {
		return currentRow{}, err
	}
	return currentRow{n: m.e.n, series: series, latest: encodeSeries(latest),
		latestStart: formatDate(p.Start), latestKey: p.Key(), latestUpload: latest[0].Source.UploadID,
		headline: headline, lastEnd: m.lastEnd}, nil
}

// headline is encodeHeadline of the merged series, read from its
// encoding: the values of the force-wide areas and of the greatest
// start, or nil when that is every value (or no force-wide area has
// one).
func (m *seriesMerge) headline(series []byte) ([]byte, error) {
	if !m.forceWide {
		return nil, nil
	}
	v, err := parseSeries(series)
	if err != nil {
		return nil, err
	}
	keep := func(x *rawValue) bool { return forceWide[v.strs[x.area]] || x.start == m.tailStart }
	n := 0
	if err := v.each(func(x *rawValue) bool {
		if keep(x) {
			n++
		}
		return true
	}); err != nil {
		return nil, err
	}
	if n == m.e.n {
		return nil, nil
	}
	h := newSeriesMerge(v, len(series)-len(v.body), len(v.body)*n/m.e.n+64)
	err = v.each(func(x *rawValue) bool {
		if keep(x) {
			h.addRaw(x)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return h.e.bytes(), nil
}
