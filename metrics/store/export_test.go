package store

import (
	"context"

	"github.com/assure-pcc/assure/metrics"
)

// InsertUnchecked inserts observations as AddObservations does but
// without its checks, so that tests can show that the schema itself
// refuses what those checks refuse.
func (t *IngestTx) InsertUnchecked(ctx context.Context, obs []metrics.Observation) error {
	err := t.insertChunk(ctx, obs)
	if err != nil {
		t.failed = err
	}
	return err
}

// ExecForTest runs a statement on the writer, as a hand-written change
// to the database would.
func ExecForTest(ctx context.Context, s *Store, query string) error {
	_, err := s.db.ExecContext(ctx, query)
	return err
}
