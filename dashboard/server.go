// Package dashboard is Assure's web server: pages, charts and the JSON
// API, built on echo. Every read passes the viewer's scope to the store,
// so a page cannot show a measure its viewer may not see.
package dashboard

import (
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Config is what a Server needs.
type Config struct {
	Store    *store.Store
	Ingester *ingest.Ingester
	Logger   *slog.Logger
	// Version is shown in the footer and /healthz.
	Version string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Server serves the dashboard. It is an http.Handler.
type Server struct {
	store    *store.Store
	ingester *ingest.Ingester
	logger   *slog.Logger
	version  string
	now      func() time.Time
	pages    map[string]*template.Template
	echo     *echo.Echo
}

// New builds a Server, parsing its templates (a broken template fails
// here, at start-up, not on a request).
func New(cfg Config) (*Server, error) {
	s := &Server{store: cfg.Store, ingester: cfg.Ingester, logger: cfg.Logger, version: cfg.Version, now: cfg.Now}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.echo = s.routes()
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// routes is every route, with its middleware, in one place.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	// Only the direct peer's address is trusted: X-Forwarded-For is set
	// by the client and would let anyone pose as anyone.
	e.IPExtractor = echo.ExtractIPDirect()
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.logger.Error("panic", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(securityHeaders)
	e.Use(s.requestLog)

	e.GET("/healthz", s.handleHealth)
	e.GET("/static/*", staticHandler())

	e.GET("/", s.handleOverview)
	e.GET("/metrics/:id", s.handleMetric)

	api := e.Group("/api/v1")
	api.GET("/metrics", s.handleAPIMetrics)
	api.GET("/metrics/:id/series", s.handleAPISeries)
	return e
}

// scope is what the request's viewer may see. Until sign-in exists every
// viewer is the public: open measures only.
func (s *Server) scope(c echo.Context) metrics.Scope {
	return metrics.Public
}

// requestLog logs each request once, at debug level unless it failed.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelWarn
		}
		s.logger.Log(c.Request().Context(), level, "request", "method", c.Request().Method,
			"path", c.Request().URL.Path, "status", status, "duration", time.Since(start))
		return nil
	}
}
