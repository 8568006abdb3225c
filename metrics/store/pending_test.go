package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestPendingUploads(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		if err := s.SavePending(ctx, "abc", "ana", "Q3.xlsx", []byte("content")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TakePending(ctx, "abc", "bob"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("another user's pending file: %v, want ENOTFOUND", err)
		}
		name, content, err := s.TakePending(ctx, "abc", "ana")
		if err != nil || name != "Q3.xlsx" || string(content) != "content" {
			t.Errorf("TakePending = %q %q %v", name, content, err)
		}
		if _, _, err := s.TakePending(ctx, "abc", "ana"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("taken twice: %v, want ENOTFOUND", err)
		}
		if err := s.SavePending(ctx, "def", "ana", "M5.xlsx", []byte("x")); err != nil {
			t.Fatal(err)
		}
		now = now.Add(store.PendingLifetime + time.Minute)
		if _, _, err := s.TakePending(ctx, "def", "ana"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("an expired pending file: %v, want ENOTFOUND", err)
		}
	})
}
