package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestUsersTokensAndAudit(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u, err := s.CreateUser(ctx, "ana", metrics.RoleAnalyst, "hash-a")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, "ana", metrics.RoleBoard, "hash-b"); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("a second ana: %v, want ECONFLICT", err)
		}
		if _, err := s.CreateUser(ctx, "bob", "king", "h"); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("an unknown role: %v, want EINVALID", err)
		}
		got, hash, err := s.UserByName(ctx, "ana")
		if err != nil || got.ID != u.ID || hash != "hash-a" || got.Role != metrics.RoleAnalyst || got.Disabled {
			t.Errorf("UserByName = %+v %q %v", got, hash, err)
		}
		if _, _, err := s.UserByName(ctx, "nobody"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("unknown user: %v", err)
		}
		if err := s.AddToken(ctx, u.ID, "cli", "abc123"); err != nil {
			t.Fatal(err)
		}
		if tu, err := s.UserByToken(ctx, "abc123"); err != nil || tu.Name != "ana" {
			t.Errorf("UserByToken = %+v %v", tu, err)
		}
		if _, err := s.UserByToken(ctx, "other"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("unknown token: %v", err)
		}
		if err := s.DisableUser(ctx, "ana"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, u.ID); !got.Disabled {
			t.Error("DisableUser did not disable")
		}
		if err := s.DisableUser(ctx, "nobody"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("disabling nobody: %v", err)
		}
		if err := s.EnableUser(ctx, "ana"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, u.ID); got.Disabled || got.SessionGen == 0 {
			t.Errorf("EnableUser: disabled %t, session generation %d (the old sessions must stay ended)", got.Disabled, got.SessionGen)
		}
		if err := s.EnableUser(ctx, "nobody"); metrics.ErrorCode(err) != metrics.ENOTFOUND {
			t.Errorf("enabling nobody: %v", err)
		}
		// The last active administrator cannot be disabled by name either.
		if _, err := s.CreateUser(ctx, "root", metrics.RoleAdmin, "h"); err != nil {
			t.Fatal(err)
		}
		if err := s.DisableUser(ctx, "root"); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("disabling the last administrator: %v, want ECONFLICT", err)
		}
		if got, _, _ := s.UserByName(ctx, "root"); got.Disabled {
			t.Error("the last administrator was disabled")
		}
		users, err := s.ListUsers(ctx)
		if err != nil || len(users) != 2 {
			t.Errorf("ListUsers = %v %v", users, err)
		}
		for _, a := range []string{metrics.AuditLogin, metrics.AuditLoginFailed} {
			if err := s.Audit(ctx, metrics.AuditEntry{Actor: "ana", Action: a, IP: "127.0.0.1"}); err != nil {
				t.Fatal(err)
			}
		}
		log, err := s.AuditLog(ctx, 10)
		if err != nil || len(log) != 2 || log[0].Action != metrics.AuditLoginFailed {
			t.Errorf("AuditLog = %+v %v (newest first)", log, err)
		}
	})
}

func TestSessions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2022, 2, 10, 10, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		ss := s.Sessions()
		if err := ss.CommitCtx(ctx, "tok", []byte("data-1"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := ss.CommitCtx(ctx, "tok", []byte("data-2"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := ss.CommitCtx(ctx, "old", []byte("x"), now.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if b, found, err := ss.FindCtx(ctx, "tok"); err != nil || !found || string(b) != "data-2" {
			t.Errorf("Find = %q %t %v", b, found, err)
		}
		if _, found, err := ss.FindCtx(ctx, "old"); err != nil || found {
			t.Errorf("an expired session was found (%v)", err)
		}
		if n, err := ss.DeleteExpired(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpired = %d %v", n, err)
		}
		if err := ss.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := ss.FindCtx(ctx, "tok"); found {
			t.Error("a deleted session was found")
		}
		if err := ss.DeleteCtx(ctx, "never"); err != nil {
			t.Errorf("deleting an unknown session: %v", err)
		}
	})
}
