package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func at(day, hour, minute, second int) time.Time {
	return time.Date(2021, time.August, day, hour, minute, second, 0, time.UTC)
}

func TestIngestIncidents(t *testing.T) {
	content := ingesttest.Book(t,
		testCatalogue(),
		ingesttest.Sheet{Name: "Data", Rows: [][]any{
			{"Metric", "Area", "Period", "Value"},
			{"calls-999", "Force", "2021-08", 400},
		}},
		// Date-time cells under a title, with headers as a command and
		// control export writes them.
		ingesttest.Sheet{Name: "Immediate responses", Rows: [][]any{
			{"Incidents attended, August 2021 (illustrative)"},
			{},
			{"Incident No.", "Grade", "Urban / Rural", "District", "Time received", "Time arrived"},
			{"CC-1", "Immediate", "Urban", "North", at(3, 14, 5, 0), at(3, 14, 17, 30)},
			{"CC-2", "Immediate", "rural", "South", at(31, 23, 50, 0), at(31, 23, 50, 0)},
			{},
			// Times as text, day first.
			{"CC-3", "Immediate", "URBAN", "North", "04/08/2021 09:00", "04/08/2021 10:35"},
		}},
		// Minutes only, with a month column.
		ingesttest.Sheet{Name: "Sept", Rows: [][]any{
			{"Incident ID", "Priority", "Setting", "Area", "Month", "Response time (minutes)"},
			{"CC-4", "Immediate", "Rural", "South", "Sep-21", 21.5},
			{"CC-5", "Priority", "Urban", "North", ingesttest.Month(2021, time.September), "9"},
		}},
	)
	forEachStore(t, func(t *testing.T, st *store.Store) {
		rep := ingestBytes(t, st, "q2.xlsx", content, Options{})
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Incidents != 5 || rep.Counts.Observations != 1 || rep.Counts.Rows != 6 {
			t.Errorf("counts = %+v, want 5 incidents and 1 value from 6 rows", rep.Counts)
		}
		recs, err := st.Incidents(context.Background(), metrics.Everything)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range recs {
			got = append(got, fmt.Sprintf("%s %s %s %s %s %g %s!%d", r.ID, r.Priority, r.Setting, r.Area, r.Month.Key(), r.Minutes, r.Sheet, r.Row))
		}
		want := []string{
			"CC-1 Immediate urban North 2021-08 12.5 Immediate responses!4",
			"CC-3 Immediate urban North 2021-08 95 Immediate responses!7",
			"CC-2 Immediate rural South 2021-08 0 Immediate responses!5",
			"CC-4 Immediate rural South 2021-09 21.5 Sept!2",
			"CC-5 Priority urban North 2021-09 9 Sept!3",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("incidents:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if !recs[0].Received.Equal(at(3, 14, 5, 0)) || !recs[0].Arrived.Equal(at(3, 14, 17, 30)) {
			t.Errorf("CC-1 times read as %v to %v", recs[0].Received, recs[0].Arrived)
		}
		// Incidents are never measures: nothing was added to the catalogue.
		ms, _ := st.ListMetrics(context.Background(), metrics.Everything)
		for _, m := range ms {
			if strings.Contains(m.ID, "cc-") || strings.Contains(m.Name, "Immediate responses") {
				t.Errorf("an incident became a measure: %+v", m)
			}
		}
	})
}

func TestIngestIncidentsRejects(t *testing.T) {
	header := []any{"Incident ID", "Priority", "Setting", "Area", "Received", "Arrived"}
	row := func(id, setting string, received, arrived any) []any {
		return []any{id, "Immediate", setting, "North", received, arrived}
	}
	ok := row("OK-1", "Urban", at(2, 10, 0, 0), at(2, 10, 12, 0))
	tests := []struct {
		name    string
		rows    [][]any
		cell    string // "" for a sheet-level or file-level error
		message string
	}{
		{"unknown setting", [][]any{header, ok, row("X", "Suburban", at(2, 10, 0, 0), at(2, 10, 5, 0))}, "C3", `"Suburban" is not a setting: write Urban or Rural`},
		{"arrival before the call", [][]any{header, ok, row("X", "Urban", at(2, 10, 0, 0), at(2, 9, 0, 0))}, "F3", "before the call was received"},
		{"blank id", [][]any{header, ok, row("", "Urban", at(2, 10, 0, 0), at(2, 10, 5, 0))}, "A3", "the incident id is blank"},
		{"no arrival", [][]any{header, ok, row("X", "Urban", at(2, 10, 0, 0), nil)}, "F3", "no response time"},
		{"arrival without the call", [][]any{header, ok, row("X", "Urban", nil, at(2, 10, 0, 0))}, "E3", "the received time is blank"},
		{"a number, not a date", [][]any{header, ok, row("X", "Urban", 44410, at(2, 10, 0, 0))}, "E3", "is a number, not a date and time"},
		{"words, not a date", [][]any{header, ok, row("X", "Urban", "yesterday", at(2, 10, 0, 0))}, "E3", `"yesterday" is not a date and time`},
		{"more than a week", [][]any{header, ok, row("X", "Urban", at(2, 10, 0, 0), time.Date(2022, time.August, 2, 10, 0, 0, 0, time.UTC))}, "F3", "more than a week"},
		{"the same incident twice", [][]any{header, ok, ok}, "", "incident OK-1 appears twice, at Incidents row 2 and at Incidents row 3"},
		{"times and minutes disagree",
			[][]any{append(header, "Minutes"), append(ok, 12.5), append(row("X", "Urban", at(2, 10, 0, 0), at(2, 10, 30, 0)), 12)},
			"G3", "the times give 30 minutes but this cell says 12"},
		{"negative minutes",
			[][]any{{"Incident ID", "Priority", "Setting", "Area", "Month", "Minutes"}, {"X", "Immediate", "Urban", "North", "2021-08", -3}},
			"F2", "-3 minutes is not a response time"},
		{"a quarter is not a month",
			[][]any{{"Incident ID", "Priority", "Setting", "Area", "Month", "Minutes"}, {"X", "Immediate", "Urban", "North", "2021/22 Q2", 3}},
			"E2", "is not a month"},
		{"no priority column", [][]any{{"Incident ID", "Setting", "Area", "Received", "Arrived"}, {"X", "Urban", "North", at(2, 10, 0, 0), at(2, 10, 5, 0)}},
			"", "has no Priority column"},
		{"minutes with no month", [][]any{{"Incident ID", "Priority", "Setting", "Area", "Minutes"}, {"X", "Immediate", "Urban", "North", 5}},
			"", "has no Received (a date and time) or Month column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := ingesttest.Book(t, ingesttest.Sheet{Name: "Incidents", Rows: tt.rows})
			forEachStore(t, func(t *testing.T, st *store.Store) {
				rep := ingestBytes(t, st, "bad.xlsx", content, Options{})
				requireStatus(t, rep, StatusRejected)
				found := false
				for _, p := range rep.Errors {
					if p.Cell == tt.cell && strings.Contains(p.Message, tt.message) {
						found = true
					}
				}
				if !found {
					t.Errorf("no error at %q saying %q: %+v", tt.cell, tt.message, rep.Errors)
				}
				// All or nothing: not even the good row was stored.
				recs, err := st.Incidents(context.Background(), metrics.Everything)
				if err != nil || len(recs) != 0 {
					t.Errorf("a rejected file stored %d incidents (%v)", len(recs), err)
				}
			})
		})
	}
}
