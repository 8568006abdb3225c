package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	c := newCommand("ingest", "ingest [--db DSN] [--dry-run] [--json] [--kind KIND] [--map NAME-OR-FILE] [--period P] FILE...",
		"Checks each workbook cell by cell and stores it in one transaction, or stores\nnothing and lists every problem. With --map, reads each FILE (.xlsx or .csv)\nas a national or open table through a mapping: "+mappingNames()+",\nor a mapping file. Exit status: 0 when every file was stored (or would be,\nwith --dry-run), 1 when any file was rejected, 2 on bad usage.")
	dsn := c.String("db", envOr("ASSURE_DB", defaultDSN), "database: a SQLite file path or a postgres:// URL (env ASSURE_DB)")
	dryRun := c.Bool("dry-run", false, "check the files and report what would be stored, storing nothing")
	asJSON := c.Bool("json", false, "print one JSON report per file, one per line")
	kind := c.String("kind", "", "force the workbook kind: performance or finance (default: detect)")
	period := c.String("period", "", "the month of a finance workbook whose title and file name do not say it, as 2021-22/M5 (M1 is April); with --map, the period of a table, as \"YE Dec 2019\" or 2019-12")
	mapName := c.String("map", "", "read the files as tables through this mapping: a shipped mapping's name or a mapping file (YAML)")
	lim := addLimitFlags(c)
	csvMB := c.Int64("max-csv-mb", ingest.DefaultTableLimits().MaxCSVBytes>>20, "largest CSV table accepted with --map, in MB (it is streamed, not held in memory)")
	if helped, err := c.parse(args, stdout, stderr); helped || err != nil {
		return err
	}
	if c.NArg() == 0 {
		c.printUsage(stderr)
		return usageError{"ingest needs at least one FILE"}
	}
	if *kind != "" && *kind != metrics.KindPerformance && *kind != metrics.KindFinance {
		return usageError{fmt.Sprintf("--kind %q: the kinds are performance and finance", *kind)}
	}
	var m *mapping.Mapping
	if *mapName != "" {
		if *kind != "" {
			return usageError{"--kind and --map: a table read through a mapping has no workbook kind, leave --kind out"}
		}
		var err error
		if m, err = mapping.Resolve(*mapName); err != nil {
			return usageError{"--map: " + metrics.ErrorMessage(err)}
		}
		if *period != "" {
			if _, err := metrics.ParsePeriod(*period); err != nil {
				return usageError{"--period: " + metrics.ErrorMessage(err)}
			}
		}
	} else if *period != "" {
		if _, err := metrics.ParseFinancePeriod(*period); err != nil {
			return usageError{"--period: " + metrics.ErrorMessage(err)}
		}
	}
	st, in, err := lim.open(ctx, *dsn, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	in.Table.MaxCSVBytes = *csvMB << 20
	// Nobody waits on this process's cores but the ingest itself.
	in.Standalone = true

	rejected := 0
	enc := json.NewEncoder(stdout)
	for _, path := range c.Args() {
		opts := ingest.Options{DryRun: *dryRun, Kind: *kind, Period: *period, UploadedBy: "cli", Mapping: m}
		var bar *progressbar.ProgressBar
		if !*asJSON && isTerminal(stderr) {
			bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(stderr),
				progressbar.OptionSetDescription("reading "+path), progressbar.OptionShowCount(),
				progressbar.OptionSetItsString("rows"), progressbar.OptionShowIts(), progressbar.OptionClearOnFinish())
			opts.Progress = func(rows int64) { _ = bar.Set64(rows) }
		}
		rep, err := in.IngestFile(ctx, path, opts)
		if bar != nil {
			_ = bar.Finish()
		}
		if err != nil {
			return err
		}
		if rep.Rejected() {
			rejected++
		}
		if *asJSON {
			if err := enc.Encode(rep); err != nil {
				return err
			}
			continue
		}
		printReport(stdout, rep)
	}
	if rejected > 0 {
		return exitError{1}
	}
	return nil
}

// mappingNames lists the shipped mappings for the usage text.
func mappingNames() string {
	var names []string
	for _, i := range mapping.List() {
		names = append(names, i.Name)
	}
	return strings.Join(names, ", ")
}

// printReport writes a report for a person.
func printReport(w io.Writer, rep ingest.Report) { rep.WriteText(w) }

// isTerminal reports whether w is a terminal, for the progress bar.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// limitFlags are the input limits an operator may raise. Each message
// of a rejected file names the flag that raises the limit it hit.
type limitFlags struct {
	fileMB, partMB, sheetMB, totalMB, memoryMB *int64
	entries                                    *int
	ratio                                      *float64
}

func addLimitFlags(c *command) *limitFlags {
	d := ingest.DefaultLimits()
	return &limitFlags{
		fileMB:   c.Int64("max-file-mb", d.MaxFileBytes>>20, "largest workbook accepted, in MB"),
		partMB:   c.Int64("max-part-mb", d.MaxPartBytes>>20, "largest uncompressed part of a workbook other than sheets, in MB"),
		sheetMB:  c.Int64("max-sheet-mb", d.MaxSheetXMLBytes>>20, "largest uncompressed sheet, in MB"),
		totalMB:  c.Int64("max-total-mb", d.MaxTotalUncompressed>>20, "largest uncompressed workbook, in MB"),
		memoryMB: c.Int64("max-memory-mb", d.MaxInMemoryBytes>>20, "most uncompressed non-sheet parts held in memory, in MB"),
		entries:  c.Int("max-entries", d.MaxEntries, "most parts in a workbook package"),
		ratio:    c.Float64("max-ratio", d.MaxRatio, "highest compression ratio of a large part (zip bombs exceed it)"),
	}
}

// open opens the database and an ingester with these limits.
func (l *limitFlags) open(ctx context.Context, dsn string, logger *slog.Logger) (*store.Store, *ingest.Ingester, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	in := ingest.New(st, logger)
	l.apply(in)
	return st, in, nil
}

func (l *limitFlags) apply(in *ingest.Ingester) {
	in.Package.MaxFileBytes = *l.fileMB << 20
	in.Package.MaxPartBytes = *l.partMB << 20
	in.Package.MaxSheetXMLBytes = *l.sheetMB << 20
	in.Package.MaxTotalUncompressed = *l.totalMB << 20
	in.Package.MaxInMemoryBytes = *l.memoryMB << 20
	in.Package.MaxEntries = *l.entries
	in.Package.MaxRatio = *l.ratio
	in.Sheet.MaxSheetXMLBytes = *l.sheetMB << 20
}
