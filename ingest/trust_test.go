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

// trustCatalogue is the catalogue the later workbooks of these tests
// name their measures against.
func trustCatalogue() ingesttest.Sheet {
	return ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
		{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
		{"calls-999", "999 calls, average per day", "calls", "none", nil, "open", "Demand"},
		{"response-urban", "Immediate response time, urban", "minutes", "down", 15, "sensitive", "Local priority"},
		{"victim-updates", "Victims updated within 5 days", "%", "up", ingesttest.Pct(0.9), "sensitive", "Victims"},
	}}
}

func dataSheet(rows ...[]any) ingesttest.Sheet {
	return ingesttest.Sheet{Name: "Data", Rows: append([][]any{{"Metric", "Area", "Period", "Value"}}, rows...)}
}

func seedCatalogue(t *testing.T, st *store.Store) {
	t.Helper()
	rep := ingestBytes(t, st, "Q1.xlsx", ingesttest.Book(t, trustCatalogue(), dataSheet(
		[]any{"calls-999", "Force", "2021-04", 610},
		[]any{"response-urban", "Force", "2021-04", 14.5},
		[]any{"victim-updates", "Force", "2021-04", ingesttest.Pct(0.88)},
	)), Options{})
	requireStatus(t, rep, StatusStored)
	storetest.ApproveAll(t, st)
}

func metricIDs(t *testing.T, st *store.Store) []string {
	t.Helper()
	ms, err := st.ListMetrics(context.Background(), metrics.Everything)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

// TestNamesResolveToTheCatalogue: a later workbook without a catalogue
// names measures by their names, written in other case, spacing and
// punctuation, and by their ids: each reaches the catalogued measure, and
// no second measure appears.
func TestNamesResolveToTheCatalogue(t *testing.T) {
	later := ingesttest.Book(t, dataSheet(
		[]any{"999 CALLS – average per day", "Force", "2021-05", 640},
		[]any{"immediate response time urban", "Force", "2021-05", 15.2},
		[]any{"  Immediate  Response Time,  Urban ", "North", "2021-05", 16},
		[]any{"Victim’s updated within 5 days", "Force", "2021-05", "91%"},
		[]any{"Response-Urban", "South", "2021-05", 13},
	))
	forEachStore(t, func(t *testing.T, st *store.Store) {
		seedCatalogue(t, st)
		rep := ingestBytes(t, st, "Q2.xlsx", later, Options{})
		requireStatus(t, rep, StatusStored)
		if len(rep.Warnings) != 0 || len(rep.Preview.Catalogue) != 0 {
			t.Errorf("warnings %+v, catalogue changes %+v", rep.Warnings, rep.Preview.Catalogue)
		}
		if ids := metricIDs(t, st); strings.Join(ids, " ") != "calls-999 response-urban victim-updates" {
			t.Errorf("measures = %v: a name made a second measure", ids)
		}
		if v := seriesValues(t, st, "response-urban"); v["Force 2021-05"] != 15.2 || v["North 2021-05"] != 16 || v["South 2021-05"] != 13 {
			t.Errorf("response-urban = %v", v)
		}
		if v := seriesValues(t, st, "calls-999"); v["Force 2021-05"] != 640 {
			t.Errorf("calls-999 = %v", v)
		}
		if v := seriesValues(t, st, "victim-updates"); v["Force 2021-05"] != 91 {
			t.Errorf("victim-updates = %v", v)
		}
	})
}

// TestNearMissesAreRefused: a name close to a catalogued one is refused
// at its cell with the measure it probably means, and nothing is stored.
func TestNearMissesAreRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, st *store.Store) {
		seedCatalogue(t, st)
		rep := ingestBytes(t, st, "Q2.xlsx", ingesttest.Book(t, dataSheet(
			[]any{"Victims updated within 5 day", "Force", "2021-05", 91},
			[]any{"999 calls avg per day", "Force", "2021-05", 640},
		)), Options{})
		requireStatus(t, rep, StatusRejected)
		for _, want := range []struct{ cell, text string }{
			{"A2", `did you mean victim-updates, "Victims updated within 5 days"?`},
			{"A3", `did you mean calls-999, "999 calls, average per day"?`},
		} {
			if !hasProblem(rep.Errors, "Data", want.cell, want.text) {
				t.Errorf("no error at %s saying %q: %+v", want.cell, want.text, rep.Errors)
			}
		}
		if v := seriesValues(t, st, "calls-999"); len(v) != 1 {
			t.Errorf("a refused file stored values: %v", v)
		}
		if ids := metricIDs(t, st); len(ids) != 3 {
			t.Errorf("measures = %v", ids)
		}
	})
}

// TestUnknownNameIsANewSensitiveMeasure: a name nothing resembles is a
// new measure, sensitive, and the report says so plainly.
func TestUnknownNameIsANewSensitiveMeasure(t *testing.T) {
	forEachStore(t, func(t *testing.T, st *store.Store) {
		seedCatalogue(t, st)
		rep := ingestBytes(t, st, "Q2.xlsx", ingesttest.Book(t, dataSheet(
			[]any{"Burglary of a dwelling", "Force", "2021-05", 120},
		)), Options{})
		requireStatus(t, rep, StatusStored)
		if len(rep.Preview.Catalogue) != 1 || !rep.Preview.Catalogue[0].New || rep.Preview.Catalogue[0].MetricID != "burglary-of-a-dwelling" {
			t.Fatalf("catalogue changes = %+v", rep.Preview.Catalogue)
		}
		if s := rep.Preview.Catalogue[0].String(); !strings.Contains(s, "new measure burglary-of-a-dwelling") || !strings.Contains(s, "sensitive") {
			t.Errorf("the change reads %q", s)
		}
		if _, err := st.GetMetric(context.Background(), metrics.Public, "burglary-of-a-dwelling"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("a new measure is visible to the public: %v", err)
		}
	})
}

// TestPercentagesWrittenTwoWays: "52%" typed as text and 0.5 under a
// percent format, in rows of one measure, are both percentages of one
// measure with the unit %; a percentage for a measure in minutes is
// refused at its cell.
func TestPercentagesWrittenTwoWays(t *testing.T) {
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "rates.xlsx", ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: [][]any{
			{"Metric", "Area", "Period", "Value", "Target"},
			{"Charge rate", "Force", "2021-04", "52%", "60%"},
			{"Charge rate", "Force", "2021-05", ingesttest.Pct(0.5), ingesttest.Pct(0.6)},
			{"Charge rate", "North", "2021-05", 48, nil},
		}}), Options{})
		requireStatus(t, rep, StatusStored)
		v := seriesValues(t, st, "charge-rate")
		if v["Force 2021-04"] != 52 || v["Force 2021-05"] != 50 || v["North 2021-05"] != 48 {
			t.Errorf("charge-rate = %v", v)
		}
		m, err := st.GetMetric(context.Background(), metrics.Everything, "charge-rate")
		if err != nil || m.Unit != "%" || m.Target == nil || *m.Target != 60 {
			t.Errorf("charge-rate = %+v, %v", m, err)
		}

		seedCatalogue(t, st)
		rep = ingestBytes(t, st, "bad.xlsx", ingesttest.Book(t, dataSheet(
			[]any{"response-urban", "Force", "2021-05", "15%"},
		)), Options{})
		requireStatus(t, rep, StatusRejected)
		if !hasProblem(rep.Errors, "Data", "D2", "this is a percentage, but response-urban is measured in minutes") {
			t.Errorf("errors = %+v", rep.Errors)
		}
	})
}

// TestCatalogueRevisionAndRollback: a workbook renames a measure, moves
// its target and creates another; the preview says so first; the old
// name still reaches the measure; rolling the upload back restores the
// entry and removes the measure it created, from everywhere.
func TestCatalogueRevisionAndRollback(t *testing.T) {
	revision := ingesttest.Book(t, ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
		{"Id", "Name", "Unit", "Direction", "Target", "Classification"},
		{"response-urban", "Urban immediate response time", "minutes", "down", 14, "sensitive"},
		{"repeat-victims", "Repeat victims of domestic abuse", "count", "down", nil, "sensitive"},
	}}, dataSheet(
		[]any{"response-urban", "Force", "2021-04", 14.9},
		[]any{"Repeat victims of domestic abuse", "Force", "2021-04", 31},
	))
	forEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seedCatalogue(t, st)
		dry := ingestBytes(t, st, "revision.xlsx", revision, Options{DryRun: true})
		requireStatus(t, dry, StatusStored)
		var said []string
		for _, ch := range dry.Preview.Catalogue {
			said = append(said, ch.String())
		}
		for _, want := range []string{
			`response-urban: name changes from "Immediate response time, urban" to "Urban immediate response time"`,
			`response-urban: target changes from "15" to "14"`,
			`new measure repeat-victims, "Repeat victims of domestic abuse", stored as sensitive`,
		} {
			if !strings.Contains(strings.Join(said, "\n"), want) {
				t.Errorf("the preview does not say %q:\n%s", want, strings.Join(said, "\n"))
			}
		}
		var ru MeasureChange
		for _, m := range dry.Preview.Measures {
			if m.MetricID == "response-urban" {
				ru = m
			}
		}
		if ru.Revised != 1 || len(ru.Largest) != 1 || ru.Largest[0].Old != 14.5 || ru.Largest[0].New != 14.9 || ru.Largest[0].Cell != "D2" || ru.Largest[0].OldFile != "Q1.xlsx" {
			t.Errorf("response-urban preview = %+v", ru)
		}
		if ids := metricIDs(t, st); len(ids) != 3 {
			t.Errorf("the dry run stored a measure: %v", ids)
		}

		rep := ingestBytes(t, st, "revision.xlsx", revision, Options{})
		requireStatus(t, rep, StatusStored)
		m, _ := st.GetMetric(ctx, metrics.Everything, "response-urban")
		if m.Name != "Urban immediate response time" || *m.Target != 14 {
			t.Errorf("after the revision response-urban = %+v", m)
		}
		// The old name is an alias now.
		old := ingestBytes(t, st, "Q3.xlsx", ingesttest.Book(t, dataSheet([]any{"Immediate response time, urban", "Force", "2021-06", 15.5})), Options{})
		requireStatus(t, old, StatusStored)
		if v := seriesValues(t, st, "response-urban"); v["Force 2021-06"] != 15.5 {
			t.Errorf("the old name did not reach response-urban: %v", v)
		}
		if _, err := st.RollbackUpload(ctx, old.UploadID, "ana"); err != nil {
			t.Fatal(err)
		}

		if _, err := st.RollbackUpload(ctx, rep.UploadID, "ana"); err != nil {
			t.Fatal(err)
		}
		m, _ = st.GetMetric(ctx, metrics.Everything, "response-urban")
		if m.Name != "Immediate response time, urban" || m.Target == nil || *m.Target != 15 {
			t.Errorf("after the rollback response-urban = %+v (target %v)", m, m.Target)
		}
		if v := seriesValues(t, st, "response-urban"); v["Force 2021-04"] != 14.5 {
			t.Errorf("after the rollback response-urban = %v", v)
		}
		if _, err := st.GetMetric(ctx, metrics.Everything, "repeat-victims"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("the measure only the rolled-back upload created is still there: %v", err)
		}
		// The alias went with the upload that made it: the old name is the
		// name again, and the new one no longer reaches the measure (its
		// words reordered, it is taken for a slip).
		again := ingestBytes(t, st, "Q3b.xlsx", ingesttest.Book(t, dataSheet([]any{"Urban immediate response time", "Force", "2021-06", 15.5})), Options{DryRun: true})
		requireStatus(t, again, StatusRejected)
		if !hasProblem(again.Errors, "Data", "A2", `did you mean response-urban, "Immediate response time, urban"?`) {
			t.Errorf("after the rollback: %+v", again.Errors)
		}
	})
}

// TestNoUploadOpensAMeasure: a catalogue that says open only proposes it;
// one that says sensitive restricts at once; rolling back the upload that
// restricted a measure does not reopen it but proposes to.
func TestNoUploadOpensAMeasure(t *testing.T) {
	forEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seedCatalogue(t, st)
		open := ingestBytes(t, st, "open.xlsx", ingesttest.Book(t, ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Classification"},
			{"response-urban", "Immediate response time, urban", "open"},
		}}, dataSheet([]any{"response-urban", "Force", "2021-05", 15})), Options{})
		requireStatus(t, open, StatusStored)
		if _, err := st.GetMetric(ctx, metrics.Public, "response-urban"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("an upload opened response-urban: %v", err)
		}
		ps, _ := st.ListProposals(ctx, false)
		if len(ps) != 1 || ps[0].MetricID != "response-urban" || ps[0].Classification != metrics.Open || ps[0].FileName.String != "open.xlsx" {
			t.Fatalf("proposals = %+v", ps)
		}
		if _, err := st.RollbackUpload(ctx, open.UploadID, "ana"); err != nil {
			t.Fatal(err)
		}
		if ps, _ := st.ListProposals(ctx, false); len(ps) != 0 {
			t.Errorf("the proposal of a rolled-back upload still waits: %+v", ps)
		}

		closed := ingestBytes(t, st, "close.xlsx", ingesttest.Book(t, ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Classification"},
			{"calls-999", "999 calls, average per day", "sensitive"},
		}}, dataSheet([]any{"calls-999", "Force", "2021-05", 600})), Options{})
		requireStatus(t, closed, StatusStored)
		if _, err := st.GetMetric(ctx, metrics.Public, "calls-999"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("an upload could not make calls-999 sensitive: %v", err)
		}
		if _, err := st.RollbackUpload(ctx, closed.UploadID, "ana"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetMetric(ctx, metrics.Public, "calls-999"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("a rollback reopened calls-999: %v", err)
		}
		ps, _ = st.ListProposals(ctx, false)
		if len(ps) != 1 || ps[0].MetricID != "calls-999" || !strings.Contains(ps[0].Reason, "rolled back") || ps[0].ProposedBy != "ana" {
			t.Fatalf("proposals = %+v", ps)
		}
		if _, err := st.DecideProposal(ctx, ps[0].ID, store.Decision{Approve: true, By: "ana", TwoPerson: true}); metrics.ErrorCode(err) != metrics.EFORBIDDEN {
			t.Errorf("the proposer approved their own proposal: %v", err)
		}
		if _, err := st.DecideProposal(ctx, ps[0].ID, store.Decision{Approve: true, By: "admin", TwoPerson: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetMetric(ctx, metrics.Public, "calls-999"); err != nil {
			t.Errorf("after approval calls-999 is not open: %v", err)
		}
	})
}

// TestDryRunWritesNothing runs dry runs of a performance workbook, a
// finance workbook and a table while another connection holds the
// database's write lock: each finishes, so none of them wrote (or tried
// to), and a check never waits for a long upload.
func TestDryRunWritesNothing(t *testing.T) {
	perf := ingesttest.Book(t, dataSheet(
		[]any{"999 calls, average per day", "Force", "2021-05", 640},
		[]any{"A measure never seen", "Force", "2021-05", 3},
	))
	fin := m5Book(t, m5Title, revenueRows(m5Title))
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			st := storetest.OpenDSN(t, dsn)
			seedCatalogue(t, st)
			before, err := st.ListUploads(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			release := storetest.HoldWriteLock(t, d, dsn)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for _, f := range []struct {
				name    string
				content []byte
				opts    Options
			}{
				{"Q2.xlsx", perf, Options{DryRun: true}},
				{m5File, fin, Options{DryRun: true}},
				{"street.csv", []byte(streetCSV([]streetRow{{month: "2019-01", force: "Cambridgeshire Constabulary", crime: "Burglary"}}, true)),
					Options{DryRun: true, Mapping: namedMapping(t, "police-uk-street")}},
			} {
				rep, err := New(st, nil).Ingest(ctx, f.name, f.content, f.opts)
				if err != nil {
					t.Fatalf("%s: the dry run waited for the write lock or failed: %v", f.name, err)
				}
				requireStatus(t, rep, StatusStored)
				if !rep.DryRun || (rep.Preview == nil && rep.Finance == nil) {
					t.Errorf("%s: report = %+v", f.name, rep)
				}
			}
			release()
			after, err := st.ListUploads(context.Background())
			if err != nil || len(after) != len(before) {
				t.Errorf("uploads before %d, after %d (%v)", len(before), len(after), err)
			}
		})
	}
}

// TestFinancePreview: a dry run of a revision says the month, the
// revenue totals in words, what it revises (old to new by business area)
// and how each area moved since the previous month, and warns of a
// budget that moved between months (a virement) and of a total that
// moved by more than 5%.
func TestFinancePreview(t *testing.T) {
	m4Title := "Revenue and Capital Monitoring Report Month 4 2021/22"
	m4 := revenueRows(m4Title)
	m4[3] = []any{"Local Policing", 70240, 29683000, 70600, 360, "Overtime"}
	m4[9] = []any{"Total", 163742, 68643000, 163186, -556}
	draft := revenueRows(m5Title)
	draft[6] = []any{"Collaboration and Partnerships", 24105, 10044000, 23981, -124}
	draft[9] = []any{"Total", 164742, 68643000, 164356, -386}
	revised := m5Book(t, m5Title+" (revised)", revenueRows(m5Title+" (revised)"))
	forEachStore(t, func(t *testing.T, st *store.Store) {
		requireStatus(t, ingestBytes(t, st, "Monitoring M4 2021-22.xlsx", m5Book(t, m4Title, m4), Options{}), StatusStored)
		requireStatus(t, ingestBytes(t, st, m5File, m5Book(t, m5Title, draft), Options{}), StatusStored)
		rep := ingestBytes(t, st, "revised.xlsx", revised, Options{DryRun: true})
		requireStatus(t, rep, StatusStored)
		f := rep.Finance
		if f.Label != "M5 2021/22" || f.VarianceGBP != -404000 || f.PreviousMonth != "M4 2021/22" || *f.PreviousVarianceGBP != -556000 {
			t.Fatalf("summary = %+v", f)
		}
		if len(f.Revisions) != 1 || f.Revisions[0].BusinessArea != "Collaboration and Partnerships" ||
			f.Revisions[0].OldForecastGBP != 23981000 || f.Revisions[0].NewForecastGBP != 23963000 {
			t.Errorf("revisions = %+v", f.Revisions)
		}
		if f.CapitalAdditionsGBP != 97000 || f.ReservesClosingGBP != 6530000 {
			t.Errorf("capital and reserves totals = %+v", f)
		}
		if !hasProblem(rep.Warnings, "Revenue", "B4", "the annual budget of Local Policing is £71,240,000 here but was £70,240,000 in M4 2021/22") {
			t.Errorf("no virement warning: %+v", rep.Warnings)
		}
		var text strings.Builder
		rep.WriteText(&text)
		for _, want := range []string{
			"revised.xlsx: would be stored (dry run)",
			"Revenue: budget £164,742k, forecast outturn £164,338k, variance £404k underspend",
			"since M4 2021/22 (£556k underspend): moved £152k towards overspend",
			"Local Policing: £360k overspend → £512k overspend",
			"Revises upload 2 (" + m5File + "), which gave £386k underspend",
			"Collaboration and Partnerships: forecast £23,981k → £23,963k, variance £124k underspend → £142k underspend",
			"Capital: approved budget £1,850k, additions £97k, forecast £1,887k",
			"unit: Annual budget, Budget to date, Forecast outturn, Variance: £000 from row 2, above the headings",
		} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("the text report does not say %q:\n%s", want, text.String())
			}
		}

		// A total that moves by more than 5% in a month.
		big := revenueRows("Revenue and Capital Monitoring Report Month 6 2021/22")
		big[3] = []any{"Local Policing", 71240, 29683000, 91752, 20512, "Error?"}
		big[9] = []any{"Total", 164742, 68643000, 184338, 19596}
		rep = ingestBytes(t, st, "Monitoring M6 2021-22.xlsx", m5Book(t, "Revenue and Capital Monitoring Report Month 6 2021/22", big), Options{DryRun: true})
		requireStatus(t, rep, StatusStored)
		if !hasProblem(rep.Warnings, "Revenue", "", "the total forecast outturn is £184,338,000, more than the £164,356,000 of M5 2021/22: more than 5% in a month") {
			t.Errorf("no warning of the total's move: %+v", rep.Warnings)
		}
	})
}
