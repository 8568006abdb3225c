package store

import (
	"context"
	"slices"
	"strings"
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
	out := make(map[string][]ReportedArea)
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, s.rebind(`SELECT id FROM uploads WHERE kind = ?`), kind); err != nil {
			return err
		}
		ofKind := make(map[int64]bool, len(ids))
		for _, id := range ids {
			ofKind[id] = true
		}
		return s.eachCurrent(ctx, tx, scope, "series", func(id string, blob []byte) error {
			areas, err := reportedAreas(blob, ofKind)
			if len(areas) > 0 {
				out[id] = areas
			}
			return err
		})
	})
	if err != nil {
		return nil, wrapRead("reported areas", err)
	}
	return out, nil
}

// reportedAreas is ReportedAreas' answer for one encoded series: the
// areas of its values from the uploads ofKind, each with its latest
// period's start, in area order.
func reportedAreas(blob []byte, ofKind map[int64]bool) ([]ReportedArea, error) {
	v, err := parseSeries(blob)
	if err != nil {
		return nil, err
	}
	latest := map[string]int64{}
	err = v.each(func(x *rawValue) bool {
		if ofKind[v.ups[x.upload].UploadID] {
			a := v.strs[x.area]
			if d, ok := latest[a]; !ok || x.start > d {
				latest[a] = x.start
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	out := make([]ReportedArea, 0, len(latest))
	for a, d := range latest {
		out = append(out, ReportedArea{Area: a, Latest: fromDays(d)})
	}
	slices.SortFunc(out, func(a, b ReportedArea) int { return strings.Compare(a.Area, b.Area) })
	return out, nil
}
