package ingest

import (
	"context"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// TestMergedUnitBandAppliesToEveryColumn: a unit written once in a band
// merged across the money columns, above the header row, is the unit of
// every column it spans, over two columns and over four.
func TestMergedUnitBandAppliesToEveryColumn(t *testing.T) {
	tests := []struct {
		name  string
		rows  [][]any
		merge string
		// the columns the band spans, as the preview reports them
		wantUnits string
	}{
		{
			name: "over budget and forecast",
			rows: [][]any{
				{"Revenue monitoring Month 9 2021/22"},
				{nil, "£'000", nil, nil},
				{"Business area", "Budget", "Forecast outturn", "Commentary"},
				{"Local Policing", 71240, 70921, ""},
				{"OPCC", 1412, 1342, ""},
			},
			merge:     "B2:C2",
			wantUnits: "Budget, Forecast outturn: £000 from the merged cell B2:C2",
		},
		{
			name: "over budget, forecast, variance and budget to date",
			rows: [][]any{
				{"Revenue monitoring Month 9 2021/22"},
				{nil, "£'000", nil, nil, nil},
				{"Business area", "Budget", "Forecast outturn", "Variance", "Budget to date"},
				{"Local Policing", 71240, 70921, -319, 53430},
				{"OPCC", 1412, 1342, -70, 1059},
			},
			merge:     "B2:E2",
			wantUnits: "Budget, Forecast outturn, Variance, Budget to date: £000 from the merged cell B2:E2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := ingesttest.Book(t, ingesttest.Sheet{Name: "Revenue", Rows: tt.rows, Merge: []string{tt.merge}})
			forEachStore(t, func(t *testing.T, st *store.Store) {
				rep := ingestBytes(t, st, "Monitoring M9 2021-22.xlsx", content, Options{})
				requireStatus(t, rep, StatusStored)
				if len(rep.Warnings) != 0 {
					t.Errorf("warnings: %+v", rep.Warnings)
				}
				f := figures(t, st, metrics.FinancePeriod{FYStart: 2021, Month: 9})
				if len(f.Revenue) != 2 {
					t.Fatalf("revenue = %+v", f.Revenue)
				}
				if l := f.Revenue[1]; l.BudgetGBP != 1412000 || l.ForecastGBP != 1342000 || l.VarianceGBP() != -70000 {
					t.Errorf("OPCC = %+v, want budget £1,412,000 and forecast £1,342,000", l)
				}
				if rep.Finance == nil || !containsString(rep.Finance.Units, tt.wantUnits) {
					t.Errorf("units reported = %+v, want %q", rep.Finance, tt.wantUnits)
				}
			})
		})
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestMergedPeriodBands: wide performance sheets whose period columns sit
// under merged group headings: a year over its quarters, a year over its
// months, and a heading ("Monthly figures") that is not a period at all.
func TestMergedPeriodBands(t *testing.T) {
	tests := []struct {
		name  string
		rows  [][]any
		merge []string
		want  map[string]float64
	}{
		{
			name: "a financial year over its quarters, labels merged down",
			rows: [][]any{
				{"Metric", "Area", "2021/22", nil, nil, nil},
				{nil, nil, "Q1", "Q2", "Q3", "Q4"},
				{"999 calls, average per day", "Force", 610, 640, 600, 590},
			},
			merge: []string{"A1:A2", "B1:B2", "C1:F1"},
			want:  map[string]float64{"Force 2021/22 Q1": 610, "Force 2021/22 Q2": 640, "Force 2021/22 Q3": 600, "Force 2021/22 Q4": 590},
		},
		{
			name: "a financial year over its quarters, labels above only",
			rows: [][]any{
				{"Metric", "Area", "2021/22", nil, nil, nil},
				{nil, nil, "Q1", "Q2", "Q3", "Q4"},
				{"999 calls, average per day", "Force", 610, 640, 600, 590},
			},
			merge: []string{"C1:F1"},
			want:  map[string]float64{"Force 2021/22 Q1": 610, "Force 2021/22 Q2": 640, "Force 2021/22 Q3": 600, "Force 2021/22 Q4": 590},
		},
		{
			name: "a calendar year over its months",
			rows: [][]any{
				{"Metric", "Area", "2021", nil, nil},
				{nil, nil, "Apr", "May", "Jun"},
				{"999 calls, average per day", "Force", 610, 640, 600},
			},
			merge: []string{"C1:E1"},
			want:  map[string]float64{"Force 2021-04": 610, "Force 2021-05": 640, "Force 2021-06": 600},
		},
		{
			name: "a heading that is not a period",
			rows: [][]any{
				{nil, nil, "Monthly figures", nil},
				{"Metric", "Area", "Apr-21", "May-21"},
				{"999 calls, average per day", "Force", 610, 640},
			},
			merge: []string{"C1:D1"},
			want:  map[string]float64{"Force 2021-04": 610, "Force 2021-05": 640},
		},
		{
			name: "a metric merged down over its areas, and a footnote merged across",
			rows: [][]any{
				{"Metric", "Area", "Apr-21", "May-21"},
				{"999 calls, average per day", "North", 310, 330},
				{nil, "South", 300, 310},
				{"Note: figures for May are provisional"},
			},
			merge: []string{"A2:A3", "A4:D4"},
			want:  map[string]float64{"North 2021-04": 310, "North 2021-05": 330, "South 2021-04": 300, "South 2021-05": 310},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := ingesttest.Book(t, testCatalogue(), ingesttest.Sheet{Name: "Data", Rows: tt.rows, Merge: tt.merge})
			forEachStore(t, func(t *testing.T, st *store.Store) {
				rep := ingestBytes(t, st, "Q1.xlsx", content, Options{})
				requireStatus(t, rep, StatusStored)
				got := seriesValues(t, st, "calls-999")
				if len(got) != len(tt.want) {
					t.Errorf("values = %v, want %v", got, tt.want)
				}
				for k, v := range tt.want {
					if got[k] != v {
						t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
					}
				}
			})
		})
	}
}

// TestMergedValueIsRefused: one number merged over two period columns
// would count twice: the file is refused at the cell, with the fix.
func TestMergedValueIsRefused(t *testing.T) {
	content := ingesttest.Book(t, testCatalogue(), ingesttest.Sheet{Name: "Data", Rows: [][]any{
		{"Metric", "Area", "Apr-21", "May-21"},
		{"999 calls, average per day", "Force", 610, nil},
	}, Merge: []string{"C2:D2"}})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "Q1.xlsx", content, Options{})
		requireStatus(t, rep, StatusRejected)
		if !hasProblem(rep.Errors, "Data", "D2", "part of the merged cell C2:D2") {
			t.Errorf("errors = %+v", rep.Errors)
		}
		assertEmpty(t, st)
	})
}

// TestMergedBandsOnIncidents: an incidents sheet whose time columns sit
// under a merged "Times (24-hour clock)" band, and whose area is merged
// down over the incidents of one district, is read as a person reads it.
func TestMergedBandsOnIncidents(t *testing.T) {
	content := ingesttest.Book(t, ingesttest.Sheet{Name: "Incidents", Merge: []string{"E1:F1", "D3:D4"}, Rows: [][]any{
		{nil, nil, nil, nil, "Times (24-hour clock)", nil},
		{"Incident ID", "Priority", "Urban/Rural", "Area", "Received", "Arrived"},
		{"CC-1", "Immediate", "Urban", "North", "03/08/2021 14:05", "03/08/2021 14:17"},
		{"CC-2", "Immediate", "Rural", nil, "04/08/2021 09:00", "04/08/2021 09:21"},
	}})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "incidents.xlsx", content, Options{})
		requireStatus(t, rep, StatusStored)
		recs, err := st.Incidents(context.Background(), metrics.Everything)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[1].Area != "North" || recs[1].Minutes != 21 {
			t.Errorf("incidents = %+v", recs)
		}
	})
}
