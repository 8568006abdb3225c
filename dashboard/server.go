// Package dashboard is Assure's web server: pages, charts and the JSON
// API, built on echo. Every read passes the viewer's scope to the store,
// so a page cannot show a measure its viewer may not see. Routes and
// handlers are here; who may see and do what is dashboard/auth, charts
// dashboard/chart, the one cache dashboard/cache, and downloads and the
// published site's folder dashboard/export (see ARCHITECTURE.md).
package dashboard

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/pdf"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
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
	// SecureCookies marks cookies Secure: set it when Assure is reached
	// over HTTPS (directly or through a proxy).
	SecureCookies bool
	// BudgetThresholds rate the revenue forecast on the finance pages;
	// the zero value means metrics.DefaultBudgetThresholds.
	BudgetThresholds metrics.BudgetThresholds
	// AllowSelfApproval lets the person who proposed a classification
	// change approve it; by default someone else must (two-person rule).
	AllowSelfApproval bool
	// ParallelUploads is how many uploads are read and checked at once;
	// more wait their turn. 0 means DefaultParallelUploads.
	ParallelUploads int
	// ParallelPasswordChecks is how many argon2id hashes (19 MiB each)
	// are computed at once; more wait their turn. 0 means one per CPU.
	ParallelPasswordChecks int
	// TrustedProxies are the load balancers and proxies in front of
	// Assure: only from them is X-Forwarded-For believed. None means the
	// client's address is the direct peer's.
	TrustedProxies []netip.Prefix
	// Holidays, when set, are the days besides weekends that are not
	// working days, in place of the bank holidays of England and Wales:
	// when figures are due is counted in working days.
	Holidays []time.Time
	// Alerts configures the alerts sent to subscribers (see alerts.go).
	Alerts AlertConfig
	// ResponseMeasures name the monthly response time measures whose
	// targets the incidents are judged against; zero means
	// DefaultResponseMeasures.
	ResponseMeasures ResponseMeasures
	// Printer makes the board pack's PDF; nil when no Chromium is
	// installed, and the pack is then printed from the browser.
	Printer *pdf.Printer
}

// DefaultParallelUploads is how many uploads are read and checked at
// once unless Config says otherwise: a workbook's check is CPU-bound
// and holds the file in memory, so more than the cores of a small
// server only multiplies the memory.
const DefaultParallelUploads = 2

// Server serves the dashboard. It is an http.Handler.
type Server struct {
	store    *store.Store
	ingester *ingest.Ingester
	logger   *slog.Logger
	version  string
	now      func() time.Time
	pages    map[string]*template.Template
	sessions *auth.Sessions
	// budget rates the revenue forecast (green, amber, red).
	budget metrics.BudgetThresholds
	// allowSelfApproval turns the two-person rule off (Config).
	allowSelfApproval bool
	// views keeps what the overview and board pack compute from all the
	// figures until the data changes (see viewcache.go).
	views *viewCache
	// shared keeps rendered pages and API answers until the page version
	// moves (see pagecache.go).
	shared *pageCache
	// seriesKept keeps each measure's series until the figures change,
	// for every page and answer that shows it (see seriescache.go).
	seriesKept *seriesCache
	// publishHook, when set, is called before Publish writes each file
	// (see site.before).
	publishHook func(rel string) error
	// bodyLimits are the routes' own body limits (see bodyLimit).
	bodyLimits map[string]int64
	// parses queues uploads: a few are read and checked at a time.
	parses *parseQueue
	// hashing bounds the password hashes computed at once.
	hashing *auth.Hashing
	// secureCookies marks cookies Secure.
	secureCookies bool
	// trustedProxies are those whose X-Forwarded-For is believed.
	trustedProxies []netip.Prefix
	// calendar counts working days for timeliness.
	calendar *metrics.Calendar
	// alerts sends what subscribers asked for (see alerts.go).
	alerts *alerter
	// responseMeasures give the response targets (see response_targets.go).
	responseMeasures ResponseMeasures
	// printer makes PDFs, nil without Chromium (see boardpack_pdf.go).
	printer *pdf.Printer
	handler http.Handler
	// echo is kept so tests can walk every route.
	echo *echo.Echo
}

// New builds a Server, parsing its templates (a broken template fails
// here, at start-up, not on a request).
func New(cfg Config) (*Server, error) {
	s := &Server{store: cfg.Store, ingester: cfg.Ingester, logger: cfg.Logger, version: cfg.Version, now: cfg.Now, printer: cfg.Printer}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	s.views = newViewCache(32, s.logger)
	s.shared = newPageCache(defaultPageCacheBytes)
	s.seriesKept = newSeriesCache(defaultSeriesBytes)
	if s.now == nil {
		s.now = time.Now
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.budget = cfg.BudgetThresholds
	s.allowSelfApproval = cfg.AllowSelfApproval
	if s.budget == (metrics.BudgetThresholds{}) {
		s.budget = metrics.DefaultBudgetThresholds
	}
	if err := s.budget.Validate(); err != nil {
		return nil, fmt.Errorf("budget thresholds: %w", err)
	}
	if cfg.ParallelUploads == 0 {
		cfg.ParallelUploads = DefaultParallelUploads
	}
	s.parses = newParseQueue(cfg.ParallelUploads)
	if cfg.ParallelPasswordChecks == 0 {
		cfg.ParallelPasswordChecks = runtime.NumCPU()
	}
	s.hashing = auth.NewHashing(cfg.ParallelPasswordChecks)
	s.secureCookies = cfg.SecureCookies
	s.trustedProxies = cfg.TrustedProxies
	s.sessions = auth.NewSessions(s.store, s.logger, func() time.Time { return s.now() }, cfg.SecureCookies)
	s.calendar = metrics.EnglishCalendar()
	if cfg.Holidays != nil {
		s.calendar = metrics.CalendarOf(cfg.Holidays)
	}
	s.alerts = newAlerter(s, cfg.Alerts)
	s.responseMeasures = cfg.ResponseMeasures
	if s.responseMeasures == (ResponseMeasures{}) {
		s.responseMeasures = DefaultResponseMeasures
	}
	// Cross-origin protection (Sec-Fetch-Site and Origin) in front of the
	// CSRF tokens: two independent defences for state-changing requests.
	s.echo = s.routes(cfg.SecureCookies)
	s.handler = http.NewCrossOriginProtection().Handler(s.echo)
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// routes is every route, with its middleware, in one place.
func (s *Server) routes(secureCookies bool) *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	// Only the direct peer's address is trusted, or X-Forwarded-For as
	// far as the trusted proxies appended to it (see ipExtractor).
	e.IPExtractor = ipExtractor(s.trustedProxies)
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.logger.Error("panic", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(securityHeaders, privateResponses)
	e.Use(s.requestLog)
	// Before anything reads a body: each route's limit.
	s.bodyLimits = s.routeBodyLimits()
	e.Use(s.limitBodies)

	// No session, no CSRF: health checks and static files.
	e.GET("/healthz", s.handleHealth)
	e.GET("/static/*", staticHandler())

	// Everything else knows its viewer. Public pages show open measures
	// only; the store filters by the viewer's scope on every read.
	app := e.Group("", versionsOnce, echo.WrapMiddleware(s.sessions.LoadAndSave), handleErrorsInside, auth.CSRF(secureCookies, csrfExemptOrLate), s.sessions.Authenticate, s.passwordGate)
	// Uploads: who may upload is settled, and the upload waits its turn,
	// before its body is read; its CSRF token, a field of the multipart
	// body, is checked once the body has been read within its limit.
	upload := []echo.MiddlewareFunc{auth.RequireUploader, s.inTurn, readUploadForm, auth.CSRF(secureCookies, auth.CSRFExempt)}
	app.GET("/login", s.handleLoginForm)
	app.POST("/login", s.handleLogin)
	app.POST("/logout", s.handleLogout)
	app.GET("/", s.handleOverview)
	app.GET("/metrics/:id", s.handleMetric)
	app.GET("/metrics/:id/export/:file", s.handleMetricExport)
	app.GET("/metrics/:id/sources", s.handleMetricSources)
	app.GET("/public", s.handlePublicIndex)
	app.GET("/public/metrics/:id", s.handlePublicMetric)

	api := app.Group("/api/v1")
	api.GET("/metrics", s.handleAPIMetrics)
	api.GET("/metrics/:id/series", s.handleAPISeries)

	// Finance is board-only: the store answers "not found" to the public,
	// so these are 404 for them rather than a sign-in prompt.
	app.GET("/finance", s.handleFinance)
	app.GET("/finance/export/:file", s.handleFinanceExport)
	api.GET("/finance/months", s.handleAPIFinanceMonths)
	api.GET("/finance/revenue", s.handleAPIFinanceRevenue)
	api.GET("/finance/capital", s.handleAPIFinanceCapital)
	api.GET("/finance/reserves", s.handleAPIFinanceReserves)

	// Incident-level response times are always sensitive: 404 for the
	// public, as for a page that does not exist.
	app.GET("/response-times", s.handleResponseTimes, auth.SignedInOrNotFound)
	app.GET("/response-times/export/:file", s.handleResponseTimesExport, auth.SignedInOrNotFound)

	// Signed-in users only; what each role may change is checked in the
	// handler against what it reads (auth.MayUpload, ...: auth/policy.go).
	signed := app.Group("", auth.RequireUser)
	signed.GET("/uploads", s.handleUploads)
	signed.POST("/uploads", s.handleUploadCheck, upload...)
	signed.POST("/uploads/confirm", s.handleUploadConfirm, s.inTurn)
	signed.GET("/uploads/templates/performance.xlsx", s.handlePerformanceTemplate)
	signed.GET("/uploads/templates/finance.xlsx", s.handleFinanceTemplate)
	signed.GET("/uploads/:id/original", s.handleUploadOriginal)
	signed.GET("/uploads/:id/rollback", s.handleUploadRollbackConfirm)
	signed.POST("/uploads/:id/rollback", s.handleUploadRollback)
	signed.GET("/catalogue", s.handleCatalogue)
	signed.POST("/catalogue/:id", s.handleCatalogueEdit)
	// Classification proposals: every signed-in user sees what waits;
	// administrators decide (checked in the handler).
	signed.GET("/catalogue/proposals", s.handleProposals)
	signed.POST("/catalogue/proposals/:id", s.handleProposalDecision)
	// Annotations and commentary: analysts only, checked in the handler.
	signed.POST("/metrics/:id/annotations", s.handleAnnotationAdd)
	signed.POST("/metrics/:id/commentary", s.handleCommentary)
	signed.POST("/annotations/:id", s.handleAnnotationEdit)
	signed.POST("/annotations/:id/delete", s.handleAnnotationDelete)
	signed.GET("/account/password", s.handleAccountPassword)
	signed.POST("/account/password", s.handleAccountPasswordChange)
	// Users and tokens: administrators only, everyone else 403.
	admin := signed.Group("/admin", auth.RequireAdmin)
	admin.GET("", s.handleAdmin)
	admin.POST("/settings", s.handleAdminSettings)
	admin.POST("/users", s.handleAdminAddUser)
	admin.GET("/users/:id", s.handleAdminUser)
	admin.POST("/users/:id/role", s.handleAdminRole)
	admin.POST("/users/:id/disable", s.handleAdminDisable(false))
	admin.POST("/users/:id/enable", s.handleAdminDisable(true))
	admin.POST("/users/:id/password", s.handleAdminPassword)
	admin.POST("/users/:id/tokens", s.handleAdminIssueToken)
	admin.POST("/tokens/:id/revoke", s.handleAdminRevokeToken)
	// The board pack gathers everything for a meeting: sign in first.
	signed.GET("/boardpack", s.handleBoardPack)
	signed.GET("/boardpack/open", s.handleBoardPackOpen)
	signed.GET("/boardpack/pdf", s.handleBoardPackPDF)
	signed.GET("/boardpack/open/pdf", s.handleBoardPackPDF)
	signed.GET("/boardpack/print.css", s.handleBoardPackPrintCSS)
	// Editions hold sensitive figures: 404 for anyone who may not see
	// them; analysts and administrators publish (checked in the handler).
	signed.POST("/boardpack/publish", s.handleBoardPackPublish)
	signed.GET("/boardpack/editions", s.handleEditions)
	signed.GET("/boardpack/editions/:id", s.handleEdition)
	api.POST("/uploads", s.handleAPIUpload, upload...)
	s.cycleRoutes(app, signed, admin, api)
	// Change points and annotations through the API: analysts only,
	// checked in the handler.
	api.POST("/metrics/:id/annotations", s.handleAPIAnnotationAdd, auth.RequireUser)
	return e
}

// handleErrorsInside writes an error response while the session
// middleware is still wrapping the response, so the session is saved
// once, with the response, never after it.
func handleErrorsInside(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := next(c); err != nil {
			c.Error(err)
		}
		return nil
	}
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
