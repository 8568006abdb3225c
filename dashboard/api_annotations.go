package dashboard

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
)

// apiAnnotationRequest is the body of POST /api/v1/metrics/{id}/annotations:
// a note on the measure's timeline at the start of period ("2021-04",
// "2021/22 Q1", or a date "2021-04-12"), which with recalculate set is a
// change point from which the limits are recalculated, text saying why.
type apiAnnotationRequest struct {
	Period      string `json:"period"`
	Text        string `json:"text"`
	Detail      string `json:"detail"`
	Recalculate bool   `json:"recalculate"`
}

// apiAnnotation is an annotation in the JSON API.
type apiAnnotation struct {
	ID          int64  `json:"id"`
	MetricID    string `json:"metric_id"`
	Start       string `json:"start"`
	Label       string `json:"label"`
	Detail      string `json:"detail"`
	Recalculate bool   `json:"recalculate"`
}

// handleAPIAnnotationAdd adds an annotation, or a change point, to a
// measure for an analyst (a session or a bearer token); 201 with the
// annotation. The text becomes the label; one longer than a label may
// be is cut at a word for the label and kept whole as the detail.
func (s *Server) handleAPIAnnotationAdd(c echo.Context) error {
	u, err := auth.MayWriteContext(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := s.store.GetMetric(ctx, auth.Scope(c), c.Param("id"))
	if err != nil {
		return err
	}
	var req apiAnnotationRequest
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return metrics.Errorf(metrics.EINVALID, "The body must be JSON such as {\"period\": \"2021-04\", \"text\": \"Vulnerability desk launched\", \"recalculate\": true}: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return metrics.Errorf(metrics.EINVALID, "The body must hold one JSON object.")
	}
	start, err := annotationStart(req.Period)
	if err != nil {
		return err
	}
	label, detail := labelAndDetail(req.Text, req.Detail)
	a, err := s.store.AddAnnotation(ctx, metrics.Annotation{MetricID: m.ID, Start: start, Label: label, Detail: detail,
		Recalculate: req.Recalculate, CreatedBy: u.Name})
	if err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditAnnotation, "added "+describeAnnotation(a)+changePointWord(a))
	return c.JSON(http.StatusCreated, apiAnnotation{ID: a.ID, MetricID: a.MetricID, Start: a.Start.Format(time.DateOnly),
		Label: a.Label, Detail: a.Detail, Recalculate: a.Recalculate})
}

// annotationStart reads the period an annotation marks: a date, or a
// period whose first day it takes.
func annotationStart(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, metrics.Errorf(metrics.EINVALID, "Give the period of the change, such as \"2021-04\".")
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	p, err := metrics.ParsePeriod(s)
	if err != nil {
		return time.Time{}, metrics.Errorf(metrics.EINVALID, "%q is not a period: write a month such as 2021-04, a quarter such as 2021/22 Q1, or a date such as 2021-04-12.", s)
	}
	return p.Start, nil
}

// labelAndDetail makes a label of text, cut at a word with "…" when it
// is longer than a label may be, the whole text then going first in the
// detail.
func labelAndDetail(text, detail string) (string, string) {
	text, detail = strings.TrimSpace(text), strings.TrimSpace(detail)
	if utf8.RuneCountInString(text) <= metrics.MaxAnnotationLabel {
		return text, detail
	}
	r := []rune(text)[:metrics.MaxAnnotationLabel-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > metrics.MaxAnnotationLabel/2 {
		cut = cut[:i]
	}
	full := text
	if detail != "" {
		full += "\n" + detail
	}
	return strings.TrimSpace(cut) + "…", full
}

func changePointWord(a metrics.Annotation) string {
	if a.Recalculate {
		return " (a change point: the limits are recalculated from it)"
	}
	return ""
}
