package store

import (
	"context"
	"fmt"
)

// DataVersion names the state of everything the figures are read from:
// the uploads stored (an ingest adds one, a rollback removes one from
// the count) and the catalogue (an edit moves its newest updated_at). It
// changes whenever a page built from the figures could change, and is
// the same on every server sharing the database, so a server can keep
// what it computed from the figures until the version moves. It is one
// cheap query: uploads and metrics are small tables.
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	v, err := s.versions(ctx)
	if err != nil {
		return "", err
	}
	return v.data(), nil
}

// PageVersion is DataVersion and, beside the figures, the context a page
// shows with them: annotations (added, edited or deleted), commentary
// (every version is a new row) and board pack editions (never changed,
// only added). A page rendered from the database is the same while its
// PageVersion stays put.
func (s *Store) PageVersion(ctx context.Context) (string, error) {
	v, err := s.versions(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/%d/%s/%s/%d/%d", v.data(), v.LastAnnotation, v.AnnotationEdit, v.AnnotationDelete, v.LastCommentary, v.LastEdition), nil
}

type versionRow struct {
	LastUpload       int64  `db:"last_upload"`
	Stored           int64  `db:"stored"`
	Metrics          int64  `db:"metric_count"`
	LastMetric       string `db:"last_metric"`
	LastAnnotation   int64  `db:"last_annotation"`
	AnnotationEdit   string `db:"annotation_edit"`
	AnnotationDelete string `db:"annotation_delete"`
	LastCommentary   int64  `db:"last_commentary"`
	LastEdition      int64  `db:"last_edition"`
}

func (v versionRow) data() string {
	return fmt.Sprintf("%d/%d/%d/%s", v.LastUpload, v.Stored, v.Metrics, v.LastMetric)
}

// versions reads both versions' parts in one query: every part is the
// maximum or count of a small table or of an indexed key. Every page asks
// for it, so it is one statement outside a transaction (a statement sees
// one snapshot on its own), not a read transaction's three: BEGIN, the
// query and ROLLBACK.
func (s *Store) versions(ctx context.Context) (versionRow, error) {
	var v versionRow
	err := s.rdb.GetContext(ctx, &v, `
			SELECT
				(SELECT COALESCE(MAX(id), 0) FROM uploads) AS last_upload,
				(SELECT COUNT(*) FROM uploads WHERE status = 'stored') AS stored,
				(SELECT COUNT(*) FROM metrics) AS metric_count,
				(SELECT COALESCE(MAX(updated_at), '') FROM metrics) AS last_metric,
				(SELECT COALESCE(MAX(id), 0) FROM annotations) AS last_annotation,
				(SELECT COALESCE(MAX(updated_at), '') FROM annotations) AS annotation_edit,
				(SELECT COALESCE(MAX(deleted_at), '') FROM annotations) AS annotation_delete,
				(SELECT COALESCE(MAX(id), 0) FROM commentary) AS last_commentary,
				(SELECT COALESCE(MAX(id), 0) FROM board_pack_editions) AS last_edition`)
	if err != nil {
		return v, wrapRead("data version", err)
	}
	return v, nil
}
