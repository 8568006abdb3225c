package store

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// mergeSeriesReference is how Finish merged before mergeEncoded: old, a series in Series order, with fresh, values of one
// later upload in file order, given: old's values of a metric, area and
// period key that fresh gives are left out, and the rest merged in
// Series order, old before fresh where Series would tie them (as their
// row ids order them). The fresh values are sorted on small keys and the
// two lists merged, rather than the whole sorted again.
func mergeSeriesReference(old, fresh []metrics.Observation, given map[seriesCell]int) []metrics.Observation {
	keys := periodKeys{}
	if given == nil {
		given = cellsOf(fresh, keys)
	}
	type sortKey struct {
		start, end int64
		area       string
		i          int
	}
	order := make([]sortKey, len(fresh))
	for i := range fresh {
		o := &fresh[i]
		order[i] = sortKey{start: o.Period.Start.Unix(), end: o.Period.End.Unix(), area: o.Area, i: i}
	}
	compare := func(a, b sortKey) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.area, b.area), cmp.Compare(a.end, b.end))
	}
	slices.SortStableFunc(order, compare)
	merged := make([]metrics.Observation, 0, len(old)+len(fresh))
	j := 0
	for i := range old {
		o := &old[i]
		if _, ok := given[seriesCell{o.Area, keys.key(o.Period)}]; ok {
			continue
		}
		k := sortKey{start: o.Period.Start.Unix(), end: o.Period.End.Unix(), area: o.Area}
		// Fresh values that sort strictly before this one go first; on a
		// tie the older value does.
		for j < len(order) && compare(order[j], k) < 0 {
			merged = append(merged, fresh[order[j].i])
			j++
		}
		merged = append(merged, *o)
	}
	for ; j < len(order); j++ {
		merged = append(merged, fresh[order[j].i])
	}
	return merged
}

func seriesOrder(a, b metrics.Observation) int {
	return cmp.Or(a.Period.Start.Compare(b.Period.Start), cmp.Compare(a.Area, b.Area), a.Period.End.Compare(b.Period.End))
}

// TestMergeEncodedIsTheMergeEncoded checks that merging on the encoded
// series makes, byte for byte, the current_series row of the merge of
// the decoded values, and counts the values replaced, across random
// series: several kinds of period (some starting on one day and ending
// on different ones, some tied), force-wide areas or none, values of the merging
// upload already in the series, and fresh values that replace some, all
// or none of the old ones.
func TestMergeEncodedIsTheMergeEncoded(t *testing.T) {
	const upload = 9
	areas := []string{"Force", "North", "South", "West", "Aberdeen"}
	local := areas[1:]
	var periods []metrics.Period
	for y := 2019; y <= 2021; y++ {
		for m := time.January; m <= time.December; m++ {
			periods = append(periods, metrics.MonthOf(y, m))
		}
		// A year ending in March spans the financial year before it: two
		// periods that Series ties, of which the older value goes first.
		periods = append(periods, metrics.QuarterOf(y, 2), metrics.FinancialYearOf(y), metrics.CalendarYearOf(y), metrics.YearEndingOf(y+1, time.March))
	}
	at := time.Date(2022, 5, 1, 9, 30, 0, 123000, time.UTC)
	source := func(rng *rand.Rand, up int64) metrics.Source {
		return metrics.Source{UploadID: up, File: fmt.Sprintf("file %d.xlsx", up), UploadedAt: at.Add(time.Duration(up) * time.Hour),
			Sheet: []string{"Data", "Other"}[rng.IntN(2)], Cell: fmt.Sprintf("%c%d", 'A'+rng.IntN(5), 1+rng.IntN(900))}
	}
	series := func(rng *rand.Rand, areas []string, n int, up func() int64) []metrics.Observation {
		seen := map[string]bool{}
		var out []metrics.Observation
		for range n {
			p, a := periods[rng.IntN(len(periods))], areas[rng.IntN(len(areas))]
			if seen[a+p.Key()] {
				continue
			}
			seen[a+p.Key()] = true
			out = append(out, metrics.Observation{MetricID: "m", Area: a, Period: p,
				Value: float64(rng.IntN(1000)) / 10, Source: source(rng, up())})
		}
		return out
	}
	for seed := range uint64(400) {
		rng := rand.New(rand.NewPCG(seed, 7))
		oldAreas, freshAreas := areas, areas
		if seed%5 == 1 {
			oldAreas, freshAreas = local, local
		}
		if seed%7 == 2 {
			freshAreas = areas[:1]
		}
		var old []metrics.Observation
		if seed%11 != 3 {
			old = series(rng, oldAreas, rng.IntN(120), func() int64 { return []int64{1, 2, 3, upload}[rng.IntN(4)] })
		}
		slices.SortStableFunc(old, seriesOrder)
		fresh := series(rng, freshAreas, rng.IntN(60), func() int64 { return upload })
		if seed%13 == 4 {
			// Every old value given again.
			fresh = nil
			for _, o := range old {
				o.Value++
				o.Source = source(rng, upload)
				fresh = append(fresh, o)
			}
			rng.Shuffle(len(fresh), func(i, j int) { fresh[i], fresh[j] = fresh[j], fresh[i] })
		}
		// As Finish has them: decoded from the blocks, whole days.
		fresh, err := decodeSeries(encodeSeries(fresh))
		if err != nil {
			t.Fatal(err)
		}
		var blob []byte
		if old != nil {
			blob = encodeSeries(old)
		}
		decoded, err := decodeSeries(blob)
		if blob == nil {
			decoded, err = nil, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		given := cellsOf(fresh, periodKeys{})
		merged := mergeSeriesReference(decoded, fresh, given)
		want := prepareCurrent(merged)
		own := 0
		for _, o := range old {
			if o.Source.UploadID == upload {
				own++
			}
		}
		got, err := mergeEncoded(blob, fresh, given, upload)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !reflect.DeepEqual(got.row, want) {
			t.Fatalf("seed %d: %d old values, %d fresh:\n got %+v\nwant %+v", seed, len(old), len(fresh), got.row, want)
		}
		if got.old != len(old) || got.own != own {
			t.Fatalf("seed %d: counted %d old values, %d of the upload; want %d and %d", seed, got.old, got.own, len(old), own)
		}
	}
}

func TestMergeEncodedRefusesACorruptSeries(t *testing.T) {
	blob := encodeSeries([]metrics.Observation{{MetricID: "m", Area: "Force", Period: metrics.MonthOf(2021, 4), Value: 1,
		Source: metrics.Source{UploadID: 1, File: "f.xlsx", Sheet: "Data", Cell: "D2"}}})
	for _, bad := range [][]byte{{0xff}, blob[:len(blob)-3], append(slices.Clone(blob), 0)} {
		if _, err := mergeEncoded(bad, nil, nil, 2); err == nil {
			t.Errorf("merging %x: no error", bad)
		}
	}
}

// TestReservedHeaderEncodesAsEncodeSeries checks that an encoder with
// room reserved for its header encodes as encodeSeries does, whether the
// header fits the room or not.
func TestReservedHeaderEncodesAsEncodeSeries(t *testing.T) {
	var obs []metrics.Observation
	for i := range 40 {
		obs = append(obs, metrics.Observation{MetricID: "m", Area: fmt.Sprintf("Area %d", i%7), Period: metrics.MonthOf(2020, time.Month(1+i%12)),
			Value: float64(i), Source: metrics.Source{UploadID: int64(1 + i%3), File: fmt.Sprintf("f%d.xlsx", i%3), Sheet: "Data", Cell: fmt.Sprintf("D%d", i+2)}})
	}
	want := encodeSeries(obs)
	for _, header := range []int{0, 1, 20, 100, 1000} {
		e := newSeriesEncoder()
		e.reserve(header, 10)
		for i := range obs {
			e.add(&obs[i])
		}
		if got := e.bytes(); !slices.Equal(got, want) {
			t.Errorf("with %d bytes reserved: %x, want %x", header, got, want)
		}
	}
}

// TestBlocksDecodeAsEachInTurn checks that a measure's blocks decode
// into the values of each block in turn, whatever their number and sizes
// (none, empty ones, one, many), and that a corrupt block anywhere is an
// error rather than a short series.
func TestBlocksDecodeAsEachInTurn(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 12))
	block := func(n, at int) []metrics.Observation {
		var obs []metrics.Observation
		for i := range n {
			obs = append(obs, metrics.Observation{MetricID: "m", Area: fmt.Sprintf("Area %d", rng.IntN(5)), Period: metrics.MonthOf(2019+rng.IntN(3), time.Month(1+rng.IntN(12))),
				Value: rng.NormFloat64(), Source: metrics.Source{UploadID: 7, File: "f.xlsx", Sheet: "Data", Cell: fmt.Sprintf("D%d", at+i+2)}})
		}
		return obs
	}
	for _, sizes := range [][]int{{}, {0}, {1}, {3, 0, 5}, {40, 1, 17, 200}} {
		var bodies [][]byte
		var want []metrics.Observation
		at := 0
		for _, n := range sizes {
			obs := block(n, at)
			at += n
			bodies = append(bodies, encodeSeries(obs))
			decoded, err := decodeSeries(bodies[len(bodies)-1])
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, decoded...)
		}
		got, err := decodeSeriesBlocks(bodies)
		if err != nil {
			t.Fatalf("blocks of %v: %v", sizes, err)
		}
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Errorf("blocks of %v decode to %d values, want %d, or differ", sizes, len(got), len(want))
		}
		for i := range bodies {
			bad := slices.Clone(bodies)
			bad[i] = bad[i][:len(bad[i])-1]
			if _, err := decodeSeriesBlocks(bad); err == nil {
				t.Errorf("blocks of %v with block %d cut short: no error", sizes, i)
			}
		}
	}
}
