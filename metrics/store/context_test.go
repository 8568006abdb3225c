package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// twoMeasures stores an open measure (calls) and a sensitive one
// (response).
func twoMeasures(t *testing.T, s *store.Store) {
	t.Helper()
	ingest(t, s, file{name: "two.xlsx", metrics: []metrics.Metric{calls, response}, obs: []metrics.Observation{
		ob(calls.ID, "Force", aug, 400, "Data", "D2"), ob(response.ID, "Force", aug, 14, "Data", "D3"),
	}})
}

func labels(as []metrics.Annotation) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Label)
	}
	return strings.Join(out, ", ")
}

func TestAnnotations(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC))
		twoMeasures(t, s)
		lockdown, err := s.AddAnnotation(ctx, metrics.Annotation{Label: " First national lockdown ", Start: day("2020-03-23"), End: day("2020-07-04"), CreatedBy: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		if lockdown.ID == 0 || lockdown.Label != "First national lockdown" || lockdown.CreatedBy != "ana" || lockdown.UpdatedBy != "ana" || lockdown.CreatedAt.IsZero() {
			t.Errorf("AddAnnotation = %+v", lockdown)
		}
		guardian, err := s.AddAnnotation(ctx, metrics.Annotation{MetricID: response.ID, Label: "Op Guardian begins", Detail: "Extra patrols", Start: day("2021-06-01"), CreatedBy: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAnnotation(ctx, metrics.Annotation{MetricID: calls.ID, Label: "New telephony", Start: day("2019-05-01"), CreatedBy: "ana"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAnnotation(ctx, metrics.Annotation{MetricID: "nope", Label: "x", Start: day("2020-01-01"), CreatedBy: "ana"}); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("annotation of an unknown measure: %v", err)
		}
		if _, err := s.AddAnnotation(ctx, metrics.Annotation{Label: "", Start: day("2020-01-01"), CreatedBy: "ana"}); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("annotation without a label: %v", err)
		}

		// Each measure sees its own and those on every measure, by date.
		got, err := s.Annotations(ctx, metrics.Everything, response.ID)
		if err != nil || labels(got) != "First national lockdown, Op Guardian begins" {
			t.Errorf("Annotations(response) = %q, %v", labels(got), err)
		}
		if !got[0].End.Equal(day("2020-07-04")) || !got[1].End.IsZero() || got[1].Detail != "Extra patrols" {
			t.Errorf("dates and detail read back wrong: %+v", got)
		}
		if got, _ := s.Annotations(ctx, metrics.Public, calls.ID); labels(got) != "New telephony, First national lockdown" {
			t.Errorf("Annotations(public, calls) = %q", labels(got))
		}
		// The public learns nothing of a sensitive measure's annotations.
		if _, err := s.Annotations(ctx, metrics.Public, response.ID); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("Annotations(public, response): %v", err)
		}
		if _, err := s.GetAnnotation(ctx, metrics.Public, guardian.ID); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("GetAnnotation(public, guardian): %v", err)
		}
		if all, _ := s.AllAnnotations(ctx, metrics.Public); labels(all) != "New telephony, First national lockdown" {
			t.Errorf("AllAnnotations(public) = %q", labels(all))
		}
		if all, _ := s.AllAnnotations(ctx, metrics.Everything); len(all) != 3 {
			t.Errorf("AllAnnotations(everything) = %q", labels(all))
		}

		// An edit keeps the measure and records who changed it.
		edit := guardian
		edit.MetricID = calls.ID
		edit.Label, edit.Start, edit.UpdatedBy = "Op Guardian", day("2021-06-07"), "bob"
		before, err := s.UpdateAnnotation(ctx, edit)
		if err != nil || before.Label != "Op Guardian begins" {
			t.Fatalf("UpdateAnnotation = %+v, %v", before, err)
		}
		after, err := s.GetAnnotation(ctx, metrics.Everything, guardian.ID)
		if err != nil || after.Label != "Op Guardian" || after.MetricID != response.ID || after.UpdatedBy != "bob" || after.CreatedBy != "ana" ||
			!after.Start.Equal(day("2021-06-07")) || !after.UpdatedAt.After(after.CreatedAt) {
			t.Errorf("after the edit: %+v, %v", after, err)
		}

		// A deleted annotation is gone from every read, and cannot be
		// edited or deleted again.
		if _, err := s.DeleteAnnotation(ctx, guardian.ID, "bob"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Annotations(ctx, metrics.Everything, response.ID); labels(got) != "First national lockdown" {
			t.Errorf("after the delete: %q", labels(got))
		}
		if _, err := s.DeleteAnnotation(ctx, guardian.ID, "bob"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("deleting twice: %v", err)
		}
		if _, err := s.UpdateAnnotation(ctx, edit); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("editing a deleted annotation: %v", err)
		}
	})
}

// Who wrote or changed an annotation is read for signed-in viewers only:
// every read the public makes gives the annotations without names.
func TestAnnotationsNameNoStaffToThePublic(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		twoMeasures(t, s)
		a, err := s.AddAnnotation(ctx, metrics.Annotation{MetricID: calls.ID, Label: "New telephony", Start: day("2019-05-01"), CreatedBy: "ana1"})
		if err != nil {
			t.Fatal(err)
		}
		a.Label, a.UpdatedBy = "New telephony system", "bob2"
		if _, err := s.UpdateAnnotation(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAnnotation(ctx, metrics.Annotation{Label: "Lockdown", Start: day("2020-03-23"), CreatedBy: "ana1"}); err != nil {
			t.Fatal(err)
		}
		reads := map[string]func(metrics.Scope) ([]metrics.Annotation, error){
			"Annotations":    func(sc metrics.Scope) ([]metrics.Annotation, error) { return s.Annotations(ctx, sc, calls.ID) },
			"AllAnnotations": func(sc metrics.Scope) ([]metrics.Annotation, error) { return s.AllAnnotations(ctx, sc) },
			"GetAnnotation": func(sc metrics.Scope) ([]metrics.Annotation, error) {
				one, err := s.GetAnnotation(ctx, sc, a.ID)
				return []metrics.Annotation{one}, err
			},
		}
		for name, read := range reads {
			for _, sc := range []metrics.Scope{metrics.Public, metrics.Everything} {
				as, err := read(sc)
				if err != nil || len(as) == 0 {
					t.Fatalf("%s(%s) = %v, %v", name, sc, as, err)
				}
				for _, got := range as {
					named := got.CreatedBy != "" || got.UpdatedBy != ""
					if named != sc.Sensitive {
						t.Errorf("%s(%s): %q by %q, changed by %q", name, sc, got.Label, got.CreatedBy, got.UpdatedBy)
					}
					if got.CreatedAt.IsZero() || got.UpdatedAt.IsZero() {
						t.Errorf("%s(%s): %q lost its times", name, sc, got.Label)
					}
				}
			}
		}
	})
}

func TestCommentary(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC))
		twoMeasures(t, s)
		sep := metrics.MonthOf(2021, 9)
		for _, c := range []metrics.Commentary{
			{MetricID: calls.ID, Period: aug, Text: "Summer demand.", Author: "ana"},
			{MetricID: calls.ID, Period: aug, Text: "Summer demand, and the heatwave.\r\nSecond line.", Author: "bob"},
			{MetricID: calls.ID, Period: sep, Text: "Back to normal.", Author: "ana"},
			{MetricID: calls.ID, Period: sep, Text: "", Author: "ana"}, // cleared
			{MetricID: response.ID, Period: aug, Text: "Op Guardian.", Author: "ana"},
		} {
			if _, err := s.WriteCommentary(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.WriteCommentary(ctx, metrics.Commentary{MetricID: "nope", Period: aug, Text: "x", Author: "ana"}); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("commentary on an unknown measure: %v", err)
		}
		hist, err := s.CommentaryHistory(ctx, metrics.Everything, calls.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range hist {
			got = append(got, c.Period.Key()+" "+c.Author+": "+c.Text)
		}
		want := []string{"2021-09 ana: ", "2021-09 ana: Back to normal.", "2021-08 bob: Summer demand, and the heatwave.\nSecond line.", "2021-08 ana: Summer demand."}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("CommentaryHistory =\n%q\nwant\n%q", got, want)
		}
		if !hist[0].Period.End.Equal(sep.End) || hist[0].WrittenAt.IsZero() {
			t.Errorf("period or time read back wrong: %+v", hist[0])
		}
		cur, err := s.CurrentCommentary(ctx, metrics.Everything)
		if err != nil || len(cur) != 2 || cur[0].MetricID != calls.ID || cur[0].Author != "bob" || cur[1].MetricID != response.ID {
			t.Errorf("CurrentCommentary = %+v, %v", cur, err)
		}
		// Commentary is for the board: the public gets none, even of an
		// open measure.
		if hist, err := s.CommentaryHistory(ctx, metrics.Public, calls.ID); err != nil || len(hist) != 0 {
			t.Errorf("CommentaryHistory(public) = %+v, %v", hist, err)
		}
		if cur, err := s.CurrentCommentary(ctx, metrics.Public); err != nil || len(cur) != 0 {
			t.Errorf("CurrentCommentary(public) = %+v, %v", cur, err)
		}
	})
}

func TestEditions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC))
		feb, dec := day("2022-02-10"), day("2021-12-09")
		if _, err := s.LatestEdition(ctx, metrics.Everything, feb); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("LatestEdition before any: %v", err)
		}
		first, created, err := s.PublishEdition(ctx, feb, "ana", []byte(`{"v":1}`))
		if err != nil || !created || first.Number != 1 || first.ID == 0 {
			t.Fatalf("PublishEdition = %+v %t %v", first, created, err)
		}
		// The same content again is no new edition.
		again, created, err := s.PublishEdition(ctx, feb, "bob", []byte(`{"v":1}`))
		if err != nil || created || again.ID != first.ID || again.PublishedBy != "ana" {
			t.Errorf("publishing unchanged content: %+v %t %v", again, created, err)
		}
		second, created, err := s.PublishEdition(ctx, feb, "bob", []byte(`{"v":2}`))
		if err != nil || !created || second.Number != 2 {
			t.Fatalf("second edition: %+v %t %v", second, created, err)
		}
		if _, _, err := s.PublishEdition(ctx, dec, "ana", []byte(`{"dec":1}`)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.PublishEdition(ctx, dec, "ana", nil); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("empty content: %v", err)
		}

		latest, err := s.LatestEdition(ctx, metrics.Everything, feb)
		if err != nil || latest.ID != second.ID || string(latest.Content) != `{"v":2}` || latest.PublishedBy != "bob" || !latest.Meeting.Equal(feb) {
			t.Errorf("LatestEdition = %+v, %v", latest, err)
		}
		e, err := s.Edition(ctx, metrics.Everything, first.ID)
		if err != nil || string(e.Content) != `{"v":1}` || e.Number != 1 || !e.PublishedAt.Equal(first.PublishedAt) || e.SHA256 != sha(`{"v":1}`) {
			t.Errorf("Edition = %+v, %v", e, err)
		}
		list, err := s.Editions(ctx, metrics.Everything)
		if err != nil || len(list) != 3 || list[0].ID != second.ID || list[1].ID != first.ID || !list[2].Meeting.Equal(dec) || list[0].Content != nil {
			t.Errorf("Editions = %+v, %v", list, err)
		}

		// Editions hold sensitive figures: the public sees none.
		if list, err := s.Editions(ctx, metrics.Public); err != nil || len(list) != 0 {
			t.Errorf("Editions(public) = %+v, %v", list, err)
		}
		if _, err := s.Edition(ctx, metrics.Public, first.ID); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("Edition(public): %v", err)
		}
		if _, err := s.LatestEdition(ctx, metrics.Public, feb); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("LatestEdition(public): %v", err)
		}
		if _, err := s.Edition(ctx, metrics.Everything, 9999); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("Edition(unknown): %v", err)
		}
	})
}

// An edition is immutable in the database itself: an UPDATE or DELETE
// written by hand is refused.
func TestEditionsRefuseChange(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e, _, err := s.PublishEdition(ctx, day("2022-02-10"), "ana", []byte(`{"v":1}`))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`UPDATE board_pack_editions SET content = '{"v":9}'`,
			`DELETE FROM board_pack_editions`,
		} {
			if err := store.ExecForTest(ctx, s, q); err == nil || !strings.Contains(err.Error(), "record of what was presented") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if got, _ := s.Edition(ctx, metrics.Everything, e.ID); string(got.Content) != `{"v":1}` {
			t.Errorf("the edition changed: %s", got.Content)
		}
	})
}
