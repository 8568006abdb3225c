// Command loadtest measures Assure under load: it generates a database of
// realistic size through the store's own ingest transaction, starts one or
// more dashboard servers on 127.0.0.1, signs users in, and drives
// concurrent clients at the pages and the API for a bounded time while a
// large workbook is uploaded through POST /api/v1/uploads. It prints
// requests per second and latency percentiles by route, errors, and the
// upload's duration. BENCHMARKS.md records what it measured.
//
//	go run ./cmd/loadtest [--db DSN] [--servers N] [--clients 50] [--duration 30s]
//	    [--metrics 200 --areas 20 --months 120] [--ingest-rows 100000]
//
// The servers run in this process (dashboard.New behind an http.Server
// each), so one run needs no build step and one CPU profile covers the
// servers and the clients. Several servers need PostgreSQL, each with a
// Store and connection pool of its own, as separate processes would have:
// Assure supports several servers only on a shared PostgreSQL, and two
// servers sharing one in-process SQLite Store would measure nothing that
// one server does not.
//
// Nothing is left behind: the SQLite file lives in a temporary folder,
// and on PostgreSQL the run works in a schema of its own that it drops at
// the end (--keep keeps either and prints where).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// config is everything a run is told.
type config struct {
	// DB is a postgres:// URL of a database the run may create a schema
	// in, or a SQLite file path that must not exist yet; empty means a
	// SQLite file in a temporary folder.
	DB      string
	Servers int
	Clients int
	// Duration is how long the clients send requests.
	Duration time.Duration
	Metrics  int
	Areas    int
	Months   int
	// Sensitive is the share of metrics classified sensitive.
	Sensitive float64
	// FinanceYears is how many financial years of monthly finance
	// workbooks are ingested, ending with 2021/22.
	FinanceYears int
	// IngestRows is the size of the long-layout workbook uploaded while
	// the clients run; 0 uploads nothing.
	IngestRows int
	// IngestAfter is when the upload starts, after the clients do.
	IngestAfter time.Duration
	// Think is each client's pause between requests; 0 is a closed loop
	// at full speed.
	Think time.Duration
	// Routes are the routes the clients ask for (--routes).
	Routes [nRoutes]bool
	// MaxRequests bounds the requests of the whole run, whatever the
	// duration.
	MaxRequests int
	// Timeout bounds one page or API request.
	Timeout time.Duration
	Keep    bool
	JSON    bool
	// Timeline, when not zero, also summarises the requests by when
	// they started, in steps of this length.
	Timeline time.Duration
	// CPUProfile and BlockProfile, when set, are written for the load
	// window (servers and clients together: they share the process).
	CPUProfile, BlockProfile, MemProfile string
	// ServerBin, when set, is an assure binary whose `serve` runs each
	// server as a process of its own, measured apart from the clients.
	ServerBin string
}

const usageText = `Usage: loadtest [flags]

Generates a database of --metrics x --areas x --months observations (a mix
of open and sensitive measures) and --finance-years of monthly finance
workbooks, starts --servers Assure servers on 127.0.0.1, and drives
--clients concurrent clients at the overview, metric pages, the series API,
/finance, the board pack and the public pages for --duration, while a
workbook of --ingest-rows rows is uploaded through POST /api/v1/uploads.
Prints requests per second, p50, p95 and p99 latency by route, errors and
the upload's duration.

--db is a postgres:// URL (the run creates a schema of its own in that
database and drops it at the end) or a SQLite file path that must not
exist yet; by default a SQLite file in a temporary folder. More than one
server needs PostgreSQL.

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var ue usageError
	switch {
	case err == nil:
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "loadtest: %s\n", ue.msg)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "loadtest: %v\n", err)
		os.Exit(1)
	}
}

// errTargetsMissed is returned, after the report, when a run had errors:
// a load test that lost requests must not look like a pass to a script.
var errTargetsMissed = errors.New("the run had errors (see above)")

// run is the whole program minus process exit, so that tests can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, helped, err := parseFlags(args, stdout, stderr)
	if helped || err != nil {
		return err
	}
	res, err := loadTest(ctx, cfg, stdout, stderr)
	if err != nil {
		return err
	}
	if cfg.JSON {
		if err := res.writeJSON(stdout); err != nil {
			return err
		}
	} else {
		res.print(stdout)
	}
	if res.Errors > 0 {
		return errTargetsMissed
	}
	return nil
}

// parseFlags reads the command line into a config. helped is true when
// --help printed the usage.
func parseFlags(args []string, stdout, stderr io.Writer) (cfg config, helped bool, err error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	// The flag package would print the usage on every parse error, to
	// one writer; this prints it once, to stdout for --help and to
	// stderr for a mistake.
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.DB, "db", "", "a postgres:// URL to create a schema in, or a new SQLite file path (default: a temporary SQLite file)")
	fs.IntVar(&cfg.Servers, "servers", 1, "Assure servers sharing the database (more than one needs PostgreSQL)")
	fs.IntVar(&cfg.Clients, "clients", 50, "concurrent clients")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long the clients send requests")
	fs.IntVar(&cfg.Metrics, "metrics", 200, "metrics in the generated catalogue")
	fs.IntVar(&cfg.Areas, "areas", 20, "areas per metric (the first is Force)")
	fs.IntVar(&cfg.Months, "months", 120, "months of values per metric and area, ending March 2022")
	fs.Float64Var(&cfg.Sensitive, "sensitive", 0.35, "share of metrics classified sensitive")
	fs.IntVar(&cfg.FinanceYears, "finance-years", 3, "financial years of monthly finance workbooks, ending 2021/22")
	fs.IntVar(&cfg.IngestRows, "ingest-rows", 100_000, "rows of the workbook uploaded during the load (0: no upload)")
	fs.DurationVar(&cfg.IngestAfter, "ingest-after", 0, "when the upload starts after the clients do (default: a tenth of --duration)")
	fs.DurationVar(&cfg.Think, "think", 0, "each client's pause between requests (0: a closed loop at full speed)")
	routes := fs.String("routes", "all", "routes to ask for, comma-separated: "+strings.Join(routeKeys[:], ", "))
	fs.IntVar(&cfg.MaxRequests, "max-requests", 2_000_000, "most requests in the whole run, whatever the duration")
	fs.DurationVar(&cfg.Timeout, "timeout", 60*time.Second, "time limit of one page or API request")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the generated database and print its DSN")
	fs.DurationVar(&cfg.Timeline, "timeline", 0, "also summarise the requests by when they started, in steps of this length (0: no timeline)")
	fs.BoolVar(&cfg.JSON, "json", false, "print the results as one JSON object instead of a table")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the load window to this file")
	fs.StringVar(&cfg.BlockProfile, "blockprofile", "", "write a blocking profile of the load window to this file")
	fs.StringVar(&cfg.ServerBin, "server-bin", "", "run each server as `assure serve` of this assure binary, a process of its own whose memory is measured apart from the clients' (default: servers in this process)")
	fs.StringVar(&cfg.MemProfile, "memprofile", "", "write a profile of the memory still in use at the end of the load window to this file")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return cfg, true, nil
		}
		fs.SetOutput(stderr)
		fs.Usage()
		return cfg, false, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return cfg, false, usageError{fmt.Sprintf("loadtest takes no arguments, got %q", fs.Args())}
	}
	if cfg.Routes, err = parseRoutes(*routes); err != nil {
		return cfg, false, usageError{"--routes: " + err.Error()}
	}
	if cfg.IngestAfter == 0 {
		cfg.IngestAfter = cfg.Duration / 10
	}
	return cfg, false, cfg.validate()
}

// Bounds of the generated data and of the load, so that a typing slip
// cannot ask for a day's run or a terabyte.
const (
	maxServers  = 8
	maxClients  = 2000
	maxDuration = time.Hour
	maxCells    = 50_000_000
	maxIngest   = 5_000_000
)

func (c config) validate() error {
	switch {
	case c.Servers < 1 || c.Servers > maxServers:
		return usageError{fmt.Sprintf("--servers must be from 1 to %d", maxServers)}
	case c.Servers > 1 && !isPostgres(c.DB):
		return usageError{"more than one server needs a shared PostgreSQL database: pass --db postgres://..."}
	case c.Clients < 1 || c.Clients > maxClients:
		return usageError{fmt.Sprintf("--clients must be from 1 to %d", maxClients)}
	case c.Duration <= 0 || c.Duration > maxDuration:
		return usageError{fmt.Sprintf("--duration must be more than 0 and at most %v", maxDuration)}
	case c.Metrics < 1 || c.Areas < 1 || c.Months < 1 || c.Months > 1200:
		return usageError{"--metrics and --areas must be at least 1, --months from 1 to 1200"}
	case c.Metrics*c.Areas*c.Months > maxCells:
		return usageError{fmt.Sprintf("--metrics x --areas x --months is more than %d observations", maxCells)}
	case c.Sensitive < 0 || c.Sensitive > 1:
		return usageError{"--sensitive is a share from 0 to 1"}
	case c.FinanceYears < 0 || c.FinanceYears > 20:
		return usageError{"--finance-years must be from 0 to 20"}
	case c.IngestRows < 0 || c.IngestRows > maxIngest:
		return usageError{fmt.Sprintf("--ingest-rows must be from 0 to %d", maxIngest)}
	case c.IngestAfter < 0 || c.Think < 0:
		return usageError{"--ingest-after and --think cannot be negative"}
	case c.MaxRequests < 1:
		return usageError{"--max-requests must be at least 1"}
	case c.Timeout <= 0:
		return usageError{"--timeout must be more than 0"}
	}
	return nil
}

// isPostgres reports whether dsn names a PostgreSQL server, as the store
// decides it.
func isPostgres(dsn string) bool {
	l := strings.ToLower(dsn)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}
