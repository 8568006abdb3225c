package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

func runWithStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return exitCode(err, &errb), out.String(), errb.String()
}

func TestUserAndTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	if code, out, errs := runWithStdin(t, "a long enough password\n", "user", "add", "--db", db, "--role", "analyst", "ana"); code != 0 || !strings.Contains(out, "added ana (analyst)") {
		t.Fatalf("user add: %d %q %q", code, out, errs)
	}
	tests := []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"a long enough password\n", []string{"user", "add", "--db", db, "--role", "analyst", "ana"}, 1, "already a user"},
		{"short\n", []string{"user", "add", "--db", db, "--role", "board", "bob"}, 1, "at least 12 characters"},
		{"aaaaaaaaaaaa\n", []string{"user", "add", "--db", db, "--role", "board", "bob"}, 1, "too easy to guess"},
		{"bob.the.builder.bob\n", []string{"user", "add", "--db", db, "--role", "board", "bob.the.builder"}, 1, "besides the user's name"},
		{"", []string{"user", "add", "--db", db, "--role", "board", "bob"}, 2, "no password"},
		{"a long enough password\n", []string{"user", "add", "--db", db, "--role", "king", "bob"}, 2, "not a role"},
		{"a long enough password\n", []string{"user", "add", "--db", db, "--role", "board", "bad name"}, 2, "letters, digits"},
		{"", []string{"user", "disable", "--db", db, "nobody"}, 1, "no user called"},
		{"", []string{"token", "add", "--db", db, "nobody"}, 1, "no such user"},
		{"", []string{"user"}, 2, "add, list, disable or enable"},
		{"", []string{"user", "enable", "--db", db, "nobody"}, 1, "no user called"},
		{"", []string{"user", "enable", "--db", db}, 2, "needs one NAME"},
	}
	for _, tt := range tests {
		code, out, errs := runWithStdin(t, tt.stdin, tt.args...)
		if code != tt.code || !strings.Contains(out+errs, tt.want) {
			t.Errorf("%v: exit %d, %q %q; want exit %d with %q", tt.args, code, out, errs, tt.code, tt.want)
		}
	}
	code, out, _ := runWithStdin(t, "", "token", "add", "--db", db, "ana")
	token := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(token, "assure_") || len(token) < 40 {
		t.Fatalf("token add: %d %q", code, out)
	}
	if code, out, _ := runWithStdin(t, "", "user", "list", "--db", db); code != 0 || !strings.Contains(out, "ana") || !strings.Contains(out, "active") {
		t.Errorf("user list: %d %q", code, out)
	}
	if code, _, _ := runWithStdin(t, "", "user", "disable", "--db", db, "ana"); code != 0 {
		t.Errorf("user disable: %d", code)
	}
	if _, out, _ := runWithStdin(t, "", "user", "list", "--db", db); !strings.Contains(out, "disabled") {
		t.Errorf("user list after disable: %q", out)
	}
}

// demoLogins reads the printed demo logins: role -> password.
func demoLogins(out string) map[string]string {
	logins := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[1] == "password" {
			logins[f[0]] = f[2]
		}
	}
	return logins
}

func TestDemoPrintsWorkingLogins(t *testing.T) {
	out := startDemo(t)
	logins := demoLogins(out.text())
	for _, role := range []string{"board", "finance", "analyst", "admin"} {
		if logins[role] == "" {
			t.Fatalf("no login printed for %s in:\n%s", role, out.text())
		}
	}
	if !strings.Contains(out.text(), "illustrative") {
		t.Error("the demo must say its figures are illustrative")
	}
	resp, err := http.Get("http://" + out.addr + "/login")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login page: %v", err)
	}
	resp.Body.Close()
}

// The last active administrator cannot be disabled from the command line
// either, and a disabled user can be enabled again, on either database.
func TestUserDisableAndEnable(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "u.db")
			if d == store.Postgres {
				db = storetest.PostgresDSN(t)
			}
			for _, u := range []struct{ role, name string }{{"admin", "root"}, {"board", "bob"}} {
				if code, out, errs := runWithStdin(t, "a long enough password\n", "user", "add", "--db", db, "--role", u.role, u.name); code != 0 {
					t.Fatalf("user add %s: %d %q %q", u.name, code, out, errs)
				}
			}
			steps := []struct {
				args []string
				code int
				want string
			}{
				{[]string{"user", "disable", "--db", db, "root"}, 1, "only active administrator"},
				{[]string{"user", "disable", "--db", db, "bob"}, 0, "disabled bob"},
				{[]string{"user", "enable", "--db", db, "bob"}, 0, "enabled bob"},
				{[]string{"user", "enable", "--db", db, "bob"}, 0, "enabled bob"},
			}
			for _, s := range steps {
				code, out, errs := runWithStdin(t, "", s.args...)
				if code != s.code || !strings.Contains(out+errs, s.want) {
					t.Errorf("%v: exit %d, %q %q; want exit %d with %q", s.args[:2], code, out, errs, s.code, s.want)
				}
			}
			_, out, _ := runWithStdin(t, "", "user", "list", "--db", db)
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, "disabled") {
					t.Errorf("after enabling, user list still shows %q", line)
				}
			}
			// With a second administrator, the first may go.
			runWithStdin(t, "a long enough password\n", "user", "add", "--db", db, "--role", "admin", "root2")
			if code, out, errs := runWithStdin(t, "", "user", "disable", "--db", db, "root"); code != 0 {
				t.Errorf("disabling one of two administrators: %d %q %q", code, out, errs)
			}
		})
	}
}
