package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/assure-pcc/assure/metrics"
	"github.com/labstack/echo/v4"
)

type cataloguePage struct {
	Page
	Metrics []metrics.Metric
	CanEdit bool
	Saved   string
}

// handleCatalogue lists the measures; analysts may edit each one.
func (s *Server) handleCatalogue(c echo.Context) error {
	ms, err := s.store.ListMetrics(c.Request().Context(), s.scope(c))
	if err != nil {
		return err
	}
	p := cataloguePage{Page: s.page(c, "Catalogue"), Metrics: ms, CanEdit: currentUser(c).CanEditCatalogue(), Saved: c.QueryParam("saved")}
	p.Sensitive = true
	return s.renderOK(c, "catalogue", p)
}

// handleCatalogueEdit saves an analyst's edit of one measure and audits
// it, naming what changed (a classification change publishes or
// withdraws a measure).
func (s *Server) handleCatalogueEdit(c echo.Context) error {
	u := currentUser(c)
	if !u.CanEditCatalogue() {
		return metrics.Errorf(metrics.EFORBIDDEN, "Only analysts edit the catalogue; you are signed in as %s (%s).", u.Name, u.Role)
	}
	m := metrics.Metric{ID: c.Param("id"), Name: strings.TrimSpace(c.FormValue("name")), Unit: strings.TrimSpace(c.FormValue("unit")),
		Category: strings.TrimSpace(c.FormValue("category"))}
	var err error
	if m.Direction, err = metrics.ParseDirection(c.FormValue("direction")); err != nil {
		return err
	}
	if m.Classification, err = metrics.ParseClassification(c.FormValue("classification")); err != nil {
		return err
	}
	if t := strings.TrimSpace(c.FormValue("target")); t != "" {
		v, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return metrics.Errorf(metrics.EINVALID, "The target %q is not a number: write a number or leave it blank.", t)
		}
		m.Target = &v
	}
	before, err := s.store.UpdateMetric(c.Request().Context(), m)
	if err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditCatalogue, fmt.Sprintf("%s: %s", m.ID, describeChange(before, m)))
	return c.Redirect(http.StatusSeeOther, "/catalogue?saved="+m.ID)
}

// describeChange lists the fields an edit changed, for the audit log.
func describeChange(a, b metrics.Metric) string {
	var out []string
	add := func(field, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s %q → %q", field, x, y))
		}
	}
	add("name", a.Name, b.Name)
	add("unit", a.Unit, b.Unit)
	add("direction", string(a.Direction), string(b.Direction))
	add("target", fmtTarget(a.Target), fmtTarget(b.Target))
	add("classification", string(a.Classification), string(b.Classification))
	add("category", a.Category, b.Category)
	if len(out) == 0 {
		return "no change"
	}
	return strings.Join(out, ", ")
}

func fmtTarget(t *float64) string {
	if t == nil {
		return "none"
	}
	return strconv.FormatFloat(*t, 'f', -1, 64)
}
