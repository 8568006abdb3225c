package dashboard

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The board pack: what the Business Coordination Board reads before a
// meeting. It holds the figures whose period had ended before the meeting
// date (the latest month or quarter available then), exceptions first,
// then every measure with its SPC chart and figures, and the latest
// finance month; it prints as a document, one measure per page.
//
// It comes in two parts. Part 1, open, is built as the public would see
// it (open measures only, their annotations without names, no
// commentary), so that it can be published as it is: it carries the
// National Crime and Policing Measures, which the Specified Information
// Order requires the Commissioner to publish. Part 2, confidential, holds
// the rest: the sensitive measures, finance, response times and the
// commentary on every measure. See boardpack_open.go.

type boardPackPage struct {
	Page
	// Meeting is the meeting date in words; MeetingISO as the date input
	// takes it.
	Meeting, MeetingISO string
	// UpTo says how far the figures go, by kind of period.
	UpTo []string
	// Exceptions and Others are every measure, exceptions first, as
	// those who may see everything see them; Part 2 shows the sensitive
	// ones (see Confidential).
	Exceptions, Others []packMeasure
	// NoFigures are the measures with no figure before the meeting.
	NoFigures []metrics.Metric
	// Open is Part 1, built from the open measures alone.
	Open *packOpen
	// Withdrawn, on an edition, names the measures of its Part 1 that
	// are no longer open: that Part 1 may no longer be published.
	Withdrawn []string
	// Finance is the latest finance month before the meeting, nil when
	// none is held.
	Finance *packFinance
	// ResponseTimes summarise the quarter before the meeting, nil when
	// there are no incidents for it (see boardpack_context.go).
	ResponseTimes *packResponseTimes

	// The editions (see boardpack_edition.go). Edition is set on a page
	// that shows a frozen edition. On the live pack, Published is the
	// meeting's latest edition and Changes what differs from it;
	// CanPublish shows the publish form, whose SHA256 names the pack as
	// shown. Notice confirms a publication.
	Edition, Published *editionView
	Changes            []packChange
	CanPublish         bool
	SHA256             string
	Notice             string

	// State is the pack reduced to what the digest compares, and Cycle
	// the meeting's place in the board cycle: the calendar, the action
	// log and what changed since the last meeting (see cycle_pack.go).
	State metrics.PackState
	Cycle *packCycle
	// CanPDF says whether the server makes the pack's PDF itself (see
	// boardpack_pdf.go); without it the download explains how to print.
	CanPDF bool
}

// packMeasure is one measure of the pack: its tile (latest values,
// exception reasons, standing by area) and its headline area's analysis.
type packMeasure struct {
	view.Tile
	Anchor   string
	Analysis view.Analysis
	// Commentary is the analyst's commentary for the measure's period,
	// nil when none; Annotations those on its timeline before the
	// meeting.
	Commentary  *packCommentary
	Annotations []view.Annotation
	// Actions are the actions from previous meetings on the measure
	// (see addMeasureActions).
	Actions []view.Action
}

// meetingParam reads ?meeting=YYYY-MM-DD; empty means today.
func meetingParam(c echo.Context, now time.Time) (time.Time, error) {
	s := strings.TrimSpace(c.QueryParam("meeting"))
	if s == "" {
		return meetingDay(now), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 1900 || t.Year() > 9998 {
		return time.Time{}, metrics.Errorf(metrics.EINVALID, "the meeting date must be a date written as 2022-02-10, not %q", s)
	}
	return t, nil
}

// meetingDay is the meeting of the day of now, as a pack names it.
func meetingDay(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

func (s *Server) handleBoardPack(c echo.Context) error {
	return s.renderShared(c, []string{"meeting"}, func() (sharedPage, error) {
		meeting, err := s.packMeeting(c)
		if err != nil {
			return sharedPage{}, err
		}
		p, err := s.livePack(c, meeting)
		if err != nil {
			return sharedPage{}, err
		}
		if err := s.addEditionState(c, &p, meeting); err != nil {
			return sharedPage{}, err
		}
		return sharedPage{name: "boardpack", data: &p, keep: asGiven(c, "meeting", meeting.Format(time.DateOnly))}, nil
	})
}

// livePack builds the pack of a meeting from the current figures, as the
// page shows it and as publishing freezes it.
func (s *Server) livePack(c echo.Context, meeting time.Time) (boardPackPage, error) {
	ctx, scope := c.Request().Context(), auth.Scope(c)
	p := boardPackPage{Page: s.page(c, "Board pack"), Meeting: meeting.Format("2 January 2006"), MeetingISO: meeting.Format(time.DateOnly), CanPDF: s.printer != nil}
	p.PrintCSS = packPrintCSS(p.MeetingISO, "", 0)
	built, err := s.packMeasures(ctx, scope, meeting)
	if err != nil {
		return p, err
	}
	p.UpTo, p.Exceptions, p.Others, p.NoFigures = built.UpTo, built.Exceptions, built.Others, built.NoFigures
	p.State = built.State
	p.Sensitive = built.Sensitive
	if p.Open, err = s.openPack(ctx, meeting); err != nil {
		return p, err
	}
	if p.Finance, err = s.packFinance(ctx, scope, meeting); err != nil {
		return p, err
	}
	if err := s.addPackContext(ctx, scope, &p, meeting); err != nil {
		return p, err
	}
	if p.ResponseTimes, err = s.packResponseTimesFor(ctx, scope, meeting); err != nil {
		return p, err
	}
	if err := s.addCycle(ctx, scope, &p, meeting); err != nil {
		return p, err
	}
	p.addMeasureActions()
	p.Sensitive = p.Sensitive || p.Finance != nil || p.ResponseTimes != nil
	return p, nil
}

// packMeasures analyses every measure for a meeting: the part of the
// pack that depends only on the figures and the catalogue, cached until
// they change (see viewCache).
func (s *Server) packMeasures(ctx context.Context, scope metrics.Scope, meeting time.Time) (boardPackPage, error) {
	// Figures are judged on time by the meeting's papers deadline.
	papers, err := s.papersDay(ctx, meeting)
	if err != nil {
		return boardPackPage{}, err
	}
	key := fmt.Sprintf("boardpack/%t/%s/%s", scope.Sensitive, meeting.Format(time.DateOnly), papers.Format(time.DateOnly))
	v, err := s.views.get(ctx, s.store.DataVersion, key, func() (any, error) {
		// Not the request's context: other requests may be waiting on
		// this computation, or none.
		ctx := context.WithoutCancel(ctx)
		ms, err := s.store.ListMetrics(ctx, scope)
		if err != nil {
			return nil, err
		}
		series, err := view.HeadlineSeries(ctx, s.store, scope, meeting)
		if err != nil {
			return nil, err
		}
		fresh, err := s.freshnessOn(ctx, scope, papers)
		if err != nil {
			return nil, err
		}
		changes, err := s.changePoints(ctx, scope)
		if err != nil {
			return nil, err
		}
		var built boardPackPage
		// Part 1's charts and Part 2's share a page: their ids differ.
		prefix := "bp-"
		if !scope.Sensitive {
			prefix = "bpo-"
		}
		if err := built.build(ms, series, changes, meeting, prefix, fresh); err != nil {
			return nil, err
		}
		built.State = packStateOf(ms, series, meeting)
		return built, nil
	})
	if err != nil {
		return boardPackPage{}, err
	}
	return v.(boardPackPage), nil
}

// build analyses every measure from the figures whose period ended
// before the meeting; its charts' ids begin with prefix.
func (p *boardPackPage) build(ms []metrics.Metric, series map[string][]metrics.Observation, changes map[string][]metrics.ChangePoint, meeting time.Time, prefix string, fresh freshness) error {
	var lvs []store.LatestValue
	obsOf := map[string][]metrics.Observation{}
	for _, m := range ms {
		// Even a measure listed by name only marks the pack: its name is
		// no more for the public than its figures.
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
	newest := view.NewestOf(lvs)
	p.UpTo = upToPhrases(newest)
	newestFor := fresh.newest(lvs)
	var all []packMeasure
	for i, lv := range lvs {
		m, obs := lv.Metric, obsOf[lv.Metric.ID]
		t := view.NewTile(lv, metrics.Settings{})
		if err := view.AnalyseTile(&t, lv, obs, newestFor(m.ID), "", changes[m.ID]); err != nil {
			return err
		}
		fresh.apply(&t, lv)
		a, err := view.BuildAnalysisWith(m, obs, metrics.HeadlineArea(view.AreasOf(obs), ""), metrics.DefaultBaselineYear, fmt.Sprintf("%s%d", prefix, i), nil, changes[m.ID], view.PackSPCPoints)
		if err != nil {
			return err
		}
		all = append(all, packMeasure{Tile: t, Anchor: "m-" + m.ID, Analysis: a})
	}
	p.Exceptions, p.Others = metrics.ExceptionsFirst(all, func(pm packMeasure) metrics.Severity { return pm.Severity() })
	return nil
}

// upToPhrases say how far the figures go: "monthly measures to Jan 2022".
func upToPhrases(newest map[metrics.PeriodKind]metrics.Period) []string {
	var out []string
	for _, k := range []metrics.PeriodKind{metrics.Month, metrics.Quarter, metrics.FinancialYear, metrics.CalendarYear, metrics.YearEnding} {
		if p, ok := newest[k]; ok {
			out = append(out, fmt.Sprintf("measures by %s to %s", view.KindWord(k), p.Label()))
		}
	}
	return out
}

// addMeasureActions sets beside each measure the actions from previous
// meetings that are about it. Part 1 is for publication: there, only the
// actions marked open.
func (p *boardPackPage) addMeasureActions() {
	if p.Cycle == nil {
		return
	}
	on := func(pm *packMeasure, openOnly bool) {
		pm.Actions = nil
		for _, a := range p.Cycle.Actions {
			if slices.Contains(a.Metrics, pm.Metric.ID) && (a.Open || !openOnly) {
				pm.Actions = append(pm.Actions, a)
			}
		}
	}
	// Copied first: the measures may be shared with the cache.
	p.Exceptions, p.Others = slices.Clone(p.Exceptions), slices.Clone(p.Others)
	for _, list := range [][]packMeasure{p.Exceptions, p.Others} {
		for i := range list {
			on(&list[i], false)
		}
	}
	if p.Open == nil {
		return
	}
	o := *p.Open
	o.Exceptions, o.National, o.Others = slices.Clone(o.Exceptions), slices.Clone(o.National), slices.Clone(o.Others)
	for _, list := range [][]packMeasure{o.National, o.Others} {
		for i := range list {
			on(&list[i], true)
		}
	}
	p.Open = &o
}
