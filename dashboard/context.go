package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

// Context beside the numbers: annotations on a measure's timeline and an
// analyst's commentary per period. Analysts write both (the forms are on
// the metric page); everyone who may see the measure sees its
// annotations, the public included for an open measure, since they
// explain published figures (a lockdown, a new recording system). The
// commentary is for the board only: the store gives none to the public.

// commentaryView is a measure's current commentary for one period, with
// its earlier versions.
type commentaryView struct {
	Period     string
	Text       string
	Paragraphs []string
	By         string
	Earlier    []commentaryVersion
}

type commentaryVersion struct {
	By         string
	Paragraphs []string
}

// periodOption is a period offered by the commentary form.
type periodOption struct {
	Key, Label string
	Selected   bool
}

// metricContext is what the metric page shows beside the numbers.
type metricContext struct {
	Annotations []view.Annotation
	Commentary  []commentaryView
	// CanWrite shows the forms; Periods are the periods the commentary
	// form offers, latest first, and Draft the current text of the one
	// it offers first; Saved confirms a change.
	CanWrite bool
	Periods  []periodOption
	Draft    string
	Saved    string
}

// newCommentaryViews turns a measure's commentary history (latest period
// first, newest version first) into the current text of each period
// that has one, with the versions before it.
func newCommentaryViews(hist []metrics.Commentary) []commentaryView {
	var out []commentaryView
	seen := map[string]bool{}
	var cur *commentaryView
	for _, c := range hist {
		k := string(c.Period.Kind) + " " + c.Period.Key()
		if !seen[k] {
			seen[k] = true
			cur = nil
			if c.Text == "" {
				continue // cleared: the period has no commentary now
			}
			out = append(out, commentaryView{Period: c.Period.Label(), Text: c.Text, Paragraphs: view.Paragraphs(c.Text), By: view.Stamp(c.Author, c.WrittenAt)})
			cur = &out[len(out)-1]
			continue
		}
		if cur != nil {
			v := commentaryVersion{By: view.Stamp(c.Author, c.WrittenAt), Paragraphs: view.Paragraphs(c.Text)}
			if c.Text == "" {
				v.Paragraphs = []string{"(cleared)"}
			}
			cur.Earlier = append(cur.Earlier, v)
		}
	}
	return out
}

// loadMetricContext reads a measure's annotations and commentary for its
// page; periods are the series' periods in order, which the commentary
// form offers latest first.
func (s *Server) loadMetricContext(ctx context.Context, c echo.Context, m metrics.Metric, periods []metrics.Period) (metricContext, []metrics.Annotation, error) {
	scope := auth.Scope(c)
	anns, err := s.store.Annotations(ctx, scope, m.ID)
	if err != nil {
		return metricContext{}, nil, err
	}
	hist, err := s.store.CommentaryHistory(ctx, scope, m.ID)
	if err != nil {
		return metricContext{}, nil, err
	}
	mc := metricContext{Annotations: view.NewAnnotations(anns), Commentary: newCommentaryViews(hist),
		CanWrite: auth.User(c).CanEditCatalogue(), Saved: savedMessage(c.QueryParam("saved"))}
	if mc.CanWrite {
		for i := len(periods) - 1; i >= 0; i-- {
			p := periods[i]
			mc.Periods = append(mc.Periods, periodOption{Key: p.Key(), Label: p.Label()})
		}
	}
	return mc, anns, nil
}

// selectPeriod makes the commentary form offer the period labelled label
// first (the period the page analyses), else the latest.
func (mc *metricContext) selectPeriod(label string) {
	i := slices.IndexFunc(mc.Periods, func(p periodOption) bool { return p.Label == label })
	if i < 0 && len(mc.Periods) > 0 {
		i, label = 0, mc.Periods[0].Label
	}
	if i < 0 {
		return
	}
	mc.Periods[i].Selected = true
	for _, cv := range mc.Commentary {
		if cv.Period == label {
			mc.Draft = cv.Text
		}
	}
}

// savedMessage confirms a change after its redirect; unknown words say
// nothing, so the query string cannot put words on the page.
func savedMessage(what string) string {
	switch what {
	case "annotation":
		return "The annotation is saved."
	case "annotation-deleted":
		return "The annotation is deleted."
	case "commentary":
		return "The commentary is saved."
	}
	return ""
}

// formDate reads a date field; blank gives the zero time when optional.
func formDate(c echo.Context, field, what string, optional bool) (time.Time, error) {
	v := strings.TrimSpace(c.FormValue(field))
	if v == "" && optional {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, metrics.Errorf(metrics.EINVALID, "The %s must be a date written as 2020-03-23, not %q.", what, v)
	}
	return t, nil
}

// annotationForm reads the fields shared by the add and edit forms.
func annotationForm(c echo.Context) (metrics.Annotation, error) {
	var a metrics.Annotation
	var err error
	if a.Start, err = formDate(c, "start", "date", false); err != nil {
		return a, err
	}
	if a.End, err = formDate(c, "end", "end date", true); err != nil {
		return a, err
	}
	a.Label, a.Detail = c.FormValue("label"), c.FormValue("detail")
	a.Recalculate = c.FormValue("recalculate") == "yes"
	return a, nil
}

// describeAnnotation names an annotation for the audit log.
func describeAnnotation(a metrics.Annotation) string {
	where := "on every measure"
	if a.MetricID != "" {
		where = "on " + a.MetricID
	}
	return fmt.Sprintf("%q, %s, %s", a.Label, a.When(), where)
}

func metricAnchor(id, anchor, saved string) string {
	return "/metrics/" + url.PathEscape(id) + "?saved=" + saved + "#" + anchor
}

// contextWriter is the writer of an annotation or commentary (see
// auth.MayWriteContext) and the measure the route names.
func (s *Server) contextWriter(c echo.Context) (*metrics.User, metrics.Metric, error) {
	u, err := auth.MayWriteContext(c)
	if err != nil {
		return nil, metrics.Metric{}, err
	}
	m, err := s.store.GetMetric(c.Request().Context(), auth.Scope(c), c.Param("id"))
	return u, m, err
}

// handleAnnotationAdd adds an annotation to a measure, or to every
// measure when the form says so.
func (s *Server) handleAnnotationAdd(c echo.Context) error {
	u, m, err := s.contextWriter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := annotationForm(c)
	if err != nil {
		return err
	}
	if c.FormValue("on") != "every" || a.Recalculate {
		a.MetricID = m.ID
	}
	a.CreatedBy = u.Name
	if a, err = s.store.AddAnnotation(ctx, a); err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditAnnotation, fmt.Sprintf("added %d: %s%s", a.ID, describeAnnotation(a), changePointWord(a)))
	return c.Redirect(http.StatusSeeOther, metricAnchor(m.ID, "annotations-heading", "annotation"))
}

// annotationParams is the writer of a change to an annotation (see
// auth.MayWriteContext), the annotation's id and the measure page to go
// back to.
func (s *Server) annotationParams(c echo.Context) (*metrics.User, int64, metrics.Metric, error) {
	u, err := auth.MayWriteContext(c)
	if err != nil {
		return nil, 0, metrics.Metric{}, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return nil, 0, metrics.Metric{}, echo.ErrNotFound
	}
	m, err := s.store.GetMetric(c.Request().Context(), auth.Scope(c), c.FormValue("metric"))
	return u, id, m, err
}

// handleAnnotationEdit changes an annotation's dates, label and detail.
func (s *Server) handleAnnotationEdit(c echo.Context) error {
	u, id, m, err := s.annotationParams(c)
	if err != nil {
		return err
	}
	a, err := annotationForm(c)
	if err != nil {
		return err
	}
	a.ID, a.UpdatedBy = id, u.Name
	before, err := s.store.UpdateAnnotation(c.Request().Context(), a)
	if err != nil {
		return err
	}
	a.MetricID = before.MetricID
	s.audit(c, u.Name, metrics.AuditAnnotation, fmt.Sprintf("changed %d: %s → %s", id, describeAnnotation(before), describeAnnotation(a)))
	return c.Redirect(http.StatusSeeOther, metricAnchor(m.ID, "annotations-heading", "annotation"))
}

// handleAnnotationDelete deletes an annotation (the store keeps the row).
func (s *Server) handleAnnotationDelete(c echo.Context) error {
	u, id, m, err := s.annotationParams(c)
	if err != nil {
		return err
	}
	before, err := s.store.DeleteAnnotation(c.Request().Context(), id, u.Name)
	if err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditAnnotation, fmt.Sprintf("deleted %d: %s", id, describeAnnotation(before)))
	return c.Redirect(http.StatusSeeOther, metricAnchor(m.ID, "annotations-heading", "annotation-deleted"))
}

// handleCommentary saves a new version of a measure's commentary for one
// of the periods its series has.
func (s *Server) handleCommentary(c echo.Context) error {
	u, m, err := s.contextWriter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	obs, err := s.store.Series(ctx, auth.Scope(c), m.ID)
	if err != nil {
		return err
	}
	key := c.FormValue("period")
	var period metrics.Period
	for _, o := range obs {
		if o.Period.Key() == key {
			period = o.Period
			break
		}
	}
	if period.IsZero() {
		return metrics.Errorf(metrics.EINVALID, "%s has no figures for the period %q: choose one of its periods.", m.Name, key)
	}
	cm, err := s.store.WriteCommentary(ctx, metrics.Commentary{MetricID: m.ID, Period: period, Text: c.FormValue("text"), Author: u.Name})
	if err != nil {
		return err
	}
	what := "written"
	if cm.Text == "" {
		what = "cleared"
	}
	s.audit(c, u.Name, metrics.AuditCommentary, fmt.Sprintf("%s, %s: %s (version %d)", m.ID, period.Label(), what, cm.ID))
	return c.Redirect(http.StatusSeeOther, metricAnchor(m.ID, "commentary-heading", "commentary"))
}
