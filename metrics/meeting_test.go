package metrics

import (
	"reflect"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMeetingValidate(t *testing.T) {
	ok := Meeting{Date: date("2022-02-10"), Title: "Business Co-ordination Board", PapersDue: date("2022-02-03")}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid meeting: %v", err)
	}
	for name, m := range map[string]Meeting{
		"no date":            {Title: "Board"},
		"no title":           {Date: date("2022-02-10"), Title: "  "},
		"papers after":       {Date: date("2022-02-10"), Title: "Board", PapersDue: date("2022-02-11")},
		"control characters": {Date: date("2022-02-10"), Title: "Board\x00"},
	} {
		if err := m.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: Validate = %v, want EINVALID", name, err)
		}
	}
}

func TestNextAndPreviousMeeting(t *testing.T) {
	bcb := func(d string) Meeting { return Meeting{Date: date(d), Title: "Business Co-ordination Board"} }
	audit := Meeting{Date: date("2022-01-27"), Title: "Joint Audit Committee"}
	ms := []Meeting{bcb("2022-05-26"), bcb("2021-12-16"), audit, bcb("2022-02-10"), {Date: date("2022-01-20"), Title: "Business Coordination board"}}
	if m, ok := NextMeeting(ms, date("2022-02-10")); !ok || !m.Date.Equal(date("2022-02-10")) {
		t.Errorf("next meeting on the day = %v %v, want that day's", m.Date, ok)
	}
	if m, ok := NextMeeting(ms, time.Date(2022, 2, 11, 9, 0, 0, 0, time.UTC)); !ok || !m.Date.Equal(date("2022-05-26")) {
		t.Errorf("next meeting after 10 Feb = %v", m.Date)
	}
	if _, ok := NextMeeting(ms, date("2022-06-01")); ok {
		t.Error("a meeting after the last one")
	}
	// The previous meeting is of the same board, its title spelt either way;
	// the audit committee between does not count.
	if m, ok := PreviousMeeting(ms, bcb("2022-02-10")); !ok || !m.Date.Equal(date("2022-01-20")) {
		t.Errorf("previous meeting = %v %v, want 20 January", m.Date, ok)
	}
	if _, ok := PreviousMeeting(ms, bcb("2021-12-16")); ok {
		t.Error("the first meeting has a previous one")
	}
}

// An action's status on a day follows its dated updates.
func TestActionStatusAtAndOverdue(t *testing.T) {
	raised := Meeting{Date: date("2021-12-16"), Title: "Business Co-ordination Board"}
	a := Action{ID: 10, Meeting: raised, Text: "Summary perspective on knife crime", Owner: "Constabulary", Due: date("2022-03-16"),
		Status: ActionDone, ClosedAt: time.Date(2022, 5, 26, 11, 0, 0, 0, time.UTC), Updates: []ActionUpdate{
			{At: time.Date(2021, 12, 16, 12, 0, 0, 0, time.UTC), Status: ActionOpen},
			{At: time.Date(2022, 2, 10, 10, 30, 0, 0, time.UTC), Status: ActionInProgress, Text: "Verbal update given"},
			{At: time.Date(2022, 5, 26, 11, 0, 0, 0, time.UTC), Status: ActionDone},
		}}
	for _, tt := range []struct {
		day     string
		status  ActionStatus
		overdue bool
	}{
		{"2021-12-15", ActionOpen, false},
		{"2021-12-16", ActionOpen, false},
		{"2022-02-10", ActionInProgress, false},
		{"2022-03-16", ActionInProgress, false}, // due that day: not yet overdue
		{"2022-03-17", ActionInProgress, true},
		{"2022-05-26", ActionDone, false},
	} {
		if got := a.StatusAt(date(tt.day)); got != tt.status {
			t.Errorf("status on %s = %s, want %s", tt.day, got, tt.status)
		}
		if got := a.OverdueOn(date(tt.day)); got != tt.overdue {
			t.Errorf("overdue on %s = %t, want %t", tt.day, got, tt.overdue)
		}
	}
	if got := a.ClosedOn(); !got.Equal(date("2022-05-26")) {
		t.Errorf("closed on %v", got)
	}
}

// Open actions carry forward to every later meeting of the board until
// closed; the meeting after the one where an action was closed still
// lists it, once, as closed.
func TestActionLogCarriesOpenActionsForward(t *testing.T) {
	board := "Business Co-ordination Board"
	dec, feb, may := Meeting{ID: 1, Date: date("2021-12-16"), Title: board}, Meeting{ID: 2, Date: date("2022-02-10"), Title: board}, Meeting{ID: 3, Date: date("2022-05-26"), Title: board}
	aug := Meeting{ID: 4, Date: date("2022-08-25"), Title: board}
	other := Meeting{ID: 9, Date: date("2022-01-27"), Title: "Joint Audit Committee"}
	at := func(d string) time.Time { return date(d).Add(12 * time.Hour) }
	mk := func(id int64, m Meeting, ups ...ActionUpdate) Action {
		a := Action{ID: id, Meeting: m, Text: "t", Owner: "o", CreatedAt: at(m.Date.Format(time.DateOnly)), Updates: append([]ActionUpdate{{At: at(m.Date.Format(time.DateOnly)), Status: ActionOpen}}, ups...)}
		a.Status = a.Updates[len(a.Updates)-1].Status
		if a.Status.Closed() {
			a.ClosedAt = a.Updates[len(a.Updates)-1].At
		}
		return a
	}
	knife := mk(10, dec, ActionUpdate{At: at("2022-02-10"), Status: ActionInProgress}, ActionUpdate{At: at("2022-03-01"), Status: ActionDone})
	reporting := mk(11, dec)
	safer := mk(12, feb)
	audit := mk(13, other)
	dropped := mk(14, dec, ActionUpdate{At: at("2022-01-05"), Status: ActionDropped})
	all := []Action{safer, audit, reporting, knife, dropped}
	ids := func(as []Action) []int64 {
		var out []int64
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name        string
		m           Meeting
		since, asOf time.Time
		want        []int64
	}{
		// December's open actions come to February; the one dropped in
		// January is listed as closed since December; the audit
		// committee's is another board's.
		{"February", feb, dec.Date, feb.Date, []int64{10, 11, 14}},
		// In May: knife crime was done in March (closed since February),
		// reporting is still open, and February's own action comes
		// forward; the dropped one is gone.
		{"May", may, feb.Date, may.Date, []int64{10, 11, 12}},
		// In August only what is still open.
		{"August", aug, may.Date, aug.Date, []int64{11, 12}},
		// The pack for May, read on 1 February, before February's
		// action was raised and before knife crime was done.
		{"May, read early", may, feb.Date, date("2022-02-01"), []int64{10, 11}},
	} {
		got := ids(ActionLog(all, tt.m, tt.since, tt.asOf))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: action log %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestActionValidateAndParse(t *testing.T) {
	a := Action{Text: "Bring a report on Safer Streets\nto the May board", Owner: "Constabulary", Status: ActionOpen, Classification: Sensitive}
	if err := a.Validate(); err != nil {
		t.Errorf("a two-line action: %v", err)
	}
	for name, b := range map[string]Action{
		"no text":     {Owner: "o", Status: ActionOpen, Classification: Open},
		"no owner":    {Text: "t", Status: ActionOpen, Classification: Open},
		"bad status":  {Text: "t", Owner: "o", Status: "maybe", Classification: Open},
		"bad class":   {Text: "t", Owner: "o", Status: ActionOpen, Classification: "secret"},
		"control":     {Text: "t\x07", Owner: "o", Status: ActionOpen, Classification: Open},
		"blank areas": {Text: "t", Owner: "o", Status: ActionOpen, Classification: Open, FinanceAreas: []string{" "}},
	} {
		if err := b.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	for in, want := range map[string]ActionStatus{"Open": ActionOpen, "in progress": ActionInProgress, "in_progress": ActionInProgress, "Complete": ActionDone, "dropped": ActionDropped} {
		if got, err := ParseActionStatus(in); err != nil || got != want {
			t.Errorf("ParseActionStatus(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseActionStatus("later"); err == nil {
		t.Error("an unknown status was read")
	}
}
