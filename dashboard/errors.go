package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// codeStatus is the status each error code answers with.
var codeStatus = map[string]int{
	metrics.EINVALID:   http.StatusBadRequest,
	metrics.ENOTFOUND:  http.StatusNotFound,
	metrics.ECONFLICT:  http.StatusConflict,
	metrics.EFORBIDDEN: http.StatusForbidden,
	metrics.ETOOLARGE:  http.StatusRequestEntityTooLarge,
	metrics.EBUSY:      http.StatusServiceUnavailable,
}

// statusOf maps an error to its HTTP status: a domain error by its code,
// an echo error by its own status, anything else 500.
func statusOf(err error) int {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	if status, ok := codeStatus[metrics.ErrorCode(err)]; ok {
		return status
	}
	if store.StorageFault(err) != "" {
		// Not Assure's bug, and not the user's: the database's disk. 503
		// says to try again once whoever runs Assure has seen to it.
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// messageOf is what the user is told: a domain error's message, echo's
// message for its own errors, and nothing of an internal error's detail.
func messageOf(err error, status int) string {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if m, ok := he.Message.(string); ok && status < 500 {
			return m
		}
		return http.StatusText(status)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return metrics.ErrorMessage(bodyTooLarge(mbe.Limit))
	}
	if fault := store.StorageFault(err); fault != "" {
		return "Assure cannot write to its database: " + fault + ". Nothing was stored. Please tell whoever runs Assure, and try again once they have seen to it."
	}
	if metrics.ErrorCode(err) == metrics.EBUSY {
		return metrics.ErrorMessage(err)
	}
	if status >= 500 {
		return "Something went wrong on our side. It has been logged; please try again."
	}
	return metrics.ErrorMessage(err)
}

// handleError is echo's error handler: it logs internal errors once and
// answers JSON under /api/ and an HTML page elsewhere.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := statusOf(err)
	msg := messageOf(err, status)
	if status >= 500 {
		s.logger.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	var werr error
	switch {
	case strings.HasPrefix(c.Request().URL.Path, "/api/"):
		werr = c.JSON(status, map[string]string{"error": msg})
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(status)
	default:
		werr = s.render(c, status, "error", errorPage{Page: s.page(c, http.StatusText(status)), Status: status, Message: msg, Back: backTo(c.Request())})
	}
	if werr != nil {
		s.logger.Error("writing error response", "err", werr)
	}
}

type errorPage struct {
	Page
	Status  int
	Message string
	// Back is the page on this site the request came from (a form's
	// page, say), when it names one, for a link back to it.
	Back string
}

// backTo is the path and query of the page on this site that r came
// from, by its Referer, or "" when it names none, another site or the
// page r asked for itself.
func backTo(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || !strings.HasPrefix(ref.Path, "/") {
		return ""
	}
	back := ref.Path
	if ref.RawQuery != "" {
		back += "?" + ref.RawQuery
	}
	if back == r.URL.RequestURI() {
		return ""
	}
	return back
}
