package store_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

var userRule = store.ThrottleRule{Key: "user:ana", Free: 5, Base: time.Minute, Max: 15 * time.Minute, Forget: time.Hour}

// A key's free attempts follow each other; then each waits twice as
// long as the one before, up to the longest wait and never beyond: a
// back-off, not a ban. A key that waits counts nothing, on any key.
func TestLoginThrottleBacksOff(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2022, 3, 1, 9, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		ip := store.ThrottleRule{Key: "ip:10.0.0.1", Free: 20, Base: time.Minute, Max: 15 * time.Minute, Forget: time.Hour}
		for i := range 5 {
			if res, wait, err := s.ReserveLoginAttempt(ctx, []store.ThrottleRule{userRule, ip}); err != nil || res == nil || wait != 0 {
				t.Fatalf("free attempt %d: %v %v %v", i+1, res, wait, err)
			}
		}
		for i, want := range []time.Duration{1, 2, 4, 8, 15, 15, 15} {
			want *= time.Minute
			res, wait, err := s.ReserveLoginAttempt(ctx, []store.ThrottleRule{userRule, ip})
			if err != nil || res != nil || wait != want {
				t.Fatalf("after %d attempts: reserved %v, wait %v (%v), want to wait %v", 5+i, res != nil, wait, err, want)
			}
			now = now.Add(want - time.Second)
			if res, _, _ := s.ReserveLoginAttempt(ctx, []store.ThrottleRule{userRule, ip}); res != nil {
				t.Fatalf("reserved a second before the wait of %v was over", want)
			}
			now = now.Add(time.Second)
			if res, wait, err := s.ReserveLoginAttempt(ctx, []store.ThrottleRule{userRule, ip}); err != nil || res == nil {
				t.Fatalf("after waiting %v: wait %v, %v", want, wait, err)
			}
		}
		// The refused attempts counted nothing on the address.
		if n, _, err := s.LoginAttempts(ctx, ip.Key); err != nil || n != 12 {
			t.Errorf("the address has %d attempts (%v), want the 12 reserved", n, err)
		}
		// An hour's quiet forgets the key.
		now = now.Add(15*time.Minute + time.Hour + time.Second)
		for i := range 5 {
			if res, _, err := s.ReserveLoginAttempt(ctx, []store.ThrottleRule{userRule}); err != nil || res == nil {
				t.Fatalf("after an hour's quiet, attempt %d refused: %v", i+1, err)
			}
		}
	})
}

// A reservation given back: the keys forgotten are gone, the others
// lose this attempt and get back the wait they had.
func TestLoginThrottleRelease(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2022, 3, 1, 9, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		ip := store.ThrottleRule{Key: "ip:10.0.0.1", Free: 2, Base: time.Minute, Max: 15 * time.Minute, Forget: time.Hour}
		if res, _, err := s.ReserveLoginAttempt(ctx, []store.ThrottleRule{userRule, ip}); err != nil || res == nil {
			t.Fatal(err)
		}
		res, _, err := s.ReserveLoginAttempt(ctx, []store.ThrottleRule{userRule, ip})
		if err != nil || res == nil {
			t.Fatal(err)
		}
		// The second attempt used the address's free ones: it waits now.
		if n, next, _ := s.LoginAttempts(ctx, ip.Key); n != 2 || !next.Equal(now.Add(time.Minute)) {
			t.Errorf("address: %d attempts, next %v", n, next)
		}
		if err := s.ReleaseLoginAttempt(ctx, res, userRule.Key); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := s.LoginAttempts(ctx, userRule.Key); n != 0 {
			t.Errorf("the user's key was not forgotten: %d attempts", n)
		}
		if n, next, _ := s.LoginAttempts(ctx, ip.Key); n != 1 || next.After(now) {
			t.Errorf("address after the release: %d attempts, next %v, want 1 and no wait", n, next)
		}
		if err := s.ReleaseLoginAttempt(ctx, nil); err != nil {
			t.Errorf("releasing nothing: %v", err)
		}
	})
}

// Forty attempts at the same moment, through two Stores on one database
// (two servers), on one key with five free: five are reserved, the rest
// refused. Counted after the password check, all forty would be checked.
func TestLoginThrottleCannotBeRaced(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "shared.db")
			if d == store.Postgres {
				dsn = storetest.PostgresDSN(t)
			}
			var stores [2]*store.Store
			for i := range stores {
				s, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			ip := store.ThrottleRule{Key: "ip:10.0.0.1", Free: 20, Base: time.Minute, Max: 15 * time.Minute, Forget: time.Hour}
			var reserved, refused atomic.Int64
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 40 {
				wg.Go(func() {
					<-start
					res, _, err := stores[i%2].ReserveLoginAttempt(ctx, []store.ThrottleRule{ip, userRule})
					switch {
					case err != nil:
						t.Errorf("attempt %d: %v", i, err)
					case res != nil:
						reserved.Add(1)
					default:
						refused.Add(1)
					}
				})
			}
			close(start)
			wg.Wait()
			if reserved.Load() != 5 || refused.Load() != 35 {
				t.Errorf("%d reserved and %d refused, want 5 and 35", reserved.Load(), refused.Load())
			}
		})
	}
}

// A browser is remembered for the user it signed in as.
func TestRememberDevice(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u, err := s.CreateUser(ctx, "ana", "analyst", "hash")
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.DeviceUser(ctx, "sha"); ok || err != nil {
			t.Fatalf("an unknown browser: %v %v", ok, err)
		}
		if err := s.RememberDevice(ctx, u.ID, "sha"); err != nil {
			t.Fatal(err)
		}
		if err := s.RememberDevice(ctx, u.ID, "sha"); err != nil {
			t.Fatalf("remembering again: %v", err)
		}
		if id, ok, err := s.DeviceUser(ctx, "sha"); !ok || err != nil || id != u.ID {
			t.Errorf("DeviceUser = %d %v %v, want %d", id, ok, err, u.ID)
		}
	})
}

// A server whose clock runs ahead stamps a key in the future of the
// others; a key with free attempts left must still be tried at once on
// every server, not after the skew.
func TestLoginThrottleIgnoresAClockAhead(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			ahead, behind := storetest.OpenDSN(t, dsn), storetest.OpenDSN(t, dsn)
			ahead.Now = func() time.Time { return time.Now().Add(time.Hour) }
			res, wait, err := ahead.ReserveLoginAttempt(ctx, []store.ThrottleRule{userRule})
			if err != nil || res == nil || wait != 0 {
				t.Fatalf("ahead: %v %v %v", res, wait, err)
			}
			if res, wait, err := behind.ReserveLoginAttempt(ctx, []store.ThrottleRule{userRule}); err != nil || res == nil || wait != 0 {
				t.Fatalf("behind, with free attempts left, must wait %v (%v)", wait, err)
			}
		})
	}
}
