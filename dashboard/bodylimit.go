package dashboard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/semaphore"

	"github.com/assure-pcc/assure/metrics"
)

// Request bodies are limited by route before anything reads them: the
// CSRF check reads the form, and before it did, a stranger's 40 MB post
// to /login was parsed in full (and its file parts left on disk). Each
// route takes the body its form needs and no more; uploads take the
// upload limit, and only from those who may upload.
const (
	// signInBodyLimit fits the sign-in form: a name, a password of up
	// to maxPasswordBytes percent-encoded, the CSRF token and next.
	signInBodyLimit = 8 << 10
	// formBodyLimit is every other form's: a few fields, or three
	// passwords on the password forms.
	formBodyLimit = 16 << 10
	// textFormLimit fits the forms that carry writing: a commentary of
	// metrics.MaxCommentary characters, percent-encoded.
	textFormLimit = 64 << 10
	// bufferedBodyLimit is the largest body read into memory before the
	// route's handler, so that an oversized one is refused as such (413)
	// whether or not it declared its length; larger ones (uploads) are
	// read through http.MaxBytesReader.
	bufferedBodyLimit = 64 << 10
	// uploadFormMemory is how much of an upload's multipart body is
	// kept in memory as it is parsed; the rest of the file goes to one
	// temporary file, removed when the request ends.
	uploadFormMemory = 1 << 20
	// parseQueueWait is the longest an upload waits for its turn before
	// it is told to try again.
	parseQueueWait = 2 * time.Minute
)

// routeBodyLimits are the limits of the routes whose body differs from
// their method's default (see bodyLimit), by method and route path.
func (s *Server) routeBodyLimits() map[string]int64 {
	upload := s.uploadLimit() + multipartSlack
	return map[string]int64{
		"POST /login":                          signInBodyLimit,
		"POST /uploads":                        upload,
		"POST /api/v1/uploads":                 upload,
		"POST /catalogue/:id":                  textFormLimit,
		"POST /metrics/:id/annotations":        textFormLimit,
		"POST /api/v1/metrics/:id/annotations": textFormLimit,
		"POST /metrics/:id/commentary":         textFormLimit,
		"POST /annotations/:id":                textFormLimit,
		"POST /actions":                        textFormLimit,
		"POST /actions/:id":                    textFormLimit,
		"POST /api/v1/actions":                 textFormLimit,
		"POST /api/v1/actions/:id":             textFormLimit,
	}
}

// bodyLimit is the largest body a request to the route takes: the
// route's own, or none for reading methods and formBodyLimit for the
// others.
func (s *Server) bodyLimit(method, route string) int64 {
	if n, ok := s.bodyLimits[method+" "+route]; ok {
		return n
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return 0
	}
	return formBodyLimit
}

func bodyTooLarge(limit int64) error {
	if limit == 0 {
		return metrics.Errorf(metrics.ETOOLARGE, "This address takes no request body.")
	}
	return metrics.Errorf(metrics.ETOOLARGE, "The request is larger than the %s this form takes.", byteSize(limit))
}

// byteSize writes a limit as a person reads it: "8 KB", "101 MB".
func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(1, n>>10))
}

// limitBodies runs first on every route (after routing, so the route is
// known): a body declared larger than the route's limit is refused at
// once, unread; a small one is read whole here, so that one sent without
// a length is refused as too large too; a large one is read through
// http.MaxBytesReader. Whatever parsed a multipart body, its temporary
// files are removed when the request ends.
func (s *Server) limitBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		defer removeMultipartFiles(r, c)
		limit := s.bodyLimit(r.Method, c.Path())
		if r.ContentLength > limit {
			if limit > bufferedBodyLimit {
				return tooLarge(limit - multipartSlack)
			}
			return bodyTooLarge(limit)
		}
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			return next(c)
		}
		if limit > bufferedBodyLimit {
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
			return next(c)
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil {
			return metrics.Errorf(metrics.EINVALID, "The request could not be read: %v", err)
		}
		if int64(len(body)) > limit {
			// The rest is not read: the connection closes after the answer.
			c.Response().Header().Set(echo.HeaderConnection, "close")
			return bodyTooLarge(limit)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		return next(c)
	}
}

// removeMultipartFiles removes the temporary files of any multipart form
// parsed during the request, on the request as it came and as the
// middleware left it (sessions put a new request in the context).
func removeMultipartFiles(first *http.Request, c echo.Context) {
	for _, r := range []*http.Request{first, c.Request()} {
		if r.MultipartForm != nil {
			_ = r.MultipartForm.RemoveAll()
		}
	}
}

// parseQueue lets a few uploads at a time be read and checked; the rest
// wait their turn, their bodies unread, for up to parseQueueWait. A
// workbook's check holds the file and what is read from it in memory, so
// twenty at once would need twenty times that.
type parseQueue struct {
	slots *semaphore.Weighted
	// waiting counts the uploads waiting for a turn.
	waiting atomic.Int64
}

func newParseQueue(n int) *parseQueue {
	return &parseQueue{slots: semaphore.NewWeighted(int64(max(1, n)))}
}

// wait takes a turn, or says why none came; release gives it back.
func (q *parseQueue) wait(ctx context.Context) (release func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, parseQueueWait)
	defer cancel()
	q.waiting.Add(1)
	err = q.slots.Acquire(ctx, 1)
	q.waiting.Add(-1)
	if err != nil {
		return nil, metrics.Errorf(metrics.EBUSY, "Assure is busy checking other uploads. Try again in a minute.")
	}
	return func() { q.slots.Release(1) }, nil
}

// inTurn runs the rest of an upload route in its turn in the parse
// queue.
func (s *Server) inTurn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		release, err := s.parses.wait(c.Request().Context())
		if err != nil {
			c.Response().Header().Set("Retry-After", "60")
			return err
		}
		defer release()
		return next(c)
	}
}

// readUploadForm parses an upload's multipart body, within the route's
// limit, before the CSRF check reads its token from it: the file parts
// beyond uploadFormMemory go to one temporary file, which is removed
// when the request ends, whatever happens.
func readUploadForm(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); err != nil || mt != echo.MIMEMultipartForm {
			return metrics.Errorf(metrics.EINVALID, "Send the workbook as multipart/form-data, in the field file.")
		}
		err := r.ParseMultipartForm(uploadFormMemory)
		defer func() {
			if r.MultipartForm != nil {
				_ = r.MultipartForm.RemoveAll()
			}
		}()
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return tooLarge(mbe.Limit - multipartSlack)
		case err != nil:
			return metrics.Errorf(metrics.EINVALID, "The upload could not be read: send the file as multipart/form-data in the field file.")
		}
		return next(c)
	}
}
