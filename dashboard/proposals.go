package dashboard

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// Classification proposals: an upload, or an analyst on the catalogue
// page, may only propose to open a measure; an administrator approves or
// refuses it here, seeing the values that would become public.

type proposalsPage struct {
	Page
	Pending   []proposalView
	Decided   []store.Proposal
	CanDecide bool
	// TwoPerson says the proposer may not approve their own proposal.
	TwoPerson bool
	Done      string
}

// proposalView is a waiting proposal with what it would publish.
type proposalView struct {
	store.Proposal
	Values      int
	FirstPeriod string
	LastPeriod  string
	Areas       []string
	// Latest are the newest values, newest first, as they would appear
	// on the public pages.
	Latest []metrics.Observation
	Unit   string
}

// maxProposalValuesShown is how many of a measure's newest values the
// approval page lists.
const maxProposalValuesShown = 24

func (s *Server) handleProposals(c echo.Context) error {
	ctx := c.Request().Context()
	all, err := s.store.ListProposals(ctx, true)
	if err != nil {
		return err
	}
	u := auth.User(c)
	p := proposalsPage{Page: s.page(c, "Classification proposals"), CanDecide: u.CanApproveClassification(), TwoPerson: !s.allowSelfApproval, Done: c.QueryParam("done")}
	p.Sensitive = true
	for _, pr := range all {
		if pr.Status != store.ProposalPending {
			p.Decided = append(p.Decided, pr)
			continue
		}
		v := proposalView{Proposal: pr}
		if m, err := s.store.GetMetric(ctx, metrics.Everything, pr.MetricID); err == nil {
			v.Unit = m.Unit
		}
		obs, err := s.store.Series(ctx, metrics.Everything, pr.MetricID)
		if err != nil {
			return err
		}
		v.Values = len(obs)
		areas := map[string]bool{}
		for _, o := range obs {
			areas[o.Area] = true
		}
		for a := range areas {
			v.Areas = append(v.Areas, a)
		}
		slices.Sort(v.Areas)
		slices.SortStableFunc(obs, func(a, b metrics.Observation) int { return b.Period.Start.Compare(a.Period.Start) })
		if len(obs) > 0 {
			v.LastPeriod, v.FirstPeriod = obs[0].Period.Label(), obs[len(obs)-1].Period.Label()
		}
		v.Latest = obs[:min(len(obs), maxProposalValuesShown)]
		p.Pending = append(p.Pending, v)
	}
	return s.renderOK(c, "proposals", p)
}

// handleProposalDecision approves or refuses a proposal: administrators
// only, and under the two-person rule not the person who proposed it.
func (s *Server) handleProposalDecision(c echo.Context) error {
	u := auth.User(c)
	if err := auth.MayDecideProposals(u); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return metrics.Errorf(metrics.ENOTFOUND, "no such proposal")
	}
	var approve bool
	switch c.FormValue("decision") {
	case "approve":
		approve = true
	case "refuse":
	default:
		return metrics.Errorf(metrics.EINVALID, "Choose Approve or Refuse.")
	}
	note := strings.TrimSpace(c.FormValue("note"))
	p, err := s.store.DecideProposal(c.Request().Context(), id, store.Decision{Approve: approve, By: u.Name, Note: note, TwoPerson: !s.allowSelfApproval})
	if err != nil {
		return err
	}
	action := metrics.AuditProposalRefused
	if approve {
		action = metrics.AuditProposalApproved
	}
	s.audit(c, u.Name, action, fmt.Sprintf("proposal %d: %s %s → %s, proposed by %s (%s)", p.ID, p.MetricID, p.Current, p.Classification, p.ProposedBy, note))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/catalogue/proposals?done=%d", p.ID))
}
