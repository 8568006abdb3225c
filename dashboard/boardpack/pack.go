// Package boardpack builds the board pack: what the Business
// Coordination Board reads before a meeting. It holds the figures whose
// period had ended before the meeting date (the latest month or quarter
// available then), exceptions first, then every measure with its SPC
// chart and figures, and the latest finance month; it prints as a
// document, one measure per page.
//
// It comes in two parts. Part 1, open, is built as the public would see
// it (open measures only, their annotations without names, no
// commentary), so that it can be published as it is: it carries the
// National Crime and Policing Measures, which the Specified Information
// Order requires the Commissioner to publish. Part 2, confidential, holds
// the rest: the sensitive measures, finance, response times and the
// commentary on every measure. See open.go.
//
// The package builds the pack's data: typed structs, and plain functions
// over the store (Source) and the shared views (dashboard/view). The
// server's handlers read the request, call in here and render the
// result with its templates; nothing here knows of HTTP or the server.
package boardpack

import (
	"fmt"
	"slices"
	"time"

	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// Source is what a pack is read from: the store, the server's clock,
// and the thresholds the revenue forecast is rated by.
type Source struct {
	Store  *store.Store
	Now    func() time.Time
	Budget metrics.BudgetThresholds
}

// Pack is the board pack of a meeting, as a page shows it and an edition
// freezes it (without the reader, the edition banners or the forms).
type Pack struct {
	// Meeting is the meeting date in words; MeetingISO as the date input
	// takes it.
	Meeting, MeetingISO string
	// UpTo says how far the figures go, by kind of period.
	UpTo []string
	// Exceptions and Others are every measure, exceptions first, as
	// those who may see everything see them; Part 2 shows the sensitive
	// ones (see ConfidentialExceptions).
	Exceptions, Others []Measure
	// NoFigures are the measures with no figure before the meeting.
	NoFigures []metrics.Metric
	// Open is Part 1, built from the open measures alone.
	Open *Open
	// Withdrawn, on an edition, names the measures of its Part 1 that
	// are no longer open: that Part 1 may no longer be published.
	Withdrawn []string
	// Finance is the latest finance month before the meeting, nil when
	// none is held.
	Finance *Finance
	// ResponseTimes summarise the quarter before the meeting, nil when
	// there are no incidents for it (see context.go).
	ResponseTimes *ResponseTimes
	// State is the pack reduced to what the digest compares, and Cycle
	// the meeting's place in the board cycle: the calendar, the action
	// log and what changed since the last meeting (see cycle.go).
	State metrics.PackState
	Cycle *Cycle
}

// NewPack is the pack of a meeting with its measures analysed; the
// rest (Part 1, finance, context, the cycle) is laid on by the caller.
func NewPack(meeting time.Time, ms Measures) Pack {
	return Pack{Meeting: meeting.Format("2 January 2006"), MeetingISO: meeting.Format(time.DateOnly),
		UpTo: ms.UpTo, Exceptions: ms.Exceptions, Others: ms.Others, NoFigures: ms.NoFigures, State: ms.State}
}

// Measure is one measure of the pack: its tile (latest values,
// exception reasons, standing by area) and its headline area's analysis.
type Measure struct {
	view.Tile
	Anchor   string
	Analysis view.Analysis
	// Commentary is the analyst's commentary for the measure's period,
	// nil when none; Annotations those on its timeline before the
	// meeting.
	Commentary  *Commentary
	Annotations []view.Annotation
	// Actions are the actions from previous meetings on the measure
	// (see AddMeasureActions).
	Actions []view.Action
}

// Measures is every measure of a meeting's pack analysed: the part of
// the pack that depends only on the figures and the catalogue, which
// the server keeps until they change.
type Measures struct {
	UpTo               []string
	Exceptions, Others []Measure
	NoFigures          []metrics.Metric
	// State is the measures reduced to what the digest compares.
	State metrics.PackState
	// Sensitive says whether any measure is, even one listed by name
	// only: its name is no more for the public than its figures.
	Sensitive bool
}

// Timeliness judges whether a measure's figures are up to date: the
// server's schedules and calendar, on the meeting's papers day.
type Timeliness interface {
	// Newest is, for each measure, the latest periods it is compared
	// with to say whether it is up to date.
	Newest(latest []store.LatestValue) func(id string) map[metrics.PeriodKind]metrics.Period
	// Apply marks a tile whose figures are overdue.
	Apply(t *view.Tile, lv store.LatestValue)
}

// Analyse analyses every measure from the figures whose period ended
// before the meeting, with the limits recalculated at each measure's
// change points, each for the area the overview and its page show
// first (the home area of set, else the force-wide one; see
// metrics.HeadlineArea); its charts' ids begin with prefix.
func Analyse(ms []metrics.Metric, series map[string][]metrics.Observation, changes map[string][]metrics.ChangePoint, meeting time.Time, prefix string, fresh Timeliness, set metrics.Settings) (Measures, error) {
	var p Measures
	var lvs []store.LatestValue
	obsOf := map[string][]metrics.Observation{}
	for _, m := range ms {
		if m.Classification == metrics.Sensitive {
			p.Sensitive = true
		}
		obs := metrics.EndedBefore(series[m.ID], meeting)
		if len(obs) == 0 {
			p.NoFigures = append(p.NoFigures, m)
			continue
		}
		obsOf[m.ID] = obs
		lvs = append(lvs, view.LatestOf(m, obs))
	}
	p.UpTo = upTo(view.NewestOf(lvs))
	newestFor := fresh.Newest(lvs)
	var all []Measure
	states := map[string]metrics.MeasureState{}
	for i, lv := range lvs {
		m, obs := lv.Metric, obsOf[lv.Metric.ID]
		as := view.NewAnalyses(m, obs, changes[m.ID])
		t := view.NewTile(lv, set)
		if err := view.AnalyseTile(&t, lv, as, newestFor(m.ID), ""); err != nil {
			return Measures{}, err
		}
		fresh.Apply(&t, lv)
		area := metrics.HeadlineArea(view.AreasOf(obs), "", set.HomeArea)
		a, err := view.BuildAnalysisOf(as, area, fmt.Sprintf("%s%d", prefix, i), view.PackSPCPoints)
		if err != nil {
			return Measures{}, err
		}
		all = append(all, Measure{Tile: t, Anchor: "m-" + m.ID, Analysis: a})
		states[m.ID] = metrics.MeasureStateOf(m, as.WithoutChanges(area), lv.Values, view.PackSPCPoints)
	}
	p.Exceptions, p.Others = metrics.ExceptionsFirst(all, func(pm Measure) metrics.Severity { return pm.Severity() })
	p.State = stateOf(ms, meeting, func(m metrics.Metric) (metrics.MeasureState, bool) {
		st, ok := states[m.ID]
		return st, ok
	})
	return p, nil
}

// upTo say how far the figures go: "monthly measures to Jan 2022".
func upTo(newest map[metrics.PeriodKind]metrics.Period) []string {
	var out []string
	for _, k := range []metrics.PeriodKind{metrics.Month, metrics.Quarter, metrics.FinancialYear, metrics.CalendarYear, metrics.YearEnding} {
		if p, ok := newest[k]; ok {
			out = append(out, fmt.Sprintf("measures by %s to %s", view.KindWord(k), p.Label()))
		}
	}
	return out
}

// AddMeasureActions sets beside each measure the actions from previous
// meetings that are about it. Part 1 is for publication: there, only the
// actions marked open.
func (p *Pack) AddMeasureActions() {
	if p.Cycle == nil {
		return
	}
	on := func(pm *Measure, openOnly bool) {
		pm.Actions = nil
		for _, a := range p.Cycle.Actions {
			if slices.Contains(a.Metrics, pm.Metric.ID) && (a.Open || !openOnly) {
				pm.Actions = append(pm.Actions, a)
			}
		}
	}
	// Copied first: the measures may be shared with the cache.
	p.Exceptions, p.Others = slices.Clone(p.Exceptions), slices.Clone(p.Others)
	for _, list := range [][]Measure{p.Exceptions, p.Others} {
		for i := range list {
			on(&list[i], false)
		}
	}
	if p.Open == nil {
		return
	}
	o := *p.Open
	o.Exceptions, o.National, o.Others = slices.Clone(o.Exceptions), slices.Clone(o.National), slices.Clone(o.Others)
	for _, list := range [][]Measure{o.National, o.Others} {
		for i := range list {
			on(&list[i], true)
		}
	}
	p.Open = &o
}

// sensitiveOnly keeps the sensitive measures of a list.
func sensitiveOnly(list []Measure) []Measure {
	var out []Measure
	for _, pm := range list {
		if pm.Metric.Classification != metrics.Open {
			out = append(out, pm)
		}
	}
	return out
}

// ConfidentialExceptions and ConfidentialOthers are Part 2's measures,
// the sensitive ones, exceptions first.
func (p Pack) ConfidentialExceptions() []Measure { return sensitiveOnly(p.Exceptions) }

// ConfidentialOthers: see ConfidentialExceptions.
func (p Pack) ConfidentialOthers() []Measure { return sensitiveOnly(p.Others) }

// ConfidentialNoFigures are the sensitive measures with no figure before
// the meeting.
func (p Pack) ConfidentialNoFigures() []metrics.Metric {
	var out []metrics.Metric
	for _, m := range p.NoFigures {
		if m.Classification != metrics.Open {
			out = append(out, m)
		}
	}
	return out
}

// OpenCommentary are the open measures with a commentary for their
// period: the commentary is for the board, so Part 2 holds it, beside a
// link to the measure in Part 1.
func (p Pack) OpenCommentary() []Measure {
	var out []Measure
	for _, pm := range slices.Concat(p.Exceptions, p.Others) {
		if pm.Metric.Classification == metrics.Open && pm.Commentary != nil {
			out = append(out, pm)
		}
	}
	return out
}
