package dashboard

import (
	"fmt"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// Response times from incident-level rows: what an average hides. The
// board asked whether the immediate response time had stabilised and
// what the long waits behind it were; this page shows the distribution,
// the mean against the median and the 90th percentile by month, urban
// and rural against their own targets, and the outliers by Tukey's rule,
// with the mean with and without them. Incidents are always sensitive.

// histogramBinMinutes and histogramBins shape the distribution chart:
// five-minute bins up to an hour, then one bin for everything longer, so
// that a few very long waits neither vanish nor stretch the chart.
const (
	histogramBinMinutes = 5
	histogramBins       = 12
)

// outliersListed bounds the outliers table; the page says how many more
// there are.
const outliersListed = 50

type responseTimesPage struct {
	Page
	responseTimesView
	// Choice is the period and area shown; AllShown the months of every
	// incident of the priority.
	Choice timePlace
	// MonthlyDownload and OutliersDownload link those tables to their
	// .csv and .xlsx.
	MonthlyDownload, OutliersDownload tableDownload
}

// responseTimesView is everything the page shows, built by
// buildResponseTimes from the current incidents.
type responseTimesView struct {
	// Priorities are those of the incidents; Priority is the one shown.
	Priorities []string
	Priority   string
	// Notice explains a fallback, such as an unknown ?priority=.
	Notice string
	// From and To are the first and last months of the incidents shown.
	From, To  string
	Count     int
	CountText string
	// Mean, Median, P90, MeanWithout and the fences are formatted
	// minutes; Outliers lists the slowest outliers.
	Mean, Median, P90, MeanWithout string
	UpperFence, LowerFence         string
	// ShowLowerFence is false when the lower fence is below zero, where
	// no response time can fall.
	ShowLowerFence bool
	OutlierCount   int
	Outliers       []outlierRow
	MoreOutliers   int
	// Within is the share attended within target, in words; WithinShare
	// is the percentage alone, the page's headline.
	Within, WithinShare, WithinCount string
	Settings                         []settingRow
	// Targets say the targets and where they came from; Reconciled sets
	// the monthly measures beside the incidents of the same month.
	Targets    []responseSetting
	Reconciled []metrics.ResponseReconciliation
	// targets are the minutes the incidents are judged against.
	targets metrics.ResponseTargets
	Months  []monthRow
	Bins    []binRow
	// Histogram, Monthly and BySetting are the charts, nil without data.
	Histogram, Monthly, BySetting *chart.ChartPanel
	// Sources are the files the incidents came from.
	Sources []string
	// choice is the period and area the incidents were narrowed to;
	// Loaded is whether any incidents are loaded at all, in any period.
	choice timePlace
	Loaded bool
	// monthly and outliers are the monthly and outlier tables as
	// numbers, every outlier included, for the exports.
	monthly  []monthFigures
	outliers []outlierFigures
}

// monthFigures is a row of the monthly table; Urban and Rural are the
// shares within target (%), nil for a month without such incidents.
type monthFigures struct {
	Month             string
	Count             int
	Mean, Median, P90 float64
	Urban, Rural      *float64
}

// outlierFigures is an outlying incident; Received is empty when the
// workbook gave minutes only.
type outlierFigures struct {
	ID, Received, Month, Setting, Area string
	Minutes                            float64
}

type outlierRow struct{ ID, Received, Month, Setting, Area, Minutes string }

type settingRow struct {
	Setting, Target, Count, Mean, Median, P90, Within string
	// Over is the share that waited longer than the target.
	Over string
}

type monthRow struct{ Month, Count, Mean, Median, P90, Urban, Rural string }

type binRow struct{ Bin, CountText string }

// addSource adds the upload an incident came from to sources, once:
// "Q3.xlsx (uploaded 4 Oct 2021 10:02)".
func addSource(sources []string, r store.IncidentRecord) []string {
	src := fmt.Sprintf("%s (uploaded %s)", r.File, r.UploadedAt.Format("2 Jan 2006 15:04"))
	if slices.Contains(sources, src) {
		return sources
	}
	return append(sources, src)
}

func (s *Server) handleResponseTimes(c echo.Context) error {
	v, err := s.responseTimes(c)
	if err != nil {
		return err
	}
	p := responseTimesPage{Page: s.page(c, "Response times"), responseTimesView: v, Choice: v.choice}
	p.Sensitive = true
	q := v.choice.query()
	q.Set("priority", v.Priority)
	p.MonthlyDownload = newTableDownload("/response-times/export/monthly", q, "response times by month, "+v.Priority+" incidents")
	p.OutliersDownload = newTableDownload("/response-times/export/outliers", q, "every outlying response time, "+v.Priority+" incidents")
	return s.renderOK(c, "responsetimes", p)
}

// responseTimes builds the page's view: the incidents against the
// targets of the catalogue, and beside the monthly measures.
func (s *Server) responseTimes(c echo.Context) (responseTimesView, error) {
	ctx := c.Request().Context()
	recs, err := s.store.Incidents(ctx, auth.Scope(c))
	if err != nil {
		return responseTimesView{}, err
	}
	settings, targets, err := s.responseSettings(ctx, auth.Scope(c))
	if err != nil {
		return responseTimesView{}, err
	}
	tp, err := readTimePlace(c, incidentAreas(recs), true)
	if err != nil {
		return responseTimesView{}, err
	}
	tp.keep(c, "priority")
	loaded := len(recs) > 0
	recs = tp.chooseIncidents(recs)
	v, err := buildResponseTimes(recs, c.QueryParam("priority"), targets)
	v.choice, v.Loaded = tp, loaded
	if err != nil || len(v.Priorities) == 0 {
		return v, err
	}
	v.Targets = settings
	v.Reconciled, err = s.reconcileResponse(ctx, auth.Scope(c), settings, recs, v.Priority)
	return v, err
}

// incidentAreas are the areas of the incidents, in order.
func incidentAreas(recs []store.IncidentRecord) []string {
	var areas []string
	for _, r := range recs {
		if r.Area != "" && !slices.Contains(areas, r.Area) {
			areas = append(areas, r.Area)
		}
	}
	slices.Sort(areas)
	return areas
}

// chooseIncidents narrows the incidents to the period and area chosen;
// the last months count back from the latest incident's month.
func (tp *timePlace) chooseIncidents(recs []store.IncidentRecord) []store.IncidentRecord {
	var latest metrics.Period
	for _, r := range recs {
		if latest.IsZero() || metrics.ComparePeriods(r.Month, latest) > 0 {
			latest = r.Month
		}
	}
	w := tp.window(latest)
	var out []store.IncidentRecord
	for _, r := range recs {
		if w.Contains(r.Month) && (tp.Area == "" || r.Area == tp.Area) {
			out = append(out, r)
		}
	}
	return out
}

// minutesText writes minutes for the page: "14.2 minutes".
func minutesText(v float64) string { return formatValue(v, "minutes") }

// choosePriority picks the priority to show: the one asked for, else an
// "immediate" one (the targets are for immediate responses), else the
// first.
func choosePriority(priorities []string, asked string) (string, string) {
	if asked != "" && slices.Contains(priorities, asked) {
		return asked, ""
	}
	chosen := priorities[0]
	for _, p := range priorities {
		if strings.Contains(strings.ToLower(p), "immediate") {
			chosen = p
			break
		}
	}
	if asked != "" {
		return chosen, fmt.Sprintf("No incidents have the priority %q; showing %s.", asked, chosen)
	}
	return chosen, ""
}

// buildResponseTimes summarises the incidents of one priority. Errors are
// internal: the store holds only incidents that the statistics accept.
func buildResponseTimes(recs []store.IncidentRecord, askedPriority string, targets metrics.ResponseTargets) (responseTimesView, error) {
	v := responseTimesView{targets: targets}
	for _, r := range recs {
		if !slices.Contains(v.Priorities, r.Priority) {
			v.Priorities = append(v.Priorities, r.Priority)
		}
	}
	if len(v.Priorities) == 0 {
		return v, nil
	}
	slices.Sort(v.Priorities)
	v.Priority, v.Notice = choosePriority(v.Priorities, askedPriority)

	var incs []metrics.Incident
	byMonth := map[string][]metrics.Incident{}
	var months []metrics.Period
	for _, r := range recs {
		if r.Priority != v.Priority {
			continue
		}
		incs = append(incs, r.Incident)
		k := r.Month.Key()
		if _, ok := byMonth[k]; !ok {
			months = append(months, r.Month)
		}
		byMonth[k] = append(byMonth[k], r.Incident)
		v.Sources = addSource(v.Sources, r)
	}
	slices.SortFunc(months, metrics.ComparePeriods)
	st, err := metrics.ResponseStatistics(incs, targets, 0)
	if err != nil {
		return v, fmt.Errorf("response times: %w", err)
	}
	v.WithinShare = formatPercent(st.WithinTargetShare)
	v.WithinCount = formatCount(float64(st.WithinTarget)) + " of " + formatCount(float64(st.Count))
	v.From, v.To, v.Count = months[0].Label(), months[len(months)-1].Label(), st.Count
	v.CountText = formatCount(float64(st.Count))
	v.ShowLowerFence = st.LowerFence > 0
	v.Mean, v.Median, v.P90 = minutesText(st.Mean), minutesText(st.Median), minutesText(st.P90)
	v.MeanWithout = minutesText(st.MeanWithoutOutliers)
	v.UpperFence, v.LowerFence = minutesText(st.UpperFence), minutesText(st.LowerFence)
	v.Within = fmt.Sprintf("%s (%s of %s)", formatPercent(st.WithinTargetShare), formatCount(float64(st.WithinTarget)), formatCount(float64(st.Count)))
	v.OutlierCount = len(st.Outliers)
	monthOf := map[string]string{}
	for _, r := range recs {
		monthOf[r.ID] = r.Month.Label()
	}
	for i, o := range st.Outliers {
		f := outlierFigures{ID: o.ID, Month: monthOf[o.ID], Setting: titleWord(o.Setting), Area: o.Area, Minutes: o.Minutes}
		if !o.Received.IsZero() {
			f.Received = o.Received.Format("2 Jan 2006 15:04")
		}
		v.outliers = append(v.outliers, f)
		if i >= outliersListed {
			continue
		}
		v.Outliers = append(v.Outliers, outlierRow{ID: f.ID, Received: orDash(f.Received), Month: f.Month, Setting: f.Setting, Area: f.Area, Minutes: minutesText(f.Minutes)})
	}
	v.MoreOutliers = len(v.outliers) - len(v.Outliers)
	if err := v.addSettings(incs); err != nil {
		return v, err
	}
	if err := v.addMonths(months, byMonth); err != nil {
		return v, err
	}
	if err := v.addHistogram(incs); err != nil {
		return v, err
	}
	return v, nil
}

// addSettings compares urban and rural incidents with their own targets.
func (v *responseTimesView) addSettings(incs []metrics.Incident) error {
	for _, s := range []struct {
		name   string
		target float64
	}{{"urban", v.targets.UrbanMinutes}, {"rural", v.targets.RuralMinutes}} {
		group := settingOnly(incs, s.name)
		if len(group) == 0 {
			continue
		}
		st, err := metrics.ResponseStatistics(group, v.targets, 0)
		if err != nil {
			return fmt.Errorf("%s response times: %w", s.name, err)
		}
		// The share within target leads: a median within target says
		// only that half were, and hid that 4 in 10 waited longer.
		row := settingRow{
			Setting: titleWord(s.name), Target: formatTarget(s.target, "minutes"), Count: formatCount(float64(st.Count)),
			Mean: minutesText(st.Mean), Median: minutesText(st.Median), P90: minutesText(st.P90),
			Within: formatPercent(st.WithinTargetShare), Over: formatPercent(100 - st.WithinTargetShare),
		}
		v.Settings = append(v.Settings, row)
	}
	return nil
}

func settingOnly(incs []metrics.Incident, setting string) []metrics.Incident {
	var out []metrics.Incident
	for _, i := range incs {
		if strings.EqualFold(i.Setting, setting) {
			out = append(out, i)
		}
	}
	return out
}

// addMonths adds the monthly table and its two charts: mean, median and
// 90th percentile; and the share within target, urban and rural.
func (v *responseTimesView) addMonths(months []metrics.Period, byMonth map[string][]metrics.Incident) error {
	labels := make([]string, len(months))
	mean, median, p90 := make([]*float64, len(months)), make([]*float64, len(months)), make([]*float64, len(months))
	urban, rural := make([]*float64, len(months)), make([]*float64, len(months))
	for i, m := range months {
		group := byMonth[m.Key()]
		st, err := metrics.ResponseStatistics(group, v.targets, 0)
		if err != nil {
			return fmt.Errorf("response times of %s: %w", m.Label(), err)
		}
		labels[i] = m.Label()
		mean[i], median[i], p90[i] = &st.Mean, &st.Median, &st.P90
		row := monthRow{Month: m.Label(), Count: formatCount(float64(st.Count)), Mean: formatMinutes(st.Mean), Median: formatMinutes(st.Median), P90: formatMinutes(st.P90), Urban: "–", Rural: "–"}
		figures := monthFigures{Month: m.Label(), Count: st.Count, Mean: st.Mean, Median: st.Median, P90: st.P90}
		for _, s := range []struct {
			name   string
			into   []*float64
			cell   *string
			figure **float64
		}{{"urban", urban, &row.Urban, &figures.Urban}, {"rural", rural, &row.Rural, &figures.Rural}} {
			g := settingOnly(group, s.name)
			if len(g) == 0 {
				continue
			}
			gs, err := metrics.ResponseStatistics(g, v.targets, 0)
			if err != nil {
				return fmt.Errorf("%s response times of %s: %w", s.name, m.Label(), err)
			}
			share := gs.WithinTargetShare
			s.into[i], *s.figure = &share, &share
			*s.cell = formatPercent(share)
		}
		// Newest first: the table's top row is the latest month.
		v.Months = append([]monthRow{row}, v.Months...)
		v.monthly = append(v.monthly, figures)
	}
	monthly, err := chart.LineChartPanel("rt-monthly", "Response time by month: mean, median and 90th percentile", "minutes", labels, []chart.LineSeries{
		{Name: "Mean", Values: mean}, {Name: "Median", Values: median}, {Name: "90th percentile", Values: p90},
	}, nil, "")
	if err != nil {
		return fmt.Errorf("monthly response chart: %w", err)
	}
	t := v.targets
	settings, err := chart.LineChartPanel("rt-settings", "Attended within target by month, urban and rural", "%", labels, []chart.LineSeries{
		{Name: fmt.Sprintf("Urban (target %s)", formatTarget(t.UrbanMinutes, "minutes")), Values: urban},
		{Name: fmt.Sprintf("Rural (target %s)", formatTarget(t.RuralMinutes, "minutes")), Values: rural},
	}, nil, "")
	if err != nil {
		return fmt.Errorf("urban and rural chart: %w", err)
	}
	v.Monthly, v.BySetting = &monthly, &settings
	return nil
}

// addHistogram counts response times into five-minute bins.
func (v *responseTimesView) addHistogram(incs []metrics.Incident) error {
	counts := make([]int, histogramBins+1)
	for _, inc := range incs {
		m, err := inc.ResponseMinutes()
		if err != nil {
			return fmt.Errorf("histogram: %w", err)
		}
		counts[min(int(m/histogramBinMinutes), histogramBins)]++
	}
	labels := make([]string, len(counts))
	for i := range counts {
		if i == histogramBins {
			labels[i] = fmt.Sprintf("%d and over", i*histogramBinMinutes)
		} else {
			labels[i] = fmt.Sprintf("%d–%d", i*histogramBinMinutes, (i+1)*histogramBinMinutes)
		}
		v.Bins = append(v.Bins, binRow{Bin: labels[i], CountText: formatCount(float64(counts[i]))})
	}
	panel, err := chart.HistogramPanel("rt-histogram", "How long incidents waited", "minutes", "incidents", labels, counts)
	if err != nil {
		return fmt.Errorf("histogram: %w", err)
	}
	v.Histogram = &panel
	return nil
}

// titleWord capitalises a setting for display: "Urban".
func titleWord(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// UrbanTarget and RuralTarget are the targets the incidents are judged
// against, in minutes.
func (v responseTimesView) UrbanTarget() float64 { return v.targets.UrbanMinutes }
func (v responseTimesView) RuralTarget() float64 { return v.targets.RuralMinutes }
