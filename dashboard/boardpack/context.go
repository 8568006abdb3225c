package boardpack

import (
	"context"
	"slices"
	"time"

	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

// What the board pack sets beside each measure's figures: the analyst's
// commentary for the measure's period in the pack, and the annotations
// on its timeline before the meeting; and, once for the pack, a
// summary of the quarter's incident-level response times. They are read
// apart from the analysis of the figures, which is cached until the
// figures change, and laid on a copy of it.

// Commentary is a measure's current commentary for its pack period.
type Commentary struct {
	Period     string
	Paragraphs []string
	By         string
}

// ResponseTimes summarises a quarter's incident-level response
// times, as the response times page does for every month.
type ResponseTimes struct {
	Quarter, Priority                             string
	Count, Mean, Median, P90, Within, MeanWithout string
	OutlierCount                                  int
	From, To                                      string
	Sources                                       []string
}

// AddContext lays the commentary and annotations on the pack's
// measures. The measures are copied first: the page may share them with
// the cache.
func (s Source) AddContext(ctx context.Context, scope metrics.Scope, p *Pack, meeting time.Time) error {
	comms, err := s.Store.CurrentCommentary(ctx, scope)
	if err != nil {
		return err
	}
	anns, err := s.Store.AllAnnotations(ctx, scope)
	if err != nil {
		return err
	}
	p.Exceptions, p.Others = slices.Clone(p.Exceptions), slices.Clone(p.Others)
	for _, list := range [][]Measure{p.Exceptions, p.Others} {
		for i := range list {
			pm := &list[i]
			pm.Commentary = commentaryFor(comms, pm.Metric.ID, pm.Period)
			pm.Annotations = view.NewAnnotations(AnnotationsBefore(anns, pm.Metric.ID, meeting))
		}
	}
	return nil
}

// commentaryFor is a measure's current commentary for the period
// labelled period, nil when there is none.
func commentaryFor(comms []metrics.Commentary, metricID, period string) *Commentary {
	for _, c := range comms {
		if c.MetricID == metricID && c.Period.Label() == period {
			return &Commentary{Period: period, Paragraphs: view.Paragraphs(c.Text), By: view.Stamp(c.Author, c.WrittenAt)}
		}
	}
	return nil
}

// AnnotationsBefore are the annotations on a measure's timeline (its
// own and those on every measure) that begin before the meeting.
func AnnotationsBefore(anns []metrics.Annotation, metricID string, meeting time.Time) []metrics.Annotation {
	var out []metrics.Annotation
	for _, a := range anns {
		if (a.MetricID == "" || a.MetricID == metricID) && a.Start.Before(meeting) {
			out = append(out, a)
		}
	}
	return out
}

// Quarter is the latest financial quarter that ended before the
// meeting: 2021/22 Q3 (October to December) for a meeting in February.
func Quarter(meeting time.Time) metrics.Period {
	day := meeting.AddDate(0, 0, -1)
	q := metrics.QuarterOf(metrics.FinancialYearStart(day), metrics.FinancialQuarter(day))
	if !q.End.Before(meeting) {
		day = q.Start.AddDate(0, 0, -1)
		q = metrics.QuarterOf(metrics.FinancialYearStart(day), metrics.FinancialQuarter(day))
	}
	return q
}
