package dashboard

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/boardpack"
	"github.com/assure-pcc/assure/metrics"
)

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

// changesPage is the digest on a page of its own.
type changesPage struct {
	Page
	Meeting, MeetingISO string
	Cycle               *boardpack.Cycle
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
func (s *Server) liveCycle(c echo.Context, meeting time.Time) (*boardpack.Cycle, error) {
	ctx, scope := c.Request().Context(), auth.Scope(c)
	built, err := s.packMeasures(ctx, scope, meeting)
	if err != nil {
		return nil, err
	}
	st := built.State
	if st.Finance, err = s.packSource().FinanceState(ctx, scope, boardpack.FarFuture, meeting); err != nil {
		return nil, err
	}
	return s.packSource().CycleOf(ctx, scope, meeting, st)
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
		d := cy.Digest.Compared()
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
				Total: mv(f.Total), Areas: []apiAreaMove{}, Convention: boardpack.SignConvention}
			for _, a := range f.Areas {
				out.Finance.Areas = append(out.Finance.Areas, mv(a))
			}
		}
		asOf := boardpack.MinDay(metrics.Day(s.now()), meeting)
		for _, a := range d.ActionsClosed {
			out.ActionsClosed = append(out.ActionsClosed, toAPIAction(a, asOf))
		}
		for _, a := range d.ActionsOverdue {
			out.ActionsOverdue = append(out.ActionsOverdue, toAPIAction(a, asOf))
		}
		return out, true, nil
	})
}
