package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/boardpack"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

// The board pack's routes: the handlers read the request, build the
// pack with dashboard/boardpack from the server's store, cache and
// settings, and render it with the server's templates.

// boardPackPage is the board pack on a page: the pack (see
// boardpack.Pack), and what the page adds for its reader.
type boardPackPage struct {
	Page
	boardpack.Pack

	// The editions (see boardpack/edition.go). Edition is set on a page
	// that shows a frozen edition. On the live pack, Published is the
	// meeting's latest edition and Changes what differs from it;
	// CanPublish shows the publish form, whose SHA256 names the pack as
	// shown. Notice confirms a publication.
	Edition, Published *boardpack.Edition
	Changes            []boardpack.Change
	CanPublish         bool
	SHA256             string
	Notice             string

	// CanPDF says whether the server makes the pack's PDF itself (see
	// boardpack_pdf.go); without it the download explains how to print.
	CanPDF bool
}

// packSource is what the pack is read from: this server's store, clock
// and budget thresholds.
func (s *Server) packSource() boardpack.Source {
	return boardpack.Source{Store: s.store, Now: s.now, Budget: s.budget}
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
	p := boardPackPage{Page: s.page(c, "Board pack"), CanPDF: s.printer != nil}
	built, err := s.packMeasures(ctx, scope, meeting)
	if err != nil {
		return p, err
	}
	p.Pack = boardpack.NewPack(meeting, built)
	p.PrintCSS = boardpack.PrintCSS(p.MeetingISO, "", 0)
	p.Sensitive = built.Sensitive
	if p.Open, err = s.openPack(ctx, meeting); err != nil {
		return p, err
	}
	if p.Finance, err = s.packSource().ReadFinance(ctx, scope, meeting); err != nil {
		return p, err
	}
	if err := s.packSource().AddContext(ctx, scope, &p.Pack, meeting); err != nil {
		return p, err
	}
	if p.ResponseTimes, err = s.packResponseTimesFor(ctx, scope, meeting); err != nil {
		return p, err
	}
	if err := s.packSource().AddCycle(ctx, scope, &p.Pack, meeting); err != nil {
		return p, err
	}
	p.AddMeasureActions()
	p.Sensitive = p.Sensitive || p.Finance != nil || p.ResponseTimes != nil
	return p, nil
}

// packMeasures analyses every measure for a meeting: the part of the
// pack that depends only on the figures and the catalogue, cached until
// they change (see viewCache).
func (s *Server) packMeasures(ctx context.Context, scope metrics.Scope, meeting time.Time) (boardpack.Measures, error) {
	// Figures are judged on time by the meeting's papers deadline.
	papers, err := s.packSource().PapersDay(ctx, meeting)
	if err != nil {
		return boardpack.Measures{}, err
	}
	key := fmt.Sprintf("boardpack/%t/%s/%s", scope.Sensitive, meeting.Format(time.DateOnly), papers.Format(time.DateOnly))
	v, err := s.views.get(ctx, s.dataVersion, key, func() (any, error) {
		// Not the request's context: other requests may be waiting on
		// this computation, or none.
		ctx := context.WithoutCancel(ctx)
		ms, err := s.store.ListMetrics(ctx, scope)
		if err != nil {
			return nil, err
		}
		// Read here, not through s.settings: that is kept in this
		// cache too, whose computations take turns.
		set, err := s.store.Settings(ctx)
		if err != nil {
			return nil, err
		}
		series, err := view.HeadlineSeries(ctx, s.store, scope, meeting, set.HomeArea)
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
		// Part 1's charts and Part 2's share a page: their ids differ.
		prefix := "bp-"
		if !scope.Sensitive {
			prefix = "bpo-"
		}
		return boardpack.Analyse(ms, series, changes, meeting, prefix, fresh, set)
	})
	if err != nil {
		return boardpack.Measures{}, err
	}
	return v.(boardpack.Measures), nil
}

// packResponseTimesFor summarises the response times of the quarter
// before the meeting, for viewers who may see sensitive data (incidents
// always are); nil for anyone else, or when the quarter has none.
func (s *Server) packResponseTimesFor(ctx context.Context, scope metrics.Scope, meeting time.Time) (*boardpack.ResponseTimes, error) {
	if !scope.Sensitive {
		return nil, nil
	}
	recs, err := s.store.Incidents(ctx, scope)
	if err != nil {
		return nil, err
	}
	q := boardpack.Quarter(meeting)
	var priorities []string
	for _, r := range recs {
		if !r.Month.Start.Before(q.Start) && !r.Month.End.After(q.End) && !slices.Contains(priorities, r.Priority) {
			priorities = append(priorities, r.Priority)
		}
	}
	if len(priorities) == 0 {
		return nil, nil
	}
	slices.Sort(priorities)
	priority, _ := choosePriority(priorities, "")
	out := &boardpack.ResponseTimes{Quarter: q.Label(), Priority: priority}
	var incs []metrics.Incident
	var months []metrics.Period
	for _, r := range recs {
		if r.Priority != priority || r.Month.Start.Before(q.Start) || r.Month.End.After(q.End) {
			continue
		}
		incs = append(incs, r.Incident)
		if !slices.ContainsFunc(months, func(m metrics.Period) bool { return m.Key() == r.Month.Key() }) {
			months = append(months, r.Month)
		}
		out.Sources = addSource(out.Sources, r)
	}
	slices.SortFunc(months, metrics.ComparePeriods)
	_, targets, err := s.responseSettings(ctx, scope)
	if err != nil {
		return nil, err
	}
	st, err := metrics.ResponseStatistics(incs, targets, 0)
	if err != nil {
		return nil, fmt.Errorf("board pack response times: %w", err)
	}
	out.From, out.To = months[0].Label(), months[len(months)-1].Label()
	out.Count = formatCount(float64(st.Count))
	out.Mean, out.Median, out.P90 = minutesText(st.Mean), minutesText(st.Median), minutesText(st.P90)
	out.MeanWithout, out.OutlierCount = minutesText(st.MeanWithoutOutliers), len(st.Outliers)
	out.Within = fmt.Sprintf("%s (%s of %s)", formatPercent(st.WithinTargetShare), formatCount(float64(st.WithinTarget)), formatCount(float64(st.Count)))
	return out, nil
}

// openPack builds Part 1 for a meeting: the analyses of the open
// measures (kept until the data version moves, as the whole pack's are)
// and their annotations before the meeting.
func (s *Server) openPack(ctx context.Context, meeting time.Time) (*boardpack.Open, error) {
	built, err := s.packMeasures(ctx, metrics.Public, meeting)
	if err != nil {
		return nil, err
	}
	return s.packSource().OpenPart(ctx, built, meeting)
}

// openPackPage is Part 1 on its own: what is printed or published.
type openPackPage struct {
	Page
	Meeting, MeetingISO string
	Open                *boardpack.Open
	// Generated says when a published copy was made; empty when served.
	Generated string
}

// openPackPageFor is Part 1 of a meeting's pack on a page of its own.
func (s *Server) openPackPageFor(ctx context.Context, pg Page, meeting time.Time) (openPackPage, error) {
	o, err := s.openPack(ctx, meeting)
	if err != nil {
		return openPackPage{}, err
	}
	return openPackPage{Page: pg, Meeting: meeting.Format("2 January 2006"), MeetingISO: meeting.Format(time.DateOnly), Open: o}, nil
}

// handleBoardPackOpen shows Part 1 alone, as `assure publish --meeting`
// writes it: to read, print or check before it is published.
func (s *Server) handleBoardPackOpen(c echo.Context) error {
	return s.renderShared(c, []string{"meeting"}, func() (sharedPage, error) {
		meeting, err := meetingParam(c, s.now())
		if err != nil {
			return sharedPage{}, err
		}
		page := s.page(c, "Board pack, part 1: open")
		page.PrintCSS = boardpack.PrintCSS(meeting.Format(time.DateOnly), "open", 0)
		p, err := s.openPackPageFor(c.Request().Context(), page, meeting)
		if err != nil {
			return sharedPage{}, err
		}
		return sharedPage{name: "boardpack_open", data: &p, keep: asGiven(c, "meeting", meeting.Format(time.DateOnly))}, nil
	})
}

// handleBoardPackPublish freezes the pack of a meeting as its next
// edition, provided it is still the pack the publisher was looking at.
func (s *Server) handleBoardPackPublish(c echo.Context) error {
	u := auth.User(c)
	if err := auth.MayPublishEdition(c); err != nil {
		return err
	}
	meeting, err := time.Parse(time.DateOnly, c.FormValue("meeting"))
	if err != nil {
		return metrics.Errorf(metrics.EINVALID, "The meeting date must be written as 2022-02-10, not %q.", c.FormValue("meeting"))
	}
	p, err := s.livePack(c, meeting)
	if err != nil {
		return err
	}
	content, sum, err := boardpack.Marshal(boardpack.SnapshotOf(p.Pack, p.Sensitive))
	if err != nil {
		return err
	}
	if seen := c.FormValue("sha256"); seen != sum {
		return metrics.Errorf(metrics.ECONFLICT, "The pack has changed since you opened it (new figures, commentary or annotations). Go back, reload the pack, check it and publish again.")
	}
	e, created, err := s.store.PublishEdition(c.Request().Context(), meeting, u.Name, content)
	if err != nil {
		return err
	}
	if created {
		s.audit(c, u.Name, metrics.AuditEdition, fmt.Sprintf("meeting %s, edition %d (id %d, sha256 %s)", meeting.Format(time.DateOnly), e.Number, e.ID, e.SHA256))
	}
	return c.Redirect(http.StatusSeeOther, boardpack.NewEdition(e).Link+"?published="+strconv.FormatBool(created))
}

type editionsPage struct {
	Page
	Editions []*boardpack.Edition
}

// handleEditions lists the published editions, the latest meeting first.
func (s *Server) handleEditions(c echo.Context) error {
	if err := auth.MayReadEditions(c); err != nil {
		return err
	}
	es, err := s.store.Editions(c.Request().Context(), auth.Scope(c))
	if err != nil {
		return err
	}
	p := editionsPage{Page: s.page(c, "Published board packs")}
	p.Sensitive = true
	for _, e := range es {
		p.Editions = append(p.Editions, boardpack.NewEdition(e))
	}
	return s.renderOK(c, "boardpack_editions", p)
}

// handleEdition shows a published edition exactly as it was frozen.
func (s *Server) handleEdition(c echo.Context) error {
	if err := auth.MayReadEditions(c); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	e, err := s.store.Edition(c.Request().Context(), auth.Scope(c), id)
	if err != nil {
		return err
	}
	sn, err := boardpack.Unmarshal(e.Content)
	if err != nil {
		return err
	}
	ev := boardpack.NewEdition(e)
	p := boardPackPage{Page: s.page(c, fmt.Sprintf("Board pack for %s, edition %d", ev.Meeting, e.Number))}
	if p.Pack, p.Sensitive, err = sn.Pack(); err != nil {
		return err
	}
	p.Edition = ev
	p.PrintCSS = boardpack.PrintCSS(ev.MeetingISO, "", e.Number)
	if p.Withdrawn, err = s.packSource().Withdrawn(c.Request().Context(), p.Open); err != nil {
		return err
	}
	switch c.QueryParam("published") {
	case "true":
		p.Notice = fmt.Sprintf("Published as edition %d.", e.Number)
	case "false":
		p.Notice = fmt.Sprintf("Nothing has changed since edition %d, so no new edition was made.", e.Number)
	}
	return s.renderOK(c, "boardpack", p)
}

// addEditionState sets what the live pack says of its editions: the
// latest one published for the meeting and what has changed since, and
// the publish form for those who may publish.
func (s *Server) addEditionState(c echo.Context, p *boardPackPage, meeting time.Time) error {
	scope := auth.Scope(c)
	if !scope.Sensitive {
		return nil
	}
	sn := boardpack.SnapshotOf(p.Pack, p.Sensitive)
	if auth.User(c).CanPublishBoardPack() {
		_, sum, err := boardpack.Marshal(sn)
		if err != nil {
			return err
		}
		p.CanPublish, p.SHA256 = true, sum
	}
	e, err := s.store.LatestEdition(c.Request().Context(), scope, meeting)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	was, err := boardpack.Unmarshal(e.Content)
	if err != nil {
		return err
	}
	p.Published = boardpack.NewEdition(e)
	p.Changes = boardpack.Changes(was, sn)
	return nil
}

// handleBoardPackPrintCSS answers /boardpack/print.css.
func (s *Server) handleBoardPackPrintCSS(c echo.Context) error {
	meeting, err := meetingParam(c, s.now())
	if err != nil {
		return err
	}
	part := c.QueryParam("part")
	if part != "" && part != "open" {
		return metrics.Errorf(metrics.EINVALID, "the part of a pack is open or none, not %q", part)
	}
	edition := 0
	if v := c.QueryParam("edition"); v != "" {
		if edition, err = strconv.Atoi(v); err != nil || edition < 1 {
			return metrics.Errorf(metrics.EINVALID, "an edition is a number from 1, not %q", v)
		}
	}
	css := boardpack.Stylesheet(meeting, part, edition)
	// Not kept by the browser: like every signed-in answer it is no-store,
	// since it names a meeting of a pack the reader was allowed to see.
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", []byte(css))
}
