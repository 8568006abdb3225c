package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
)

// csrfLate are the routes whose CSRF token is checked by their own
// middleware, after the sign-in check and the body limit: their token is
// a field of a large multipart body, which must not be read first.
var csrfLate = map[string]bool{"POST /uploads": true, "POST /api/v1/uploads": true}

// csrfExemptOrLate is the skipper of the CSRF check every route runs
// first.
func csrfExemptOrLate(c echo.Context) bool {
	return auth.CSRFExempt(c) || csrfLate[c.Request().Method+" "+c.Path()]
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
		hash = "" // the same work whether or not the name exists (see auth.Hashing.Verify)
	}
	// The attempt is counted before the password is checked, so that
	// attempts sent at once cannot all be checked.
	a, refusal, err := s.sessions.ReserveAttempt(c, name, u.ID)
	if err != nil {
		return err
	}
	if refusal != "" {
		return fail(http.StatusTooManyRequests, refusal)
	}
	ok, err := s.hashing.Verify(ctx, password, hash)
	if err != nil {
		s.sessions.AttemptNotMade(c, a)
		c.Response().Header().Set("Retry-After", "5")
		return err
	}
	if !ok || !known || u.Disabled {
		s.audit(c, name, metrics.AuditLoginFailed, "")
		return fail(http.StatusUnauthorized, "The user name or password is not right.")
	}
	s.sessions.AttemptSucceeded(c, a, u.ID)
	if err := s.sessions.SignIn(ctx, u); err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditLogin, string(u.Role))
	if _, err := s.store.Sessions().DeleteExpired(ctx); err != nil {
		s.logger.Warn("deleting expired sessions", "err", err)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) handleLogout(c echo.Context) error {
	if u := auth.User(c); u != nil {
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
