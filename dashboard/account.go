package dashboard

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
)

// Users change their own password on /account/password. Someone signed
// in with a one-time password an administrator generated is sent there
// first, and may do nothing else until they have chosen their own.

type accountPage struct {
	Page
	Flash string
	Error string
	// MustChange says why the user is here before anything else.
	MustChange bool
}

func (s *Server) handleAccountPassword(c echo.Context) error {
	p := accountPage{Page: s.page(c, "Change your password"), MustChange: auth.User(c).MustChangePassword}
	p.Flash = s.sessions.PopString(c.Request().Context(), flashKey)
	return s.renderOK(c, "account_password", p)
}

// handleAccountPasswordChange checks the current password, sets the new
// one and ends the user's other sessions, keeping this one.
func (s *Server) handleAccountPasswordChange(c echo.Context) error {
	ctx := c.Request().Context()
	u := auth.User(c)
	refuse := func(status int, msg string) error {
		p := accountPage{Page: s.page(c, "Change your password"), Error: msg, MustChange: u.MustChangePassword}
		return s.render(c, status, "account_password", p)
	}
	_, hash, err := s.store.UserByName(ctx, u.Name)
	if err != nil {
		return err
	}
	a, refusal, err := s.sessions.ReserveAttempt(c, u.Name, u.ID)
	if err != nil {
		return err
	}
	if refusal != "" {
		return refuse(http.StatusTooManyRequests, refusal)
	}
	ok, err := s.hashing.Verify(ctx, c.FormValue("current"), hash)
	if err != nil {
		s.sessions.AttemptNotMade(c, a)
		return err
	}
	if !ok {
		s.audit(c, u.Name, metrics.AuditLoginFailed, "wrong current password when changing it")
		return refuse(http.StatusUnauthorized, "Your current password is not right.")
	}
	s.sessions.AttemptSucceeded(c, a, u.ID)
	password := c.FormValue("password")
	if password != c.FormValue("password_again") {
		return refuse(http.StatusBadRequest, "The two new passwords differ: type the same password in both boxes.")
	}
	if password == c.FormValue("current") {
		return refuse(http.StatusBadRequest, "Choose a password different from your current one.")
	}
	newHash, err := s.hashing.Hash(ctx, password, u.Name)
	if metrics.ErrorCode(err) == metrics.EBUSY {
		return err
	}
	if err != nil {
		return refuse(statusOf(err), metrics.ErrorMessage(err))
	}
	after, err := s.store.SetPassword(ctx, u.ID, newHash, false)
	if err != nil {
		return err
	}
	// A new session token and the new generation: this session goes on,
	// every other one of the user's ends.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.KeepGeneration(ctx, after.SessionGen)
	s.audit(c, u.Name, metrics.AuditPasswordChanged, "")
	s.flash(ctx, "Your password is changed. Any other sessions of yours have ended.")
	return c.Redirect(http.StatusSeeOther, "/account/password")
}

// passwordGate sends a user who holds a one-time password to choose
// their own before anything else. API calls with a bearer token are not
// held back: the token, not the password, authenticates them.
func (s *Server) passwordGate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := auth.User(c)
		if u == nil || !u.MustChangePassword || auth.BearerToken(c.Request()) != "" {
			return next(c)
		}
		switch c.Request().URL.Path {
		case "/account/password", "/logout", "/login":
			return next(c)
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			return metrics.Errorf(metrics.EFORBIDDEN, "Choose your own password at /account/password first: you signed in with a one-time password.")
		}
		return c.Redirect(http.StatusSeeOther, "/account/password")
	}
}
