package store

import (
	"context"
	"testing"
	"time"
)

// The table of failed sign-ins stays bounded: old rows go with each new
// failure, and the newest maxLoginFailures are all that is ever kept.
func TestLoginFailuresAreBounded(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir()+"/a.db")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer func(m, e int64) { maxLoginFailures, capEvery = m, e }(maxLoginFailures, capEvery)
	maxLoginFailures, capEvery = 50, 10
	ctx := context.Background()
	now := time.Date(2022, 3, 1, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	rows := func() (n int) {
		if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM login_failures`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for range 5 {
		if err := s.AddLoginFailure(ctx, time.Minute, "user:old"); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Minute)
	if err := s.AddLoginFailure(ctx, time.Minute, "user:new"); err != nil {
		t.Fatal(err)
	}
	if n := rows(); n != 1 {
		t.Errorf("%d rows after the window passed, want the 1 new one", n)
	}
	for i := range 200 {
		if err := s.AddLoginFailure(ctx, time.Hour, "ip:a", "user:b"); err != nil {
			t.Fatal(err)
		}
		if n := rows(); n > 50+10 {
			t.Fatalf("after %d failures, %d rows, want at most %d", i+1, n, 60)
		}
	}
	// The newest are the ones kept.
	n, _, err := s.RecentLoginFailures(ctx, "user:b", time.Hour)
	if err != nil || n < 20 {
		t.Errorf("recent failures of user:b = %d %v", n, err)
	}
}
