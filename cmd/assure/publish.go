package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/assure-pcc/assure/dashboard"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics/store"
)

func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	c := newCommand("publish", "publish [--db DSN] [--meeting 2022-02-10] DIR",
		"Makes DIR exactly the published site for the Commissioner's website: an\n"+
			"index, a page and a CSV per open measure, the css and chart scripts, and\n"+
			"manifest.json (what was published, when, from which data version). With\n"+
			"--meeting, the open part of that meeting's board pack too. Only open\n"+
			"measures are published. The site is built in a new folder beside DIR and\n"+
			"swapped in whole: DIR's previous content is replaced, so DIR must be new,\n"+
			"empty, or a folder Assure published; a symbolic link is refused.")
	dsn := c.String("db", envOr("ASSURE_DB", defaultDSN), "database: a SQLite file path or a postgres:// URL (env ASSURE_DB)")
	meeting := c.String("meeting", "", "also publish the open part of this meeting's board pack (2022-02-10)")
	if helped, err := c.parseN(args, stdout, stderr, 1, "publish needs one DIR"); helped || err != nil {
		return err
	}
	var opts dashboard.PublishOptions
	if *meeting != "" {
		t, err := time.Parse(time.DateOnly, *meeting)
		if err != nil {
			return usageError{fmt.Sprintf("--meeting must be a date written as 2022-02-10, not %q", *meeting)}
		}
		opts.Meeting = t
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
	dir := c.Arg(0)
	m, err := srv.Publish(ctx, dir, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "published %d open measures (%d files) to %s, from data version %d\n", len(m.Measures), len(m.Files)+1, dir, m.DataVersion)
	if m.BoardPack != nil {
		fmt.Fprintf(stdout, "with the open part of the board pack for %s: %s\n", m.BoardPack.Meeting, filepath.Join(dir, filepath.FromSlash(m.BoardPack.Page)))
	}
	fmt.Fprintf(stdout, "manifest: %s\n", filepath.Join(dir, dashboard.ManifestName))
	return nil
}
