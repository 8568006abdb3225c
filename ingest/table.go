package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// ingestTable reads a national or open table (.xlsx or .csv) through
// opts.Mapping and stores its values as one upload of kind "table". The
// whole table is read and its rows added up first; only a table with no
// problems opens the store's transaction, so a long read never holds the
// database's write lock.
func (in *Ingester) ingestTable(ctx context.Context, rep Report, name string, content []byte, opts Options) (Report, error) {
	return in.runTable(ctx, rep, name, int64(len(content)), opts,
		func(t *tableReader) error { return in.readTableFile(ctx, t, name, content) },
		func(u metrics.Upload) (*store.IngestTx, error) { return in.Store.BeginIngest(ctx, u, content) })
}

// runTable is a table's ingest once its file is known: read reads the
// table into t, and begin opens the store's transaction with the
// original file (in memory, or streamed).
func (in *Ingester) runTable(ctx context.Context, rep Report, name string, size int64, opts Options,
	read func(t *tableReader) error, begin func(u metrics.Upload) (*store.IngestTx, error)) (Report, error) {
	m := opts.Mapping
	rep.Kind = metrics.KindTable
	rep.Mapping = m.Name
	if opts.Allow != nil {
		if err := opts.Allow(metrics.KindTable); err != nil {
			return rep, err
		}
	}
	var given metrics.Period
	if p := strings.TrimSpace(opts.Period); p != "" {
		var err error
		if given, err = metrics.ParsePeriod(p); err != nil {
			rep.Status = StatusRejected
			rep.Errors = append(rep.Errors, Problem{Message: "--period: " + metrics.ErrorMessage(err)})
			return rep, nil
		}
	}
	probs := &problems{max: in.MaxErrors}
	t, err := newTableReader(m, probs, &rep.Counts, in.Table, given)
	if err != nil {
		return in.rejectTable(rep, Problem{Message: fmt.Sprintf("mapping %s: %v", m.Name, err)}), nil
	}
	t.progress = opts.Progress

	if err := read(t); err != nil {
		var me *metrics.Error
		if errors.As(err, &me) {
			return in.rejectTable(rep, Problem{Message: me.Message}), nil
		}
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	obs := t.observations(name)
	if len(obs) == 0 && !probs.failed() {
		probs.errorf("", "", "the mapping %s found no values in this file: check that it is the table the mapping reads", m.Name)
	}
	rep.Counts.Observations = len(obs)
	used := map[string]bool{}
	for _, o := range obs {
		used[o.MetricID] = true
	}
	rep.Counts.Metrics = len(used)
	if probs.failed() {
		return in.end(rep, probs, nil, nil, "kind", metrics.KindTable, "mapping", m.Name)
	}

	// The whole table is read: only now, and only for a real ingest, is
	// the store's transaction opened. A dry run reads what is stored and
	// writes nothing.
	var (
		tx  *store.IngestTx
		src storedReader = in.Store
	)
	if !opts.DryRun {
		var err error
		tx, err = begin(metrics.Upload{FileName: name, SHA256: rep.SHA256, Kind: metrics.KindTable, Size: size, UploadedBy: opts.UploadedBy})
		var me *metrics.Error
		if errors.As(err, &me) && me.Code != metrics.EINTERNAL {
			return in.rejectTable(rep, Problem{Message: me.Message}), nil
		}
		if err != nil {
			return rep, fmt.Errorf("%s: begin: %w", name, err)
		}
		defer tx.Rollback()
		src = tx
	}
	stored, err := src.IngestCatalogue(ctx)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	cat := newCatalogue(stored)
	for _, id := range t.metricN {
		if !used[id] {
			continue
		}
		// The mapping names its measures by id: a stored one keeps its
		// entry, a new one takes the mapping's, sensitive until approved.
		if m, ok := cat.stored[id]; ok {
			cat.use(m, false, "")
			continue
		}
		cat.define(t.metrics[id], true, "the mapping "+m.Name)
		if tx != nil {
			if err := tx.EnsureMetric(ctx, cat.toWrite(id)); err != nil {
				var me *metrics.Error
				if errors.As(err, &me) {
					probs.errorf("", "", "metric %s: %s", id, me.Message)
					continue
				}
				return rep, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	if probs.failed() {
		return in.end(rep, probs, nil, nil, "kind", metrics.KindTable, "mapping", m.Name)
	}
	sink := newValueSink(tx, src, name)
	defer sink.drop() // stops its writer before the transaction is rolled back
	for _, o := range obs {
		col, row, _ := xlsx.ParseCellRef(firstCell(o.Source.Cell))
		if err := sink.addObservation(ctx, o, col, row); err != nil {
			return rep, fmt.Errorf("%s: store observations: %w", name, err)
		}
	}
	if err := sink.flush(ctx); err != nil {
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	// Before Finish: compare reads the stored series from the
	// transaction, unchanged so far.
	measures, err := sink.compare(ctx, cat, probs, nil)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	rep.Preview = &Preview{Catalogue: cat.changes(), Measures: measures}
	if tx != nil {
		for _, id := range cat.order {
			if cat.wantsOpen(id) && cat.pending[id] != metrics.Open {
				reason := fmt.Sprintf("the mapping %s says it is open", m.Name)
				if err := tx.ProposeClassification(ctx, id, metrics.Open, reason); err != nil {
					return rep, fmt.Errorf("%s: %w", name, err)
				}
			}
		}
		counts, err := tx.Finish(ctx)
		if err != nil {
			return rep, fmt.Errorf("%s: finish: %w", name, err)
		}
		rep.Counts.Superseded = counts.Superseded
	}
	return in.end(rep, probs, tx, nil, "kind", metrics.KindTable, "mapping", m.Name, "observations", rep.Counts.Observations)
}

// firstCell is the first cell of a value's source, which for a value
// that adds up rows reads "B7 (+2 rows)" or "B7, B9".
func firstCell(cell string) string {
	if i := strings.IndexAny(cell, " ,"); i > 0 {
		return cell[:i]
	}
	return cell
}

func (in *Ingester) rejectTable(rep Report, p Problem) Report {
	rep.Status = StatusRejected
	rep.Errors = append(rep.Errors, p)
	return rep
}

// readTableFile tells an .xlsx from a CSV and reads the table's sheets or
// lines into t. Faults of the file come back as *metrics.Error.
func (in *Ingester) readTableFile(ctx context.Context, t *tableReader, name string, content []byte) error {
	ft, _ := SniffFile(bytes.NewReader(content), int64(len(content)), name)
	isCSV := ft == FileCSV || ((ft == FileText || ft == FileEmpty) && strings.EqualFold(path.Ext(name), ".csv"))
	want := t.m.Source.Format
	switch {
	case isCSV && want == "xlsx":
		return metrics.Errorf(metrics.EINVALID, "%s is a CSV file, but the mapping %s reads .xlsx workbooks: choose the mapping for this table", name, t.m.Name)
	case isCSV:
		return in.readCSVTable(ctx, t, bytes.NewReader(content))
	case want == "csv":
		return metrics.Errorf(metrics.EINVALID, "%s is not a CSV file, but the mapping %s reads CSV: choose the mapping for this table, or save the file as CSV", name, t.m.Name)
	}
	wb, err := in.open(name, inMemory(content))
	if err != nil {
		return err
	}
	t.date1904 = wb.Date1904
	var names []string
	read := 0
	for _, sh := range wb.Sheets {
		if sh.Chart || sh.State != "visible" {
			continue
		}
		names = append(names, sh.Name)
		if t.m.HasSheetRule() && !t.m.SheetMatches(sh.Name) {
			continue
		}
		found, err := in.readTableSheet(ctx, t, wb, sh, t.m.HasSheetRule())
		if err != nil {
			return err
		}
		if found {
			read++
			t.counts.Sheets++
		}
	}
	if read == 0 && !t.probs.failed() {
		if t.m.HasSheetRule() {
			rule := fmt.Sprintf("named %q", t.m.Source.Sheet)
			if t.m.Source.Sheet == "" {
				rule = fmt.Sprintf("matching /%s/", t.m.Source.SheetPattern)
			}
			t.probs.errorf("", "", "no sheet is %s, as the mapping %s needs (the sheets are %s): choose the mapping for this table", rule, t.m.Name, quoteList(names))
		} else {
			t.probs.errorf("", "", "no sheet has the header the mapping %s looks for (the sheets are %s)", t.m.Name, quoteList(names))
		}
	}
	return nil
}

func (in *Ingester) readTableSheet(ctx context.Context, t *tableReader, wb *xlsx.Workbook, sh xlsx.Sheet, required bool) (bool, error) {
	rows, err := wb.Rows(sh.Name)
	if err != nil {
		t.probs.errorf(sh.Name, "", "the sheet cannot be read: %v", err)
		return false, nil
	}
	defer rows.Close()
	return t.readTable(ctx, sh.Name, rows, required)
}

// readCSVTable streams a CSV through the mapping.
func (in *Ingester) readCSVTable(ctx context.Context, t *tableReader, r io.Reader) error {
	delim, err := t.m.Delimiter()
	if err != nil {
		return metrics.Errorf(metrics.EINVALID, "mapping %s: %v", t.m.Name, err)
	}
	rows := newCSVRows(r, t.m.Source.Encoding, delim, in.Table, func(line int, msg string) {
		t.probs.errorf("", "", "line %d: %s", line, msg)
	})
	found, err := t.readTable(ctx, "", rows, true)
	if err != nil {
		return err
	}
	if found {
		t.counts.Sheets++
	}
	return nil
}

func quoteList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// mappingNames lists the shipped mappings, for messages.
func mappingNames() []string {
	var names []string
	for _, i := range mapping.List() {
		names = append(names, i.Name)
	}
	return names
}
