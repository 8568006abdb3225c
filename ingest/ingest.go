// Package ingest turns workbooks into stored measures: it recognises the
// file, checks it cell by cell, and stores it in one transaction, or
// stores nothing and says every problem found.
package ingest

import (
	"archive/zip"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// Options tune one ingest.
type Options struct {
	// DryRun checks the file and reports what would be stored, then
	// stores nothing.
	DryRun bool
	// Kind forces the workbook kind ("performance" or "finance"); empty
	// detects it.
	Kind string
	// Period gives the month of a finance workbook as "2021-22/M5", for
	// a file whose title and name do not say it; when they do, all must
	// agree. Performance workbooks ignore it.
	Period string
	// UploadedBy names who gave the file (a user name, or "cli").
	UploadedBy string
	// Progress, when set, is called every thousand rows with the number
	// of rows read so far, for a progress bar.
	Progress func(rows int64)
	// Mapping, when set, reads the file as a national or open table
	// (.xlsx or .csv) through this mapping, as an upload of kind
	// "table"; Period, if given, is then the table's period as
	// metrics.ParsePeriod reads it ("YE Dec 2019").
	Mapping *mapping.Mapping
	// Allow, when set, is asked once the kind is known whether this
	// uploader may store that kind; its error (a *metrics.Error with code
	// EFORBIDDEN) is returned and nothing is read or stored.
	Allow func(kind string) error
}

// Ingester loads files into a store.
type Ingester struct {
	Store  *store.Store
	Logger *slog.Logger
	// Package limits the .xlsx package before anything parses it.
	Package Limits
	// Sheet limits what the cell reader accepts.
	Sheet xlsx.Limits
	// MaxErrors caps the errors listed in a report.
	MaxErrors int
	// Table limits what reading a table through a mapping may cost.
	Table TableLimits
	// Timeout bounds the time spent on one file.
	Timeout time.Duration
	// TotalMoveShare is the share by which a finance file's revenue
	// totals may move since the previous month before the report warns;
	// zero means TotalMoveShare (5%).
	TotalMoveShare float64
	// Standalone says that nothing else waits for the machine's cores
	// while this ingests, as in `assure ingest`: a large sheet's merged
	// cells are then found beside its rows, on the other core, rather
	// than first (see ingest). A server leaves it false: an upload
	// keeping both cores busy at once made its readers' p99 during the
	// upload about twice as long in the load test (BENCHMARKS.md).
	Standalone bool
}

// New returns an Ingester with the default limits.
func New(st *store.Store, logger *slog.Logger) *Ingester {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Ingester{
		Store:     st,
		Logger:    logger,
		Package:   DefaultLimits(),
		Sheet:     xlsx.DefaultLimits(),
		Table:     DefaultTableLimits(),
		MaxErrors: 100,
		Timeout:   5 * time.Minute,
	}
}

// IngestFile reads the file at path and ingests it under its base name.
func (in *Ingester) IngestFile(ctx context.Context, path string, opts Options) (Report, error) {
	if opts.Mapping != nil {
		// A CSV table is streamed, however large (see table_file.go).
		f, name, size, isCSV, err := openTableFile(path)
		if err != nil {
			return Report{}, err
		}
		defer f.Close()
		if isCSV {
			rep, err := in.ingestCSVFile(ctx, f, name, size, opts)
			if err != nil && connectionLost(err) {
				err = fmt.Errorf("%s: the connection to the database was lost, so nothing from this file was stored; "+
					"run the ingest again once the database is back: %w", name, err)
			}
			return rep, err
		}
	}
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return Report{}, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	// A regular file is read by offset where it lies, never held whole:
	// a 25 MB workbook held for the whole ingest, with the collector's
	// headroom over it, was a third of the ingest's memory.
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= in.Package.MaxFileBytes {
		return in.ingestOriginal(ctx, name, original{r: f, size: fi.Size()}, opts)
	}
	content, err := readFileLimited(f, in.Package.MaxFileBytes)
	if err != nil {
		var me *metrics.Error
		if errors.As(err, &me) {
			return rejectedReport(name, "", Problem{Message: me.Message}), nil
		}
		return Report{}, fmt.Errorf("read %s: %w", path, err)
	}
	return in.Ingest(ctx, name, content, opts)
}

// readFileLimited reads all of f, refusing more than max bytes. A regular
// file is read into a buffer of its size, once: io.ReadAll's doubling
// allocated twice a 25 MB workbook's size and copied it as it grew,
// which set the ingest's peak memory.
func readFileLimited(f *os.File, max int64) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return readLimited(f, max)
	}
	if fi.Size() > max {
		return nil, fileTooLarge(max)
	}
	content := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, content); err != nil {
		return nil, err
	}
	// A file that grew since Stat is read to its end, within the limit.
	rest, err := readLimited(f, max-int64(len(content)))
	if err != nil {
		if metrics.ErrorCode(err) == metrics.ETOOLARGE {
			return nil, fileTooLarge(max)
		}
		return nil, err
	}
	return append(content, rest...), nil
}

func fileTooLarge(max int64) error {
	return metrics.Errorf(metrics.ETOOLARGE,
		"the file is larger than the %d MB limit: split it, or raise the limit with --max-file-mb", max>>20)
}

// readLimited reads all of r, refusing more than max bytes.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	content, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(content)) > max {
		return nil, fileTooLarge(max)
	}
	return content, nil
}

func rejectedReport(name, sum string, p ...Problem) Report {
	return Report{File: name, SHA256: sum, Status: StatusRejected, Errors: p, Warnings: []Problem{}}
}

// Ingest checks content, a file called name, and stores it in one
// transaction unless it is rejected, already stored, or opts.DryRun.
// A returned error means Assure itself failed (the database, say); a
// file's own faults are in the Report, with Status "rejected".
func (in *Ingester) Ingest(ctx context.Context, name string, content []byte, opts Options) (Report, error) {
	return in.ingestOriginal(ctx, name, inMemory(content), opts)
}

// ingestOriginal is Ingest of a file in memory or on disk.
func (in *Ingester) ingestOriginal(ctx context.Context, name string, src original, opts Options) (Report, error) {
	rep, err := in.ingest(ctx, name, src, opts)
	if err == nil {
		return rep, nil
	}
	if fault := store.StorageFault(err); fault != "" {
		return rep, fmt.Errorf("%s: %s, so nothing from this file was stored; fix that and run the ingest again: %w", name, fault, err)
	}
	if connectionLost(err) {
		err = fmt.Errorf("%s: the connection to the database was lost, so nothing from this file was stored; "+
			"run the ingest again once the database is back: %w", name, err)
	}
	return rep, err
}

// connectionLost reports whether err means the database went away (as
// opposed to refusing something), so the message can say what to do.
func connectionLost(err error) bool {
	var ne net.Error
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) || errors.As(err, &ne)
}

func (in *Ingester) ingest(ctx context.Context, name string, src original, opts Options) (Report, error) {
	sum, err := src.sha256()
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", name, err)
	}
	rep := Report{File: name, SHA256: sum, DryRun: opts.DryRun, Errors: []Problem{}, Warnings: []Problem{}}
	if in.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, in.Timeout)
		defer cancel()
	}
	if src.size > in.Package.MaxFileBytes {
		rep.Status = StatusRejected
		rep.Errors = append(rep.Errors, Problem{Message: fmt.Sprintf(
			"the file is larger than the %d MB limit: split it, or raise the limit with --max-file-mb", in.Package.MaxFileBytes>>20)})
		return rep, nil
	}
	if done, err := in.unchanged(ctx, &rep); done || err != nil {
		return rep, err
	}

	if opts.Mapping != nil {
		content, err := src.content()
		if err != nil {
			return rep, fmt.Errorf("%s: %w", name, err)
		}
		return in.ingestTable(ctx, rep, name, content, opts)
	}
	wb, err := in.open(name, src)
	if err != nil {
		var me *metrics.Error
		if errors.As(err, &me) {
			rep.Status = StatusRejected
			rep.Errors = append(rep.Errors, Problem{Message: me.Message})
			return rep, nil
		}
		return rep, err
	}

	// Standalone, a large sheet's merged cells are read beside its rows
	// rather than before them, on the other core (see
	// xlsx.ReadMergesAlongside). A reading that went ahead of a merged
	// range over rows it had read is dropped, its transaction rolled
	// back, and the workbook read again knowing every sheet's merged
	// cells first.
	if in.Standalone {
		wb.ReadMergesAlongside()
	}
	first, err := in.ingestWorkbook(ctx, rep, wb, name, src, opts)
	if !wb.MergesLate() {
		return first, err
	}
	in.Logger.Info("file read again: its merged cells were learnt after the rows they cover", "file", name)
	wb.ReadMergesFirst()
	return in.ingestWorkbook(ctx, rep, wb, name, src, opts)
}

// ingestWorkbook reads an opened workbook as its kind, given or detected.
func (in *Ingester) ingestWorkbook(ctx context.Context, rep Report, wb *xlsx.Workbook, name string, src original, opts Options) (Report, error) {
	kind := opts.Kind
	if kind == "" {
		kind = detectKind(wb)
	}
	rep.Kind = kind
	if opts.Allow != nil {
		if err := opts.Allow(kind); err != nil {
			return rep, err
		}
	}
	if kind == metrics.KindFinance {
		return in.ingestFinance(ctx, rep, wb, name, src, opts)
	}
	if kind != metrics.KindPerformance {
		rep.Status = StatusRejected
		rep.Errors = append(rep.Errors, Problem{Message: fmt.Sprintf("%q workbooks are not supported: use --kind performance or --kind finance", kind)})
		return rep, nil
	}
	return in.ingestPerformance(ctx, rep, wb, name, src, opts)
}

// ingestPerformance reads a performance workbook. A dry run reads what is
// stored and writes nothing; a real ingest streams the values into its
// transaction as they are read, and the report of both says the same:
// what the file would change, or has changed.
func (in *Ingester) ingestPerformance(ctx context.Context, rep Report, wb *xlsx.Workbook, name string, file original, opts Options) (Report, error) {
	tx, err := in.beginUnlessDry(ctx, opts, rep, metrics.KindPerformance, file)
	if err != nil {
		return rep, err
	}
	var src storedReader = in.Store
	if tx != nil {
		defer tx.Rollback()
		src = tx
	}
	stored, err := src.IngestCatalogue(ctx)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	probs := &problems{max: in.MaxErrors}
	r := &performanceReader{wb: wb, tx: tx, probs: probs, counts: &rep.Counts, file: name, calc: newFormulaCalc(file), progress: opts.Progress,
		cat: newCatalogue(stored), sink: newValueSink(tx, src, name)}
	// However the reading ends, its writer stops before the transaction
	// is rolled back (deferred above, so run after this).
	defer r.sink.drop()
	err = r.read(ctx)
	r.calc.close()
	if err != nil {
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	rep.Counts.Metrics = len(r.cat.order)
	// The preview's comparison with the stored figures only reads what
	// the reading kept and the stored series, and only warns: it runs
	// beside the writing below (the catalogue and Finish, which only read
	// the catalogue), on the other core, with warnings of its own added
	// after it. Finish hands it each measure's stored series as it reads
	// them to merge into (feed); compare reads any it was not given once
	// the writing is over.
	compared := make(chan error, 1)
	var measures []MeasureChange
	warned := &problems{max: probs.max}
	comparing := !probs.failed()
	feed := make(chan storedOf, finishFeedAhead)
	compareEnded := make(chan struct{})
	cctx, stopComparing := context.WithCancel(ctx)
	defer stopComparing()
	var before func(string, store.StoredSeries)
	if !comparing {
		close(compareEnded)
		compared <- nil
	} else {
		before = func(id string, ss store.StoredSeries) {
			select {
			case feed <- storedOf{metricID: id, series: ss}:
			case <-compareEnded: // it failed: Finish need not wait
			}
		}
		go func() {
			var err error
			defer func() {
				// Not the request's goroutine: its recovery would not
				// see a panic here, which would end the server.
				if p := recover(); p != nil {
					err = fmt.Errorf("compare with the stored values: panic: %v", p)
				}
				close(compareEnded)
				compared <- err
			}()
			measures, err = r.sink.compare(cctx, r.cat, warned, feed)
		}()
	}
	wrote, err := in.writePerformance(ctx, r, tx, probs, before)
	if err != nil {
		// The comparison is not used: it need not read what it was not
		// given from a transaction that failed.
		stopComparing()
	}
	close(feed)
	cerr := <-compared
	if err != nil {
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	if cerr != nil {
		return rep, fmt.Errorf("%s: %w", name, cerr)
	}
	probs.addWarnings(warned)
	if comparing {
		rep.Preview = &Preview{Catalogue: r.cat.changes(), Measures: measures}
	}
	rep.Counts.Superseded = wrote.Superseded
	return in.end(rep, probs, tx, wb, "kind", metrics.KindPerformance, "observations", rep.Counts.Observations)
}

// finishFeedAhead is how many measures' stored series Finish may read
// ahead of the comparison: enough that neither waits on the other's
// uneven steps, few enough that memory holds a few series, not all.
const finishFeedAhead = 4

// writePerformance writes what a performance workbook defines and
// finishes its values, unless the file is rejected or this is a dry run.
// Duplicate values are reported as errors in probs.
func (in *Ingester) writePerformance(ctx context.Context, r *performanceReader, tx *store.IngestTx, probs *problems, before func(string, store.StoredSeries)) (store.IngestCounts, error) {
	if !probs.failed() && tx != nil {
		if err := r.applyCatalogue(ctx); err != nil {
			return store.IngestCounts{}, err
		}
	}
	if !probs.failed() && tx != nil {
		counts, err := tx.FinishSeeing(ctx, before)
		var dup *store.DuplicateError
		switch {
		case errors.As(err, &dup):
			for _, d := range dup.Duplicates {
				probs.errorf("", "", "%s, %s, %s appears twice, at %s and at %s: keep one", d.MetricID, d.Area, d.PeriodKey, d.First, d.Second)
			}
			probs.dropped += dup.Total - len(dup.Duplicates)
		case err != nil:
			return store.IngestCounts{}, fmt.Errorf("finish: %w", err)
		default:
			return counts, nil
		}
	}
	return store.IngestCounts{}, nil
}

// beginUnlessDry opens the transaction of a real ingest of a workbook of
// kind: its upload, with content as the original file. A dry run writes
// nothing, and gets none (nil).
func (in *Ingester) beginUnlessDry(ctx context.Context, opts Options, rep Report, kind string, src original) (*store.IngestTx, error) {
	if opts.DryRun {
		return nil, nil
	}
	u := metrics.Upload{FileName: rep.File, SHA256: rep.SHA256, Kind: kind, Size: src.size, UploadedBy: opts.UploadedBy}
	var (
		tx  *store.IngestTx
		err error
	)
	if src.bytes != nil {
		tx, err = in.Store.BeginIngest(ctx, u, src.bytes)
	} else {
		// Stored in parts as it is read from disk, and checked against
		// the digest the ingest began with.
		tx, err = in.Store.BeginIngestFrom(ctx, u, src.reader())
	}
	if err != nil {
		return nil, fmt.Errorf("%s: begin: %w", rep.File, err)
	}
	return tx, nil
}

// open recognises the file, checks the package against the limits and
// opens its workbook. Faults of the file come back as *metrics.Error.
func (in *Ingester) open(name string, src original) (*xlsx.Workbook, error) {
	r, size := src.r, src.size
	// Order matters: the package check counts the zip's directory records
	// itself before archive/zip, which trusts them, ever reads it.
	if t, err := SniffFile(r, size, name); err != nil {
		return nil, err
	} else if t == FileCSV {
		return nil, metrics.Errorf(metrics.EINVALID, "%s is a CSV table: tables are read through a mapping that says which columns hold what. Choose the mapping for its format (%s), or give your own with assure ingest --map FILE",
			name, strings.Join(mappingNames(), ", "))
	}
	if _, err := CheckPackage(r, size, in.Package); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, metrics.Errorf(metrics.EINVALID, "%s is not a readable .xlsx workbook (%v): open it in Excel and save it as .xlsx", name, err)
	}
	if err := SniffPackage(zr).Reject(name); err != nil {
		return nil, err
	}
	wb, err := xlsx.Open(zr, in.Sheet)
	if err != nil {
		return nil, asFileError(name, err)
	}
	return wb, nil
}

// asFileError turns a reader's complaint about the file into a
// user-facing error, keeping a *metrics.Error's own message: a damaged
// part (its XML is the reader's to check) says what to do about it.
func asFileError(name string, err error) error {
	var me *metrics.Error
	switch {
	case errors.As(err, &me):
		return me
	case errors.Is(err, xlsx.ErrMalformed):
		return metrics.Errorf(metrics.EINVALID, "%s is damaged (%v): open it in Excel and save it again as .xlsx", name, strings.TrimPrefix(err.Error(), "xlsx: "))
	}
	return metrics.Errorf(metrics.EINVALID, "%s could not be read as a workbook: %v", name, err)
}

// detectKind tells a performance workbook from a finance one by its
// sheets: a sheet named Revenue, or headed with business area, budget and
// forecast outturn columns, makes a finance workbook.
func detectKind(wb *xlsx.Workbook) string {
	if looksLikeFinance(wb) {
		return metrics.KindFinance
	}
	return metrics.KindPerformance
}
