package metrics

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Incident is one attended incident from the force's command and control
// data: when the call was received and when an officer arrived. Incident
// rows are always sensitive: they describe individual events.
type Incident struct {
	ID       string
	Priority string
	// Setting is "urban" or "rural" (any case): the two have different
	// attendance targets.
	Setting string
	Area    string
	// Received and Arrived are the call and arrival times. When both are
	// set they give the response time; Minutes is then ignored.
	Received, Arrived time.Time
	// Minutes is the response time for workbooks that give minutes
	// rather than times; it is used only when both times are absent.
	Minutes float64
}

// ResponseMinutes is the time from Received to Arrived in minutes, or
// Minutes when neither time is given. Errors (EINVALID), naming the
// incident: arrival before the call, only one of the two times, or
// Minutes negative or not finite. Zero minutes is accepted: an officer
// may already be on scene.
func (i Incident) ResponseMinutes() (float64, error) {
	hasReceived, hasArrived := !i.Received.IsZero(), !i.Arrived.IsZero()
	switch {
	case hasReceived && hasArrived:
		if i.Arrived.Before(i.Received) {
			return 0, Errorf(EINVALID, "incident %s: arrived at %s, before the call was received at %s", i.label(),
				i.Arrived.Format("2006-01-02 15:04"), i.Received.Format("2006-01-02 15:04"))
		}
		return i.Arrived.Sub(i.Received).Minutes(), nil
	case hasReceived:
		return 0, Errorf(EINVALID, "incident %s has a received time but no arrival time: give both times, or the minutes only", i.label())
	case hasArrived:
		return 0, Errorf(EINVALID, "incident %s has an arrival time but no received time: give both times, or the minutes only", i.label())
	}
	if !finite(i.Minutes) || i.Minutes < 0 {
		return 0, Errorf(EINVALID, "incident %s: a response time of %g minutes is not possible", i.label(), i.Minutes)
	}
	return i.Minutes, nil
}

func (i Incident) label() string {
	if i.ID == "" {
		return "(no id)"
	}
	return i.ID
}

// ResponseTargets are the attendance targets in minutes. A zero field
// takes its default (a target of no minutes is never meant).
type ResponseTargets struct {
	UrbanMinutes, RuralMinutes float64
}

// DefaultResponseTargets are the force's immediate response targets, as
// the Chief Constable gave them to the board in October 2021: 15 minutes
// in urban areas and 20 in rural ones.
var DefaultResponseTargets = ResponseTargets{UrbanMinutes: 15, RuralMinutes: 20}

// targetFor is the target for an incident's setting.
func (t ResponseTargets) targetFor(i Incident) (float64, error) {
	switch strings.ToLower(strings.TrimSpace(i.Setting)) {
	case "urban":
		return cmp.Or(t.UrbanMinutes, DefaultResponseTargets.UrbanMinutes), nil
	case "rural":
		return cmp.Or(t.RuralMinutes, DefaultResponseTargets.RuralMinutes), nil
	}
	return 0, Errorf(EINVALID, "incident %s: setting %q must be urban or rural, which have different targets", i.label(), i.Setting)
}

// ResponseStats summarise a set of response times so that an average
// cannot hide a long wait.
type ResponseStats struct {
	Count int
	// Mean, Median and P90 are in minutes; Median and P90 are type 7
	// percentiles (see Percentile).
	Mean, Median, P90 float64
	// WithinTarget counts incidents attended within their setting's
	// target; arriving exactly on the target counts as within.
	WithinTarget int
	// WithinTargetShare is WithinTarget as a percentage of Count.
	WithinTargetShare float64
	// Outliers are the incidents outside the Tukey fences, slowest
	// first, with Minutes filled in.
	Outliers []Incident
	// MeanWithoutOutliers is the mean of the other incidents; it equals
	// Mean when there are no outliers.
	MeanWithoutOutliers float64
	// Slowest are the slowest incidents, slowest first, with Minutes
	// filled in.
	Slowest []Incident
	// LowerFence and UpperFence are the Tukey fences (k = 1.5) of the
	// response times in minutes.
	LowerFence, UpperFence float64
}

// ResponseStatistics summarises incidents against targets: the count;
// the mean, median and 90th percentile in minutes; how many were
// attended within target (urban or rural); the Tukey fences with
// DefaultTukeyK, the outliers outside them and the mean without them; and
// the slowestN slowest incidents (none when slowestN is not positive).
// Incidents in Outliers and Slowest are copies with Minutes set to the
// response time, slowest first, ties by ID. Errors (EINVALID): no
// incidents, and the first incident whose response time or setting is
// invalid.
func ResponseStatistics(incidents []Incident, targets ResponseTargets, slowestN int) (ResponseStats, error) {
	if len(incidents) == 0 {
		return ResponseStats{}, Errorf(EINVALID, "there are no incidents to summarise")
	}
	if targets.UrbanMinutes < 0 || targets.RuralMinutes < 0 || !finite(targets.UrbanMinutes) || !finite(targets.RuralMinutes) {
		return ResponseStats{}, Errorf(EINVALID, "response targets must be finite numbers of minutes, not negative")
	}
	timed := make([]Incident, len(incidents))
	st := ResponseStats{Count: len(incidents)}
	for n, inc := range incidents {
		m, err := inc.ResponseMinutes()
		if err != nil {
			return ResponseStats{}, err
		}
		target, err := targets.targetFor(inc)
		if err != nil {
			return ResponseStats{}, err
		}
		if m <= target {
			st.WithinTarget++
		}
		inc.Minutes = m
		timed[n] = inc
	}
	// Slowest first; ties by ID so that the list is the same on every
	// page load, then in the order given.
	slices.SortStableFunc(timed, func(a, b Incident) int {
		if c := cmp.Compare(b.Minutes, a.Minutes); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	ascending := make([]float64, len(timed))
	for n, inc := range timed {
		ascending[len(timed)-1-n] = inc.Minutes
	}

	st.Mean, _ = Mean(ascending)
	st.Median = percentileType7(ascending, 50)
	st.P90 = percentileType7(ascending, 90)
	st.WithinTargetShare = float64(st.WithinTarget) / float64(st.Count) * 100
	st.LowerFence, st.UpperFence, _ = TukeyFences(ascending, DefaultTukeyK)

	sum, kept := 0.0, 0
	for _, inc := range timed {
		if inc.Minutes < st.LowerFence || inc.Minutes > st.UpperFence {
			st.Outliers = append(st.Outliers, inc)
			continue
		}
		sum += inc.Minutes
		kept++
	}
	st.MeanWithoutOutliers = st.Mean
	if kept > 0 && kept < st.Count {
		st.MeanWithoutOutliers = sum / float64(kept)
	}
	if slowestN > 0 {
		st.Slowest = slices.Clone(timed[:min(slowestN, len(timed))])
	}
	return st, nil
}

// MonthlyResponse is the response statistics of one calendar month.
type MonthlyResponse struct {
	Period Period
	Stats  ResponseStats
}

// ResponseByMonth groups incidents by the calendar month of Received, as
// read in Received's own location (so an incident at 00:30 on 1 September
// in London time is September's), and summarises each month with
// ResponseStatistics. Months come in time order; a month with no
// incidents is absent rather than zero. Errors (EINVALID): an incident
// with no received time, which belongs to no month, and any error of
// ResponseStatistics. No incidents give no months and no error.
func ResponseByMonth(incidents []Incident, targets ResponseTargets, slowestN int) ([]MonthlyResponse, error) {
	byMonth := make(map[time.Time][]Incident)
	for _, inc := range incidents {
		if inc.Received.IsZero() {
			return nil, Errorf(EINVALID, "incident %s has no received time, so it belongs to no month", inc.label())
		}
		// Checked here, in the order given, so that the error reported
		// is the same on every run rather than that of whichever month
		// the map yields first.
		if _, err := inc.ResponseMinutes(); err != nil {
			return nil, err
		}
		if _, err := targets.targetFor(inc); err != nil {
			return nil, err
		}
		m := MonthOf(inc.Received.Year(), inc.Received.Month())
		byMonth[m.Start] = append(byMonth[m.Start], inc)
	}
	out := make([]MonthlyResponse, 0, len(byMonth))
	for start, group := range byMonth {
		st, err := ResponseStatistics(group, targets, slowestN)
		if err != nil {
			return nil, err
		}
		out = append(out, MonthlyResponse{Period: MonthOf(start.Year(), start.Month()), Stats: st})
	}
	slices.SortFunc(out, func(a, b MonthlyResponse) int { return ComparePeriods(a.Period, b.Period) })
	return out, nil
}
