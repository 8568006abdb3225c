package store_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

var (
	aug = metrics.MonthOf(2021, time.August)
	sep = metrics.MonthOf(2021, time.September)
	oct = metrics.MonthOf(2021, time.October)
)

func TestIngestCommit(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		start := time.Date(2026, 11, 2, 9, 30, 0, 123456789, time.UTC)
		s.Now = clock(start)
		// Bytes that a text column would mangle: NUL, invalid UTF-8.
		content := "PK\x03\x04\x00\xff\xfe binary \x00 workbook"
		id, counts := ingest(t, s, file{
			name: "Q2 performance.xlsx", content: content,
			metrics: []metrics.Metric{calls, response},
			obs: []metrics.Observation{
				ob(calls.ID, "North", aug, 120.5, "Data", "C2"),
				ob(calls.ID, "South", aug, 98, "Data", "C3"),
				ob(response.ID, "North", aug, 14.25, "Response", "D7"),
			},
		})
		if want := (store.IngestCounts{Observations: 3, Superseded: 0, Metrics: 2}); counts != want {
			t.Errorf("counts = %+v, want %+v", counts, want)
		}

		wantUpload := metrics.Upload{
			ID: id, FileName: "Q2 performance.xlsx", SHA256: sha(content), Kind: metrics.KindPerformance,
			Status: metrics.StatusStored, Size: int64(len(content)),
			UploadedAt: start.Add(time.Minute).Truncate(time.Microsecond), UploadedBy: "analyst",
		}
		got, found, err := s.FindUploadBySHA(ctx, strings.ToUpper(sha(content)))
		if err != nil || !found {
			t.Fatalf("FindUploadBySHA: found=%t err=%v", found, err)
		}
		if !reflect.DeepEqual(got, wantUpload) {
			t.Errorf("FindUploadBySHA = %+v\nwant %+v", got, wantUpload)
		}
		if _, found, err := s.FindUploadBySHA(ctx, sha("some other file")); err != nil || found {
			t.Errorf("FindUploadBySHA(unknown) found=%t err=%v, want not found", found, err)
		}

		u, b, err := s.UploadContent(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != content || !reflect.DeepEqual(u, wantUpload) {
			t.Errorf("UploadContent = %+v, %q; want %+v, %q", u, b, wantUpload, content)
		}
		if _, _, err := s.UploadContent(ctx, id+100); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("UploadContent(unknown) err = %v, want not found", err)
		}

		series, err := s.Series(ctx, metrics.Everything, calls.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []metrics.Observation{
			{MetricID: calls.ID, Area: "North", Period: aug, Value: 120.5,
				Source: metrics.Source{UploadID: id, File: "Q2 performance.xlsx", Sheet: "Data", Cell: "C2", UploadedAt: wantUpload.UploadedAt}},
			{MetricID: calls.ID, Area: "South", Period: aug, Value: 98,
				Source: metrics.Source{UploadID: id, File: "Q2 performance.xlsx", Sheet: "Data", Cell: "C3", UploadedAt: wantUpload.UploadedAt}},
		}
		if !reflect.DeepEqual(series, want) {
			t.Errorf("Series =\n%+v\nwant\n%+v", series, want)
		}
	})
}

// A rolled-back ingest leaves nothing: no upload, file, metric or value,
// whichever step it stopped at.
func TestIngestRollback(t *testing.T) {
	steps := []string{"begin", "metrics", "observations", "finish", "duplicates"}
	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			forEachDialect(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				// An earlier upload, whose values must stay current.
				keepID, _ := ingest(t, s, file{name: "kept.xlsx", metrics: []metrics.Metric{calls},
					obs: []metrics.Observation{ob(calls.ID, "North", aug, 1, "Data", "C2")}})

				tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "dropped.xlsx", Kind: metrics.KindPerformance}, []byte("dropped"))
				if err != nil {
					t.Fatal(err)
				}
				droppedID := tx.UploadID()
				func() {
					if step == "begin" {
						return
					}
					if err := tx.UpsertMetric(ctx, outcomes); err != nil {
						t.Fatal(err)
					}
					if step == "metrics" {
						return
					}
					obs := []metrics.Observation{
						ob(outcomes.ID, "North", aug, 20, "Data", "C2"),
						ob(calls.ID, "North", aug, 2, "Data", "C3"), // would supersede kept.xlsx
					}
					if step == "duplicates" {
						obs = append(obs, ob(calls.ID, "North", aug, 3, "Data", "C4"))
					}
					if err := tx.AddObservations(ctx, obs); err != nil {
						t.Fatal(err)
					}
					if step == "observations" {
						return
					}
					_, err := tx.Finish(ctx)
					if (step == "duplicates") != (err != nil) {
						t.Fatalf("Finish: %v", err)
					}
				}()
				if err := tx.Rollback(); err != nil {
					t.Fatalf("Rollback: %v", err)
				}
				if err := tx.Rollback(); err != nil {
					t.Errorf("second Rollback: %v", err)
				}
				if err := tx.Commit(); err == nil {
					t.Errorf("Commit after Rollback succeeded")
				}

				if _, found, err := s.FindUploadBySHA(ctx, sha("dropped")); err != nil || found {
					t.Errorf("FindUploadBySHA after rollback: found=%t err=%v", found, err)
				}
				if _, _, err := s.UploadContent(ctx, droppedID); metrics.ErrorCode(err) != metrics.ENOTFOUND {
					t.Errorf("UploadContent after rollback: err=%v, want not found", err)
				}
				ups, err := s.ListUploads(ctx)
				if err != nil || len(ups) != 1 || ups[0].ID != keepID {
					t.Errorf("ListUploads after rollback = %+v, %v; want only upload %d", ups, err, keepID)
				}
				if _, err := s.GetMetric(ctx, metrics.Everything, outcomes.ID); metrics.ErrorCode(err) != metrics.ENOTFOUND {
					t.Errorf("GetMetric after rollback: err=%v, want not found", err)
				}
				series, err := s.Series(ctx, metrics.Everything, calls.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := values(series), []string{fmt.Sprintf("calls-999/North/2021-08=1@%d:Data!C2", keepID)}; !reflect.DeepEqual(got, want) {
					t.Errorf("Series after rollback = %v, want %v", got, want)
				}
				hist, err := s.History(ctx, metrics.Everything, calls.ID, "North", aug.Key())
				if err != nil || len(hist) != 1 {
					t.Errorf("History after rollback = %v, %v; want the kept value only", values(hist), err)
				}
			})
		})
	}
}

// Rollback after Commit is a no-op, so that it can be deferred.
func TestRollbackAfterCommit(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "a.xlsx"}, []byte("a"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Errorf("Rollback after Commit = %v, want nil", err)
		}
		if _, found, _ := s.FindUploadBySHA(ctx, sha("a")); !found {
			t.Errorf("Rollback after Commit removed the upload")
		}
	})
}

// Commit refuses values that Finish has not checked.
func TestCommitRequiresFinish(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "a.xlsx"}, []byte("a"))
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := tx.UpsertMetric(ctx, calls); err != nil {
			t.Fatal(err)
		}
		add := func(o metrics.Observation) {
			if err := tx.AddObservations(ctx, []metrics.Observation{o}); err != nil {
				t.Fatal(err)
			}
		}
		add(ob(calls.ID, "North", aug, 1, "Data", "C2"))
		if err := tx.Commit(); err == nil {
			t.Fatal("Commit before Finish succeeded")
		}
		if _, err := tx.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		add(ob(calls.ID, "North", sep, 1, "Data", "D2"))
		if err := tx.Commit(); err == nil {
			t.Fatal("Commit with values added after Finish succeeded")
		}
		if _, err := tx.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatalf("Commit after Finish: %v", err)
		}
	})
}

func TestBeginIngestChecks(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		content := []byte("the workbook")
		ingest(t, s, file{name: "first.xlsx", content: string(content)})
		tests := []struct {
			name string
			u    metrics.Upload
			body []byte
			code string
		}{
			{"no file name", metrics.Upload{}, []byte("x"), metrics.EINVALID},
			{"sha256 of other content", metrics.Upload{FileName: "a.xlsx", SHA256: sha("y")}, []byte("x"), metrics.EINVALID},
			{"wrong size", metrics.Upload{FileName: "a.xlsx", Size: 7}, []byte("x"), metrics.EINVALID},
			{"same content again", metrics.Upload{FileName: "renamed.xlsx"}, content, metrics.ECONFLICT},
			{"same content, sha256 given in capitals", metrics.Upload{FileName: "renamed.xlsx", SHA256: strings.ToUpper(sha(string(content)))}, content, metrics.ECONFLICT},
		}
		for _, tt := range tests {
			tx, err := s.BeginIngest(ctx, tt.u, tt.body)
			if err == nil {
				tx.Rollback()
				t.Errorf("%s: BeginIngest succeeded", tt.name)
				continue
			}
			if metrics.ErrorCode(err) != tt.code {
				t.Errorf("%s: err = %v (code %q), want code %q", tt.name, err, metrics.ErrorCode(err), tt.code)
			}
		}
		// A refused BeginIngest holds no lock: the next ingest proceeds.
		ingest(t, s, file{name: "second.xlsx"})
		ups, err := s.ListUploads(ctx)
		if err != nil || len(ups) != 2 {
			t.Errorf("ListUploads = %d uploads, %v; want 2", len(ups), err)
		}
	})
}

// AddObservations refuses what must never be stored, names the cell, and
// leaves the transaction usable.
func TestAddObservationsRefuses(t *testing.T) {
	tests := []struct {
		name string
		obs  metrics.Observation
		want string // in the message
	}{
		{"NaN", ob(calls.ID, "North", aug, math.NaN(), "Data", "C5"), "Data!C5"},
		{"+Inf", ob(calls.ID, "North", aug, math.Inf(1), "Data", "C6"), "Data!C6"},
		{"-Inf", ob(calls.ID, "North", aug, math.Inf(-1), "", "C7"), "C7"},
		{"no metric", ob("", "North", aug, 1, "Data", "C8"), "Data!C8"},
		{"no period", ob(calls.ID, "North", metrics.Period{}, 1, "Data", "C9"), "Data!C9"},
		{"period ends before it starts", ob(calls.ID, "North", metrics.Period{Kind: metrics.Month, Start: sep.Start, End: aug.Start}, 1, "Data", "C10"), "Data!C10"},
		{"metric not in catalogue", ob("no-such-metric", "North", aug, 1, "Data", "C11"), "no-such-metric"},
	}
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "bad.xlsx"}, []byte("bad"))
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := tx.EnsureMetric(ctx, calls); err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			// The bad value comes after a good one: nothing of the batch
			// may be stored.
			batch := []metrics.Observation{ob(calls.ID, "South", oct, 1, "Data", "B1"), tt.obs}
			err := tx.AddObservations(ctx, batch)
			if metrics.ErrorCode(err) != metrics.EINVALID {
				t.Errorf("%s: err = %v, want EINVALID", tt.name, err)
				continue
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: message %q does not name %q", tt.name, err, tt.want)
			}
		}
		// Still usable: a good value goes in and commits.
		if err := tx.AddObservations(ctx, []metrics.Observation{ob(calls.ID, "North", aug, 5, "Data", "C2")}); err != nil {
			t.Fatalf("AddObservations after refusals: %v", err)
		}
		counts, err := tx.Finish(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts.Observations != 1 {
			t.Errorf("counts.Observations = %d, want 1", counts.Observations)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		series, err := s.Series(ctx, metrics.Everything, calls.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(series) != 1 || series[0].Value != 5 {
			t.Errorf("Series = %v, want only the good value", values(series))
		}
	})
}

// The ingest sees its own catalogue rows; EnsureMetric keeps an existing
// row, UpsertMetric replaces every field.
func TestMetricWrites(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingest(t, s, file{name: "catalogue.xlsx", metrics: []metrics.Metric{response}})

		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "next.xlsx"}, []byte("next"))
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()

		renamed := response
		renamed.Name = "Renamed by a file without a catalogue"
		renamed.Classification = metrics.Open
		if err := tx.EnsureMetric(ctx, renamed); err != nil {
			t.Fatal(err)
		}
		if got, found, err := tx.GetMetric(ctx, response.ID); err != nil || !found || !reflect.DeepEqual(got, response) {
			t.Errorf("after EnsureMetric: GetMetric = %+v, %t, %v; want the existing row %+v", got, found, err, response)
		}

		replaced := metrics.Metric{ID: response.ID, Name: "Immediate response (urban)", Unit: "min",
			Direction: metrics.NoDirection, Classification: metrics.Sensitive, Category: "Response times"}
		if err := tx.UpsertMetric(ctx, replaced); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := tx.GetMetric(ctx, response.ID); !reflect.DeepEqual(got, replaced) {
			t.Errorf("after UpsertMetric: GetMetric = %+v, want %+v", got, replaced)
		}

		if err := tx.EnsureMetric(ctx, outcomes); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := tx.GetMetric(ctx, outcomes.ID); !found {
			t.Errorf("GetMetric does not see a metric inserted in the transaction")
		}
		if _, found, err := tx.GetMetric(ctx, "absent"); found || err != nil {
			t.Errorf("GetMetric(absent) = %t, %v", found, err)
		}

		bad := []metrics.Metric{
			{ID: "Bad Id", Name: "x", Direction: metrics.NoDirection, Classification: metrics.Open},
			{ID: "x", Name: "x", Direction: "sideways", Classification: metrics.Open},
			{ID: "x", Name: "x", Direction: metrics.NoDirection, Classification: "secret"},
			{ID: "x", Name: "x", Direction: metrics.NoDirection, Classification: metrics.Open, Target: ptr(math.NaN())},
		}
		for _, m := range bad {
			if err := tx.UpsertMetric(ctx, m); metrics.ErrorCode(err) != metrics.EINVALID {
				t.Errorf("UpsertMetric(%+v) err = %v, want EINVALID", m, err)
			}
		}

		if _, err := tx.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		counts, _ := tx.Finish(ctx)
		if counts.Metrics != 2 {
			t.Errorf("counts.Metrics = %d, want 2 (response and outcomes)", counts.Metrics)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetMetric(ctx, metrics.Everything, response.ID); err != nil || !reflect.DeepEqual(got, replaced) {
			t.Errorf("GetMetric after commit = %+v, %v; want %+v", got, err, replaced)
		}
	})
}

func TestDuplicates(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "dups.xlsx"}, []byte("dups"))
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, m := range []metrics.Metric{calls, response} {
			if err := tx.UpsertMetric(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		obs := []metrics.Observation{
			ob(calls.ID, "North", aug, 1, "Data", "C5"),
			ob(calls.ID, "South", aug, 1, "Data", "C6"),
			ob(calls.ID, "North", sep, 1, "Data", "D5"),
			ob(calls.ID, "North", aug, 2, "Data", "C9"),                     // repeats C5
			ob(response.ID, "North", aug, 9, "Resp", "B2"),                  // same cell, other metric: fine
			ob(calls.ID, "North", aug, 3, "Second", "C5"),                   // repeats C5 again
			ob(calls.ID, "South", aug, 4, "Second", "C6"),                   // repeats C6
			ob(calls.ID, "North", metrics.QuarterOf(2021, 2), 1, "Q", "A1"), // another period kind
		}
		if err := tx.AddObservations(ctx, obs); err != nil {
			t.Fatal(err)
		}
		_, err = tx.Finish(ctx)
		var de *store.DuplicateError
		if !errors.As(err, &de) {
			t.Fatalf("Finish err = %v, want a *DuplicateError", err)
		}
		want := []store.Duplicate{
			{MetricID: calls.ID, Area: "North", PeriodKey: "2021-08", First: "Data!C5", Second: "Data!C9"},
			{MetricID: calls.ID, Area: "North", PeriodKey: "2021-08", First: "Data!C5", Second: "Second!C5"},
			{MetricID: calls.ID, Area: "South", PeriodKey: "2021-08", First: "Data!C6", Second: "Second!C6"},
		}
		if de.Total != 3 || !reflect.DeepEqual(de.Duplicates, want) {
			t.Errorf("DuplicateError = %d %+v\nwant 3 %+v", de.Total, de.Duplicates, want)
		}
		if metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("ErrorCode = %q, want EINVALID", metrics.ErrorCode(err))
		}
		msg := metrics.ErrorMessage(err)
		for _, w := range []string{"3 values", "Data!C5", "Data!C9", "Second!C6", "Keep one value"} {
			if !strings.Contains(msg, w) {
				t.Errorf("message %q does not contain %q", msg, w)
			}
		}
	})
}

// A file with more duplicates than are listed says how many there are.
func TestDuplicatesListedUpTo50(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "many.xlsx"}, []byte("many"))
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := tx.UpsertMetric(ctx, calls); err != nil {
			t.Fatal(err)
		}
		var obs []metrics.Observation
		for i := range 70 {
			area := fmt.Sprintf("Area %02d", i)
			obs = append(obs, ob(calls.ID, area, aug, 1, "Data", fmt.Sprintf("B%d", i+2)))
			obs = append(obs, ob(calls.ID, area, aug, 2, "Data", fmt.Sprintf("C%d", i+2)))
		}
		if err := tx.AddObservations(ctx, obs); err != nil {
			t.Fatal(err)
		}
		_, err = tx.Finish(ctx)
		var de *store.DuplicateError
		if !errors.As(err, &de) {
			t.Fatalf("Finish err = %v, want a *DuplicateError", err)
		}
		if de.Total != 70 || len(de.Duplicates) != 50 {
			t.Errorf("Total = %d, listed %d; want 70, 50", de.Total, len(de.Duplicates))
		}
		if d := de.Duplicates[49]; d.First != "Data!B51" || d.Second != "Data!C51" {
			t.Errorf("50th duplicate = %+v, want Data!B51 and Data!C51 (file order)", d)
		}
		if !strings.Contains(err.Error(), "and 67 more") {
			t.Errorf("message %q does not say how many more", err)
		}
	})
}

// A revision supersedes the values it gives again and keeps the others;
// History shows every value of a cell, newest upload first.
func TestSupersedeAndHistory(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		first, c1 := ingest(t, s, file{name: "m5.xlsx", metrics: []metrics.Metric{calls, outcomes}, obs: []metrics.Observation{
			ob(calls.ID, "North", aug, 10, "Data", "C2"),
			ob(calls.ID, "South", aug, 20, "Data", "C3"),
			ob(calls.ID, "North", sep, 11, "Data", "D2"),
			ob(calls.ID, "South", sep, 21, "Data", "D3"),
			ob(outcomes.ID, "North", sep, 50, "Data", "D9"),
		}})
		if c1.Superseded != 0 {
			t.Errorf("first upload superseded %d values", c1.Superseded)
		}
		second, c2 := ingest(t, s, file{name: "m5 revised.xlsx", metrics: []metrics.Metric{calls}, obs: []metrics.Observation{
			ob(calls.ID, "North", sep, 12, "Data", "D2"),
			ob(calls.ID, "North", oct, 13, "Data", "E2"),
			ob(calls.ID, "North", metrics.QuarterOf(2021, 2), 36, "Data", "F2"), // a period of another kind supersedes nothing
		}})
		if want := (store.IngestCounts{Observations: 3, Superseded: 1, Metrics: 1}); c2 != want {
			t.Errorf("revision counts = %+v, want %+v", c2, want)
		}
		third, c3 := ingest(t, s, file{name: "m6.xlsx", metrics: []metrics.Metric{calls}, obs: []metrics.Observation{
			ob(calls.ID, "North", sep, 14, "Sep", "B2"),
			ob(calls.ID, "South", aug, 22, "Aug", "B3"),
		}})
		if c3.Superseded != 2 {
			t.Errorf("third upload superseded %d values, want 2", c3.Superseded)
		}

		series, err := s.Series(ctx, metrics.Everything, calls.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			// Q2 is July to September: it starts first.
			fmt.Sprintf("calls-999/North/2021/22 Q2=36@%d:Data!F2", second),
			fmt.Sprintf("calls-999/North/2021-08=10@%d:Data!C2", first),
			fmt.Sprintf("calls-999/South/2021-08=22@%d:Aug!B3", third),
			fmt.Sprintf("calls-999/North/2021-09=14@%d:Sep!B2", third),
			fmt.Sprintf("calls-999/South/2021-09=21@%d:Data!D3", first),
			fmt.Sprintf("calls-999/North/2021-10=13@%d:Data!E2", second),
		}
		if got := values(series); !reflect.DeepEqual(got, want) {
			t.Errorf("Series =\n%v\nwant\n%v", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}

		tests := []struct {
			area, period string
			want         []string
		}{
			{"North", "2021-09", []string{
				fmt.Sprintf("calls-999/North/2021-09=14@%d:Sep!B2", third),
				fmt.Sprintf("calls-999/North/2021-09=12@%d:Data!D2", second),
				fmt.Sprintf("calls-999/North/2021-09=11@%d:Data!D2", first),
			}},
			{"North", "2021-08", []string{fmt.Sprintf("calls-999/North/2021-08=10@%d:Data!C2", first)}},
			{"West", "2021-08", []string{}},
		}
		for _, tt := range tests {
			hist, err := s.History(ctx, metrics.Everything, calls.ID, tt.area, tt.period)
			if err != nil {
				t.Fatal(err)
			}
			if got := values(hist); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("History(%s, %s) =\n%v\nwant\n%v", tt.area, tt.period, got, tt.want)
			}
		}
		hist, _ := s.History(ctx, metrics.Everything, calls.ID, "North", "2021-09")
		if len(hist) == 3 && hist[2].Source.File != "m5.xlsx" {
			t.Errorf("oldest History value comes from %q, want m5.xlsx", hist[2].Source.File)
		}

		// The other metric of the first upload is untouched.
		other, _ := s.Series(ctx, metrics.Everything, outcomes.ID)
		if len(other) != 1 || other[0].Source.UploadID != first {
			t.Errorf("Series(outcomes) = %v, want the first upload's value", values(other))
		}
	})
}

// Batches larger than one INSERT (a prepared full statement and a shorter
// tail), over several calls, all arrive.
func TestAddObservationsChunks(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tx, err := s.BeginIngest(ctx, metrics.Upload{FileName: "big.xlsx"}, []byte("big"))
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := tx.UpsertMetric(ctx, calls); err != nil {
			t.Fatal(err)
		}
		p := metrics.MonthOf(2000, time.January)
		var obs []metrics.Observation
		for i := range 2345 {
			obs = append(obs, ob(calls.ID, fmt.Sprintf("Area %d", i%7), p, float64(i), "Data", fmt.Sprintf("C%d", i)))
			if i%7 == 6 {
				p = p.Next()
			}
		}
		for _, batch := range [][]metrics.Observation{obs[:1234], obs[1234:1235], obs[1235:]} {
			if err := tx.AddObservations(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.AddObservations(ctx, nil); err != nil {
			t.Fatalf("AddObservations(nil): %v", err)
		}
		counts, err := tx.Finish(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts.Observations != len(obs) {
			t.Errorf("counts.Observations = %d, want %d", counts.Observations, len(obs))
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		series, err := s.Series(ctx, metrics.Everything, calls.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(series) != len(obs) {
			t.Fatalf("Series has %d values, want %d", len(series), len(obs))
		}
		var sum, want float64
		for i, o := range series {
			sum += o.Value
			want += float64(i)
		}
		if sum != want {
			t.Errorf("sum of stored values = %g, want %g", sum, want)
		}
	})
}
