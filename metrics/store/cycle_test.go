package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestMeetingsCalendar(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		before, _ := s.Versions(ctx)
		m, err := s.AddMeeting(ctx, metrics.Meeting{Date: day("2022-02-10"), Title: " Business Co-ordination Board ", PapersDue: day("2022-02-03"), CreatedBy: "clerk"})
		if err != nil || m.ID == 0 || m.Title != "Business Co-ordination Board" {
			t.Fatalf("add: %+v %v", m, err)
		}
		after, _ := s.Versions(ctx)
		if after.Page <= before.Page || after.Data != before.Data {
			t.Errorf("a meeting moved the versions %+v to %+v: want the page version only", before, after)
		}
		if _, err := s.AddMeeting(ctx, metrics.Meeting{Date: day("2022-02-10"), Title: "Another", CreatedBy: "clerk"}); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("a second meeting that day: %v, want ECONFLICT", err)
		}
		if _, err := s.AddMeeting(ctx, metrics.Meeting{Date: day("2022-05-26"), Title: "Business Co-ordination Board", CreatedBy: "clerk"}); err != nil {
			t.Fatal(err)
		}
		// Moved, and its deadline cleared.
		was, err := s.UpdateMeeting(ctx, day("2022-05-26"), metrics.Meeting{Date: day("2022-05-27"), Title: "Business Co-ordination Board", UpdatedBy: "clerk2"})
		if err != nil || !was.Date.Equal(day("2022-05-26")) {
			t.Fatalf("update: %+v %v", was, err)
		}
		ms, err := s.Meetings(ctx, metrics.Everything)
		if err != nil || len(ms) != 2 || !ms[1].Date.Equal(day("2022-05-27")) || ms[1].UpdatedBy != "clerk2" || !ms[0].PapersDue.Equal(day("2022-02-03")) {
			t.Fatalf("meetings %+v %v", ms, err)
		}
		// The public reads the calendar, never a name.
		pub, _ := s.Meetings(ctx, metrics.Public)
		if pub[0].CreatedBy != "" || pub[1].UpdatedBy != "" {
			t.Errorf("the public is told who entered a meeting: %+v", pub)
		}
		if _, err := s.Meeting(ctx, metrics.Everything, day("2022-05-26")); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("the old date: %v", err)
		}
		// A meeting that raised an action stays.
		if _, err := s.AddAction(ctx, metrics.Action{Meeting: metrics.Meeting{Date: day("2022-02-10")}, Text: "t", Owner: "o", CreatedBy: "clerk"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteMeeting(ctx, day("2022-02-10")); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("delete a meeting with actions: %v", err)
		}
		if _, err := s.DeleteMeeting(ctx, day("2022-05-27")); err != nil {
			t.Errorf("delete: %v", err)
		}
	})
}

func TestActionsLogScopeAndUpdates(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2022, 2, 10, 10, 0, 0, 0, time.UTC))
		ingest(t, s, file{name: "q3.xlsx", metrics: []metrics.Metric{calls, response},
			obs: []metrics.Observation{ob("calls-999", "Force", metrics.MonthOf(2021, 12), 400, "Data", "D2"), ob("response-urban", "Force", metrics.MonthOf(2021, 12), 17, "Data", "D3")}})
		for _, d := range []string{"2021-12-16", "2022-02-10"} {
			if _, err := s.AddMeeting(ctx, metrics.Meeting{Date: day(d), Title: "Business Co-ordination Board", CreatedBy: "clerk"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddAction(ctx, metrics.Action{Meeting: metrics.Meeting{Date: day("2022-03-01")}, Text: "t", Owner: "o"}); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("an action at a meeting not in the calendar: %v", err)
		}
		if _, err := s.AddAction(ctx, metrics.Action{Meeting: metrics.Meeting{Date: day("2022-02-10")}, Text: "t", Owner: "o", Metrics: []string{"nope"}}); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("an action on a measure that does not exist: %v", err)
		}
		knife, err := s.AddAction(ctx, metrics.Action{Meeting: metrics.Meeting{Date: day("2021-12-16")}, Text: "Summary perspective on knife crime", Owner: "Constabulary",
			Due: day("2022-03-16"), Metrics: []string{"response-urban", "response-urban"}, FinanceAreas: []string{"Local Policing"}, CreatedBy: "clerk"})
		if err != nil {
			t.Fatal(err)
		}
		if knife.Classification != metrics.Sensitive || knife.Status != metrics.ActionOpen || !reflect.DeepEqual(knife.Metrics, []string{"response-urban"}) ||
			len(knife.Updates) != 1 || !strings.Contains(knife.Updates[0].Text, "16 December 2021") {
			t.Errorf("added %+v", knife)
		}
		public, err := s.AddAction(ctx, metrics.Action{Meeting: metrics.Meeting{Date: day("2022-02-10")}, Text: "Report on Safer Streets to the May board", Owner: "Constabulary",
			Classification: metrics.Open, Metrics: []string{"calls-999", "response-urban"}, FinanceAreas: []string{"OPCC"}, CreatedBy: "clerk"})
		if err != nil {
			t.Fatal(err)
		}
		// The public sees the open action alone, its link to the open
		// measure only, no finance line and no names.
		pub, err := s.Actions(ctx, metrics.Public, store.ActionFilter{})
		if err != nil || len(pub) != 1 || pub[0].ID != public.ID {
			t.Fatalf("public actions %+v %v", pub, err)
		}
		if !reflect.DeepEqual(pub[0].Metrics, []string{"calls-999"}) || len(pub[0].FinanceAreas) != 0 || pub[0].CreatedBy != "" || pub[0].Updates[0].By != "" {
			t.Errorf("the public's action %+v", pub[0])
		}
		if _, err := s.Action(ctx, metrics.Public, knife.ID); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("the public reads a sensitive action: %v", err)
		}
		if as, _ := s.Actions(ctx, metrics.Public, store.ActionFilter{MetricID: "response-urban"}); len(as) != 0 {
			t.Errorf("the public finds actions by a sensitive measure: %+v", as)
		}
		// Filters.
		for _, tt := range []struct {
			f    store.ActionFilter
			want int
		}{
			{store.ActionFilter{Meeting: day("2021-12-16")}, 1},
			{store.ActionFilter{MetricID: "response-urban"}, 2},
			{store.ActionFilter{MetricID: "calls-999"}, 1},
			{store.ActionFilter{Statuses: []metrics.ActionStatus{metrics.ActionDone}}, 0},
			{store.ActionFilter{Statuses: []metrics.ActionStatus{metrics.ActionOpen, metrics.ActionInProgress}}, 2},
		} {
			if as, err := s.Actions(ctx, metrics.Everything, tt.f); err != nil || len(as) != tt.want {
				t.Errorf("filter %+v: %d actions, want %d (%v)", tt.f, len(as), tt.want, err)
			}
		}
		// An update with a status and a new due date is recorded, dated.
		done := metrics.ActionDone
		due := day("2022-04-01")
		before, after, err := s.UpdateAction(ctx, knife.ID, store.ActionChange{Note: "Verbal update given at item 11.", By: "clerk2", Status: &done, Due: &due})
		if err != nil {
			t.Fatal(err)
		}
		if before.Status != metrics.ActionOpen || after.Status != metrics.ActionDone || after.ClosedAt.IsZero() || len(after.Updates) != 2 {
			t.Fatalf("after the update %+v", after)
		}
		u := after.Updates[1]
		if u.By != "clerk2" || u.Status != metrics.ActionDone || !strings.Contains(u.Text, "Status: Done, was Open.") || !strings.Contains(u.Text, "Due: 1 Apr 2022, was 16 Mar 2022.") || !strings.Contains(u.Text, "item 11") {
			t.Errorf("update %+v", u)
		}
		if _, _, err := s.UpdateAction(ctx, knife.ID, store.ActionChange{By: "clerk"}); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("an empty update: %v", err)
		}
		// Reopened, it is open again and no longer closed.
		open := metrics.ActionInProgress
		if _, after, err = s.UpdateAction(ctx, knife.ID, store.ActionChange{By: "clerk", Status: &open}); err != nil || !after.ClosedAt.IsZero() {
			t.Errorf("reopened %+v %v", after, err)
		}
		if _, _, err := s.UpdateAction(ctx, 9999, store.ActionChange{Note: "x", By: "clerk"}); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("an unknown action: %v", err)
		}
	})
}

func TestSchedulesAndValuesAsOf(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2021, 10, 1, 9, 0, 0, 0, time.UTC))
		ingest(t, s, file{name: "a.xlsx", metrics: []metrics.Metric{calls, response},
			obs: []metrics.Observation{ob("calls-999", "Force", metrics.MonthOf(2021, 8), 400, "Data", "D2"), ob("response-urban", "Force", metrics.MonthOf(2021, 8), 17, "Data", "D3")}})
		// After the October board: August revised, September added.
		s.Now = clock(time.Date(2021, 11, 1, 9, 0, 0, 0, time.UTC))
		ingest(t, s, file{name: "b.xlsx",
			obs: []metrics.Observation{ob("calls-999", "Force", metrics.MonthOf(2021, 8), 410, "Data", "D2"), ob("calls-999", "Force", metrics.MonthOf(2021, 9), 420, "Data", "D3")}})
		asOf, err := s.SeriesAsOf(ctx, metrics.Everything, day("2021-10-12"))
		if err != nil {
			t.Fatal(err)
		}
		if got := values(asOf["calls-999"]); !reflect.DeepEqual(got, []string{"calls-999/Force/2021-08=400@1:Data!D2"}) {
			t.Errorf("calls as of the October board %v", got)
		}
		now, _ := s.SeriesAsOf(ctx, metrics.Everything, day("2022-01-01"))
		if got := values(now["calls-999"]); len(got) != 2 || !strings.Contains(got[0], "=410@2") {
			t.Errorf("calls now %v", got)
		}
		if pub, _ := s.SeriesAsOf(ctx, metrics.Public, day("2022-01-01")); pub["response-urban"] != nil {
			t.Error("the public reads a sensitive measure's past values")
		}

		before, _ := s.Versions(ctx)
		scheds, err := s.MeasureSchedules(ctx, metrics.Everything)
		if err != nil {
			t.Fatal(err)
		}
		if sc := scheds["calls-999"]; sc.Set != nil || sc.National || sc.LastUploader != "analyst" {
			t.Errorf("calls' schedule %+v", sc)
		}
		if got := scheds["calls-999"].For(metrics.Month); got.Cadence != metrics.Monthly || got.Lag != metrics.DefaultLocalLag || got.Owner != "analyst" {
			t.Errorf("worked out %+v", got)
		}
		if _, err := s.SetSchedule(ctx, "calls-999", metrics.Schedule{Cadence: metrics.Quarterly, Lag: 20, Owner: "Performance team", National: true}, "ana"); err != nil {
			t.Fatal(err)
		}
		after, _ := s.Versions(ctx)
		if after.Data <= before.Data {
			t.Error("a schedule did not move the data version")
		}
		scheds, _ = s.MeasureSchedules(ctx, metrics.Everything)
		if got := scheds["calls-999"].For(metrics.Month); !got.Set || got.Cadence != metrics.Quarterly || got.Lag != 20 || !got.National || got.Owner != "Performance team" {
			t.Errorf("set %+v", got)
		}
		pub, _ := s.MeasureSchedules(ctx, metrics.Public)
		if _, ok := pub["response-urban"]; ok || pub["calls-999"].Set.Owner != "" || pub["calls-999"].LastUploader != "" {
			t.Errorf("the public's schedules %+v", pub)
		}
		if was, err := s.ClearSchedule(ctx, "calls-999"); err != nil || was == nil || was.Lag != 20 {
			t.Errorf("clear %+v %v", was, err)
		}
		if _, err := s.SetSchedule(ctx, "nope", metrics.Schedule{Cadence: metrics.Monthly}, "ana"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("a schedule for no measure: %v", err)
		}
	})
}

func TestAlertQueueClearance(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = clock(time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC))
		board, _ := s.CreateUser(ctx, "board", metrics.RoleBoard, "x")
		gone, _ := s.CreateUser(ctx, "gone", metrics.RoleAnalyst, "x")
		for _, sub := range []store.Subscription{
			{UserID: board.ID, Email: "board@example.police.uk", Kinds: []metrics.AlertKind{metrics.AlertRed, metrics.AlertFinance}},
			{UserID: gone.ID, Email: "gone@example.police.uk", Kinds: metrics.AlertKinds, Daily: true},
		} {
			if err := s.SaveSubscription(ctx, sub); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveSubscription(ctx, store.Subscription{UserID: board.ID, Email: "not an address"}); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("a bad address: %v", err)
		}
		openHook, _ := s.AddWebhook(ctx, store.Webhook{Name: "public site", URL: "http://127.0.0.1:1/hook", Secret: "s", Kinds: metrics.AlertKinds, CreatedBy: "admin"})
		clearedHook, _ := s.AddWebhook(ctx, store.Webhook{Name: "force", URL: "http://127.0.0.1:1/force", Secret: "s", Kinds: []metrics.AlertKind{metrics.AlertRed}, ClearedSensitive: true, CreatedBy: "admin"})
		events := []metrics.AlertEvent{
			{Kind: metrics.AlertRed, MetricID: "response-urban", Classification: metrics.Sensitive, Subject: "red", Dedupe: "red:1"},
			{Kind: metrics.AlertOverdue, MetricID: "calls-999", Classification: metrics.Open, Subject: "overdue", Dedupe: "overdue:1"},
		}
		advance := func(evs []metrics.AlertEvent) []metrics.AlertEvent {
			stored, err := s.AdvanceAlerts(ctx, func(cur store.AlertCursor, found bool) (store.AlertCursor, []metrics.AlertEvent, bool, error) {
				return store.AlertCursor{DataVersion: cur.DataVersion + 1, Day: "2022-02-01", State: []byte("{}")}, evs, true, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return stored
		}
		if got := advance(events); len(got) != 2 {
			t.Fatalf("stored %d events", len(got))
		}
		// The same events again are raised once only.
		if got := advance(events); len(got) != 0 {
			t.Errorf("raised again: %+v", got)
		}
		// gone is disabled before anything is sent.
		if _, _, err := s.SetUserDisabled(ctx, gone.ID, true); err != nil {
			t.Fatal(err)
		}
		due, err := s.ClaimDeliveries(ctx, time.Date(2022, 2, 1, 10, 0, 0, 0, time.UTC), time.Minute, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range due {
			to := d.Email
			if d.WebhookID != 0 {
				to = map[int64]string{openHook: "open hook", clearedHook: "cleared hook"}[d.WebhookID]
			}
			got = append(got, d.Event.Subject+" to "+to)
		}
		// The sensitive red alert: the board member and the cleared hook,
		// never the open hook; the open overdue alert: the open hook (the
		// board member did not ask for it; the disabled user is told
		// nothing, not even in a digest).
		want := []string{"red to board@example.police.uk", "red to cleared hook", "overdue to open hook"}
		if !sameSet(got, want) {
			t.Errorf("deliveries %v, want %v", got, want)
		}
		// Claimed, they are not claimed again within the lease.
		if again, _ := s.ClaimDeliveries(ctx, time.Date(2022, 2, 1, 10, 0, 30, 0, time.UTC), time.Minute, 100); len(again) != 0 {
			t.Errorf("claimed twice: %d", len(again))
		}
		digests, _ := s.DigestDeliveries(ctx, time.Date(2022, 2, 1, 10, 0, 0, 0, time.UTC), time.Minute)
		if len(digests) != 0 {
			t.Errorf("a disabled user's digest: %+v", digests)
		}
		// The cleared hook loses its clearance: what waits for it fails,
		// unsent.
		if err := s.DeliveryFailed(ctx, due[0].ID, "refused", time.Date(2022, 2, 1, 10, 5, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		for _, d := range due {
			if d.WebhookID == clearedHook {
				s.DeliveryFailed(ctx, d.ID, "503", time.Date(2022, 2, 1, 10, 5, 0, 0, time.UTC))
			}
		}
		if _, err := s.SetWebhook(ctx, clearedHook, []metrics.AlertKind{metrics.AlertRed}, false, false); err != nil {
			t.Fatal(err)
		}
		later, _ := s.ClaimDeliveries(ctx, time.Date(2022, 2, 1, 11, 0, 0, 0, time.UTC), time.Minute, 100)
		for _, d := range later {
			if d.WebhookID == clearedHook {
				t.Error("a hook no longer cleared was given a sensitive alert")
			}
		}
		recent, _ := s.RecentDeliveries(ctx, 10)
		withheld := false
		for _, r := range recent {
			if strings.HasPrefix(r.LastError, "withheld") && r.Status == "failed" {
				withheld = true
			}
		}
		if !withheld {
			t.Errorf("nothing was withheld: %+v", recent)
		}
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestWatchedFilesAreClaimedOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ok, _, err := s.ClaimWatchedFile(ctx, "abc", "Q3.xlsx")
		if err != nil || !ok {
			t.Fatalf("first claim %v %v", ok, err)
		}
		if err := s.FinishWatchedFile(ctx, "abc", "rejected", 0); err != nil {
			t.Fatal(err)
		}
		ok, prev, err := s.ClaimWatchedFile(ctx, "abc", "Q3 copy.xlsx")
		if err != nil || ok || prev.FileName != "Q3.xlsx" || prev.Status != "rejected" {
			t.Errorf("second claim %v %+v %v", ok, prev, err)
		}
		s.ClaimWatchedFile(ctx, "def", "M5.xlsx")
		s.ReleaseWatchedFile(ctx, "def")
		if ok, _, _ := s.ClaimWatchedFile(ctx, "def", "M5.xlsx"); !ok {
			t.Error("a released claim cannot be made again")
		}
	})
}
