package dashboard

import (
	"context"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/metrics/store"
)

// A page read from the cache asked the database for its versions twice:
// once for the page (kept by the page version) and once for the
// settings in its header (kept by the data version), and a page made
// anew asked again for each view and series it read. Each ask is a
// statement: a sixth of the load test's CPU went to those and the
// session's. A request that only reads asks once, and every part of it
// reads the same versions, so a page is made of one snapshot's parts.
//
// A request that writes (any method but GET and HEAD) asks each time:
// what it renders after its own change must be of the version its
// change made.

type versionsKey struct{}

// requestVersions is one request's versions, read when first asked for.
type requestVersions struct {
	once sync.Once
	v    store.Versions
	err  error
}

// versionsOnce gives each reading request its one reading of the
// versions.
func versionsOnce(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
			return next(c)
		}
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), versionsKey{}, &requestVersions{})))
		return next(c)
	}
}

// versions are the database's versions as this request reads them: read
// once for a reading request, each time for one that writes.
func (s *Server) versions(ctx context.Context) (store.Versions, error) {
	rv, ok := ctx.Value(versionsKey{}).(*requestVersions)
	if !ok {
		return s.store.Versions(ctx)
	}
	rv.once.Do(func() { rv.v, rv.err = s.store.Versions(ctx) })
	return rv.v, rv.err
}

// dataVersion and pageVersion are versions' two counters.
func (s *Server) dataVersion(ctx context.Context) (int64, error) {
	v, err := s.versions(ctx)
	return v.Data, err
}

func (s *Server) pageVersion(ctx context.Context) (int64, error) {
	v, err := s.versions(ctx)
	return v.Page, err
}
