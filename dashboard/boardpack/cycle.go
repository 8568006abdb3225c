package boardpack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The board pack in the board cycle: it opens on the next meeting in the
// calendar, lists the others, reviews the actions from previous meetings
// and begins with what changed since the last meeting of the board:
// compared with that meeting's published edition, or, when none was
// published, with the figures as they stood on the day of the meeting.

// Cycle is the meeting's place in the cycle, as the pack shows it.
type Cycle struct {
	// Meeting is the meeting on the pack's date, nil when the calendar
	// has none that day; Previous the board's meeting before it.
	Meeting, Previous *view.Meeting
	// Meetings are the calendar's other meetings.
	Meetings []view.Meeting
	// Actions are the actions from previous meetings: those still open
	// and those closed since the last meeting.
	Actions []view.Action
	// Digest is what changed since the previous meeting; nil when there
	// is no previous meeting.
	Digest *Digest
}

// PapersDay is the day a meeting's figures are judged on time by: its
// papers deadline, or the meeting itself.
func (s Source) PapersDay(ctx context.Context, meeting time.Time) (time.Time, error) {
	m, err := s.Store.Meeting(ctx, metrics.Public, meeting)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND {
		return meeting, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return m.PapersDay(), nil
}

// StateOf reduces every measure's figures before a meeting to what
// the digest compares, as the pack analyses them: the area it shows
// first (home, else the force-wide one, else the first; see
// metrics.HeadlineArea), its charted periods and every area's latest
// figure.
func StateOf(ms []metrics.Metric, series map[string][]metrics.Observation, meeting time.Time, home string) metrics.PackState {
	return stateOf(ms, meeting, func(m metrics.Metric) (metrics.MeasureState, bool) {
		obs := metrics.EndedBefore(series[m.ID], meeting)
		if len(obs) == 0 {
			return metrics.MeasureState{}, false
		}
		area := metrics.HeadlineArea(view.AreasOf(obs), "", home)
		a := metrics.Analyse(m, obs, area, metrics.DefaultBaselineYear, metrics.DefaultTolerance)
		return metrics.MeasureStateOf(m, a, view.LatestOf(m, obs).Values, view.PackSPCPoints), true
	})
}

// stateOf is the pack's state from each measure's standing, stand; a
// measure with none (no figures before the meeting) stands with no RAG.
func stateOf(ms []metrics.Metric, meeting time.Time, stand func(metrics.Metric) (metrics.MeasureState, bool)) metrics.PackState {
	st := metrics.PackState{Meeting: meeting}
	for _, m := range ms {
		s, ok := stand(m)
		if !ok {
			s = metrics.MeasureState{MetricID: m.ID, Name: m.Name, Classification: m.Classification, RAG: metrics.NoRAG}
		}
		st.Measures = append(st.Measures, s)
	}
	return st
}

// FarFuture stands for "whatever is stored now" where a time is asked.
var FarFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// FinanceState is the revenue monitoring of the latest month before the
// meeting, as stored at at; nil for viewers who may not see finance or
// when there is none.
func (s Source) FinanceState(ctx context.Context, scope metrics.Scope, at, meeting time.Time) (*metrics.FinanceState, error) {
	if !scope.Sensitive {
		return nil, nil
	}
	p, lines, ok, err := s.Store.RevenueAsOf(ctx, scope, at, meeting)
	if err != nil || !ok {
		return nil, err
	}
	return metrics.FinanceStateOf(p, lines, s.Budget), nil
}

// AddCycle sets the pack's finance state and its place in the cycle.
func (s Source) AddCycle(ctx context.Context, scope metrics.Scope, p *Pack, meeting time.Time) error {
	var err error
	if p.State.Finance, err = s.FinanceState(ctx, scope, FarFuture, meeting); err != nil {
		return err
	}
	cy, err := s.CycleOf(ctx, scope, meeting, p.State)
	if err != nil {
		return err
	}
	p.Cycle = cy
	return nil
}

// CycleOf is the meeting's calendar, action log and digest, for scope.
func (s Source) CycleOf(ctx context.Context, scope metrics.Scope, meeting time.Time, now metrics.PackState) (*Cycle, error) {
	meetings, err := s.Store.Meetings(ctx, scope)
	if err != nil {
		return nil, err
	}
	cy := &Cycle{}
	m, inCalendar := metrics.MeetingOn(meetings, meeting)
	for _, o := range meetings {
		if !o.Date.Equal(meeting) {
			cy.Meetings = append(cy.Meetings, view.NewMeeting(o))
		}
	}
	if !inCalendar {
		return cy, nil
	}
	v := view.NewMeeting(m)
	cy.Meeting = &v
	prev, hasPrev := metrics.PreviousMeeting(meetings, m)
	actions, err := s.Store.Actions(ctx, scope, storeActionsAll)
	if err != nil {
		return nil, err
	}
	asOf := MinDay(metrics.Day(s.Now()), meeting)
	var since time.Time
	if hasPrev {
		pv := view.NewMeeting(prev)
		cy.Previous, since = &pv, prev.Date
	}
	log := metrics.ActionLog(actions, m, since, asOf)
	for _, a := range log {
		cy.Actions = append(cy.Actions, view.NewAction(a, asOf))
	}
	if !hasPrev {
		return cy, nil
	}
	was, basis, err := s.previousState(ctx, scope, prev)
	if err != nil {
		return nil, err
	}
	d := metrics.Digest{Since: prev.Date, Now: m.Date}
	if hasFigures(was) {
		d = metrics.Compare(was, now)
	} else {
		// Nothing had been uploaded by then: every measure would be "new".
		basis = fmt.Sprintf("the meeting of %s, by which no figures had been uploaded: only the actions are compared", prev.Date.Format("2 January 2006"))
	}
	d.AddActions(log, asOf)
	units := map[string]string{}
	ms, err := s.Store.ListMetrics(ctx, scope)
	if err != nil {
		return nil, err
	}
	for _, mt := range ms {
		units[mt.ID] = mt.Unit
	}
	cy.Digest = newDigest(d, basis, prev, m, units, asOf)
	return cy, nil
}

// hasFigures reports whether a pack state holds any figure.
func hasFigures(st metrics.PackState) bool {
	for _, m := range st.Measures {
		if m.Period != "" {
			return true
		}
	}
	return st.Finance != nil
}

func MinDay(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// previousState is what the board was shown at the previous meeting:
// the state frozen in its latest published edition, or, when none was
// published (or one from before editions kept it), the figures as they
// stood then: at the edition's publication, or on the meeting's day.
// basis says which, in words.
func (s Source) previousState(ctx context.Context, scope metrics.Scope, prev metrics.Meeting) (metrics.PackState, string, error) {
	at := prev.Date
	basis := fmt.Sprintf("the figures as they stood on %s, the day of the meeting (no edition of its pack was published)", prev.Date.Format("2 January 2006"))
	if scope.Sensitive {
		e, err := s.Store.LatestEdition(ctx, scope, prev.Date)
		switch {
		case err == nil:
			sn, err := Unmarshal(e.Content)
			if err != nil {
				return metrics.PackState{}, "", err
			}
			if sn.State != nil {
				return *sn.State, fmt.Sprintf("edition %d of the pack for %s, published %s", e.Number, prev.Date.Format("2 January 2006"), e.PublishedAt.Format("2 January 2006 15:04")), nil
			}
			at = e.PublishedAt
			basis = fmt.Sprintf("the figures as they stood when edition %d of the pack for %s was published, %s", e.Number, prev.Date.Format("2 January 2006"), e.PublishedAt.Format("2 January 2006 15:04"))
		case metrics.ErrorCode(err) != metrics.ENOTFOUND:
			return metrics.PackState{}, "", err
		}
	}
	series, err := s.Store.SeriesAsOf(ctx, scope, at)
	if err != nil {
		return metrics.PackState{}, "", err
	}
	ms, err := s.Store.ListMetrics(ctx, scope)
	if err != nil {
		return metrics.PackState{}, "", err
	}
	set, err := s.Store.Settings(ctx)
	if err != nil {
		return metrics.PackState{}, "", err
	}
	st := StateOf(ms, series, prev.Date, set.HomeArea)
	if st.Finance, err = s.FinanceState(ctx, scope, at, prev.Date); err != nil {
		return metrics.PackState{}, "", err
	}
	return st, basis, nil
}

// Digest is the digest as the pack, its own page and the API say it.
type Digest struct {
	Since, SinceISO, Now, NowISO string
	// Basis says what the previous meeting is compared as.
	Basis string
	// Sections in the order the board reads them; empty ones left out.
	Sections []DigestSection
	Empty    bool
	digest   metrics.Digest
}

type DigestSection struct {
	ID, Title string
	Items     []DigestItem
}

type DigestItem struct {
	Text, Link string
}

// Compared is the digest the view words, for the API.
func (v *Digest) Compared() metrics.Digest { return v.digest }

func newDigest(d metrics.Digest, basis string, prev, m metrics.Meeting, units map[string]string, asOf time.Time) *Digest {
	v := &Digest{Since: prev.Date.Format("2 January 2006"), SinceISO: prev.Date.Format(time.DateOnly), Now: m.Date.Format("2 January 2006"),
		NowISO: m.Date.Format(time.DateOnly), Basis: basis, Empty: d.Empty(), digest: d}
	add := func(id, title string, items []DigestItem) {
		if len(items) > 0 {
			v.Sections = append(v.Sections, DigestSection{ID: id, Title: title, Items: items})
		}
	}
	link := func(id string) string { return "/metrics/" + id }
	var items []DigestItem
	for _, c := range d.NewlyOffTarget {
		items = append(items, DigestItem{fmt.Sprintf("%s (%s, %s): off target, was %s.", c.Name, c.Area, periodWords(c.ToPeriod), strings.ToLower(c.From.Word())), link(c.MetricID)})
	}
	add("changes-off-target", "Newly off target", items)
	items = nil
	for _, c := range d.RAGChanges {
		if c.To == metrics.Red {
			continue // said above
		}
		items = append(items, DigestItem{fmt.Sprintf("%s (%s): %s, was %s (%s, was %s).", c.Name, c.Area, c.To.Word(), strings.ToLower(c.From.Word()),
			periodWords(c.ToPeriod), periodWords(c.FromPeriod)), link(c.MetricID)})
	}
	add("changes-rag", "Other changes against target", items)
	items = nil
	for _, sc := range d.NewSignals {
		items = append(items, DigestItem{fmt.Sprintf("%s (%s): %s", sc.Name, sc.Area, sc.Signal.Sentence), link(sc.MetricID)})
	}
	add("changes-new-signals", "New unusual changes (special causes)", items)
	items = nil
	for _, sc := range d.EndedSignals {
		items = append(items, DigestItem{fmt.Sprintf("%s (%s): ended. It was: %s", sc.Name, sc.Area, sc.Signal.Sentence), link(sc.MetricID)})
	}
	add("changes-ended-signals", "Unusual changes that have ended", items)
	items = nil
	for _, r := range d.Revisions {
		u := units[r.MetricID]
		items = append(items, DigestItem{fmt.Sprintf("%s, %s, %s: now %s, reported as %s.", r.Name, r.Area, r.Label, metrics.FormatWithUnit(r.Now, u), metrics.FormatWithUnit(r.Was, u)), link(r.MetricID)})
	}
	add("changes-revisions", "Figures revised since they were reported", items)
	items = nil
	for _, n := range d.NewMeasures {
		items = append(items, DigestItem{Text: n + " has figures for the first time."})
	}
	add("changes-new-measures", "New measures", items)
	items = nil
	if f := d.Finance; f != nil {
		items = append(items, DigestItem{fmt.Sprintf("Revenue forecast, %s: %s, %s; at %s it was %s, %s.", f.ToPeriod,
			metrics.FormatVarianceK(f.Total.NowVarianceGBP, 0), f.ToStatus, f.FromPeriod, metrics.FormatVarianceK(f.Total.WasVarianceGBP, 0), f.FromStatus), "/finance"})
		for _, a := range f.Areas {
			items = append(items, DigestItem{Text: fmt.Sprintf("%s: %s, was %s (%s).", a.Area, presentVariance(a.NowVarianceGBP, a.NowPresent),
				presentVariance(a.WasVarianceGBP, a.WasPresent), movementWords(a.MovementGBP()))})
		}
	}
	add("changes-finance", "Finance: the variance by business area", items)
	items = nil
	for _, a := range d.ActionsClosed {
		items = append(items, DigestItem{fmt.Sprintf("%s (%s): %s.", strings.TrimSuffix(a.Text, "."), a.Owner, strings.ToLower(a.StatusAt(asOf).Word())), fmt.Sprintf("/actions/%d", a.ID)})
	}
	add("changes-actions-closed", "Actions closed since the last meeting", items)
	items = nil
	for _, a := range d.ActionsOverdue {
		items = append(items, DigestItem{fmt.Sprintf("%s (%s): due %s.", strings.TrimSuffix(a.Text, "."), a.Owner, a.Due.Format("2 January 2006")), fmt.Sprintf("/actions/%d", a.ID)})
	}
	add("changes-actions-overdue", "Actions overdue", items)
	return v
}

func periodWords(key string) string {
	if p, err := metrics.ParsePeriod(key); err == nil {
		return p.Label()
	}
	return key
}

func presentVariance(v int64, present bool) string {
	if !present {
		return "no line"
	}
	return metrics.FormatVarianceK(v, 0)
}

func movementWords(m int64) string {
	if m == 0 {
		return "no movement"
	}
	return metrics.FormatMovement(m, 0)
}

// SignConvention is said wherever a variance is.
const SignConvention = "variance = forecast outturn - budget: negative is an underspend, positive an overspend"

// storeActionsAll lists every action the viewer may see.
var storeActionsAll = store.ActionFilter{}
