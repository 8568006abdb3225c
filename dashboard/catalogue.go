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

type cataloguePage struct {
	Page
	Metrics []metrics.Metric
	CanEdit bool
	Saved   string
	// Proposed names a measure whose opening was just proposed; Pending
	// marks the measures with a proposal waiting.
	Proposed string
	Pending  map[string]bool
}

// handleCatalogue lists the measures; analysts may edit each one.
func (s *Server) handleCatalogue(c echo.Context) error {
	ms, err := s.store.ListMetrics(c.Request().Context(), auth.Scope(c))
	if err != nil {
		return err
	}
	p := cataloguePage{Page: s.page(c, "Catalogue"), Metrics: ms, CanEdit: auth.User(c).CanEditCatalogue(), Saved: c.QueryParam("saved"), Proposed: c.QueryParam("proposed")}
	pending, err := s.store.ListProposals(c.Request().Context(), false)
	if err != nil {
		return err
	}
	p.Pending = map[string]bool{}
	for _, pr := range pending {
		p.Pending[pr.MetricID] = true
	}
	p.Sensitive = true
	return s.renderOK(c, "catalogue", p)
}

// handleCatalogueEdit saves an analyst's edit of one measure and audits
// it, naming what changed (a classification change publishes or
// withdraws a measure).
func (s *Server) handleCatalogueEdit(c echo.Context) error {
	u := auth.User(c)
	if err := auth.MayEditCatalogue(u); err != nil {
		return err
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
	ctx := c.Request().Context()
	current, err := s.store.GetMetric(ctx, metrics.Everything, m.ID)
	if err != nil {
		return err
	}
	// The classification is not the edit's to change: making a measure
	// sensitive takes effect at once, opening one is proposed for an
	// administrator to approve.
	wanted := m.Classification
	m.Classification = current.Classification
	before, err := s.store.UpdateMetric(ctx, m)
	if err != nil {
		return err
	}
	if change := describeChange(before, m); change != "no change" {
		s.audit(c, u.Name, metrics.AuditCatalogue, fmt.Sprintf("%s: %s", m.ID, change))
	}
	saved := "saved=" + url.QueryEscape(m.ID)
	if wanted != current.Classification {
		id, _, err := s.store.ProposeClassification(ctx, m.ID, wanted, "an analyst's edit on the catalogue page", u.Name)
		if err != nil {
			return err
		}
		if id == 0 {
			s.audit(c, u.Name, metrics.AuditCatalogue, fmt.Sprintf("%s: classification %q → %q", m.ID, current.Classification, wanted))
		} else {
			s.audit(c, u.Name, metrics.AuditProposal, fmt.Sprintf("proposal %d: %s %s → %s", id, m.ID, current.Classification, wanted))
			saved += "&proposed=" + url.QueryEscape(m.ID)
		}
	}
	return c.Redirect(http.StatusSeeOther, "/catalogue?"+saved)
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
