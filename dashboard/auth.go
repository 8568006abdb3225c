package dashboard

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/assure-pcc/assure/metrics"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Session and sign-in settings.
const (
	sessionCookie   = "assure_session"
	sessionIdle     = 2 * time.Hour
	sessionLifetime = 12 * time.Hour
	// sessionTouch is how stale a session's last-seen stamp may grow
	// before a request renews it: the idle timeout is enforced to within
	// this, and a signed-in reader costs one session write per interval
	// instead of one per request (see newSessions).
	sessionTouch   = 5 * time.Minute
	sessionUserKey = "user_id"
	// sessionGenKey holds the user's session generation at sign-in: the
	// session is void once the user's moves on (see metrics.User).
	sessionGenKey  = "gen"
	sessionSeenKey = "seen"
	csrfField      = "_csrf"
	csrfContextKey = "csrf"
	userContextKey = "user"
)

// newSessions makes the session manager: sessions live in the database
// (so servers sharing it share them, and disabling a user ends them),
// with idle and absolute timeouts and a cookie scripts cannot read.
//
// scs's own IdleTimeout is left off: it rewrites the session on every
// request, and on SQLite each write queues behind any upload's long write
// transaction, so every page a board member opened during an ingest
// waited for it (the load test measured p99 of 32 s). The idle timeout is
// kept by authenticate instead, from a last-seen stamp renewed at most
// every sessionTouch.
func (s *Server) newSessions(secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = s.store.Sessions()
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.logger.Error("session", "err", err)
		http.Error(w, "The session store is unavailable. Please try again.", http.StatusServiceUnavailable)
	}
	return sm
}

// csrfMiddleware checks a token on every state-changing request made with
// cookies, but those skip says are exempt. Requests authenticated by a
// bearer token carry no cookie an attacker's page could ride on, so they
// are exempt.
func (s *Server) csrfMiddleware(secure bool, skip middleware.Skipper) echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:" + csrfField + ",header:X-CSRF-Token",
		CookieName:     "assure_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   secure,
		CookieSameSite: http.SameSiteStrictMode,
		ContextKey:     csrfContextKey,
		Skipper:        skip,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "This form has expired or did not come from Assure. Go back, reload the page and try again.")
		},
	})
}

// csrfExempt: a request authenticated by a bearer token, or an API call
// with no session cookie, carries no ambient authority for a forged
// request to ride on (and an anonymous API call is then refused as
// such, 401). Forms, sign-in included, always need their token.
func csrfExempt(c echo.Context) bool {
	r := c.Request()
	if bearerToken(r) != "" {
		return true
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if _, err := r.Cookie(sessionCookie); err != nil {
			return true
		}
	}
	return false
}

// csrfLate are the routes whose CSRF token is checked by their own
// middleware, after the sign-in check and the body limit: their token is
// a field of a large multipart body, which must not be read first.
var csrfLate = map[string]bool{"POST /uploads": true, "POST /api/v1/uploads": true}

// csrfExemptOrLate is the skipper of the CSRF check every route runs
// first.
func csrfExemptOrLate(c echo.Context) bool {
	return csrfExempt(c) || csrfLate[c.Request().Method+" "+c.Path()]
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate finds the request's user from a bearer token or the
// session, re-reading the user each time so that a disabled account
// loses access at once. A bad bearer token is refused outright.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if tok := bearerToken(c.Request()); tok != "" {
			sha := TokenSHA256(tok)
			u, err := s.store.UserByToken(ctx, sha)
			if metrics.ErrorCode(err) == metrics.ENOTFOUND || (err == nil && u.Disabled) {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="assure"`)
				return echo.NewHTTPError(http.StatusUnauthorized, "The API token is not valid.")
			}
			if err != nil {
				return err
			}
			c.Set(userContextKey, &u)
			s.tokenUsed(ctx, sha)
			return next(c)
		}
		id := s.sessions.GetInt64(ctx, sessionUserKey)
		if id != 0 {
			switch idle := s.now().Sub(time.Unix(s.sessions.GetInt64(ctx, sessionSeenKey), 0)); {
			case idle > sessionIdle:
				// Idle too long: signed out, as if the session had expired.
				if err := s.sessions.Destroy(ctx); err != nil {
					return err
				}
				return next(c)
			case idle > sessionTouch:
				s.sessions.Put(ctx, sessionSeenKey, s.now().Unix())
			}
			u, err := s.store.UserByID(ctx, id)
			switch {
			case err == nil && !u.Disabled && s.sessions.GetInt64(ctx, sessionGenKey) == u.SessionGen:
				c.Set(userContextKey, &u)
			case err == nil || metrics.ErrorCode(err) == metrics.ENOTFOUND:
				// Disabled, deleted, or their sessions were ended since
				// this one began: end it.
				if derr := s.sessions.Destroy(ctx); derr != nil {
					return derr
				}
			default:
				return err
			}
		}
		return next(c)
	}
}

// currentUser is the signed-in user, or nil for the public.
func currentUser(c echo.Context) *metrics.User {
	u, _ := c.Get(userContextKey).(*metrics.User)
	return u
}

// scope is what the request's viewer may see.
func (s *Server) scope(c echo.Context) metrics.Scope {
	return currentUser(c).Scope()
}

type loginPage struct {
	Page
	Name  string
	Error string
	Next  string
}

// safeNext keeps a post-sign-in redirect on this site: a path, never a
// scheme or another host ("//evil.example"). Browsers drop tabs and line
// breaks from a URL and read a backslash as a slash, so "/\t/evil.example"
// and "/\\evil.example" both lead off-site: any control character or
// backslash, anywhere, sends the reader to the overview instead.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (s *Server) handleLoginForm(c echo.Context) error {
	return s.renderOK(c, "login", loginPage{Page: s.page(c, "Sign in"), Next: safeNext(c.QueryParam("next"))})
}

func (s *Server) handleLogin(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("name"))
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	fail := func(status int, msg string) error {
		return s.render(c, status, "login", loginPage{Page: s.page(c, "Sign in"), Name: name, Error: msg, Next: next})
	}
	u, hash, err := s.store.UserByName(ctx, name)
	if err != nil && metrics.ErrorCode(err) != metrics.ENOTFOUND {
		return err
	}
	known := err == nil
	if !known {
		hash = dummyHash // the same work whether or not the name exists
	}
	// The attempt is counted before the password is checked, so that
	// attempts sent at once cannot all be checked.
	a, refusal, err := s.reserveAttempt(c, name, u.ID)
	if err != nil {
		return err
	}
	if refusal != "" {
		return fail(http.StatusTooManyRequests, refusal)
	}
	ok, err := s.verifyPassword(ctx, password, hash)
	if err != nil {
		s.attemptNotMade(c, a)
		c.Response().Header().Set("Retry-After", "5")
		return err
	}
	if !ok || !known || u.Disabled {
		s.audit(c, name, metrics.AuditLoginFailed, "")
		return fail(http.StatusUnauthorized, "The user name or password is not right.")
	}
	s.attemptSucceeded(c, a, u.ID)
	// A new session token at sign-in, so a token planted before it is
	// worthless after.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserKey, u.ID)
	s.sessions.Put(ctx, sessionGenKey, u.SessionGen)
	s.sessions.Put(ctx, sessionSeenKey, s.now().Unix())
	s.audit(c, u.Name, metrics.AuditLogin, string(u.Role))
	if _, err := s.store.Sessions().DeleteExpired(ctx); err != nil {
		s.logger.Warn("deleting expired sessions", "err", err)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) handleLogout(c echo.Context) error {
	if u := currentUser(c); u != nil {
		s.audit(c, u.Name, metrics.AuditLogout, "")
	}
	if err := s.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// audit records an action; a failure to record is logged, not shown,
// since the action itself has happened.
func (s *Server) audit(c echo.Context, actor, action, detail string) {
	err := s.store.Audit(c.Request().Context(), metrics.AuditEntry{Actor: actor, Action: action, Detail: detail, IP: c.RealIP()})
	if err != nil {
		s.logger.Error("audit log", "action", action, "err", err)
	}
}

// requireUser refuses the public: pages redirect to sign-in, the API
// answers 401.
func requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) != nil {
			return next(c)
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			return echo.NewHTTPError(http.StatusUnauthorized, "Sign in or send an API token.")
		}
		return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
	}
}
