package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/assure-pcc/assure/metrics"
	"github.com/trustelem/zxcvbn"
	"golang.org/x/sync/semaphore"
)

// passwordParams are argon2id's settings: OWASP's minimum (19 MiB of
// memory, 2 passes, 1 thread) keeps a sign-in to tens of milliseconds on
// a small server while making each guess costly offline.
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 12

// maxPasswordBytes bounds the work a sign-in can ask for; argon2id,
// unlike bcrypt, has no 72-byte limit to silently cut a passphrase at.
const maxPasswordBytes = 1024

// minPasswordScore is the zxcvbn score a new password needs: 3 is
// "safely unguessable", about 10^8 guesses or more, by an estimator that
// knows the 30,000 most common passwords, names, English words, dates,
// repeats, sequences, keyboard patterns and l33t substitutions.
const minPasswordScore = 3

// maxJudgedRunes is how much of a password the estimator reads: its time
// grows faster than the password (a 1,024-character one took 15 s), and
// 100 characters are plenty to tell a strong one.
const maxJudgedRunes = 100

// siteWords are words a guesser would try against Assure's users.
var siteWords = []string{"assure", "police", "crime", "commissioner", "pcc", "opcc", "board", "finance", "analyst", "admin"}

// CheckNewPassword says why the user called name may not choose
// password, or nil: it must have MinPasswordLength characters not
// counting the user's name, and not be easy to guess (zxcvbn, with the
// name and Assure's own words as things a guesser would try first).
func CheckNewPassword(password, name string) error {
	if len(password) > maxPasswordBytes {
		return metrics.Errorf(metrics.EINVALID, "a password has at most %d bytes", maxPasswordBytes)
	}
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return metrics.Errorf(metrics.EINVALID, "a password needs at least %d characters", MinPasswordLength)
	}
	if name != "" {
		rest := strings.ReplaceAll(strings.ToLower(password), strings.ToLower(name), "")
		if utf8.RuneCountInString(rest) < MinPasswordLength {
			return metrics.Errorf(metrics.EINVALID, "a password needs at least %d characters besides the user's name", MinPasswordLength)
		}
	}
	judged := password
	if r := []rune(password); len(r) > maxJudgedRunes {
		judged = string(r[:maxJudgedRunes])
	}
	if zxcvbn.PasswordStrength(judged, append([]string{name}, siteWords...)).Score < minPasswordScore {
		return metrics.Errorf(metrics.EINVALID, "this password is too easy to guess: it is a common one, or made of names, "+
			"words, dates, repeats, sequences or keyboard patterns that guessers try first. A few unrelated words make a strong one")
	}
	return nil
}

// HashPassword returns the argon2id hash of a password in the PHC string
// form for the user called name, refusing one that CheckNewPassword
// refuses. Every password set goes through it: the command line, the
// admin pages and one's own account page.
func HashPassword(password, name string) (string, error) {
	if err := CheckNewPassword(password, name); err != nil {
		return "", err
	}
	h, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// checkPassword reports whether password matches hash. A malformed hash
// never matches.
func checkPassword(password, hash string) bool {
	if len(password) > maxPasswordBytes {
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// Hashing bounds the argon2id computations running at once: each
// takes passwordParams.Memory (19 MiB) for its length, so a burst of a
// thousand sign-ins would need 19 GB. The rest wait their turn, for up
// to hashWait.
type Hashing struct {
	sem *semaphore.Weighted
	// inUse and peak count the computations running, for tests.
	inUse, peak atomic.Int64
}

// hashWait is the longest a password check waits for its turn before
// the server says it is busy.
const hashWait = 10 * time.Second

// NewHashing lets n hashes be computed at once (at least one).
func NewHashing(n int) *Hashing {
	return &Hashing{sem: semaphore.NewWeighted(int64(max(1, n)))}
}

// run runs fn in a turn, or returns EBUSY when none came in time.
func (h *Hashing) run(ctx context.Context, fn func()) error {
	ctx, cancel := context.WithTimeout(ctx, hashWait)
	defer cancel()
	if err := h.sem.Acquire(ctx, 1); err != nil {
		return metrics.Errorf(metrics.EBUSY, "Assure is busy checking other passwords. Try again in a moment.")
	}
	defer h.sem.Release(1)
	n := h.inUse.Add(1)
	defer h.inUse.Add(-1)
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
	fn()
	return nil
}

// Peak is the most hashes that were computed at once.
func (h *Hashing) Peak() int64 { return h.peak.Load() }

// Verify checks a password against its hash in a turn. An empty hash
// (a user name that does not exist) is checked against a stand-in, so
// that a sign-in takes as long whether or not the name exists, and never
// matches.
func (h *Hashing) Verify(ctx context.Context, password, hash string) (ok bool, err error) {
	unknown := hash == ""
	if unknown {
		hash = dummyHash
	}
	err = h.run(ctx, func() { ok = checkPassword(password, hash) })
	return ok && !unknown, err
}

// Hash is HashPassword in a turn.
func (h *Hashing) Hash(ctx context.Context, password, name string) (hash string, err error) {
	if rerr := h.run(ctx, func() { hash, err = HashPassword(password, name) }); rerr != nil {
		return "", rerr
	}
	return hash, err
}

// dummyHash is compared against when a user name is unknown (see
// Verify).
var dummyHash = func() string {
	h, err := argon2id.CreateHash("not a real password", passwordParams)
	if err != nil {
		panic(err)
	}
	return h
}()

// NewAPIToken makes an API token: 32 random bytes, URL-safe base64. It
// returns the token, shown once to its owner, and its SHA-256 in hex,
// which is all the database keeps.
func NewAPIToken() (token, sha string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("new token: %w", err)
	}
	token = "assure_" + base64.RawURLEncoding.EncodeToString(b)
	return token, TokenSHA256(token), nil
}

// TokenSHA256 is the hex SHA-256 of a token, as stored.
func TokenSHA256(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// GeneratePassword makes a one-time password for an administrator to
// hand over: 25 characters of base32 (125 random bits), in groups of
// five so that it can be read out and typed.
func GeneratePassword() string {
	t := rand.Text()[:25]
	var b strings.Builder
	for i := 0; i < len(t); i += 5 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(t[i : i+5])
	}
	return b.String()
}
