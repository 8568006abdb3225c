// Command assure is the performance and finance dashboard of a Police and
// Crime Commissioner's office: one binary that ingests workbooks, serves
// the dashboard and writes templates.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitError carries an exit status without a message of its own, e.g. an
// ingest that rejected a file (status 1) after printing its report.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

const usage = `Assure: performance and finance dashboard for police accountability boards.

Usage:
  assure serve    [--db DSN] [--addr HOST:PORT] [--watch DIR --watch-as NAME]
                                                   serve the dashboard
  assure ingest   [--db DSN] [--dry-run] [--json] [--kind KIND] [--period 2021-22/M5] FILE...
                                                   load workbooks
  assure watch    [--db DSN] --watch-as NAME DIR     ingest workbooks saved to a drop folder
  assure demo     [--addr HOST:PORT]                a dashboard with sample data
  assure template performance|finance FILE          write a blank workbook
  assure publish  [--db DSN] [--meeting DATE] DIR   make DIR the published site (open measures only)
  assure user add|list|disable|enable [--db DSN] ... manage users
  assure token add [--db DSN] USER                  print an API token
  assure catalogue proposals|approve|refuse ...      decide classification proposals
  assure version                                    print the version

DSN is a SQLite file path (the default, assure.db) or a postgres:// URL.
Environment: ASSURE_DB, ASSURE_ADDR. Run "assure COMMAND --help" for more.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err, if it has anything to say, and maps it to an exit
// status: 2 for bad usage, an exitError's own code, 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "assure: %s\n", ue.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "assure: %v\n", err)
		return 1
	}
}

// run is the whole program, minus process exit, so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel()}))
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr, logger)
	case "ingest":
		return runIngest(ctx, rest, stdout, stderr, logger)
	case "watch":
		return runWatch(ctx, rest, stdout, stderr, logger)
	case "demo":
		return runDemo(ctx, rest, stdout, stderr, logger)
	case "template":
		return runTemplate(rest, stdout, stderr)
	case "publish":
		return runPublish(ctx, rest, stdout, stderr, logger)
	case "user":
		return runUser(ctx, rest, stdin, stdout, stderr)
	case "token":
		return runToken(ctx, rest, stdout, stderr)
	case "catalogue":
		return runCatalogue(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "assure %s\n", version)
		return nil
	case "help", "--help", "-help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// logLevel reads ASSURE_LOG_LEVEL (debug, info, warn, error).
func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("ASSURE_LOG_LEVEL"))); err != nil {
		return slog.LevelInfo
	}
	return l
}
