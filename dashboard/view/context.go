package view

import (
	"fmt"
	"strings"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// Annotations, commentary, meetings and actions as pages and the board
// pack show them.

// Annotation is one annotation as the page lists it, numbered as on
// the charts.
type Annotation struct {
	N             int
	ID            int64
	Label, Detail string
	When          string
	// OnEvery is true for an annotation on every measure's timeline.
	OnEvery bool
	// By says when it was written and changed last, and by whom to
	// those signed in (the store gives the public no names).
	By string
	// StartISO and EndISO fill the edit form's date fields.
	StartISO, EndISO string
	// Recalculate marks a change point: the limits are recalculated
	// from it.
	Recalculate bool
}

// Stamp says who wrote something and when.
func Stamp(who string, at time.Time) string {
	return fmt.Sprintf("%s, %s", who, at.Format("2 Jan 2006 15:04"))
}

// done says what was done and when, "Added 3 Mar 2022 10:00", and by
// whom when the name is known, "Added by ana1, 3 Mar 2022 10:00": the
// store gives no names to the public, and nothing here makes one up.
func done(what, who string, at time.Time) string {
	if who == "" {
		return what + " " + at.Format("2 Jan 2006 15:04")
	}
	return what + " by " + Stamp(who, at)
}

// NewAnnotations numbers annotations as the charts do, from 1.
func NewAnnotations(anns []metrics.Annotation) []Annotation {
	out := make([]Annotation, len(anns))
	for i, a := range anns {
		v := Annotation{N: i + 1, ID: a.ID, Label: a.Label, Detail: a.Detail, When: a.When(), OnEvery: a.MetricID == "", Recalculate: a.Recalculate,
			By: done("Added", a.CreatedBy, a.CreatedAt), StartISO: a.Start.Format(time.DateOnly)}
		if a.IsSpan() {
			v.EndISO = a.End.Format(time.DateOnly)
		}
		if !a.UpdatedAt.Equal(a.CreatedAt) {
			v.By += "; " + done("changed", a.UpdatedBy, a.UpdatedAt)
		}
		out[i] = v
	}
	return out
}

// Paragraphs splits a commentary at blank lines and line breaks, so that
// the template writes each as text in its own element.
func Paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Action is an action as pages show it.
type Action struct {
	ID                    int64
	Link                  string
	Meeting, MeetingISO   string
	Board                 string
	Text                  string
	Owner                 string
	Due, DueISO           string
	Status                metrics.ActionStatus
	StatusWord            string
	Overdue               bool
	Open                  bool
	Metrics, FinanceAreas []string
	Latest                *Update
	Updates               []Update
	Classification        string
	ClosedOn              string
}

// Update is one update of an action.
type Update struct {
	At, By, Text, Status string
}

// NewAction is an action as it stood on asOf: its status then, and the
// updates made by the end of that day.
func NewAction(a metrics.Action, asOf time.Time) Action {
	v := Action{ID: a.ID, Link: fmt.Sprintf("/actions/%d", a.ID), Meeting: a.Meeting.Date.Format("2 January 2006"), MeetingISO: a.Meeting.Date.Format(time.DateOnly),
		Board: a.Meeting.Title, Text: a.Text, Owner: a.Owner, Status: a.StatusAt(asOf), Overdue: a.OverdueOn(asOf), Open: a.Classification == metrics.Open,
		Metrics: a.Metrics, FinanceAreas: a.FinanceAreas, Classification: string(a.Classification)}
	v.StatusWord = v.Status.Word()
	if !a.Due.IsZero() {
		v.Due, v.DueISO = a.Due.Format("2 January 2006"), a.Due.Format(time.DateOnly)
	}
	if c := a.ClosedOn(); !c.IsZero() && v.Status.Closed() {
		v.ClosedOn = c.Format("2 January 2006")
	}
	for _, u := range a.Updates {
		if u.At.After(asOf.AddDate(0, 0, 1)) {
			continue
		}
		uv := Update{At: u.At.Format("2 Jan 2006 15:04"), By: u.By, Text: u.Text, Status: u.Status.Word()}
		v.Updates = append(v.Updates, uv)
	}
	if n := len(v.Updates); n > 0 {
		v.Latest = &v.Updates[n-1]
	}
	return v
}

// Meeting is a meeting as pages show it.
type Meeting struct {
	Date, ISO, Title, PapersDue, PapersISO string
	Past                                   bool
	Link, ChangesLink, ActionsLink         string
}

// NewMeeting is a meeting with the links to its pack, changes and actions.
func NewMeeting(m metrics.Meeting) Meeting {
	v := Meeting{Date: m.Date.Format("Monday 2 January 2006"), ISO: m.Date.Format(time.DateOnly), Title: m.Title,
		Link: "/boardpack?meeting=" + m.Date.Format(time.DateOnly), ChangesLink: "/boardpack/changes?meeting=" + m.Date.Format(time.DateOnly),
		ActionsLink: "/actions?meeting=" + m.Date.Format(time.DateOnly)}
	if !m.PapersDue.IsZero() {
		v.PapersDue, v.PapersISO = m.PapersDue.Format("2 January 2006"), m.PapersDue.Format(time.DateOnly)
	}
	return v
}
