package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
)

// Administrators manage users on /admin: add, change role, disable and
// enable, reset a password. Every change is audited under the
// administrator's name. The routes are behind auth.RequireAdmin; the store
// refuses any change that would leave no active administrator.

// flashKey holds a one-line notice for the next page an administrator
// sees, after a form redirects (never a password or token: those are
// shown in the response to the form itself, once).
const flashKey = "flash"

type adminPage struct {
	Page
	Flash   string
	Error   string
	Users   []metrics.User
	Tokens  []metrics.APIToken
	Entries []metrics.AuditEntry
	Roles   []metrics.Role
	// Form is what was typed into the add-a-user form, kept when it is
	// refused.
	Form struct{ Name, Role string }
	// Settings are the office's name and home area, as stored or as
	// typed when refused.
	Settings metrics.Settings
}

// handleAdmin lists the users, the API tokens and the audit log, with
// the form to add a user.
func (s *Server) handleAdmin(c echo.Context) error {
	p, err := s.adminPage(c)
	if err != nil {
		return err
	}
	p.Flash = s.sessions.PopString(c.Request().Context(), flashKey)
	return s.renderOK(c, "admin", p)
}

func (s *Server) adminPage(c echo.Context) (adminPage, error) {
	ctx := c.Request().Context()
	p := adminPage{Page: s.page(c, "Users, settings and audit log"), Roles: metrics.Roles, Settings: s.settings(ctx)}
	var err error
	if p.Users, err = s.store.ListUsers(ctx); err != nil {
		return p, err
	}
	if p.Tokens, err = s.store.ListTokens(ctx); err != nil {
		return p, err
	}
	if p.Entries, err = s.store.AuditLog(ctx, 200); err != nil {
		return p, err
	}
	return p, nil
}

// secretPage shows a password or token once, in the answer to the form
// that made it; only its hash is kept.
type secretPage struct {
	Page
	What   string // "password" or "API token"
	For    metrics.User
	Label  string
	Secret string
	Back   string
}

// handleAdminAddUser adds a user with a typed password, or a generated
// one that is shown once and must be changed at first sign-in.
func (s *Server) handleAdminAddUser(c echo.Context) error {
	admin := auth.User(c)
	name := strings.TrimSpace(c.FormValue("name"))
	refuse := func(err error) error {
		if metrics.ErrorCode(err) != metrics.EINVALID && metrics.ErrorCode(err) != metrics.ECONFLICT {
			return err
		}
		p, perr := s.adminPage(c)
		if perr != nil {
			return perr
		}
		p.Error = metrics.ErrorMessage(err)
		p.Form.Name, p.Form.Role = name, c.FormValue("role")
		return s.render(c, statusOf(err), "admin", p)
	}
	role, err := metrics.ParseRole(c.FormValue("role"))
	if err != nil {
		return refuse(err)
	}
	if err := metrics.ValidUserName(name); err != nil {
		return refuse(err)
	}
	password, generated, err := passwordFromForm(c)
	if err != nil {
		return refuse(err)
	}
	ctx := c.Request().Context()
	hash, err := s.hashing.Hash(ctx, password, name)
	if err != nil {
		return refuse(err)
	}
	u, err := s.store.CreateUser(ctx, name, role, hash)
	if err != nil {
		return refuse(err)
	}
	detail := fmt.Sprintf("%s (%s)", u.Name, u.Role)
	if generated {
		if u, err = s.store.SetPassword(ctx, u.ID, hash, true); err != nil {
			return err
		}
		detail += ", one-time password"
	}
	s.audit(c, admin.Name, metrics.AuditUserAdded, detail)
	if generated {
		return s.showSecret(c, "password", u, "", password)
	}
	s.flash(ctx, fmt.Sprintf("Added %s (%s). They can sign in now with the password you chose.", u.Name, u.Role))
	return c.Redirect(http.StatusSeeOther, "/admin")
}

// passwordFromForm reads the password part of a form: either a password
// typed twice, or password_mode=generate for a generated one-time
// password. The length rules are HashPassword's, as on the command line.
func passwordFromForm(c echo.Context) (password string, generated bool, err error) {
	if c.FormValue("password_mode") == "generate" {
		return auth.GeneratePassword(), true, nil
	}
	password = c.FormValue("password")
	if password == "" {
		return "", false, metrics.Errorf(metrics.EINVALID, "Type the password twice, or choose a generated one-time password.")
	}
	if password != c.FormValue("password_again") {
		return "", false, metrics.Errorf(metrics.EINVALID, "The two passwords differ: type the same password in both boxes.")
	}
	return password, false, nil
}

func (s *Server) showSecret(c echo.Context, what string, u metrics.User, label, secret string) error {
	p := secretPage{Page: s.page(c, "New "+what+" for "+u.Name), What: what, For: u, Label: label, Secret: secret,
		Back: "/admin/users/" + strconv.FormatInt(u.ID, 10)}
	return s.renderOK(c, "admin_secret", p)
}

func (s *Server) flash(ctx context.Context, msg string) { s.sessions.Put(ctx, flashKey, msg) }

type adminUserPage struct {
	Page
	Flash  string
	Error  string
	Target metrics.User
	Tokens []metrics.APIToken
	Roles  []metrics.Role
	// Self is set when administrators look at their own account.
	Self bool
}

// targetUser is the user named by the route's :id.
func (s *Server) targetUser(c echo.Context) (metrics.User, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return metrics.User{}, metrics.Errorf(metrics.ENOTFOUND, "There is no such user.")
	}
	u, err := s.store.UserByID(c.Request().Context(), id)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND {
		return u, metrics.Errorf(metrics.ENOTFOUND, "There is no such user.")
	}
	return u, err
}

// handleAdminUser shows one user with the forms that change them.
func (s *Server) handleAdminUser(c echo.Context) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	p, err := s.adminUserPage(c, u)
	if err != nil {
		return err
	}
	p.Flash = s.sessions.PopString(c.Request().Context(), flashKey)
	return s.renderOK(c, "admin_user", p)
}

func (s *Server) adminUserPage(c echo.Context, u metrics.User) (adminUserPage, error) {
	all, err := s.store.ListTokens(c.Request().Context())
	if err != nil {
		return adminUserPage{}, err
	}
	p := adminUserPage{Page: s.page(c, "User "+u.Name), Target: u, Roles: metrics.Roles, Self: u.ID == auth.User(c).ID}
	for _, t := range all {
		if t.UserID == u.ID {
			p.Tokens = append(p.Tokens, t)
		}
	}
	return p, nil
}

// refuseOnUserPage shows a refused change (a bad password, the last
// administrator) on the user's page, above the forms; other errors go to
// the error handler.
func (s *Server) refuseOnUserPage(c echo.Context, u metrics.User, err error) error {
	if code := metrics.ErrorCode(err); code != metrics.EINVALID && code != metrics.ECONFLICT {
		return err
	}
	p, perr := s.adminUserPage(c, u)
	if perr != nil {
		return perr
	}
	p.Error = metrics.ErrorMessage(err)
	return s.render(c, statusOf(err), "admin_user", p)
}

// afterChange sends the administrator back to the user's page with a
// notice, or to the overview if they have just changed themselves out of
// the admin pages.
func (s *Server) afterChange(c echo.Context, u metrics.User, msg string) error {
	s.flash(c.Request().Context(), msg)
	if u.ID == auth.User(c).ID && !u.IsAdmin() {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users/"+strconv.FormatInt(u.ID, 10))
}

func (s *Server) handleAdminRole(c echo.Context) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	role, err := metrics.ParseRole(c.FormValue("role"))
	if err != nil {
		return s.refuseOnUserPage(c, u, err)
	}
	before, after, err := s.store.SetUserRole(c.Request().Context(), u.ID, role)
	if err != nil {
		return s.refuseOnUserPage(c, u, err)
	}
	if before.Role == after.Role {
		return s.afterChange(c, after, fmt.Sprintf("%s is already %s: nothing changed.", after.Name, article(after.Role)))
	}
	s.audit(c, auth.User(c).Name, metrics.AuditRoleChanged, fmt.Sprintf("%s: %s → %s", after.Name, before.Role, after.Role))
	return s.afterChange(c, after, fmt.Sprintf("%s is now %s.", after.Name, article(after.Role)))
}

// article names a role with its article: "an analyst", "a board member".
func article(r metrics.Role) string {
	switch r {
	case metrics.RoleAdmin:
		return "an administrator"
	case metrics.RoleAnalyst:
		return "an analyst"
	case metrics.RoleBoard:
		return "a board member"
	}
	return "a " + string(r) + " user"
}

// handleAdminDisable disables a user (ending their sessions) or, with
// enable, lets them sign in again.
func (s *Server) handleAdminDisable(enable bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := s.targetUser(c)
		if err != nil {
			return err
		}
		before, after, err := s.store.SetUserDisabled(c.Request().Context(), u.ID, !enable)
		if err != nil {
			return s.refuseOnUserPage(c, u, err)
		}
		switch {
		case before.Disabled == after.Disabled && enable:
			return s.afterChange(c, after, after.Name+" is already enabled: nothing changed.")
		case before.Disabled == after.Disabled:
			return s.afterChange(c, after, after.Name+" is already disabled: nothing changed.")
		case enable:
			s.audit(c, auth.User(c).Name, metrics.AuditUserEnabled, after.Name)
			return s.afterChange(c, after, after.Name+" can sign in again.")
		}
		s.audit(c, auth.User(c).Name, metrics.AuditUserDisabled, after.Name)
		return s.afterChange(c, after, after.Name+" is disabled: their sessions have ended and their API tokens no longer work.")
	}
}

// handleAdminPassword resets a user's password, typed or generated, ends
// their sessions and revokes their API tokens.
func (s *Server) handleAdminPassword(c echo.Context) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	password, generated, err := passwordFromForm(c)
	if err != nil {
		return s.refuseOnUserPage(c, u, err)
	}
	ctx := c.Request().Context()
	hash, err := s.hashing.Hash(ctx, password, u.Name)
	if err != nil {
		return s.refuseOnUserPage(c, u, err)
	}
	var revoked int
	if u, revoked, err = s.store.ResetPassword(ctx, u.ID, hash, generated); err != nil {
		return s.refuseOnUserPage(c, u, err)
	}
	detail := u.Name
	if generated {
		detail += " (one-time password)"
	}
	if revoked > 0 {
		detail += fmt.Sprintf(", %d API token(s) revoked", revoked)
	}
	s.audit(c, auth.User(c).Name, metrics.AuditPasswordReset, detail)
	if u.ID == auth.User(c).ID {
		// Resetting one's own password ends one's other sessions, not
		// this one.
		s.sessions.KeepGeneration(ctx, u.SessionGen)
	}
	if generated {
		return s.showSecret(c, "password", u, "", password)
	}
	return s.afterChange(c, u, "The password of "+u.Name+" is reset, their sessions have ended and their API tokens are revoked.")
}
