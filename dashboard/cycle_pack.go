package dashboard

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The board pack in the board cycle: it opens on the next meeting in the
// calendar, lists the others, reviews the actions from previous meetings
// and begins with what changed since the last meeting of the board:
// compared with that meeting's published edition, or, when none was
// published, with the figures as they stood on the day of the meeting.

// packCycle is the meeting's place in the cycle, as the pack shows it.
type packCycle struct {
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
	Digest *digestView
}

// packMeeting is the meeting a pack is for: ?meeting=, or the next
// meeting in the calendar, or today when none is planned.
func (s *Server) packMeeting(c echo.Context) (time.Time, error) {
	if strings.TrimSpace(c.QueryParam("meeting")) != "" {
		return meetingParam(c, s.now())
	}
	ms, err := s.store.Meetings(c.Request().Context(), auth.Scope(c))
	if err != nil {
		return time.Time{}, err
	}
	if m, ok := metrics.NextMeeting(ms, s.now()); ok {
		return m.Date, nil
	}
	return meetingDay(s.now()), nil
}

// papersDay is the day a meeting's figures are judged on time by: its
// papers deadline, or the meeting itself.
func (s *Server) papersDay(ctx context.Context, meeting time.Time) (time.Time, error) {
	m, err := s.store.Meeting(ctx, metrics.Public, meeting)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND {
		return meeting, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return m.PapersDay(), nil
}

// packStateOf reduces every measure's figures before a meeting to what
// the digest compares, as the pack analyses them: the force-wide area
// (or the first), its charted periods and every area's latest figure.
func packStateOf(ms []metrics.Metric, series map[string][]metrics.Observation, meeting time.Time) metrics.PackState {
	st := metrics.PackState{Meeting: meeting}
	for _, m := range ms {
		obs := metrics.EndedBefore(series[m.ID], meeting)
		if len(obs) == 0 {
			st.Measures = append(st.Measures, metrics.MeasureState{MetricID: m.ID, Name: m.Name, Classification: m.Classification, RAG: metrics.NoRAG})
			continue
		}
		area := metrics.HeadlineArea(view.AreasOf(obs), "")
		a := metrics.Analyse(m, obs, area, metrics.DefaultBaselineYear, metrics.DefaultTolerance)
		st.Measures = append(st.Measures, metrics.MeasureStateOf(m, a, view.LatestOf(m, obs).Values, view.PackSPCPoints))
	}
	return st
}

// farFuture stands for "whatever is stored now" where a time is asked.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// financeState is the revenue monitoring of the latest month before the
// meeting, as stored at at; nil for viewers who may not see finance or
// when there is none.
func (s *Server) financeState(ctx context.Context, scope metrics.Scope, at, meeting time.Time) (*metrics.FinanceState, error) {
	if !scope.Sensitive {
		return nil, nil
	}
	p, lines, ok, err := s.store.RevenueAsOf(ctx, scope, at, meeting)
	if err != nil || !ok {
		return nil, err
	}
	return metrics.FinanceStateOf(p, lines, s.budget), nil
}

// addCycle sets the pack's finance state and its place in the cycle.
func (s *Server) addCycle(ctx context.Context, scope metrics.Scope, p *boardPackPage, meeting time.Time) error {
	var err error
	if p.State.Finance, err = s.financeState(ctx, scope, farFuture, meeting); err != nil {
		return err
	}
	cy, err := s.cycleOf(ctx, scope, meeting, p.State)
	if err != nil {
		return err
	}
	p.Cycle = cy
	return nil
}

// cycleOf is the meeting's calendar, action log and digest, for scope.
func (s *Server) cycleOf(ctx context.Context, scope metrics.Scope, meeting time.Time, now metrics.PackState) (*packCycle, error) {
	meetings, err := s.store.Meetings(ctx, scope)
	if err != nil {
		return nil, err
	}
	cy := &packCycle{}
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
	actions, err := s.store.Actions(ctx, scope, storeActionsAll)
	if err != nil {
		return nil, err
	}
	asOf := minDay(metrics.Day(s.now()), meeting)
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
	ms, err := s.store.ListMetrics(ctx, scope)
	if err != nil {
		return nil, err
	}
	for _, mt := range ms {
		units[mt.ID] = mt.Unit
	}
	cy.Digest = newDigestView(d, basis, prev, m, units, asOf)
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

func minDay(a, b time.Time) time.Time {
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
func (s *Server) previousState(ctx context.Context, scope metrics.Scope, prev metrics.Meeting) (metrics.PackState, string, error) {
	at := prev.Date
	basis := fmt.Sprintf("the figures as they stood on %s, the day of the meeting (no edition of its pack was published)", prev.Date.Format("2 January 2006"))
	if scope.Sensitive {
		e, err := s.store.LatestEdition(ctx, scope, prev.Date)
		switch {
		case err == nil:
			sn, err := unmarshalSnapshot(e.Content)
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
	series, err := s.store.SeriesAsOf(ctx, scope, at)
	if err != nil {
		return metrics.PackState{}, "", err
	}
	ms, err := s.store.ListMetrics(ctx, scope)
	if err != nil {
		return metrics.PackState{}, "", err
	}
	st := packStateOf(ms, series, prev.Date)
	if st.Finance, err = s.financeState(ctx, scope, at, prev.Date); err != nil {
		return metrics.PackState{}, "", err
	}
	return st, basis, nil
}

// digestView is the digest as the pack, its own page and the API say it.
type digestView struct {
	Since, SinceISO, Now, NowISO string
	// Basis says what the previous meeting is compared as.
	Basis string
	// Sections in the order the board reads them; empty ones left out.
	Sections []digestSection
	Empty    bool
	digest   metrics.Digest
}

type digestSection struct {
	ID, Title string
	Items     []digestItem
}

type digestItem struct {
	Text, Link string
}

func newDigestView(d metrics.Digest, basis string, prev, m metrics.Meeting, units map[string]string, asOf time.Time) *digestView {
	v := &digestView{Since: prev.Date.Format("2 January 2006"), SinceISO: prev.Date.Format(time.DateOnly), Now: m.Date.Format("2 January 2006"),
		NowISO: m.Date.Format(time.DateOnly), Basis: basis, Empty: d.Empty(), digest: d}
	add := func(id, title string, items []digestItem) {
		if len(items) > 0 {
			v.Sections = append(v.Sections, digestSection{ID: id, Title: title, Items: items})
		}
	}
	link := func(id string) string { return "/metrics/" + id }
	var items []digestItem
	for _, c := range d.NewlyOffTarget {
		items = append(items, digestItem{fmt.Sprintf("%s (%s, %s): off target, was %s.", c.Name, c.Area, periodWords(c.ToPeriod), strings.ToLower(c.From.Word())), link(c.MetricID)})
	}
	add("changes-off-target", "Newly off target", items)
	items = nil
	for _, c := range d.RAGChanges {
		if c.To == metrics.Red {
			continue // said above
		}
		items = append(items, digestItem{fmt.Sprintf("%s (%s): %s, was %s (%s, was %s).", c.Name, c.Area, c.To.Word(), strings.ToLower(c.From.Word()),
			periodWords(c.ToPeriod), periodWords(c.FromPeriod)), link(c.MetricID)})
	}
	add("changes-rag", "Other changes against target", items)
	items = nil
	for _, sc := range d.NewSignals {
		items = append(items, digestItem{fmt.Sprintf("%s (%s): %s", sc.Name, sc.Area, sc.Signal.Sentence), link(sc.MetricID)})
	}
	add("changes-new-signals", "New unusual changes (special causes)", items)
	items = nil
	for _, sc := range d.EndedSignals {
		items = append(items, digestItem{fmt.Sprintf("%s (%s): ended. It was: %s", sc.Name, sc.Area, sc.Signal.Sentence), link(sc.MetricID)})
	}
	add("changes-ended-signals", "Unusual changes that have ended", items)
	items = nil
	for _, r := range d.Revisions {
		u := units[r.MetricID]
		items = append(items, digestItem{fmt.Sprintf("%s, %s, %s: now %s, reported as %s.", r.Name, r.Area, r.Label, formatValue(r.Now, u), formatValue(r.Was, u)), link(r.MetricID)})
	}
	add("changes-revisions", "Figures revised since they were reported", items)
	items = nil
	for _, n := range d.NewMeasures {
		items = append(items, digestItem{Text: n + " has figures for the first time."})
	}
	add("changes-new-measures", "New measures", items)
	items = nil
	if f := d.Finance; f != nil {
		items = append(items, digestItem{fmt.Sprintf("Revenue forecast, %s: %s, %s; at %s it was %s, %s.", f.ToPeriod,
			varianceK(f.Total.NowVarianceGBP), f.ToStatus, f.FromPeriod, varianceK(f.Total.WasVarianceGBP), f.FromStatus), "/finance"})
		for _, a := range f.Areas {
			items = append(items, digestItem{Text: fmt.Sprintf("%s: %s, was %s (%s).", a.Area, presentVariance(a.NowVarianceGBP, a.NowPresent),
				presentVariance(a.WasVarianceGBP, a.WasPresent), movementWords(a.MovementGBP()))})
		}
	}
	add("changes-finance", "Finance: the variance by business area", items)
	items = nil
	for _, a := range d.ActionsClosed {
		items = append(items, digestItem{fmt.Sprintf("%s (%s): %s.", strings.TrimSuffix(a.Text, "."), a.Owner, strings.ToLower(a.StatusAt(asOf).Word())), fmt.Sprintf("/actions/%d", a.ID)})
	}
	add("changes-actions-closed", "Actions closed since the last meeting", items)
	items = nil
	for _, a := range d.ActionsOverdue {
		items = append(items, digestItem{fmt.Sprintf("%s (%s): due %s.", strings.TrimSuffix(a.Text, "."), a.Owner, a.Due.Format("2 Jan 2006")), fmt.Sprintf("/actions/%d", a.ID)})
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
	return varianceK(v)
}

func movementWords(m int64) string {
	if m == 0 {
		return "no movement"
	}
	return metrics.FormatMovement(m, 0)
}

// changesPage is the digest on a page of its own.
type changesPage struct {
	Page
	Meeting, MeetingISO string
	Cycle               *packCycle
}

// handleChanges shows what changed since the last meeting, for
// ?meeting= or the next meeting.
func (s *Server) handleChanges(c echo.Context) error {
	return s.renderShared(c, []string{"meeting"}, func() (sharedPage, error) {
		meeting, err := s.packMeeting(c)
		if err != nil {
			return sharedPage{}, err
		}
		cy, err := s.liveCycle(c, meeting)
		if err != nil {
			return sharedPage{}, err
		}
		p := changesPage{Page: s.page(c, "What changed since the last meeting"), Meeting: meeting.Format("2 January 2006"), MeetingISO: meeting.Format(time.DateOnly), Cycle: cy}
		p.Sensitive = auth.Scope(c).Sensitive
		return sharedPage{name: "boardpack_changes", data: &p, keep: asGiven(c, "meeting", meeting.Format(time.DateOnly))}, nil
	})
}

// liveCycle is a meeting's cycle from the current figures, as the pack
// would show it to the viewer.
func (s *Server) liveCycle(c echo.Context, meeting time.Time) (*packCycle, error) {
	ctx, scope := c.Request().Context(), auth.Scope(c)
	built, err := s.packMeasures(ctx, scope, meeting)
	if err != nil {
		return nil, err
	}
	st := built.State
	if st.Finance, err = s.financeState(ctx, scope, farFuture, meeting); err != nil {
		return nil, err
	}
	return s.cycleOf(ctx, scope, meeting, st)
}

// apiChanges is the digest in the JSON API.
type apiChanges struct {
	Meeting         string            `json:"meeting"`
	PreviousMeeting string            `json:"previous_meeting"`
	Basis           string            `json:"basis"`
	NewSignals      []apiSignalChange `json:"new_signals"`
	EndedSignals    []apiSignalChange `json:"ended_signals"`
	RAGChanges      []apiRAGChange    `json:"rag_changes"`
	NewlyOffTarget  []apiRAGChange    `json:"newly_off_target"`
	Revisions       []apiRevision     `json:"revisions"`
	Finance         *apiFinanceMove   `json:"finance"`
	ActionsClosed   []apiAction       `json:"actions_closed"`
	ActionsOverdue  []apiAction       `json:"actions_overdue"`
}

type apiSignalChange struct {
	Metric   string `json:"metric"`
	Area     string `json:"area"`
	Rule     string `json:"rule"`
	Side     string `json:"side"`
	From     string `json:"from_period"`
	To       string `json:"to_period"`
	Concern  bool   `json:"concern"`
	Sentence string `json:"sentence"`
}

type apiRAGChange struct {
	Metric     string `json:"metric"`
	Area       string `json:"area"`
	From       string `json:"from"`
	To         string `json:"to"`
	FromPeriod string `json:"from_period"`
	ToPeriod   string `json:"to_period"`
}

type apiRevision struct {
	Metric string  `json:"metric"`
	Area   string  `json:"area"`
	Period string  `json:"period"`
	Was    float64 `json:"was"`
	Now    float64 `json:"now"`
}

type apiFinanceMove struct {
	FromPeriod string        `json:"from_period"`
	ToPeriod   string        `json:"to_period"`
	FromStatus string        `json:"from_status"`
	ToStatus   string        `json:"to_status"`
	Total      apiAreaMove   `json:"total"`
	Areas      []apiAreaMove `json:"business_areas"`
	Convention string        `json:"sign_convention"`
}

type apiAreaMove struct {
	Area        string `json:"business_area"`
	WasVariance int64  `json:"was_variance_gbp"`
	NowVariance int64  `json:"variance_gbp"`
	Movement    int64  `json:"movement_gbp"`
}

func signalChanges(in []metrics.SignalChange) []apiSignalChange {
	out := []apiSignalChange{}
	for _, s := range in {
		out = append(out, apiSignalChange{s.MetricID, s.Area, s.Signal.Rule, s.Signal.Side, s.Signal.From, s.Signal.To, s.Signal.Concern, s.Signal.Sentence})
	}
	return out
}

func ragChanges(in []metrics.RAGChange) []apiRAGChange {
	out := []apiRAGChange{}
	for _, c := range in {
		out = append(out, apiRAGChange{c.MetricID, c.Area, string(c.From), string(c.To), c.FromPeriod, c.ToPeriod})
	}
	return out
}

// handleAPIChanges answers what changed since the last meeting, for the
// meeting on :date, as the viewer may see it.
func (s *Server) handleAPIChanges(c echo.Context) error {
	meeting, err := time.Parse(time.DateOnly, c.Param("date"))
	if err != nil {
		return metrics.Errorf(metrics.EINVALID, "The meeting date must be written as 2022-02-10, not %q.", c.Param("date"))
	}
	return s.sharedJSON(c, nil, func() (any, bool, error) {
		if _, err := s.store.Meeting(c.Request().Context(), auth.Scope(c), meeting); err != nil {
			return nil, false, err
		}
		cy, err := s.liveCycle(c, meeting)
		if err != nil {
			return nil, false, err
		}
		out := apiChanges{Meeting: meeting.Format(time.DateOnly), NewSignals: []apiSignalChange{}, EndedSignals: []apiSignalChange{}, RAGChanges: []apiRAGChange{},
			NewlyOffTarget: []apiRAGChange{}, Revisions: []apiRevision{}, ActionsClosed: []apiAction{}, ActionsOverdue: []apiAction{}}
		if cy.Digest == nil {
			return out, true, nil
		}
		d := cy.Digest.digest
		out.PreviousMeeting, out.Basis = cy.Digest.SinceISO, cy.Digest.Basis
		out.NewSignals, out.EndedSignals = signalChanges(d.NewSignals), signalChanges(d.EndedSignals)
		out.RAGChanges, out.NewlyOffTarget = ragChanges(d.RAGChanges), ragChanges(d.NewlyOffTarget)
		for _, r := range d.Revisions {
			out.Revisions = append(out.Revisions, apiRevision{r.MetricID, r.Area, r.Period, r.Was, r.Now})
		}
		if f := d.Finance; f != nil {
			mv := func(a metrics.AreaMovement) apiAreaMove {
				return apiAreaMove{a.Area, a.WasVarianceGBP, a.NowVarianceGBP, a.MovementGBP()}
			}
			out.Finance = &apiFinanceMove{FromPeriod: f.FromPeriod, ToPeriod: f.ToPeriod, FromStatus: string(f.FromStatus), ToStatus: string(f.ToStatus),
				Total: mv(f.Total), Areas: []apiAreaMove{}, Convention: signConvention}
			for _, a := range f.Areas {
				out.Finance.Areas = append(out.Finance.Areas, mv(a))
			}
		}
		asOf := minDay(metrics.Day(s.now()), meeting)
		for _, a := range d.ActionsClosed {
			out.ActionsClosed = append(out.ActionsClosed, toAPIAction(a, asOf))
		}
		for _, a := range d.ActionsOverdue {
			out.ActionsOverdue = append(out.ActionsOverdue, toAPIAction(a, asOf))
		}
		return out, true, nil
	})
}

// signConvention is said wherever a variance is.
const signConvention = "variance = forecast outturn - budget: negative is an underspend, positive an overspend"

// storeActionsAll lists every action the viewer may see.
var storeActionsAll = store.ActionFilter{}
