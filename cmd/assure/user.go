package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"golang.org/x/term"
)

const userUsage = `Usage:
  assure user add     [--db DSN] --role ROLE NAME   add a user; the password is read from standard input
  assure user list    [--db DSN]                    list users
  assure user disable [--db DSN] NAME               stop a user signing in, ending their sessions
  assure user enable  [--db DSN] NAME               let a disabled user sign in again

Roles: board (views everything), finance (also uploads finance workbooks),
analyst (also uploads performance workbooks and edits the catalogue),
admin (users and tokens).
`

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		if len(args) == 0 {
			fmt.Fprint(stderr, userUsage)
			return usageError{"user needs add, list, disable or enable"}
		}
		fmt.Fprint(stdout, userUsage)
		return nil
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, args[1:], stdin, stdout, stderr)
	case "list":
		return runUserList(ctx, args[1:], stdout, stderr)
	case "disable":
		return runUserDisable(ctx, args[1:], stdout, stderr)
	case "enable":
		return runUserEnable(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, userUsage)
	return usageError{fmt.Sprintf("unknown user command %q", args[0])}
}

func runUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := newCommand("user add", "user add [--db DSN] --role ROLE NAME",
		"Adds a user. The password is read from standard input: asked twice on a\nterminal, otherwise the first line.")
	dsn := c.String("db", envOr("ASSURE_DB", defaultDSN), "database: a SQLite file path or a postgres:// URL (env ASSURE_DB)")
	roleName := c.String("role", "", "board, finance, analyst or admin")
	if helped, err := c.parseN(args, stdout, stderr, 1, "user add needs one NAME"); helped || err != nil {
		return err
	}
	role, err := metrics.ParseRole(*roleName)
	if err != nil {
		return usageError{metrics.ErrorMessage(err)}
	}
	name := c.Arg(0)
	if err := metrics.ValidUserName(name); err != nil {
		return usageError{metrics.ErrorMessage(err)}
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, name)
	if err != nil {
		return errors.New(metrics.ErrorMessage(err))
	}
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, name, role, hash)
	if err != nil {
		return errors.New(metrics.ErrorMessage(err))
	}
	if err := st.Audit(ctx, metrics.AuditEntry{Actor: "cli", Action: metrics.AuditUserAdded, Detail: u.Name + " (" + string(u.Role) + ")"}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %s (%s)\n", u.Name, u.Role)
	return nil
}

// readPassword reads a password: twice, unechoed, on a terminal; else
// the first line of stdin.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Password again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageError{"no password on standard input"}
	}
	return line, nil
}

func runUserList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCommand("user list", "user list [--db DSN]", "Lists users with their roles.")
	dsn := c.String("db", envOr("ASSURE_DB", defaultDSN), "database (env ASSURE_DB)")
	if helped, err := c.parse(args, stdout, stderr); helped || err != nil {
		return err
	}
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := st.ListUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(stdout, "%-24s %-8s %-8s added %s\n", u.Name, u.Role, state, u.CreatedAt.Format("2006-01-02"))
	}
	return nil
}

func runUserDisable(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCommand("user disable", "user disable [--db DSN] NAME",
		"Stops a user signing in or using API tokens; their sessions end at once.\nThe last active administrator cannot be disabled.")
	return setUserDisabled(ctx, c, args, true, stdout, stderr)
}

func runUserEnable(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCommand("user enable", "user enable [--db DSN] NAME",
		"Lets a disabled user sign in again. The sessions they had stay ended.")
	return setUserDisabled(ctx, c, args, false, stdout, stderr)
}

// setUserDisabled is user disable and user enable: the store refuses to
// disable the last active administrator, as the admin pages do.
func setUserDisabled(ctx context.Context, c *command, args []string, disable bool, stdout, stderr io.Writer) error {
	dsn := c.String("db", envOr("ASSURE_DB", defaultDSN), "database (env ASSURE_DB)")
	if helped, err := c.parseN(args, stdout, stderr, 1, c.Name()+" needs one NAME"); helped || err != nil {
		return err
	}
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	name := c.Arg(0)
	change, action, done := st.EnableUser, metrics.AuditUserEnabled, "enabled"
	if disable {
		change, action, done = st.DisableUser, metrics.AuditUserDisabled, "disabled"
	}
	if err := change(ctx, name); err != nil {
		if metrics.ErrorCode(err) == metrics.EINTERNAL {
			return err
		}
		return errors.New(metrics.ErrorMessage(err))
	}
	if err := st.Audit(ctx, metrics.AuditEntry{Actor: "cli", Action: action, Detail: name}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s\n", done, name)
	return nil
}

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, "Usage: assure token add [--db DSN] [--name LABEL] USER\n\nPrints a new API token for USER, for \"Authorization: Bearer TOKEN\". Only its hash is stored.")
			return nil
		}
		return usageError{"usage: assure token add [--db DSN] USER"}
	}
	c := newCommand("token add", "token add [--db DSN] [--name LABEL] USER",
		"Prints a new API token for USER, for \"Authorization: Bearer TOKEN\".\nOnly its SHA-256 is stored: keep the token safe, it is shown once.")
	dsn := c.String("db", envOr("ASSURE_DB", defaultDSN), "database (env ASSURE_DB)")
	label := c.String("name", "cli", "a label to tell the user's tokens apart")
	if helped, err := c.parseN(args[1:], stdout, stderr, 1, "token add needs one USER"); helped || err != nil {
		return err
	}
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	u, _, err := st.UserByName(ctx, c.Arg(0))
	if err != nil {
		return fmt.Errorf("token add: %s", metrics.ErrorMessage(err))
	}
	token, sum, err := auth.NewAPIToken()
	if err != nil {
		return err
	}
	if err := st.AddToken(ctx, u.ID, *label, sum); err != nil {
		return err
	}
	if err := st.Audit(ctx, metrics.AuditEntry{Actor: "cli", Action: metrics.AuditTokenAdded, Detail: u.Name + ": " + *label}); err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}
