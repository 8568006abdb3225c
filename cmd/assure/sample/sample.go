// Package sample writes the illustrative workbooks that `assure demo`
// loads through the ordinary ingest. The figures are invented in the
// spirit of the board minutes (999 and 101 calls, response times against
// 15 and 20 minute targets, DVPN and DVPO counts, the possession of
// weapons outcome rate against its benchmark), January 2019 to March 2022,
// so that every month of 2021/22 has its pre-pandemic month of 2019 to be
// compared with; and a sheet of incident-level immediate response times
// for 2021/22 (see incidents.go). They are deterministic, so the demo and
// its tests see the same numbers.
package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/assure-pcc/assure/ingest/spreadsheet"
)

// PerformanceFile is the file name of the sample performance workbook.
const PerformanceFile = "Illustrative sample - quarterly performance 2021-22 Q4.xlsx"

// WriteAll writes every sample workbook into dir and returns their paths
// in the order they should be ingested: the performance workbook, then
// the monitoring workbooks month by month (see WriteFinance).
func WriteAll(dir string) ([]string, error) {
	path := filepath.Join(dir, PerformanceFile)
	if err := WritePerformance(path); err != nil {
		return nil, err
	}
	finance, err := WriteFinance(dir)
	if err != nil {
		return nil, err
	}
	return append([]string{path}, finance...), nil
}

// months is January 2019 to March 2022.
func months() []time.Time {
	var ms []time.Time
	for m := time.Date(2019, time.January, 1, 0, 0, 0, 0, time.UTC); m.Before(time.Date(2022, time.April, 1, 0, 0, 0, 0, time.UTC)); m = m.AddDate(0, 1, 0) {
		ms = append(ms, m)
	}
	return ms
}

// lockdown reports how much a month was suppressed by Covid restrictions
// (0 none, 1 the first lockdown at its deepest).
func lockdown(m time.Time) float64 {
	switch {
	case m.Year() == 2020 && m.Month() >= time.April && m.Month() <= time.May:
		return 1
	case m.Year() == 2020 && m.Month() == time.June:
		return 0.6
	case m.Year() == 2020 && m.Month() == time.November, m.Year() == 2021 && m.Month() <= time.February:
		return 0.5
	}
	return 0
}

// seasonal is a summer peak of demand, +-1.
func seasonal(m time.Time) float64 {
	return math.Sin(2 * math.Pi * float64(int(m.Month())-4) / 12)
}

func cell(col, row int) string { return spreadsheet.CellName(col, row) }

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// WritePerformance writes the sample quarterly performance workbook.
func WritePerformance(path string) error {
	w := spreadsheet.NewBook("Cover")
	rng := rand.New(rand.NewPCG(2019, 2022))
	ms := months()

	w.Set("Cover", "A1", "Illustrative sample data: not real figures")
	w.Set("Cover", "A2", "Quarterly performance report 2021/22 Q4, made up for the Assure demonstration in the spirit of the Business Coordination Board minutes.")

	// The catalogue.
	for _, s := range []string{"Metrics", "Calls", "Response times", "Safeguarding", "Outcomes", "Neighbourhood crime", "Population", incidentsSheet} {
		w.AddSheet(s)
	}
	// Derived measures are computed by Assure from the measures their
	// definition names; the benchmark is a second line beside the target.
	catalogue := [][]any{
		{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category", "Benchmark", "Benchmark label", "Derived"},
		{"calls-999", "999 calls, average per day", "calls", "none", nil, "open", "Demand"},
		{"calls-101", "101 calls, average per day", "calls", "none", nil, "open", "Demand"},
		{"response-urban", "Immediate response time, urban", "minutes", "down", 15, "sensitive", "Local priority"},
		{"response-rural", "Immediate response time, rural", "minutes", "down", 20, "sensitive", "Local priority"},
		{"dvpn-applications", "DVPN applications", "applications", "up", nil, "sensitive", "Victims of domestic abuse"},
		{"dvpo-granted", "DVPOs granted", "orders", "up", nil, "sensitive", "Victims of domestic abuse"},
		{"dvpo-per-dvpn", "DVPOs granted per DVPN application", "orders per application", "up", nil, "sensitive", "Victims of domestic abuse", nil, nil,
			"ratio(dvpo-granted, dvpn-applications)"},
		{"dvpn-since-desk", "DVPN applications since the vulnerability desk opened", "applications", "up", nil, "sensitive", "Victims of domestic abuse", nil, nil,
			"total(dvpn-applications, since 2021-05)"},
		{"weapons-outcome-rate", "Possession of weapons: prosecution possible outcome rate", "%", "up", 65, "open", "Reduce serious violence", 60, "national average"},
		{"neighbourhood-crime", "Neighbourhood crime (burglary, robbery, vehicle and theft from the person)", "offences", "down", nil, "open", "Reduce neighbourhood crime"},
		{"population", "Resident population (mid-year estimate)", "residents", "none", nil, "open", "Context"},
		{"neighbourhood-crime-rate", "Neighbourhood crime per 1,000 residents", "offences per 1,000 residents", "down", nil, "open", "Reduce neighbourhood crime", nil, nil,
			"per1000(neighbourhood-crime, population)"},
	}
	for r, row := range catalogue {
		for c, v := range row {
			if v != nil {
				w.Set("Metrics", cell(c+1, r+1), v)
			}
		}
	}

	// Calls: wide layout under a title, headed by date cells.
	monthFmt := w.BuiltinFormat(17) // mmm-yy
	w.Set("Calls", "A1", "Average daily calls by month (illustrative)")
	w.Set("Calls", "A3", "Metric")
	w.Set("Calls", "B3", "Area")
	for i, m := range ms {
		w.Set("Calls", cell(i+3, 3), m)
	}
	w.SetStyle("Calls", cell(3, 3), cell(len(ms)+2, 3), monthFmt)
	w.Set("Calls", "A4", "999 calls, average per day")
	w.Set("Calls", "B4", "Force")
	w.Set("Calls", "A5", "101 calls, average per day")
	w.Set("Calls", "B5", "Force")
	for i, m := range ms {
		calls999 := 430 + 45*seasonal(m) - 60*lockdown(m) + rng.NormFloat64()*8
		calls101 := 1250 - 5.5*float64(i) + 60*seasonal(m) - 150*lockdown(m) + rng.NormFloat64()*20
		w.Set("Calls", cell(i+3, 4), math.Round(calls999))
		w.Set("Calls", cell(i+3, 5), math.Round(calls101))
	}

	// Response times: long layout, periods as text. Urban response
	// stepped up from about 13.5 to about 17 minutes from spring 2021,
	// which the minutes asked about ("has it stabilised?").
	w.Set("Response times", "A1", "Metric")
	w.Set("Response times", "B1", "Area")
	w.Set("Response times", "C1", "Period")
	w.Set("Response times", "D1", "Value")
	row := 2
	for _, metric := range []struct {
		id   string
		base float64
	}{{"response-urban", 13.4}, {"response-rural", 18.2}} {
		for _, area := range []string{"North", "South"} {
			for _, m := range ms {
				v := metric.base + rng.NormFloat64()*0.45
				if !m.Before(time.Date(2021, time.April, 1, 0, 0, 0, 0, time.UTC)) {
					v += 3.4
				}
				if area == "South" {
					v -= 0.3
				}
				w.Set("Response times", cell(1, row), metric.id)
				w.Set("Response times", cell(2, row), area)
				w.Set("Response times", cell(3, row), m.Format("2006-01"))
				w.Set("Response times", cell(4, row), round1(v))
				row++
			}
		}
	}

	// Safeguarding: wide layout with text period headers. The vulnerability
	// focus desks from May 2021 raised DVPN applications (81 in four
	// months, 79 granted, in the minutes).
	w.Set("Safeguarding", "A1", "Measure")
	w.Set("Safeguarding", "B1", "Area")
	for i, m := range ms {
		w.Set("Safeguarding", cell(i+3, 1), m.Format("Jan-06"))
	}
	w.Set("Safeguarding", "A2", "DVPN applications")
	w.Set("Safeguarding", "B2", "Force")
	w.Set("Safeguarding", "A3", "DVPOs granted")
	w.Set("Safeguarding", "B3", "Force")
	for i, m := range ms {
		applications := 9 + rng.IntN(5)
		if !m.Before(time.Date(2021, time.May, 1, 0, 0, 0, 0, time.UTC)) {
			applications = 19 + rng.IntN(4)
		}
		granted := applications - rng.IntN(2)
		w.Set("Safeguarding", cell(i+3, 2), applications)
		w.Set("Safeguarding", cell(i+3, 3), granted)
	}

	// Outcomes: quarterly, long layout, rates as fractions under a
	// percent format (0.5 shown as 50%), below a title row.
	pct := w.BuiltinFormat(9)
	w.Set("Outcomes", "A1", "Prosecution possible outcome rate, possession of weapons (benchmark 65%)")
	w.Set("Outcomes", "A3", "Metric")
	w.Set("Outcomes", "B3", "Area")
	w.Set("Outcomes", "C3", "Quarter")
	w.Set("Outcomes", "D3", "Value")
	for q := 0; q < 12; q++ {
		r := 4 + q
		w.Set("Outcomes", cell(1, r), "weapons-outcome-rate")
		w.Set("Outcomes", cell(2, r), "Force")
		w.Set("Outcomes", cell(3, r), fmt.Sprintf("%d/%02d Q%d", 2019+q/4, (2020+q/4)%100, q%4+1))
		w.Set("Outcomes", cell(4, r), math.Round((0.55-0.004*float64(q)+rng.NormFloat64()*0.02)*1000)/1000)
	}
	w.SetStyle("Outcomes", "D4", "D15", pct)

	// Neighbourhood crime: wide layout by area with a Total row.
	w.Set("Neighbourhood crime", "A1", "Metric")
	w.Set("Neighbourhood crime", "B1", "Area")
	for i, m := range ms {
		w.Set("Neighbourhood crime", cell(i+3, 1), m)
	}
	w.SetStyle("Neighbourhood crime", cell(3, 1), cell(len(ms)+2, 1), monthFmt)
	totals := make([]float64, len(ms))
	for r, area := range []string{"North", "South"} {
		w.Set("Neighbourhood crime", cell(1, r+2), "neighbourhood-crime")
		w.Set("Neighbourhood crime", cell(2, r+2), area)
		for i, m := range ms {
			base := 620.0
			if area == "South" {
				base = 540
			}
			v := math.Round(base*(1-0.004*float64(i)) - 180*lockdown(m) + 25*seasonal(m) + rng.NormFloat64()*18)
			totals[i] += v
			w.Set("Neighbourhood crime", cell(i+3, r+2), v)
		}
	}
	w.Set("Neighbourhood crime", "A4", "Total")
	for i, t := range totals {
		w.Set("Neighbourhood crime", cell(i+3, 4), t)
	}
	// Population: an estimate a year for each area, in the manner of the
	// ONS mid-year estimates, from which the rate per 1,000 residents is
	// worked out.
	for c, h := range []string{"Metric", "Area", "Year", "Value"} {
		w.Set("Population", cell(c+1, 1), h)
	}
	prow := 2
	for _, area := range []struct {
		name string
		base float64
	}{{"North", 412000}, {"South", 386000}} {
		for y := 2019; y <= 2021; y++ {
			w.Set("Population", cell(1, prow), "population")
			w.Set("Population", cell(2, prow), area.name)
			w.Set("Population", cell(3, prow), fmt.Sprint(y))
			w.Set("Population", cell(4, prow), math.Round(area.base*(1+0.006*float64(y-2019))/100)*100)
			prow++
		}
	}
	writeIncidents(w)
	return w.SaveAs(path)
}
