package boardpack

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/metrics"
)

// Frozen editions of the board pack. Publishing a meeting's pack keeps
// what it showed (every figure, sentence and chart option, as the page
// had them) as JSON, so that the edition renders later from that record
// alone, never from the live figures: a revision uploaded after the
// meeting cannot change what the board was shown. Publishing an
// unchanged pack again is a no-op; a changed one becomes the next
// numbered edition, and earlier editions stay. The live pack of a
// meeting with an edition lists what has changed since it.
//
// Editions hold sensitive figures: only viewers who may see sensitive
// data read them, and the store refuses everyone else too.

// snapshotFormat numbers the layout of Snapshot, so that a
// future layout can still read editions frozen in this one.
const snapshotFormat = 1

// Snapshot is what an edition freezes: the board pack page without
// the viewer, the edition banners or the forms.
type Snapshot struct {
	Format              int
	Meeting, MeetingISO string
	UpTo                []string
	Exceptions, Others  []Measure
	NoFigures           []metrics.Metric
	Finance             *Finance
	ResponseTimes       *ResponseTimes
	Sensitive           bool
	// Open is Part 1 as shown; editions frozen before the pack had two
	// parts have none (see openOfEdition).
	Open *Open `json:",omitempty"`
	// State is what the digest of the next meeting compares with, and
	// Cycle the calendar, action log and digest as shown; editions
	// frozen before the board cycle have neither.
	State *metrics.PackState `json:",omitempty"`
	Cycle *Cycle             `json:",omitempty"`
}

// SnapshotOf is what an edition of p freezes; sensitive is whether the
// page of it is marked.
func SnapshotOf(p Pack, sensitive bool) Snapshot {
	return Snapshot{Format: snapshotFormat, Meeting: p.Meeting, MeetingISO: p.MeetingISO, UpTo: p.UpTo,
		Exceptions: p.Exceptions, Others: p.Others, NoFigures: p.NoFigures, Finance: p.Finance,
		ResponseTimes: p.ResponseTimes, Sensitive: sensitive, Open: p.Open, State: &p.State, Cycle: p.Cycle}
}

// Pack lays a snapshot back out as a pack, and says whether its page is
// marked.
func (sn Snapshot) Pack() (Pack, bool, error) {
	p := Pack{Meeting: sn.Meeting, MeetingISO: sn.MeetingISO, UpTo: sn.UpTo, Exceptions: sn.Exceptions,
		Others: sn.Others, NoFigures: sn.NoFigures, Finance: sn.Finance, ResponseTimes: sn.ResponseTimes, Open: sn.Open, Cycle: sn.Cycle}
	if sn.State != nil {
		p.State = *sn.State
	}
	if p.Open == nil {
		var err error
		if p.Open, err = openOfEdition(sn); err != nil {
			return p, sn.Sensitive, err
		}
	}
	return p, sn.Sensitive, nil
}

// Marshal is the JSON an edition stores and its SHA-256 (hex),
// which the publish form carries so that what is published is what the
// publisher was looking at.
func Marshal(sn Snapshot) ([]byte, string, error) {
	b, err := json.Marshal(sn)
	if err != nil {
		return nil, "", fmt.Errorf("board pack snapshot: %w", err)
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), nil
}

// Unmarshal reads an edition back, and checks every chart option
// in it as the chart package does (chart.Safe): an option is written into the page as
// script data, so one altered in the database must not become markup.
func Unmarshal(b []byte) (Snapshot, error) {
	var sn Snapshot
	if err := json.Unmarshal(b, &sn); err != nil {
		return sn, fmt.Errorf("board pack edition: %w", err)
	}
	if sn.Format != snapshotFormat {
		return sn, fmt.Errorf("board pack edition: format %d, this version reads %d", sn.Format, snapshotFormat)
	}
	for _, c := range sn.charts() {
		if !chart.Safe(*c) {
			return sn, fmt.Errorf("board pack edition: chart %q is not a safe chart option", c.ID)
		}
	}
	return sn, nil
}

// charts are the snapshot's chart panels.
func (sn Snapshot) charts() []*chart.ChartPanel {
	var out []*chart.ChartPanel
	add := func(c *chart.ChartPanel) {
		if c != nil {
			out = append(out, c)
		}
	}
	lists := [][]Measure{sn.Exceptions, sn.Others}
	if sn.Open != nil {
		lists = append(lists, sn.Open.Exceptions, sn.Open.National, sn.Open.Others)
	}
	for _, list := range lists {
		for _, pm := range list {
			add(pm.Spark)
			add(pm.Analysis.SPC)
			add(pm.Analysis.ByArea)
		}
	}
	if sn.Finance != nil {
		add(sn.Finance.Chart)
	}
	return out
}

// Edition names an edition on a page.
type Edition struct {
	ID          int64
	Number      int
	Meeting     string
	MeetingISO  string
	PublishedAt string
	PublishedBy string
	Link        string
}

func NewEdition(e metrics.BoardPackEdition) *Edition {
	return &Edition{ID: e.ID, Number: e.Number, Meeting: e.Meeting.Format("2 January 2006"), MeetingISO: e.Meeting.Format(time.DateOnly),
		PublishedAt: e.PublishedAt.Format("2 January 2006 15:04"), PublishedBy: e.PublishedBy, Link: "/boardpack/editions/" + strconv.FormatInt(e.ID, 10)}
}

// Change is one way the live pack differs from a published edition.
type Change struct {
	Measure, Anchor string
	What            []string
}

// Changes lists, measure by measure, what differs between a
// published edition and the live pack of the same meeting: measures
// added or gone, a new latest period, changed figures, a changed
// standing (against target, signal or noise, exception reasons) or
// commentary; then the finance and response time summaries. It is
// empty when nothing that the pack shows has changed.
func Changes(was, now Snapshot) []Change {
	var out []Change
	index := func(sn Snapshot) (map[string]Measure, []string) {
		m := map[string]Measure{}
		var order []string
		for _, pm := range slices.Concat(sn.Exceptions, sn.Others) {
			m[pm.Metric.ID] = pm
			order = append(order, pm.Metric.ID)
		}
		return m, order
	}
	wasM, wasOrder := index(was)
	nowM, nowOrder := index(now)
	for _, id := range nowOrder {
		n := nowM[id]
		w, ok := wasM[id]
		if !ok {
			out = append(out, Change{Measure: n.Metric.Name, Anchor: n.Anchor, What: []string{"Has figures now; the edition had none."}})
			continue
		}
		if what := measureChanges(w, n); len(what) > 0 {
			out = append(out, Change{Measure: n.Metric.Name, Anchor: n.Anchor, What: what})
		}
	}
	for _, id := range wasOrder {
		if _, ok := nowM[id]; !ok {
			w := wasM[id]
			out = append(out, Change{Measure: w.Metric.Name, What: []string{"In the edition, but has no figures in the pack now."}})
		}
	}
	if what := financeChanges(was.Finance, now.Finance); len(what) > 0 {
		out = append(out, Change{Measure: "Finance", Anchor: "pack-finance-heading", What: what})
	}
	if what := responseChanges(was.ResponseTimes, now.ResponseTimes); len(what) > 0 {
		out = append(out, Change{Measure: "Response times", Anchor: "pack-response-heading", What: what})
	}
	return out
}

func measureChanges(w, n Measure) []string {
	var what []string
	if w.Period != n.Period {
		what = append(what, fmt.Sprintf("Latest period %s, was %s.", n.Period, w.Period))
	}
	values := func(pm Measure) map[string]string {
		m := map[string]string{}
		for _, v := range pm.Values {
			m[v.Area] = v.Value
		}
		return m
	}
	wv, nv := values(w), values(n)
	if w.Period == n.Period {
		for _, v := range n.Values {
			if old, ok := wv[v.Area]; ok && old != v.Value {
				what = append(what, fmt.Sprintf("%s, %s: %s, was %s.", v.Area, n.Period, v.Value, old))
			} else if !ok {
				what = append(what, fmt.Sprintf("%s, %s: %s, new.", v.Area, n.Period, v.Value))
			}
		}
		for _, v := range w.Values {
			if _, ok := nv[v.Area]; !ok {
				what = append(what, fmt.Sprintf("%s, %s: no figure now, was %s.", v.Area, n.Period, v.Value))
			}
		}
	}
	if w.Analysis.RAGWord != n.Analysis.RAGWord {
		what = append(what, fmt.Sprintf("Against target: %s, was %s.", n.Analysis.RAGWord, w.Analysis.RAGWord))
	}
	if w.Analysis.VariationWord != n.Analysis.VariationWord {
		what = append(what, fmt.Sprintf("Signal or noise: %s, was %s.", n.Analysis.VariationWord, w.Analysis.VariationWord))
	}
	if a, b := strings.Join(w.Reasons, "; "), strings.Join(n.Reasons, "; "); a != b {
		what = append(what, fmt.Sprintf("Exception: %s, was %s.", orNone(b), orNone(a)))
	}
	if commentaryText(w.Commentary) != commentaryText(n.Commentary) {
		what = append(what, "The commentary has changed.")
	}
	return what
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func commentaryText(c *Commentary) string {
	if c == nil {
		return ""
	}
	return strings.Join(c.Paragraphs, "\n")
}

func financeChanges(w, n *Finance) []string {
	switch {
	case w == nil && n == nil:
		return nil
	case w == nil:
		return []string{fmt.Sprintf("Revenue monitoring for %s now; the edition had none.", n.Period)}
	case n == nil:
		return []string{fmt.Sprintf("The edition had revenue monitoring for %s; the pack has none now.", w.Period)}
	case w.Period != n.Period:
		return []string{fmt.Sprintf("Revenue monitoring for %s, was %s.", n.Period, w.Period)}
	case w.Variance != n.Variance || w.Forecast != n.Forecast || w.Budget != n.Budget:
		return []string{fmt.Sprintf("%s revised: forecast %s and variance %s, were %s and %s.", n.Period, n.Forecast, n.Variance, w.Forecast, w.Variance)}
	}
	return nil
}

func responseChanges(w, n *ResponseTimes) []string {
	switch {
	case w == nil && n == nil:
		return nil
	case w == nil:
		return []string{fmt.Sprintf("Response times for %s now; the edition had none.", n.Quarter)}
	case n == nil:
		return []string{fmt.Sprintf("The edition had response times for %s; the pack has none now.", w.Quarter)}
	case (w.Count != n.Count || w.Mean != n.Mean || w.Median != n.Median || w.P90 != n.P90 || w.Within != n.Within || w.Quarter != n.Quarter):
		return []string{fmt.Sprintf("%s: %s incidents, mean %s, median %s; were %s, %s and %s.", n.Quarter, n.Count, n.Mean, n.Median, w.Count, w.Mean, w.Median)}
	}
	return nil
}
