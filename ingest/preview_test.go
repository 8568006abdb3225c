package ingest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store"
)

// TestIngestPreviewsAsItsDryRun: a real ingest, which compares the file
// with each measure's stored series as Finish reads it (in id order),
// reports the same preview and warnings, in the same order, as a dry run
// of the file, which reads the stored series itself: the measures in the
// order the file first names them, revisions, new values, unchanged
// ones, and the warnings of implausible values, the first few of each
// measure and then how many more.
func TestIngestPreviewsAsItsDryRun(t *testing.T) {
	// Ids the file names out of their sorted order.
	ids := []string{"z-calls", "m-response", "a-outcomes", "q-orders", "c-updates"}
	catalogue := ingesttest.Sheet{Name: "Metrics", Rows: [][]any{{"Id", "Name", "Unit", "Direction", "Classification", "Category"}}}
	for i, id := range ids {
		catalogue.Rows = append(catalogue.Rows, []any{id, fmt.Sprintf("Measure %d of the board", i+1), "count", "none", "open", "Demand"})
	}
	value := func(i, area, month int) float64 { return float64(100*(i+1) + 10*area + month) }
	areas := []string{"Force", "North", "South"}
	var first [][]any
	for i, id := range ids[:4] { // the last is new in the revision
		for a, area := range areas {
			for m := 1; m <= 12; m++ {
				first = append(first, []any{id, area, fmt.Sprintf("2021-%02d", m), value(i, a, m)})
			}
		}
	}
	var revision [][]any
	for _, i := range []int{0, 2, 4, 1} { // z, a, c (new), m; q untouched
		id := ids[i]
		for a, area := range areas {
			for m := 10; m <= 14; m++ { // three stored months and two new
				period := fmt.Sprintf("2021-%02d", m)
				if m > 12 {
					period = fmt.Sprintf("2022-%02d", m-12)
				}
				v := value(i, a, m)
				switch {
				case i == 0 && m == 11: // revised in every area
					v += 5
				case i == 1 && (m == 11 || m == 13): // a slip of units, up and back, in every area
					v *= 100
				case i == 2 && a == 1 && m == 13: // a tenth
					v /= 50
				case i == 0 && a == 2 && m == 14: // twenty times
					v *= 20
				}
				revision = append(revision, []any{id, area, period, v})
			}
		}
	}
	book := func(rows [][]any) []byte {
		return ingesttest.Book(t, catalogue, dataSheet(rows...))
	}
	forEachStore(t, func(t *testing.T, st *store.Store) {
		requireStatus(t, ingestBytes(t, st, "2021.xlsx", book(first), Options{}), StatusStored)
		dry := ingestBytes(t, st, "revision.xlsx", book(revision), Options{DryRun: true})
		requireStatus(t, dry, StatusStored)
		real := ingestBytes(t, st, "revision.xlsx", book(revision), Options{})
		requireStatus(t, real, StatusStored)
		if dry.Preview == nil || real.Preview == nil {
			t.Fatalf("previews: dry run %v, ingest %v", dry.Preview, real.Preview)
		}
		if !reflect.DeepEqual(real.Preview.Measures, dry.Preview.Measures) {
			t.Errorf("the ingest's preview differs from the dry run's:\ningest:  %+v\ndry run: %+v", real.Preview.Measures, dry.Preview.Measures)
		}
		if !reflect.DeepEqual(real.Warnings, dry.Warnings) {
			t.Errorf("the ingest's warnings differ from the dry run's:\ningest:  %+v\ndry run: %+v", real.Warnings, dry.Warnings)
		}

		// And the preview is the one expected, not merely the same twice.
		var order []string
		got := map[string]MeasureChange{}
		for _, mc := range real.Preview.Measures {
			order = append(order, mc.MetricID)
			got[mc.MetricID] = mc
		}
		if want := []string{"z-calls", "a-outcomes", "c-updates", "m-response"}; !reflect.DeepEqual(order, want) {
			t.Errorf("measures in the order %v, want the file's %v", order, want)
		}
		for id, want := range map[string][3]int{ // new, revised, unchanged
			"z-calls":    {6, 3, 6},
			"m-response": {6, 3, 6},
			"a-outcomes": {6, 0, 9},
			"c-updates":  {15, 0, 0},
		} {
			mc := got[id]
			if have := [3]int{mc.NewValues, mc.Revised, mc.Unchanged}; have != want {
				t.Errorf("%s: new, revised, unchanged = %v, want %v", id, have, want)
			}
			if mc.Periods != 5 || mc.FirstPeriod != "Oct 2021" || mc.LastPeriod != "Feb 2022" || !reflect.DeepEqual(mc.Areas, []string{"Force", "North", "South"}) {
				t.Errorf("%s: %d periods %s to %s, areas %v", id, mc.Periods, mc.FirstPeriod, mc.LastPeriod, mc.Areas)
			}
		}
		var warned []string
		for _, w := range real.Warnings {
			switch {
			case strings.Contains(w.Message, "more values ten times"):
				warned = append(warned, "more: "+w.Message[:strings.Index(w.Message, " has")])
			case strings.Contains(w.Message, "check the unit"):
				warned = append(warned, w.Message[:strings.Index(w.Message, ",")])
			}
		}
		// z-calls' one, a-outcomes' tenth (and the value after it) and
		// m-response's first three of twelve, as the file names them.
		want := []string{"z-calls", "a-outcomes", "a-outcomes", "m-response", "m-response", "m-response", "more: m-response"}
		if !reflect.DeepEqual(warned, want) {
			t.Errorf("unit warnings by measure %v, want %v (all: %+v)", warned, want, real.Warnings)
		}
	})
}
