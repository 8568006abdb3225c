package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/xuri/excelize/v2"

	demo "github.com/assure-pcc/assure/cmd/assure/sample"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The generated data describes a force in the spirit of the board
// minutes: measures of demand, response, safeguarding and outcomes, by
// area and month, ending with March 2022 so that the default 2019
// baseline falls inside a ten-year history, and monthly finance for the
// financial years up to 2021/22. Everything is deterministic: two runs
// of one configuration load the same figures.

// lastMonth is the newest month of generated values.
var lastMonth = metrics.MonthOf(2022, time.March)

// meetingDate is the board meeting the load test asks the board pack for:
// after the last month, so that the pack shows everything.
const meetingDate = "2022-04-21"

// sensitiveMarker begins the name of every sensitive measure, so that the
// clients can check that no public page ever shows one.
const sensitiveMarker = "Restricted measure"

// genMetric is one generated measure and the shape of its values.
type genMetric struct {
	metrics.Metric
	base, trend, season, noise float64
}

// categories rotate over the generated catalogue: the six National Crime
// and Policing Measures and the local ones of the minutes.
var categories = []string{
	"Reduce murder and other homicide", "Reduce serious violence", "Disrupt drugs supply and county lines",
	"Reduce neighbourhood crime", "Tackle cyber crime", "Improve satisfaction among victims",
	"Demand", "Local priority", "Victims of domestic abuse",
}

// kinds rotate over the measures: a unit, a direction, a typical level
// and whether the measure has a target.
var kinds = []struct {
	noun, unit string
	dir        metrics.Direction
	level      float64
	target     bool
}{
	{"999 calls, average per day", "calls", metrics.NoDirection, 450, false},
	{"Immediate response time", "minutes", metrics.LowerIsBetter, 14, true},
	{"Recorded offences", "offences", metrics.LowerIsBetter, 900, false},
	{"Outcome rate", "%", metrics.HigherIsBetter, 62, true},
	{"Protection orders granted", "orders", metrics.HigherIsBetter, 35, false},
	{"Victim satisfaction", "%", metrics.HigherIsBetter, 74, true},
}

// catalogue makes n measures; every measure whose position falls in the
// sensitive share is sensitive, spread evenly through the catalogue.
func catalogue(n int, sensitive float64) []genMetric {
	rng := rand.New(rand.NewPCG(2022, 4))
	out := make([]genMetric, n)
	for i := range n {
		k := kinds[i%len(kinds)]
		m := metrics.Metric{
			ID:             fmt.Sprintf("m%04d", i+1),
			Unit:           k.unit,
			Direction:      k.dir,
			Classification: metrics.Open,
			Category:       categories[i%len(categories)],
		}
		// Sensitive measures are spread evenly: the i-th is sensitive when
		// the running share crosses a whole number.
		if math.Floor(float64(i+1)*sensitive) > math.Floor(float64(i)*sensitive) {
			m.Classification = metrics.Sensitive
			m.Name = fmt.Sprintf("%s %04d: %s", sensitiveMarker, i+1, k.noun)
		} else {
			m.Name = fmt.Sprintf("%s (measure %04d)", k.noun, i+1)
		}
		level := k.level * (0.6 + 0.8*rng.Float64())
		if k.target {
			t := math.Round(level * (0.9 + 0.2*rng.Float64()))
			m.Target = &t
		}
		out[i] = genMetric{Metric: m, base: level, trend: (rng.Float64() - 0.5) * 0.004,
			season: 0.08 * rng.Float64(), noise: 0.06 * rng.Float64()}
	}
	return out
}

// areaNames are the generated areas: the force as a whole, then its
// districts.
func areaNames(n int) []string {
	named := []string{"Force", "North", "South", "East", "West", "Central", "City", "Fenland", "Huntingdon",
		"Riverside", "Coast", "Uplands", "Harbour", "Market", "Valley", "Forest", "Airport", "University", "Docks", "Heath"}
	out := make([]string, n)
	for i := range n {
		if i < len(named) {
			out[i] = named[i]
		} else {
			out[i] = fmt.Sprintf("District %02d", i+1)
		}
	}
	return out
}

// monthsEnding returns n months ending with last, oldest first.
func monthsEnding(last metrics.Period, n int) []metrics.Period {
	out := make([]metrics.Period, n)
	for i := range n {
		t := last.Start.AddDate(0, i-(n-1), 0) // the first of a month: no day overflow
		out[i] = metrics.MonthOf(t.Year(), t.Month())
	}
	return out
}

// value is a measure's value for an area (its share of the force) and
// month: a level with trend, a summer season, Covid's dip and noise.
func (g genMetric) value(rng *rand.Rand, areaIdx, nAreas int, p metrics.Period, monthIdx int) float64 {
	v := g.base * (1 + g.trend*float64(monthIdx))
	v *= 1 + g.season*math.Sin(2*math.Pi*float64(int(p.Start.Month())-4)/12)
	if y, m := p.Start.Year(), p.Start.Month(); y == 2020 && m >= time.April && m <= time.June {
		v *= 0.8
	}
	v *= 1 + g.noise*rng.NormFloat64()
	if g.Unit != "%" && g.Unit != "minutes" && areaIdx > 0 {
		// Counts split between districts; rates and times do not.
		v /= float64(max(1, nAreas-1))
	}
	if g.Unit == "%" {
		v = math.Min(100, math.Max(0, v))
	}
	return math.Round(math.Max(0, v)*10) / 10
}

// generated is what generateData stored.
type generated struct {
	Metrics      []genMetric
	Areas        []string
	Months       []metrics.Period
	Observations int
	Uploads      int
	Finance      int // finance workbooks ingested
	ObsTime      time.Duration
	FinanceTime  time.Duration
}

// obsBatch is the size of one AddObservations call, as the ingest
// streams them.
const obsBatch = 2000

// generateData fills an empty database: the catalogue and every value,
// written through store.IngestTx as the ingest writes them (one upload,
// one transaction, per financial year of values), then monthly finance
// workbooks through the real ingest.
func generateData(ctx context.Context, st *store.Store, cfg config, progress func(string)) (*generated, error) {
	g := &generated{Metrics: catalogue(cfg.Metrics, cfg.Sensitive), Areas: areaNames(cfg.Areas), Months: monthsEnding(lastMonth, cfg.Months)}
	start := time.Now()
	// One upload per financial year of values, as a force loads its
	// quarterly workbooks year by year; the catalogue comes with the
	// first.
	rng := rand.New(rand.NewPCG(2019, 2020))
	var batch []metrics.Observation
	for first := 0; first < len(g.Months); {
		fy := metrics.FinancialYearStart(g.Months[first].Start)
		last := first
		for last < len(g.Months) && metrics.FinancialYearStart(g.Months[last].Start) == fy {
			last++
		}
		name := fmt.Sprintf("Generated performance %s.xlsx", metrics.FinancialYearParam(fy))
		// The original bytes stand in for a file: they are unique per
		// upload, as the store requires, and say what made them.
		original := fmt.Appendf(nil, "assure loadtest: generated values of %d metrics, %d areas, %s to %s",
			len(g.Metrics), len(g.Areas), g.Months[first].Key(), g.Months[last-1].Key())
		tx, err := st.BeginIngest(ctx, metrics.Upload{FileName: name, Kind: metrics.KindPerformance, UploadedBy: "loadtest"}, original)
		if err != nil {
			return nil, err
		}
		if g.Uploads == 0 {
			for _, m := range g.Metrics {
				if err := tx.UpsertMetric(ctx, m.Metric); err != nil {
					tx.Rollback()
					return nil, err
				}
			}
		}
		row := 1
		for mi, m := range g.Metrics {
			for ai, area := range g.Areas {
				for pi := first; pi < last; pi++ {
					row++
					batch = append(batch, metrics.Observation{
						MetricID: m.ID, Area: area, Period: g.Months[pi],
						Value:  m.value(rng, ai, len(g.Areas), g.Months[pi], pi),
						Source: metrics.Source{Sheet: "Data", Cell: fmt.Sprintf("D%d", row)},
					})
					if len(batch) == obsBatch {
						if err := tx.AddObservations(ctx, batch); err != nil {
							tx.Rollback()
							return nil, err
						}
						batch = batch[:0]
					}
				}
			}
			if progress != nil && mi == len(g.Metrics)-1 {
				progress(fmt.Sprintf("stored %s values", metrics.FinancialYearLabel(fy)))
			}
		}
		if len(batch) > 0 {
			if err := tx.AddObservations(ctx, batch); err != nil {
				tx.Rollback()
				return nil, err
			}
			batch = batch[:0]
		}
		counts, err := tx.Finish(ctx)
		if err != nil {
			tx.Rollback()
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		g.Observations += counts.Observations
		g.Uploads++
		first = last
	}
	g.ObsTime = time.Since(start)

	start = time.Now()
	in := ingest.New(st, nil)
	for y := range cfg.FinanceYears {
		fy := 2021 - cfg.FinanceYears + 1 + y
		for month := 1; month <= 12; month++ {
			name := fmt.Sprintf("Revenue and Capital Monitoring M%d %s.xlsx", month, metrics.FinancialYearParam(fy))
			content, err := financeWorkbook(fy, month)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			rep, err := in.Ingest(ctx, name, content, ingest.Options{UploadedBy: "loadtest"})
			if err != nil {
				return nil, err
			}
			if rep.Status != ingest.StatusStored {
				return nil, fmt.Errorf("%s was %s: %v", name, rep.Status, rep.Errors)
			}
			g.Finance++
		}
	}
	g.FinanceTime = time.Since(start)
	return g, nil
}

// financeWorkbook writes the monitoring workbook of one month as finance
// officers keep it: revenue in £000 with a unit row above the header,
// capital in whole pounds, reserves with the unit in the headings. The
// forecast drifts from budget as the year goes on.
func financeWorkbook(fy, month int) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	var err error
	set := func(sheet string, col, row int, v any) {
		if err == nil {
			var cell string
			cell, err = excelize.CoordinatesToCellName(col, row)
			if err == nil {
				err = f.SetCellValue(sheet, cell, v)
			}
		}
	}
	if err = f.SetSheetName("Sheet1", "Revenue"); err != nil {
		return nil, err
	}
	for _, s := range []string{"Capital", "Reserves"} {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	rng := rand.New(rand.NewPCG(uint64(fy), uint64(month)))
	set("Revenue", 1, 1, fmt.Sprintf("Revenue and Capital Monitoring Report Month %d %s", month, metrics.FinancialYearLabel(fy)))
	for col := 2; col <= 4; col++ {
		set("Revenue", col, 2, "£000")
	}
	for i, h := range []string{"Business area", "Annual budget", "Forecast outturn", "Variance", "Commentary"} {
		set("Revenue", i+1, 3, h)
	}
	var tb, tf int
	for i, a := range demo.FinanceAreas {
		v := int(math.Round(float64(a.Budget) * 0.01 * float64(month) / 12 * (rng.Float64()*2 - 1)))
		set("Revenue", 1, 4+i, a.Name)
		set("Revenue", 2, 4+i, a.Budget)
		set("Revenue", 3, 4+i, a.Budget+v)
		set("Revenue", 4, 4+i, v)
		set("Revenue", 5, 4+i, "Forecast at month "+fmt.Sprint(month))
		tb, tf = tb+a.Budget, tf+a.Budget+v
	}
	total := 4 + len(demo.FinanceAreas)
	set("Revenue", 1, total, "Total")
	set("Revenue", 2, total, tb)
	set("Revenue", 3, total, tf)
	set("Revenue", 4, total, tf-tb)

	for i, h := range []string{"Scheme", "Approved budget £", "Additions £", "Funding source", "Forecast £"} {
		set("Capital", i+1, 1, h)
	}
	schemes := []struct {
		name, funding string
		budget        int
	}{
		{"Vehicle replacement programme", "Borrowing", 1850000},
		{"Estates refurbishment", "Capital receipts", 2400000},
		{"ICT infrastructure", "RCCO", 420000},
		{"Body-worn video refresh", "Grant", 310000},
		{"Digital forensics laptops", "POCA", 40000},
	}
	for i, s := range schemes {
		set("Capital", 1, 2+i, s.name)
		set("Capital", 2, 2+i, s.budget)
		set("Capital", 3, 2+i, 0)
		set("Capital", 4, 2+i, s.funding)
		set("Capital", 5, 2+i, s.budget-int(float64(s.budget)*0.02*rng.Float64()))
	}

	for i, h := range []string{"Reserve", "Opening balance £000", "Transfers to/(from) £000", "Forecast closing balance £000"} {
		set("Reserves", i+1, 1, h)
	}
	for i, r := range []struct {
		name               string
		opening, transfers int
	}{{"General reserve", 6200, 0}, {"Budget support reserve", 2850, -500}, {"ICT reserve", 1400, -650}, {"Insurance reserve", 900, 0}} {
		set("Reserves", 1, 2+i, r.name)
		set("Reserves", 2, 2+i, r.opening)
		set("Reserves", 3, 2+i, r.transfers)
		set("Reserves", 4, 2+i, r.opening+r.transfers)
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ingestWorkbook writes the long-layout workbook uploaded during the
// load: rows values for the generated measures and areas, newest month
// first and then back in time, so that it revises the latest months
// (superseding what they held, the heavier path of an ingest) and, when
// it has more rows than the database, reaches back before them. It is
// written with excelize's StreamWriter, as a spreadsheet tool writes a
// large file.
func ingestWorkbook(g *generated, rows int) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Data"); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter("Data")
	if err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", []any{"Metric", "Area", "Period", "Value"}); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(2021, 22))
	perMonth := len(g.Metrics) * len(g.Areas)
	for i := range rows {
		back := i / perMonth
		m := g.Metrics[(i/len(g.Areas))%len(g.Metrics)]
		ai := i % len(g.Areas)
		start := lastMonth.Start.AddDate(0, -back, 0)
		p := metrics.MonthOf(start.Year(), start.Month())
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		v := m.value(rng, ai, len(g.Areas), p, len(g.Months)-1-back)
		if err := sw.SetRow(cell, []any{m.ID, g.Areas[ai], p.Start.Format("2006-01"), v}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ingestProbe is one value of the uploaded workbook, read back through
// the API afterwards: the newest month of the first measure in the
// first area.
func ingestProbe(g *generated) (metricID, area, period string, value float64) {
	rng := rand.New(rand.NewPCG(2021, 22))
	m := g.Metrics[0]
	return m.ID, g.Areas[0], lastMonth.Start.Format("2006-01"), m.value(rng, 0, len(g.Areas), lastMonth, len(g.Months)-1)
}
