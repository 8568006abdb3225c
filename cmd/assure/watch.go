package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/watch"
	"github.com/assure-pcc/assure/metrics/store"
)

// watchFlags are the drop folder's settings, for `assure watch` and
// `assure serve --watch`.
type watchFlags struct {
	as       *string
	settle   *time.Duration
	poll     *time.Duration
	pollOnly *bool
}

func addWatchFlags(c *command, asFlag string) *watchFlags {
	return &watchFlags{
		as:       c.String(asFlag, envOr("ASSURE_WATCH_AS", ""), "the user dropped files are uploaded as: an analyst (performance workbooks) or finance user (finance workbooks) (env ASSURE_WATCH_AS)"),
		settle:   c.Duration("watch-settle", watch.DefaultSettle, "how long a dropped file must stay unchanged before it is read"),
		poll:     c.Duration("watch-poll", watch.DefaultPoll, "how often the folder is looked at besides notifications"),
		pollOnly: c.Bool("watch-poll-only", false, "look every --watch-poll only, for network shares that send no notifications"),
	}
}

func (f *watchFlags) watcher(dir string, in *ingest.Ingester, logger *slog.Logger) (*watch.Watcher, error) {
	if *f.as == "" {
		return nil, usageError{"the drop folder needs a user to upload as: give --watch-as NAME (an analyst or finance user)"}
	}
	if *f.settle < 0 || *f.poll <= 0 {
		return nil, usageError{"--watch-settle and --watch-poll must be positive"}
	}
	return watch.New(watch.Config{Dir: dir, Ingester: in, As: *f.as, Settle: *f.settle, Poll: *f.poll, PollOnly: *f.pollOnly, Logger: logger})
}

func runWatch(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	c := newCommand("watch", "watch [--db DSN] --watch-as NAME [--watch-settle 2s] [--watch-poll 10s] [--watch-poll-only] DIR",
		"Ingests each workbook saved to DIR once it has stopped changing, as NAME, and moves it\nto DIR/done/ or DIR/rejected/ with the ingest's report beside it (NAME.report.txt).\nA file is never ingested twice (by SHA-256). Runs until interrupted.")
	dsn := c.String("db", envOr("ASSURE_DB", defaultDSN), "database: a SQLite file path or a postgres:// URL (env ASSURE_DB)")
	wf := addWatchFlags(c, "watch-as")
	c.StringVar(wf.as, "as", *wf.as, "the same as --watch-as")
	lim := addLimitFlags(c)
	if helped, err := c.parseN(args, stdout, stderr, 1, "watch needs one folder"); helped || err != nil {
		return err
	}
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	in := ingest.New(st, logger)
	lim.apply(in)
	w, err := wf.watcher(c.Arg(0), in, logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Watching %s for workbooks, uploading as %s\n", c.Arg(0), *wf.as)
	return w.Run(ctx)
}
