package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// ReportedArea is an area a measure has current values for from uploads
// of one kind, and the start of its latest period there.
type ReportedArea struct {
	Area   string
	Latest time.Time
}

// ReportedAreas returns, for each metric the viewer may see, the areas
// of its current values that came from uploads of a kind (such as
// metrics.KindPerformance), in area order: the areas a workbook of that
// kind reports. Metrics with no such values are absent.
func (s *Store) ReportedAreas(ctx context.Context, scope metrics.Scope, kind string) (map[string][]ReportedArea, error) {
	var rows []struct {
		MetricID string `db:"metric_id"`
		Area     string `db:"area"`
		Latest   string `db:"latest"`
	}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &rows, s.rebind(`
			SELECT o.metric_id, o.area, MAX(o.period_start) AS latest
			FROM observations o
			JOIN uploads u ON u.id = o.upload_id
			JOIN metrics m ON m.id = o.metric_id
			WHERE o.superseded_by IS NULL AND u.kind = ? AND `+visible+`
			GROUP BY o.metric_id, o.area
			ORDER BY o.metric_id, o.area`), kind, scope.Sensitive)
	})
	if err != nil {
		return nil, wrapRead("reported areas", err)
	}
	out := make(map[string][]ReportedArea)
	for _, r := range rows {
		latest, err := parseDate(r.Latest)
		if err != nil {
			return nil, fmt.Errorf("reported areas of %q: %w", r.MetricID, err)
		}
		out[r.MetricID] = append(out[r.MetricID], ReportedArea{Area: r.Area, Latest: latest})
	}
	return out, nil
}
