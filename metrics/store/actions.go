package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Actions: the board's action log. An action is sensitive unless marked
// open, and the scope filters in every query: a viewer who may not see
// sensitive data gets only open actions, their links only to open
// measures (never to finance), and no staff names.

type actionRow struct {
	ID             int64          `db:"id"`
	Body           string         `db:"body"`
	Owner          string         `db:"owner"`
	Due            sql.NullString `db:"due"`
	Status         string         `db:"status"`
	Classification string         `db:"classification"`
	CreatedBy      string         `db:"created_by"`
	CreatedAt      string         `db:"created_at"`
	UpdatedBy      string         `db:"updated_by"`
	UpdatedAt      string         `db:"updated_at"`
	ClosedAt       sql.NullString `db:"closed_at"`
	MeetingID      int64          `db:"meeting_id"`
	MeetingDate    string         `db:"meeting_date"`
	MeetingTitle   string         `db:"meeting_title"`
	MeetingPapers  sql.NullString `db:"meeting_papers_due"`
}

// actionColumns select an action as a with its meeting as mt. Its two
// placeholders take Scope.Sensitive (names are read for signed-in
// viewers only).
const actionColumns = `a.id, a.body, a.owner, a.due, a.status, a.classification,
	CASE WHEN ? THEN a.created_by ELSE '' END AS created_by, a.created_at,
	CASE WHEN ? THEN a.updated_by ELSE '' END AS updated_by, a.updated_at, a.closed_at,
	mt.id AS meeting_id, mt.date AS meeting_date, mt.title AS meeting_title, mt.papers_due AS meeting_papers_due`

// actionVisible is the scope filter of actions; its one placeholder
// takes Scope.Sensitive.
const actionVisible = `(a.classification = 'open' OR ?)`

func (r actionRow) action() (metrics.Action, error) {
	var p rowTimes
	a := metrics.Action{ID: r.ID, Text: r.Body, Owner: r.Owner, Status: metrics.ActionStatus(r.Status),
		Classification: metrics.Classification(r.Classification), CreatedBy: r.CreatedBy, UpdatedBy: r.UpdatedBy,
		Meeting: metrics.Meeting{ID: r.MeetingID, Title: r.MeetingTitle,
			Date: p.date(r.MeetingDate), PapersDue: p.optDate(r.MeetingPapers)},
		Due:       p.optDate(r.Due),
		CreatedAt: p.time(r.CreatedAt), UpdatedAt: p.time(r.UpdatedAt), ClosedAt: p.optTime(r.ClosedAt)}
	return a, p.check("action", r.ID)
}

// ActionFilter narrows a list of actions. Zero fields do not filter.
type ActionFilter struct {
	// Meeting is the date of the meeting that raised them.
	Meeting time.Time
	// Statuses keeps actions in any of these statuses.
	Statuses []metrics.ActionStatus
	// MetricID keeps actions linked to this measure.
	MetricID string
	// ID keeps one action.
	ID int64
}

// Actions lists the actions the viewer may see, by the date of the
// meeting that raised them and then as raised, each with its links and
// its updates.
func (s *Store) Actions(ctx context.Context, scope metrics.Scope, f ActionFilter) ([]metrics.Action, error) {
	out, err := readValue(ctx, s, func(tx *sqlx.Tx) ([]metrics.Action, error) { return s.actions(ctx, tx, scope, f) })
	if err != nil {
		return nil, wrapRead("actions", err)
	}
	return out, nil
}

func (s *Store) actions(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, f ActionFilter) ([]metrics.Action, error) {
	q := `SELECT ` + actionColumns + ` FROM actions a JOIN meetings mt ON mt.id = a.meeting_id WHERE ` + actionVisible
	args := []any{scope.Sensitive, scope.Sensitive, scope.Sensitive}
	if f.ID != 0 {
		q += ` AND a.id = ?`
		args = append(args, f.ID)
	}
	if !f.Meeting.IsZero() {
		q += ` AND mt.date = ?`
		args = append(args, formatDate(f.Meeting))
	}
	if len(f.Statuses) > 0 {
		q += ` AND a.status IN (?` + strings.Repeat(", ?", len(f.Statuses)-1) + `)`
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if f.MetricID != "" {
		q += ` AND EXISTS (SELECT 1 FROM action_links l JOIN metrics m ON m.id = l.ref
			WHERE l.action_id = a.id AND l.kind = 'metric' AND l.ref = ? AND ` + visible + `)`
		args = append(args, f.MetricID, scope.Sensitive)
	}
	q += ` ORDER BY mt.date, a.id`
	var rows []actionRow
	if err := tx.SelectContext(ctx, &rows, s.rebind(q), args...); err != nil {
		return nil, err
	}
	out := make([]metrics.Action, 0, len(rows))
	index := map[int64]int{}
	for _, r := range rows {
		a, err := r.action()
		if err != nil {
			return nil, err
		}
		index[a.ID] = len(out)
		out = append(out, a)
	}
	if len(out) == 0 {
		return out, nil
	}
	// Links to measures the viewer may see, and to finance lines for
	// those who may see finance.
	var links []struct {
		ActionID int64  `db:"action_id"`
		Kind     string `db:"kind"`
		Ref      string `db:"ref"`
	}
	if err := tx.SelectContext(ctx, &links, s.rebind(`SELECT l.action_id, l.kind, l.ref FROM action_links l
		JOIN actions a ON a.id = l.action_id
		LEFT JOIN metrics m ON l.kind = 'metric' AND m.id = l.ref
		WHERE `+actionVisible+` AND ((l.kind = 'metric' AND m.id IS NOT NULL AND `+visible+`) OR (l.kind = 'finance' AND ?))
		ORDER BY l.action_id, l.kind, l.ref`), scope.Sensitive, scope.Sensitive, scope.Sensitive); err != nil {
		return nil, err
	}
	for _, l := range links {
		i, ok := index[l.ActionID]
		if !ok {
			continue
		}
		if l.Kind == "metric" {
			out[i].Metrics = append(out[i].Metrics, l.Ref)
		} else {
			out[i].FinanceAreas = append(out[i].FinanceAreas, l.Ref)
		}
	}
	var ups []struct {
		ActionID int64  `db:"action_id"`
		ID       int64  `db:"id"`
		At       string `db:"at"`
		By       string `db:"by_user"`
		Body     string `db:"body"`
		Status   string `db:"status"`
	}
	if err := tx.SelectContext(ctx, &ups, s.rebind(`SELECT u.action_id, u.id, u.at, CASE WHEN ? THEN u.by_user ELSE '' END AS by_user, u.body, u.status
		FROM action_updates u JOIN actions a ON a.id = u.action_id
		WHERE `+actionVisible+` ORDER BY u.action_id, u.id`), scope.Sensitive, scope.Sensitive); err != nil {
		return nil, err
	}
	for _, u := range ups {
		i, ok := index[u.ActionID]
		if !ok {
			continue
		}
		at, err := parseTime(u.At)
		if err != nil {
			return nil, fmt.Errorf("action update %d: %w", u.ID, err)
		}
		out[i].Updates = append(out[i].Updates, metrics.ActionUpdate{ID: u.ID, At: at, By: u.By, Text: u.Body, Status: metrics.ActionStatus(u.Status)})
	}
	return out, nil
}

// Action returns one action the viewer may see, or ENOTFOUND.
func (s *Store) Action(ctx context.Context, scope metrics.Scope, id int64) (metrics.Action, error) {
	return readValue(ctx, s, func(tx *sqlx.Tx) (metrics.Action, error) { return s.action(ctx, tx, scope, id) })
}

func (s *Store) action(ctx context.Context, tx *sqlx.Tx, scope metrics.Scope, id int64) (metrics.Action, error) {
	as, err := s.actions(ctx, tx, scope, ActionFilter{ID: id})
	if err != nil {
		return metrics.Action{}, fmt.Errorf("action %d: %w", id, err)
	}
	if len(as) == 0 {
		return metrics.Action{}, metrics.Errorf(metrics.ENOTFOUND, "There is no action %d.", id)
	}
	return as[0], nil
}

// cleanAction trims what was typed, drops repeated links and checks it.
func cleanAction(a metrics.Action) (metrics.Action, error) {
	a.Text, a.Owner = strings.TrimSpace(a.Text), strings.TrimSpace(a.Owner)
	if !a.Due.IsZero() {
		a.Due = dateOnly(a.Due)
	}
	a.Metrics = uniqueTrimmed(a.Metrics)
	a.FinanceAreas = uniqueTrimmed(a.FinanceAreas)
	return a, a.Validate()
}

func uniqueTrimmed(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// checkLinks refuses links to measures that do not exist.
func (s *Store) checkLinks(ctx context.Context, tx *sqlx.Tx, ids []string) error {
	for _, id := range ids {
		if _, err := s.getVisibleMetric(ctx, tx, metrics.Everything, id); err != nil {
			return metrics.Errorf(metrics.EINVALID, "There is no measure %q to link the action to: give measures by their id, as the catalogue lists them.", id)
		}
	}
	return nil
}

func (s *Store) writeLinks(ctx context.Context, tx *sqlx.Tx, id int64, a metrics.Action) error {
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM action_links WHERE action_id = ?`), id); err != nil {
		return err
	}
	for _, m := range a.Metrics {
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO action_links (action_id, kind, ref) VALUES (?, 'metric', ?)`), id, m); err != nil {
			return err
		}
	}
	for _, f := range a.FinanceAreas {
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO action_links (action_id, kind, ref) VALUES (?, 'finance', ?)`), id, f); err != nil {
			return err
		}
	}
	return nil
}

func closedAt(st metrics.ActionStatus, now time.Time) sql.NullString {
	if !st.Closed() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(now), Valid: true}
}

// AddAction raises an action at the meeting on a.Meeting.Date, by
// a.CreatedBy, and returns it as stored. The meeting must be in the
// calendar and each linked measure in the catalogue (EINVALID
// otherwise). Its first update says it was raised.
func (s *Store) AddAction(ctx context.Context, a metrics.Action) (metrics.Action, error) {
	if a.Status == "" {
		a.Status = metrics.ActionOpen
	}
	if a.Classification == "" {
		a.Classification = metrics.Sensitive
	}
	a, err := cleanAction(a)
	if err != nil {
		return a, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return a, fmt.Errorf("add action: %w", err)
	}
	defer tx.Rollback()
	m, err := s.meetingOn(ctx, tx, metrics.Everything, a.Meeting.Date)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND {
		return a, metrics.Errorf(metrics.EINVALID, "%s", metrics.ErrorMessage(err))
	}
	if err != nil {
		return a, err
	}
	if err := s.checkLinks(ctx, tx, a.Metrics); err != nil {
		return a, err
	}
	now := s.now()
	var id int64
	err = tx.GetContext(ctx, &id, s.rebind(`INSERT INTO actions (meeting_id, body, owner, due, status, classification, created_by, created_at, updated_by, updated_at, closed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), m.ID, a.Text, a.Owner, nullDate(a.Due), string(a.Status), string(a.Classification),
		a.CreatedBy, formatTime(now), a.CreatedBy, formatTime(now), closedAt(a.Status, now))
	if err != nil {
		return a, fmt.Errorf("add action: %w", err)
	}
	if err := s.writeLinks(ctx, tx, id, a); err != nil {
		return a, fmt.Errorf("add action: %w", err)
	}
	note := "Raised at the meeting of " + m.Date.Format("2 January 2006") + "."
	if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO action_updates (action_id, at, by_user, body, status) VALUES (?, ?, ?, ?, ?)`),
		id, formatTime(now), a.CreatedBy, note, string(a.Status)); err != nil {
		return a, fmt.Errorf("add action: %w", err)
	}
	out, err := s.action(ctx, tx, metrics.Everything, id)
	if err != nil {
		return a, err
	}
	return out, tx.Commit()
}

// ActionChange is an update of an action: a note, and any of its fields
// changed (nil leaves a field as it is).
type ActionChange struct {
	Note           string
	By             string
	Text, Owner    *string
	Due            *time.Time // the zero time clears it
	Status         *metrics.ActionStatus
	Classification *metrics.Classification
	Metrics        *[]string
	FinanceAreas   *[]string
}

// setIfGiven sets *dst to *given when a change gives it (not nil).
func setIfGiven[T any](dst, given *T) {
	if given != nil {
		*dst = *given
	}
}

// UpdateAction applies a change to action id and records it as a dated
// update whose text is the note and what changed. It returns the action
// before and after, for the audit log. An unknown id gives ENOTFOUND; a
// change that changes nothing and says nothing, EINVALID.
func (s *Store) UpdateAction(ctx context.Context, id int64, ch ActionChange) (before, after metrics.Action, err error) {
	note := strings.TrimSpace(ch.Note)
	if err := metrics.ValidateUpdate(note); err != nil {
		return before, after, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return before, after, fmt.Errorf("update action %d: %w", id, err)
	}
	defer tx.Rollback()
	if before, err = s.action(ctx, tx, metrics.Everything, id); err != nil {
		return before, after, err
	}
	a := before
	setIfGiven(&a.Text, ch.Text)
	setIfGiven(&a.Owner, ch.Owner)
	setIfGiven(&a.Due, ch.Due)
	setIfGiven(&a.Status, ch.Status)
	setIfGiven(&a.Classification, ch.Classification)
	setIfGiven(&a.Metrics, ch.Metrics)
	setIfGiven(&a.FinanceAreas, ch.FinanceAreas)
	if a, err = cleanAction(a); err != nil {
		return before, after, err
	}
	if err := s.checkLinks(ctx, tx, a.Metrics); err != nil {
		return before, after, err
	}
	changes := describeAction(before, a)
	if note == "" && len(changes) == 0 {
		return before, after, metrics.Errorf(metrics.EINVALID, "Nothing to record: write an update, or change the status, owner or due date.")
	}
	now := s.now()
	closed := sql.NullString{String: formatTime(before.ClosedAt), Valid: !before.ClosedAt.IsZero()}
	if a.Status.Closed() != before.Status.Closed() {
		closed = closedAt(a.Status, now)
	}
	_, err = tx.ExecContext(ctx, s.rebind(`UPDATE actions SET body = ?, owner = ?, due = ?, status = ?, classification = ?, updated_by = ?, updated_at = ?, closed_at = ?
		WHERE id = ?`), a.Text, a.Owner, nullDate(a.Due), string(a.Status), string(a.Classification), ch.By, formatTime(now), closed, id)
	if err != nil {
		return before, after, fmt.Errorf("update action %d: %w", id, err)
	}
	if !slices.Equal(a.Metrics, before.Metrics) || !slices.Equal(a.FinanceAreas, before.FinanceAreas) {
		if err := s.writeLinks(ctx, tx, id, a); err != nil {
			return before, after, fmt.Errorf("update action %d: %w", id, err)
		}
	}
	body := strings.Join(append(changes, note), " ")
	body = strings.TrimSpace(body)
	if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO action_updates (action_id, at, by_user, body, status) VALUES (?, ?, ?, ?, ?)`),
		id, formatTime(now), ch.By, body, string(a.Status)); err != nil {
		return before, after, fmt.Errorf("update action %d: %w", id, err)
	}
	if after, err = s.action(ctx, tx, metrics.Everything, id); err != nil {
		return before, after, err
	}
	return before, after, tx.Commit()
}

// describeAction says what changed between two versions of an action,
// one sentence a field.
func describeAction(a, b metrics.Action) []string {
	var out []string
	if a.Status != b.Status {
		out = append(out, fmt.Sprintf("Status: %s, was %s.", b.Status.Word(), a.Status.Word()))
	}
	if a.Text != b.Text {
		out = append(out, "The action was reworded.")
	}
	if a.Owner != b.Owner {
		out = append(out, fmt.Sprintf("Owner: %s, was %s.", b.Owner, a.Owner))
	}
	if !a.Due.Equal(b.Due) {
		out = append(out, fmt.Sprintf("Due: %s, was %s.", dueWords(b.Due), dueWords(a.Due)))
	}
	if a.Classification != b.Classification {
		out = append(out, fmt.Sprintf("Now %s, was %s.", b.Classification, a.Classification))
	}
	if !slices.Equal(a.Metrics, b.Metrics) || !slices.Equal(a.FinanceAreas, b.FinanceAreas) {
		out = append(out, "The measures and finance lines it is about changed.")
	}
	return out
}

func dueWords(t time.Time) string {
	if t.IsZero() {
		return "no date"
	}
	return t.Format("2 Jan 2006")
}
