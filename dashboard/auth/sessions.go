package auth

// Sign-in state: sessions in the database, the CSRF check of forms, API
// tokens, and the middleware that finds each request's user.

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Session and sign-in settings.
const (
	SessionCookie   = "assure_session"
	SessionIdle     = 2 * time.Hour
	sessionLifetime = 12 * time.Hour
	// sessionTouch is how stale a session's last-seen stamp may grow
	// before a request renews it: the idle timeout is enforced to within
	// this, and a signed-in reader costs one session write per interval
	// instead of one per request (see NewSessions).
	SessionTouch   = 5 * time.Minute
	sessionUserKey = "user_id"
	// sessionGenKey holds the user's session generation at sign-in: the
	// session is void once the user's moves on (see metrics.User).
	sessionGenKey  = "gen"
	sessionSeenKey = "seen"
	CSRFField      = "_csrf"
	csrfContextKey = "csrf"
	userContextKey = "user"
)

// Sessions are the signed-in users' sessions, and how a request's user
// is found (Authenticate). It embeds the session manager, whose
// LoadAndSave wraps every route that knows its viewer.
type Sessions struct {
	*scs.SessionManager
	store  *store.Store
	logger *slog.Logger
	// Now is the clock (the server's).
	Now func() time.Time
	// stamps notes when each API token's use was last stamped.
	stamps tokenStamps
}

// NewSessions makes the session manager: sessions live in the database
// (so servers sharing it share them, and disabling a user ends them),
// with idle and absolute timeouts and a cookie scripts cannot read.
//
// scs's own IdleTimeout is left off: it rewrites the session on every
// request, and on SQLite each write queues behind any upload's long write
// transaction, so every page a board member opened during an ingest
// waited for it (the load test measured p99 of 32 s). The idle timeout is
// kept by Authenticate instead, from a last-seen stamp renewed at most
// every sessionTouch.
func NewSessions(st *store.Store, logger *slog.Logger, now func() time.Time, secure bool) *Sessions {
	sm := scs.New()
	sm.Store = st.Sessions()
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = SessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		logger.Error("session", "err", err)
		http.Error(w, "The session store is unavailable. Please try again.", http.StatusServiceUnavailable)
	}
	return &Sessions{SessionManager: sm, store: st, logger: logger, Now: now}
}

// SignIn begins a signed-in session for u, under a new session token so
// that a token planted before it is worthless after.
func (s *Sessions) SignIn(ctx context.Context, u metrics.User) error {
	if err := s.RenewToken(ctx); err != nil {
		return err
	}
	s.Put(ctx, sessionUserKey, u.ID)
	s.Put(ctx, sessionGenKey, u.SessionGen)
	s.Put(ctx, sessionSeenKey, s.Now().Unix())
	return nil
}

// KeepGeneration keeps this session alive when its user's sessions have
// just been ended (their password changed): it takes the user's new
// session generation.
func (s *Sessions) KeepGeneration(ctx context.Context, gen int64) {
	s.Put(ctx, sessionGenKey, gen)
}

// CSRF checks a token on every state-changing request made with
// cookies, but those skip says are exempt. Requests authenticated by a
// bearer token carry no cookie an attacker's page could ride on, so they
// are exempt.
func CSRF(secure bool, skip middleware.Skipper) echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:" + CSRFField + ",header:X-CSRF-Token",
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

// CSRFExempt: a request authenticated by a bearer token, or an API call
// with no session cookie, carries no ambient authority for a forged
// request to ride on (and an anonymous API call is then refused as
// such, 401). Forms, sign-in included, always need their token.
func CSRFExempt(c echo.Context) bool {
	r := c.Request()
	if BearerToken(r) != "" {
		return true
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if _, err := r.Cookie(SessionCookie); err != nil {
			return true
		}
	}
	return false
}

// CSRFToken is the token the request's forms post back.
func CSRFToken(c echo.Context) string {
	t, _ := c.Get(csrfContextKey).(string)
	return t
}

// BearerToken returns the token of an "Authorization: Bearer" header.
func BearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// Authenticate finds the request's user from a bearer token or the
// session, re-reading the user each time so that a disabled account
// loses access at once. A bad bearer token is refused outright.
func (s *Sessions) Authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if tok := BearerToken(c.Request()); tok != "" {
			sha := TokenSHA256(tok)
			u, err := s.store.UserByToken(ctx, sha)
			if metrics.ErrorCode(err) == metrics.ENOTFOUND || (err == nil && u.Disabled) {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="assure"`)
				return echo.NewHTTPError(http.StatusUnauthorized, "The API token is not valid.")
			}
			if err != nil {
				return err
			}
			SetUser(c, &u)
			s.tokenUsed(ctx, sha)
			return next(c)
		}
		id := s.GetInt64(ctx, sessionUserKey)
		if id != 0 {
			switch idle := s.Now().Sub(time.Unix(s.GetInt64(ctx, sessionSeenKey), 0)); {
			case idle > SessionIdle:
				// Idle too long: signed out, as if the session had expired.
				if err := s.Destroy(ctx); err != nil {
					return err
				}
				return next(c)
			case idle > SessionTouch:
				s.Put(ctx, sessionSeenKey, s.Now().Unix())
			}
			u, err := s.store.UserByID(ctx, id)
			switch {
			case err == nil && !u.Disabled && s.GetInt64(ctx, sessionGenKey) == u.SessionGen:
				SetUser(c, &u)
			case err == nil || metrics.ErrorCode(err) == metrics.ENOTFOUND:
				// Disabled, deleted, or their sessions were ended since
				// this one began: end it.
				if derr := s.Destroy(ctx); derr != nil {
					return derr
				}
			default:
				return err
			}
		}
		return next(c)
	}
}

// Token use is stamped so that an administrator can see which tokens are
// still in use before revoking one. Stamping is a write, and on SQLite a
// write queues behind an upload's long transaction, so each server
// stamps a token at most every tokenStampEvery, waiting at most
// tokenStampWait; a stamp that cannot be made in time is skipped.
const (
	tokenStampEvery = 5 * time.Minute
	tokenStampWait  = 250 * time.Millisecond
)

// tokenStamps remembers when this server last stamped each token. It
// holds only tokens that authenticated a request, so it grows with the
// tokens issued, not with what clients send.
type tokenStamps struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// due reports whether sha should be stamped now, and if so notes that it
// has been.
func (ts *tokenStamps) due(sha string, now time.Time) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.last == nil {
		ts.last = map[string]time.Time{}
	}
	if last, ok := ts.last[sha]; ok && now.Sub(last) < tokenStampEvery {
		return false
	}
	ts.last[sha] = now
	return true
}

// tokenUsed stamps a token's last use, now and then, best effort.
func (s *Sessions) tokenUsed(ctx context.Context, sha string) {
	if !s.stamps.due(sha, s.Now()) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tokenStampWait)
	defer cancel()
	if err := s.store.TokenUsed(ctx, sha); err != nil {
		s.logger.Debug("stamping token use", "err", err)
	}
}
