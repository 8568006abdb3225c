package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
)

// When each measure's figures are due: the catalogue's schedules page.
// Analysts set a measure's cadence, lag (in working days), whether its
// figures come from national tables and who owns them; a measure left
// unset has a schedule worked out from its figures. Changes are audited.

type schedulesPage struct {
	Page
	Rows     []scheduleRow
	CanEdit  bool
	Cadences []metrics.Cadence
	Notice   string
}

type scheduleRow struct {
	Metric   metrics.Metric
	Schedule metrics.Schedule
	Latest   string
	Late     string
}

func (s *Server) handleSchedules(c echo.Context) error {
	ctx, scope := c.Request().Context(), auth.Scope(c)
	latest, err := s.store.Latest(ctx, scope)
	if err != nil {
		return err
	}
	fresh, err := s.freshnessOn(ctx, scope, s.now())
	if err != nil {
		return err
	}
	p := schedulesPage{Page: s.page(c, "When figures are due"), CanEdit: auth.User(c).CanEditCatalogue(), Cadences: metrics.Cadences, Notice: c.QueryParam("notice")}
	p.Sensitive = true
	for _, lv := range latest {
		kind := lv.Period.Kind
		if kind == "" {
			kind = metrics.Month
		}
		r := scheduleRow{Metric: lv.Metric, Schedule: fresh.schedules[lv.Metric.ID].For(kind), Latest: lv.Period.Label()}
		if l, late := fresh.late(lv); late {
			r.Late = l.Sentence()
		}
		p.Rows = append(p.Rows, r)
	}
	return s.renderOK(c, "schedules", p)
}

func (s *Server) handleScheduleEdit(c echo.Context) error {
	u := auth.User(c)
	if !u.CanEditCatalogue() {
		return metrics.Errorf(metrics.EFORBIDDEN, "Only analysts edit the catalogue; you are signed in as %s (%s).", u.Name, u.Role)
	}
	id, ctx := c.Param("id"), c.Request().Context()
	if c.FormValue("clear") == "yes" {
		before, err := s.store.ClearSchedule(ctx, id)
		if err != nil {
			return err
		}
		if before != nil {
			s.audit(c, u.Name, metrics.AuditSchedule, fmt.Sprintf("%s: schedule %q cleared, worked out from the figures again", id, before.Describe()))
		}
		return c.Redirect(http.StatusSeeOther, "/catalogue/schedules?notice="+url.QueryEscape("Cleared "+id+"."))
	}
	cad, err := metrics.ParseCadence(c.FormValue("cadence"))
	if err != nil {
		return err
	}
	lag, err := strconv.Atoi(strings.TrimSpace(c.FormValue("lag")))
	if err != nil {
		return metrics.Errorf(metrics.EINVALID, "The lag is a whole number of working days, such as 15.")
	}
	sc := metrics.Schedule{Cadence: cad, Lag: lag, National: c.FormValue("source") == "national", Owner: c.FormValue("owner")}
	before, err := s.store.SetSchedule(ctx, id, sc, u.Name)
	if err != nil {
		return err
	}
	was := "worked out from the figures"
	if before != nil {
		was = fmt.Sprintf("%q, owner %q", before.Describe(), before.Owner)
	}
	s.audit(c, u.Name, metrics.AuditSchedule, fmt.Sprintf("%s: schedule %q (national %t), owner %q; was %s", id, sc.Describe(), sc.National, strings.TrimSpace(sc.Owner), was))
	return c.Redirect(http.StatusSeeOther, "/catalogue/schedules?notice="+url.QueryEscape("Saved "+id+"."))
}
