package auth

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/assure-pcc/assure/metrics/store"
	"github.com/labstack/echo/v4"
)

// Sign-in attempts (and the current password asked for on
// /account/password) are throttled in the database, so that every
// server behind one database refuses the same guesser, and each attempt
// is reserved before its password is checked (store.ReserveLoginAttempt):
// forty wrong passwords sent at once are five checked, not forty.
//
// Each attempt counts against the name typed and the client's address:
// FailedPerUser free attempts per name, FailedPerIP per address, then a
// wait that doubles with each further attempt, from BackoffBase up to
// BackoffMax. Nothing is banned: whoever waits gets an attempt.
//
// A browser that has signed in before is recognised by a cookie holding
// a random token (only its SHA-256 is stored) and counts against itself
// alone, not against the name or the address: strangers guessing a
// user's password, or failing from the same address (every user behind
// a proxy shares one when --trusted-proxies is not set), hold back only
// browsers that have never signed in as that user.

const (
	// FailedPerUser, FailedPerIP and FailedPerDevice are the attempts a
	// name, an address and a recognised browser may make in a row.
	FailedPerUser   = 5
	FailedPerIP     = 20
	FailedPerDevice = 5
	// BackoffBase is the wait once the free attempts are used; it
	// doubles with each further attempt up to BackoffMax.
	BackoffBase = time.Minute
	BackoffMax  = 15 * time.Minute
	// throttleForget is how long a key must be quiet to start afresh.
	throttleForget = time.Hour
	// DeviceCookie holds a browser's token; it lasts as long as the
	// store remembers the browser.
	DeviceCookie    = "assure_device"
	deviceCookieAge = 180 * 24 * time.Hour
)

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

// ipThrottleKey counts an IPv6 client by its /64, the block one
// subscriber is given: counted by address, a client could take a new
// one for every attempt.
func ipThrottleKey(ip string) string {
	if a, err := netip.ParseAddr(ip); err == nil && a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return throttleKey("ip", p.String())
	}
	return throttleKey("ip", ip)
}

func deviceThrottleKey(sha string) string { return throttleKey("device", sha) }

func rule(key string, free int) store.ThrottleRule {
	return store.ThrottleRule{Key: key, Free: free, Base: BackoffBase, Max: BackoffMax, Forget: throttleForget}
}

// Attempt is a password check reserved against its keys.
type Attempt struct {
	res *store.LoginReservation
	// forget are the keys a right password forgets (the name's, or the
	// browser's); the address keeps the attempts of others.
	forget []string
	// device is the SHA-256 of the browser's token when the browser is
	// recognised for this user, else "".
	device string
}

// ReserveAttempt reserves an attempt to check the password of the user
// called name (userID 0 when there is no such user) from this request.
// refusal says, when the attempt must wait, what to tell the user; the
// Retry-After header is then set.
func (s *Sessions) ReserveAttempt(c echo.Context, name string, userID int64) (a *Attempt, refusal string, err error) {
	ctx := c.Request().Context()
	a = &Attempt{}
	if ck, err := c.Cookie(DeviceCookie); err == nil && userID != 0 && len(ck.Value) <= 64 {
		sha := TokenSHA256(ck.Value)
		id, ok, err := s.store.DeviceUser(ctx, sha)
		if err != nil {
			return nil, "", err
		}
		if ok && id == userID {
			a.device = sha
		}
	}
	var rules []store.ThrottleRule
	if a.device != "" {
		rules = []store.ThrottleRule{rule(deviceThrottleKey(a.device), FailedPerDevice)}
		a.forget = []string{deviceThrottleKey(a.device)}
	} else {
		rules = []store.ThrottleRule{rule(userThrottleKey(name), FailedPerUser), rule(ipThrottleKey(c.RealIP()), FailedPerIP)}
		a.forget = []string{userThrottleKey(name)}
	}
	res, wait, err := s.store.ReserveLoginAttempt(ctx, rules)
	if err != nil {
		return nil, "", err
	}
	if res == nil {
		secs := int(wait.Round(time.Second) / time.Second)
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
		return nil, fmt.Sprintf("Too many failed attempts. Try again in %s.", waitWords(wait)), nil
	}
	a.res = res
	return a, "", nil
}

// waitWords says a wait as a person would: "a minute", "4 minutes".
func waitWords(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m <= 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// AttemptSucceeded gives the attempt back (it was no failure),
// forgetting the name's or the browser's attempts, and remembers the
// browser for the user.
func (s *Sessions) AttemptSucceeded(c echo.Context, a *Attempt, userID int64) {
	ctx := c.Request().Context()
	if err := s.store.ReleaseLoginAttempt(ctx, a.res, a.forget...); err != nil {
		s.logger.Warn("releasing a sign-in attempt", "err", err)
	}
	token := ""
	if a.device == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b) // crypto/rand.Read never fails
		token = base64.RawURLEncoding.EncodeToString(b)
		a.device = TokenSHA256(token)
	}
	if err := s.store.RememberDevice(ctx, userID, a.device); err != nil {
		s.logger.Warn("remembering a browser", "err", err)
		return
	}
	if token != "" {
		c.SetCookie(&http.Cookie{Name: DeviceCookie, Value: token, Path: "/", MaxAge: int(deviceCookieAge / time.Second),
			HttpOnly: true, Secure: s.Cookie.Secure, SameSite: http.SameSiteStrictMode})
	}
}

// AttemptNotMade gives back an attempt whose password was never checked
// (the server was too busy).
func (s *Sessions) AttemptNotMade(c echo.Context, a *Attempt) {
	if err := s.store.ReleaseLoginAttempt(c.Request().Context(), a.res); err != nil {
		s.logger.Warn("releasing a sign-in attempt", "err", err)
	}
}
