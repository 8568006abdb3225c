package dashboard

import (
	"context"
	"fmt"
	"strings"
)

// Failed sign-ins are counted in the database, per user name and per
// client address, so that every server behind one database refuses the
// same guesser: spreading attempts over the servers gains nothing.
//
// There is no in-memory count in front of it. Counting costs two indexed
// reads, far less than the argon2id hash a sign-in costs anyway, and the
// sign-in reads the database for the user regardless; a per-server count
// would only be a second, weaker source of truth to keep in step.

// maxThrottleKey bounds a key's length: a name typed at the sign-in form
// can be any length, and no user name exceeds 64 characters.
const maxThrottleKey = 128

func throttleKey(kind, value string) string {
	k := kind + ":" + value
	if len(k) > maxThrottleKey {
		k = k[:maxThrottleKey]
	}
	return k
}

func userThrottleKey(name string) string { return throttleKey("user", strings.ToLower(name)) }

func ipThrottleKey(ip string) string { return throttleKey("ip", ip) }

// loginRefusal says why a sign-in may not be tried now (too many recent
// failures from this address, or for this name), or "" if it may.
func (s *Server) loginRefusal(ctx context.Context, ip, name string) (string, error) {
	checks := []struct {
		key   string
		limit int
		who   string
	}{
		{ipThrottleKey(ip), failedPerIP, "from this address"},
		{userThrottleKey(name), failedPerUser, "for this user"},
	}
	for _, ch := range checks {
		n, wait, err := s.store.RecentLoginFailures(ctx, ch.key, loginWindow)
		if err != nil {
			return "", err
		}
		if n >= ch.limit {
			return fmt.Sprintf("Too many failed attempts %s. Try again in %d minutes.", ch.who, int(wait.Minutes())+1), nil
		}
	}
	return "", nil
}

// loginFailed records a failed sign-in against the address and the name.
func (s *Server) loginFailed(ctx context.Context, ip, name string) error {
	return s.store.AddLoginFailure(ctx, loginWindow, ipThrottleKey(ip), userThrottleKey(name))
}

// loginSucceeded forgets the name's failures; the address's stay, so
// that one good password does not reopen the address to guessing others.
func (s *Server) loginSucceeded(ctx context.Context, name string) error {
	return s.store.ClearLoginFailures(ctx, userThrottleKey(name))
}
