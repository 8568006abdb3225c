package boardpack

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

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

// Open is Part 1.
type Open struct {
	// UpTo says how far the open measures' figures go.
	UpTo []string
	// Exceptions are the open measures that are exceptions, the most
	// serious first: the part's summary.
	Exceptions []Measure
	// National are the open measures of the National Crime and Policing
	// Measures, in their published order; Others the other open
	// measures, exceptions first.
	National, Others []Measure
	// NoFigures are the open measures with no figure before the meeting.
	NoFigures []metrics.Metric
}

// OpenPart builds Part 1 for a meeting from its open measures (built
// with the public's scope) and their annotations before the meeting, as
// the public reads them.
func (s Source) OpenPart(ctx context.Context, built Measures, meeting time.Time) (*Open, error) {
	anns, err := s.Store.AllAnnotations(ctx, metrics.Public)
	if err != nil {
		return nil, err
	}
	annotate := func(pm *Measure) {
		pm.Annotations = view.NewAnnotations(AnnotationsBefore(anns, pm.Metric.ID, meeting))
	}
	return splitOpen(built.UpTo, built.Exceptions, built.Others, built.NoFigures, annotate)
}

// splitOpen lays open measures, exceptions first, out as Part 1,
// copying each and setting its context with annotate. It refuses a
// measure that is not open: Part 1 is built from open measures alone,
// and this checks it once more.
func splitOpen(upTo []string, exceptions, others []Measure, noFigures []metrics.Metric, annotate func(*Measure)) (*Open, error) {
	o := &Open{UpTo: upTo}
	for _, pm := range slices.Concat(exceptions, others) {
		if pm.Metric.Classification != metrics.Open {
			return nil, fmt.Errorf("the open part of the board pack was given the %s measure %q", pm.Metric.Classification, pm.Metric.ID)
		}
		pm.Commentary = nil
		annotate(&pm)
		if pm.Exception() {
			o.Exceptions = append(o.Exceptions, pm)
		}
		if _, national := view.IsNational(pm.Metric.Category); national {
			o.National = append(o.National, pm)
		} else {
			o.Others = append(o.Others, pm)
		}
	}
	slices.SortStableFunc(o.National, func(a, b Measure) int {
		i, _ := view.IsNational(a.Metric.Category)
		j, _ := view.IsNational(b.Metric.Category)
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
func openOfEdition(sn Snapshot) (*Open, error) {
	isOpen := func(pm Measure) bool { return pm.Metric.Classification == metrics.Open }
	keep := func(list []Measure) []Measure {
		return slices.DeleteFunc(slices.Clone(list), func(pm Measure) bool { return !isOpen(pm) })
	}
	none := slices.DeleteFunc(slices.Clone(sn.NoFigures), func(m metrics.Metric) bool { return m.Classification != metrics.Open })
	return splitOpen(sn.UpTo, keep(sn.Exceptions), keep(sn.Others), none, func(pm *Measure) {
		pm.Annotations = slices.Clone(pm.Annotations)
		for i := range pm.Annotations {
			pm.Annotations[i].By = ""
		}
	})
}

// Withdrawn names the measures of a frozen Part 1 that the
// catalogue no longer has open: an edition keeps what was shown, but
// must not go on saying that it may be published.
func (s Source) Withdrawn(ctx context.Context, o *Open) ([]string, error) {
	open, err := s.Store.ListMetrics(ctx, metrics.Public)
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
