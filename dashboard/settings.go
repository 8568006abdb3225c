package dashboard

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
)

// settings are the office's settings (metrics.Settings), read once per
// change: the settings table moves the data version, as the home area
// changes the overview's analyses. A failed read is logged and the
// defaults used, so that no page fails for its footer.
func (s *Server) settings(ctx context.Context) metrics.Settings {
	v, err := s.views.get(ctx, s.dataVersion, "settings", func() (any, error) {
		return s.store.Settings(context.WithoutCancel(ctx))
	})
	if err != nil {
		s.logger.Error("settings", "err", err)
		return metrics.DefaultSettings
	}
	return v.(metrics.Settings)
}

// handleAdminSettings stores the organisation's name and home area set
// on /admin.
func (s *Server) handleAdminSettings(c echo.Context) error {
	ctx := c.Request().Context()
	before := s.settings(ctx)
	set := metrics.Settings{Organisation: c.FormValue("organisation"), HomeArea: c.FormValue("home_area")}.Normalize()
	if err := s.store.SetSettings(ctx, set, auth.User(c).Name); err != nil {
		if metrics.ErrorCode(err) != metrics.EINVALID {
			return err
		}
		p, perr := s.adminPage(c)
		if perr != nil {
			return perr
		}
		p.Error = metrics.ErrorMessage(err)
		p.Settings = set
		return s.render(c, http.StatusUnprocessableEntity, "admin", p)
	}
	if set != before {
		s.audit(c, auth.User(c).Name, metrics.AuditSettingsChanged, fmt.Sprintf("name %q → %q, home area %q → %q",
			before.Organisation, set.Organisation, before.HomeArea, set.HomeArea))
	}
	s.flash(ctx, "Settings saved.")
	return c.Redirect(http.StatusSeeOther, "/admin#settings")
}
