package auth

import (
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
)

// boardPassword is a passphrase with multi-byte characters, longer than
// bcrypt's 72 bytes.
const boardPassword = "correct horse battery staple — ünïcödé passphrase longer than seventy-two bytes in UTF-8"

const analystPassword = "analyst password, long enough"

func TestHashPassword(t *testing.T) {
	if _, err := HashPassword("short", "board"); err == nil {
		t.Error("a 5-character password was accepted")
	}
	h, err := HashPassword(boardPassword, "board")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id with OWASP's parameters", h)
	}
	if !checkPassword(boardPassword, h) || checkPassword(boardPassword[:72], h) || checkPassword(boardPassword+"x", h) {
		t.Error("checkPassword does not compare the whole passphrase")
	}
}

// New passwords are long enough without the user's name, and not easy
// to guess; good passphrases pass.
func TestCheckNewPassword(t *testing.T) {
	for _, tc := range []struct {
		password, name string
		says           string // "" when accepted
	}{
		{"aaaaaaaaaa", "ana", "at least 12"},
		{"aaaaaaaaaaaa", "ana", "too easy"},
		{"password1234", "ana", "too easy"},
		{"Password123!", "ana", "too easy"},
		{"qwertyuiop12", "ana", "too easy"},
		{"iloveyou1234", "ana", "too easy"},
		{"trustno1trustno1", "ana", "too easy"},
		{"abababababababab", "ana", "too easy"},
		{"policepolice2021", "ana", "too easy"},
		{"alice.smith", "alice.smith", "at least 12"},
		{"Alice.Smith.Alice.Smith", "alice.smith", "besides the user"},
		{"alice.smith1", "alice.smith", "besides the user"},
		{"alicesmith2021", "alicesmith", "besides the user"},
		{"alicesmith2021!!", "alicesmith", "besides the user"},
		{"1lovem4rgaret", "margaret", "too easy"},
		{strings.Repeat("a", 1025), "ana", "at most 1024 bytes"},
		{strings.Repeat("x", 1000), "ana", "too easy"}, // judged on its first 100 characters, quickly
		{analystPassword, "ana", ""},
		{boardPassword, "board", ""},
		{"a long administrator passphrase", "admin", ""},
		{"xk9#Lm2$pQ7vZ", "ana", ""},
		{"orange tractor misty harbour", "ana", ""},
	} {
		err := CheckNewPassword(tc.password, tc.name)
		switch {
		case tc.says == "" && err != nil:
			t.Errorf("CheckNewPassword(%.30q, %q) = %v, want accepted", tc.password, tc.name, err)
		case tc.says != "" && (err == nil || !strings.Contains(err.Error(), tc.says)):
			t.Errorf("CheckNewPassword(%.30q, %q) = %v, want refused saying %q", tc.password, tc.name, err, tc.says)
		case err != nil && metrics.ErrorCode(err) != metrics.EINVALID:
			t.Errorf("CheckNewPassword(%.30q) = %v, want EINVALID", tc.password, err)
		}
	}
}

// Verify checks against the stand-in hash for an unknown user, and never
// lets that match.
func TestVerify(t *testing.T) {
	h, err := HashPassword(boardPassword, "board")
	if err != nil {
		t.Fatal(err)
	}
	hashing := NewHashing(1)
	for _, tc := range []struct {
		password, hash string
		want           bool
	}{
		{boardPassword, h, true},
		{boardPassword + "x", h, false},
		{"not a real password", "", false},
		{boardPassword, "", false},
	} {
		ok, err := hashing.Verify(t.Context(), tc.password, tc.hash)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%.20q, hash %t) = %v, %v; want %v", tc.password, tc.hash != "", ok, err, tc.want)
		}
	}
	if hashing.Peak() != 1 {
		t.Errorf("peak %d, want 1", hashing.Peak())
	}
}
