package ingest

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// storedReader is what an ingest reads of what is already stored: the
// Store itself on a dry run, which writes nothing, or the ingest's
// transaction, which must see what it has written.
type storedReader interface {
	IngestCatalogue(ctx context.Context) (store.IngestCatalogue, error)
	CurrentValues(ctx context.Context, metricID string) (store.StoredSeries, error)
}

// valueSink takes the values a file gives, as they are read: it keeps
// each series' points compactly to find values given twice and to
// compare the file with what is stored (the preview), and on a real
// ingest it streams the values into the transaction in batches.
//
// The values a file gives are written as blocks; a measure's current
// series changes only when the ingest finishes. So compare reads each
// measure's stored series at its own time, one at a time, and a real
// ingest compares with what was stored before it exactly as a dry run
// does: from the series Finish reads (see compare), or, before Finish,
// from the transaction.
type valueSink struct {
	tx   *store.IngestTx // nil on a dry run
	src  storedReader
	file string
	// added counts the values added, to yield every yieldEvery.
	added int

	batch []metrics.Observation
	// writer writes full batches beside the reading, and txMu keeps the
	// transaction to one goroutine at a time (see values_writer.go).
	writer *batchWriter
	txMu   sync.Mutex

	periods   []metrics.Period
	periodIdx map[string]int32
	sheets    []string
	sheetIdx  map[string]int16
	series    map[seriesKey]*seriesData
	order     []seriesKey
	// named holds the measures the file gives values of, and
	// metricOrder lists them in the order the file first gave them.
	named       map[string]struct{}
	metricOrder []string
	values      int
}

type seriesKey struct{ metric, area string }

// seriesData is one series' points, with its key as kept (the area
// copied out of the row it was read from).
type seriesData struct {
	key seriesKey
	pts []point
}

// point is one value of the file, in 24 bytes: a 500,000-row sheet keeps
// 12 MB of them.
type point struct {
	value  float64
	period int32
	row    int32
	col    int32
	sheet  int16
}

func newValueSink(tx *store.IngestTx, src storedReader, file string) *valueSink {
	return &valueSink{tx: tx, src: src, file: file,
		periodIdx: map[string]int32{}, sheetIdx: map[string]int16{},
		series: map[seriesKey]*seriesData{}, named: map[string]struct{}{}}
}

// add takes one value, read from the cell at col and row of sheet. write
// is false once the file is known to be rejected: its values are still
// checked, never stored.
func (s *valueSink) add(ctx context.Context, metricID, area string, p metrics.Period, v float64, sheet string, col, row int, write bool) error {
	if s.added++; s.added%yieldEvery == 0 {
		runtime.Gosched()
	}
	area, err := s.record(ctx, metricID, area, p, v, sheet, col, row)
	if err != nil || s.tx == nil || !write {
		return err
	}
	return s.queue(ctx, metrics.Observation{
		MetricID: metricID, Area: area, Period: p, Value: v,
		Source: metrics.Source{File: s.file, Sheet: sheet, Cell: xlsx.CellName(col, row)},
	})
}

// addObservation takes a value whose source is already written (a
// table's value that adds up rows: "B7 and 2 more rows"), first read at
// col and row.
func (s *valueSink) addObservation(ctx context.Context, o metrics.Observation, col, row int) error {
	area, err := s.record(ctx, o.MetricID, o.Area, o.Period, o.Value, o.Source.Sheet, col, row)
	if err != nil || s.tx == nil {
		return err
	}
	o.Area = area
	return s.queue(ctx, o)
}

// record keeps a value's point for the checks and the preview, and
// returns the area as kept.
func (s *valueSink) record(ctx context.Context, metricID, area string, p metrics.Period, v float64, sheet string, col, row int) (string, error) {
	if _, ok := s.named[metricID]; !ok {
		s.named[metricID] = struct{}{}
		s.metricOrder = append(s.metricOrder, metricID)
	}
	sd := s.series[seriesKey{metricID, area}]
	if sd == nil {
		sd = &seriesData{key: seriesKey{metricID, cloneIfLong(area)}}
		s.series[sd.key] = sd
		s.order = append(s.order, sd.key)
	}
	sd.pts = append(sd.pts, point{value: v, period: s.periodIndex(p), row: int32(row), col: int32(col), sheet: s.sheetIndex(sheet)})
	s.values++
	return sd.key.area, nil
}

func (s *valueSink) queue(ctx context.Context, o metrics.Observation) error {
	s.batch = append(s.batch, o)
	if len(s.batch) < batchSize {
		return nil
	}
	if s.tx == nil {
		s.batch = s.batch[:0]
		return nil
	}
	return s.send(ctx)
}

// cloneIfLong keeps a label apart from the row it was read from, so the
// row's text can be freed.
func cloneIfLong(s string) string { return string([]byte(s)) }

// flush writes the queued values to the transaction and waits until
// every value given is written: the transaction is then the caller's
// alone.
func (s *valueSink) flush(ctx context.Context) error {
	err := s.stopWriter()
	if err != nil || len(s.batch) == 0 || s.tx == nil {
		s.batch = s.batch[:0]
		return err
	}
	err = s.addBatch(ctx, s.batch)
	s.batch = s.batch[:0]
	return err
}

// drop forgets the queued values of a file found to be rejected, once
// the writer has stopped: the transaction, which holds the values
// already written, is rolled back.
func (s *valueSink) drop() {
	_ = s.stopWriter()
	s.batch = s.batch[:0]
}

// yieldEvery is how many values the reading adds between yields of the
// CPU (runtime.Gosched), about a tenth of a millisecond of work. An
// upload to a server shares the cores with its readers, and Go's
// scheduler has no priorities: a goroutine with work runs until it
// blocks or has had 10 ms, so a reader's request waited behind the
// upload's reading, scanning, checking and merging goroutines, each
// running as long as it could, several times over. Each of them now
// yields after a small piece of work (here; a chunk inflated and a batch
// of rows scanned, in xlsx; a measure merged, in Finish; a measure
// compared, in compare), and readers waiting for a core get it between
// the pieces. The load test's p99 during its upload, medians of three:
// 82.5 ms to 36.9 ms on two cores, and 756 ms to 49 ms with the server
// on one core; the upload's own median from 0.79 to 0.97 s on two cores,
// and from 1.9 to 6.4 s on one, where it now gives way. On its own (the command line, or no
// readers) a yield with nothing else to run costs a fraction of a
// microsecond.
const yieldEvery = 64

// storedOf is a measure's stored series, as Finish read it.
type storedOf struct {
	metricID string
	series   store.StoredSeries
}

// loadStored reads a measure's stored series from the source: the
// transaction, before Finish has changed it, or the store on a dry run.
func (s *valueSink) loadStored(ctx context.Context, metricID string) (store.StoredSeries, error) {
	var vals store.StoredSeries
	err := s.useTx(func() (err error) {
		vals, err = s.src.CurrentValues(ctx, metricID)
		return err
	})
	if err != nil {
		return store.StoredSeries{}, fmt.Errorf("stored values of %q: %w", metricID, err)
	}
	return vals, nil
}

func (s *valueSink) periodIndex(p metrics.Period) int32 {
	return indexOf(&s.periods, s.periodIdx, p.Key(), p)
}

func (s *valueSink) sheetIndex(sheet string) int16 {
	return indexOf(&s.sheets, s.sheetIdx, sheet, sheet)
}

// indexOf is the index under key in idx, appending v to list and
// indexing it under key the first time key is seen.
func indexOf[T any, I int16 | int32](list *[]T, idx map[string]I, key string, v T) I {
	if i, ok := idx[key]; ok {
		return i
	}
	i := I(len(*list))
	*list = append(*list, v)
	idx[key] = i
	return i
}

func (s *valueSink) cellOf(p point) (sheet, cell string) {
	return s.sheets[p.sheet], xlsx.CellName(int(p.col), int(p.row))
}

// checkDuplicates reports every value the file gives twice for the same
// measure, area and period, with both cells.
func (s *valueSink) checkDuplicates(probs *problems) {
	for _, k := range s.order {
		pts := s.series[k].pts
		idx := make([]int, len(pts))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(pts[a].period, pts[b].period) })
		for i := 1; i < len(idx); i++ {
			first, dup := pts[idx[i-1]], pts[idx[i]]
			if first.period != dup.period {
				continue
			}
			fs, fc := s.cellOf(first)
			ds, dc := s.cellOf(dup)
			probs.errorf(ds, dc, "%s, %s, %s appears twice, at %s!%s and at %s!%s: keep one",
				k.metric, k.area, s.periods[dup.period].Key(), fs, fc, ds, dc)
		}
	}
}

// maxRevisionsListed is how many of a measure's largest revisions the
// preview lists.
const maxRevisionsListed = 5

// maxPlausibilityWarnings bounds the warnings of one measure about values
// far from the one before.
const maxPlausibilityWarnings = 3

// compare works out, for each measure, what storing the file changes,
// and warns of values ten times larger or smaller than the one before
// them in their series (a slip of units: 0.52 for 52%, pounds for
// thousands). It is called once, after the last value is added.
//
// Each measure's stored series comes from feed, as Finish reads it
// beside the comparing (see store.IngestTx.FinishSeeing), in Finish's
// order; once feed is closed (or when it is nil), compare reads those
// it was not given itself, which must then be before Finish has changed
// them (or after a Finish that failed, when the comparison is not
// used). One measure's stored values are decoded at a time, and the
// results and warnings are given in the order the file first named
// each measure, whatever the order the series came in.
func (s *valueSink) compare(ctx context.Context, cat *catalogue, probs *problems, feed <-chan storedOf) ([]MeasureChange, error) {
	keysOf := map[string][]seriesKey{}
	for _, k := range s.order {
		keysOf[k.metric] = append(keysOf[k.metric], k)
	}
	done := make(map[string]*measureCompared, len(s.metricOrder))
	w := newComparing(s.periods)
	compareOne := func(id string, ss store.StoredSeries) error {
		stored, err := ss.Decode()
		if err != nil {
			return fmt.Errorf("stored values of %q: %w", id, err)
		}
		runtime.Gosched() // between measures (see yieldEvery)
		if done[id], err = s.compareMeasure(cat, keysOf[id], stored, w); err != nil {
			return fmt.Errorf("stored values of %q: %w", id, err)
		}
		return nil
	}
	if feed != nil {
		for f := range feed {
			if _, named := keysOf[f.metricID]; !named || done[f.metricID] != nil {
				continue
			}
			if err := compareOne(f.metricID, f.series); err != nil {
				return nil, err
			}
		}
	}
	for _, id := range s.metricOrder {
		if done[id] != nil {
			continue
		}
		ss, err := s.loadStored(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := compareOne(id, ss); err != nil {
			return nil, err
		}
	}
	// Every measure's warnings, then how many more of each there were.
	for _, id := range s.metricOrder {
		for _, w := range done[id].warnings {
			probs.warnf(w.sheet, w.cell, "%s", w.msg)
		}
	}
	var out []MeasureChange
	for _, id := range s.metricOrder {
		c := done[id]
		if c.mc == nil {
			continue
		}
		if n := c.warned - maxPlausibilityWarnings; n > 0 {
			probs.warnf("", "", "%s has %d more values ten times larger or smaller than the one before them", id, n)
		}
		out = append(out, *c.mc)
	}
	return out, nil
}

// measureCompared is what compare found of one measure: its change, the
// first maxPlausibilityWarnings warnings and how many there were.
type measureCompared struct {
	mc       *MeasureChange
	warnings []plausibilityWarning
	warned   int
}

// comparing is what compare keeps from one measure to the next: the
// file's periods by ID and, for the area being compared, which stored
// value is of each of them and whether the file gives it.
type comparing struct {
	fileIdx map[metrics.PeriodID]int32
	at      []int32 // by the file's period: 1 + the stored value's index, 0 for none
	inFile  []bool  // by the file's period
	seq     []plausibilityEntry
}

// plausibilityEntry is a value of the sequence implausible checks.
type plausibilityEntry struct {
	p     metrics.Period
	value float64
	pt    *point // nil for a stored value
}

func newComparing(periods []metrics.Period) *comparing {
	w := &comparing{fileIdx: make(map[metrics.PeriodID]int32, len(periods)),
		at: make([]int32, len(periods)), inFile: make([]bool, len(periods))}
	for i, p := range periods {
		w.fileIdx[p.ID()] = int32(i)
	}
	return w
}

// compareMeasure compares the series keys of one measure, in the order
// the file first gave them, with its stored values.
func (s *valueSink) compareMeasure(cat *catalogue, keys []seriesKey, sv store.StoredValues, w *comparing) (*measureCompared, error) {
	c := &measureCompared{}
	if len(keys) == 0 {
		return c, nil
	}
	stored := sv.Values
	id := keys[0].metric
	m, _ := cat.entry(id)
	f := cat.file[id]
	mc := &MeasureChange{MetricID: id, Name: m.Name, Unit: m.Unit, New: f != nil && f.created,
		Classification: string(cat.toWrite(id).Classification)}
	c.mc = mc
	// Each area's stored values, in period order, by index into stored.
	byArea := map[string][]int32{}
	for i := range stored {
		byArea[stored[i].Area] = append(byArea[stored[i].Area], int32(i))
	}
	periods := map[int32]bool{}
	for _, k := range keys {
		mc.Areas = append(mc.Areas, k.area)
		areaStored := byArea[k.area]
		for _, i := range areaStored {
			if fi, ok := w.fileIdx[stored[i].Period.ID()]; ok {
				w.at[fi] = i + 1
			}
		}
		pts := s.series[k].pts
		for _, p := range pts {
			periods[p.period] = true
			w.inFile[p.period] = true
			at := w.at[p.period]
			switch {
			case at == 0:
				mc.NewValues++
			case stored[at-1].Value == p.value:
				mc.Unchanged++
			default:
				old := &stored[at-1]
				mc.Revised++
				// Described only when it is among the largest: a file
				// that revises every value made 100,000 descriptions for
				// five.
				if !mc.lists(old.Value, p.value) {
					continue
				}
				src, err := sv.Source(int(at - 1))
				if err != nil {
					return nil, err
				}
				sheet, cell := s.cellOf(p)
				mc.addRevision(Revision{Area: k.area, Period: s.periods[p.period].Label(), Old: old.Value, New: p.value,
					Sheet: sheet, Cell: cell, OldFile: src.File, OldCell: src.Sheet + "!" + src.Cell})
			}
		}
		for _, pw := range s.implausible(k, stored, areaStored, pts, w) {
			if c.warned < maxPlausibilityWarnings {
				c.warnings = append(c.warnings, pw)
			}
			c.warned++
		}
		// Clean for the next area.
		for _, p := range pts {
			w.at[p.period], w.inFile[p.period] = 0, false
		}
		for _, i := range areaStored {
			if fi, ok := w.fileIdx[stored[i].Period.ID()]; ok {
				w.at[fi] = 0
			}
		}
	}
	slices.Sort(mc.Areas)
	mc.Areas = slices.Compact(mc.Areas)
	ps := make([]metrics.Period, 0, len(periods))
	for i := range periods {
		ps = append(ps, s.periods[i])
	}
	slices.SortFunc(ps, func(a, b metrics.Period) int { return a.Start.Compare(b.Start) })
	mc.Periods = len(ps)
	if len(ps) > 0 {
		mc.FirstPeriod, mc.LastPeriod = ps[0].Label(), ps[len(ps)-1].Label()
	}
	return c, nil
}

type plausibilityWarning struct{ sheet, cell, msg string }

// implausible compares each of a series' new values with the value before
// it, in period order, among the stored values of its area (areaStored,
// indexes into stored; as the file revises them) and the file's own, of
// the same kind of period. w.inFile marks the file's periods of the
// series.
func (s *valueSink) implausible(k seriesKey, stored []store.StoredValue, areaStored []int32, pts []point, w *comparing) []plausibilityWarning {
	// One area's sequence at a time, in one buffer: made for each, they
	// were a third of what a check of a revision allocated.
	seq := w.seq[:0]
	defer func() { w.seq = seq[:0] }()
	for i := range pts {
		seq = append(seq, plausibilityEntry{p: s.periods[pts[i].period], value: pts[i].value, pt: &pts[i]})
	}
	for _, i := range areaStored {
		if fi, ok := w.fileIdx[stored[i].Period.ID()]; ok && w.inFile[fi] {
			continue
		}
		seq = append(seq, plausibilityEntry{p: stored[i].Period, value: stored[i].Value})
	}
	slices.SortStableFunc(seq, func(a, b plausibilityEntry) int {
		if c := cmp.Compare(a.p.Kind, b.p.Kind); c != 0 {
			return c
		}
		return a.p.Start.Compare(b.p.Start)
	})
	var out []plausibilityWarning
	for i := 1; i < len(seq); i++ {
		prev, cur := seq[i-1], seq[i]
		if cur.pt == nil || prev.p.Kind != cur.p.Kind || prev.value == 0 || cur.value == 0 {
			continue
		}
		ratio := math.Abs(cur.value / prev.value)
		if ratio <= 10 && ratio >= 0.1 {
			continue
		}
		how := "more than ten times"
		if ratio < 0.1 {
			how = "less than a tenth of"
		}
		sheet, cell := s.cellOf(*cur.pt)
		out = append(out, plausibilityWarning{sheet: sheet, cell: cell, msg: fmt.Sprintf(
			"%s, %s, %s: %s is %s the value before it (%s in %s): check the unit (0.52 for 52%%, pounds for thousands)",
			k.metric, k.area, cur.p.Label(), formatValue(cur.value), how, formatValue(prev.value), prev.p.Label())})
	}
	return out
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// MeasureChange is what storing a file does to one measure: the values
// it adds and those it revises, over which periods and areas.
type MeasureChange struct {
	MetricID       string     `json:"metric_id"`
	Name           string     `json:"name"`
	Unit           string     `json:"unit,omitempty"`
	New            bool       `json:"new,omitempty"`
	Classification string     `json:"classification"`
	Areas          []string   `json:"areas"`
	Periods        int        `json:"periods"`
	FirstPeriod    string     `json:"first_period"`
	LastPeriod     string     `json:"last_period"`
	NewValues      int        `json:"new_values"`
	Revised        int        `json:"revised"`
	Unchanged      int        `json:"unchanged"`
	Largest        []Revision `json:"largest_revisions,omitempty"`
}

// Revision is a stored value a file changes.
type Revision struct {
	Area   string  `json:"area"`
	Period string  `json:"period"`
	Old    float64 `json:"old"`
	New    float64 `json:"new"`
	Sheet  string  `json:"sheet"`
	Cell   string  `json:"cell"`
	// OldFile and OldCell are where the stored value came from.
	OldFile string `json:"old_file"`
	OldCell string `json:"old_cell"`
}

// size orders revisions: the largest change relative to the old value.
func (r Revision) size() float64 {
	return math.Abs(r.New-r.Old) / math.Max(math.Abs(r.Old), 1e-9)
}

// lists reports whether a revision from old to new would be among the
// largest addRevision keeps: while there are fewer than
// maxRevisionsListed, or when it is larger than the smallest of them (a
// tie keeps the one listed first).
func (mc *MeasureChange) lists(old, new float64) bool {
	if len(mc.Largest) < maxRevisionsListed {
		return true
	}
	return Revision{Old: old, New: new}.size() > mc.Largest[len(mc.Largest)-1].size()
}

func (mc *MeasureChange) addRevision(r Revision) {
	mc.Largest = append(mc.Largest, r)
	slices.SortStableFunc(mc.Largest, func(a, b Revision) int { return cmp.Compare(b.size(), a.size()) })
	if len(mc.Largest) > maxRevisionsListed {
		mc.Largest = mc.Largest[:maxRevisionsListed]
	}
}
