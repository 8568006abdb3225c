package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Derived measures (see metrics.Derivation) have no stored values: their
// values are computed from their inputs' current values whenever they
// are read, so that a revision of an input changes them at once, and
// every value traces to the cells it came from. An input the viewer may
// not see gives no values at all, whatever the derived measure's own
// classification; the catalogue keeps a derived measure sensitive when
// an input is (see checkDerivedOpen).

// derivedSeries computes the values of the derived measure m as the
// viewer sees its inputs: none when an input is unknown, not visible,
// or itself derived, or when the definition does not parse.
func (s *Store) derivedSeries(ctx context.Context, scope metrics.Scope, m metrics.Metric) ([]metrics.Observation, error) {
	d, err := metrics.ParseDerivation(m.Derivation)
	if err != nil {
		return []metrics.Observation{}, nil
	}
	inputs := map[string][]metrics.Observation{}
	for _, id := range d.Inputs {
		in, obs, _, err := s.VersionedSeries(ctx, scope, id)
		switch {
		case metrics.ErrorCode(err) == metrics.ENOTFOUND:
			return []metrics.Observation{}, nil
		case err != nil:
			return nil, err
		case in.Derivation != "":
			return []metrics.Observation{}, nil
		}
		inputs[id] = obs
	}
	out := metrics.Derive(m.ID, d, inputs)
	if out == nil {
		out = []metrics.Observation{}
	}
	return out, nil
}

// addDerived puts into series the values of each derived measure the
// viewer may see, counting only values whose period ended before the
// day of endedBefore (every value when it is zero).
func (s *Store) addDerived(ctx context.Context, scope metrics.Scope, series map[string][]metrics.Observation, endedBefore time.Time) error {
	ms, err := s.ListMetrics(ctx, scope)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Derivation == "" {
			continue
		}
		obs, err := s.derivedSeries(ctx, scope, m)
		if err != nil {
			return err
		}
		if !endedBefore.IsZero() {
			obs = metrics.EndedBefore(obs, endedBefore)
		}
		if len(obs) > 0 {
			series[m.ID] = obs
		}
	}
	return nil
}

// latestDerived fills in the latest period and values of each derived
// measure among lvs, chosen as Latest chooses them.
func (s *Store) latestDerived(ctx context.Context, scope metrics.Scope, lvs []LatestValue) error {
	for i := range lvs {
		lv := &lvs[i]
		if lv.Metric.Derivation == "" {
			continue
		}
		obs, err := s.derivedSeries(ctx, scope, lv.Metric)
		if err != nil {
			return err
		}
		for _, o := range obs {
			if lv.Period.IsZero() || cmp.Or(o.Period.Start.Compare(lv.Period.Start), o.Period.End.Compare(lv.Period.End), cmp.Compare(o.Period.Key(), lv.Period.Key())) > 0 {
				lv.Period = o.Period
			}
		}
		lv.Values = []metrics.Observation{}
		for _, o := range obs {
			if o.Period.Kind == lv.Period.Kind && o.Period.Key() == lv.Period.Key() {
				lv.Values = append(lv.Values, o)
			}
		}
		slices.SortFunc(lv.Values, func(a, b metrics.Observation) int { return cmp.Compare(a.Area, b.Area) })
	}
	return nil
}

// checkDerivedOpen refuses to make open a derived measure any of whose
// inputs is sensitive or unknown: its figures would show theirs.
func (s *Store) checkDerivedOpen(ctx context.Context, tx *sqlx.Tx, m metrics.Metric) error {
	if m.Derivation == "" || m.Classification != metrics.Open {
		return nil
	}
	d, err := metrics.ParseDerivation(m.Derivation)
	if err != nil {
		return err
	}
	var classes []metrics.Classification
	for _, id := range d.Inputs {
		in, err := s.getVisibleMetric(ctx, tx, metrics.Everything, id)
		if err != nil {
			classes = append(classes, "")
			continue
		}
		classes = append(classes, in.Classification)
		if in.Classification != metrics.Open {
			return metrics.Errorf(metrics.ECONFLICT, "%s is derived from %s, which is %s: it cannot be open while %s is not.", m.ID, id, in.Classification, id)
		}
	}
	if metrics.DerivedClassification(metrics.Open, classes) != metrics.Open {
		return metrics.Errorf(metrics.ECONFLICT, "%s is derived from a measure that does not exist: it cannot be open.", m.ID)
	}
	return nil
}
