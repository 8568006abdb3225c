package dashboard

import (
	"context"
	"fmt"
	"slices"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// ResponseMeasures name the catalogue measures of the monthly urban and
// rural response times: their targets are the response targets that the
// incidents are judged against, and their values are set beside the
// incidents of the same month, so that the two pages give one answer.
type ResponseMeasures struct{ Urban, Rural string }

// DefaultResponseMeasures are the ids the demo and the template use.
var DefaultResponseMeasures = ResponseMeasures{Urban: "response-urban", Rural: "response-rural"}

// responseSetting is one setting's target and where it came from.
type responseSetting struct {
	Setting string
	// Metric is the catalogue measure, zero when there is none the
	// viewer may see.
	Metric metrics.Metric
	Target float64
	// From says where the target came from, for the page.
	From string
}

// responseSettings reads the urban and rural targets from the catalogue,
// falling back to metrics.DefaultResponseTargets (and saying so) for a
// setting whose measure is missing or has no target in minutes.
func (s *Server) responseSettings(ctx context.Context, scope metrics.Scope) ([]responseSetting, metrics.ResponseTargets, error) {
	var out []responseSetting
	var t metrics.ResponseTargets
	for _, x := range []struct {
		setting, id string
		def         float64
		into        *float64
	}{
		{"urban", s.responseMeasures.Urban, metrics.DefaultResponseTargets.UrbanMinutes, &t.UrbanMinutes},
		{"rural", s.responseMeasures.Rural, metrics.DefaultResponseTargets.RuralMinutes, &t.RuralMinutes},
	} {
		rs := responseSetting{Setting: x.setting, Target: x.def}
		m, err := s.store.GetMetric(ctx, scope, x.id)
		switch {
		case metrics.ErrorCode(err) == metrics.ENOTFOUND:
			rs.From = fmt.Sprintf("the default: the catalogue has no measure %q", x.id)
		case err != nil:
			return nil, t, err
		case m.Target == nil || *m.Target <= 0:
			rs.Metric = m
			rs.From = fmt.Sprintf("the default: %s has no target in the catalogue", m.Name)
		default:
			rs.Metric, rs.Target = m, *m.Target
			rs.From = "the target of " + m.Name + " in the catalogue"
		}
		*x.into = rs.Target
		out = append(out, rs)
	}
	return out, t, nil
}

// reconcileResponse sets each setting's monthly measure beside the
// incidents of the latest month both have (see metrics.ReconcileResponse).
func (s *Server) reconcileResponse(ctx context.Context, scope metrics.Scope, settings []responseSetting, recs []store.IncidentRecord, priority string) ([]metrics.ResponseReconciliation, error) {
	var months []metrics.MonthIncidents
	for _, r := range recs {
		if r.Priority != priority {
			continue
		}
		i := slices.IndexFunc(months, func(m metrics.MonthIncidents) bool { return m.Month.Key() == r.Month.Key() })
		if i < 0 {
			months = append(months, metrics.MonthIncidents{Month: r.Month})
			i = len(months) - 1
		}
		months[i].Incidents = append(months[i].Incidents, r.Incident)
	}
	var out []metrics.ResponseReconciliation
	for _, rs := range settings {
		if rs.Metric.ID == "" {
			continue
		}
		obs, err := s.series(ctx, scope, rs.Metric)
		if err != nil {
			return nil, err
		}
		out = append(out, metrics.ReconcileResponse(obs, months, rs.Setting, rs.Target)...)
	}
	return out, nil
}

// measureBesideIncidents is the reconciliation of m with the incidents
// when m is one of the response measures and the viewer may see
// incidents (they are always sensitive); nil otherwise.
func (s *Server) measureBesideIncidents(ctx context.Context, scope metrics.Scope, m metrics.Metric) ([]metrics.ResponseReconciliation, error) {
	if !scope.Sensitive || (m.ID != s.responseMeasures.Urban && m.ID != s.responseMeasures.Rural) {
		return nil, nil
	}
	recs, err := s.store.Incidents(ctx, scope)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	settings, _, err := s.responseSettings(ctx, scope)
	if err != nil {
		return nil, err
	}
	var priorities []string
	for _, r := range recs {
		if !slices.Contains(priorities, r.Priority) {
			priorities = append(priorities, r.Priority)
		}
	}
	slices.Sort(priorities)
	priority, _ := choosePriority(priorities, "")
	var mine []responseSetting
	for _, rs := range settings {
		if rs.Metric.ID == m.ID {
			mine = append(mine, rs)
		}
	}
	return s.reconcileResponse(ctx, scope, mine, recs, priority)
}

// ReconciledDiffer and DifferenceWhy let a page say once why a measure
// and its incidents may differ.
func (v responseTimesView) ReconciledDiffer() bool { return metrics.AnyDisagree(v.Reconciled) }
func (v responseTimesView) DifferenceWhy() string  { return metrics.ResponseDifferenceWhy }
func (p metricPage) ReconciledDiffer() bool        { return metrics.AnyDisagree(p.Reconciled) }
func (p metricPage) DifferenceWhy() string         { return metrics.ResponseDifferenceWhy }
