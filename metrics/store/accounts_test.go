package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestAccountAdministration(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada, err := s.CreateUser(ctx, "ada", metrics.RoleAdmin, "hash-a")
		if err != nil {
			t.Fatal(err)
		}
		bob, err := s.CreateUser(ctx, "bob", metrics.RoleBoard, "hash-b")
		if err != nil {
			t.Fatal(err)
		}
		before, after, err := s.SetUserRole(ctx, bob.ID, metrics.RoleAnalyst)
		if err != nil || before.Role != metrics.RoleBoard || after.Role != metrics.RoleAnalyst {
			t.Errorf("SetUserRole = %+v → %+v %v", before, after, err)
		}
		if _, _, err := s.SetUserRole(ctx, bob.ID, "king"); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("an unknown role: %v", err)
		}
		if _, _, err := s.SetUserRole(ctx, 9999, metrics.RoleBoard); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("an unknown user: %v", err)
		}
		// The last active administrator can be neither demoted nor disabled.
		if _, _, err := s.SetUserRole(ctx, ada.ID, metrics.RoleBoard); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("demoting the last administrator: %v, want ECONFLICT", err)
		}
		if _, _, err := s.SetUserDisabled(ctx, ada.ID, true); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("disabling the last administrator: %v, want ECONFLICT", err)
		}
		if u, _ := s.UserByID(ctx, ada.ID); !u.IsAdmin() {
			t.Fatalf("a refused change changed ada: %+v", u)
		}
		if _, _, err := s.SetUserRole(ctx, bob.ID, metrics.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		// With two, either may go; disabling ends the sessions.
		_, after, err = s.SetUserDisabled(ctx, ada.ID, true)
		if err != nil || !after.Disabled || after.SessionGen != ada.SessionGen+1 {
			t.Errorf("disable ada = %+v %v", after, err)
		}
		if u, _ := s.UserByID(ctx, ada.ID); !u.Disabled || u.SessionGen != ada.SessionGen+1 {
			t.Errorf("stored ada = %+v", u)
		}
		// A disabled administrator is not active: bob is now the last.
		if _, _, err := s.SetUserRole(ctx, bob.ID, metrics.RoleBoard); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("demoting the last active administrator: %v, want ECONFLICT", err)
		}
		_, after, err = s.SetUserDisabled(ctx, ada.ID, false)
		if err != nil || after.Disabled || after.SessionGen != ada.SessionGen+1 {
			t.Errorf("enable ada = %+v %v (enabling keeps the generation)", after, err)
		}
		u, err := s.SetPassword(ctx, bob.ID, "hash-b2", true)
		if err != nil || !u.MustChangePassword || u.SessionGen != bob.SessionGen+1 {
			t.Errorf("SetPassword = %+v %v", u, err)
		}
		if got, hash, err := s.UserByName(ctx, "bob"); err != nil || hash != "hash-b2" || !got.MustChangePassword || got.SessionGen != u.SessionGen {
			t.Errorf("after SetPassword: %+v %q %v", got, hash, err)
		}
		if u, err := s.SetPassword(ctx, bob.ID, "hash-b3", false); err != nil || u.MustChangePassword {
			t.Errorf("SetPassword by the user = %+v %v", u, err)
		}
		if _, err := s.SetPassword(ctx, 9999, "h", false); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("SetPassword of an unknown user: %v", err)
		}
	})
}

func TestTokenAdministration(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2022, 3, 1, 9, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		ada, _ := s.CreateUser(ctx, "ada", metrics.RoleAdmin, "h")
		bob, _ := s.CreateUser(ctx, "bob", metrics.RoleBoard, "h")
		for _, tk := range []struct {
			user int64
			name string
			sha  string
		}{{bob.ID, "ci", "sha-1"}, {ada.ID, "cli", "sha-2"}, {bob.ID, "reports", "sha-3"}} {
			if err := s.AddToken(ctx, tk.user, tk.name, tk.sha); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(time.Hour)
		if err := s.TokenUsed(ctx, "sha-1"); err != nil {
			t.Fatal(err)
		}
		ts, err := s.ListTokens(ctx)
		if err != nil || len(ts) != 3 {
			t.Fatalf("ListTokens = %+v %v", ts, err)
		}
		if ts[0].UserName != "ada" || ts[1].Name != "ci" || ts[2].Name != "reports" {
			t.Errorf("tokens are not by owner, oldest first: %+v", ts)
		}
		if !ts[1].LastUsed.Equal(now) || !ts[2].LastUsed.IsZero() || !ts[1].CreatedAt.Equal(now.Add(-time.Hour)) {
			t.Errorf("times: %+v", ts)
		}
		got, err := s.RevokeToken(ctx, ts[1].ID)
		if err != nil || got.Name != "ci" || got.UserName != "bob" {
			t.Errorf("RevokeToken = %+v %v", got, err)
		}
		if _, err := s.UserByToken(ctx, "sha-1"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("a revoked token still works: %v", err)
		}
		if _, err := s.UserByToken(ctx, "sha-3"); err != nil {
			t.Errorf("revoking one token touched another: %v", err)
		}
		if _, err := s.RevokeToken(ctx, ts[1].ID); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("revoking twice: %v", err)
		}
	})
}

// An administrator's reset revokes the user's API tokens, and no one
// else's, with the password, in one transaction.
func TestResetPasswordRevokesTokens(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ana, err := s.CreateUser(ctx, "ana", metrics.RoleAnalyst, "old")
		if err != nil {
			t.Fatal(err)
		}
		bob, err := s.CreateUser(ctx, "bob", metrics.RoleBoard, "old")
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range []int64{ana.ID, ana.ID, bob.ID} {
			if err := s.AddToken(ctx, id, "t", fmt.Sprintf("sha-%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		u, revoked, err := s.ResetPassword(ctx, ana.ID, "new", true)
		if err != nil || revoked != 2 || !u.MustChangePassword || u.SessionGen != ana.SessionGen+1 {
			t.Fatalf("ResetPassword = %+v, %d revoked, %v", u, revoked, err)
		}
		for _, sha := range []string{"sha-0", "sha-1"} {
			if _, err := s.UserByToken(ctx, sha); metrics.ErrorCode(err) != metrics.ENOTFOUND {
				t.Errorf("token %s after the reset: %v", sha, err)
			}
		}
		if _, err := s.UserByToken(ctx, "sha-2"); err != nil {
			t.Errorf("another user's token: %v", err)
		}
		if _, hash, _ := s.UserByName(ctx, "ana"); hash != "new" {
			t.Errorf("hash = %q", hash)
		}
		if _, _, err := s.ResetPassword(ctx, 9999, "x", false); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("an unknown user: %v", err)
		}
	})
}
