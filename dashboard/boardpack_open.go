package dashboard

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

// Part 1 of the board pack, open: what can be published as it is. It is
// built with the public's scope from the start, never cut out of the
// whole pack, so that nothing in it can come from a sensitive measure:
// not a figure, not a name, and not the periods that "how far the
// figures go" and "not up to date" are worked out from. Its annotations
// are read as the public reads them (no names) and it has no commentary,
// which is for the board and goes in Part 2.

// packOpen is Part 1.
type packOpen struct {
	// UpTo says how far the open measures' figures go.
	UpTo []string
	// Exceptions are the open measures that are exceptions, the most
	// serious first: the part's summary.
	Exceptions []packMeasure
	// National are the open measures of the National Crime and Policing
	// Measures, in their published order; Others the other open
	// measures, exceptions first.
	National, Others []packMeasure
	// NoFigures are the open measures with no figure before the meeting.
	NoFigures []metrics.Metric
}

// openPack builds Part 1 for a meeting: the analyses of the open
// measures (kept until the data version moves, as the whole pack's are)
// and their annotations before the meeting.
func (s *Server) openPack(ctx context.Context, meeting time.Time) (*packOpen, error) {
	built, err := s.packMeasures(ctx, metrics.Public, meeting)
	if err != nil {
		return nil, err
	}
	anns, err := s.store.AllAnnotations(ctx, metrics.Public)
	if err != nil {
		return nil, err
	}
	annotate := func(pm *packMeasure) {
		pm.Annotations = view.NewAnnotations(annotationsBefore(anns, pm.Metric.ID, meeting))
	}
	return splitOpen(built.UpTo, built.Exceptions, built.Others, built.NoFigures, annotate)
}

// splitOpen lays open measures, exceptions first, out as Part 1,
// copying each and setting its context with annotate. It refuses a
// measure that is not open: Part 1 is built from open measures alone,
// and this checks it once more.
func splitOpen(upTo []string, exceptions, others []packMeasure, noFigures []metrics.Metric, annotate func(*packMeasure)) (*packOpen, error) {
	o := &packOpen{UpTo: upTo}
	for _, pm := range slices.Concat(exceptions, others) {
		if pm.Metric.Classification != metrics.Open {
			return nil, fmt.Errorf("the open part of the board pack was given the %s measure %q", pm.Metric.Classification, pm.Metric.ID)
		}
		pm.Commentary = nil
		annotate(&pm)
		if pm.Exception() {
			o.Exceptions = append(o.Exceptions, pm)
		}
		if _, national := isNational(pm.Metric.Category); national {
			o.National = append(o.National, pm)
		} else {
			o.Others = append(o.Others, pm)
		}
	}
	slices.SortStableFunc(o.National, func(a, b packMeasure) int {
		i, _ := isNational(a.Metric.Category)
		j, _ := isNational(b.Metric.Category)
		return cmp.Compare(i, j)
	})
	for _, m := range noFigures {
		if m.Classification != metrics.Open {
			return nil, fmt.Errorf("the open part of the board pack was given the %s measure %q", m.Classification, m.ID)
		}
		o.NoFigures = append(o.NoFigures, m)
	}
	return o, nil
}

// openOfEdition is Part 1 of an edition frozen before the pack had two
// parts: its open measures, without commentary or names. Editions are for
// signed-in readers only, so the summary sentences worked out from every
// measure are no leak there.
func openOfEdition(sn packSnapshot) (*packOpen, error) {
	isOpen := func(pm packMeasure) bool { return pm.Metric.Classification == metrics.Open }
	keep := func(list []packMeasure) []packMeasure {
		return slices.DeleteFunc(slices.Clone(list), func(pm packMeasure) bool { return !isOpen(pm) })
	}
	none := slices.DeleteFunc(slices.Clone(sn.NoFigures), func(m metrics.Metric) bool { return m.Classification != metrics.Open })
	return splitOpen(sn.UpTo, keep(sn.Exceptions), keep(sn.Others), none, func(pm *packMeasure) {
		pm.Annotations = slices.Clone(pm.Annotations)
		for i := range pm.Annotations {
			pm.Annotations[i].By = ""
		}
	})
}

// withdrawnSince names the measures of a frozen Part 1 that the
// catalogue no longer has open: an edition keeps what was shown, but
// must not go on saying that it may be published.
func (s *Server) withdrawnSince(ctx context.Context, o *packOpen) ([]string, error) {
	open, err := s.store.ListMetrics(ctx, metrics.Public)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, pm := range slices.Concat(o.National, o.Others) {
		if !slices.ContainsFunc(open, func(m metrics.Metric) bool { return m.ID == pm.Metric.ID }) {
			out = append(out, pm.Metric.Name)
		}
	}
	for _, m := range o.NoFigures {
		if !slices.ContainsFunc(open, func(o metrics.Metric) bool { return o.ID == m.ID }) {
			out = append(out, m.Name)
		}
	}
	return out, nil
}

// sensitiveOnly keeps the sensitive measures of a list.
func sensitiveOnly(list []packMeasure) []packMeasure {
	var out []packMeasure
	for _, pm := range list {
		if pm.Metric.Classification != metrics.Open {
			out = append(out, pm)
		}
	}
	return out
}

// ConfidentialExceptions and ConfidentialOthers are Part 2's measures,
// the sensitive ones, exceptions first.
func (p boardPackPage) ConfidentialExceptions() []packMeasure { return sensitiveOnly(p.Exceptions) }

// ConfidentialOthers: see ConfidentialExceptions.
func (p boardPackPage) ConfidentialOthers() []packMeasure { return sensitiveOnly(p.Others) }

// ConfidentialNoFigures are the sensitive measures with no figure before
// the meeting.
func (p boardPackPage) ConfidentialNoFigures() []metrics.Metric {
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
func (p boardPackPage) OpenCommentary() []packMeasure {
	var out []packMeasure
	for _, pm := range slices.Concat(p.Exceptions, p.Others) {
		if pm.Metric.Classification == metrics.Open && pm.Commentary != nil {
			out = append(out, pm)
		}
	}
	return out
}

// openPackPage is Part 1 on its own: what is printed or published.
type openPackPage struct {
	Page
	Meeting, MeetingISO string
	Open                *packOpen
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
		page.PrintCSS = packPrintCSS(meeting.Format(time.DateOnly), "open", 0)
		p, err := s.openPackPageFor(c.Request().Context(), page, meeting)
		if err != nil {
			return sharedPage{}, err
		}
		return sharedPage{name: "boardpack_open", data: &p, keep: asGiven(c, "meeting", meeting.Format(time.DateOnly))}, nil
	})
}
