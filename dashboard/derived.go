package dashboard

import (
	"context"

	"github.com/assure-pcc/assure/metrics"
)

// derivedFrom says how a derived measure is computed, in words, and the
// inputs the reader may see; "" and nil for a measure whose values are
// uploaded.
func (s *Server) derivedFrom(ctx context.Context, scope metrics.Scope, m metrics.Metric) (string, []metrics.Metric, error) {
	if m.Derivation == "" {
		return "", nil, nil
	}
	d, err := metrics.ParseDerivation(m.Derivation)
	if err != nil {
		return m.Derivation, nil, nil
	}
	names := map[string]string{}
	var inputs []metrics.Metric
	for _, id := range d.Inputs {
		in, err := s.store.GetMetric(ctx, scope, id)
		switch {
		case metrics.ErrorCode(err) == metrics.ENOTFOUND:
			// Not even its id is for this reader.
			return "Computed from measures that are not published", nil, nil
		case err != nil:
			return "", nil, err
		}
		names[id] = in.Name
		inputs = append(inputs, in)
	}
	return d.Describe(names), inputs, nil
}
