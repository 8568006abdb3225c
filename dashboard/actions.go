package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The action log: pages to raise and update actions, and
// /api/v1/actions. Analysts and administrators raise and update them,
// every change audited; everyone signed in reads them, the public the
// open ones only (the store filters by the viewer's scope).

// actionFilter reads ?meeting=, ?status= and ?metric=. status is a
// status, or "open" for every action not closed (open or in progress),
// or "closed" for done and dropped.
func actionFilter(c echo.Context) (store.ActionFilter, error) {
	var f store.ActionFilter
	var err error
	if f.Meeting, err = parseDay("meeting date", c.QueryParam("meeting"), false); err != nil {
		return f, err
	}
	switch st := strings.TrimSpace(c.QueryParam("status")); st {
	case "":
	case "open":
		f.Statuses = []metrics.ActionStatus{metrics.ActionOpen, metrics.ActionInProgress}
	case "closed":
		f.Statuses = []metrics.ActionStatus{metrics.ActionDone, metrics.ActionDropped}
	default:
		s, err := metrics.ParseActionStatus(st)
		if err != nil {
			return f, err
		}
		f.Statuses = []metrics.ActionStatus{s}
	}
	f.MetricID = strings.TrimSpace(c.QueryParam("metric"))
	return f, nil
}

type actionsPage struct {
	Page
	Actions   []view.Action
	Meetings  []view.Meeting
	Metrics   []metrics.Metric
	CanManage bool
	// The filters as given.
	Meeting, Status, Metric string
	Notice                  string
	Statuses                []metrics.ActionStatus
}

func (s *Server) handleActions(c echo.Context) error {
	ctx, scope := c.Request().Context(), auth.Scope(c)
	f, err := actionFilter(c)
	if err != nil {
		return err
	}
	as, err := s.store.Actions(ctx, scope, f)
	if err != nil {
		return err
	}
	ms, err := s.store.Meetings(ctx, scope)
	if err != nil {
		return err
	}
	cat, err := s.store.ListMetrics(ctx, scope)
	if err != nil {
		return err
	}
	p := actionsPage{Page: s.page(c, "Actions"), CanManage: canManageCycle(auth.User(c)), Meeting: c.QueryParam("meeting"),
		Status: c.QueryParam("status"), Metric: c.QueryParam("metric"), Notice: c.QueryParam("notice"), Metrics: cat, Statuses: metrics.ActionStatuses}
	today := meetingDay(s.now())
	for _, a := range as {
		p.Actions = append(p.Actions, view.NewAction(a, today))
		if a.Classification != metrics.Open {
			p.Sensitive = true
		}
	}
	for i := len(ms) - 1; i >= 0; i-- {
		p.Meetings = append(p.Meetings, view.NewMeeting(ms[i]))
	}
	return s.renderOK(c, "actions", p)
}

type actionPage struct {
	Page
	Action    view.Action
	CanManage bool
	Statuses  []metrics.ActionStatus
	Notice    string
}

func actionID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, metrics.Errorf(metrics.ENOTFOUND, "There is no such action.")
	}
	return id, nil
}

func (s *Server) handleAction(c echo.Context) error {
	id, err := actionID(c)
	if err != nil {
		return err
	}
	a, err := s.store.Action(c.Request().Context(), auth.Scope(c), id)
	if err != nil {
		return err
	}
	p := actionPage{Page: s.page(c, "Action "+strconv.FormatInt(a.ID, 10)), Action: view.NewAction(a, meetingDay(s.now())), CanManage: canManageCycle(auth.User(c)),
		Statuses: metrics.ActionStatuses, Notice: c.QueryParam("notice")}
	p.Sensitive = a.Classification != metrics.Open
	return s.renderOK(c, "action", p)
}

// splitList reads a list typed as "a, b" or one a line.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func classificationOf(open bool) metrics.Classification {
	if open {
		return metrics.Open
	}
	return metrics.Sensitive
}

func describeAction(a metrics.Action) string {
	due := "no due date"
	if !a.Due.IsZero() {
		due = "due " + a.Due.Format(time.DateOnly)
	}
	return fmt.Sprintf("action %d (meeting %s, %s, owner %q, %s, %s, %s): %q", a.ID, a.Meeting.Date.Format(time.DateOnly), a.Status, a.Owner, due,
		a.Classification, strings.Join(append(append([]string{}, a.Metrics...), a.FinanceAreas...), ", "), a.Text)
}

func (s *Server) handleActionAdd(c echo.Context) error {
	u, err := mayManageCycle(c)
	if err != nil {
		return err
	}
	a := metrics.Action{Text: c.FormValue("text"), Owner: c.FormValue("owner"), Metrics: splitList(c.FormValue("metrics")),
		FinanceAreas: splitList(c.FormValue("finance")), Classification: classificationOf(c.FormValue("open") == "on"), CreatedBy: u.Name}
	if a.Meeting.Date, err = parseDay("meeting date", c.FormValue("meeting"), true); err != nil {
		return err
	}
	if a.Due, err = parseDay("due date", c.FormValue("due"), false); err != nil {
		return err
	}
	if a, err = s.store.AddAction(c.Request().Context(), a); err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditAction, "raised "+describeAction(a))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/actions/%d?notice=raised", a.ID))
}

func (s *Server) handleActionUpdate(c echo.Context) error {
	u, err := mayManageCycle(c)
	if err != nil {
		return err
	}
	id, err := actionID(c)
	if err != nil {
		return err
	}
	ch := store.ActionChange{Note: c.FormValue("note"), By: u.Name}
	if v := c.FormValue("status"); v != "" {
		st, err := metrics.ParseActionStatus(v)
		if err != nil {
			return err
		}
		ch.Status = &st
	}
	if v, ok := formValue(c, "owner"); ok {
		ch.Owner = &v
	}
	if v, ok := formValue(c, "due"); ok {
		d, err := parseDay("due date", v, false)
		if err != nil {
			return err
		}
		ch.Due = &d
	}
	if _, ok := formValue(c, "classification"); ok {
		cl := classificationOf(c.FormValue("open") == "on")
		ch.Classification = &cl
	}
	if err := s.updateAction(c, u, id, ch); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/actions/%d?notice=updated", id))
}

// formValue is a form field and whether the form had it at all.
func formValue(c echo.Context, name string) (string, bool) {
	if err := c.Request().ParseForm(); err != nil {
		return "", false
	}
	_, ok := c.Request().PostForm[name]
	return c.Request().PostForm.Get(name), ok
}

func (s *Server) updateAction(c echo.Context, u *metrics.User, id int64, ch store.ActionChange) error {
	before, after, err := s.store.UpdateAction(c.Request().Context(), id, ch)
	if err != nil {
		return err
	}
	last := after.Updates[len(after.Updates)-1]
	s.audit(c, u.Name, metrics.AuditAction, fmt.Sprintf("updated action %d: %s (was %s)", id, last.Text, describeAction(before)))
	return nil
}

// apiAction is an action in the JSON API.
type apiAction struct {
	ID             int64       `json:"id"`
	Meeting        string      `json:"meeting"`
	Board          string      `json:"board"`
	Text           string      `json:"text"`
	Owner          string      `json:"owner"`
	Due            string      `json:"due,omitempty"`
	Status         string      `json:"status"`
	Overdue        bool        `json:"overdue"`
	Classification string      `json:"classification"`
	Metrics        []string    `json:"metrics"`
	Finance        []string    `json:"finance"`
	Updates        []apiUpdate `json:"updates"`
}

type apiUpdate struct {
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
	Text   string    `json:"text"`
	Status string    `json:"status"`
}

func toAPIAction(a metrics.Action, asOf time.Time) apiAction {
	out := apiAction{ID: a.ID, Meeting: a.Meeting.Date.Format(time.DateOnly), Board: a.Meeting.Title, Text: a.Text, Owner: a.Owner,
		Status: string(a.StatusAt(asOf)), Overdue: a.OverdueOn(asOf), Classification: string(a.Classification),
		Metrics: append([]string{}, a.Metrics...), Finance: append([]string{}, a.FinanceAreas...), Updates: []apiUpdate{}}
	if !a.Due.IsZero() {
		out.Due = a.Due.Format(time.DateOnly)
	}
	for _, u := range a.Updates {
		out.Updates = append(out.Updates, apiUpdate{At: u.At.UTC(), By: u.By, Text: u.Text, Status: string(u.Status)})
	}
	return out
}

func (s *Server) handleAPIActions(c echo.Context) error {
	f, err := actionFilter(c)
	if err != nil {
		return err
	}
	as, err := s.store.Actions(c.Request().Context(), auth.Scope(c), f)
	if err != nil {
		return err
	}
	today := meetingDay(s.now())
	out := make([]apiAction, len(as))
	for i, a := range as {
		out[i] = toAPIAction(a, today)
	}
	return c.JSON(http.StatusOK, map[string]any{"actions": out})
}

// apiActionIn is an action as the API takes it.
type apiActionIn struct {
	Meeting string   `json:"meeting"`
	Text    string   `json:"text"`
	Owner   string   `json:"owner"`
	Due     string   `json:"due"`
	Metrics []string `json:"metrics"`
	Finance []string `json:"finance"`
	Status  string   `json:"status"`
	// Open marks an action that may be published; actions are sensitive
	// otherwise.
	Open bool `json:"open"`
}

func (s *Server) handleAPIActionAdd(c echo.Context) error {
	u, err := mayManageCycle(c)
	if err != nil {
		return err
	}
	var in apiActionIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a := metrics.Action{Text: in.Text, Owner: in.Owner, Metrics: in.Metrics, FinanceAreas: in.Finance, Classification: classificationOf(in.Open), CreatedBy: u.Name}
	if a.Meeting.Date, err = parseDay("meeting date", in.Meeting, true); err != nil {
		return err
	}
	if a.Due, err = parseDay("due date", in.Due, false); err != nil {
		return err
	}
	if in.Status != "" {
		if a.Status, err = metrics.ParseActionStatus(in.Status); err != nil {
			return err
		}
	}
	if a, err = s.store.AddAction(c.Request().Context(), a); err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditAction, "raised "+describeAction(a))
	return c.JSON(http.StatusCreated, toAPIAction(a, meetingDay(s.now())))
}

// handleAPIActionUpdate takes an update: JSON "text" (the update's own
// words), and any of "status", "owner", "due" ("" clears it), "open".
func (s *Server) handleAPIActionUpdate(c echo.Context) error {
	u, err := mayManageCycle(c)
	if err != nil {
		return err
	}
	id, err := actionID(c)
	if err != nil {
		return err
	}
	var in struct {
		Text   string  `json:"text"`
		Status string  `json:"status"`
		Owner  *string `json:"owner"`
		Due    *string `json:"due"`
		Open   *bool   `json:"open"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ch := store.ActionChange{Note: in.Text, By: u.Name, Owner: in.Owner}
	if in.Status != "" {
		st, err := metrics.ParseActionStatus(in.Status)
		if err != nil {
			return err
		}
		ch.Status = &st
	}
	if in.Due != nil {
		d, err := parseDay("due date", *in.Due, false)
		if err != nil {
			return err
		}
		ch.Due = &d
	}
	if in.Open != nil {
		cl := classificationOf(*in.Open)
		ch.Classification = &cl
	}
	if err := s.updateAction(c, u, id, ch); err != nil {
		return err
	}
	a, err := s.store.Action(c.Request().Context(), auth.Scope(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIAction(a, meetingDay(s.now())))
}
