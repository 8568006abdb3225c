package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/labstack/echo/v4"
)

// handleAdminIssueToken issues an API token for a user and shows it
// once; the database keeps only its SHA-256.
func (s *Server) handleAdminIssueToken(c echo.Context) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	label := strings.TrimSpace(c.FormValue("name"))
	if err := metrics.ValidTokenName(label); err != nil {
		return s.refuseOnUserPage(c, u, err)
	}
	token, sum, err := NewAPIToken()
	if err != nil {
		return err
	}
	if err := s.store.AddToken(c.Request().Context(), u.ID, label, sum); err != nil {
		return err
	}
	s.audit(c, currentUser(c).Name, metrics.AuditTokenAdded, u.Name+": "+label)
	return s.showSecret(c, "API token", u, label, token)
}

// handleAdminRevokeToken deletes a token; requests bearing it are
// refused from then on. The form says where to go back to: the admin
// page or the owner's page.
func (s *Server) handleAdminRevokeToken(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return metrics.Errorf(metrics.ENOTFOUND, "There is no such token.")
	}
	t, err := s.store.RevokeToken(c.Request().Context(), id)
	if err != nil {
		return err
	}
	s.audit(c, currentUser(c).Name, metrics.AuditTokenRevoked, t.UserName+": "+t.Name)
	s.flash(c.Request().Context(), fmt.Sprintf("Revoked the token %q of %s: requests bearing it are refused.", t.Name, t.UserName))
	back := "/admin"
	if c.FormValue("back") == "user" {
		back = "/admin/users/" + strconv.FormatInt(t.UserID, 10)
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// Token use is stamped so that an administrator can see which tokens are
// still in use before revoking one. Stamping is a write, and on SQLite a
// write queues behind an upload's long transaction, so each server
// stamps a token at most every tokenStampEvery, waiting at most
// tokenStampWait; a stamp that cannot be made in time is skipped.
const (
	tokenStampEvery = 5 * time.Minute
	tokenStampWait  = 250 * time.Millisecond
)

// tokenStamps remembers when this server last stamped each token. It
// holds only tokens that authenticated a request, so it grows with the
// tokens issued, not with what clients send.
type tokenStamps struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// due reports whether sha should be stamped now, and if so notes that it
// has been.
func (ts *tokenStamps) due(sha string, now time.Time) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.last == nil {
		ts.last = map[string]time.Time{}
	}
	if last, ok := ts.last[sha]; ok && now.Sub(last) < tokenStampEvery {
		return false
	}
	ts.last[sha] = now
	return true
}

// tokenUsed stamps a token's last use, now and then, best effort.
func (s *Server) tokenUsed(ctx context.Context, sha string) {
	if !s.tokenStamps.due(sha, s.now()) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tokenStampWait)
	defer cancel()
	if err := s.store.TokenUsed(ctx, sha); err != nil {
		s.logger.Debug("stamping token use", "err", err)
	}
}
