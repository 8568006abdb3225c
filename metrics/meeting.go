package metrics

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The board cycle: a calendar of meetings, each with a deadline for its
// papers, and the actions each meeting raises, which stay on the log of
// every later meeting of the same board until they are done or dropped.

// Limits on what a board secretary types.
const (
	MaxMeetingTitle = 120
	MaxActionText   = 2000
	MaxActionOwner  = 120
	MaxActionUpdate = 4000
)

// Meeting is one meeting of a board, such as the Business Co-ordination
// Board of 10 February 2022.
type Meeting struct {
	ID int64
	// Date is the day of the meeting, at midnight UTC. There is at most
	// one meeting a day: actions and the API name a meeting by its date.
	Date time.Time
	// Title names the board: "Business Co-ordination Board".
	Title string
	// PapersDue is the deadline for the meeting's papers; zero when
	// none was set.
	PapersDue            time.Time
	CreatedBy, UpdatedBy string
	CreatedAt, UpdatedAt time.Time
}

// Validate checks a meeting as typed, with messages that say the fix.
func (m Meeting) Validate() error {
	title := strings.TrimSpace(m.Title)
	switch {
	case m.Date.IsZero():
		return Errorf(EINVALID, "A meeting needs a date, written as 2022-02-10.")
	case m.Date.Year() < 1900 || m.Date.Year() > 9998:
		return Errorf(EINVALID, "The date %s is out of range: give a date between 1900 and 9998.", m.Date.Format(time.DateOnly))
	case title == "":
		return Errorf(EINVALID, "A meeting needs a title naming the board, such as Business Co-ordination Board.")
	case utf8.RuneCountInString(title) > MaxMeetingTitle:
		return Errorf(EINVALID, "The title has %d characters: keep it to %d.", utf8.RuneCountInString(title), MaxMeetingTitle)
	case !plainText(title):
		return Errorf(EINVALID, "The title holds a control character: type it again as plain text.")
	case !m.PapersDue.IsZero() && m.PapersDue.After(m.Date):
		return Errorf(EINVALID, "The papers are due on %s, after the meeting on %s: give a deadline on or before the meeting.",
			m.PapersDue.Format(time.DateOnly), m.Date.Format(time.DateOnly))
	case !m.PapersDue.IsZero() && m.PapersDue.Year() < 1900:
		return Errorf(EINVALID, "The papers deadline %s is out of range.", m.PapersDue.Format(time.DateOnly))
	}
	return nil
}

// Board is the key that tells one board's meetings from another's: the
// title without case, spacing or punctuation, so that "Business
// Co-ordination Board" and "Business Coordination Board" are one board.
func (m Meeting) Board() string { return boardKey(m.Title) }

func boardKey(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// PapersDay is the day by which the meeting's figures had to be in: the
// papers deadline, or the meeting itself when there is none.
func (m Meeting) PapersDay() time.Time {
	if m.PapersDue.IsZero() {
		return m.Date
	}
	return m.PapersDue
}

// Day is t's date at midnight UTC.
func Day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// SortMeetings orders meetings by date.
func SortMeetings(ms []Meeting) {
	slices.SortFunc(ms, func(a, b Meeting) int { return a.Date.Compare(b.Date) })
}

// NextMeeting is the first meeting on or after day, among meetings in
// any order; false when there is none.
func NextMeeting(meetings []Meeting, day time.Time) (Meeting, bool) {
	day = Day(day)
	var best Meeting
	found := false
	for _, m := range meetings {
		if !m.Date.Before(day) && (!found || m.Date.Before(best.Date)) {
			best, found = m, true
		}
	}
	return best, found
}

// PreviousMeeting is the latest meeting of the same board as m before
// m's date; false when there is none.
func PreviousMeeting(meetings []Meeting, m Meeting) (Meeting, bool) {
	var best Meeting
	found := false
	for _, o := range meetings {
		if o.Board() == m.Board() && o.Date.Before(m.Date) && (!found || o.Date.After(best.Date)) {
			best, found = o, true
		}
	}
	return best, found
}

// MeetingOn is the meeting on the day of date; false when there is none.
func MeetingOn(meetings []Meeting, date time.Time) (Meeting, bool) {
	for _, m := range meetings {
		if m.Date.Equal(Day(date)) {
			return m, true
		}
	}
	return Meeting{}, false
}

// ActionStatus is where an action stands.
type ActionStatus string

// Action statuses: open and in progress are open; done and dropped are
// closed.
const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionDropped    ActionStatus = "dropped"
)

// ActionStatuses lists every status, in the order a form offers them.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionDropped}

// ParseActionStatus reads a status as written: "open", "in progress",
// "in_progress", "done" (or "complete", "closed"), "dropped".
func ParseActionStatus(s string) (ActionStatus, error) {
	switch normalizeWord(s) {
	case "open", "":
		return ActionOpen, nil
	case "inprogress", "ongoing", "started":
		return ActionInProgress, nil
	case "done", "complete", "completed", "closed":
		return ActionDone, nil
	case "dropped", "withdrawn", "cancelled", "canceled":
		return ActionDropped, nil
	}
	return "", Errorf(EINVALID, "%q is not an action status: write open, in progress, done or dropped", s)
}

// Valid reports whether s is one of the statuses.
func (s ActionStatus) Valid() bool { return slices.Contains(ActionStatuses, s) }

// Closed reports whether an action in status s needs nothing more.
func (s ActionStatus) Closed() bool { return s == ActionDone || s == ActionDropped }

// Word is the status for a reader: "Open", "In progress", "Done",
// "Dropped".
func (s ActionStatus) Word() string {
	switch s {
	case ActionInProgress:
		return "In progress"
	case ActionDone:
		return "Done"
	case ActionDropped:
		return "Dropped"
	}
	return "Open"
}

// Action is an action raised at a meeting: what is to be done, by whom
// and by when, and how it stands.
type Action struct {
	ID int64
	// Meeting is the meeting that raised it.
	Meeting Meeting
	Text    string
	// Owner is who is to do it: a person or a team, as the minutes say.
	Owner string
	// Due is the date it is due; zero when none was set.
	Due    time.Time
	Status ActionStatus
	// Classification is Sensitive unless the action was marked open:
	// the public sees open actions only.
	Classification Classification
	// Metrics are the ids of the measures it is about, FinanceAreas the
	// business areas of the revenue monitoring.
	Metrics      []string
	FinanceAreas []string
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedBy    string
	UpdatedAt    time.Time
	// ClosedAt is when it was done or dropped; zero while open.
	ClosedAt time.Time
	// Updates are its dated updates, the oldest first; the first is the
	// action being raised.
	Updates []ActionUpdate
}

// ActionUpdate is one dated update of an action and the status it left
// the action in.
type ActionUpdate struct {
	ID     int64
	At     time.Time
	By     string
	Text   string
	Status ActionStatus
}

// Validate checks an action as typed.
func (a Action) Validate() error {
	text, owner := strings.TrimSpace(a.Text), strings.TrimSpace(a.Owner)
	switch {
	case text == "":
		return Errorf(EINVALID, "An action needs its text: what is to be done.")
	case utf8.RuneCountInString(text) > MaxActionText:
		return Errorf(EINVALID, "The action has %d characters: keep it to %d.", utf8.RuneCountInString(text), MaxActionText)
	case !writtenText(text):
		return Errorf(EINVALID, "The action holds a control character: type it again as plain text.")
	case owner == "":
		return Errorf(EINVALID, "An action needs an owner: who is to do it, such as Constabulary or Head of Business Development.")
	case utf8.RuneCountInString(owner) > MaxActionOwner:
		return Errorf(EINVALID, "The owner has %d characters: keep it to %d.", utf8.RuneCountInString(owner), MaxActionOwner)
	case !plainText(owner):
		return Errorf(EINVALID, "The owner holds a control character: type it again as plain text.")
	case !a.Status.Valid():
		return Errorf(EINVALID, "%q is not an action status: write open, in progress, done or dropped.", a.Status)
	case !a.Classification.Valid():
		return Errorf(EINVALID, "An action is open or sensitive, not %q.", a.Classification)
	case !a.Due.IsZero() && (a.Due.Year() < 1900 || a.Due.Year() > 9998):
		return Errorf(EINVALID, "The due date %s is out of range.", a.Due.Format(time.DateOnly))
	}
	for _, area := range a.FinanceAreas {
		if strings.TrimSpace(area) == "" || !plainText(area) || utf8.RuneCountInString(area) > MaxActionOwner {
			return Errorf(EINVALID, "A finance line is named by its business area, such as Local Policing, in plain text.")
		}
	}
	return nil
}

// ValidateUpdate checks the text of an update.
func ValidateUpdate(text string) error {
	switch {
	case utf8.RuneCountInString(text) > MaxActionUpdate:
		return Errorf(EINVALID, "The update has %d characters: keep it to %d.", utf8.RuneCountInString(text), MaxActionUpdate)
	case !writtenText(text):
		return Errorf(EINVALID, "The update holds a control character: type it again as plain text.")
	}
	return nil
}

// writtenText is plain text that may run to several lines.
func writtenText(s string) bool {
	return plainText(strings.NewReplacer("\r\n", "", "\n", "", "\t", "").Replace(s))
}

// StatusAt is the action's status at the end of day (as its updates
// say): open before it was raised, and the status of the latest update
// made on or before day.
func (a Action) StatusAt(day time.Time) ActionStatus {
	end := Day(day).AddDate(0, 0, 1)
	status := ActionOpen
	for _, u := range a.Updates {
		if u.At.Before(end) {
			status = u.Status
		}
	}
	if len(a.Updates) == 0 {
		return a.Status
	}
	return status
}

// ClosedOn is the day the action was closed, as its updates say: the
// update that left it done or dropped for good. Zero while open.
func (a Action) ClosedOn() time.Time {
	if !a.Status.Closed() {
		return time.Time{}
	}
	if !a.ClosedAt.IsZero() {
		return Day(a.ClosedAt)
	}
	for i := len(a.Updates) - 1; i >= 0; i-- {
		if !a.Updates[i].Status.Closed() {
			break
		}
		if i == 0 || !a.Updates[i-1].Status.Closed() {
			return Day(a.Updates[i].At)
		}
	}
	return Day(a.UpdatedAt)
}

// OverdueOn reports whether the action is still open at the end of day
// and was due before it.
func (a Action) OverdueOn(day time.Time) bool {
	return !a.Due.IsZero() && a.Due.Before(Day(day)) && !a.StatusAt(day).Closed()
}

// ActionLog is the log of actions from previous meetings that a meeting
// reviews, as things stood at the end of asOf (the meeting's day, or
// today for a meeting yet to come): every action raised at an earlier
// meeting of the same board, held by asOf, that was open then, and those closed since
// the previous meeting of that board (since is that meeting's date;
// zero for none), so that the board sees what was finished. Ordered by
// the meeting that raised them, then as raised.
func ActionLog(actions []Action, m Meeting, since, asOf time.Time) []Action {
	var out []Action
	for _, a := range actions {
		// An action exists from the meeting that raised it, however
		// much later it was typed into the log.
		if a.Meeting.Board() != m.Board() || !a.Meeting.Date.Before(m.Date) || a.Meeting.Date.After(Day(asOf)) {
			continue
		}
		if !a.StatusAt(asOf).Closed() {
			out = append(out, a)
			continue
		}
		closed := a.ClosedOn()
		if !since.IsZero() && !closed.Before(Day(since)) && !closed.After(Day(asOf)) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y Action) int {
		if c := x.Meeting.Date.Compare(y.Meeting.Date); c != 0 {
			return c
		}
		return compareInt64(x.ID, y.ID)
	})
	return out
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Audit actions of the board cycle.
const (
	AuditMeeting  = "meeting_changed"
	AuditAction   = "action_changed"
	AuditSchedule = "schedule_changed"
	AuditAlerts   = "alerts_changed"
)
