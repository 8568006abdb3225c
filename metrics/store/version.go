package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// DataVersion names the state of everything the figures are read from:
// the uploads stored (an ingest adds one, a rollback removes one from
// the count) and the catalogue (an edit moves its newest updated_at). It
// changes whenever a page built from the figures could change, and is
// the same on every server sharing the database, so a server can keep
// what it computed from the figures until the version moves. It is one
// cheap query: uploads and metrics are small tables.
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	var v struct {
		LastUpload int64  `db:"last_upload"`
		Stored     int64  `db:"stored"`
		Metrics    int64  `db:"metric_count"`
		LastMetric string `db:"last_metric"`
	}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &v, `
			SELECT
				(SELECT COALESCE(MAX(id), 0) FROM uploads) AS last_upload,
				(SELECT COUNT(*) FROM uploads WHERE status = 'stored') AS stored,
				(SELECT COUNT(*) FROM metrics) AS metric_count,
				(SELECT COALESCE(MAX(updated_at), '') FROM metrics) AS last_metric`)
	})
	if err != nil {
		return "", wrapRead("data version", err)
	}
	return fmt.Sprintf("%d/%d/%d/%s", v.LastUpload, v.Stored, v.Metrics, v.LastMetric), nil
}
