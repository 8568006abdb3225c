package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// defaultDSN is the SQLite file used when neither --db nor ASSURE_DB is set.
const defaultDSN = "assure.db"

// defaultAddr is where the dashboard listens by default: loopback only,
// so a first run never exposes data to the network by accident.
const defaultAddr = "127.0.0.1:8080"

// envOr returns the environment variable's value, or def when unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// command is a subcommand's flag set with its synopsis and description.
type command struct {
	*flag.FlagSet
	synopsis string
	about    string
}

func newCommand(name, synopsis, about string) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &command{FlagSet: fs, synopsis: synopsis, about: about}
}

func (c *command) printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: assure %s\n\n%s\n", c.synopsis, c.about)
	c.SetOutput(w)
	c.PrintDefaults()
	c.SetOutput(io.Discard)
}

// parse parses args. helped is true when --help was asked for and the
// usage was printed to stdout; bad flags print the usage to stderr and
// return a usage error.
func (c *command) parse(args []string, stdout, stderr io.Writer) (helped bool, err error) {
	if err := c.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printUsage(stdout)
			return true, nil
		}
		c.printUsage(stderr)
		return false, usageError{err.Error()}
	}
	return false, nil
}

// parseN parses args as parse does and then wants n arguments besides
// the flags: with any other number it prints the usage to stderr and
// returns a usage error saying need ("publish needs one DIR").
func (c *command) parseN(args []string, stdout, stderr io.Writer, n int, need string) (helped bool, err error) {
	if helped, err := c.parse(args, stdout, stderr); helped || err != nil {
		return helped, err
	}
	if c.NArg() != n {
		c.printUsage(stderr)
		return false, usageError{need}
	}
	return false, nil
}
