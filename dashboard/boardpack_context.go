package dashboard

import (
	"context"
	"fmt"
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

// packCommentary is a measure's current commentary for its pack period.
type packCommentary struct {
	Period     string
	Paragraphs []string
	By         string
}

// packResponseTimes summarises a quarter's incident-level response
// times, as the response times page does for every month.
type packResponseTimes struct {
	Quarter, Priority                             string
	Count, Mean, Median, P90, Within, MeanWithout string
	OutlierCount                                  int
	From, To                                      string
	Sources                                       []string
}

// addPackContext lays the commentary and annotations on the pack's
// measures. The measures are copied first: the page may share them with
// the cache.
func (s *Server) addPackContext(ctx context.Context, scope metrics.Scope, p *boardPackPage, meeting time.Time) error {
	comms, err := s.store.CurrentCommentary(ctx, scope)
	if err != nil {
		return err
	}
	anns, err := s.store.AllAnnotations(ctx, scope)
	if err != nil {
		return err
	}
	p.Exceptions, p.Others = slices.Clone(p.Exceptions), slices.Clone(p.Others)
	for _, list := range [][]packMeasure{p.Exceptions, p.Others} {
		for i := range list {
			pm := &list[i]
			pm.Commentary = commentaryFor(comms, pm.Metric.ID, pm.Period)
			pm.Annotations = view.NewAnnotations(annotationsBefore(anns, pm.Metric.ID, meeting))
		}
	}
	return nil
}

// commentaryFor is a measure's current commentary for the period
// labelled period, nil when there is none.
func commentaryFor(comms []metrics.Commentary, metricID, period string) *packCommentary {
	for _, c := range comms {
		if c.MetricID == metricID && c.Period.Label() == period {
			return &packCommentary{Period: period, Paragraphs: view.Paragraphs(c.Text), By: view.Stamp(c.Author, c.WrittenAt)}
		}
	}
	return nil
}

// annotationsBefore are the annotations on a measure's timeline (its
// own and those on every measure) that begin before the meeting.
func annotationsBefore(anns []metrics.Annotation, metricID string, meeting time.Time) []metrics.Annotation {
	var out []metrics.Annotation
	for _, a := range anns {
		if (a.MetricID == "" || a.MetricID == metricID) && a.Start.Before(meeting) {
			out = append(out, a)
		}
	}
	return out
}

// packQuarter is the latest financial quarter that ended before the
// meeting: 2021/22 Q3 (October to December) for a meeting in February.
func packQuarter(meeting time.Time) metrics.Period {
	day := meeting.AddDate(0, 0, -1)
	q := metrics.QuarterOf(metrics.FinancialYearStart(day), metrics.FinancialQuarter(day))
	if !q.End.Before(meeting) {
		day = q.Start.AddDate(0, 0, -1)
		q = metrics.QuarterOf(metrics.FinancialYearStart(day), metrics.FinancialQuarter(day))
	}
	return q
}

// packResponseTimesFor summarises the response times of the quarter
// before the meeting, for viewers who may see sensitive data (incidents
// always are); nil for anyone else, or when the quarter has none.
func (s *Server) packResponseTimesFor(ctx context.Context, scope metrics.Scope, meeting time.Time) (*packResponseTimes, error) {
	if !scope.Sensitive {
		return nil, nil
	}
	recs, err := s.store.Incidents(ctx, scope)
	if err != nil {
		return nil, err
	}
	q := packQuarter(meeting)
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
	out := &packResponseTimes{Quarter: q.Label(), Priority: priority}
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
