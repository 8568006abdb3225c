package dashboard

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

// The calendar of meetings: a page to keep it and /api/v1/meetings.
// Analysts and administrators keep it; every change is audited. The
// dates and titles are public, as the Commissioner publishes them.

// canManageCycle reports whether the user keeps the calendar and the
// action log: analysts, who prepare the pack, and administrators.
func canManageCycle(u *metrics.User) bool {
	return u != nil && !u.Disabled && (u.Role == metrics.RoleAnalyst || u.Role == metrics.RoleAdmin)
}

func mayManageCycle(c echo.Context) (*metrics.User, error) {
	u := auth.User(c)
	if !canManageCycle(u) {
		if u == nil {
			return nil, echo.NewHTTPError(http.StatusUnauthorized, "Sign in or send an API token.")
		}
		return nil, metrics.Errorf(metrics.EFORBIDDEN, "Only analysts and administrators keep the calendar and the action log; you are signed in as %s (%s).", u.Name, u.Role)
	}
	return u, nil
}

type meetingsPage struct {
	Page
	Upcoming, Past []view.Meeting
	CanManage      bool
	Notice         string
}

func (s *Server) handleMeetings(c echo.Context) error {
	ms, err := s.store.Meetings(c.Request().Context(), auth.Scope(c))
	if err != nil {
		return err
	}
	p := meetingsPage{Page: s.page(c, "Meetings"), CanManage: canManageCycle(auth.User(c)), Notice: c.QueryParam("notice")}
	today := meetingDay(s.now())
	for _, m := range ms {
		v := view.NewMeeting(m)
		if m.Date.Before(today) {
			v.Past = true
			p.Past = append([]view.Meeting{v}, p.Past...)
		} else {
			p.Upcoming = append(p.Upcoming, v)
		}
	}
	return s.renderOK(c, "meetings", p)
}

// meetingForm reads a meeting from a form or JSON fields.
func meetingFrom(date, title, papers string) (metrics.Meeting, error) {
	m := metrics.Meeting{Title: title}
	var err error
	if m.Date, err = parseDay("meeting date", date, true); err != nil {
		return m, err
	}
	if m.PapersDue, err = parseDay("papers deadline", papers, false); err != nil {
		return m, err
	}
	return m, nil
}

// parseDay reads a date written 2022-02-10; "" is the zero time unless
// required.
func parseDay(what, s string, required bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return time.Time{}, metrics.Errorf(metrics.EINVALID, "The %s is needed, written as 2022-02-10.", what)
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, metrics.Errorf(metrics.EINVALID, "The %s must be written as 2022-02-10, not %q.", what, s)
	}
	return t, nil
}

func describeMeeting(m metrics.Meeting) string {
	s := fmt.Sprintf("%s, %s", m.Date.Format(time.DateOnly), m.Title)
	if !m.PapersDue.IsZero() {
		s += ", papers due " + m.PapersDue.Format(time.DateOnly)
	}
	return s
}

func (s *Server) handleMeetingAdd(c echo.Context) error {
	u, err := mayManageCycle(c)
	if err != nil {
		return err
	}
	m, err := meetingFrom(c.FormValue("date"), c.FormValue("title"), c.FormValue("papers_due"))
	if err != nil {
		return err
	}
	m.CreatedBy = u.Name
	if m, err = s.store.AddMeeting(c.Request().Context(), m); err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditMeeting, "added "+describeMeeting(m))
	return c.Redirect(http.StatusSeeOther, "/meetings?notice="+url.QueryEscape("Added the meeting of "+m.Date.Format("2 January 2006")+"."))
}

// meetingParams is the writer of a change to a meeting, once they may
// make it, and the meeting's date in the address.
func meetingParams(c echo.Context) (*metrics.User, time.Time, error) {
	u, err := mayManageCycle(c)
	if err != nil {
		return nil, time.Time{}, err
	}
	date, err := parseDay("meeting date", c.Param("date"), true)
	if err != nil {
		return nil, time.Time{}, err
	}
	return u, date, nil
}

func (s *Server) handleMeetingEdit(c echo.Context) error {
	u, date, err := meetingParams(c)
	if err != nil {
		return err
	}
	m, err := meetingFrom(c.FormValue("date"), c.FormValue("title"), c.FormValue("papers_due"))
	if err != nil {
		return err
	}
	m.UpdatedBy = u.Name
	before, err := s.store.UpdateMeeting(c.Request().Context(), date, m)
	if err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditMeeting, fmt.Sprintf("changed %s to %s", describeMeeting(before), describeMeeting(m)))
	return c.Redirect(http.StatusSeeOther, "/meetings?notice="+url.QueryEscape("Saved the meeting of "+m.Date.Format("2 January 2006")+"."))
}

func (s *Server) handleMeetingDelete(c echo.Context) error {
	u, date, err := meetingParams(c)
	if err != nil {
		return err
	}
	m, err := s.store.DeleteMeeting(c.Request().Context(), date)
	if err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditMeeting, "deleted "+describeMeeting(m))
	return c.Redirect(http.StatusSeeOther, "/meetings?notice="+url.QueryEscape("Deleted the meeting of "+m.Date.Format("2 January 2006")+"."))
}

// apiMeeting is a meeting in the JSON API.
type apiMeeting struct {
	Date      string `json:"date"`
	Title     string `json:"title"`
	PapersDue string `json:"papers_due,omitempty"`
	Pack      string `json:"board_pack"`
	Changes   string `json:"changes"`
}

func toAPIMeeting(m metrics.Meeting) apiMeeting {
	v := view.NewMeeting(m)
	return apiMeeting{Date: v.ISO, Title: m.Title, PapersDue: v.PapersISO, Pack: v.Link, Changes: "/api/v1/meetings/" + v.ISO + "/changes"}
}

func (s *Server) handleAPIMeetings(c echo.Context) error {
	ms, err := s.store.Meetings(c.Request().Context(), auth.Scope(c))
	if err != nil {
		return err
	}
	out := make([]apiMeeting, len(ms))
	for i, m := range ms {
		out[i] = toAPIMeeting(m)
	}
	next := ""
	if m, ok := metrics.NextMeeting(ms, s.now()); ok {
		next = m.Date.Format(time.DateOnly)
	}
	return c.JSON(http.StatusOK, map[string]any{"meetings": out, "next": next})
}

// decodeJSON reads a JSON body into v, refusing unknown fields.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if err == io.EOF {
			return metrics.Errorf(metrics.EINVALID, "The request has no JSON body.")
		}
		return metrics.Errorf(metrics.EINVALID, "The JSON body could not be read: %v.", err)
	}
	return nil
}

func (s *Server) handleAPIMeetingAdd(c echo.Context) error {
	u, err := mayManageCycle(c)
	if err != nil {
		return err
	}
	var in struct {
		Date      string `json:"date"`
		Title     string `json:"title"`
		PapersDue string `json:"papers_due"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := meetingFrom(in.Date, in.Title, in.PapersDue)
	if err != nil {
		return err
	}
	m.CreatedBy = u.Name
	if m, err = s.store.AddMeeting(c.Request().Context(), m); err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditMeeting, "added "+describeMeeting(m))
	return c.JSON(http.StatusCreated, toAPIMeeting(m))
}

// meetingRowsView is a table of meetings on the meetings page.
type meetingRowsView struct {
	Label     string
	Meetings  []view.Meeting
	CanManage bool
	CSRF      string
}
