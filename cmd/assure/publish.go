package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/assure-pcc/assure/dashboard"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics/store"
)

func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	c := newCommand("publish", "publish [--db DSN] DIR",
		"Writes the public pages as a static site into DIR (index.html, a page and\na CSV per open measure, the css and chart scripts), built from open\nmeasures only, for the Commissioner's website. Files in DIR are replaced.")
	dsn := c.String("db", envOr("ASSURE_DB", defaultDSN), "database: a SQLite file path or a postgres:// URL (env ASSURE_DB)")
	if helped, err := c.parse(args, stdout, stderr); helped || err != nil {
		return err
	}
	if c.NArg() != 1 {
		c.printUsage(stderr)
		return usageError{"publish needs one DIR"}
	}
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := dashboard.New(dashboard.Config{Store: st, Ingester: ingest.New(st, logger), Logger: logger, Version: version})
	if err != nil {
		return err
	}
	n, err := srv.Publish(ctx, c.Arg(0))
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	fmt.Fprintf(stdout, "published %d files to %s\n", n, c.Arg(0))
	return nil
}
