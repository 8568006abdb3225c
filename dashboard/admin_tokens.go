package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
)

// handleAdminIssueToken issues an API token for a user and shows it
// once; the database keeps only its SHA-256.
func (s *Server) handleAdminIssueToken(c echo.Context) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	label := strings.TrimSpace(c.FormValue("name"))
	if err := metrics.ValidTokenName(label); err != nil {
		return s.refuseOnUserPage(c, u, err)
	}
	token, sum, err := auth.NewAPIToken()
	if err != nil {
		return err
	}
	if err := s.store.AddToken(c.Request().Context(), u.ID, label, sum); err != nil {
		return err
	}
	s.audit(c, auth.User(c).Name, metrics.AuditTokenAdded, u.Name+": "+label)
	return s.showSecret(c, "API token", u, label, token)
}

// handleAdminRevokeToken deletes a token; requests bearing it are
// refused from then on. The form says where to go back to: the admin
// page or the owner's page.
func (s *Server) handleAdminRevokeToken(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return metrics.Errorf(metrics.ENOTFOUND, "There is no such token.")
	}
	t, err := s.store.RevokeToken(c.Request().Context(), id)
	if err != nil {
		return err
	}
	s.audit(c, auth.User(c).Name, metrics.AuditTokenRevoked, t.UserName+": "+t.Name)
	s.flash(c.Request().Context(), fmt.Sprintf("Revoked the token %q of %s: requests bearing it are refused.", t.Name, t.UserName))
	back := "/admin"
	if c.FormValue("back") == "user" {
		back = "/admin/users/" + strconv.FormatInt(t.UserID, 10)
	}
	return c.Redirect(http.StatusSeeOther, back)
}
