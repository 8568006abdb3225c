package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/assure-pcc/assure/ingest/spreadsheet"
)

// incidentsSheet is the sample workbook's sheet of incident-level
// response times, which the ingest recognises by its headers.
const incidentsSheet = "Incidents"

// sampleOutliers are the few incidents, by month (April 2021 is 0) and
// minutes, where an officer took far longer than the target to arrive:
// the long waits that the Commissioner asked about in October 2021, and
// that pull the mean response time above the median.
var sampleOutliers = []struct {
	month   int
	minutes float64
}{{2, 95}, {5, 140}, {7, 200}, {9, 120}, {10, 175}, {11, 90}}

// writeIncidents writes about 3,000 immediate-response incidents, April
// 2021 to March 2022: the call's receipt and the first officer's arrival,
// urban or rural, North or South. Response times are skewed, as real
// ones are (most quick, a long tail of slow ones), with medians near 14
// minutes in towns and 18 in the country, and a handful of extreme
// outliers. A generator of its own keeps the other sheets' figures as
// they were.
func writeIncidents(w *spreadsheet.Book) {
	if w.Err() != nil {
		return
	}
	rng := rand.New(rand.NewPCG(2021, 2210))
	const sh = incidentsSheet
	for c, h := range []string{"Incident ID", "Priority", "Urban/Rural", "Area", "Received", "Arrived"} {
		w.Set(sh, cell(c+1, 1), h)
	}
	row := 2
	for mi := range 12 {
		month := time.Date(2021, time.April+time.Month(mi), 1, 0, 0, 0, 0, time.UTC)
		days := month.AddDate(0, 1, -1).Day()
		n := 240 + rng.IntN(40)
		for k := range n {
			setting, median := "Urban", 13.8
			if rng.Float64() < 0.4 {
				setting, median = "Rural", 18.5
			}
			area := "North"
			if rng.IntN(2) == 1 {
				area = "South"
			}
			// A log-normal time: skewed to the right, never below two
			// minutes.
			minutes := math.Max(2, median*math.Exp(0.33*rng.NormFloat64()))
			for _, o := range sampleOutliers {
				if o.month == mi && k == 17 {
					minutes = o.minutes
				}
			}
			received := month.Add(time.Duration(rng.IntN(days*24*60)) * time.Minute)
			arrived := received.Add(time.Duration(math.Round(minutes*60)) * time.Second)
			w.Set(sh, cell(1, row), fmt.Sprintf("CC-%s-%04d", month.Format("0601"), k+1))
			w.Set(sh, cell(2, row), "Immediate")
			w.Set(sh, cell(3, row), setting)
			w.Set(sh, cell(4, row), area)
			w.Set(sh, cell(5, row), received)
			w.Set(sh, cell(6, row), arrived)
			row++
		}
	}
	dateTime := w.NumberFormat("yyyy-mm-dd hh:mm:ss")
	w.SetStyle(sh, cell(5, 2), cell(6, row-1), dateTime)
	w.ColumnWidth(sh, "E", "F", 20)
}
