package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// forEachStore runs fn against a fresh SQLite store and, when
// ASSURE_TEST_POSTGRES is set, a fresh PostgreSQL schema.
func forEachStore(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, d))
		})
	}
}

func ingestBytes(t *testing.T, st *store.Store, name string, content []byte, opts Options) Report {
	t.Helper()
	rep, err := New(st, nil).Ingest(context.Background(), name, content, opts)
	if err != nil {
		t.Fatalf("Ingest(%s): %v", name, err)
	}
	return rep
}

// seriesValues maps "area period-key" to the current value.
func seriesValues(t *testing.T, st *store.Store, id string) map[string]float64 {
	t.Helper()
	obs, err := st.Series(context.Background(), metrics.Everything, id)
	if err != nil {
		t.Fatalf("Series(%s): %v", id, err)
	}
	out := map[string]float64{}
	for _, o := range obs {
		out[o.Area+" "+o.Period.Key()] = o.Value
	}
	return out
}

func requireStatus(t *testing.T, rep Report, want string) {
	t.Helper()
	if rep.Status != want {
		var lines []string
		for _, p := range rep.Errors {
			lines = append(lines, p.Format(rep.File))
		}
		t.Fatalf("%s: status %q, want %q; errors:\n%s", rep.File, rep.Status, want, strings.Join(lines, "\n"))
	}
}

func testCatalogue() ingesttest.Sheet {
	return ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
		{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
		{"calls-999", "999 calls, average per day", "calls", "none", nil, "open", "Demand"},
		{"response-urban", "Immediate response time, urban", "minutes", "Lower is better", 15, "Sensitive", "Local priority"},
		{"outcome-rate", "Possession of weapons outcome rate", "%", "up", ingesttest.Pct(0.65), "open", "Reduce serious violence"},
	}}
}

func TestIngestLongLayoutWithUntidyValues(t *testing.T) {
	content := ingesttest.Book(t, testCatalogue(), ingesttest.Sheet{
		Name: "Data",
		Rows: [][]any{
			{"Quarterly performance report: illustrative"},
			{},
			{"  METRIC ", "Area", "Period", "Value (count)"},
			{"999 calls, average per day", "Force", "2021-08", "1,234"},
			{"calls-999", "Force", "Sep-21", 1200.5},
			{"calls-999", "Force", "October 2021", " 980 "},
			{"calls-999", "Force", ingesttest.Month(2021, time.November), "£1.2k"},
			{},
			{"response-urban", "North", "2021/22 Q3", "(4)"},
			{"response-urban", "South", "Q3 2021/22", "-3.5"},
			{"outcome-rate", "Force", "2021/22", "50%"},
			{"outcome-rate", "North", "2021/22", ingesttest.Pct(0.5)},
			{"outcome-rate", "South", "2021/22", ".."},
			{"Total", "Force", "2021/22", 99999},
		},
		Merge: []string{"A1:D1"},
	})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "Q3.xlsx", content, Options{})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Observations != 8 {
			t.Errorf("observations = %d, want 8", rep.Counts.Observations)
		}
		if rep.Kind != metrics.KindPerformance {
			t.Errorf("kind = %q", rep.Kind)
		}
		calls := seriesValues(t, st, "calls-999")
		for key, want := range map[string]float64{"Force 2021-08": 1234, "Force 2021-09": 1200.5, "Force 2021-10": 980, "Force 2021-11": 1200} {
			if got, ok := calls[key]; !ok || got != want {
				t.Errorf("calls-999 %s = %v (present %t), want %v", key, got, ok, want)
			}
		}
		resp := seriesValues(t, st, "response-urban")
		if resp["North 2021/22 Q3"] != -4 || resp["South 2021/22 Q3"] != -3.5 {
			t.Errorf("response-urban = %v", resp)
		}
		rate := seriesValues(t, st, "outcome-rate")
		if rate["Force 2021/22"] != 50 || rate["North 2021/22"] != 50 {
			t.Errorf("percentages must be stored in percent: %v", rate)
		}
		if _, ok := rate["South 2021/22"]; ok {
			t.Errorf(`".." (not available) must not be stored: %v`, rate)
		}
		m, err := st.GetMetric(context.Background(), metrics.Everything, "outcome-rate")
		if err != nil {
			t.Fatal(err)
		}
		// The catalogue asks for the measure to be open: an upload only
		// proposes that, and it stays sensitive until someone approves.
		if m.Target == nil || *m.Target != 65 || m.Direction != metrics.HigherIsBetter || m.Classification != metrics.Sensitive {
			t.Errorf("catalogue entry = %+v (target %v)", m, m.Target)
		}
		proposed := false
		for _, ch := range rep.Preview.Catalogue {
			if ch.MetricID == "outcome-rate" && ch.New && ch.Proposed {
				proposed = true
			}
		}
		if !proposed {
			t.Errorf("the preview does not say outcome-rate's opening waits for approval: %+v", rep.Preview.Catalogue)
		}
		storetest.ApproveAll(t, st)
		if m, err := st.GetMetric(context.Background(), metrics.Public, "outcome-rate"); err != nil || m.Classification != metrics.Open {
			t.Errorf("after approval outcome-rate = %+v, %v", m, err)
		}
		if _, err := st.GetMetric(context.Background(), metrics.Public, "response-urban"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("a sensitive metric must be invisible to the public, got %v", err)
		}
		// Every value traces back to its cell.
		obs, _ := st.Series(context.Background(), metrics.Everything, "calls-999")
		if obs[0].Source.Sheet != "Data" || obs[0].Source.Cell != "D4" || obs[0].Source.File != "Q3.xlsx" {
			t.Errorf("source = %+v, want Data!D4 of Q3.xlsx", obs[0].Source)
		}
	})
}

func TestIngestWideLayout(t *testing.T) {
	content := ingesttest.Book(t, testCatalogue(),
		ingesttest.Sheet{Name: "Calls", Rows: [][]any{
			{"Average daily calls"},
			{"Metric", "Area", ingesttest.Month(2021, time.April), ingesttest.Month(2021, time.May), ingesttest.Month(2021, time.June), "Notes"},
			{"calls-999", "North", 400, 410, "", "a note"},
			{"calls-999", "South", 300, "310", 320},
			{"Total", "", 700, 720, 320},
		}},
		ingesttest.Sheet{Name: "Text headers", Rows: [][]any{
			{"Measure", "District", "Jul-21", "Aug 2021", "2021-09"},
			{"response-urban", "North", 14.5, 15.2, 16},
		}},
		ingesttest.Sheet{Name: "Old", Hidden: true, Rows: [][]any{
			{"Metric", "Area", "Jan-20"},
			{"calls-999", "North", 1},
		}},
	)
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "wide.xlsx", content, Options{})
		requireStatus(t, rep, StatusStored)
		calls := seriesValues(t, st, "calls-999")
		want := map[string]float64{"North 2021-04": 400, "North 2021-05": 410, "South 2021-04": 300, "South 2021-05": 310, "South 2021-06": 320}
		if len(calls) != len(want) {
			t.Errorf("calls-999 = %v, want %v (the hidden sheet must be ignored)", calls, want)
		}
		for k, v := range want {
			if calls[k] != v {
				t.Errorf("calls-999 %s = %v, want %v", k, calls[k], v)
			}
		}
		resp := seriesValues(t, st, "response-urban")
		if resp["North 2021-07"] != 14.5 || resp["North 2021-09"] != 16 {
			t.Errorf("response-urban = %v", resp)
		}
		if !hasProblem(rep.Warnings, "Calls", "", "Notes") {
			t.Errorf("an unknown column should be reported as ignored: %+v", rep.Warnings)
		}
	})
}

func TestIngestWideTotalDisagreeingIsReported(t *testing.T) {
	content := ingesttest.Book(t, ingesttest.Sheet{Name: "Calls", Rows: [][]any{
		{"Metric", "Area", "2021-04"},
		{"calls-999", "North", 400},
		{"calls-999", "South", 300},
		{"Total", "Force", 650},
	}})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "t.xlsx", content, Options{})
		requireStatus(t, rep, StatusStored)
		if !hasProblem(rep.Warnings, "Calls", "C4", "650") || !hasProblem(rep.Warnings, "Calls", "C4", "700") {
			t.Errorf("want a warning at C4 naming 650 and 700, got %+v", rep.Warnings)
		}
	})
}

func hasProblem(ps []Problem, sheet, cell, text string) bool {
	for _, p := range ps {
		if (sheet == "" || p.Sheet == sheet) && (cell == "" || p.Cell == cell) && strings.Contains(p.Message, text) {
			return true
		}
	}
	return false
}

func TestIngestRejectsAndStoresNothing(t *testing.T) {
	content := ingesttest.Book(t, testCatalogue(), ingesttest.Sheet{Name: "Calls", Rows: [][]any{
		{"Metric", "Area", "Period", "Value"},
		{"calls-999", "Force", "2021-08", 100},
		{"calls-999", "Force", "2021-09", "tbc"},
		{"calls-999", "Force", "Q5 2021", 100},
		{"calls-999", "Force", "2021-10", ingesttest.Formula{Expr: "1/0"}},
		{"calls-999", "", "2021-11", 5},
		{"calls-999", "Force", "2021-12", "NaN"},
		{"calls-999", "Force", "2022-01", "0x1p-2"},
		{"calls-999", "Force", "2022-02", true},
	}})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "Q3.xlsx", content, Options{})
		requireStatus(t, rep, StatusRejected)
		for _, want := range []struct{ cell, text string }{
			{"D3", `"tbc" is not a number`},
			{"C4", "Q5 2021"},
			{"D5", "#DIV/0!"},
			{"B6", "area is blank"},
			{"D7", "NaN"},
			{"D8", "0x1p-2"},
			{"D9", "TRUE/FALSE"},
		} {
			if !hasProblem(rep.Errors, "Calls", want.cell, want.text) {
				t.Errorf("no error at Calls!%s mentioning %q; errors: %+v", want.cell, want.text, rep.Errors)
			}
		}
		if got := rep.Errors[0].Format("Q3.xlsx"); got != `Q3.xlsx: sheet "Calls", cell D3: "tbc" is not a number: write a number such as 1234, 1,234.5, (404) or 50%` && !strings.HasPrefix(got, `Q3.xlsx: sheet "Calls", cell D3: "tbc" is not a number`) {
			t.Errorf("first error reads %q", got)
		}
		assertEmpty(t, st)
	})
}

// assertEmpty checks that nothing at all was stored.
func assertEmpty(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	ups, err := st.ListUploads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := st.ListMetrics(ctx, metrics.Everything)
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 0 || len(ms) != 0 {
		t.Errorf("a rejected file stored %d uploads and %d metrics", len(ups), len(ms))
	}
}

func TestIngestSameFileTwiceIsUnchanged(t *testing.T) {
	content := ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: [][]any{
		{"Metric", "Area", "Period", "Value"},
		{"calls-999", "Force", "2021-08", 100},
	}})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		first := ingestBytes(t, st, "a.xlsx", content, Options{})
		requireStatus(t, first, StatusStored)
		again := ingestBytes(t, st, "renamed.xlsx", content, Options{})
		requireStatus(t, again, StatusUnchanged)
		if again.UploadID != first.UploadID || again.SHA256 != first.SHA256 {
			t.Errorf("unchanged report should name the earlier upload: %+v", again)
		}
		ups, _ := st.ListUploads(context.Background())
		if len(ups) != 1 {
			t.Errorf("uploads = %d, want 1", len(ups))
		}
	})
}

func TestIngestLaterFileSupersedesAndKeepsHistory(t *testing.T) {
	first := ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: [][]any{
		{"Metric", "Area", "Period", "Value"},
		{"calls-999", "Force", "2021-08", 100},
		{"calls-999", "Force", "2021-09", 200},
	}})
	revised := ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: [][]any{
		{"Metric", "Area", "Period", "Value"},
		{"calls-999", "Force", "2021-09", 210},
		{"calls-999", "Force", "2021-10", 300},
	}})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		requireStatus(t, ingestBytes(t, st, "m1.xlsx", first, Options{}), StatusStored)
		rep := ingestBytes(t, st, "m2.xlsx", revised, Options{})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Superseded != 1 {
			t.Errorf("superseded = %d, want 1", rep.Counts.Superseded)
		}
		got := seriesValues(t, st, "calls-999")
		if got["Force 2021-08"] != 100 || got["Force 2021-09"] != 210 || got["Force 2021-10"] != 300 {
			t.Errorf("series = %v", got)
		}
		hist, err := st.History(context.Background(), metrics.Everything, "calls-999", "Force", "2021-09")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Value != 210 || hist[1].Value != 200 || hist[1].Source.File != "m1.xlsx" {
			t.Errorf("history = %+v", hist)
		}
	})
}

func TestIngestDryRunStoresNothing(t *testing.T) {
	content := ingesttest.Book(t, testCatalogue(), ingesttest.Sheet{Name: "Data", Rows: [][]any{
		{"Metric", "Area", "Period", "Value"},
		{"calls-999", "Force", "2021-08", 100},
	}})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "a.xlsx", content, Options{DryRun: true})
		requireStatus(t, rep, StatusStored)
		if !rep.DryRun || rep.Counts.Observations != 1 || rep.UploadID != 0 {
			t.Errorf("dry run report = %+v", rep)
		}
		assertEmpty(t, st)
		// And the real run afterwards is not "unchanged".
		requireStatus(t, ingestBytes(t, st, "a.xlsx", content, Options{}), StatusStored)
	})
}

func TestIngestDuplicateCellsRejected(t *testing.T) {
	content := ingesttest.Book(t,
		ingesttest.Sheet{Name: "A", Rows: [][]any{{"Metric", "Area", "Period", "Value"}, {"calls-999", "Force", "2021-08", 100}}},
		ingesttest.Sheet{Name: "B", Rows: [][]any{{"Metric", "Area", "2021-08"}, {"calls-999", "Force", 101}}},
	)
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "dup.xlsx", content, Options{})
		requireStatus(t, rep, StatusRejected)
		if !hasProblem(rep.Errors, "", "", "A!D2") || !hasProblem(rep.Errors, "", "", "B!C2") {
			t.Errorf("duplicate should name both cells: %+v", rep.Errors)
		}
		assertEmpty(t, st)
	})
}

func TestIngestFormulas(t *testing.T) {
	content := ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: [][]any{
		{"Metric", "Area", "Period", "Value"},
		{"calls-999", "Force", "2021-08", ingesttest.Formula{Expr: "40+2", Cached: "42"}},
		{"calls-999", "Force", "2021-09", ingesttest.Formula{Expr: "D2*2"}},
	}})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		requireStatus(t, ingestBytes(t, st, "f.xlsx", content, Options{}), StatusStored)
		got := seriesValues(t, st, "calls-999")
		if got["Force 2021-08"] != 42 || got["Force 2021-09"] != 84 {
			t.Errorf("formula values = %v, want cached 42 and calculated 84", got)
		}
	})
}

func TestIngestNoDataSheet(t *testing.T) {
	content := ingesttest.Book(t, ingesttest.Sheet{Name: "Sheet", Rows: [][]any{{"Hello"}, {"World"}}})
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "x.xlsx", content, Options{})
		requireStatus(t, rep, StatusRejected)
		if !hasProblem(rep.Errors, "", "", "header row") {
			t.Errorf("errors = %+v", rep.Errors)
		}
		assertEmpty(t, st)
	})
}

func TestIngestNotAWorkbook(t *testing.T) {
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "calls.xlsx", []byte("Metric,Area,Period,Value\ncalls,Force,2021-08,1\n"), Options{})
		requireStatus(t, rep, StatusRejected)
		if len(rep.Errors) == 0 || !strings.Contains(strings.ToLower(rep.Errors[0].Message), "csv") {
			t.Errorf("errors = %+v", rep.Errors)
		}
		assertEmpty(t, st)
	})
}
