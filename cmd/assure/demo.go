package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/assure-pcc/assure/cmd/assure/sample"
	"github.com/assure-pcc/assure/dashboard"
	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	c := newCommand("demo", "demo [--addr HOST:PORT] [--dir DIR]",
		"Creates a fresh SQLite database, writes the illustrative sample workbooks,\ningests them through the ordinary ingest and serves the dashboard.")
	addr := c.String("addr", envOr("ASSURE_ADDR", defaultAddr), "address to listen on (env ASSURE_ADDR)")
	dir := c.String("dir", "", "folder for the demo database and sample workbooks (default: a new temporary folder, removed on exit)")
	if helped, err := c.parse(args, stdout, stderr); helped || err != nil {
		return err
	}
	return demo(ctx, *addr, *dir, stdout, logger, nil)
}

// demo builds the demo database in dir (a temporary folder when empty)
// and serves it.
func demo(ctx context.Context, addr, dir string, stdout io.Writer, logger *slog.Logger, ready func(string)) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "assure-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dbPath := filepath.Join(dir, "demo.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("demo: remove the old demo database: %w", err)
		}
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	files, err := sample.WriteAll(dir)
	if err != nil {
		return fmt.Errorf("demo: write sample workbooks: %w", err)
	}
	in := ingest.New(st, logger)
	for _, path := range files {
		rep, err := in.IngestFile(ctx, path, ingest.Options{UploadedBy: "demo"})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if rep.Status != ingest.StatusStored {
			printReport(stdout, rep)
			return fmt.Errorf("demo: sample workbook %s was %s", rep.File, rep.Status)
		}
		if f := rep.Finance; f != nil {
			fmt.Fprintf(stdout, "loaded %s: %s, forecast variance %s\n", rep.File, f.Label, metrics.FormatVariance(f.VarianceGBP))
			continue
		}
		fmt.Fprintf(stdout, "loaded %s: %d values of %d metrics\n", rep.File, rep.Counts.Observations, rep.Counts.Metrics)
	}
	if err := demoNational(ctx, in, dir, stdout); err != nil {
		return err
	}
	if err := demoApprove(ctx, st, stdout); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := sample.AddContext(ctx, st); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(stdout, "added %d illustrative annotations and a commentary\n", len(sample.Annotations()))
	// The national table's forces include Cambridgeshire, whose figures
	// the overview then sets against England and Wales.
	if err := st.InitSettings(ctx, metrics.Settings{Organisation: "Illustrative Office of the Police and Crime Commissioner", HomeArea: "Cambridgeshire"}, "cli"); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintln(stdout, "The sample figures are illustrative, not real data.")
	if err := demoUsers(ctx, st, stdout); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return serve(ctx, dashboard.Config{Store: st, Ingester: in, Logger: logger, Version: version}, addr, stdout, ready)
}

// demoUsers adds one user per role with a fresh random password and
// prints the logins, so each role's view can be tried.
func demoUsers(ctx context.Context, st *store.Store, stdout io.Writer) error {
	fmt.Fprintln(stdout, "Sign in as any of these (the passwords are new each run):")
	for _, role := range metrics.Roles {
		password := rand.Text()[:16]
		hash, err := auth.HashPassword(password, string(role))
		if err != nil {
			return err
		}
		if _, err := st.CreateUser(ctx, string(role), role, hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-8s password %s\n", role, password)
	}
	return nil
}

// demoNational loads the illustrative national table through its shipped
// mapping, as an analyst would, so that the demo can compare and rank
// forces.
func demoNational(ctx context.Context, in *ingest.Ingester, dir string, stdout io.Writer) error {
	path, err := sample.WriteNational(dir)
	if err != nil {
		return fmt.Errorf("demo: write the sample national table: %w", err)
	}
	m, _ := mapping.Named(sample.NationalMapping)
	rep, err := in.IngestFile(ctx, path, ingest.Options{UploadedBy: "demo", Mapping: m})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if rep.Status != ingest.StatusStored {
		printReport(stdout, rep)
		return fmt.Errorf("demo: sample table %s was %s", rep.File, rep.Status)
	}
	fmt.Fprintf(stdout, "loaded %s through the mapping %s: %d values of %d metrics\n", rep.File, rep.Mapping, rep.Counts.Observations, rep.Counts.Metrics)
	return nil
}

// demoApprove approves the sample catalogue's requests to publish its
// open measures, as the demo's administrator: uploads only propose to
// open a measure, and the demo shows the public pages as an office that
// had approved them would.
func demoApprove(ctx context.Context, st *store.Store, stdout io.Writer) error {
	ps, err := st.ListProposals(ctx, false)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if _, err := st.DecideProposal(ctx, p.ID, store.Decision{Approve: true, By: "admin", Note: "the demo's sample measures", TwoPerson: true}); err != nil {
			return err
		}
		detail := fmt.Sprintf("proposal %d: %s %s → %s (the demo's sample measures)", p.ID, p.MetricID, p.Current, p.Classification)
		if err := st.Audit(ctx, metrics.AuditEntry{Actor: "admin", Action: metrics.AuditProposalApproved, Detail: detail, IP: "demo"}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "approved the %d sample measures the catalogue marks open, as admin\n", len(ps))
	return nil
}
